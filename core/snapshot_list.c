// SPDX-License-Identifier: GPL-2.0
/* `snapshot list` and `snapshot delete`: the store's directory. */
#define LOG_PREFIX "snapshot"
#include <kestrel/console.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <printf.h>
#include <string.h>
#include "snapshot_priv.h"

/* The saved guest and its save time, from the snapshot's header. */
static void describe(struct snap_store *st, const struct store_entry *e, u8 *blk, char *buf,
		     size_t len)
{
	struct snap_header h;

	if (snapstore_io(st, e, BLK_READ, 0, blk, BLOCK_SECTOR) ||
	    snap_header_decode(blk, SNAP_HEADER_SIZE, &h)) {
		snprintf(buf, len, "-                (no header)");
		return;
	}
	snprintf(buf, len, "%-16s uptime %llu s", h.guest_name[0] ? h.guest_name : "-",
		 (unsigned long long)(h.created_uptime_ns / 1000000000ULL));
}

int snapshot_list(char *err, size_t errlen)
{
	struct snap_store st;
	char why[SNAP_ERR_MAX], size[24], what[80];
	unsigned int n = 0;
	u8 *blk;
	int r = snapstore_open(&st, false, why, sizeof(why));

	if (r) {
		snprintf(err, errlen, "snapshot: %s", why);
		return r;
	}
	if (st.current < 0) {
		printk("%s: empty snapshot store (formatted by the first save)\n", st.bd->name);
		snapstore_close(&st);
		return 0;
	}
	blk = kmalloc(BLOCK_SECTOR);
	if (!blk) {
		snapstore_close(&st);
		snprintf(err, errlen, "snapshot: out of memory");
		return -ENOMEM;
	}
	snap_fmt_mib(size, sizeof(size), (u64)store_free_units(&st.meta) * STORE_UNIT_SIZE);
	printk("%s: %u units of 2 MiB, %s free, generation %llu\n", st.bd->name, st.meta.nr_units,
	       size, (unsigned long long)st.meta.generation);
	for (unsigned int i = 0; i < STORE_DIR_ENTRIES; i++) {
		const struct store_entry *e = &st.meta.dir[i];

		if (e->state == STORE_FREE)
			continue;
		if (!n++)
			printk("NAME                             STATE       SIZE        SEQ  GUEST            SAVED AT\n");
		snap_fmt_mib(size, sizeof(size), (u64)store_units_for(e->length) * STORE_UNIT_SIZE);
		describe(&st, e, blk, what, sizeof(what));
		printk("%-32s %-11s %-11s %-4llu %s\n", e->name,
		       e->state == STORE_READY ? "ready" : "incomplete",
		       e->state == STORE_READY ? size : "-", (unsigned long long)e->sequence, what);
	}
	if (!n)
		printk("no snapshots\n");
	kfree(blk);
	snapstore_close(&st);
	return 0;
}

int snapshot_delete(const char *name, char *err, size_t errlen)
{
	struct snap_store st;
	char why[SNAP_ERR_MAX];
	int r = snapstore_open(&st, false, why, sizeof(why)), idx;

	if (r) {
		snprintf(err, errlen, "snapshot %s: %s", name, why);
		return r;
	}
	idx = st.current < 0 ? -1 : store_find(&st.meta, name);
	if (idx < 0) {
		snprintf(err, errlen, "snapshot %s: no such snapshot in %s (see snapshot list)", name,
			 st.bd->name);
		r = -ENOENT;
	} else {
		store_entry_free(&st.meta, idx);
		r = snapstore_commit(&st, why, sizeof(why));
		if (r)
			snprintf(err, errlen, "snapshot %s: %s", name, why);
		else
			printk("snapshot %s: deleted\n", name);
	}
	snapstore_close(&st);
	return r;
}
