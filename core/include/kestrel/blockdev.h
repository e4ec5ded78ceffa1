/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block devices of the host: disks a driver registers (QEMU's virtio-blk
 * device: "vda") and the partitions found on them ("vda1", ...). Guest
 * disks are backed by one of them, whole or a range of it. Requests are
 * asynchronous: submit, and a completion callback runs later.
 */
#ifndef KESTREL_BLOCKDEV_H
#define KESTREL_BLOCKDEV_H

#include <kestrel/types.h>
#include <list.h>

#define BLOCKDEV_NAME_MAX	16
#define BLOCK_SECTOR		512
#define BLK_MAX_SEGS		256

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH };

struct blk_seg {
	void *base;		/* hypervisor address */
	u32 len;		/* a multiple of BLOCK_SECTOR */
};

struct blk_req {
	enum blk_op op;
	u64 sector;		/* in the device it is submitted to */
	unsigned int nsegs;
	struct blk_seg segs[BLK_MAX_SEGS];
	/* Called once when the request is done: status 0 or -EIO (device
	 * error), -EINVAL (out of range, bad segment). Any context (often the
	 * disk's interrupt): it must not sleep. */
	void (*done)(struct blk_req *req, int status);
	void *priv;		/* the submitter's */
	/* For the stack (partition translation, driver queueing). */
	struct list_head node;	/* the driver's while it holds the request */
	void *drv;		/* the driver's */
	/* The block layer's, while the request is in flight: the device it
	 * was submitted to and the submitter's done (blockdev_submit puts its
	 * own in req->done and restores both before calling it). */
	struct blockdev *bd;
	void (*submitter_done)(struct blk_req *req, int status);
};

struct blockdev;

struct blockdev_ops {
	/* Starts req (sector already in device coordinates, range checked).
	 * Returns 0 (done will be called, possibly before submit returns) or
	 * a negative error (it will not). Each segment is physically
	 * contiguous (a heap or page block, a guest RAM chunk). Any context. */
	int (*submit)(struct blockdev *bd, struct blk_req *req);
};

struct blockdev {
	char name[BLOCKDEV_NAME_MAX];
	u64 sectors;			/* size in BLOCK_SECTOR units */
	bool read_only;
	const struct blockdev_ops *ops;	/* NULL for a partition */
	void *priv;			/* the driver's */
	struct blockdev *parent;	/* a partition's disk */
	u64 start;			/* a partition's first sector on parent */
	u8 mbr_type;			/* a partition's MBR type (0xda: snapshot store) */
	const char *kind;		/* "virtio-blk", "partition (MBR type 0x83)" */
	struct list_head node;
	u64 reads, writes, errors;	/* requests completed (a partition's also
					   count on its disk); errors: failed or refused */
	u32 users;			/* guests using it (blockdev_claim) */
	bool writer;			/* the user claimed it for writing */
};

/* Registers a disk (ops set) and scans it for an MBR partition table,
 * registering "<name><n>" for each primary partition (the scan reads
 * sector 0 synchronously: thread context, or boot context with IRQs on,
 * where it polls). 0 or -EEXIST / -EINVAL. */
int blockdev_register_disk(struct blockdev *bd);

/* Finds a device by name; NULL if none. Thread context. */
struct blockdev *blockdev_find(const char *name);

/* Calls fn for each device in registration order (disks, each followed by
 * its partitions). Thread context. */
void blockdev_for_each(void (*fn)(struct blockdev *bd, void *ctx), void *ctx);

/* Submits req to bd: checks the range and segments, maps a partition to
 * its disk, counts it. 0 (done will be called) or a negative error (it
 * will not). Any context. */
int blockdev_submit(struct blockdev *bd, struct blk_req *req);

/* Reads or writes count sectors at sector into buf and waits (thread
 * context; boot context with IRQs on polls). 0 or a negative error. */
int blockdev_rw(struct blockdev *bd, enum blk_op op, u64 sector, void *buf, u32 count);

/* Waits until every write bd completed before is durable (a cache flush:
 * VIRTIO_BLK_T_FLUSH). 0 or a negative error. Thread context. */
int blockdev_flush(struct blockdev *bd);

/* A guest disk takes / gives back a device (shown in `blockdev list`). A
 * whole disk and its partitions exclude each other, as do two writers:
 * -EBUSY names nothing, the caller says which. blockdev_claim takes it for
 * writing (alone; -EPERM on a read-only device), blockdev_claim_read for
 * reading (shared with other readers). Release gives back either kind.
 * Any context. */
int blockdev_claim(struct blockdev *bd);
int blockdev_claim_read(struct blockdev *bd);
void blockdev_release(struct blockdev *bd);

/* Forgets every device and frees the partitions (host unit tests only). */
void blockdev_reset(void);

#endif
