// SPDX-License-Identifier: GPL-2.0
/* Check: write/read back an address+seed pattern over all RAM but the image and DTB. */
#include <stdio.h>
#include "checks.h"
#include "platform.h"
#include "timer.h"

#define PAGE		4096ULL
#define MAX_SEGS	(MAX_MEM * 3)

struct seg {
	uint64_t base, end;
};

static inline uint64_t pattern(uint64_t addr, uint64_t seed)
{
	return addr * 0x9e3779b97f4a7c15ULL ^ seed;
}

/* RAM minus the excluded ranges (each page-rounded), as segments. */
static int build_segments(struct seg *segs, const struct seg *excl, int nexcl)
{
	int nsegs = 0;

	for (int i = 0; i < plat.nmem; i++) {
		uint64_t b = (plat.mem[i].base + PAGE - 1) & ~(PAGE - 1);
		uint64_t e = (plat.mem[i].base + plat.mem[i].size) & ~(PAGE - 1);

		while (b < e && nsegs < MAX_SEGS) {
			uint64_t cut = e, resume = e;

			/* The lowest exclusion that starts before e and ends after b. */
			for (int x = 0; x < nexcl; x++) {
				if (excl[x].end > b && excl[x].base < cut) {
					cut = excl[x].base > b ? excl[x].base : b;
					resume = excl[x].end;
				}
			}
			if (cut > b)
				segs[nsegs++] = (struct seg){ b, cut };
			b = resume;
		}
	}
	return nsegs;
}

/* What the pattern leaves alone: the image and the DTB, page-rounded. */
static void exclusions(struct seg excl[2])
{
	excl[0] = (struct seg){ plat.image_start & ~(PAGE - 1),
				(plat.image_end + PAGE - 1) & ~(PAGE - 1) };
	excl[1] = (struct seg){ (uint64_t)plat.dtb & ~(PAGE - 1),
				((uint64_t)plat.dtb + plat.dtb_size + PAGE - 1) & ~(PAGE - 1) };
}

/* The segments of RAM the pattern covers. */
static int ram_segments(struct seg *segs)
{
	struct seg excl[2];

	exclusions(excl);
	return build_segments(segs, excl, 2);
}

uint64_t memory_pattern_fill(uint64_t seed)
{
	struct seg segs[MAX_SEGS];
	int nsegs = ram_segments(segs);
	uint64_t bytes = 0;

	for (int s = 0; s < nsegs; s++) {
		for (uint64_t a = segs[s].base; a < segs[s].end; a += 8)
			*(volatile uint64_t *)a = pattern(a, seed);
		bytes += segs[s].end - segs[s].base;
	}
	return bytes;
}

bool memory_pattern_verify(uint64_t seed, char *d, size_t n)
{
	struct seg segs[MAX_SEGS];
	int nsegs = ram_segments(segs);

	for (int s = 0; s < nsegs; s++) {
		for (uint64_t a = segs[s].base; a < segs[s].end; a += 8) {
			uint64_t got = *(volatile uint64_t *)a, want = pattern(a, seed);

			if (got != want) {
				snprintf(d, n, "at 0x%lx wrote 0x%016lx, read back 0x%016lx", a, want, got);
				return false;
			}
		}
	}
	return true;
}

static enum check_result run(char *d, size_t n)
{
	struct seg segs[MAX_SEGS], excl[2];
	int nsegs = ram_segments(segs);
	uint64_t seed = now_ticks() * 0x2545f4914f6cdd1dULL | 1;
	uint64_t t0 = now_ticks();
	uint64_t bytes = memory_pattern_fill(seed);

	if (!memory_pattern_verify(seed, d, n))
		return CHECK_FAIL;
	uint64_t ms = ticks_to_us(now_ticks() - t0) / 1000;
	uint64_t total = platform_ram_total();

	exclusions(excl);
	if (!bytes) {
		snprintf(d, n, "no RAM left to test outside the image and DTB");
		return CHECK_FAIL;
	}
	snprintf(d, n, "%lu.%lu MiB of %lu MiB RAM checked in %lu ms (%d ranges; skipped image "
		 "0x%lx-0x%lx, dtb 0x%lx-0x%lx)", bytes >> 20, ((bytes & 0xfffff) * 10) >> 20,
		 total >> 20, ms, nsegs, excl[0].base, excl[0].end, excl[1].base, excl[1].end);
	return CHECK_PASS;
}

const struct check check_memory = { "memory", run };
