// SPDX-License-Identifier: GPL-2.0
/* Check: accesses where the DT describes nothing come back as aborts this firmware catches. */
#include <stdio.h>
#include <string.h>
#include "checks.h"
#include "exc.h"
#include "platform.h"

/* Append one probe's outcome to d; false if it was not a caught data abort. */
static bool probe(char *d, size_t n, const char *what, uint64_t addr, bool store)
{
	struct probe_result r;
	uint64_t v = 0;
	size_t len = strlen(d);
	const char *sep = len ? "; " : "";

	if (store)
		probe_store(addr, 0x5a5a5a5a5a5a5a5aULL, &r);
	else
		v = probe_load(addr, &r);
	const char *op = store ? "store" : "load";

	if (r.serror) {
		snprintf(d + len, n - len, "%s%s 0x%lx (%s): asynchronous SError (ESR 0x%lx), not a "
			 "synchronous abort", sep, op, addr, what, r.esr);
		return false;
	}
	if (!r.aborted) {
		snprintf(d + len, n - len, "%s%s 0x%lx (%s) completed without an abort%s0x%lx", sep, op,
			 addr, what, store ? "" : ", read ", store ? 0 : v);
		return false;
	}
	uint64_t dfsc = ESR_DFSC(r.esr);
	bool ext = dfsc == 0x10, xlat = (dfsc & 0x3c) == 0x04;
	bool far_ok = !(r.esr & ESR_FNV) && r.far == addr;
	bool ok = ESR_EC(r.esr) == EC_DABT_CUR && (ext || xlat) && ((r.esr & ESR_FNV) || far_ok);
	char kind[32];

	if (ext)
		snprintf(kind, sizeof(kind), "external abort");
	else if (xlat)
		snprintf(kind, sizeof(kind), "translation fault L%lu", dfsc & 3);
	else
		snprintf(kind, sizeof(kind), "unexpected DFSC");
	snprintf(d + len, n - len, "%s%s 0x%lx (%s): EC 0x%lx DFSC 0x%02lx %s, FAR %s", sep, op, addr,
		 what, ESR_EC(r.esr), dfsc, kind,
		 r.esr & ESR_FNV ? "not valid" : far_ok ? "ok" : "wrong");
	return ok;
}

static enum check_result run(char *d, size_t n)
{
	uint64_t hole_start = 0, hole_end = 0;
	uint64_t ram_end = platform_ram_end(), gap = platform_find_gap(&hole_start, &hole_end);
	bool ok = true;

	d[0] = 0;
	ok &= probe(d, n, "ram end", ram_end, false);
	ok &= probe(d, n, "ram end", ram_end, true);
	if (gap) {
		char what[48];

		snprintf(what, sizeof(what), "dt hole 0x%lx-0x%lx", hole_start, hole_end);
		ok &= probe(d, n, what, gap, false);
	}
	return ok ? CHECK_PASS : CHECK_FAIL;
}

const struct check check_abort = { "abort", run };
