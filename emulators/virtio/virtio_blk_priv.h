/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk's device state, shared by the device (virtio_blk.c) and its
 * snapshot fields (virtio_blk_snap.c). See virtio_blk.h for the model.
 */
#ifndef KESTREL_EMU_VIRTIO_BLK_PRIV_H
#define KESTREL_EMU_VIRTIO_BLK_PRIV_H

#include "virtio_blk.h"
#include <kestrel/blockdev.h>
#include <kestrel/spinlock.h>
#include <kestrel/thread.h>
#include <list.h>

#define VIRTIO_BLK_CONFIG_SIZE	24	/* up to and including blk_size */
#define VIRTIO_BLK_NAME_LEN	64

/* One request at the backend. */
struct blk_slot {
	struct virtio_blk *blk;
	struct blk_req br;
	u32 gen;		/* the device's generation when it was taken */
	u16 head;		/* for the used ring */
	u64 write_len;
	u32 written;		/* bytes written on success, status included */
	u8 *status;		/* the status byte, in guest RAM */
};

struct virtio_blk {
	struct virtio_dev *vdev;
	struct blockdev *bd;
	u64 start;			/* first sector of the range on bd */
	u64 capacity;			/* sectors */
	bool read_only;
	u8 config[VIRTIO_BLK_CONFIG_SIZE];	/* little endian, as the guest reads it */
	char id[VIRTIO_BLK_ID_BYTES];	/* the serial; not NUL-terminated when 20 long */
	char name[VIRTIO_BLK_NAME_LEN];	/* "<guest>/<device>" */
	struct list_head node;		/* in `disks` */

	/* Guards what follows up to `idle`. Taken inside the queue lock. */
	spinlock_t lock;
	u32 gen;			/* changes with the queue lock held too */
	u32 free_slots;			/* bit i: slots[i] is free */
	/* References that keep the device alive: slots taken plus passes
	 * over the queue running. Destroy and reset wait for 0. */
	unsigned int active;
	bool running;			/* a pass is running (one at a time) */
	bool rerun;			/* another pass was asked for meanwhile */
	bool starved;			/* requests wait in the ring for a slot */
	bool stopping;			/* no new request starts */
	struct waitq idle;		/* woken when `active` drops to 0 */

	unsigned int warnings;		/* queue lock */
	struct vq_req req;		/* the chain in hand; queue lock */
	struct blk_slot slots[VIRTIO_BLK_INFLIGHT];
};

/* The type's snapshot fields (virtio_backend_ops.snap_save, snap_load). */
void virtio_blk_snap_save(struct virtio_dev *d, struct snap_tlv_writer *w);
int virtio_blk_snap_load(struct virtio_dev *d, const struct snap_section *s, char *err,
			 size_t errlen);

#endif
