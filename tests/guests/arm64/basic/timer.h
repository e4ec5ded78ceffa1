/* SPDX-License-Identifier: GPL-2.0 */
/* The EL1 virtual timer (CNTV): time base, one-shot interrupt, idle waits. */
#ifndef BASIC_TIMER_H
#define BASIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include "sysreg.h"

static inline uint64_t now_ticks(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint64_t timer_freq(void) { return read_sysreg(cntfrq_el0); }
static inline uint64_t ms_to_ticks(uint64_t ms) { return timer_freq() * ms / 1000; }
static inline uint64_t ticks_to_us(uint64_t t) { return t * 1000000 / timer_freq(); }

/* Register the virtual timer PPI on this CPU. */
void timer_init(void);
/* Fire the virtual timer interrupt at absolute counter value cval. */
void timer_arm(uint64_t cval);
void timer_disarm(void);

/* Interrupts taken so far and the counter value when the last one ran. */
extern volatile uint64_t timer_irqs, timer_irq_at;
/* Set once the timer check has seen an interrupt: idle waits may use WFI. */
extern bool timer_works;

/* Wait until cond(arg) or the counter reaches deadline (0: forever); WFI
 * between checks when the timer can wake us. True if cond became true. */
bool wait_until(bool (*cond)(void *), void *arg, uint64_t deadline);

#endif
