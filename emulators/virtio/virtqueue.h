/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a split virtqueue (VirtIO 1.2, 2.7) in guest memory,
 * independent of the transport: takes available descriptor chains as host
 * iovecs, returns them through the used ring, and decides notifications
 * (VIRTQ_AVAIL_F_NO_INTERRUPT / VIRTQ_USED_F_NO_NOTIFY, or VIRTIO_F_EVENT_IDX,
 * 2.7.10). Indirect descriptor tables (2.7.5.3) when negotiated.
 *
 * The guest is hostile. Everything the device takes from the rings is read
 * once, into locals, and checked before use; the ring fields (indices, ring
 * entries, event indices) with single-copy-atomic aligned loads, descriptors
 * copied whole. A malformed ring makes vq_pop return a negative VQ_ERR_*
 * (the first one sticks: the queue refuses further work until vq_init runs
 * again). Data the chain's buffers hold is not copied: a backend reads a
 * header it acts on once, into its own memory.
 *
 * Guest memory is reached through struct vq_mem, which maps a guest-physical
 * range to host memory one contiguous piece at a time; a buffer crossing a
 * piece boundary (a 2 MiB chunk of guest RAM) becomes several iovecs.
 *
 * No locking here: the caller serialises all calls on one queue.
 */
#ifndef KESTREL_EMU_VIRTQUEUE_H
#define KESTREL_EMU_VIRTQUEUE_H

#include <kestrel/types.h>

#define VQ_MAX_SIZE		32768	/* largest split queue (2.7) */
#define VQ_MAX_SEGS		256	/* iovecs of one request */
#define VQ_DESC_SIZE		16

/* Descriptor flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
/* Ring flags (2.7.6, 2.7.8). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

/* Ring alignment the driver must respect (2.7, table "Virtqueue Part"). */
#define VQ_DESC_ALIGN		16
#define VQ_AVAIL_ALIGN		2
#define VQ_USED_ALIGN		4

/* Why a queue or a descriptor chain was refused; vq_* return the negation. */
enum vq_error {
	VQ_ERR_SIZE = 1,	/* queue size 0, above the maximum or not a power of 2 */
	VQ_ERR_RING_ALIGN,	/* descriptor table, avail or used ring misaligned */
	VQ_ERR_RING_RANGE,	/* descriptor table, avail or used ring not all in RAM */
	VQ_ERR_AVAIL_IDX,	/* avail idx moved more than the queue size ahead */
	VQ_ERR_HEAD,		/* avail ring entry >= queue size */
	VQ_ERR_NEXT,		/* next index >= queue (or indirect table) size */
	VQ_ERR_LOOP,		/* chain longer than its table: a loop */
	VQ_ERR_BUF_RANGE,	/* buffer address + length not all in RAM */
	VQ_ERR_INDIRECT_FEATURE,	/* INDIRECT without VIRTIO_F_INDIRECT_DESC */
	VQ_ERR_INDIRECT_LEN,	/* table length 0, not a multiple of 16 or > size * 16 */
	VQ_ERR_INDIRECT_RANGE,	/* indirect table not all in RAM */
	VQ_ERR_INDIRECT_NEXT,	/* INDIRECT and NEXT in one descriptor */
	VQ_ERR_INDIRECT_NESTED,	/* INDIRECT inside an indirect table */
	VQ_ERR_WRITE_ORDER,	/* a device-readable buffer after a writable one */
	VQ_ERR_TOO_MANY_SEGS,	/* more than VQ_MAX_SEGS iovecs */
	VQ_ERR_COUNT
};

/* Short description of -VQ_ERR_* (or of a positive one), for log lines. */
const char *vq_strerror(int err);

/*
 * Guest memory for the queue. map returns the host address of gpa and sets
 * *contig to how many bytes from there, 1 to len, are contiguous in host
 * memory; NULL when gpa is not guest RAM. len > 0. Any context, no sleep.
 */
struct vq_mem {
	void *(*map)(void *ctx, gpa_t gpa, u64 len, u64 *contig);
	void *ctx;
};

/* One contiguous piece of a buffer, in host memory (guest RAM). */
struct vq_iov {
	void *base;
	u32 len;
};

/*
 * One descriptor chain taken from the avail ring: iov[0 .. nr_read) are
 * device-readable, iov[nr_read .. nr_read + nr_write) device-writable (the
 * spec puts writable buffers last). Zero-length descriptors add nothing.
 * 4 KiB: keep it in the backend's state, not on a stack.
 */
struct vq_req {
	u16 head;			/* descriptor index, returned in the used ring */
	unsigned int nr_read, nr_write;
	u64 read_len, write_len;	/* total bytes of each kind */
	struct vq_iov iov[VQ_MAX_SEGS];
};

/* A split virtqueue. Set up by vq_init; the fields are the device's own
 * state, read by tests and the transport, changed only through vq_*. */
struct vq {
	struct vq_mem mem;
	u16 num;			/* queue size: a power of 2 */
	gpa_t desc, avail, used;	/* descriptor table, driver area, device area */
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;			/* VIRTIO_F_INDIRECT_DESC negotiated */
	u16 last_avail_idx;		/* next avail ring entry to take */
	u16 avail_idx;			/* the driver's idx when last read */
	u16 used_idx;			/* next used ring entry (published idx) */
	u16 signalled_used;		/* used_idx at the last notify decision */
	bool signalled_valid;		/* false: no decision yet, notify */
	bool notify_off;		/* vq_disable_notify in effect */
	int error;			/* the first VQ_ERR_* met (negative), or 0 */
};

/* The rings of a queue, as vq_check names the one it refused. */
enum vq_ring { VQ_RING_DESC, VQ_RING_AVAIL, VQ_RING_USED };

/*
 * The checks vq_init makes, alone: num a power of 2 up to VQ_MAX_SIZE, each
 * ring aligned and all in guest RAM. 0, or -VQ_ERR_SIZE, -VQ_ERR_RING_ALIGN
 * or -VQ_ERR_RING_RANGE with *ring the ring at fault (the first in table
 * order). Touches no guest memory other than through mem->map.
 */
int vq_check(const struct vq_mem *mem, u32 num, gpa_t desc, gpa_t avail, gpa_t used,
	     enum vq_ring *ring);

/*
 * Sets q up over the rings at desc/avail/used with num entries, in its
 * initial state (indices 0). Checks num and the rings' alignment and that
 * each ring lies in guest RAM. 0 or -VQ_ERR_SIZE, -VQ_ERR_RING_ALIGN,
 * -VQ_ERR_RING_RANGE (q is then unusable: vq_pop returns that error).
 * Touches no guest memory other than through mem->map.
 */
int vq_init(struct vq *q, const struct vq_mem *mem, u32 num, gpa_t desc, gpa_t avail,
	    gpa_t used, bool event_idx, bool indirect);

/*
 * Takes the next available chain into req. 1 with a request, 0 when the
 * ring is empty, or a negative VQ_ERR_* for a malformed ring or chain (the
 * entry is not consumed, and every later call returns the same error).
 * With EVENT_IDX and notifications on, also publishes avail_event =
 * the new last_avail_idx, so the driver notifies about the next buffer.
 */
int vq_pop(struct vq *q, struct vq_req *req);

/*
 * Returns req's chain to the driver with `written` bytes written into its
 * writable buffers (clamped to req->write_len): the used element, then
 * (after a release barrier) the used idx. No notification decision here.
 * Does nothing once the queue is in error.
 */
void vq_push(struct vq *q, const struct vq_req *req, u32 written);

/*
 * After vq_push: whether the driver wants a used buffer notification now.
 * Without EVENT_IDX: avail flags lacks VIRTQ_AVAIL_F_NO_INTERRUPT. With it:
 * the used idx went past used_event since the last decision (2.7.10,
 * vring_need_event). Full barrier first: the used idx store is ordered
 * before the read of the driver's suppression field.
 */
bool vq_should_notify(struct vq *q);

/*
 * Driver-to-device notification suppression (2.7.7). disable: without
 * EVENT_IDX, sets VIRTQ_USED_F_NO_NOTIFY; with it, stops advancing
 * avail_event (the driver stops notifying once it passes it). enable:
 * clears the flag, or sets avail_event = last_avail_idx; then a full
 * barrier and one more look at the avail idx. Returns true when buffers
 * are already waiting: the caller must process them, as the driver may
 * have added them without notifying.
 */
void vq_disable_notify(struct vq *q);
bool vq_enable_notify(struct vq *q);

/* Copies up to len bytes into req's writable buffers from offset off (of
 * the writable part); returns how many were copied. */
size_t vq_req_write(const struct vq_req *req, size_t off, const void *src, size_t len);
/* Copies up to len bytes out of req's readable buffers from offset off. */
size_t vq_req_read(const struct vq_req *req, size_t off, void *dst, size_t len);

#endif
