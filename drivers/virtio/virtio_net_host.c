// SPDX-License-Identifier: GPL-2.0
/*
 * The host's virtio-net card (VirtIO 1.2, 5.1) as netport "eth<n>", the
 * uplink of switch "br<n>" (eth0 on br0). No offloads, no mergeable
 * buffers, no control queue: with VIRTIO_F_VERSION_1 every frame is
 * preceded by a 12-byte virtio_net_hdr, zero on transmit.
 *
 * Receive: VNET_RX_BUFS buffers of 2 KiB stay posted on queue 0; the
 * interrupt handler hands each frame to the switch (netport_send, which
 * copies it) and posts the buffer again, all in IRQ context.
 * Transmit: the switch calls the port's receive op (any context); the
 * frame is copied into one of VNET_TX_BUFS buffers behind a zeroed header
 * and queue 1 is notified. No buffer or ring slot free: the frame is
 * dropped (the switch counts it) and tx_full counts it here. Sent buffers
 * are reclaimed in the interrupt handler and before each transmit.
 */
#define LOG_PREFIX "virtio-host"
#include "virtio_host.h"
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/netswitch.h>
#include <kestrel/page_alloc.h>
#include <arch_mmu.h>
#include <printf.h>
#include <string.h>

#define VIRTIO_NET_F_MAC	5
#define CFG_MAC			0

#define VNET_HDR_LEN		12	/* struct virtio_net_hdr with num_buffers */
#define VNET_BUF_SIZE		2048
#define VNET_RX_BUFS		64
#define VNET_TX_BUFS		64
#define VNET_RXQ		0
#define VNET_TXQ		1

_Static_assert(VNET_HDR_LEN + ETH_FRAME_MAX <= VNET_BUF_SIZE, "a frame fits a buffer");

struct vnet {
	struct netport port;
	struct virtio_host_dev *dev;
	struct virtio_host_queue *rxq, *txq;
	u8 *rx_bufs, *tx_bufs;		/* VNET_*_BUFS x VNET_BUF_SIZE, page blocks */
	unsigned int bufs_order;
	unsigned int nr_rx;		/* RX buffers posted at start */
	u16 tx_free[VNET_TX_BUFS];	/* free TX buffers (txq lock) */
	unsigned int nr_tx_free;
	bool attached;
	char switch_name[NETSWITCH_NAME_MAX];
	u64 rx_bad, tx_full;		/* frames dropped here */
};

static void *cookie_of(unsigned int idx)
{
	return (void *)(uintptr_t)(idx + 1);
}

static unsigned int index_of(void *cookie)
{
	return (unsigned int)((uintptr_t)cookie - 1);
}

/* Posts RX buffer idx. rxq lock held. */
static int post_rx(struct vnet *vn, unsigned int idx)
{
	struct vqd_seg seg = {
		arch_hva_to_hpa((hva_t)(vn->rx_bufs + idx * VNET_BUF_SIZE)), VNET_BUF_SIZE
	};

	return vqd_add(&vn->rxq->vq, &seg, 0, 1, cookie_of(idx));
}

static void vnet_rx_done(struct virtio_host_queue *q)
{
	struct vnet *vn = q->dev->priv;

	for (;;) {
		unsigned long flags = virtio_queue_lock(q);
		u32 len;
		void *cookie = vqd_get_used(&q->vq, &len);
		unsigned int idx;

		virtio_queue_unlock(q, flags);
		if (!cookie)
			break;
		idx = index_of(cookie);
		/* The buffer is ours until posted again: no lock while the
		 * switch copies the frame out. */
		if (idx < vn->nr_rx && len > VNET_HDR_LEN && len <= VNET_BUF_SIZE)
			netport_send(&vn->port, vn->rx_bufs + idx * VNET_BUF_SIZE + VNET_HDR_LEN,
				     len - VNET_HDR_LEN);
		else
			vn->rx_bad++;
		flags = virtio_queue_lock(q);
		if (idx < vn->nr_rx && post_rx(vn, idx))
			log_err("%s: cannot post RX buffer %u again", vn->port.name, idx);
		virtio_queue_kick(q);
		virtio_queue_unlock(q, flags);
	}
}

/* Takes back sent buffers. txq lock held. */
static void reclaim_tx(struct vnet *vn)
{
	void *cookie;
	u32 len;

	while ((cookie = vqd_get_used(&vn->txq->vq, &len)))
		if (index_of(cookie) < VNET_TX_BUFS && vn->nr_tx_free < VNET_TX_BUFS)
			vn->tx_free[vn->nr_tx_free++] = (u16)index_of(cookie);
}

static void vnet_tx_done(struct virtio_host_queue *q)
{
	unsigned long flags = virtio_queue_lock(q);

	reclaim_tx(q->dev->priv);
	virtio_queue_unlock(q, flags);
}

/* A frame from the switch, out through the card. Any context. */
static bool vnet_receive(struct netport *p, const void *frame, size_t len)
{
	struct vnet *vn = p->priv;
	unsigned long flags;
	struct vqd_seg seg;
	unsigned int idx;
	u8 *buf;

	if (len > VNET_BUF_SIZE - VNET_HDR_LEN)
		return false;
	flags = virtio_queue_lock(vn->txq);
	reclaim_tx(vn);
	if (!vn->nr_tx_free || !vn->txq->vq.num_free) {
		vn->tx_full++;
		virtio_queue_unlock(vn->txq, flags);
		return false;
	}
	idx = vn->tx_free[--vn->nr_tx_free];
	buf = vn->tx_bufs + idx * VNET_BUF_SIZE;
	memset(buf, 0, VNET_HDR_LEN);
	memcpy(buf + VNET_HDR_LEN, frame, len);
	seg = (struct vqd_seg){ arch_hva_to_hpa((hva_t)buf), (u32)(VNET_HDR_LEN + len) };
	if (vqd_add(&vn->txq->vq, &seg, 1, 0, cookie_of(idx))) {
		vn->tx_free[vn->nr_tx_free++] = (u16)idx;
		vn->tx_full++;
		virtio_queue_unlock(vn->txq, flags);
		return false;
	}
	virtio_queue_kick(vn->txq);
	virtio_queue_unlock(vn->txq, flags);
	return true;
}

static const struct netport_ops vnet_port_ops = {
	.receive = vnet_receive,
};

static void vnet_cleanup(struct virtio_host_dev *d)
{
	struct vnet *vn = d->priv;

	if (!vn)
		return;
	if (vn->attached)
		netport_detach(&vn->port);
	if (vn->rx_bufs)
		page_free(arch_hva_to_hpa((hva_t)vn->rx_bufs), vn->bufs_order);
	if (vn->tx_bufs)
		page_free(arch_hva_to_hpa((hva_t)vn->tx_bufs), vn->bufs_order);
	kfree(vn);
	d->priv = NULL;
}

static void *alloc_bufs(unsigned int order)
{
	hpa_t pa = page_alloc(order);

	return pa ? (void *)arch_hpa_to_hva(pa) : NULL;
}

static int vnet_init(struct virtio_host_dev *d)
{
	struct vnet *vn = kzalloc(sizeof(*vn));
	int r;

	if (!vn)
		return -ENOMEM;
	d->priv = vn;
	vn->dev = d;
	snprintf(vn->port.name, sizeof(vn->port.name), "eth%u", d->unit);
	snprintf(vn->switch_name, sizeof(vn->switch_name), "br%u", d->unit);
	if (virtio_has_feature(d, VIRTIO_NET_F_MAC)) {
		for (unsigned int i = 0; i < ETH_ALEN; i++)
			vn->port.mac[i] = virtio_config_read8(d, CFG_MAC + i);
	} else {
		/* Locally administered, "KS" and the register slot. */
		static const u8 base[ETH_ALEN] = { 0x02, 0x4b, 0x53, 0, 0, 0 };

		memcpy(vn->port.mac, base, ETH_ALEN);
		vn->port.mac[4] = (u8)(d->phys >> 17);
		vn->port.mac[5] = (u8)(d->phys >> 9);
	}
	vn->port.uplink = true;
	vn->port.ops = &vnet_port_ops;
	vn->port.priv = vn;

	vn->bufs_order = page_order_for((u64)MAX(VNET_RX_BUFS, VNET_TX_BUFS) * VNET_BUF_SIZE);
	vn->rx_bufs = alloc_bufs(vn->bufs_order);
	vn->tx_bufs = alloc_bufs(vn->bufs_order);
	if (!vn->rx_bufs || !vn->tx_bufs)
		return -ENOMEM;
	r = virtio_queue_setup(d, VNET_RXQ, VNET_RX_BUFS, vnet_rx_done);
	if (!r)
		r = virtio_queue_setup(d, VNET_TXQ, VNET_TX_BUFS, vnet_tx_done);
	if (r)
		return r;
	vn->rxq = &d->queues[VNET_RXQ];
	vn->txq = &d->queues[VNET_TXQ];
	vn->nr_rx = MIN((unsigned int)VNET_RX_BUFS, (unsigned int)vn->rxq->vq.num);
	for (unsigned int i = 0; i < VNET_TX_BUFS; i++)
		vn->tx_free[vn->nr_tx_free++] = (u16)i;
	return 0;
}

static int vnet_start(struct virtio_host_dev *d)
{
	struct vnet *vn = d->priv;
	struct netswitch *sw = netswitch_get(vn->switch_name);
	const u8 *m = vn->port.mac;
	unsigned long flags;
	int r;

	if (!sw) {
		log_err("%s: no switch %s to attach to", vn->port.name, vn->switch_name);
		return -ENOMEM;
	}
	r = netport_attach(sw, &vn->port);
	if (r) {
		log_err("%s: cannot attach to switch %s (%s)", vn->port.name, vn->switch_name,
			strerror(r));
		return r;
	}
	vn->attached = true;
	flags = virtio_queue_lock(vn->rxq);
	for (unsigned int i = 0; i < vn->nr_rx; i++)
		post_rx(vn, i);
	virtio_queue_kick(vn->rxq);
	virtio_queue_unlock(vn->rxq, flags);
	log_info("%s: virtio-net at 0x%llx, irq %u, MAC %02x:%02x:%02x:%02x:%02x:%02x%s, "
		 "uplink of switch %s", vn->port.name, (unsigned long long)d->phys, d->hwirq,
		 m[0], m[1], m[2], m[3], m[4], m[5],
		 virtio_has_feature(d, VIRTIO_NET_F_MAC) ? "" : " (generated)", vn->switch_name);
	return 0;
}

const struct virtio_host_type virtio_net_host_type = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.features = VIRTIO_FEATURE(VIRTIO_NET_F_MAC),
	.init = vnet_init,
	.start = vnet_start,
	.cleanup = vnet_cleanup,
};
