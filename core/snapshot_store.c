// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot store on the hypervisor's disk (docs/snapshot-format.md,
 * "Store layout"): the first MBR partition of type 0xda, its two metadata
 * copies (the one with the higher generation is in force, a commit writes
 * the other) and the snapshots' extents. The bytes are libs/snapstore's;
 * this file does the I/O.
 */
#define LOG_PREFIX "snapshot"
#include <arch_timer.h>
#include <kestrel/entropy.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <printf.h>
#include <string.h>
#include "snapshot_priv.h"

static void find_store(struct blockdev *bd, void *ctx)
{
	struct blockdev **found = ctx;

	if (!*found && bd->parent && bd->mbr_type == SNAP_STORE_MBR_TYPE)
		*found = bd;
}

static int read_copies(struct snap_store *s, u8 *b)
{
	int r = blockdev_rw(s->bd, BLK_READ, 0, s->copy, STORE_META_SIZE / BLOCK_SECTOR);

	if (!r)
		r = blockdev_rw(s->bd, BLK_READ, STORE_COPY_B / BLOCK_SECTOR, b,
				STORE_META_SIZE / BLOCK_SECTOR);
	return r;
}

/* A new store: copy A generation 1, copy B the same with generation 0. */
static int format(struct snap_store *s, char *err, size_t errlen)
{
	u8 uuid[16];
	u64 t = arch_counter_read();
	int r;

	/* The uuid only tells stores apart; the counter is a fallback when
	 * the host has no entropy source. */
	if (entropy_read(uuid, sizeof(uuid), false) != (int)sizeof(uuid))
		for (unsigned int i = 0; i < sizeof(uuid); i++)
			uuid[i] = (u8)(t >> (8 * (i % 8))) ^ (u8)(i * 37);
	store_format(&s->meta, (u32)s->part_units, uuid);
	/* Each commit adds 1 and writes the copy not in force: B gets
	 * generation 0, then A generation 1. */
	s->meta.generation = (u64)-1;
	s->current = 0;
	r = snapstore_commit(s, err, errlen);
	if (!r)
		r = snapstore_commit(s, err, errlen);
	if (!r)
		log_info("%s: formatted a snapshot store of %llu units (%llu MiB)", s->bd->name,
			 (unsigned long long)s->part_units,
			 (unsigned long long)(s->part_units * (STORE_UNIT_SIZE >> 20)));
	return r;
}

int snapstore_open(struct snap_store *s, bool do_format, char *err, size_t errlen)
{
	char why[SNAP_ERR_MAX];
	u8 *b;
	int r;

	memset(s, 0, sizeof(*s));
	blockdev_for_each(find_store, &s->bd);
	if (!s->bd) {
		snprintf(err, errlen, "no snapshot store: the host has no disk partition of MBR type 0x%02x",
			 SNAP_STORE_MBR_TYPE);
		return -ENODEV;
	}
	s->part_units = s->bd->sectors * BLOCK_SECTOR / STORE_UNIT_SIZE;
	if (s->part_units < 2) {
		snprintf(err, errlen, "%s: %llu KiB is too small for a snapshot store (4 MiB at least)",
			 s->bd->name, (unsigned long long)(s->bd->sectors / 2));
		return -ENOSPC;
	}
	s->copy = kmalloc(2 * STORE_META_SIZE);
	if (!s->copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b = s->copy + STORE_META_SIZE;
	r = read_copies(s, b);
	if (r) {
		snprintf(err, errlen, "%s: cannot read the store (%s)", s->bd->name, strerror(r));
		goto fail;
	}
	r = store_pick(s->copy, b, s->part_units, &s->meta, why, sizeof(why));
	if (r == STORE_PICK_REFUSED) {
		snprintf(err, errlen, "%s: the snapshot store cannot be used: %s", s->bd->name, why);
		r = -EINVAL;
		goto fail;
	}
	s->current = r;
	if (r == STORE_PICK_NONE && do_format) {
		r = format(s, err, errlen);
		if (r)
			goto fail;
	} else if (r >= 0 && store_grow(&s->meta, s->part_units)) {
		log_info("%s: store grown to %u units", s->bd->name, s->meta.nr_units);
	}
	return 0;
fail:
	kfree(s->copy);
	s->copy = NULL;
	return r;
}

void snapstore_close(struct snap_store *s)
{
	kfree(s->copy);
	s->copy = NULL;
}

int snapstore_commit(struct snap_store *s, char *err, size_t errlen)
{
	u32 off = store_copy_offset_for(&s->meta, s->current);
	int r;

	s->meta.generation++;
	if (store_meta_encode(&s->meta, s->copy)) {
		s->meta.generation--;
		snprintf(err, errlen, "%s: the store's directory is inconsistent", s->bd->name);
		return -EINVAL;
	}
	r = blockdev_rw(s->bd, BLK_WRITE, off / BLOCK_SECTOR, s->copy,
			STORE_META_SIZE / BLOCK_SECTOR);
	if (!r)
		r = blockdev_flush(s->bd);
	if (r) {
		s->meta.generation--;
		snprintf(err, errlen, "%s: cannot write the store's directory (%s)", s->bd->name,
			 strerror(r));
		return r;
	}
	s->current = off ? 1 : 0;
	return 0;
}

int snapstore_io(struct snap_store *s, const struct store_entry *e, enum blk_op op, u64 off,
		 void *buf, u64 len)
{
	u8 *p = buf;

	if (off % BLOCK_SECTOR || len % BLOCK_SECTOR)
		return -EINVAL;
	while (len) {
		u64 contig, n;
		s64 at = store_map(e, off, &contig);
		int r;

		if (at < 0)
			return -EINVAL;
		n = MIN(len, contig);
		n = MIN(n, (u64)STORE_UNIT_SIZE);
		r = blockdev_rw(s->bd, op, (u64)at / BLOCK_SECTOR, p, (u32)(n / BLOCK_SECTOR));
		if (r)
			return r;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}
