/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual Ethernet switch: ports (guests' virtio-net devices, the host
 * NIC as the uplink) attached to a named switch, frames forwarded by a
 * learned MAC table, unknown destinations and broadcasts flooded. Frames
 * are copied: a sender's buffer is free again when netport_send returns.
 *
 * Built with CONFIG_NETSWITCH; without it the calls below are stand-ins
 * that create nothing and drop every frame.
 */
#ifndef KESTREL_NETSWITCH_H
#define KESTREL_NETSWITCH_H

#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/spinlock.h>
#include <list.h>

#define NETSWITCH_NAME_MAX	16
#define NETPORT_NAME_MAX	64	/* "<guest>/<device>" (31 + 1 + 31) or "eth0" */
#define ETH_FRAME_MAX		1514	/* without FCS; no jumbo frames */
#define ETH_HLEN		14	/* destination, source, EtherType */
#define ETH_ALEN		6
#define NETSWITCH_MAX_PORTS	64	/* per switch */
#define NETSWITCH_MAC_ENTRIES	512	/* learned addresses per switch, at most */
#define NETSWITCH_MAC_AGE_S	300	/* an address not seen for this long is forgotten */

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
	/* Frames from this port that went nowhere: dropped by the switch
	 * (runt, giant, multicast or zero source) or, counted by the port's
	 * owner itself, refused before sending (a malformed guest frame). */
	u64 tx_dropped;
	/* The switch's: deliveries to this port under way (detach waits for 0). */
	unsigned int inflight;
};

/* Counters of one switch (netswitch_get_stats). */
struct netswitch_stats {
	unsigned int ports;	/* attached now */
	unsigned int macs;	/* addresses learned and not aged out */
	u64 forwarded;		/* unicast frames sent to the one port owning the address */
	u64 flooded;		/* broadcast, multicast and unknown unicast frames */
	u64 dropped;		/* runts, giants, bad source, destination behind the sender */
};

/* Whether `name` can name a switch: 1 to NETSWITCH_NAME_MAX - 1 characters
 * of a-z, 0-9, '-' and '_'. Any context. */
static inline bool netswitch_name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++) {
		char c = name[n];

		if (n >= NETSWITCH_NAME_MAX - 1 ||
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return n > 0;
}

#if IS_ENABLED(CONFIG_NETSWITCH)

/* Finds switch `name`, creating it if needed. NULL when out of memory or
 * the name is invalid (logged). Thread context. */
struct netswitch *netswitch_get(const char *name);
/* Finds switch `name` without creating it; NULL if there is none. Thread
 * context. */
struct netswitch *netswitch_find(const char *name);

/* Attaches / detaches a port (detach waits until no frame is being
 * delivered to it). Attach: 0, -EINVAL (already attached, no ops),
 * -EEXIST (a port of that name on the switch) or -ENOSPC (the switch has
 * NETSWITCH_MAX_PORTS); logged. The counters start from 0. Thread
 * context. */
int netport_attach(struct netswitch *sw, struct netport *p);
void netport_detach(struct netport *p);

/* Sends a frame from port p into its switch: forwarded to the port that
 * owns the destination MAC, or flooded to all others (broadcast,
 * multicast, unknown). Frames shorter than 14 bytes or longer than
 * ETH_FRAME_MAX are dropped and counted, as are frames with a multicast
 * or all-zero source address; the source address is learned as p's.
 * Never delivered back to p. p must stay attached during the call (its
 * owner does not detach it meanwhile). Any context, no sleeping; IRQs are
 * masked for the whole call, deliveries included. */
void netport_send(struct netport *p, const void *frame, size_t len);

/* For `netswitch list|ports`: each switch (switches are never freed; fn
 * runs without locks held), each port of a switch (fn runs with the
 * switch locked and IRQs masked: it must only copy what it needs). */
void netswitch_for_each(void (*fn)(struct netswitch *sw, void *ctx), void *ctx);
void netswitch_for_each_port(struct netswitch *sw, void (*fn)(struct netport *p, void *ctx),
			     void *ctx);
const char *netswitch_name(const struct netswitch *sw);
/* The switch's counters, read under its lock. Any context. */
void netswitch_get_stats(struct netswitch *sw, struct netswitch_stats *st);

#else	/* the null implementation */

static inline struct netswitch *netswitch_get(const char *name) { return NULL; }
static inline struct netswitch *netswitch_find(const char *name) { return NULL; }
static inline int netport_attach(struct netswitch *sw, struct netport *p) { return -ENODEV; }
static inline void netport_detach(struct netport *p) {}
static inline void netport_send(struct netport *p, const void *frame, size_t len) {}
static inline void netswitch_for_each(void (*fn)(struct netswitch *sw, void *ctx), void *ctx) {}
static inline void netswitch_for_each_port(struct netswitch *sw,
					   void (*fn)(struct netport *p, void *ctx), void *ctx) {}
static inline const char *netswitch_name(const struct netswitch *sw) { return ""; }
static inline void netswitch_get_stats(struct netswitch *sw, struct netswitch_stats *st)
{
	*st = (struct netswitch_stats){ 0 };
}

#endif
#endif
