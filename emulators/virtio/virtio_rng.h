/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-rng (VirtIO 1.2, 5.4): device id 4, one request queue, no config
 * space, no feature bits. Each request's device-writable buffers get what
 * the device's source gives, synchronously on the vCPU that notified: at
 * most VIRTIO_RNG_MAX_REQUEST bytes, and at least 1 (5.4.6: the device may
 * fill less than the buffer). At most VIRTIO_RNG_BATCH requests per
 * notification, then the guest's QueueNotify store is retried.
 *
 * The source gives real entropy or nothing: the device never makes bytes
 * up. When the source has no byte for a request (the host's pool is empty
 * and refilling), the device keeps that request, popped but not returned
 * to the driver, and the notification answers "retry": the transport runs
 * the guest's QueueNotify store again later (DEVEMU_RETRY), and each
 * notification completes the held request first, before it takes a new
 * one. A device reset (Status 0, a guest reset) drops the held request,
 * as it does the whole queue; so does the driver setting the queue up
 * again. Quiesced for a snapshot, the device gives a held request back to
 * the ring (it is taken again once released, or by the restored device)
 * and takes no new one.
 */
#ifndef KESTREL_EMU_VIRTIO_RNG_H
#define KESTREL_EMU_VIRTIO_RNG_H

#include "virtio_mmio.h"

#define VIRTIO_ID_RNG		4
#define VIRTIO_RNG_QUEUE_MAX	64
/* Bytes given per request at most (the spec lets the device fill less
 * than the buffer; Linux asks for 512 at a time). With the batch below it
 * bounds the work, IRQs masked, of one notification. */
#define VIRTIO_RNG_MAX_REQUEST	1024
#define VIRTIO_RNG_BATCH	16	/* requests per notification, then retry */

/* Fills up to len bytes at buf (guest RAM) and returns how many it filled:
 * 0 when it has none now, never more than len. Called with the device's
 * queue lock held and IRQs masked: must not sleep. */
typedef size_t (*virtio_rng_source_fn)(void *ctx, u8 *buf, size_t len);

/* A virtio-rng device whose bytes come from source(ctx, ...), which is
 * required. NULL without a source (logged) or as virtio_dev_create.
 * Thread context. */
struct virtio_dev *virtio_rng_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map, virtio_rng_source_fn source,
				     void *ctx);

/* Destroys a device from virtio_rng_create; as virtio_dev_destroy. */
void virtio_rng_destroy(struct virtio_dev *d);

#endif
