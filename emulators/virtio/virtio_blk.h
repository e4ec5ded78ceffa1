/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk (VirtIO 1.2, 5.2): device id 2, one request queue, a guest
 * disk backed by a host block device (blockdev.h), whole or a byte range
 * of it.
 *
 * Node properties (checked by virtio_blk_check):
 *   backend = "vda3";       a host block device (blockdev_find)
 *   offset = <cells>;       optional, bytes into it, a multiple of 512
 *   size = <cells>;         optional, bytes, a non-zero multiple of 512;
 *                           default: from offset to the device's end
 *   read-only;              optional: writes fail, VIRTIO_BLK_F_RO offered
 *
 * Config space: capacity (512-byte sectors), size_max, seg_max, blk_size
 * 512. Features: VIRTIO_BLK_F_SIZE_MAX, _SEG_MAX, _BLK_SIZE, _FLUSH, and
 * _RO for a read-only disk (or a read-only host device).
 *
 * Requests (5.2.6): a 16-byte header (type, sector) in the readable part,
 * the data, and the status byte, the last writable byte. IN, OUT and FLUSH
 * go to the backend asynchronously, the data buffers handed over as the
 * request's segments (guest RAM is host memory: no copy); GET_ID answers
 * "kestrel-<guest>-<device>" (at most 20 bytes) at once. Every request is
 * checked before it reaches the backend: a header shorter than 16 bytes,
 * data that is not a whole number of sectors (or a buffer piece that is
 * not), a range beyond the capacity, or a write to a read-only disk get
 * VIRTIO_BLK_S_IOERR; other types VIRTIO_BLK_S_UNSUPP. A request without a
 * writable status byte cannot be answered: it is returned with nothing
 * written and a warning. Guest-caused warnings are limited to 8 per device.
 *
 * In flight: at most VIRTIO_BLK_INFLIGHT requests per device; further ones
 * stay in the ring and are taken as earlier ones complete. QueueNotify
 * takes at most VIRTIO_BLK_BATCH requests, then the guest's store is
 * retried. Completions (any context) write the status byte, return the
 * chain and raise the interrupt.
 *
 * Reset and lifetime: requests carry the device's generation; a reset
 * (guest Status 0, or a guest reset) starts a new one, and a request of an
 * older generation that completes writes no status byte and returns no
 * chain, so the new rings never see it. A guest reset (virtio_blk_reset)
 * and destroy first wait until no request is in flight: the backend writes
 * read data straight into guest RAM, and a reset guest must not get it late.
 * A Status 0 write cannot wait (the trap holds the queue lock): a read in
 * flight then may still land in its buffer, which the guest gave up.
 *
 * Snapshots: quiesced, the device waits for requests in flight as a guest
 * reset does and starts none until released (then it takes what waited).
 * The section names the disk (backend, range, capacity, mode), which the
 * restored device's must match, and keeps the serial the guest read.
 *
 * The backend is claimed at create (blockdev_claim, or blockdev_claim_read
 * for a read-only disk: readers share a device) and released at destroy; a
 * claim refused because another guest disk holds it (or its disk, or one
 * of its partitions) fails create with both named.
 */
#ifndef KESTREL_EMU_VIRTIO_BLK_H
#define KESTREL_EMU_VIRTIO_BLK_H

#include "virtio_mmio.h"

#define VIRTIO_ID_BLOCK		2
#define VIRTIO_BLK_QUEUE_MAX	128	/* QueueNumMax */
#define VIRTIO_BLK_INFLIGHT	32	/* requests at the backend per device */
#define VIRTIO_BLK_BATCH	32	/* requests taken per QueueNotify, then retry */
#define VIRTIO_BLK_ID_BYTES	20

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

/* What the config space offers (Linux's driver honours both): a segment
 * spans at most one 2 MiB boundary of guest RAM, so a request is at most
 * 2 * seg_max + 3 iovecs (the header may be split too), within
 * VQ_MAX_SEGS. */
#define VIRTIO_BLK_SIZE_MAX	SZ_1M
#define VIRTIO_BLK_SEG_MAX	126

/* Request types (5.2.6) and status values. */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

/* The node properties a blk device takes besides compatible, reg,
 * interrupts and type; NULL-terminated. */
extern const char *const virtio_blk_props[];

/* Checks the node's properties (see above), including that the backend
 * exists and the range lies within it. 0, or -EINVAL with what is wrong in
 * err (no guest or device prefix). Thread context, after the host's block
 * drivers probed. */
int virtio_blk_check(const void *fdt, int node, char *err, size_t errlen);

/* Creates the device from the node's properties: looks the backend up and
 * claims it. NULL when they are wrong, the backend is taken, or as
 * virtio_dev_create (each logged). Thread context. */
struct virtio_dev *virtio_blk_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map, const void *fdt, int node);

/* Guest reset: waits until no request is in flight, then resets the
 * device as virtio_dev_reset. Thread context, the guest's vCPUs stopped. */
void virtio_blk_reset(struct virtio_dev *d);

/* Waits until no request is in flight, destroys the device and releases
 * the backend. NULL is ignored. Thread context, vCPUs stopped. */
void virtio_blk_destroy(struct virtio_dev *d);

#endif
