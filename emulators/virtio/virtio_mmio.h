/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VirtIO-MMIO transport (VirtIO 1.2, 4.2; register layout version 2,
 * modern devices only, no legacy interface), with split virtqueues
 * (virtqueue.h), carrying one device-type backend (virtio_backend_ops):
 * virtio_rng.c, virtio_blk.c, virtio_net.c and virtio_console.c.
 *
 * Model:
 *  - MagicValue 0x74726976 ("virt"), Version 2, DeviceID from the backend,
 *    VendorID 0x5254534b: the bytes "KSTR" in memory order, the way the
 *    magic spells "virt" and QEMU's 0x554d4551 spells "QEMU".
 *  - Features offered: the backend's device-type bits (0-23, 50-63) plus
 *    VIRTIO_F_INDIRECT_DESC (28), VIRTIO_F_EVENT_IDX (29) and
 *    VIRTIO_F_VERSION_1 (32). Setting FEATURES_OK accepts the driver's
 *    features only if they include VERSION_1 and nothing not offered;
 *    otherwise FEATURES_OK stays clear (the driver fails, as the spec
 *    wants) and a warning is logged. DriverFeatures writes after
 *    FEATURES_OK are ignored.
 *  - Status: bits are only ever added (the driver must not clear one);
 *    DRIVER_OK is refused without FEATURES_OK; DEVICE_NEEDS_RESET is the
 *    device's alone. Writing 0 resets the device: status, features,
 *    selectors, InterruptStatus, every queue, and the backend's reset hook.
 *    ConfigGeneration survives resets (it only ever counts up).
 *  - Queues: QueueNum defaults to QueueNumMax; the queue registers are
 *    ignored while the queue is ready. QueueReady = 1 checks the queue
 *    (FEATURES_OK set, size a power of 2 up to QueueNumMax, rings aligned
 *    and in guest RAM). Queues are processed only after DRIVER_OK.
 *  - A malformed queue (at QueueReady, or a bad ring or chain met by the
 *    backend) sets DEVICE_NEEDS_RESET, raises the configuration change
 *    interrupt (InterruptStatus bit 1; or when DRIVER_OK is set later, if
 *    it was not yet), logs one line naming the guest, the device, the
 *    queue and the fault, and stops all queue processing until the driver
 *    resets the device. Guest-caused warnings are limited to 8 per device
 *    (its lifetime, resets included); later ones go to debug level.
 *  - No shared memory regions: SHMLen and SHMBase read all ones for every
 *    SHMSel. No VIRTIO_F_RING_RESET: QueueReset reads 0, writes ignored.
 *    No VIRTIO_F_NOTIFICATION_DATA: QueueNotify takes the queue index.
 *  - The interrupt line is high while InterruptStatus != 0 (level). So
 *    that a guest that configured the SPI as edge-triggered (as QEMU's
 *    virt DT says) loses nothing, an event that sets a new bit while the
 *    line is already high is reported as a low-high pulse.
 *
 * Guest accesses (hostile input): the control registers (0x000-0x0ff) take
 * aligned 32-bit accesses only; config space (0x100 + config_size) takes
 * 1, 2 and 4-byte aligned accesses. Anything else: DEVEMU_ABORT. Reads of
 * write-only or unknown registers return 0, writes to read-only or unknown
 * ones and config beyond config_size are ignored; all logged at debug level.
 *
 * Locking and contexts:
 *  - d->lock (spinlock, IRQs masked) guards the registers, InterruptStatus
 *    and the line; taken in the MMIO callbacks (the devemu region has no
 *    lock of its own) and briefly by the calls below.
 *  - The queue lock guards the virtqueues' ring state. Backends hold it,
 *    through virtio_queue_begin/end, around all work on the rings; the
 *    transport takes it to reset the device or enable/disable a queue.
 *    Order: queue lock, then d->lock. Status and QueueReady change with
 *    both held.
 *  - set_irq is called without either lock, one call at a time per device
 *    and in order; it must not sleep and may call back into the device.
 *  - backend->queue_notify runs on the vCPU that wrote QueueNotify, in its
 *    MMIO trap, with no lock held; it may complete requests there (rng,
 *    console) or hand them to a thread (block, net), which then uses
 *    virtio_queue_begin/end itself.
 */
#ifndef KESTREL_EMU_VIRTIO_MMIO_H
#define KESTREL_EMU_VIRTIO_MMIO_H

#include <kestrel/devemu.h>
#include <kestrel/types.h>
#include "virtqueue.h"

#define VIRTIO_MMIO_SIZE	0x200	/* registers + config space, as QEMU's virt */
#define VIRTIO_MMIO_MAGIC	0x74726976
#define VIRTIO_MMIO_VERSION	2
#define VIRTIO_MMIO_VENDOR	0x5254534b	/* "KSTR" */
#define VIRTIO_MAX_QUEUES	8
#define VIRTIO_CONFIG_MAX	0x100

/* Register offsets (4.2.2). */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000
#define VIRTIO_MMIO_VERSION_REG		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_QUEUE_RESET		0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

/* Device status (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* InterruptStatus bits. */
#define VIRTIO_INT_USED		0x1	/* used buffer notification */
#define VIRTIO_INT_CONFIG	0x2	/* configuration change notification */

/* Feature bits the transport handles (6). */
#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_FEATURE(bit)	(1ULL << (bit))
#define VIRTIO_TRANSPORT_FEATURES \
	(VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC) | VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX) | \
	 VIRTIO_FEATURE(VIRTIO_F_VERSION_1))
/* Bits 24-49 belong to the transport; a backend offers only the others. */
#define VIRTIO_RESERVED_FEATURES	(((1ULL << 50) - 1) & ~((1ULL << 24) - 1))

struct virtio_dev;
struct snap_section;
struct snap_tlv_writer;

/* What a device type provides to the transport. Constant, shared by all
 * devices of the type. */
struct virtio_backend_ops {
	const char *name;	/* "rng" */
	u32 device_id;		/* DeviceID (5): 4 = entropy source */
	u64 features;		/* device-type feature bits offered */
	u32 num_queues;		/* 1 .. VIRTIO_MAX_QUEUES */
	u32 queue_max;		/* QueueNumMax: a power of 2, <= VQ_MAX_SIZE */
	u32 config_size;	/* bytes of config space, <= VIRTIO_CONFIG_MAX */
	/* Config space accesses, already checked: off + width <= config_size,
	 * width 1, 2 or 4 and aligned. d->lock is held: no sleeping, no calls
	 * into the transport. NULL: reads 0, writes ignored. */
	u32 (*config_read)(struct virtio_dev *d, u32 off, unsigned int width);
	void (*config_write)(struct virtio_dev *d, u32 off, unsigned int width, u32 val);
	/* The driver notified queue q, which was ready on a live device at the
	 * time (see the locking notes above). Returns true when it stopped
	 * after a bounded amount of work with more waiting: the guest's store
	 * is then run again later (DEVEMU_RETRY), so a guest cannot keep its
	 * vCPU in the hypervisor. May be NULL. */
	bool (*queue_notify)(struct virtio_dev *d, unsigned int q);
	/* The device was reset (Status 0, a guest reset). The queue lock is
	 * held, d->lock is not: no queue work runs meanwhile. May be NULL. */
	void (*reset)(struct virtio_dev *d);

	/* Snapshots (virtio_dev_quiesce and virtio_dev_snap_*); each may be
	 * NULL. Thread context, no lock held, the guest's vCPUs parked. */
	/* quiet: take no more host input or new work, wait for work in
	 * flight, and give back chains taken but not started, so that no
	 * queue holds a chain; !quiet: undo it and pick up what waited. */
	void (*quiesce)(struct virtio_dev *d, bool quiet);
	/* Writes the type's own fields (tags from 0x100, increasing) after
	 * the transport's. The device is quiesced. */
	void (*snap_save)(struct virtio_dev *d, struct snap_tlv_writer *w);
	/* Checks the type's fields of s, then loads them into a new device:
	 * 0, or -EINVAL with what is wrong in err (virtio_snap_refuse). Runs
	 * after the transport's fields passed their checks, before they are
	 * loaded. */
	int (*snap_load)(struct virtio_dev *d, const struct snap_section *s, char *err,
			 size_t errlen);
};

/* Drives the device's interrupt line (guest_irq_set_level for its SPI):
 * see the locking notes. */
typedef void (*virtio_irq_fn)(void *ctx, bool level);

struct virtio_mmio_config {
	const char *guest;	/* names for log lines: "<guest>/<device>" */
	const char *device;
	gpa_t base;		/* VIRTIO_MMIO_SIZE aligned */
	u64 size;		/* VIRTIO_MMIO_SIZE */
	struct vq_mem mem;	/* the guest's RAM */
	virtio_irq_fn set_irq;	/* may be NULL: no interrupt line */
	void *irq_ctx;
};

/* Creates a device of backend `ops` with backend state priv, in its reset
 * state with the line low, and adds its region to map. NULL on a bad
 * config or backend, an overlapping region or no memory (each logged).
 * Thread context. */
struct virtio_dev *virtio_dev_create(const struct virtio_mmio_config *cfg,
				     const struct virtio_backend_ops *ops, void *priv,
				     struct devemu_map *map);

/* Removes the region and frees the device (not priv). set_irq is not
 * called. No vCPU of the guest may be running and no backend work may be
 * in flight. NULL is ignored. Thread context. */
void virtio_dev_destroy(struct virtio_dev *d);

/* Back to the reset state, as a Status write of 0 (guest reset). */
void virtio_dev_reset(struct virtio_dev *d);

void *virtio_dev_priv(struct virtio_dev *d);
const char *virtio_dev_name(const struct virtio_dev *d);	/* "<guest>/<device>" */
/* The features accepted at FEATURES_OK (0 before). Any context. */
u64 virtio_dev_features(struct virtio_dev *d);
/* The Status register. Any context. */
u32 virtio_dev_status(struct virtio_dev *d);

/*
 * Starts work on queue q: takes the queue lock (IRQs masked) and returns
 * the queue when the driver set DRIVER_OK, the device does not need a reset
 * and the queue is ready; otherwise releases the lock and returns NULL.
 * Between begin and end only the calls below touch the queue; nothing in
 * there may sleep.
 */
struct vq *virtio_queue_begin(struct virtio_dev *d, unsigned int q, unsigned long *irqflags);

/* Ends it: releases the queue lock, then raises the interrupt if
 * virtio_dev_notify_used or a fault asked for it. */
void virtio_queue_end(struct virtio_dev *d, unsigned long irqflags);

/* vq_pop on queue q, inside begin/end. A malformed ring or chain puts the
 * device in DEVICE_NEEDS_RESET (see the model) and returns the error. */
int virtio_queue_pop(struct virtio_dev *d, unsigned int q, struct vq_req *req);

/* vq_push on queue q, inside begin/end. */
void virtio_queue_push(struct virtio_dev *d, unsigned int q, const struct vq_req *req,
		       u32 written);

/* After pushes, inside begin/end: sets the used buffer bit of
 * InterruptStatus when the driver wants a notification (vq_should_notify);
 * the line rises at virtio_queue_end. */
void virtio_dev_notify_used(struct virtio_dev *d, unsigned int q);

/* The device changed its config space: ConfigGeneration counts up, and
 * after DRIVER_OK the configuration change interrupt is raised. Any
 * context, neither lock held. */
void virtio_dev_config_changed(struct virtio_dev *d);

/*
 * For a backend's quiesce: takes the queue lock and returns queue q's ring
 * state whatever the device's status (ready or not, live or not), to read
 * or give back indices; nothing in it may touch guest memory. Released by
 * virtio_queue_end.
 */
struct vq *virtio_queue_lock(struct virtio_dev *d, unsigned int q, unsigned long *irqflags);

/* As if the driver had written QueueNotify once for each ready queue of a
 * live device; a backend that stops with more to do is called again while
 * the queue moves. Thread context, no lock held. */
void virtio_dev_kick(struct virtio_dev *d);

/* ---- snapshots (virtio_mmio_snap.c, docs/snapshot-format.md) ------------- */

/* The section type of the device's state: 0x1100 + its device id. */
u16 virtio_dev_snap_type(const struct virtio_dev *d);

/*
 * Quiesces the device (quiet) or releases it (!quiet), through the
 * backend's quiesce. Quiet, no queue holds a chain afterwards (the
 * snapshot's "no chain in flight"): a queue that is not ready, or of a
 * device that needs a reset or failed, does no work until the driver sets
 * it up again from index 0, so a chain it still holds is recorded as given
 * back. Thread context, the guest's vCPUs parked.
 */
void virtio_dev_quiesce(struct virtio_dev *d, bool quiet);

/* Writes the transport's fields (0x0001-0x002a) and the type's. The device
 * is quiesced. Thread context. */
void virtio_dev_snap_save(struct virtio_dev *d, struct snap_tlv_writer *w);

/*
 * Checks every field of section s against this device and the guest, then
 * loads it into the device, new and in its reset state: registers, queues,
 * InterruptStatus, ConfigGeneration and the line level, without calling
 * set_irq (the interrupt controller, loaded first, has the line already:
 * spi_line is its input level for SPI spi, which the saved line must
 * equal). 0, or -EINVAL with what is wrong in err, no prefix ("tag 0x0020
 * (queue-num): queue 0 size 100 is not a power of 2"). Thread context.
 */
int virtio_dev_snap_load(struct virtio_dev *d, const struct snap_section *s, unsigned int spi,
			 bool spi_line, char *err, size_t errlen);

/* After a restore, before the vCPUs run: virtio_dev_kick. */
void virtio_dev_snap_resume(struct virtio_dev *d);

/* For snap_load hooks: writes "tag 0x<tag> (<name>): <fmt...>" into err,
 * naming the tag as section type `type` does; returns -EINVAL. */
int virtio_snap_refuse(char *err, size_t errlen, u16 type, u16 tag, const char *fmt, ...)
	__printf(5, 6);
/* "tag 0x<tag> (<name>) missing"; returns -EINVAL. */
int virtio_snap_missing(char *err, size_t errlen, u16 type, u16 tag);
/* A saved string (len bytes, untrusted) for a message: at most size - 1
 * characters, anything but printable ASCII shown as '?'. */
void virtio_snap_printable(char *buf, size_t size, const u8 *bytes, size_t len);

#endif
