/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net (VirtIO 1.2, 5.1): device id 1, one receive queue (0) and one
 * transmit queue (1), no control queue. Features: VIRTIO_NET_F_MAC (the
 * address in config space) and VIRTIO_NET_F_STATUS (link always up); no
 * offloads, no VIRTIO_NET_F_MRG_RXBUF: each receive buffer must hold the
 * 12-byte header and a whole frame (Linux then posts 1530-byte buffers).
 *
 * The device is a port, "<guest>/<device>", of a virtual switch
 * (kestrel/netswitch.h), attached from creation to destruction:
 *  - transmit: on the driver's notify (its vCPU's MMIO trap), each chain
 *    is read past its header into the device's buffer, returned to the
 *    driver (0 bytes written) and sent into the switch, at most
 *    VIRTIO_NET_TX_BATCH chains per notify (then the store is retried).
 *    A chain too short for the header, or whose frame is a runt or a
 *    giant, is returned and dropped (the port's tx dropped).
 *  - receive: a frame the switch delivers (any context) takes one receive
 *    buffer: a zeroed header (num_buffers = 1) then the frame. No buffer,
 *    a device not running, or a buffer too small for the frame: the frame
 *    is dropped (the port's rx dropped; a too small buffer is returned
 *    with 0 bytes). Quiesced for a snapshot, every frame is dropped so.
 *  - snapshots: the section keeps the MAC the guest read (a restored card
 *    uses it whatever its guest's name) and the switch, which the restored
 *    device's must be.
 *
 * Locks: tx_lock serialises transmitting (two vCPUs may notify at once);
 * under it the queue lock is taken to take a chain and released before the
 * switch is entered, so a frame between two devices never holds both
 * devices' queue locks. Order: tx_lock, then a queue lock.
 */
#ifndef KESTREL_EMU_VIRTIO_NET_H
#define KESTREL_EMU_VIRTIO_NET_H

#include "virtio_mmio.h"
#include <kestrel/netswitch.h>

#define VIRTIO_ID_NET		1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1
#define VIRTIO_NET_RXQ		0
#define VIRTIO_NET_TXQ		1
#define VIRTIO_NET_QUEUE_MAX	256
#define VIRTIO_NET_HDR_LEN	12	/* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define VIRTIO_NET_CONFIG_SIZE	8	/* mac[6], status */
#define VIRTIO_NET_TX_BATCH	32	/* chains per notify, then retry */
#define VIRTIO_NET_DEFAULT_SWITCH	"br0"

/* What a device is created with. */
struct virtio_net_params {
	const char *switch_name;	/* NULL: VIRTIO_NET_DEFAULT_SWITCH */
	const u8 *mac;			/* NULL: virtio_net_default_mac */
};

/* The address a device gets without a `mac` property: 52:54:00 (QEMU's
 * prefix: locally administered, unicast) and three bytes of the FNV-1a hash
 * of "<guest>/<device>", the same at every boot. Any context. */
void virtio_net_default_mac(const char *guest, const char *device, u8 mac[ETH_ALEN]);

/* A virtio-net device, its port attached to the switch p->switch_name
 * (created if needed). NULL on a bad switch name, a port the switch
 * refuses, or as virtio_dev_create (all logged). Thread context. */
struct virtio_dev *virtio_net_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map, const struct virtio_net_params *p);

/* The same from the device's configuration node: `switch` and `mac`
 * (checked before by virtio_net_check). */
struct virtio_dev *virtio_net_create_fdt(const struct virtio_mmio_config *cfg,
					 struct devemu_map *map, const void *fdt, int node);

/* Detaches the port (waiting for deliveries to it to end), then destroys
 * the device as virtio_dev_destroy. NULL is ignored. Thread context. */
void virtio_net_destroy(struct virtio_dev *d);

/* The node properties a net device takes besides compatible, reg,
 * interrupts and type: "switch", "mac"; NULL-terminated. */
extern const char *const virtio_net_props[];

/* Checks the node's `switch` (a switch name) and `mac` (6 bytes, unicast,
 * not zero): 0, or -EINVAL and what is wrong in err. Any context. */
int virtio_net_check(const void *fdt, int node, char *err, size_t errlen);

/* The device's switch port (for tests and diagnostics). */
struct netport *virtio_net_port(struct virtio_dev *d);

#endif
