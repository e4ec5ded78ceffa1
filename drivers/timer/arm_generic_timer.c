// SPDX-License-Identifier: GPL-2.0
/* ARMv8 generic timer: the EL2 physical timer (CNTHP) drives the core's
 * one-shot timer events on each CPU. */
#define LOG_PREFIX "arch-timer"
#include <kestrel/driver.h>
#include <kestrel/errno.h>
#include <kestrel/hostdt.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/timer.h>
#include <arch_sysreg.h>
#include <arch_timer.h>

/* Interrupt order in the binding: secure, non-secure, virtual, hypervisor. */
#define HYP_TIMER_IDX	3

static void hyp_timer_set(u64 deadline)
{
	write_sysreg(deadline, cnthp_cval_el2);
	write_sysreg(CNT_CTL_ENABLE, cnthp_ctl_el2);
	isb();
}

static void hyp_timer_stop(void)
{
	write_sysreg(0, cnthp_ctl_el2);
	isb();
}

static void hyp_timer_irq(unsigned int hwirq, void *arg)
{
	hyp_timer_stop();	/* level-triggered: quiet it before the EOI */
	timer_events_expire();
}

static const struct clockevent_ops hyp_timer_ops = {
	.name = "arm-generic-timer (CNTHP, EL2)",
	.set_deadline = hyp_timer_set,
	.stop = hyp_timer_stop,
};

static int generic_timer_probe(const void *fdt, int node)
{
	enum irq_trigger trigger;
	unsigned int hwirq;
	int r = irq_from_dt(fdt, node, HYP_TIMER_IDX, &hwirq, &trigger);

	if (r) {
		log_err("no hypervisor timer interrupt (entry %d of 'interrupts')",
			HYP_TIMER_IDX);
		return r;
	}
	if (!arch_counter_freq()) {
		log_err("CNTFRQ_EL0 is 0: firmware did not program the counter frequency");
		return -EINVAL;
	}
	hyp_timer_stop();
	clockevent_register(&hyp_timer_ops);
	return irq_request(hwirq, "hyp-timer", hyp_timer_irq, NULL, trigger, true, 0);
}

static const char *const generic_timer_compat[] = {
	"arm,armv8-timer", "arm,armv7-timer", NULL
};

DRIVER(generic_timer_driver) = {
	.name = "arm-generic-timer",
	.cls = DRIVER_TIMER,
	.compatible = generic_timer_compat,
	.probe = generic_timer_probe,
};
