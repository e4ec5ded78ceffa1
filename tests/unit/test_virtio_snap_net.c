// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of virtio-net in snapshots (emulators/virtio/virtio_net.c) and
 * of the emulator glue's snapshot hooks (virtio_emu.c): frames for the port
 * dropped and counted while quiesced; the type's fields; save -> load into
 * a new device -> save giving the same bytes, the saved MAC kept under
 * another guest name; another switch or a bad MAC refused; through the
 * glue, the section type, the guest's interrupt line checked, resume.
 */
#include "virtio_net_fixture.h"
#include "virtio_snap_fixture.h"
#include "guest_line_fake.h"
#include <libfdt.h>
#include <kestrel/emulator.h>

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

#define SPI		17
#define FEATURES	(F_V1 | F_MAC | F_STATUS)

static struct snap_buf saved, again;

/* a, driven: up, two receive buffers, one frame in and one out. */
static void drive(void)
{
	static const u8 src[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x01, 0x02, 0x03 };
	u8 frame[60];

	drv_up(&a, FEATURES);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	post_rx(&a, rx_buf(&a, 1), RX_BUF_LEN);
	host_send(bcast, 60, 1);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	make_frame(frame, host_mac, src, sizeof(frame), 2);
	post_tx(&a, frame, sizeof(frame), 1);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(ring_used_idx(&a.tx), 1);
	assert_int_equal(host.frames, 1);
}

/* a's device made anew for guest `guest`, as a restore creates it. */
static void new_device(const char *guest)
{
	struct virtio_mmio_config cfg = config(&a, "net0");

	virtio_net_destroy(a.dev);
	cfg.guest = guest;
	a.dev = virtio_net_create(&cfg, &map, NULL);
	assert_non_null(a.dev);
}

static void load(const struct snap_buf *sb)
{
	char err[256] = "";

	if (virtio_dev_snap_load(a.dev, &sb->s, SPI, a.line, err, sizeof(err)))
		fail_msg("load refused: %s", err);
}

static void test_frames_dropped_while_quiet(void **state)
{
	u64 dropped;

	drv_up(&a, FEATURES);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	virtio_dev_quiesce(a.dev, true);
	dropped = virtio_net_port(a.dev)->rx_dropped;
	host_send(bcast, 60, 1);
	host_send(bcast, 80, 2);
	assert_int_equal(virtio_net_port(a.dev)->rx_dropped, dropped + 2);
	assert_int_equal(ring_used_idx(&a.rx), 0);
	assert_false(a.line);
	virtio_dev_quiesce(a.dev, false);
	host_send(bcast, 60, 3);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	assert_int_equal(virtio_net_port(a.dev)->rx_dropped, dropped + 2);
}

static void test_fields_and_round_trip(void **state)
{
	u8 mac[ETH_ALEN], other[ETH_ALEN];
	struct snap_field f;

	drive();
	virtio_dev_quiesce(a.dev, true);
	snap_save_dev(a.dev, &saved);
	assert_int_equal(saved.s.type, SNAP_SEC_VIRTIO_NET);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 0), 1);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 1), 1);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_LAST_AVAIL, 1), 1);
	virtio_net_default_mac("g0", "net0", mac);
	f = snap_field_of(&saved, SNAP_VIRTIO_NET_MAC);
	assert_int_equal(f.length, ETH_ALEN);
	assert_memory_equal(f.value, mac, ETH_ALEN);
	f = snap_field_of(&saved, SNAP_VIRTIO_NET_SWITCH);
	assert_int_equal(f.length, 3);
	assert_memory_equal(f.value, "br0", 3);

	/* Restored as guest g1, whose derived address differs: the card
	 * keeps the one the guest read. */
	new_device("g1");
	virtio_net_default_mac("g1", "net0", other);
	assert_memory_not_equal(other, mac, ETH_ALEN);
	load(&saved);
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		assert_int_equal(cfg_rd(&a, i, 1), mac[i]);
	assert_memory_equal(virtio_net_port(a.dev)->mac, mac, ETH_ALEN);
	snap_save_dev(a.dev, &again);
	assert_int_equal(again.len, saved.len);
	assert_memory_equal(again.buf, saved.buf, saved.len);

	/* It goes on: the second receive buffer takes the next frame. */
	virtio_dev_snap_resume(a.dev);
	host_send(bcast, 70, 4);
	assert_int_equal(ring_used_idx(&a.rx), 2);
}

static void test_refused(void **state)
{
	static const u8 multi[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const u8 zero[ETH_ALEN];
	struct snap_buf bad;

	drv_up(&a, FEATURES);
	virtio_dev_quiesce(a.dev, true);
	snap_save_dev(a.dev, &saved);
	new_device("g0");
	bad = saved;
	bad.s.payload = bad.buf;
	snap_patch_bytes(&bad, SNAP_VIRTIO_NET_SWITCH, "lan0", 4);
	expect_refused(a.dev, &bad, SPI, a.line, "tag 0x0101 (switch): \"lan0\", but the device "
		       "is on switch br0");
	snap_patch_bytes(&bad, SNAP_VIRTIO_NET_SWITCH, "br0", 3);
	snap_patch_bytes(&bad, SNAP_VIRTIO_NET_MAC, multi, ETH_ALEN);
	expect_refused(a.dev, &bad, SPI, a.line, "tag 0x0100 (mac): 01:00:5e:00:00:01 is not a "
		       "unicast address");
	snap_patch_bytes(&bad, SNAP_VIRTIO_NET_MAC, zero, ETH_ALEN);
	expect_refused(a.dev, &bad, SPI, a.line, "tag 0x0100 (mac): 00:00:00:00:00:00 is not a "
		       "unicast address");
	snap_patch_bytes(&bad, SNAP_VIRTIO_NET_MAC, zero, 5);
	expect_refused(a.dev, &bad, SPI, a.line, "tag 0x0100 (mac): 5 bytes, expected 6");
	/* A transport field is checked before the type's. */
	bad = saved;
	bad.s.payload = bad.buf;
	snap_patch_elem(&bad, SNAP_VIRTIO_QUEUE_NUM, 1, 100);
	expect_refused(a.dev, &bad, SPI, a.line, "tag 0x0020 (queue-num): queue 1 size 100 is not "
		       "a power of 2");
	assert_int_equal(drv_rd(&a, VIRTIO_MMIO_STATUS), 0);
}

/* ---- through the emulator glue ----------------------------------------------- */

static char blob[4096] __attribute__((aligned(8)));

static void fdt_ok(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

/* /guests/g0/devices/net1 at BASE2, SPI 17; returns the device's config. */
static struct guest_device_config glue_device(void)
{
	struct guest_device_config dev = { .base = BASE2, .size = VIRTIO_MMIO_SIZE,
		.has_reg = true, .irq = SPI, .has_irq = true, .compatible = "virtio,mmio" };
	int guests, guest, devs;

	fdt_ok(fdt_create_empty_tree(blob, sizeof(blob)));
	fdt_ok(guests = fdt_add_subnode(blob, 0, "guests"));
	fdt_ok(guest = fdt_add_subnode(blob, guests, "g0"));
	fdt_ok(devs = fdt_add_subnode(blob, guest, "devices"));
	fdt_ok(dev.node = fdt_add_subnode(blob, devs, "net1"));
	fdt_ok(fdt_setprop_string(blob, dev.node, "compatible", "virtio,mmio"));
	fdt_ok(fdt_setprop_string(blob, dev.node, "type", "net"));
	strcpy(dev.name, "net1");
	memset(&g, 0, sizeof(g));
	strcpy(g.cfg.name, "g0");
	g.config_fdt = blob;
	devemu_map_init(&g.mmio);
	return dev;
}

static void glue_save(const struct emulator *e, void *priv, struct snap_buf *sb)
{
	struct snap_tlv_writer w;

	memset(sb, 0, sizeof(*sb));
	snap_tlv_writer_init(&w, sb->buf, sizeof(sb->buf));
	e->snap_save(priv, &w);
	assert_int_equal(snap_tlv_finish(&w, &sb->len), 0);
	sb->s = (struct snap_section){ .type = e->snap_type(priv), .version = 1,
		.name = "/devices/net1", .payload = sb->buf, .len = sb->len };
	snap_check_tables(sb);
}

static void test_emulator_hooks(void **state)
{
	const struct emulator *e = emulator_find("virtio,mmio");
	struct guest_device_config dev = glue_device();
	void *priv = NULL;
	char err[200] = "";

	assert_non_null(e->snap_type);
	assert_int_equal(e->create(&g, &dev, &priv), 0);
	assert_int_equal(e->snap_type(priv), SNAP_SEC_VIRTIO_NET);
	e->quiesce(priv, true);
	glue_save(e, priv, &saved);
	e->quiesce(priv, false);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_BASE), BASE2);
	e->destroy(priv);

	/* The restored guest's vGIC has SPI 17 high, the device was low. */
	assert_int_equal(e->create(&g, &dev, &priv), 0);
	fake_irq_lines[SPI] = true;
	assert_int_equal(e->snap_load(priv, &saved.s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "tag 0x000d (line): 0, but the interrupt controller has SPI 17 "
			    "high");
	fake_irq_lines[SPI] = false;
	assert_int_equal(e->snap_load(priv, &saved.s, err, sizeof(err)), 0);
	e->snap_resume(priv);
	glue_save(e, priv, &again);
	assert_memory_equal(again.buf, saved.buf, saved.len);
	assert_int_equal(guest_irq_calls, 0);
	e->destroy(priv);
	assert_int_equal(g.mmio.count, 0);
	devemu_map_destroy(&g.mmio);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_frames_dropped_while_quiet),
	T(test_fields_and_round_trip),
	T(test_refused),
	T(test_emulator_hooks),
};

UNIT_MAIN(tests, group_setup, group_teardown)
