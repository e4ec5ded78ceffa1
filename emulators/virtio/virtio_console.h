/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-console (VirtIO 1.2, 5.3): device id 3, port 0 only (no
 * VIRTIO_CONSOLE_F_MULTIPORT): receiveq0 (queue 0) and transmitq0 (queue
 * 1), connected to the vserial port "<guest>/<device>", so `vserial bind
 * linux0/hvc0` reaches the guest's hvc0 when the node is named hvc0.
 *
 *  - Guest output: each transmit buffer's readable bytes go to
 *    vserial_write synchronously in the QueueNotify trap (Linux's hvc
 *    driver waits for the buffer to come back), at most
 *    VIRTIO_CONSOLE_TX_MAX bytes of one buffer (more is dropped, logged),
 *    at most VIRTIO_CONSOLE_BATCH buffers or VIRTIO_CONSOLE_TX_BUDGET bytes
 *    per notification, then the guest's store is retried.
 *  - Host input (the vserial rx callback): copied into the receive buffers
 *    the guest posted, filling each as far as the input goes; returns how
 *    many bytes were taken, 0 when no buffer is posted or the driver is not
 *    ready. The caller (the terminal) keeps the rest and offers it again.
 *    Quiesced for a snapshot, the device takes none.
 *  - VIRTIO_CONSOLE_F_EMERG_WRITE: a write to config emerg_wr (offset 8)
 *    sends its low byte to the port, before and after feature negotiation.
 *    cols, rows and max_nr_ports read 0 (F_SIZE and F_MULTIPORT are not
 *    offered).
 *
 * The node takes no properties besides compatible, reg, interrupts and type.
 */
#ifndef KESTREL_EMU_VIRTIO_CONSOLE_H
#define KESTREL_EMU_VIRTIO_CONSOLE_H

#include "virtio_mmio.h"
#include <kestrel/vserial.h>

#define VIRTIO_ID_CONSOLE		3
#define VIRTIO_CONSOLE_QUEUE_MAX	64
#define VIRTIO_CONSOLE_RXQ		0
#define VIRTIO_CONSOLE_TXQ		1
#define VIRTIO_CONSOLE_F_EMERG_WRITE	2
#define VIRTIO_CONSOLE_EMERG_WR		8	/* config offset */
#define VIRTIO_CONSOLE_TX_MAX		SZ_64K	/* bytes sent of one buffer */
#define VIRTIO_CONSOLE_TX_BUDGET	SZ_64K	/* bytes per notification, then retry */
#define VIRTIO_CONSOLE_BATCH		16	/* buffers per notification, then retry */

/* Creates the device and its vserial port "<cfg->guest>/<cfg->device>".
 * NULL when the port name is taken or as virtio_dev_create (logged).
 * fdt/node are not used. Thread context. */
struct virtio_dev *virtio_console_create(const struct virtio_mmio_config *cfg,
					 struct devemu_map *map, const void *fdt, int node);

/* Destroys the port (waiting for host input in flight), then the device.
 * NULL is ignored. Thread context, vCPUs stopped. */
void virtio_console_destroy(struct virtio_dev *d);

/* The device's vserial port (for tests and the terminal). */
struct vserial *virtio_console_port(struct virtio_dev *d);

#endif
