/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kestrel as a virtio driver: the host's own virtio-mmio devices (QEMU's
 * virtio-blk, virtio-net and virtio-rng on the virt board), register layout
 * version 2 only (VirtIO 1.2, 4.2.2; QEMU needs
 * `-global virtio-mmio.force-legacy=false`, version 1 devices are logged
 * and skipped). virtio_host.c is the DRIVER() for "virtio,mmio" nodes: it
 * maps the registers, reads DeviceID (0: an empty slot, skipped silently),
 * picks the device-type driver below, negotiates features (VERSION_1
 * required) and sets up the queues and the interrupt.
 *
 * Order of a device's bring-up: reset, ACKNOWLEDGE, DRIVER, features,
 * FEATURES_OK (checked), type->init (queues, config), the interrupt,
 * DRIVER_OK, type->start (post buffers, register with the core). A failure
 * sets FAILED and frees what was taken.
 *
 * Interrupts: the node's interrupt (an edge-rising SPI on QEMU virt) on
 * CPU 0. The handler reads InterruptStatus, acknowledges it first (a
 * completion after that raises a new edge), then calls each queue's `done`
 * hook and, for a configuration change, type->config_changed.
 *
 * Locking: each queue has a spinlock (IRQs masked) guarding its rings;
 * hold it, through virtio_queue_lock/unlock, around vqd_* calls on
 * q->vq and virtio_queue_kick. The done hook runs without it.
 */
#ifndef KESTREL_DRV_VIRTIO_HOST_H
#define KESTREL_DRV_VIRTIO_HOST_H

#include <kestrel/spinlock.h>
#include <kestrel/types.h>
#include "virtqueue_drv.h"

#define VIRTIO_HOST_MAX_QUEUES	4

/* Device types (5). */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_RNG		4

/* Transport feature bits (6) a driver may ask for. */
#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_FEATURE(bit)	(1ULL << (bit))

struct virtio_host_dev;
struct virtio_host_queue;

/* Used buffers arrived on q (or may have: the hook tolerates none). IRQ
 * context, no lock held. */
typedef void (*virtio_queue_done_fn)(struct virtio_host_queue *q);

struct virtio_host_queue {
	struct vqd vq;			/* the rings: under lock */
	spinlock_t lock;
	struct virtio_host_dev *dev;
	unsigned int index;
	virtio_queue_done_fn done;
	void *ring;			/* page_alloc block of the rings */
	unsigned int ring_order;
	u64 kicks;
};

/* A device-type driver, chosen by DeviceID. */
struct virtio_host_type {
	const char *name;		/* "virtio-blk" */
	u32 device_id;
	/* Feature bits wanted besides VERSION_1 (device-type bits and
	 * transport ones such as INDIRECT_DESC): accepted when offered. */
	u64 features;
	/* Features are set; set up queues with virtio_queue_setup, read the
	 * config, allocate state into d->priv. Boot context. */
	int (*init)(struct virtio_host_dev *d);
	/* DRIVER_OK is set and the interrupt is on: post buffers, register
	 * with the core. A failure resets the device. Boot context. */
	int (*start)(struct virtio_host_dev *d);
	/* Undoes init (and a failed start), after the device was reset:
	 * frees d->priv. May be NULL. Boot context. */
	void (*cleanup)(struct virtio_host_dev *d);
	/* Configuration change interrupt. IRQ context. May be NULL. */
	void (*config_changed)(struct virtio_host_dev *d);
};

struct virtio_host_dev {
	const struct virtio_host_type *type;
	hva_t regs;
	hpa_t phys;			/* register base, for messages */
	u32 device_id;
	unsigned int unit;		/* n-th device of its type, from 0 */
	u64 offered, features;		/* device features; negotiated ones */
	unsigned int hwirq;
	bool irq_on;			/* handler installed (irq.c cannot remove it) */
	char irq_name[16];		/* "virtio-blk0", for `host irqs` */
	struct virtio_host_queue queues[VIRTIO_HOST_MAX_QUEUES];
	unsigned int nr_queues;
	void *priv;			/* the type driver's */
};

static inline bool virtio_has_feature(const struct virtio_host_dev *d, unsigned int bit)
{
	return d->features & VIRTIO_FEATURE(bit);
}

/*
 * Sets up queue `index` with at most `want` entries (the device's
 * QueueNumMax may lower it; rounded down to a power of 2), its rings in
 * page_alloc'ed memory, and makes it ready. done: the completion hook.
 * From type->init only. 0, -ENODEV (no such queue), -ENOMEM.
 */
int virtio_queue_setup(struct virtio_host_dev *d, unsigned int index, u16 want,
		       virtio_queue_done_fn done);

static inline unsigned long virtio_queue_lock(struct virtio_host_queue *q)
{
	return spin_lock_irqsave(&q->lock);
}

static inline void virtio_queue_unlock(struct virtio_host_queue *q, unsigned long flags)
{
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Notifies the device of new buffers on q if it wants to be. Queue lock
 * held. */
void virtio_queue_kick(struct virtio_host_queue *q);

/* Config space reads (device-type layout, little endian), at byte offset
 * off; 64-bit reads retry until ConfigGeneration is stable. Any context. */
u8 virtio_config_read8(struct virtio_host_dev *d, u32 off);
u16 virtio_config_read16(struct virtio_host_dev *d, u32 off);
u32 virtio_config_read32(struct virtio_host_dev *d, u32 off);
u64 virtio_config_read64(struct virtio_host_dev *d, u32 off);

/* The device-type drivers (virtio_*_host.c), each built by its symbol. */
extern const struct virtio_host_type virtio_blk_host_type;
extern const struct virtio_host_type virtio_net_host_type;
extern const struct virtio_host_type virtio_rng_host_type;

#endif
