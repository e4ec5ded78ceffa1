/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transport's snapshot fields as C values, shared by the save and load
 * (virtio_mmio_snap.c) and the checks of what is loaded
 * (virtio_mmio_snap_check.c).
 */
#ifndef KESTREL_EMU_VIRTIO_MMIO_SNAP_H
#define KESTREL_EMU_VIRTIO_MMIO_SNAP_H

#include "virtio_mmio_priv.h"

struct snap_section;

#define SNAP_SEC_VIRTIO_FIRST	0x1100		/* + the device id */
/* queue-flags */
#define QF_SIGNALLED_VALID	0x1
#define QF_NOTIFY_OFF		0x2

/* One queue as the section holds it; every value as read, before checks. */
struct virtio_snap_queue {
	u64 num, ready, desc, driver, device;
	u64 last_avail, used_idx, error, avail_idx, signalled, flags;
	bool has_avail_idx, has_signalled;
};

/* The transport's fields. */
struct virtio_snap_state {
	u64 base, device_features, driver_features, features;
	u32 device_id, status, dev_sel, drv_sel, queue_sel, shm_sel;
	u32 isr, config_gen, line, high;
	struct virtio_snap_queue q[VIRTIO_MAX_QUEUES];
};

/*
 * Checks the values read from section s (state_read) against device d and
 * the interrupt controller's level spi_line of SPI spi: 0, or -EINVAL with
 * what is wrong in err. Touches nothing.
 */
int virtio_snap_check(const struct virtio_dev *d, const struct snap_section *s,
		      const struct virtio_snap_state *st, unsigned int spi, bool spi_line,
		      char *err, size_t errlen);

#endif
