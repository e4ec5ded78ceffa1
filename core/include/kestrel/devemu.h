/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MMIO dispatch: each guest has a map of emulated device regions, a
 * sorted array searched by binary search on the trap path. An emulator has
 * one read and one write callback taking the access width.
 */
#ifndef KESTREL_DEVEMU_H
#define KESTREL_DEVEMU_H

#include <kestrel/types.h>
#include <kestrel/spinlock.h>

/* What became of one guest access; the trap code acts on it. */
enum devemu_result {
	DEVEMU_HANDLED,		/* done: skip the instruction */
	DEVEMU_UNHANDLED,	/* no device at this address: inject an abort, log it */
	DEVEMU_ABORT,		/* the device refused the access: inject an abort */
	DEVEMU_RETRY,		/* not done yet: re-run the instruction later */
};

struct devemu_region;

struct devemu_ops {
	/* offset is from the region base; width is 1, 2, 4 or 8 and the access
	 * lies inside the region (it may be unaligned: the emulator decides).
	 * Called with the region's lock held, if it has one. read stores the
	 * value in *val (bits above width are dropped by the caller); write
	 * gets val zero-extended from width. */
	enum devemu_result (*read)(struct devemu_region *r, u64 offset, unsigned int width,
				   u64 *val);
	enum devemu_result (*write)(struct devemu_region *r, u64 offset, unsigned int width,
				    u64 val);
};

/* One emulated range [base, base + size) of guest physical addresses. The
 * emulator owns the struct (usually embedded in its device state) and
 * fills base, size, ops, priv, name and lock before devemu_map_add. */
struct devemu_region {
	gpa_t base;
	u64 size;
	const struct devemu_ops *ops;
	void *priv;		/* the emulator's device state */
	const char *name;	/* shown in logs and listings */
	spinlock_t *lock;	/* held around each callback; may be shared by
				   several regions of one device; NULL: none */
	u64 reads, writes;	/* accesses dispatched, counted by devemu */
};

/* A guest's regions, sorted by base, never overlapping. The lock guards the
 * array; the trap path takes it for the search only and allocates nothing. */
struct devemu_map {
	struct devemu_region **regions;
	unsigned int count, cap;
	spinlock_t lock;
};

/* Initialises an empty map (no allocation). */
void devemu_map_init(struct devemu_map *m);

/* Inserts r in address order. 0, -EINVAL (size 0, range wraps past 2^64,
 * missing ops), -EEXIST (overlaps a region: both are named in an error log
 * line) or -ENOMEM. Thread context; may allocate. */
int devemu_map_add(struct devemu_map *m, struct devemu_region *r);

/* Takes r out of the map; 0 or -ENOENT. The caller makes sure no access to
 * r is in flight (the guest's vCPUs are stopped), as r may then be freed. */
int devemu_map_remove(struct devemu_map *m, struct devemu_region *r);

/* The region holding all of [addr, addr + width), or NULL (none, width 0,
 * or the range straddles a region's end). O(log n). Any context. */
struct devemu_region *devemu_map_find(struct devemu_map *m, gpa_t addr, unsigned int width);

/* Runs one guest access of `width` bytes at addr: *val is the value to
 * write, or receives the value read (zero-extended). DEVEMU_ABORT for a
 * width other than 1, 2, 4, 8 or an access straddling a region's end,
 * DEVEMU_UNHANDLED when no region holds addr, else the emulator's result.
 * Counts the access in the region. Trap context (any context, no sleep). */
enum devemu_result devemu_access(struct devemu_map *m, gpa_t addr, unsigned int width,
				 bool write, u64 *val);

/* Frees the array (not the regions, which belong to their emulators) and
 * leaves the map empty and reusable. */
void devemu_map_destroy(struct devemu_map *m);

/* Calls fn for each region in address order, with the map lock held: fn
 * must not add or remove regions. */
void devemu_map_for_each(struct devemu_map *m, void (*fn)(struct devemu_region *r, void *ctx),
			 void *ctx);

/* Name for logs: "handled", "unhandled", "abort", "retry". */
const char *devemu_result_name(enum devemu_result res);

#endif
