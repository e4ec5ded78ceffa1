/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the snapshot files of core/ only (snapshot_*.c, cmd/snapshot.c). */
#ifndef KESTREL_SNAPSHOT_PRIV_H
#define KESTREL_SNAPSHOT_PRIV_H

#include <kestrel/blockdev.h>
#include <kestrel/snapshot.h>
#include <snapstore.h>

/* Where Kestrel's writer puts the RAM data: the metadata (header, sections,
 * table) must fit below it. */
#define SNAP_DATA_OFFSET	0x200000ULL
#define SNAP_META_MAX		(SNAP_DATA_OFFSET - SNAP_SECTIONS_START)
#define SNAP_STORE_MBR_TYPE	0xda
#define SNAP_ERR_MAX		256

/* The store on a type-0xda partition, as opened for one operation. */
struct snap_store {
	struct blockdev *bd;
	u64 part_units;
	int current;			/* copy in force: 0 A, 1 B, -1 not formatted */
	struct store_meta meta;
	u8 *copy;			/* STORE_META_SIZE bytes of I/O buffer */
};

/* Opens the first partition of type 0xda as a store. An unformatted one is
 * formatted (logged) when `format`, else left with current = -1. 0, or a
 * negative error with the reason in err. Thread context. */
int snapstore_open(struct snap_store *s, bool format, char *err, size_t errlen);
void snapstore_close(struct snap_store *s);
/* Writes the directory into the copy not in force, flushed. 0 or an error. */
int snapstore_commit(struct snap_store *s, char *err, size_t errlen);
/* Reads or writes len bytes at snapshot offset off of entry e (both
 * multiples of 512) through its extents. 0 or a negative error. */
int snapstore_io(struct snap_store *s, const struct store_entry *e, enum blk_op op, u64 off,
		 void *buf, u64 len);

/* Progress lines of a long operation: "  40%  103/258 MiB  51.2 MiB/s". */
struct snap_progress {
	u64 total, done;		/* bytes */
	u64 t0;
	unsigned int next_pct;		/* the next percentage to print */
};

void snap_progress_start(struct snap_progress *p, u64 total);
void snap_progress_add(struct snap_progress *p, u64 bytes);
/* "1.23 s" style elapsed time and "12.3 MiB" style sizes for summaries. */
void snap_fmt_secs(char *buf, size_t len, u64 ns);
void snap_fmt_mib(char *buf, size_t len, u64 bytes);

/* "Kestrel 0.1.0" and "Kestrel 0.1.0 (arm64, qemu-virt)". */
extern const char snap_build[];
void snap_producer(char *buf, size_t len);

/* "snapshot <name>: <fmt...>" into err; returns ret. */
int snap_verror(char *err, size_t errlen, const char *name, int ret, const char *fmt,
		va_list ap);

/* Snapshot validation options of this build, for snapshot `name`. */
void snap_opts(struct snap_validate_opts *o, const char *name, u64 container_len);

#endif
