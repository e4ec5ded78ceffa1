// SPDX-License-Identifier: GPL-2.0
/*
 * Check: FP/SIMD registers survive while this vCPU sleeps and others run.
 * v0-v31 are loaded with a fresh pattern, the vCPU waits in WFI for 50 ms
 * (the hypervisor puts it and may run another guest's vCPU on the same
 * host CPU meanwhile), and the registers must read back unchanged.
 */
#include <stdio.h>
#include <string.h>
#include "checks.h"
#include "timer.h"

#define HOLD_MS	50

uint64_t fpsimd_hold(const uint8_t in[512], uint8_t out[512], uint64_t until);

static enum check_result run(char *d, size_t n)
{
	static uint8_t in[512] __attribute__((aligned(16)));
	static uint8_t out[512] __attribute__((aligned(16)));
	uint64_t x = now_ticks() * 0x9e3779b97f4a7c15ULL | 1;

	if (!timer_works) {
		snprintf(d, n, "needs the virtual timer to wake its WFI (timer check failed)");
		return CHECK_SKIP;
	}
	for (size_t i = 0; i < sizeof(in); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		in[i] = (uint8_t)x;
	}
	memset(out, 0, sizeof(out));
	uint64_t until = now_ticks() + ms_to_ticks(HOLD_MS);

	timer_arm(until);
	uint64_t wfis = fpsimd_hold(in, out, until);

	timer_disarm();
	for (size_t i = 0; i < sizeof(in); i++) {
		if (in[i] != out[i]) {
			snprintf(d, n, "v%zu byte %zu changed across %lu WFI(s): wrote 0x%02x, read 0x%02x",
				 i / 16, i % 16, wfis, in[i], out[i]);
			return CHECK_FAIL;
		}
	}
	snprintf(d, n, "v0-v31 intact after %d ms asleep (%lu WFI wake-ups)", HOLD_MS, wfis);
	return CHECK_PASS;
}

const struct check check_fpsimd = { "fpsimd", run };
