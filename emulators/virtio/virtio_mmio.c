// SPDX-License-Identifier: GPL-2.0
/* The VirtIO-MMIO transport: registers, status and features, queues, interrupt. */
#define LOG_PREFIX "virtio"
#include "virtio_mmio_priv.h"
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <printf.h>
#include <string.h>

#define LOG_BUDGET	8	/* guest-caused warnings per device, then debug */

/* A guest-caused warning: warning level up to a budget per device, then
 * debug, so a guest cannot flood the console. Lock held. */
#define dev_warn(d, fmt, ...)								\
	do {										\
		if ((d)->warnings < LOG_BUDGET) {					\
			(d)->warnings++;						\
			log_warn("%s: " fmt, (d)->name, ##__VA_ARGS__);			\
		} else {								\
			log_debug("%s: " fmt, (d)->name, ##__VA_ARGS__);		\
		}									\
	} while (0)

/* ---- state (lock held) --------------------------------------------------- */

static bool live(const struct virtio_dev *d)
{
	return virtio_dev_live(d);
}

/* The queue QueueSel names, or NULL. */
static struct virtio_queue *selected(struct virtio_dev *d)
{
	return d->queue_sel < d->ops->num_queues ? &d->queues[d->queue_sel] : NULL;
}

/* Sets InterruptStatus bits; a bit that was clear is a new event (edge). */
static void raise_isr(struct virtio_dev *d, u32 bits)
{
	if (bits & ~d->isr)
		d->edges++;
	d->isr |= bits;
}

/* Puts the device in DEVICE_NEEDS_RESET because of queue q, once until
 * the next reset: one log line, the configuration change interrupt if
 * DRIVER_OK is set (else when it is). Both locks held. */
static void fault_locked(struct virtio_dev *d, unsigned int q, const char *fmt, ...)
	__printf(3, 4);
static void fault_locked(struct virtio_dev *d, unsigned int q, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		raise_isr(d, VIRTIO_INT_CONFIG);
	dev_warn(d, "queue %u: %s; device needs a reset", q, why);
}

static void reset_locked(struct virtio_dev *d)
{
	d->status = 0;
	d->isr = 0;
	d->dev_features_sel = 0;
	d->drv_features_sel = 0;
	d->queue_sel = 0;
	d->shm_sel = 0;
	d->driver_features = 0;
	d->driver_features_high = false;
	d->features = 0;
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		memset(&d->queues[i], 0, sizeof(d->queues[i]));
		d->queues[i].num = d->ops->queue_max;
	}
}

/* ---- interrupt line ------------------------------------------------------ */

/*
 * Called with the lock held after a state change; returns with it released
 * (flags restored), the line reported if it changed. As in the PL011:
 * reports are serialised by irq_busy, and the reporter samples the state
 * again after each call, so the last call always carries the current level.
 * A bit newly set while the line is high is shown as a low-high pulse.
 */
static void unlock_and_report(struct virtio_dev *d, unsigned long irqflags)
{
	if (d->irq_busy) {
		spin_unlock_irqrestore(&d->lock, irqflags);
		return;
	}
	d->irq_busy = true;
	for (;;) {
		bool level = d->isr != 0;

		if (level && d->line && d->edges != d->edges_shown)
			level = false;		/* the low half of a pulse */
		else if (level == d->line)
			break;
		if (level)
			d->edges_shown = d->edges;
		d->line = level;
		spin_unlock_irqrestore(&d->lock, irqflags);
		if (d->set_irq)
			d->set_irq(d->irq_ctx, level);
		irqflags = spin_lock_irqsave(&d->lock);
	}
	d->irq_busy = false;
	spin_unlock_irqrestore(&d->lock, irqflags);
}

static void report_irq(struct virtio_dev *d)
{
	unlock_and_report(d, spin_lock_irqsave(&d->lock));
}

/* ---- registers ----------------------------------------------------------- */

static u32 reg_read(struct virtio_dev *d, u32 off)
{
	struct virtio_queue *q = selected(d);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION_REG:
		return VIRTIO_MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (d->dev_features_sel >= 2)
			return 0;
		return (u32)(d->offered >> (32 * d->dev_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? d->ops->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->isr;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffff;	/* no region has this id (-1) */
	case VIRTIO_MMIO_QUEUE_RESET:
		return 0;		/* VIRTIO_F_RING_RESET is not offered */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return d->config_gen;
	}
	log_debug("%s: read of write-only or reserved register 0x%03x: 0", d->name, off);
	return 0;
}

static void set_half(u64 *reg, bool high, u32 val)
{
	if (high)
		*reg = (*reg & 0xffffffffULL) | (u64)val << 32;
	else
		*reg = (*reg & ~0xffffffffULL) | val;
}

/* QueueReady: enabling checks the queue and sets its ring up. Both locks. */
static void queue_ready(struct virtio_dev *d, struct virtio_queue *q, u32 val)
{
	unsigned int qi = q - d->queues;
	int err;

	if (!val) {
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	q->ready = true;
	if (!(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		fault_locked(d, qi, "enabled before FEATURES_OK");
		return;
	}
	if (q->num > d->ops->queue_max) {
		fault_locked(d, qi, "size %u is above QueueNumMax %u", q->num, d->ops->queue_max);
		return;
	}
	err = vq_init(&q->vq, &d->mem, q->num, q->desc, q->driver, q->device,
		      d->features & VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX),
		      d->features & VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC));
	if (err)
		fault_locked(d, qi, "%s (size %u, desc 0x%llx, driver 0x%llx, device 0x%llx)",
			     vq_strerror(err), q->num, (unsigned long long)q->desc,
			     (unsigned long long)q->driver, (unsigned long long)q->device);
}

/* The queue registers of the selected queue. Both locks for QueueReady. */
static void queue_write(struct virtio_dev *d, u32 off, u32 val)
{
	struct virtio_queue *q = selected(d);

	if (!q) {
		log_debug("%s: write to 0x%03x for queue %u, which does not exist: ignored",
			  d->name, off, d->queue_sel);
		return;
	}
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		queue_ready(d, q, val);
		return;
	}
	if (q->ready) {
		log_debug("%s: write to 0x%03x while queue %u is ready: ignored", d->name, off,
			  d->queue_sel);
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = val;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&q->driver, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, val);
		break;
	default:
		set_half(&q->device, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, val);
		break;
	}
}

/* Why the driver's features cannot be accepted, or NULL. */
static const char *features_refused(const struct virtio_dev *d)
{
	if (d->driver_features_high || (d->driver_features & ~d->offered))
		return "it asks for features the device does not offer";
	if (!(d->driver_features & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
		return "VIRTIO_F_VERSION_1 missing (legacy drivers are not supported)";
	return NULL;
}

/* A non-zero Status write. Both locks held. */
static void status_write(struct virtio_dev *d, u32 val)
{
	u32 add = val & STATUS_DRIVER_BITS & ~d->status;

	if ((d->status & STATUS_DRIVER_BITS & ~val) || (val & ~(STATUS_DRIVER_BITS | d->status)))
		log_debug("%s: status 0x%x over 0x%x: only driver bits can be added", d->name,
			  val, d->status);
	if (add & VIRTIO_STATUS_FEATURES_OK) {
		const char *why = features_refused(d);

		if (why) {
			add &= ~VIRTIO_STATUS_FEATURES_OK;
			dev_warn(d, "driver features 0x%llx refused: %s",
				 (unsigned long long)d->driver_features, why);
		} else {
			d->features = d->driver_features;
		}
	}
	if ((add & VIRTIO_STATUS_DRIVER_OK) &&
	    !((d->status | add) & VIRTIO_STATUS_FEATURES_OK)) {
		add &= ~VIRTIO_STATUS_DRIVER_OK;
		log_debug("%s: DRIVER_OK without FEATURES_OK ignored", d->name);
	}
	d->status |= add;
	if ((add & VIRTIO_STATUS_DRIVER_OK) && (d->status & VIRTIO_STATUS_NEEDS_RESET))
		raise_isr(d, VIRTIO_INT_CONFIG);
}

/* Every other register write. Lock held (and the queue lock for Status
 * and QueueReady). */
static void reg_write(struct virtio_dev *d, u32 off, u32 val)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->dev_features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->status & VIRTIO_STATUS_FEATURES_OK)
			log_debug("%s: DriverFeatures written after FEATURES_OK: ignored", d->name);
		else if (d->drv_features_sel < 2)
			set_half(&d->driver_features, d->drv_features_sel, val);
		else if (val)
			d->driver_features_high = true;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->drv_features_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		queue_write(d, off, val);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->isr &= ~val;
		return;
	case VIRTIO_MMIO_STATUS:
		status_write(d, val);
		return;
	case VIRTIO_MMIO_SHM_SEL:
		d->shm_sel = val;
		return;
	}
	log_debug("%s: write 0x%x to read-only or reserved register 0x%03x ignored", d->name,
		  val, off);
}

/* ---- guest accesses ------------------------------------------------------ */

static void device_reset(struct virtio_dev *d)
{
	unsigned long qflags = spin_lock_irqsave(&d->vq_lock);

	spin_lock(&d->lock);
	reset_locked(d);
	spin_unlock(&d->lock);
	if (d->ops->reset)
		d->ops->reset(d);
	spin_unlock_irqrestore(&d->vq_lock, qflags);
	report_irq(d);
}

/* QueueNotify: hands the queue to the backend, without a lock. */
static enum devemu_result queue_notify(struct virtio_dev *d, u32 q)
{
	unsigned long irqflags = spin_lock_irqsave(&d->lock);
	bool ok = live(d) && q < d->ops->num_queues && d->queues[q].ready;

	if (!ok)
		log_debug("%s: notify of queue %u ignored: not ready, or device not live",
			  d->name, q);
	spin_unlock_irqrestore(&d->lock, irqflags);
	if (ok && d->ops->queue_notify && d->ops->queue_notify(d, q))
		return DEVEMU_RETRY;
	return DEVEMU_HANDLED;
}

/* Config space: 1, 2 or 4 bytes, aligned; beyond config_size RAZ/WI. */
static enum devemu_result config_access(struct virtio_dev *d, u32 off, unsigned int width,
					bool write, u64 *val)
{
	unsigned long irqflags;

	if ((width != 1 && width != 2 && width != 4) || !IS_ALIGNED(off, width)) {
		log_debug("%s: %u-byte config %s at 0x%x: abort", d->name, width,
			  write ? "write" : "read", off);
		return DEVEMU_ABORT;
	}
	irqflags = spin_lock_irqsave(&d->lock);
	if (off + width > d->ops->config_size) {
		log_debug("%s: config %s at 0x%x beyond its %u bytes: ignored", d->name,
			  write ? "write" : "read", off, d->ops->config_size);
		if (!write)
			*val = 0;
	} else if (write) {
		if (d->ops->config_write)
			d->ops->config_write(d, off, width, (u32)*val);
	} else {
		*val = d->ops->config_read ? d->ops->config_read(d, off, width) : 0;
	}
	unlock_and_report(d, irqflags);
	return DEVEMU_HANDLED;
}

static bool reg_access_ok(const struct virtio_dev *d, u64 offset, unsigned int width,
			  bool write)
{
	if (width == 4 && IS_ALIGNED(offset, 4))
		return true;
	log_debug("%s: %u-byte %s at register 0x%03llx: abort", d->name, width,
		  write ? "write" : "read", (unsigned long long)offset);
	return false;
}

static enum devemu_result mmio_read(struct devemu_region *r, u64 offset, unsigned int width,
				    u64 *val)
{
	struct virtio_dev *d = r->priv;
	unsigned long irqflags;

	if (offset >= VIRTIO_MMIO_CONFIG)
		return config_access(d, (u32)offset - VIRTIO_MMIO_CONFIG, width, false, val);
	if (!reg_access_ok(d, offset, width, false))
		return DEVEMU_ABORT;
	irqflags = spin_lock_irqsave(&d->lock);
	*val = reg_read(d, (u32)offset);
	unlock_and_report(d, irqflags);
	return DEVEMU_HANDLED;
}

static enum devemu_result mmio_write(struct devemu_region *r, u64 offset, unsigned int width,
				     u64 val)
{
	struct virtio_dev *d = r->priv;
	u32 off = (u32)offset, v = (u32)val;
	unsigned long qflags, irqflags;

	if (offset >= VIRTIO_MMIO_CONFIG)
		return config_access(d, off - VIRTIO_MMIO_CONFIG, width, true, &val);
	if (!reg_access_ok(d, offset, width, true))
		return DEVEMU_ABORT;
	if (off == VIRTIO_MMIO_QUEUE_NOTIFY)
		return queue_notify(d, v);
	if (off == VIRTIO_MMIO_STATUS && !v) {
		device_reset(d);
		return DEVEMU_HANDLED;
	}
	if (off != VIRTIO_MMIO_STATUS && off != VIRTIO_MMIO_QUEUE_READY) {
		irqflags = spin_lock_irqsave(&d->lock);
		reg_write(d, off, v);
		unlock_and_report(d, irqflags);
		return DEVEMU_HANDLED;
	}
	/* These two change what backends rely on: no queue work meanwhile. */
	qflags = spin_lock_irqsave(&d->vq_lock);
	spin_lock(&d->lock);
	reg_write(d, off, v);
	spin_unlock(&d->lock);
	spin_unlock_irqrestore(&d->vq_lock, qflags);
	report_irq(d);
	return DEVEMU_HANDLED;
}

static const struct devemu_ops virtio_mmio_ops = { .read = mmio_read, .write = mmio_write };

/* ---- backends ------------------------------------------------------------ */

struct vq *virtio_queue_begin(struct virtio_dev *d, unsigned int q, unsigned long *irqflags)
{
	*irqflags = spin_lock_irqsave(&d->vq_lock);
	/* status and ready only change with this lock held too. */
	if (q < d->ops->num_queues && live(d) && d->queues[q].ready)
		return &d->queues[q].vq;
	spin_unlock_irqrestore(&d->vq_lock, *irqflags);
	return NULL;
}

struct vq *virtio_queue_lock(struct virtio_dev *d, unsigned int q, unsigned long *irqflags)
{
	*irqflags = spin_lock_irqsave(&d->vq_lock);
	return &d->queues[q].vq;
}

void virtio_queue_end(struct virtio_dev *d, unsigned long irqflags)
{
	spin_unlock_irqrestore(&d->vq_lock, irqflags);
	report_irq(d);
}

int virtio_queue_pop(struct virtio_dev *d, unsigned int q, struct vq_req *req)
{
	int r = vq_pop(&d->queues[q].vq, req);

	if (r < 0) {
		unsigned long irqflags = spin_lock_irqsave(&d->lock);

		fault_locked(d, q, "%s", vq_strerror(r));
		spin_unlock_irqrestore(&d->lock, irqflags);
	}
	return r;
}

void virtio_queue_push(struct virtio_dev *d, unsigned int q, const struct vq_req *req,
		       u32 written)
{
	vq_push(&d->queues[q].vq, req, written);
}

void virtio_dev_notify_used(struct virtio_dev *d, unsigned int q)
{
	unsigned long irqflags;

	if (!vq_should_notify(&d->queues[q].vq))
		return;
	irqflags = spin_lock_irqsave(&d->lock);
	raise_isr(d, VIRTIO_INT_USED);
	spin_unlock_irqrestore(&d->lock, irqflags);	/* reported at virtio_queue_end */
}

/* Where queue q stands: its indices, so a kick sees whether it moved. */
static u32 queue_position(struct virtio_dev *d, unsigned int q)
{
	unsigned long qflags = spin_lock_irqsave(&d->vq_lock);
	const struct vq *vq = &d->queues[q].vq;
	u32 pos = (u32)vq->last_avail_idx << 16 | vq->used_idx;

	spin_unlock_irqrestore(&d->vq_lock, qflags);
	return pos;
}

void virtio_dev_kick(struct virtio_dev *d)
{
	for (unsigned int q = 0; q < d->ops->num_queues; q++) {
		unsigned long irqflags = spin_lock_irqsave(&d->lock);
		bool ok = live(d) && d->queues[q].ready && d->ops->queue_notify;
		u32 before;

		spin_unlock_irqrestore(&d->lock, irqflags);
		if (!ok)
			continue;
		/* No vCPU retries a kick: call again while the backend asks for
		 * it and gets on (an rng waiting for entropy does not). */
		do {
			before = queue_position(d, q);
		} while (d->ops->queue_notify(d, q) && queue_position(d, q) != before);
	}
}

void virtio_dev_config_changed(struct virtio_dev *d)
{
	unsigned long irqflags = spin_lock_irqsave(&d->lock);

	d->config_gen++;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		raise_isr(d, VIRTIO_INT_CONFIG);
	unlock_and_report(d, irqflags);
}

void *virtio_dev_priv(struct virtio_dev *d)
{
	return d->priv;
}

const char *virtio_dev_name(const struct virtio_dev *d)
{
	return d->name;
}

u64 virtio_dev_features(struct virtio_dev *d)
{
	unsigned long irqflags = spin_lock_irqsave(&d->lock);
	u64 f = d->features;

	spin_unlock_irqrestore(&d->lock, irqflags);
	return f;
}

u32 virtio_dev_status(struct virtio_dev *d)
{
	unsigned long irqflags = spin_lock_irqsave(&d->lock);
	u32 s = d->status;

	spin_unlock_irqrestore(&d->lock, irqflags);
	return s;
}

/* ---- lifecycle ----------------------------------------------------------- */

static const char *backend_invalid(const struct virtio_backend_ops *ops)
{
	if (!ops->num_queues || ops->num_queues > VIRTIO_MAX_QUEUES)
		return "1 to 8 queues";
	if (!ops->queue_max || ops->queue_max > VQ_MAX_SIZE ||
	    (ops->queue_max & (ops->queue_max - 1)))
		return "a queue size that is a power of 2 up to 32768";
	if (ops->config_size > VIRTIO_CONFIG_MAX)
		return "at most 256 bytes of config space";
	if (ops->features & VIRTIO_RESERVED_FEATURES)
		return "no feature bits in 24-49 (the transport's)";
	return NULL;
}

struct virtio_dev *virtio_dev_create(const struct virtio_mmio_config *cfg,
				     const struct virtio_backend_ops *ops, void *priv,
				     struct devemu_map *map)
{
	const char *guest = cfg->guest ? cfg->guest : "?";
	const char *device = cfg->device ? cfg->device : "?";
	const char *why;
	struct virtio_dev *d;

	if (!cfg->guest || !cfg->device || !cfg->mem.map || !ops) {
		log_err("%s/%s: a guest and device name, guest memory and a backend are needed",
			guest, device);
		return NULL;
	}
	why = backend_invalid(ops);
	if (why) {
		log_err("%s/%s: backend %s is invalid: it must have %s", guest, device,
			ops->name ? ops->name : "?", why);
		return NULL;
	}
	if (!IS_ALIGNED(cfg->base, VIRTIO_MMIO_SIZE) || cfg->size != VIRTIO_MMIO_SIZE) {
		log_err("%s/%s: base 0x%llx size 0x%llx: need a 0x%x-aligned base, size 0x%x",
			guest, device, (unsigned long long)cfg->base,
			(unsigned long long)cfg->size, VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SIZE);
		return NULL;
	}
	d = kzalloc(sizeof(*d));
	if (!d) {
		log_err("%s/%s: out of memory", guest, device);
		return NULL;
	}
	spin_lock_init(&d->lock);
	spin_lock_init(&d->vq_lock);
	d->ops = ops;
	d->priv = priv;
	d->offered = ops->features | VIRTIO_TRANSPORT_FEATURES;
	d->mem = cfg->mem;
	d->map = map;
	d->set_irq = cfg->set_irq;
	d->irq_ctx = cfg->irq_ctx;
	snprintf(d->name, sizeof(d->name), "%s/%s", guest, device);
	reset_locked(d);
	/* No region lock: the callbacks take their own, and must drop it to
	 * call set_irq and the backend. */
	d->region = (struct devemu_region){ .base = cfg->base, .size = VIRTIO_MMIO_SIZE,
		.ops = &virtio_mmio_ops, .priv = d, .name = d->name };
	if (devemu_map_add(map, &d->region)) {
		kfree(d);	/* logged by devemu */
		return NULL;
	}
	log_debug("%s: virtio-mmio %s (device id %u) at 0x%llx", d->name, ops->name,
		  ops->device_id, (unsigned long long)cfg->base);
	return d;
}

void virtio_dev_destroy(struct virtio_dev *d)
{
	if (!d)
		return;
	devemu_map_remove(d->map, &d->region);
	kfree(d);
}

void virtio_dev_reset(struct virtio_dev *d)
{
	device_reset(d);
}
