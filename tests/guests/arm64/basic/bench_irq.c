// SPDX-License-Identifier: GPL-2.0
/* The interrupt benchmarks: SGI round trips with cpu1 and virtual timer latency, waiting in WFI. */
#include <stdio.h>
#include "bench.h"
#include "gic.h"
#include "platform.h"
#include "psci.h"
#include "smp.h"
#include "sysreg.h"
#include "timer.h"

#define PROBE_MS	500	/* the timer's first interrupt must come this soon */
#define WATCHDOG_MS	1000	/* a wait for an SGI gives up after this */
#define TIMER_AHEAD_HZ	5000	/* the timer bench arms CNTFRQ / this ahead: 200 us */

const char *bench_error;
static char why[160];

static inline uint64_t stamp(void)
{
	isb();
	uint64_t v = read_sysreg(cntvct_el0);
	isb();
	return v;
}

/* IRQs masked: a short unmasked window in which the interrupt that woke
 * the WFI is taken. */
static inline void take_irq(void)
{
	__asm__ volatile("msr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::: "memory");
}

/* IRQs masked: sleep in WFI until *count moves from old, or until the
 * watchdog (the virtual timer) has fired, i.e. timer_irqs moved from wd.
 * WFI wakes on a pending interrupt even while PSTATE.I masks it, so one
 * that comes between the check and the WFI is not lost. A spinning wait
 * would burn the time slice the other vCPU needs under QEMU's icount. */
static bool wait_count(volatile uint32_t *count, uint32_t old, uint64_t wd)
{
	while (*count == old && timer_irqs == wd) {
		wfi();
		take_irq();
	}
	return *count != old;
}

static void watchdog_arm(void)
{
	timer_arm(now_ticks() + ms_to_ticks(WATCHDOG_MS));
}

const char *bench_timer_prepare(void)
{
	if (!timer_freq())
		return "FAIL CNTFRQ_EL0 is 0";
	if (timer_works)
		return NULL;
	/* Not seen to work yet (bench mode runs no checks): one interrupt,
	 * spun for, so that a timer that never fires cannot hang a WFI. */
	uint64_t before = timer_irqs, cval = now_ticks() + ms_to_ticks(1);
	uint64_t limit = cval + ms_to_ticks(PROBE_MS);

	timer_arm(cval);
	while (timer_irqs == before && now_ticks() < limit)
		cpu_relax();
	timer_disarm();
	if (timer_irqs == before) {
		snprintf(why, sizeof(why), "FAIL the virtual timer (intid %u) raised no "
			 "interrupt within %d ms of its deadline", plat.timer_intid, PROBE_MS);
		return why;
	}
	timer_works = true;
	return NULL;
}

/* CPU_ON for cpu1 and its hello SGI; NULL once it is up. */
static const char *start_cpu1(void)
{
	uint32_t hello = sgi_seen[0][SGI_HELLO];
	uint64_t wd = timer_irqs;

	cpu1_state = CPU1_STARTING;
	int64_t ret = psci_cpu_on(cpu1_mpidr, (uint64_t)secondary_entry, CPU1_CONTEXT_ID);

	if (ret != PSCI_SUCCESS) {
		cpu1_state = CPU1_OFF;
		snprintf(why, sizeof(why), "FAIL PSCI CPU_ON(0x%lx) via %s returned %ld (%s)",
			 cpu1_mpidr, psci_conduit_name(), ret, psci_error_name(ret));
		return why;
	}
	irq_disable();
	watchdog_arm();
	bool up = wait_count(&sgi_seen[0][SGI_HELLO], hello, wd);

	irq_enable();
	timer_disarm();
	if (up && cpu1_state == CPU1_UP)
		return NULL;
	snprintf(why, sizeof(why), "FAIL cpu1 (mpidr 0x%lx) %s", cpu1_mpidr,
		 cpu1_state == CPU1_FAILED ? gic_error : "sent no hello SGI after CPU_ON");
	return why;
}

const char *bench_sgi_prepare(void)
{
	const char *t;

	if (cpu1_mpidr == ~0ULL)
		return "SKIP the DT lists only one CPU";
	/* Outside bench mode cpu1 runs (or, started, would run) the counter
	 * loop, which takes the time of its host CPU: no fair figure. */
	if (plat.mode != BOOT_BENCH)
		return "SKIP not in bench mode: cpu1 runs the counter loop (boot with kestrel.bench)";
	t = bench_timer_prepare();	/* the waits' watchdog */
	if (t)
		return t;
	if (cpu1_state == CPU1_OFF)
		return start_cpu1();
	if (cpu1_state != CPU1_UP)
		return "FAIL cpu1 did not come up when it was started";
	return NULL;
}

bool bench_sgi_sample(uint64_t *ticks)
{
	volatile uint32_t *pong = &sgi_seen[0][SGI_PONG];
	uint64_t wd = timer_irqs, t0, t1;
	unsigned int i;

	irq_disable();
	watchdog_arm();
	t0 = stamp();
	for (i = 0; i < BENCH_SGI_BATCH; i++) {
		uint32_t old = *pong;

		gic_send_sgi(cpu1_mpidr, SGI_PING);
		if (!wait_count(pong, old, wd))
			break;
	}
	t1 = stamp();
	irq_enable();
	timer_disarm();
	if (i < BENCH_SGI_BATCH) {
		snprintf(why, sizeof(why), "FAIL cpu1 did not answer SGI %d with SGI %d within %d ms",
			 SGI_PING, SGI_PONG, WATCHDOG_MS);
		bench_error = why;
		return false;
	}
	*ticks = t1 - t0;
	return true;
}

bool bench_timer_sample(uint64_t *ticks)
{
	uint64_t before = timer_irqs, cval;

	irq_disable();
	cval = now_ticks() + timer_freq() / TIMER_AHEAD_HZ;
	timer_arm(cval);
	/* timer.c's handler records CNTVCT on entry and disarms the timer. */
	while (timer_irqs == before) {
		wfi();
		take_irq();
	}
	irq_enable();
	if (timer_irq_at < cval) {
		bench_error = "FAIL the timer interrupt came before its deadline";
		return false;
	}
	*ticks = timer_irq_at - cval;
	return true;
}
