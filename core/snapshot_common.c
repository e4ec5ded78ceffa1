// SPDX-License-Identifier: GPL-2.0
/* What saving, restoring and listing snapshots share: progress lines,
 * formatted sizes and times, this build's identity and validation options. */
#include <arch_cpu.h>
#include <arch_guest.h>
#include <kestrel/console.h>
#include <kestrel/timer.h>
#include <kestrel/version.h>
#include <printf.h>
#include <kestrel/page_alloc.h>
#include <string.h>
#include "snapshot_priv.h"

const char snap_build[] = "Kestrel " KESTREL_VERSION;

void snap_producer(char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s, %s)", snap_build, arch_name(), CONFIG_BOARD_NAME);
}

void snap_opts(struct snap_validate_opts *o, const char *name, u64 container_len)
{
	memset(o, 0, sizeof(*o));
	o->name = name;
	o->build = snap_build;
	o->arch = arch_snap_arch();
	o->page_size = PAGE_SIZE;
	o->container_len = container_len;
}

int snap_verror(char *err, size_t errlen, const char *name, int ret, const char *fmt,
		va_list ap)
{
	int n = snprintf(err, errlen, "snapshot %s: ", name);

	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	return ret;
}

void snap_fmt_secs(char *buf, size_t len, u64 ns)
{
	u64 ms = ns / 1000000;

	snprintf(buf, len, "%llu.%02llu s", (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000 / 10));
}

void snap_fmt_mib(char *buf, size_t len, u64 bytes)
{
	u64 tenths = bytes * 10 / SZ_1M;

	snprintf(buf, len, "%llu.%llu MiB", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10));
}

void snap_progress_start(struct snap_progress *p, u64 total)
{
	p->total = total ? total : 1;
	p->done = 0;
	p->t0 = time_now_ns();
	p->next_pct = 10;
}

/* A line at every 10 %: the user sees the operation move and its speed. */
void snap_progress_add(struct snap_progress *p, u64 bytes)
{
	unsigned int pct;
	u64 ns, rate;
	char done[24], total[24];

	p->done += bytes;
	pct = (unsigned int)(p->done * 100 / p->total);
	if (pct < p->next_pct)
		return;
	while (p->next_pct <= pct)
		p->next_pct += 10;
	ns = time_now_ns() - p->t0;
	rate = ns ? (p->done * 10 / 1024) * 1000000ULL / ns * 1000 / 1024 : 0;	/* MiB/s x 10 */
	snap_fmt_mib(done, sizeof(done), p->done);
	snap_fmt_mib(total, sizeof(total), p->total);
	printk("  %3u%%  %s of %s  %llu.%llu MiB/s\n", pct, done, total,
	       (unsigned long long)(rate / 10), (unsigned long long)(rate % 10));
}
