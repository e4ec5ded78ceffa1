/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver side of a split virtqueue (VirtIO 1.2, 2.7), for the host's
 * own virtio devices: descriptor table, available (driver) ring and used
 * (device) ring in one block of memory the caller provides, a free list of
 * descriptors, buffer chains added directly or through an indirect table
 * (2.7.5.3), and the used ring harvested in order. No transport and no
 * locking here: the caller (virtio_host.c) serialises all calls on a queue
 * and writes QueueNotify when vqd_kick_needed says so.
 *
 * Addresses handed to the device are host physical (hpa_t); the caller
 * converts. No VIRTIO_F_EVENT_IDX: notifications use the ring flags.
 */
#ifndef KESTREL_DRV_VIRTQUEUE_DRV_H
#define KESTREL_DRV_VIRTQUEUE_DRV_H

#include <kestrel/types.h>

#define VQD_MAX_SIZE		32768	/* largest split queue */

/* Descriptor and ring flags (2.7.5, 2.7.6, 2.7.8). */
#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT	1
#define VRING_USED_F_NO_NOTIFY		1

/* The ring layout in memory (little endian; the hosts Kestrel runs on are). */
struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[];
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[];
};

/* One buffer of a chain: host physical address and length (> 0). */
struct vqd_seg {
	hpa_t addr;
	u32 len;
};

struct vqd {
	u16 num;			/* queue size, a power of 2 */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	hpa_t desc_pa, avail_pa, used_pa;
	void **cookie;			/* per head descriptor; NULL when free */
	u16 free_head;			/* free descriptors, linked through next */
	u16 num_free;
	u16 avail_idx;			/* next avail ring slot (what avail->idx holds) */
	u16 last_used;			/* next used ring entry to take */
	int error;			/* set when the device returned a bad entry */
	u64 added, completed;		/* chains, for statistics */
};

/* Bytes of ring memory for a queue of num entries (descriptor table, avail
 * ring, then the used ring at a 64-byte boundary). */
size_t vqd_ring_size(u16 num);

/*
 * Lays a queue of num entries (a power of 2, 1 .. VQD_MAX_SIZE) out in
 * ring (vqd_ring_size(num) bytes, 16-byte aligned, at physical ring_pa),
 * zeroes it and links every descriptor into the free list. cookies: num
 * entries of the caller's. 0 or -EINVAL.
 */
int vqd_init(struct vqd *q, u16 num, void *ring, hpa_t ring_pa, void **cookies);

/*
 * Makes a chain of nout device-readable then nin device-writable buffers
 * available, identified by cookie (not NULL; returned by vqd_get_used).
 * 0, -ENOSPC when fewer than nout + nin descriptors are free (nothing is
 * changed: queue it and retry after completions), or -EINVAL (no segment,
 * a zero length, more segments than the queue has descriptors).
 */
int vqd_add(struct vqd *q, const struct vqd_seg *segs, unsigned int nout, unsigned int nin,
	    void *cookie);

/*
 * The same through an indirect table (VIRTIO_F_INDIRECT_DESC negotiated):
 * the chain is written into table (nout + nin entries, at physical
 * table_pa, owned by the caller until the chain comes back) and takes one
 * ring descriptor. 0, -ENOSPC or -EINVAL as vqd_add.
 */
int vqd_add_indirect(struct vqd *q, struct vring_desc *table, hpa_t table_pa,
		     const struct vqd_seg *segs, unsigned int nout, unsigned int nin,
		     void *cookie);

/* After adds: whether the device wants a notification (it did not set
 * VRING_USED_F_NO_NOTIFY). Full barrier first, so the avail idx store is
 * visible before the flag is read. */
bool vqd_kick_needed(struct vqd *q);

/* True when the device has returned chains not yet taken. */
bool vqd_has_used(struct vqd *q);

/*
 * Takes the next used chain: frees its descriptors, sets *len to the bytes
 * the device wrote and returns its cookie; NULL when none is waiting. A used
 * entry naming no chain in flight is a device bug: it is logged, q->error
 * is set to -EIO and the queue returns nothing more.
 */
void *vqd_get_used(struct vqd *q, u32 *len);

/* Disables / enables used buffer notifications (VRING_AVAIL_F_NO_INTERRUPT,
 * a hint the device may ignore). */
void vqd_set_interrupts(struct vqd *q, bool on);

#endif
