// SPDX-License-Identifier: GPL-2.0
/*
 * The checks a virtio section's transport fields pass before they reach
 * the model (check 23 of docs/snapshot-format.md): each value one the
 * model could have, against this device and the guest; and the messages
 * that name the tag at fault.
 */
#include "virtio_mmio_snap.h"
#include <kestrel/errno.h>
#include <kestrel/snapshot.h>
#include <printf.h>
#include <stdarg.h>

#define U16_MAX			0xffffULL
#define STATUS_KNOWN		(STATUS_DRIVER_BITS | VIRTIO_STATUS_NEEDS_RESET)
#define ISR_KNOWN		(VIRTIO_INT_USED | VIRTIO_INT_CONFIG)

typedef unsigned long long ull;		/* for printing u64 */

/* ---- messages ------------------------------------------------------------ */

int virtio_snap_refuse(char *err, size_t errlen, u16 type, u16 tag, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = snap_vrefuse(err, errlen, type, tag, fmt, ap);
	va_end(ap);
	return r;
}

int virtio_snap_missing(char *err, size_t errlen, u16 type, u16 tag)
{
	return snap_missing(err, errlen, type, tag);
}

void virtio_snap_printable(char *buf, size_t size, const u8 *bytes, size_t len)
{
	size_t n = size ? MIN(len, size - 1) : 0;

	for (size_t i = 0; i < n; i++)
		buf[i] = bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char)bytes[i] : '?';
	if (size)
		buf[n] = '\0';
}

/* ---- checks ---------------------------------------------------------------- */

/* Where a refusal goes: the caller's buffer, the section's type. */
struct why {
	char *err;
	size_t len;
	u16 type;
};

static int no(const struct why *w, u16 tag, const char *fmt, ...) __printf(3, 4);
static int no(const struct why *w, u16 tag, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = snap_vrefuse(w->err, w->len, w->type, tag, fmt, ap);
	va_end(ap);
	return r;
}

/* Status and features, as the model only ever sets them. */
static int check_features(const struct virtio_dev *d, const struct virtio_snap_state *st,
			  const struct why *w)
{
	bool features_ok = st->status & VIRTIO_STATUS_FEATURES_OK;

	if (st->status & ~STATUS_KNOWN)
		return no(w, SNAP_VIRTIO_STATUS, "0x%x has bits other than 0x01, 0x02, 0x04, 0x08, "
			  "0x40 and 0x80", st->status);
	if ((st->status & VIRTIO_STATUS_DRIVER_OK) && !features_ok)
		return no(w, SNAP_VIRTIO_STATUS, "0x%x has DRIVER_OK without FEATURES_OK",
			  st->status);
	if (st->device_features != d->offered)
		return no(w, SNAP_VIRTIO_DEVICE_FEATURES, "0x%llx, but this build's device offers "
			  "0x%llx", (ull)st->device_features, (ull)d->offered);
	if (st->high > 1)
		return no(w, SNAP_VIRTIO_DRIVER_FEATURES_HIGH, "%u is not 0 or 1", st->high);
	if (!features_ok && st->features)
		return no(w, SNAP_VIRTIO_FEATURES, "0x%llx accepted, but FEATURES_OK is clear",
			  (ull)st->features);
	if (!features_ok)
		return 0;
	if (st->features & ~d->offered)
		return no(w, SNAP_VIRTIO_FEATURES, "0x%llx has bits the device does not offer "
			  "(0x%llx)", (ull)st->features, (ull)d->offered);
	if (!(st->features & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
		return no(w, SNAP_VIRTIO_FEATURES, "0x%llx lacks VIRTIO_F_VERSION_1, which "
			  "FEATURES_OK requires", (ull)st->features);
	/* At FEATURES_OK the device took what the driver wrote, and ignores
	 * DriverFeatures from then on. */
	if (st->features != st->driver_features || st->high)
		return no(w, SNAP_VIRTIO_FEATURES, "0x%llx, but the driver asked for 0x%llx%s",
			  (ull)st->features, (ull)st->driver_features,
			  st->high ? " and bits above 63" : "");
	return 0;
}

/* The register frame, the device id, the features, the interrupt. */
static int check_device(const struct virtio_dev *d, const struct virtio_snap_state *st,
			unsigned int spi, bool spi_line, const struct why *w)
{
	u32 id = (u32)w->type - SNAP_SEC_VIRTIO_FIRST;
	int r;

	if (st->base != d->region.base)
		return no(w, SNAP_VIRTIO_BASE, "0x%llx, but the device is at 0x%llx",
			  (ull)st->base, (ull)d->region.base);
	if (st->device_id != id)
		return no(w, SNAP_VIRTIO_DEVICE_ID, "%u, but the section is %s (device id %u)",
			  st->device_id, snap_section_type_name(w->type), id);
	r = check_features(d, st, w);
	if (r)
		return r;
	if (st->isr & ~ISR_KNOWN)
		return no(w, SNAP_VIRTIO_INTERRUPT_STATUS, "0x%x has bits other than 0x1 (used "
			  "buffer) and 0x2 (configuration change)", st->isr);
	if (st->line > 1)
		return no(w, SNAP_VIRTIO_LINE, "%u is not 0 or 1", st->line);
	if (st->line != spi_line)
		return no(w, SNAP_VIRTIO_LINE, "%u, but the interrupt controller has SPI %u %s",
			  st->line, spi, spi_line ? "high" : "low");
	return 0;
}

/* A ready queue's size and rings, as QueueReady checks them. */
static int check_rings(const struct virtio_dev *d, unsigned int i,
		       const struct virtio_snap_queue *q, const struct why *w)
{
	static const u16 ring_tag[] = { [VQ_RING_DESC] = SNAP_VIRTIO_QUEUE_DESC,
		[VQ_RING_AVAIL] = SNAP_VIRTIO_QUEUE_DRIVER,
		[VQ_RING_USED] = SNAP_VIRTIO_QUEUE_DEVICE };
	static const unsigned int ring_align[] = { [VQ_RING_DESC] = VQ_DESC_ALIGN,
		[VQ_RING_AVAIL] = VQ_AVAIL_ALIGN, [VQ_RING_USED] = VQ_USED_ALIGN };
	enum vq_ring ring = VQ_RING_DESC;
	u64 at;
	int r;

	if (!q->num || (q->num & (q->num - 1)))
		return no(w, SNAP_VIRTIO_QUEUE_NUM, "queue %u size %llu is not a power of 2", i,
			  (ull)q->num);
	if (q->num > d->ops->queue_max)
		return no(w, SNAP_VIRTIO_QUEUE_NUM, "queue %u size %llu is above QueueNumMax %u",
			  i, (ull)q->num, d->ops->queue_max);
	r = vq_check(&d->mem, (u32)q->num, q->desc, q->driver, q->device, &ring);
	if (!r)
		return 0;
	at = ring == VQ_RING_DESC ? q->desc : ring == VQ_RING_AVAIL ? q->driver : q->device;
	if (r == -VQ_ERR_RING_ALIGN)
		return no(w, ring_tag[ring], "queue %u: 0x%llx is not %u-byte aligned", i,
			  (ull)at, ring_align[ring]);
	return no(w, ring_tag[ring], "queue %u: the ring at 0x%llx for %llu entries is not all "
		  "in guest RAM", i, (ull)at, (ull)q->num);
}

static int check_queue(const struct virtio_dev *d, const struct virtio_snap_state *st,
		       unsigned int i, const struct why *w)
{
	const struct virtio_snap_queue *q = &st->q[i];
	const struct {
		u16 tag;
		u64 v;
	} idx[] = {
		{ SNAP_VIRTIO_QUEUE_LAST_AVAIL, q->last_avail },
		{ SNAP_VIRTIO_QUEUE_USED_IDX, q->used_idx },
		{ SNAP_VIRTIO_QUEUE_AVAIL_IDX, q->avail_idx },
		{ SNAP_VIRTIO_QUEUE_SIGNALLED_USED, q->signalled },
	};

	if (q->ready > 1)
		return no(w, SNAP_VIRTIO_QUEUE_READY, "queue %u: %llu is not 0 or 1", i,
			  (ull)q->ready);
	for (unsigned int k = 0; k < ARRAY_SIZE(idx); k++)
		if (idx[k].v > U16_MAX)
			return no(w, idx[k].tag, "queue %u: 0x%llx is wider than 16 bits", i,
				  (ull)idx[k].v);
	if (q->last_avail != q->used_idx)
		return no(w, SNAP_VIRTIO_QUEUE_LAST_AVAIL, "queue %u: %llu, but queue-used-idx is "
			  "%llu: a chain in flight, which a snapshot never holds", i,
			  (ull)q->last_avail, (ull)q->used_idx);
	if (q->error >= VQ_ERR_COUNT)
		return no(w, SNAP_VIRTIO_QUEUE_ERROR, "queue %u: %llu is not a virtqueue error "
			  "(1 to %u)", i, (ull)q->error, VQ_ERR_COUNT - 1);
	if (q->flags & ~(u64)(QF_SIGNALLED_VALID | QF_NOTIFY_OFF))
		return no(w, SNAP_VIRTIO_QUEUE_FLAGS, "queue %u: 0x%llx has bits other than 0x1 "
			  "and 0x2", i, (ull)q->flags);
	if ((q->flags & QF_SIGNALLED_VALID) && !q->has_signalled)
		return no(w, SNAP_VIRTIO_QUEUE_FLAGS, "queue %u: queue-signalled-used is marked "
			  "valid but missing", i);
	/* A device that needs a reset does nothing until the driver resets
	 * it: a queue that failed QueueReady stays as it was. A queue that is
	 * not ready is checked when the driver enables it. */
	if (!q->ready || (st->status & VIRTIO_STATUS_NEEDS_RESET))
		return 0;
	if (!(st->status & VIRTIO_STATUS_FEATURES_OK))
		return no(w, SNAP_VIRTIO_QUEUE_READY, "queue %u is ready, but FEATURES_OK is "
			  "clear", i);
	if (check_rings(d, i, q, w))
		return -EINVAL;
	if (q->has_avail_idx && (u16)(q->avail_idx - q->last_avail) > q->num)
		return no(w, SNAP_VIRTIO_QUEUE_AVAIL_IDX, "queue %u: %llu is more than the queue "
			  "size %llu ahead of queue-last-avail %llu", i, (ull)q->avail_idx,
			  (ull)q->num, (ull)q->last_avail);
	return 0;
}

int virtio_snap_check(const struct virtio_dev *d, const struct snap_section *s,
		      const struct virtio_snap_state *st, unsigned int spi, bool spi_line,
		      char *err, size_t errlen)
{
	const struct why w = { err, errlen, s->type };
	int r = check_device(d, st, spi, spi_line, &w);

	for (unsigned int i = 0; i < d->ops->num_queues && !r; i++)
		r = check_queue(d, st, i, &w);
	return r;
}
