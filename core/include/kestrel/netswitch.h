/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual Ethernet switch: ports (guests' virtio-net devices, the host
 * NIC as the uplink) attached to a named switch, frames forwarded by a
 * learned MAC table, unknown destinations and broadcasts flooded. Frames
 * are copied: a sender's buffer is free again when netport_send returns.
 */
#ifndef KESTREL_NETSWITCH_H
#define KESTREL_NETSWITCH_H

#include <kestrel/types.h>
#include <kestrel/spinlock.h>
#include <list.h>

#define NETSWITCH_NAME_MAX	16
#define NETPORT_NAME_MAX	40	/* "<guest>/<device>" or "eth0" */
#define ETH_FRAME_MAX		1514	/* without FCS; no jumbo frames */
#define ETH_ALEN		6

struct netport;
struct netswitch;

struct netport_ops {
	/* A frame for this port. Returns false when the port cannot take it
	 * now (guest RX queue full): it is dropped and counted. Any context,
	 * no sleeping; the frame is only valid during the call. */
	bool (*receive)(struct netport *p, const void *frame, size_t len);
};

struct netport {
	char name[NETPORT_NAME_MAX];
	u8 mac[ETH_ALEN];		/* the port's own address (informational) */
	bool uplink;			/* the host NIC */
	const struct netport_ops *ops;
	void *priv;
	struct netswitch *sw;
	struct list_head node;
	u64 tx_frames, tx_bytes, rx_frames, rx_bytes, rx_dropped;
};

/* Finds switch `name`, creating it if needed. NULL when out of memory or
 * the name is invalid (logged). Thread context. */
struct netswitch *netswitch_get(const char *name);

/* Attaches / detaches a port (detach waits until no frame is being
 * delivered to it). Thread context. */
int netport_attach(struct netswitch *sw, struct netport *p);
void netport_detach(struct netport *p);

/* Sends a frame from port p into its switch: forwarded to the port that
 * owns the destination MAC, or flooded to all others (broadcast,
 * multicast, unknown). Frames shorter than 14 bytes or longer than
 * ETH_FRAME_MAX are dropped and counted. Any context, no sleeping. */
void netport_send(struct netport *p, const void *frame, size_t len);

/* For `netswitch list|ports`: each switch, each port of a switch. */
void netswitch_for_each(void (*fn)(struct netswitch *sw, void *ctx), void *ctx);
void netswitch_for_each_port(struct netswitch *sw, void (*fn)(struct netport *p, void *ctx),
			     void *ctx);
const char *netswitch_name(const struct netswitch *sw);

#endif
