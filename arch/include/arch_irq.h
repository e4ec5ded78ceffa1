/* SPDX-License-Identifier: GPL-2.0 */
/* Masking of the calling CPU's interrupts (DAIF.I, sstatus.SIE, RFLAGS.IF). */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdbool.h>

/* Masks IRQs and returns the previous mask state for arch_irq_restore. Any context. */
unsigned long arch_irq_save(void);

/* Restores the mask state returned by arch_irq_save. Any context. */
void arch_irq_restore(unsigned long flags);

/* Unmasks / masks IRQs on the calling CPU. Thread context. */
void arch_irq_enable(void);
void arch_irq_disable(void);

/* True when IRQs are masked on the calling CPU. Any context. */
bool arch_irqs_disabled(void);

/* True when an interrupt waits at the calling CPU, masked or not: code that
 * loops with IRQs masked (a vCPU re-entering its guest) stops for it. Any
 * context. */
bool arch_irq_pending(void);

#endif
