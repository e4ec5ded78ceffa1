// SPDX-License-Identifier: GPL-2.0
/*
 * The VirtIO-MMIO transport in snapshots (docs/snapshot-format.md, "Virtio
 * sections"): quiescing, and the transport's fields (tags 0x0001-0x002a)
 * saved, and loaded once virtio_mmio_snap_check.c passed them. The device
 * type's own fields are its backend's (snap_save, snap_load).
 */
#define LOG_PREFIX "virtio"
#include "virtio_mmio_snap.h"
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include <kestrel/snapshot.h>
#include <printf.h>
#include <string.h>

/* The per-queue fields: their tags and where they live in virtio_snap_queue. */
struct queue_field {
	u16 tag;
	u8 flags;		/* SNAP_M or SNAP_O */
	u8 size;		/* array element size */
	size_t off;		/* of a u64 in struct virtio_snap_queue */
	size_t has;		/* of its presence flag (an O field), or 0 */
};

#define QOFF(field)	offsetof(struct virtio_snap_queue, field)

static const struct queue_field queue_fields[] = {
	{ SNAP_VIRTIO_QUEUE_NUM, SNAP_M, 4, QOFF(num), 0 },
	{ SNAP_VIRTIO_QUEUE_READY, SNAP_M, 4, QOFF(ready), 0 },
	{ SNAP_VIRTIO_QUEUE_DESC, SNAP_M, 8, QOFF(desc), 0 },
	{ SNAP_VIRTIO_QUEUE_DRIVER, SNAP_M, 8, QOFF(driver), 0 },
	{ SNAP_VIRTIO_QUEUE_DEVICE, SNAP_M, 8, QOFF(device), 0 },
	{ SNAP_VIRTIO_QUEUE_LAST_AVAIL, SNAP_M, 4, QOFF(last_avail), 0 },
	{ SNAP_VIRTIO_QUEUE_USED_IDX, SNAP_M, 4, QOFF(used_idx), 0 },
	{ SNAP_VIRTIO_QUEUE_ERROR, SNAP_M, 4, QOFF(error), 0 },
	{ SNAP_VIRTIO_QUEUE_AVAIL_IDX, SNAP_O, 4, QOFF(avail_idx), QOFF(has_avail_idx) },
	{ SNAP_VIRTIO_QUEUE_SIGNALLED_USED, SNAP_O, 4, QOFF(signalled), QOFF(has_signalled) },
	{ SNAP_VIRTIO_QUEUE_FLAGS, SNAP_O, 4, QOFF(flags), 0 },
};

static u64 *queue_value(struct virtio_snap_queue *q, const struct queue_field *f)
{
	return (u64 *)((u8 *)q + f->off);
}

/* ---- quiescing and resuming ---------------------------------------------- */

u16 virtio_dev_snap_type(const struct virtio_dev *d)
{
	return (u16)(SNAP_SEC_VIRTIO_FIRST + d->ops->device_id);
}

void virtio_dev_quiesce(struct virtio_dev *d, bool quiet)
{
	unsigned long qflags;
	bool live;

	if (d->ops->quiesce)
		d->ops->quiesce(d, quiet);
	if (!quiet)
		return;
	qflags = spin_lock_irqsave(&d->vq_lock);
	spin_lock(&d->lock);
	live = virtio_dev_live(d);
	for (unsigned int i = 0; i < d->ops->num_queues; i++) {
		struct vq *vq = &d->queues[i].vq;

		if (vq->last_avail_idx == vq->used_idx)
			continue;
		if (!live || !d->queues[i].ready) {
			/* Such a chain never comes back (QueueReady or a reset
			 * starts the queue again from 0): nothing the guest sees
			 * changes by recording it as given back. */
			vq->last_avail_idx = vq->used_idx;
			vq->avail_idx = vq->used_idx;
			continue;
		}
		log_err("%s: queue %u holds %u chain(s) after quiescing: its snapshot will be "
			"refused", d->name, i, (u16)(vq->last_avail_idx - vq->used_idx));
	}
	spin_unlock(&d->lock);
	spin_unlock_irqrestore(&d->vq_lock, qflags);
}

void virtio_dev_snap_resume(struct virtio_dev *d)
{
	virtio_dev_kick(d);
}

/* ---- saving -------------------------------------------------------------- */

static void state_get(struct virtio_dev *d, struct virtio_snap_state *st)
{
	unsigned long qflags = spin_lock_irqsave(&d->vq_lock);

	spin_lock(&d->lock);
	memset(st, 0, sizeof(*st));
	st->base = d->region.base;
	st->device_id = d->ops->device_id;
	st->status = d->status;
	st->device_features = d->offered;
	st->driver_features = d->driver_features;
	st->features = d->features;
	st->dev_sel = d->dev_features_sel;
	st->drv_sel = d->drv_features_sel;
	st->queue_sel = d->queue_sel;
	st->shm_sel = d->shm_sel;
	st->isr = d->isr;
	st->config_gen = d->config_gen;
	st->line = d->line;
	st->high = d->driver_features_high;
	for (unsigned int i = 0; i < d->ops->num_queues; i++) {
		const struct virtio_queue *q = &d->queues[i];
		struct virtio_snap_queue *sq = &st->q[i];

		sq->num = q->num;
		sq->ready = q->ready;
		sq->desc = q->desc;
		sq->driver = q->driver;
		sq->device = q->device;
		sq->last_avail = q->vq.last_avail_idx;
		sq->used_idx = q->vq.used_idx;
		sq->error = q->vq.error < 0 ? (u64)-q->vq.error : 0;
		sq->avail_idx = q->vq.avail_idx;
		sq->signalled = q->vq.signalled_used;
		sq->flags = (q->vq.signalled_valid ? QF_SIGNALLED_VALID : 0) |
			    (q->vq.notify_off ? QF_NOTIFY_OFF : 0);
	}
	spin_unlock(&d->lock);
	spin_unlock_irqrestore(&d->vq_lock, qflags);
}

void virtio_dev_snap_save(struct virtio_dev *d, struct snap_tlv_writer *w)
{
	unsigned int nq = d->ops->num_queues;
	struct virtio_snap_state st;

	state_get(d, &st);
	snap_tlv_put_u64(w, SNAP_VIRTIO_BASE, SNAP_M, st.base);
	snap_tlv_put_u32(w, SNAP_VIRTIO_DEVICE_ID, SNAP_M, st.device_id);
	snap_tlv_put_u32(w, SNAP_VIRTIO_STATUS, SNAP_M, st.status);
	snap_tlv_put_u64(w, SNAP_VIRTIO_DEVICE_FEATURES, SNAP_M, st.device_features);
	snap_tlv_put_u64(w, SNAP_VIRTIO_DRIVER_FEATURES, SNAP_M, st.driver_features);
	snap_tlv_put_u64(w, SNAP_VIRTIO_FEATURES, SNAP_M, st.features);
	snap_tlv_put_u32(w, SNAP_VIRTIO_DEVICE_FEATURES_SEL, SNAP_M, st.dev_sel);
	snap_tlv_put_u32(w, SNAP_VIRTIO_DRIVER_FEATURES_SEL, SNAP_M, st.drv_sel);
	snap_tlv_put_u32(w, SNAP_VIRTIO_QUEUE_SEL, SNAP_M, st.queue_sel);
	snap_tlv_put_u32(w, SNAP_VIRTIO_SHM_SEL, SNAP_O, st.shm_sel);
	snap_tlv_put_u32(w, SNAP_VIRTIO_INTERRUPT_STATUS, SNAP_M, st.isr);
	snap_tlv_put_u32(w, SNAP_VIRTIO_CONFIG_GENERATION, SNAP_M, st.config_gen);
	snap_tlv_put_u32(w, SNAP_VIRTIO_LINE, SNAP_M, st.line);
	snap_tlv_put_u32(w, SNAP_VIRTIO_DRIVER_FEATURES_HIGH, SNAP_O, st.high);
	for (unsigned int f = 0; f < ARRAY_SIZE(queue_fields); f++) {
		const struct queue_field *qf = &queue_fields[f];

		snap_tlv_array_begin(w, qf->tag, qf->flags, qf->size, nq);
		for (unsigned int i = 0; i < nq; i++)
			snap_tlv_array_elem(w, *queue_value(&st.q[i], qf));
	}
	if (d->ops->snap_save)
		d->ops->snap_save(d, w);
}

/* ---- loading: reading the fields ----------------------------------------- */

static int get_u32(const struct snap_section *s, u16 tag, u32 *v, char *err, size_t errlen)
{
	return snap_get_u32(s, tag, v) ? 0 : virtio_snap_missing(err, errlen, s->type, tag);
}

static int get_u64(const struct snap_section *s, u16 tag, u64 *v, char *err, size_t errlen)
{
	return snap_get_u64(s, tag, v) ? 0 : virtio_snap_missing(err, errlen, s->type, tag);
}

/* The queue arrays; an O array that is absent leaves its defaults (0). */
static int get_queues(const struct snap_section *s, unsigned int nq,
		      struct virtio_snap_state *st, char *err, size_t errlen)
{
	for (unsigned int f = 0; f < ARRAY_SIZE(queue_fields); f++) {
		const struct queue_field *qf = &queue_fields[f];
		struct snap_field field;

		if (!snap_get_array(s, qf->tag, &field)) {
			if (qf->flags == SNAP_M)
				return virtio_snap_missing(err, errlen, s->type, qf->tag);
			continue;
		}
		/* The validator checked the shape; a loader trusts no one. */
		if (field.elem_size != qf->size || field.count != nq)
			return virtio_snap_refuse(err, errlen, s->type, qf->tag,
						  "%u elements of %u bytes, expected %u of %u",
						  field.count, field.elem_size, nq, qf->size);
		for (unsigned int i = 0; i < nq; i++) {
			*queue_value(&st->q[i], qf) = snap_field_elem(&field, i);
			if (qf->has)
				*(bool *)((u8 *)&st->q[i] + qf->has) = true;
		}
	}
	return 0;
}

static int state_read(const struct snap_section *s, unsigned int nq,
		      struct virtio_snap_state *st, char *err, size_t errlen)
{
	int r;

	memset(st, 0, sizeof(*st));
	if ((r = get_u64(s, SNAP_VIRTIO_BASE, &st->base, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_DEVICE_ID, &st->device_id, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_STATUS, &st->status, err, errlen)) ||
	    (r = get_u64(s, SNAP_VIRTIO_DEVICE_FEATURES, &st->device_features, err, errlen)) ||
	    (r = get_u64(s, SNAP_VIRTIO_DRIVER_FEATURES, &st->driver_features, err, errlen)) ||
	    (r = get_u64(s, SNAP_VIRTIO_FEATURES, &st->features, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_DEVICE_FEATURES_SEL, &st->dev_sel, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_DRIVER_FEATURES_SEL, &st->drv_sel, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_QUEUE_SEL, &st->queue_sel, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_INTERRUPT_STATUS, &st->isr, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_CONFIG_GENERATION, &st->config_gen, err, errlen)) ||
	    (r = get_u32(s, SNAP_VIRTIO_LINE, &st->line, err, errlen)))
		return r;
	/* Optional, default 0. */
	snap_get_u32(s, SNAP_VIRTIO_SHM_SEL, &st->shm_sel);
	snap_get_u32(s, SNAP_VIRTIO_DRIVER_FEATURES_HIGH, &st->high);
	return get_queues(s, nq, st, err, errlen);
}

/* ---- loading -------------------------------------------------------------- */

/* Queue i's ring state as saved; a ready queue is set up as QueueReady
 * does. Both locks held. */
static void load_queue(struct virtio_dev *d, unsigned int i, const struct virtio_snap_queue *sq)
{
	struct virtio_queue *q = &d->queues[i];
	struct vq *vq = &q->vq;
	enum vq_ring ring;

	q->num = (u32)sq->num;
	q->desc = sq->desc;
	q->driver = sq->driver;
	q->device = sq->device;
	q->ready = sq->ready;
	memset(vq, 0, sizeof(*vq));
	/* The rings fail the check only for a queue that failed QueueReady
	 * on a device that needs a reset (see check_queue): it stays not set
	 * up, as it was, and does nothing until the reset anyway. */
	if (q->ready && !vq_check(&d->mem, q->num, q->desc, q->driver, q->device, &ring))
		vq_init(vq, &d->mem, q->num, q->desc, q->driver, q->device,
			d->features & VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX),
			d->features & VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC));
	vq->error = -(int)sq->error;
	vq->last_avail_idx = (u16)sq->last_avail;
	vq->used_idx = (u16)sq->used_idx;
	/* Without a saved avail idx, vq_pop reads it from the ring again. */
	vq->avail_idx = sq->has_avail_idx ? (u16)sq->avail_idx : vq->last_avail_idx;
	vq->signalled_used = (u16)sq->signalled;
	vq->signalled_valid = sq->flags & QF_SIGNALLED_VALID;
	vq->notify_off = sq->flags & QF_NOTIFY_OFF;
}

int virtio_dev_snap_load(struct virtio_dev *d, const struct snap_section *s, unsigned int spi,
			 bool spi_line, char *err, size_t errlen)
{
	unsigned int nq = d->ops->num_queues;
	struct virtio_snap_state st;
	unsigned long qflags;
	int r;

	if (s->type != virtio_dev_snap_type(d)) {
		snprintf(err, errlen, "a section of type 0x%04x for a virtio-%s device (0x%04x)",
			 s->type, d->ops->name, virtio_dev_snap_type(d));
		return -EINVAL;
	}
	r = state_read(s, nq, &st, err, errlen);
	if (!r)
		r = virtio_snap_check(d, s, &st, spi, spi_line, err, errlen);
	if (!r && d->ops->snap_load)
		r = d->ops->snap_load(d, s, err, errlen);
	if (r)
		return r;

	qflags = spin_lock_irqsave(&d->vq_lock);
	spin_lock(&d->lock);
	d->status = st.status;
	d->driver_features = st.driver_features;
	d->driver_features_high = st.high;
	d->features = st.features;
	d->dev_features_sel = st.dev_sel;
	d->drv_features_sel = st.drv_sel;
	d->queue_sel = st.queue_sel;
	d->shm_sel = st.shm_sel;
	d->isr = st.isr;
	d->config_gen = st.config_gen;
	for (unsigned int i = 0; i < nq; i++)
		load_queue(d, i, &st.q[i]);
	/* The interrupt controller has this level already: not reported. */
	d->line = st.line;
	d->edges = d->edges_shown = 0;
	spin_unlock(&d->lock);
	spin_unlock_irqrestore(&d->vq_lock, qflags);
	return 0;
}
