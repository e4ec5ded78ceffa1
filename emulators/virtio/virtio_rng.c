// SPDX-License-Identifier: GPL-2.0
/* virtio-rng: the entropy device backend, and its placeholder (weak) source. */
#define LOG_PREFIX "virtio-rng"
#include "virtio_rng.h"
#include <kestrel/heap.h>
#include <kestrel/log.h>

struct virtio_rng {
	virtio_rng_source_fn source;
	void *source_ctx;
	struct weak_entropy weak;	/* the default source's state */
	struct vq_req req;		/* the request in hand; queue lock */
};

/* ---- the placeholder source ---------------------------------------------- */

#define CRC32C_POLY	0x82f63b78U	/* Castagnoli, reflected */

static u32 crc32c_table[256];
static bool crc32c_ready;

/* Fills the table the first time (create warms it up; two CPUs racing on
 * the first call would write the same values). */
static void crc32c_init(void)
{
	if (__atomic_load_n(&crc32c_ready, __ATOMIC_ACQUIRE))
		return;
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;

		for (int b = 0; b < 8; b++)
			c = (c >> 1) ^ (CRC32C_POLY & -(c & 1));
		crc32c_table[i] = c;
	}
	__atomic_store_n(&crc32c_ready, true, __ATOMIC_RELEASE);
}

static u32 crc32c_u64(u64 v)
{
	u32 crc = ~0U;

	for (int i = 0; i < 8; i++, v >>= 8)
		crc = (crc >> 8) ^ crc32c_table[(crc ^ v) & 0xff];
	return ~crc;
}

/*
 * A stand-in, not a random number generator: the output is a function of a
 * counter and anyone who sees some of it can predict the rest. Guests must
 * not get it as entropy in production; the host virtio-rng driver replaces
 * it in the next step.
 */
void weak_entropy_fill(void *ctx, u8 *buf, size_t len)
{
	struct weak_entropy *w = ctx;

	crc32c_init();
	while (len) {
		u32 word = crc32c_u64(w->counter++);
		size_t n = MIN(len, sizeof(word));

		for (size_t i = 0; i < n; i++)
			buf[i] = (u8)(word >> (8 * i));
		buf += n;
		len -= n;
	}
}

/* ---- the device ---------------------------------------------------------- */

/* Fills req's writable buffers, up to VIRTIO_RNG_MAX_REQUEST bytes; returns
 * how many. Readable buffers (the driver should send none) are ignored. */
static u32 rng_fill(struct virtio_rng *rng, const struct vq_req *req)
{
	u32 done = 0;

	for (unsigned int i = 0; i < req->nr_write && done < VIRTIO_RNG_MAX_REQUEST; i++) {
		const struct vq_iov *iov = &req->iov[req->nr_read + i];
		u32 n = MIN(iov->len, VIRTIO_RNG_MAX_REQUEST - done);

		rng->source(rng->source_ctx, iov->base, n);
		done += n;
	}
	return done;
}

static bool rng_queue_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtio_rng *rng = virtio_dev_priv(d);
	unsigned int done = 0;
	unsigned long irqflags;
	bool more = false;

	if (!virtio_queue_begin(d, q, &irqflags))
		return false;
	for (;;) {
		if (done == VIRTIO_RNG_BATCH) {
			more = true;
			break;
		}
		if (virtio_queue_pop(d, q, &rng->req) <= 0)
			break;	/* empty, or malformed: the transport has it */
		virtio_queue_push(d, q, &rng->req, rng_fill(rng, &rng->req));
		done++;
	}
	if (done)
		virtio_dev_notify_used(d, q);
	virtio_queue_end(d, irqflags);
	return more;
}

static const struct virtio_backend_ops rng_ops = {
	.name = "rng",
	.device_id = VIRTIO_ID_RNG,
	.num_queues = 1,
	.queue_max = VIRTIO_RNG_QUEUE_MAX,
	.config_size = 0,
	.queue_notify = rng_queue_notify,
};

struct virtio_dev *virtio_rng_create_with_source(const struct virtio_mmio_config *cfg,
						 struct devemu_map *map,
						 virtio_rng_source_fn source, void *ctx)
{
	struct virtio_rng *rng = kzalloc(sizeof(*rng));
	struct virtio_dev *d;

	if (!rng) {
		log_err("%s/%s: out of memory", cfg->guest ? cfg->guest : "?",
			cfg->device ? cfg->device : "?");
		return NULL;
	}
	rng->source = source;
	rng->source_ctx = ctx;
	if (!source) {
		crc32c_init();
		rng->source = weak_entropy_fill;
		rng->source_ctx = &rng->weak;
		rng->weak.counter = cfg->base;
	}
	d = virtio_dev_create(cfg, &rng_ops, rng, map);
	if (!d) {
		kfree(rng);
		return NULL;
	}
	if (!source)
		log_warn("%s: source is a CRC-mixed counter, NOT cryptographic entropy "
			 "(placeholder until the host virtio-rng driver)", virtio_dev_name(d));
	return d;
}

struct virtio_dev *virtio_rng_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map)
{
	return virtio_rng_create_with_source(cfg, map, NULL, NULL);
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
