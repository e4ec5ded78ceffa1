/* SPDX-License-Identifier: GPL-2.0 */
/* A snapshot being read from the store (core/snapshot_read.c), shared by
 * restore and verify. */
#ifndef KESTREL_SNAPSHOT_READ_H
#define KESTREL_SNAPSHOT_READ_H

#include "snapshot_priv.h"

struct snap_read {
	const char *name;
	char *err;
	size_t errlen;
	struct snap_store st;
	bool opened;
	struct store_entry *e;
	u8 *meta;			/* the snapshot's first meta_len bytes */
	size_t meta_len;
	struct snap_info info;		/* what the validator found */
	struct snap_section *secs;
	struct snap_in in;		/* the sections this build reads */
	const struct snap_section *config, *machine;
	const u8 *dtb;
	size_t dtb_len;
	/* The ram section. */
	u64 ram_base, ram_size, data_offset;
	u32 chunk_size;
	const u8 *present;
	struct snap_field chunk_crc;
	u64 pages_read;
};

/* Opens the store, finds r->name, reads and validates its metadata
 * (checks 1-16, 21), collects the sections. 0 or an error in r->err. */
int snap_read_open(struct snap_read *r);
void snap_read_close(struct snap_read *r);
/* Reads chunk c's present pages into dst and checks its CRC (check 22). */
int snap_read_chunk(struct snap_read *r, u64 c, u8 *dst);
/* Formats "snapshot <name>: ..." into r->err; returns err. */
int snap_read_fail(struct snap_read *r, int err, const char *fmt, ...) __printf(3, 4);

#endif
