// SPDX-License-Identifier: GPL-2.0
/* Check: the EL1 virtual timer interrupt arrives through the GICv3 in time. */
#include <stdio.h>
#include "checks.h"
#include "platform.h"
#include "timer.h"

#define DELAY_MS	10	/* arm the timer this far ahead */
#define DEADLINE_MS	500	/* fail if no interrupt this long after it is due */

static enum check_result run(char *d, size_t n)
{
	uint64_t freq = timer_freq();

	if (!freq) {
		snprintf(d, n, "CNTFRQ_EL0 is 0");
		return CHECK_FAIL;
	}
	timer_disarm();
	uint64_t before = timer_irqs;
	uint64_t cval = now_ticks() + ms_to_ticks(DELAY_MS);
	uint64_t deadline = cval + ms_to_ticks(DEADLINE_MS);

	/* Spin, not WFI: a timer that never fires must not hang the check. */
	timer_arm(cval);
	while (timer_irqs == before && now_ticks() < deadline)
		cpu_relax();
	if (timer_irqs == before) {
		uint64_t ctl = read_sysreg(cntv_ctl_el0);

		timer_disarm();
		timer_works = false;
		snprintf(d, n, "no interrupt (intid %u) %d ms after the deadline; CNTV_CTL 0x%lx: %s",
			 plat.timer_intid, DEADLINE_MS, ctl,
			 ctl & 4 ? "timer expired, interrupt not delivered" : "timer did not expire");
		return CHECK_FAIL;
	}
	if (timer_irq_at < cval) {
		timer_works = false;
		snprintf(d, n, "interrupt %lu us before the deadline", ticks_to_us(cval - timer_irq_at));
		return CHECK_FAIL;
	}
	uint64_t late = ticks_to_us(timer_irq_at - cval);

	timer_works = true;
	snprintf(d, n, "virtual timer intid %u fired %d ms after arming, latency %lu.%03lu ms "
		 "(CNTFRQ %lu Hz)", plat.timer_intid, DELAY_MS, late / 1000, late % 1000, freq);
	return CHECK_PASS;
}

const struct check check_timer = { "timer", run };
