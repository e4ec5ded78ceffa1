// SPDX-License-Identifier: GPL-2.0
/* virtio-rng: the entropy device backend, over a source of real entropy. */
#define LOG_PREFIX "virtio-rng"
#include "virtio_rng.h"
#include <kestrel/heap.h>
#include <kestrel/log.h>

struct virtio_rng {
	virtio_rng_source_fn source;
	void *source_ctx;
	/* The request in hand (queue lock). held: popped, not yet pushed,
	 * because the source had nothing for it; completed first at the next
	 * notification. */
	struct vq_req req;
	bool held;
	bool quiet;		/* quiesced for a snapshot: no new work (queue lock) */
};

/* Fills req's writable buffers with what the source gives, up to
 * VIRTIO_RNG_MAX_REQUEST bytes; returns how many. Stops at the first
 * buffer the source did not fill: it has nothing more now. Readable
 * buffers (the driver should send none) are ignored. */
static u32 rng_fill(struct virtio_rng *rng, const struct vq_req *req)
{
	u32 done = 0;

	for (unsigned int i = 0; i < req->nr_write && done < VIRTIO_RNG_MAX_REQUEST; i++) {
		const struct vq_iov *iov = &req->iov[req->nr_read + i];
		u32 want = MIN(iov->len, VIRTIO_RNG_MAX_REQUEST - done);
		size_t got = rng->source(rng->source_ctx, iov->base, want);

		if (got > want)
			got = want;	/* a source must not, but never trust a count */
		done += (u32)got;
		if (got < want)
			break;
	}
	return done;
}

static bool rng_queue_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtio_rng *rng = virtio_dev_priv(d);
	unsigned int done = 0;
	unsigned long irqflags;
	bool retry = false;
	struct vq *vq = virtio_queue_begin(d, q, &irqflags);

	if (!vq)
		return false;
	if (rng->quiet) {
		/* Quiesced: the notification is taken again at release. */
		virtio_queue_end(d, irqflags);
		return false;
	}
	/* Every request but a held one is returned before the next is taken,
	 * so a held request is the one the queue has out. If not, the driver
	 * set the queue up again (QueueReady 0, then 1) since: drop it. */
	if (rng->held && (u16)(vq->last_avail_idx - vq->used_idx) != 1)
		rng->held = false;
	for (;;) {
		u32 n = 0;

		if (done == VIRTIO_RNG_BATCH) {
			retry = true;
			break;
		}
		if (!rng->held && virtio_queue_pop(d, q, &rng->req) <= 0)
			break;	/* empty, or malformed: the transport has it */
		rng->held = false;
		/* A request with no room completes at once, with 0 bytes. */
		if (rng->req.write_len) {
			n = rng_fill(rng, &rng->req);
			if (!n) {
				/* No entropy now: keep the request, and have the
				 * guest's notify run again until there is. */
				rng->held = true;
				retry = true;
				break;
			}
		}
		virtio_queue_push(d, q, &rng->req, n);
		done++;
	}
	if (done)
		virtio_dev_notify_used(d, q);
	virtio_queue_end(d, irqflags);
	return retry;
}

/* Device reset: the queue is gone, and the held request with it. Queue
 * lock held. */
static void rng_reset(struct virtio_dev *d)
{
	struct virtio_rng *rng = virtio_dev_priv(d);

	rng->held = false;
}

/*
 * Snapshot quiesce. A held request was taken but not started: it is given
 * back (last_avail rewound to its avail entry, which the driver does not
 * reuse before the chain is used), so the snapshot holds no chain and the
 * device, or the restored one, takes it again. Released, the queue is
 * looked at again.
 */
static void rng_quiesce(struct virtio_dev *d, bool quiet)
{
	struct virtio_rng *rng = virtio_dev_priv(d);
	unsigned long irqflags;
	struct vq *vq = virtio_queue_lock(d, 0, &irqflags);

	rng->quiet = quiet;
	if (quiet && rng->held) {
		/* Anything else: the queue was set up again, the request is gone. */
		if ((u16)(vq->last_avail_idx - vq->used_idx) == 1)
			vq->last_avail_idx--;
		rng->held = false;
	}
	virtio_queue_end(d, irqflags);
	if (!quiet)
		virtio_dev_kick(d);
}

static const struct virtio_backend_ops rng_ops = {
	.name = "rng",
	.device_id = VIRTIO_ID_RNG,
	.num_queues = 1,
	.queue_max = VIRTIO_RNG_QUEUE_MAX,
	.config_size = 0,
	.queue_notify = rng_queue_notify,
	.reset = rng_reset,
	.quiesce = rng_quiesce,
};

struct virtio_dev *virtio_rng_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map, virtio_rng_source_fn source,
				     void *ctx)
{
	const char *guest = cfg->guest ? cfg->guest : "?";
	const char *device = cfg->device ? cfg->device : "?";
	struct virtio_rng *rng;
	struct virtio_dev *d;

	if (!source) {
		log_err("%s/%s: no entropy source for the device", guest, device);
		return NULL;
	}
	rng = kzalloc(sizeof(*rng));
	if (!rng) {
		log_err("%s/%s: out of memory", guest, device);
		return NULL;
	}
	rng->source = source;
	rng->source_ctx = ctx;
	d = virtio_dev_create(cfg, &rng_ops, rng, map);
	if (!d) {
		kfree(rng);
		return NULL;
	}
	return d;
}

void virtio_rng_destroy(struct virtio_dev *d)
{
	struct virtio_rng *rng;

	if (!d)
		return;
	rng = virtio_dev_priv(d);
	virtio_dev_destroy(d);
	kfree(rng);
}
