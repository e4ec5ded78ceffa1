// SPDX-License-Identifier: GPL-2.0
/* Check: PSCI CPU_ON starts the second vCPU; SGIs go both ways; AFFINITY_INFO says on. */
#include <stdio.h>
#include "checks.h"
#include "gic.h"
#include "platform.h"
#include "psci.h"
#include "smp.h"
#include "timer.h"

#define WAIT_MS		2000

struct counter_wait {
	volatile uint32_t *count;
	uint32_t old;
};

static bool counter_moved(void *arg)
{
	struct counter_wait *w = arg;

	return *w->count != w->old || cpu1_state == CPU1_FAILED;
}

static bool wait_sgi(unsigned int cpu, unsigned int sgi, uint32_t old)
{
	struct counter_wait w = { &sgi_seen[cpu][sgi], old };

	return wait_until(counter_moved, &w, now_ticks() + ms_to_ticks(WAIT_MS)) &&
	       sgi_seen[cpu][sgi] != old;
}

static enum check_result run(char *d, size_t n)
{
	const char *how;
	int64_t ret;

	if (cpu1_mpidr == ~0ULL) {
		snprintf(d, n, "the DT lists only one CPU");
		return CHECK_SKIP;
	}
	uint32_t hello = sgi_seen[0][SGI_HELLO];

	if (cpu1_state == CPU1_OFF) {
		cpu1_state = CPU1_STARTING;
		ret = psci_cpu_on(cpu1_mpidr, (uint64_t)secondary_entry, CPU1_CONTEXT_ID);
		if (ret != PSCI_SUCCESS) {
			cpu1_state = CPU1_OFF;
			snprintf(d, n, "PSCI CPU_ON(0x%lx) via %s returned %ld (%s)", cpu1_mpidr,
				 psci_conduit_name(), ret, psci_error_name(ret));
			return CHECK_FAIL;
		}
		if (!wait_sgi(0, SGI_HELLO, hello)) {
			snprintf(d, n, "cpu1 (mpidr 0x%lx) %s", cpu1_mpidr,
				 cpu1_state == CPU1_FAILED ? gic_error :
				 cpu1_state == CPU1_UP ? "is up but its SGI never reached cpu0" :
				 "never came up after CPU_ON");
			return CHECK_FAIL;
		}
		if (cpu1_context_id != CPU1_CONTEXT_ID) {
			snprintf(d, n, "cpu1 entered with x0 0x%lx, not the CPU_ON context_id 0x%llx",
				 cpu1_context_id, CPU1_CONTEXT_ID);
			return CHECK_FAIL;
		}
		how = "started by CPU_ON, its SGI 1 reached cpu0";
	} else {
		/* Already running: a second CPU_ON must say so, not restart it. */
		ret = psci_cpu_on(cpu1_mpidr, (uint64_t)secondary_entry, CPU1_CONTEXT_ID);
		if (ret != PSCI_ALREADY_ON) {
			snprintf(d, n, "CPU_ON of the running cpu1 returned %ld (%s), not ALREADY_ON",
				 ret, psci_error_name(ret));
			return CHECK_FAIL;
		}
		how = "already on (CPU_ON: ALREADY_ON)";
	}

	uint32_t ping = sgi_seen[1][SGI_PING], pong = sgi_seen[0][SGI_PONG];

	gic_send_sgi(cpu1_mpidr, SGI_PING);
	if (!wait_sgi(0, SGI_PONG, pong)) {
		snprintf(d, n, "cpu0 sent SGI %d to cpu1: %s", SGI_PING,
			 sgi_seen[1][SGI_PING] != ping ? "cpu1 got it but its reply never came" :
			 "cpu1 never received it");
		return CHECK_FAIL;
	}
	int aff = 0;

	if (plat.psci_v02) {
		ret = psci_call(PSCI_AFFINITY_INFO_64, cpu1_mpidr, 0, 0);
		if (ret != PSCI_AFF_ON) {
			snprintf(d, n, "AFFINITY_INFO(0x%lx) returned %ld, expected 0 (ON)",
				 cpu1_mpidr, ret);
			return CHECK_FAIL;
		}
		aff = 1;
	}
	snprintf(d, n, "cpu1 (mpidr 0x%lx) %s (psci via %s); SGI %d cpu0->cpu1 and SGI %d "
		 "cpu1->cpu0 received; AFFINITY_INFO %s", cpu1_mpidr, how, psci_conduit_name(),
		 SGI_PING, SGI_PONG, aff ? "ON" : "n/a (psci 0.1)");
	return CHECK_PASS;
}

const struct check check_sgi = { "sgi", run };
