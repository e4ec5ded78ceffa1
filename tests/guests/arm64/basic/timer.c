// SPDX-License-Identifier: GPL-2.0
/* The EL1 virtual timer (CNTV): time base, one-shot interrupt, idle waits. */
#include "timer.h"
#include "gic.h"
#include "platform.h"

#define CNTV_CTL_ENABLE	(1U << 0)
#define POLL_MS		100	/* idle waits recheck at least this often */

volatile uint64_t timer_irqs, timer_irq_at;
bool timer_works;

static void timer_irq(uint32_t intid)
{
	(void)intid;
	timer_irq_at = now_ticks();
	write_sysreg(cntv_ctl_el0, 0);	/* one-shot: drop the level */
	timer_irqs++;
}

void timer_init(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	gic_set_handler(plat.timer_intid, timer_irq);
	gic_enable_irq(plat.timer_intid, true);
}

void timer_arm(uint64_t cval)
{
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

void timer_disarm(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

bool wait_until(bool (*cond)(void *), void *arg, uint64_t deadline)
{
	for (;;) {
		if (cond(arg))
			return true;
		uint64_t now = now_ticks();

		if (deadline && now >= deadline)
			return false;
		if (!timer_works) {
			cpu_relax();
			continue;
		}
		uint64_t wake = now + ms_to_ticks(POLL_MS);

		if (deadline && deadline < wake)
			wake = deadline;
		/* WFI wakes on a pending interrupt even while PSTATE.I masks it,
		 * so checking cond with IRQs masked closes the race. */
		irq_disable();
		timer_arm(wake);
		if (!cond(arg))
			wfi();
		irq_enable();
	}
}
