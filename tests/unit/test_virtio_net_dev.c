// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-net device (emulators/virtio/virtio_net.c) on the
 * real transport and switch: identity and config space, the derived MAC
 * address, the switch and address parameters, a malformed chain
 * (DEVICE_NEEDS_RESET, and recovery with the port kept), a guest reset, and
 * destroy detaching the port.
 */
#include "virtio_net_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static void test_identity_and_config(void **state)
{
	u8 mac[ETH_ALEN];

	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	drv_wr(&a, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_DEVICE_FEATURES) & ((1U << 24) - 1),
			 (1U << VIRTIO_NET_F_MAC) | (1U << VIRTIO_NET_F_STATUS));
	drv_wr(&a, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_DEVICE_FEATURES), 1);	/* VERSION_1 only */
	for (unsigned int q = 0; q < 3; q++) {
		drv_wr(&a, VIRTIO_MMIO_QUEUE_SEL, q);
		assert_int_equal(drv_rd(&a, VIRTIO_MMIO_QUEUE_NUM_MAX), q < 2 ? VIRTIO_NET_QUEUE_MAX : 0);
	}
	/* The derived address, byte by byte and wider, then the link status. */
	virtio_net_default_mac("g0", "net0", mac);
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		assert_int_equal(cfg_rd(&a, i, 1), mac[i]);
	assert_int_equal(cfg_rd(&a, 0, 4), mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24);
	assert_int_equal(cfg_rd(&a, 4, 4), mac[4] | mac[5] << 8 | VIRTIO_NET_S_LINK_UP << 16);
	assert_int_equal(cfg_rd(&a, 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_int_equal(cfg_rd(&a, 8, 4), 0);		/* beyond: reads 0 */
	/* Read-only: a write changes nothing. */
	mmio_write(&map, BASE + VIRTIO_MMIO_CONFIG, 1, 0x77);
	assert_int_equal(cfg_rd(&a, 0, 1), mac[0]);
	/* The port: named after the device, on br0, with that address. */
	assert_string_equal(virtio_net_port(a.dev)->name, "g0/net0");
	assert_ptr_equal(virtio_net_port(a.dev)->sw, br0);
	assert_memory_equal(virtio_net_port(a.dev)->mac, mac, ETH_ALEN);
	assert_console_contains("virtio-net: g0/net0: 52:54:00:");
	assert_console_contains(" on switch br0");
}

static void test_default_mac(void **state)
{
	u8 m1[ETH_ALEN], m2[ETH_ALEN], m3[ETH_ALEN];

	virtio_net_default_mac("linux0", "net0", m1);
	virtio_net_default_mac("linux0", "net0", m2);
	virtio_net_default_mac("linux1", "net0", m3);
	assert_memory_equal(m1, m2, ETH_ALEN);			/* the same at every boot */
	assert_memory_not_equal(m1 + 3, m3 + 3, 3);		/* per guest and device */
	assert_int_equal(m1[0], 0x52);				/* unicast, locally administered */
	assert_int_equal(m1[1], 0x54);
	assert_int_equal(m1[2], 0x00);
	/* "ab" + "c" and "a" + "bc" differ: the '/' is hashed too. */
	virtio_net_default_mac("ab", "c", m1);
	virtio_net_default_mac("a", "bc", m2);
	assert_memory_not_equal(m1, m2, ETH_ALEN);
}

static void test_params(void **state)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const struct virtio_net_params p = { .switch_name = "lan0", .mac = mac };
	const struct virtio_net_params bad = { .switch_name = "LAN 0" };
	struct virtio_mmio_config cfg;

	drv_create(&b, BASE2, "net1", 20, &p);
	assert_ptr_equal(virtio_net_port(b.dev)->sw, netswitch_find("lan0"));
	assert_memory_equal(virtio_net_port(b.dev)->mac, mac, ETH_ALEN);
	assert_int_equal(cfg_rd(&b, 5, 1), 0x55);
	assert_int_equal(stats(netswitch_find("lan0")).ports, 1);
	/* A bad switch name: nothing created. */
	virtio_net_destroy(b.dev);
	b.dev = NULL;
	cfg = config(&b, "net1");
	assert_null(virtio_net_create(&cfg, &map, &bad));
	assert_console_contains("g0/net1: no switch 'LAN 0' for the port");
	/* Two ports of one name on a switch: the second is refused. */
	cfg = config(&b, "net0");
	assert_null(virtio_net_create(&cfg, &map, NULL));
	assert_console_contains("br0: cannot attach g0/net0: a port of that name is attached");
	assert_int_equal(map.count, 1);
}

static void test_malformed_chain_needs_reset(void **state)
{
	struct netport *p = virtio_net_port(a.dev);
	u8 f[60];

	drv_up(&a, F_V1 | F_MAC);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	/* A transmit buffer outside guest RAM. */
	desc_set(a.tx.desc, 0, 0x1000, 74, 0, 0);
	ring_post(&a.tx, 0);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG, VIRTIO_INT_CONFIG);
	assert_console_contains("g0/net0: queue 1: ");
	assert_int_equal(host.frames, 0);
	assert_int_equal(ring_used_idx(&a.tx), 0);
	/* Nothing moves any more: frames for it are dropped. */
	host_send(bcast, 60, 1);
	assert_int_equal(p->rx_dropped, 1);
	assert_int_equal(ring_used_idx(&a.rx), 0);
	/* The driver resets it: same port, working again. */
	drv_wr(&a, VIRTIO_MMIO_STATUS, 0);
	assert_ptr_equal(p->sw, br0);
	drv_up(&a, F_V1 | F_MAC);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	host_send(bcast, 60, 2);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	make_frame(f, bcast, p->mac, sizeof(f), 3);
	post_tx(&a, f, sizeof(f), 1);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
}

static void test_guest_reset_keeps_port(void **state)
{
	struct netport *p = virtio_net_port(a.dev);

	drv_up(&a, F_V1 | F_MAC);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	virtio_dev_reset(a.dev);
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_STATUS), 0);
	assert_ptr_equal(p->sw, br0);
	/* The posted buffer went with the reset: the frame is dropped. */
	host_send(bcast, 60, 1);
	assert_int_equal(p->rx_dropped, 1);
}

static void test_destroy_detaches(void **state)
{
	unsigned int ports = stats(br0).ports;

	drv_create(&b, BASE2, "net1", 20, NULL);
	assert_int_equal(stats(br0).ports, ports + 1);
	virtio_net_destroy(b.dev);
	b.dev = NULL;
	assert_int_equal(stats(br0).ports, ports);
	assert_int_equal(map.count, 1);
	host_send(bcast, 60, 1);	/* reaches only a (dropped: not running) */
	assert_int_equal(virtio_net_port(a.dev)->rx_dropped, 1);
	virtio_net_destroy(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_identity_and_config),
	T(test_default_mac),
	T(test_params),
	T(test_malformed_chain_needs_reset),
	T(test_guest_reset_keeps_port),
	T(test_destroy_detaches),
};

UNIT_MAIN(tests, group_setup, group_teardown)
