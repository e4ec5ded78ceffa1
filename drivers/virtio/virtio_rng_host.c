// SPDX-License-Identifier: GPL-2.0
/*
 * The host's virtio-rng device (VirtIO 1.2, 5.4) as the source of the
 * entropy pool (core/entropy.c): one request of up to VRNG_REQ_MAX bytes
 * at a time, posted when the pool asks for a refill; the interrupt handler
 * copies the bytes out of the request buffer and hands them to the pool,
 * which asks again while it has room.
 */
#define LOG_PREFIX "virtio-host"
#include "virtio_host.h"
#include <kestrel/entropy.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <arch_mmu.h>
#include <string.h>

#define VRNG_REQ_MAX	256
#define VRNG_QUEUE_WANT	8

struct vrng {
	struct virtio_host_queue *q;
	bool busy;			/* a request is on the device (q lock) */
	struct entropy_source src;
	u8 buf[VRNG_REQ_MAX] __aligned(16);	/* the device writes here */
};

static void vrng_refill(void *priv, size_t want)
{
	struct vrng *vr = priv;
	unsigned long flags = virtio_queue_lock(vr->q);
	struct vqd_seg seg = { arch_hva_to_hpa((hva_t)vr->buf), (u32)MIN(want, sizeof(vr->buf)) };

	if (!vr->busy && want && !vqd_add(&vr->q->vq, &seg, 0, 1, vr)) {
		vr->busy = true;
		virtio_queue_kick(vr->q);
	}
	virtio_queue_unlock(vr->q, flags);
}

static void vrng_done(struct virtio_host_queue *q)
{
	struct vrng *vr = q->dev->priv;
	u8 bytes[VRNG_REQ_MAX];
	size_t n = 0;
	unsigned long flags = virtio_queue_lock(q);
	u32 len;

	/* Copied out under the lock: a refill may reuse buf right after. */
	while (vqd_get_used(&q->vq, &len)) {
		n = MIN((size_t)len, sizeof(bytes));
		memcpy(bytes, vr->buf, n);
		vr->busy = false;
	}
	virtio_queue_unlock(q, flags);
	entropy_add(bytes, n);
	memset(bytes, 0, n);
}

static void vrng_cleanup(struct virtio_host_dev *d)
{
	kfree(d->priv);
	d->priv = NULL;
}

static int vrng_init(struct virtio_host_dev *d)
{
	struct vrng *vr = kzalloc(sizeof(*vr));
	int r;

	if (!vr)
		return -ENOMEM;
	d->priv = vr;
	r = virtio_queue_setup(d, 0, VRNG_QUEUE_WANT, vrng_done);
	if (r)
		return r;
	vr->q = &d->queues[0];
	vr->src = (struct entropy_source){ .name = "virtio-rng", .refill = vrng_refill,
					   .priv = vr };
	return 0;
}

static int vrng_start(struct virtio_host_dev *d)
{
	struct vrng *vr = d->priv;

	if (entropy_register_source(&vr->src))
		return 0;	/* logged; this device stays idle */
	log_info("virtio-rng at 0x%llx, irq %u: the host's entropy source",
		 (unsigned long long)d->phys, d->hwirq);
	return 0;
}

const struct virtio_host_type virtio_rng_host_type = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.init = vrng_init,
	.start = vrng_start,
	.cleanup = vrng_cleanup,
};
