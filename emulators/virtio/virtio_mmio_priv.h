/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VirtIO-MMIO transport's device state, shared by its two halves: the
 * guest-facing model (virtio_mmio.c) and its snapshot (virtio_mmio_snap.c).
 * Backends see none of this: they use virtio_mmio.h.
 */
#ifndef KESTREL_EMU_VIRTIO_MMIO_PRIV_H
#define KESTREL_EMU_VIRTIO_MMIO_PRIV_H

#include <kestrel/spinlock.h>
#include "virtio_mmio.h"

#define VIRTIO_NAME_LEN		64

/* Status bits the driver may set. */
#define STATUS_DRIVER_BITS \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK | \
	 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED)

/* One queue: its registers and its ring state. */
struct virtio_queue {
	u32 num;
	u64 desc, driver, device;
	bool ready;
	struct vq vq;		/* set up at QueueReady = 1; queue lock */
};

struct virtio_dev {
	/* Guards everything below up to `warnings`; IRQs masked. status and
	 * queues[].ready change with the queue lock held too. */
	spinlock_t lock;
	/* The queue lock: ring state (queues[].vq) and backend work on it. */
	spinlock_t vq_lock;
	u32 status, isr, config_gen;
	u32 dev_features_sel, drv_features_sel, queue_sel, shm_sel;
	u64 driver_features;		/* words 0 and 1 as written */
	bool driver_features_high;	/* bits written to words >= 2: never offered */
	u64 features;			/* accepted at FEATURES_OK */
	struct virtio_queue queues[VIRTIO_MAX_QUEUES];
	bool line;			/* the level last given to set_irq */
	bool irq_busy;			/* a CPU is reporting line changes */
	u32 edges, edges_shown;		/* InterruptStatus bits newly set / reported */
	unsigned int warnings;

	/* Fixed once created. */
	u64 offered;			/* DeviceFeatures */
	const struct virtio_backend_ops *ops;
	void *priv;
	struct vq_mem mem;
	struct devemu_region region;
	struct devemu_map *map;
	virtio_irq_fn set_irq;
	void *irq_ctx;
	char name[VIRTIO_NAME_LEN];
};

/* Queues are processed: DRIVER_OK, and no reset needed, not failed. d->lock
 * or the queue lock held (status changes with both). */
static inline bool virtio_dev_live(const struct virtio_dev *d)
{
	return (d->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET |
			     VIRTIO_STATUS_FAILED)) == VIRTIO_STATUS_DRIVER_OK;
}

#endif
