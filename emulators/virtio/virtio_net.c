// SPDX-License-Identifier: GPL-2.0
/* virtio-net: the network device backend, a port of a virtual switch. */
#define LOG_PREFIX "virtio-net"
#include "virtio_net.h"
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/snapshot.h>
#include <libfdt.h>
#include <printf.h>
#include <stdarg.h>
#include <string.h>

#define MAC_FMT		"%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m)	(m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]
/* Offset of num_buffers in the 12-byte header. */
#define HDR_NUM_BUFFERS	10

struct virtio_net {
	struct virtio_dev *vdev;
	struct netport port;
	u8 config[VIRTIO_NET_CONFIG_SIZE];	/* mac, status (little endian) */
	spinlock_t tx_lock;
	u8 tx_buf[ETH_FRAME_MAX];		/* tx_lock */
	struct vq_req tx_req;			/* tx_lock and the queue lock */
	struct vq_req rx_req;			/* the queue lock */
	bool quiet;		/* quiesced: frames for the port dropped (the queue lock) */
};

/* ---- config space (the transport's lock held) ---------------------------- */

static u32 net_config_read(struct virtio_dev *d, u32 off, unsigned int width)
{
	struct virtio_net *n = virtio_dev_priv(d);
	u32 v = 0;

	for (unsigned int i = 0; i < width; i++)
		v |= (u32)n->config[off + i] << (8 * i);
	return v;
}

/* mac is read-only for a VERSION_1 driver, status always: writes ignored. */
static void net_config_write(struct virtio_dev *d, u32 off, unsigned int width, u32 val)
{
	log_debug("%s: config write at 0x%x ignored", virtio_dev_name(d), off);
}

/* ---- transmit ------------------------------------------------------------ */

/*
 * Takes one chain off the transmit queue and returns it to the driver:
 * the frame's length when it is now in tx_buf, 0 when the chain was
 * dropped, -1 when there was none (empty, malformed or device not live).
 * tx_lock held.
 */
static int tx_take(struct virtio_net *n)
{
	struct virtio_dev *d = n->vdev;
	struct vq_req *req = &n->tx_req;
	unsigned long flags;
	int len = -1;

	if (!virtio_queue_begin(d, VIRTIO_NET_TXQ, &flags))
		return -1;
	if (virtio_queue_pop(d, VIRTIO_NET_TXQ, req) > 0) {
		u64 frame = req->read_len >= VIRTIO_NET_HDR_LEN ?
			    req->read_len - VIRTIO_NET_HDR_LEN : 0;

		len = 0;
		if (frame >= ETH_HLEN && frame <= ETH_FRAME_MAX) {
			/* The header asks for nothing we offer: skipped. */
			len = (int)vq_req_read(req, VIRTIO_NET_HDR_LEN, n->tx_buf, frame);
		}
		virtio_queue_push(d, VIRTIO_NET_TXQ, req, 0);
		virtio_dev_notify_used(d, VIRTIO_NET_TXQ);
		if (!len)
			log_debug("%s: transmit chain of %llu bytes dropped: not a 12-byte header "
				  "and a frame of %d to %d bytes", virtio_dev_name(d),
				  (unsigned long long)req->read_len, ETH_HLEN, ETH_FRAME_MAX);
	}
	virtio_queue_end(d, flags);
	return len;
}

/* The driver notified a queue. Receive buffers wait for frames; transmit
 * chains are sent now, a batch at most. The switch is entered without the
 * queue lock (see virtio_net.h); tx_lock is taken per frame, so IRQs are
 * not masked for the whole batch. */
static bool net_queue_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtio_net *n = virtio_dev_priv(d);

	if (q != VIRTIO_NET_TXQ)
		return false;
	for (unsigned int done = 0; done < VIRTIO_NET_TX_BATCH; done++) {
		unsigned long flags = spin_lock_irqsave(&n->tx_lock);
		int len = tx_take(n);

		if (len > 0)
			netport_send(&n->port, n->tx_buf, (size_t)len);
		else if (!len)
			__atomic_fetch_add(&n->port.tx_dropped, 1, __ATOMIC_RELAXED);
		spin_unlock_irqrestore(&n->tx_lock, flags);
		if (len < 0)
			return false;
	}
	return true;	/* maybe more: the store is retried */
}

/* ---- receive ------------------------------------------------------------- */

/* A frame from the switch; any context. */
static bool net_receive(struct netport *p, const void *frame, size_t len)
{
	struct virtio_net *n = p->priv;
	struct virtio_dev *d = n->vdev;
	struct vq_req *req = &n->rx_req;
	unsigned long flags;
	bool ok = false;

	if (!virtio_queue_begin(d, VIRTIO_NET_RXQ, &flags))
		return false;	/* not running: dropped */
	if (!n->quiet && virtio_queue_pop(d, VIRTIO_NET_RXQ, req) > 0) {
		if (req->write_len >= VIRTIO_NET_HDR_LEN + len) {
			u8 hdr[VIRTIO_NET_HDR_LEN] = { 0 };

			hdr[HDR_NUM_BUFFERS] = 1;	/* 5.1.6.4: 1 without MRG_RXBUF */
			vq_req_write(req, 0, hdr, sizeof(hdr));
			vq_req_write(req, VIRTIO_NET_HDR_LEN, frame, len);
			virtio_queue_push(d, VIRTIO_NET_RXQ, req, (u32)(VIRTIO_NET_HDR_LEN + len));
			ok = true;
		} else {
			/* The driver sees an empty buffer and posts another. */
			log_debug("%s: receive buffer of %llu bytes too small for a %zu-byte frame",
				  virtio_dev_name(d), (unsigned long long)req->write_len, len);
			virtio_queue_push(d, VIRTIO_NET_RXQ, req, 0);
		}
		virtio_dev_notify_used(d, VIRTIO_NET_RXQ);
	}
	virtio_queue_end(d, flags);
	return ok;
}

static const struct netport_ops net_port_ops = { .receive = net_receive };

/* ---- snapshots ------------------------------------------------------------ */

/* Quiesce: frames for the port are dropped (the switch counts them in the
 * port's rx dropped), and a transmit under way ends first. quiet is set
 * under the queue lock, so a delivery copying a frame in has ended too. */
static void net_quiesce(struct virtio_dev *d, bool quiet)
{
	struct virtio_net *n = virtio_dev_priv(d);
	unsigned long flags = spin_lock_irqsave(&n->tx_lock);
	unsigned long qflags;

	virtio_queue_lock(d, VIRTIO_NET_RXQ, &qflags);
	n->quiet = quiet;
	virtio_queue_end(d, qflags);
	spin_unlock_irqrestore(&n->tx_lock, flags);
}

static const char *switch_name(const struct virtio_net *n)
{
	struct netswitch *sw = READ_ONCE(n->port.sw);

	return sw ? netswitch_name(sw) : "";	/* attached from create to destroy */
}

static void net_snap_save(struct virtio_dev *d, struct snap_tlv_writer *w)
{
	struct virtio_net *n = virtio_dev_priv(d);
	const char *sw = switch_name(n);

	snap_tlv_put_bytes(w, SNAP_VIRTIO_NET_MAC, SNAP_M, n->config, ETH_ALEN);
	snap_tlv_put_bytes(w, SNAP_VIRTIO_NET_SWITCH, SNAP_M, sw, strlen(sw));
}

/* The saved MAC stays, under whatever name the restored guest has: the
 * guest read it already. The guest is stopped: nothing reads config now. */
static int net_snap_load(struct virtio_dev *d, const struct snap_section *s, char *err,
			 size_t errlen)
{
	static const u8 zero[ETH_ALEN];
	struct virtio_net *n = virtio_dev_priv(d);
	const char *sw = switch_name(n);
	const u8 *mac, *name;
	size_t len, nlen;

	if (!snap_get_bytes(s, SNAP_VIRTIO_NET_MAC, &mac, &len))
		return virtio_snap_missing(err, errlen, s->type, SNAP_VIRTIO_NET_MAC);
	if (!snap_get_bytes(s, SNAP_VIRTIO_NET_SWITCH, &name, &nlen))
		return virtio_snap_missing(err, errlen, s->type, SNAP_VIRTIO_NET_SWITCH);
	if (len != ETH_ALEN)
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_NET_MAC,
					  "%zu bytes, expected 6", len);
	if ((mac[0] & 1) || !memcmp(mac, zero, ETH_ALEN))
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_NET_MAC, MAC_FMT " is "
					  "not a unicast address", MAC_ARGS(mac));
	if (nlen != strlen(sw) || memcmp(name, sw, nlen)) {
		char saved[NETSWITCH_NAME_MAX];

		virtio_snap_printable(saved, sizeof(saved), name, nlen);
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_NET_SWITCH, "\"%s\", "
					  "but the device is on switch %s", saved, sw);
	}
	memcpy(n->config, mac, ETH_ALEN);
	memcpy(n->port.mac, mac, ETH_ALEN);
	return 0;
}

/* No reset hook: frames are copied in and out synchronously, so nothing is
 * held across a reset, and the port stays attached. */
static const struct virtio_backend_ops net_ops = {
	.name = "net",
	.device_id = VIRTIO_ID_NET,
	.features = VIRTIO_FEATURE(VIRTIO_NET_F_MAC) | VIRTIO_FEATURE(VIRTIO_NET_F_STATUS),
	.num_queues = 2,
	.queue_max = VIRTIO_NET_QUEUE_MAX,
	.config_size = VIRTIO_NET_CONFIG_SIZE,
	.config_read = net_config_read,
	.config_write = net_config_write,
	.queue_notify = net_queue_notify,
	.quiesce = net_quiesce,
	.snap_save = net_snap_save,
	.snap_load = net_snap_load,
};

/* ---- lifecycle ----------------------------------------------------------- */

void virtio_net_default_mac(const char *guest, const char *device, u8 mac[ETH_ALEN])
{
	u32 h = 0x811c9dc5;	/* FNV-1a, 32 bits */

	for (const char *s = guest; *s; s++)
		h = (h ^ (u8)*s) * 0x01000193;
	h = (h ^ '/') * 0x01000193;
	for (const char *s = device; *s; s++)
		h = (h ^ (u8)*s) * 0x01000193;
	mac[0] = 0x52;		/* locally administered (bit 1), unicast (bit 0 clear) */
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (u8)(h >> 16);
	mac[4] = (u8)(h >> 8);
	mac[5] = (u8)h;
}

struct virtio_dev *virtio_net_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map, const struct virtio_net_params *p)
{
	const char *guest = cfg->guest ? cfg->guest : "?";
	const char *device = cfg->device ? cfg->device : "?";
	const char *swname = p && p->switch_name ? p->switch_name : VIRTIO_NET_DEFAULT_SWITCH;
	struct netswitch *sw = netswitch_get(swname);
	struct virtio_net *n;
	struct virtio_dev *d;

	if (!sw) {
		log_err("%s/%s: no switch '%s' for the port", guest, device, swname);
		return NULL;
	}
	n = kzalloc(sizeof(*n));
	if (!n) {
		log_err("%s/%s: out of memory", guest, device);
		return NULL;
	}
	if (p && p->mac)
		memcpy(n->config, p->mac, ETH_ALEN);
	else
		virtio_net_default_mac(guest, device, n->config);
	n->config[6] = VIRTIO_NET_S_LINK_UP;
	n->config[7] = 0;
	spin_lock_init(&n->tx_lock);
	snprintf(n->port.name, sizeof(n->port.name), "%s/%s", guest, device);
	memcpy(n->port.mac, n->config, ETH_ALEN);
	n->port.ops = &net_port_ops;
	n->port.priv = n;
	d = virtio_dev_create(cfg, &net_ops, n, map);
	if (!d) {
		kfree(n);
		return NULL;
	}
	n->vdev = d;	/* before attaching: frames may come at once */
	if (netport_attach(sw, &n->port)) {
		virtio_dev_destroy(d);
		kfree(n);
		return NULL;
	}
	log_info("%s: " MAC_FMT " on switch %s", n->port.name, MAC_ARGS(n->port.mac), swname);
	return d;
}

struct virtio_dev *virtio_net_create_fdt(const struct virtio_mmio_config *cfg,
					 struct devemu_map *map, const void *fdt, int node)
{
	struct virtio_net_params p = { 0 };
	char why[160];

	if (virtio_net_check(fdt, node, why, sizeof(why))) {
		log_err("%s/%s: %s", cfg->guest ? cfg->guest : "?",
			cfg->device ? cfg->device : "?", why);
		return NULL;
	}
	p.switch_name = fdt_getprop(fdt, node, "switch", NULL);
	p.mac = fdt_getprop(fdt, node, "mac", NULL);
	return virtio_net_create(cfg, map, &p);
}

void virtio_net_destroy(struct virtio_dev *d)
{
	struct virtio_net *n;

	if (!d)
		return;
	n = virtio_dev_priv(d);
	netport_detach(&n->port);	/* no delivery runs after this */
	virtio_dev_destroy(d);
	kfree(n);
}

struct netport *virtio_net_port(struct virtio_dev *d)
{
	struct virtio_net *n = virtio_dev_priv(d);

	return &n->port;
}

const char *const virtio_net_props[] = { "switch", "mac", NULL };

static int check_fail(char *err, size_t errlen, const char *fmt, ...) __printf(3, 4);
static int check_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int virtio_net_check(const void *fdt, int node, char *err, size_t errlen)
{
	static const u8 zero[ETH_ALEN];
	const char *sw;
	const u8 *mac;
	int len;

	sw = fdt_getprop(fdt, node, "switch", &len);
	if (sw && (len < 1 || sw[len - 1] != '\0' || strlen(sw) != (size_t)len - 1))
		return check_fail(err, errlen, "'switch' must be a single string (a switch name)");
	if (sw && !netswitch_name_ok(sw))
		return check_fail(err, errlen, "'switch' \"%s\" is not a switch name (1 to %d "
				  "characters of a-z, 0-9, '-', '_')", sw, NETSWITCH_NAME_MAX - 1);
	mac = fdt_getprop(fdt, node, "mac", &len);
	if (!mac)
		return 0;
	if (len != ETH_ALEN)
		return check_fail(err, errlen, "'mac' must be 6 bytes, as mac = [52 54 00 12 34 56]; "
				  "(it has %d)", len);
	if (mac[0] & 1)
		return check_fail(err, errlen, "'mac' " MAC_FMT " is a multicast address (the "
				  "first byte must be even)", MAC_ARGS(mac));
	if (!memcmp(mac, zero, ETH_ALEN))
		return check_fail(err, errlen, "'mac' 00:00:00:00:00:00 is not a usable address");
	return 0;
}
