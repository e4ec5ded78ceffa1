/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-rng (VirtIO 1.2, 5.4): device id 4, one request queue, no config
 * space, no feature bits. Each request's device-writable buffers get up to
 * VIRTIO_RNG_MAX_REQUEST bytes from a pluggable source, synchronously on
 * the vCPU that notified; at most VIRTIO_RNG_BATCH requests per
 * notification, then the guest's QueueNotify store is retried.
 *
 * THE DEFAULT SOURCE IS NOT ENTROPY. weak_entropy_fill is a CRC32C-mixed
 * counter: predictable, a placeholder so that the transport can be proven
 * end to end. The host virtio-rng driver (next step) will provide the real
 * source through virtio_rng_create_with_source. A device created with the
 * weak source says so in the log.
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

/* Fills len bytes at buf (guest RAM). Called with the device's queue lock
 * held and IRQs masked: must not sleep. */
typedef void (*virtio_rng_source_fn)(void *ctx, u8 *buf, size_t len);

/* State of the weak source; zero it, or seed `counter` with anything. */
struct weak_entropy {
	u64 counter;
};

/* NOT cryptographic, NOT entropy: each 4 bytes are the CRC32C of the next
 * counter value. ctx: a struct weak_entropy. */
void weak_entropy_fill(void *ctx, u8 *buf, size_t len);

/* A virtio-rng device on the weak source (one warning line says so).
 * NULL as virtio_dev_create. Thread context. */
struct virtio_dev *virtio_rng_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map);

/* The same with its bytes from source(ctx, ...). */
struct virtio_dev *virtio_rng_create_with_source(const struct virtio_mmio_config *cfg,
						 struct devemu_map *map,
						 virtio_rng_source_fn source, void *ctx);

/* Destroys a device from virtio_rng_create*; as virtio_dev_destroy. */
void virtio_rng_destroy(struct virtio_dev *d);

#endif
