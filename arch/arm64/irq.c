// SPDX-License-Identifier: GPL-2.0
/* Masking IRQs on the calling CPU through PSTATE.DAIF. */
#include <arch_irq.h>
#include <arch_sysreg.h>

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);

	__asm__ __volatile__("msr daifset, #2" ::: "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	write_sysreg(flags, daif);
}

void arch_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

void arch_irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}

bool arch_irqs_disabled(void)
{
	return read_sysreg(daif) & (1UL << 7);
}

bool arch_irq_pending(void)
{
	/* At EL2, ISR_EL1 shows the physical IRQ and FIQ lines. */
	return read_sysreg(isr_el1) & ((1UL << 7) | (1UL << 6));
}
