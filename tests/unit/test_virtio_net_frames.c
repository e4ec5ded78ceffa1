// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-net device's frames (emulators/virtio/virtio_net.c),
 * driven as Linux's driver drives it: transmit to the switch (header
 * skipped, frames split across buffers and RAM pieces, bad lengths),
 * receive from it (header, num_buffers, buffers across pieces, drops for no
 * buffer, a small buffer or a device not running), two devices exchanging
 * frames, bounded transmit work.
 */
#include "virtio_net_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static void test_transmit(void **state)
{
	u8 f[200];
	struct netport *p = virtio_net_port(a.dev);
	u32 id, len;

	drv_up(&a, F_V1 | F_MAC | F_STATUS);
	make_frame(f, bcast, virtio_net_port(a.dev)->mac, sizeof(f), 0x5a);
	/* Header and frame apart, the frame in three pieces (one across RAM
	 * pieces), as an old driver lays it out ... */
	post_tx(&a, f, sizeof(f), 4);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
	assert_int_equal(host.len, sizeof(f));
	assert_memory_equal(host.last, f, sizeof(f));
	assert_int_equal(ring_used_idx(&a.tx), 1);
	ring_used_elem(&a.tx, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_int_equal(a.raised, 1);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	/* ... and header and frame in one buffer, as Linux does now. */
	f[100] = 0x77;
	post_tx(&a, f, sizeof(f), 1);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 2);
	assert_memory_equal(host.last, f, sizeof(f));
	assert_int_equal(ring_used_idx(&a.tx), 2);
	assert_int_equal(p->tx_frames, 2);
	assert_int_equal(p->tx_bytes, 2 * sizeof(f));
	assert_int_equal(p->tx_dropped, 0);
}

static void test_transmit_bad_lengths(void **state)
{
	static u8 f[ETH_FRAME_MAX + 1];
	struct netport *p = virtio_net_port(a.dev);

	drv_up(&a, F_V1 | F_MAC);
	make_frame(f, bcast, p->mac, sizeof(f), 1);
	post_tx(&a, f, 0, 1);			/* a header alone */
	post_tx(&a, f, ETH_HLEN - 1, 1);	/* a runt */
	post_tx(&a, f, ETH_FRAME_MAX + 1, 1);	/* a giant */
	post_tx(&a, f, ETH_FRAME_MAX, 1);	/* the largest frame */
	desc_set(a.tx.desc, a.tx_next, a.area + 12 * CHUNK, 5, 0, 0);	/* short of a header */
	ring_post(&a.tx, a.tx_next++);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
	assert_int_equal(host.len, ETH_FRAME_MAX);
	assert_int_equal(ring_used_idx(&a.tx), 5);	/* all returned */
	assert_int_equal(p->tx_dropped, 4);
	assert_int_equal(p->tx_frames, 1);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

static void test_receive(void **state)
{
	u8 hdr[VIRTIO_NET_HDR_LEN], want[VIRTIO_NET_HDR_LEN] = { 0 }, got[300], f[300];
	struct netport *p = virtio_net_port(a.dev);
	u32 id, len;

	drv_up(&a, F_V1 | F_MAC | F_EVENT);
	ram_fill(rx_buf(&a, 0), 0xcc, RX_BUF_LEN);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	assert_int_equal(ring_used_idx(&a.rx), 0);	/* buffers wait for frames */
	host_send(p->mac, sizeof(f), 0x42);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	ring_used_elem(&a.rx, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(f));
	ram_read(rx_buf(&a, 0), hdr, sizeof(hdr));
	want[10] = 1;					/* num_buffers */
	assert_memory_equal(hdr, want, sizeof(hdr));
	ram_read(rx_buf(&a, 0) + VIRTIO_NET_HDR_LEN, got, sizeof(got));
	make_frame(f, p->mac, host_mac, sizeof(f), 0x42);
	assert_memory_equal(got, f, sizeof(f));
	assert_int_equal(a.raised, 1);
	assert_true(a.line);
	assert_int_equal(p->rx_frames, 1);
	assert_int_equal(p->rx_bytes, sizeof(f));
	assert_int_equal(p->rx_dropped, 0);
	/* The host's address was learned from it: a's reply goes there. */
	make_frame(f, host_mac, p->mac, 60, 1);
	post_tx(&a, f, 60, 1);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
	assert_int_equal(stats(br0).forwarded >= 1, 1);
}

static void test_receive_drops(void **state)
{
	struct netport *p = virtio_net_port(a.dev);
	u32 id, len;

	/* The driver has not started the device: dropped. */
	host_send(bcast, 60, 1);
	assert_int_equal(p->rx_dropped, 1);
	/* Running, but no buffer posted: dropped. */
	drv_up(&a, F_V1 | F_MAC);
	host_send(bcast, 60, 2);
	assert_int_equal(p->rx_dropped, 2);
	assert_int_equal(ring_used_idx(&a.rx), 0);
	assert_int_equal(a.raised, 0);
	/* A buffer too small for the frame: returned empty, frame dropped. */
	post_rx(&a, rx_buf(&a, 0), 100);
	host_send(bcast, 200, 3);
	assert_int_equal(p->rx_dropped, 3);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	ring_used_elem(&a.rx, 0, &id, &len);
	assert_int_equal(len, 0);
	/* A buffer that fits takes the next one. */
	post_rx(&a, rx_buf(&a, 1), RX_BUF_LEN);
	host_send(bcast, 200, 4);
	assert_int_equal(p->rx_frames, 1);
	assert_int_equal(p->rx_dropped, 3);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

static void test_two_devices_exchange(void **state)
{
	u8 f[100], got[100];
	struct netport *pa, *pb;
	u32 id, len;

	drv_create(&b, BASE2, "net1", 20, NULL);
	pa = virtio_net_port(a.dev);
	pb = virtio_net_port(b.dev);
	assert_memory_not_equal(pa->mac, pb->mac, ETH_ALEN);
	drv_up(&a, F_V1 | F_MAC | F_STATUS | F_EVENT);
	drv_up(&b, F_V1 | F_MAC | F_STATUS);
	for (unsigned int i = 0; i < 2; i++) {
		post_rx(&a, rx_buf(&a, i), RX_BUF_LEN);
		post_rx(&b, rx_buf(&b, i), RX_BUF_LEN);
	}
	/* a -> b: b is not known yet, so b and the host port get it. */
	make_frame(f, pb->mac, pa->mac, sizeof(f), 0xab);
	post_tx(&a, f, sizeof(f), 2);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(ring_used_idx(&b.rx), 1);
	ring_used_elem(&b.rx, 0, &id, &len);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(f));
	ram_read(rx_buf(&b, 0) + VIRTIO_NET_HDR_LEN, got, sizeof(got));
	assert_memory_equal(got, f, sizeof(f));
	assert_int_equal(b.raised, 1);
	assert_int_equal(host.frames, 1);
	assert_int_equal(ring_used_idx(&a.rx), 0);	/* never back to the sender */
	/* b -> a: a was learned, so only a gets it. */
	make_frame(f, pa->mac, pb->mac, sizeof(f), 0xba);
	post_tx(&b, f, sizeof(f), 1);
	notify(&b, VIRTIO_NET_TXQ);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	ram_read(rx_buf(&a, 0) + VIRTIO_NET_HDR_LEN, got, sizeof(got));
	assert_memory_equal(got, f, sizeof(f));
	assert_int_equal(a.raised, 1);
	assert_int_equal(host.frames, 1);
	assert_int_equal(ring_used_idx(&b.rx), 1);
	assert_int_equal(pa->tx_frames, 1);
	assert_int_equal(pa->rx_frames, 1);
	assert_int_equal(pb->tx_frames, 1);
	assert_int_equal(pb->rx_frames, 1);
}

static void test_transmit_work_is_bounded(void **state)
{
	const unsigned int n = VIRTIO_NET_TX_BATCH + 8;
	u8 f[60];
	u64 q = VIRTIO_NET_TXQ;

	drv_up(&a, F_V1 | F_MAC);
	make_frame(f, bcast, virtio_net_port(a.dev)->mac, sizeof(f), 1);
	for (unsigned int i = 0; i < n; i++)
		post_tx(&a, f, sizeof(f), 1);
	/* One batch, then the guest's store is to be run again ... */
	assert_int_equal(devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &q),
			 DEVEMU_RETRY);
	assert_int_equal(host.frames, VIRTIO_NET_TX_BATCH);
	assert_int_equal(ring_used_idx(&a.tx), VIRTIO_NET_TX_BATCH);
	/* ... which finishes the rest. */
	assert_int_equal(devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &q),
			 DEVEMU_HANDLED);
	assert_int_equal(host.frames, n);
	assert_int_equal(ring_used_idx(&a.tx), n);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_transmit),
	T(test_transmit_bad_lengths),
	T(test_receive),
	T(test_receive_drops),
	T(test_two_devices_exchange),
	T(test_transmit_work_is_bounded),
};

UNIT_MAIN(tests, group_setup, group_teardown)
