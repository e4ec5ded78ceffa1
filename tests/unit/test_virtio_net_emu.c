// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of virtio-net through the emulator glue
 * (emulators/virtio/virtio_emu.c, built with net): the `check` hook on the
 * device's node (`switch`, `mac`, unknown properties, the type) and create
 * from the node, against the core/guest.c stand-ins of virtio_net_fixture.c.
 */
#include "virtio_net_fixture.h"
#include <libfdt.h>
#include <kestrel/emulator.h>

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- the emulator glue: check hook and create from the node --------------- */

static char blob[4096] __attribute__((aligned(8)));
static int devnode;

static void check(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

/* /guests/g0/devices/<name> with compatible, reg, interrupts and `type`. */
static void make_node(const char *name, const char *type)
{
	const fdt32_t reg[] = { 0, cpu_to_fdt32(BASE2), 0, cpu_to_fdt32(VIRTIO_MMIO_SIZE) };
	int guests, guest, devs;

	check(fdt_create_empty_tree(blob, sizeof(blob)));
	check(guests = fdt_add_subnode(blob, 0, "guests"));
	check(guest = fdt_add_subnode(blob, guests, "g0"));
	check(devs = fdt_add_subnode(blob, guest, "devices"));
	check(devnode = fdt_add_subnode(blob, devs, name));
	check(fdt_setprop_string(blob, devnode, "compatible", "virtio,mmio"));
	check(fdt_setprop(blob, devnode, "reg", reg, sizeof(reg)));
	check(fdt_setprop_u32(blob, devnode, "interrupts", 17));
	if (type)
		check(fdt_setprop_string(blob, devnode, "type", type));
}

static int emu_check(char *err, size_t len)
{
	const struct emulator *e = emulator_find("virtio,mmio");

	assert_non_null(e);
	assert_non_null(e->check);
	err[0] = '\0';
	return e->check(blob, devnode, err, len);
}

static void expect_check_error(const char *msg)
{
	char err[200];

	assert_int_equal(emu_check(err, sizeof(err)), -EINVAL);
	if (!strstr(err, msg))
		fail_msg("check said \"%s\", expected \"%s\"", err, msg);
}

static void test_check_hook(void **state)
{
	static const u8 good[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const u8 multi[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const u8 zero[ETH_ALEN];
	char err[200];

	make_node("net0", "net");
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	check(fdt_setprop_string(blob, devnode, "switch", "lan0"));
	check(fdt_setprop(blob, devnode, "mac", good, sizeof(good)));
	check(fdt_setprop_u32(blob, devnode, "phandle", 5));
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	/* switch */
	check(fdt_setprop_string(blob, devnode, "switch", "LAN0"));
	expect_check_error("'switch' \"LAN0\" is not a switch name (1 to 15 characters of a-z, "
			   "0-9, '-', '_')");
	check(fdt_setprop_string(blob, devnode, "switch", "abcdefghijklmnop"));
	expect_check_error("is not a switch name");
	check(fdt_setprop_string(blob, devnode, "switch", ""));
	expect_check_error("is not a switch name");
	check(fdt_setprop_u32(blob, devnode, "switch", 1));
	expect_check_error("'switch' must be a single string");
	check(fdt_setprop_string(blob, devnode, "switch", "br0"));
	/* mac */
	check(fdt_setprop(blob, devnode, "mac", good, 5));
	expect_check_error("'mac' must be 6 bytes, as mac = [52 54 00 12 34 56]; (it has 5)");
	check(fdt_setprop(blob, devnode, "mac", multi, sizeof(multi)));
	expect_check_error("'mac' 01:00:5e:00:00:01 is a multicast address");
	check(fdt_setprop(blob, devnode, "mac", zero, sizeof(zero)));
	expect_check_error("'mac' 00:00:00:00:00:00 is not a usable address");
	check(fdt_setprop(blob, devnode, "mac", good, sizeof(good)));
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	/* Unknown properties are named. */
	check(fdt_setprop_string(blob, devnode, "bridge", "br0"));
	expect_check_error("unknown property 'bridge' (a virtio net device takes compatible, reg, "
			   "interrupts, type, switch, mac)");
	/* ... also for a type that takes none: an rng has no switch. */
	make_node("rng0", "rng");
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	check(fdt_setprop_string(blob, devnode, "switch", "br0"));
	expect_check_error("unknown property 'switch' (a virtio rng device takes compatible, reg, "
			   "interrupts, type)");
	/* And the type itself. */
	make_node("net0", NULL);
	expect_check_error("property 'type' missing (the virtio device type: \"rng\", \"net\"");
	make_node("net0", "nic");
	expect_check_error("'type' \"nic\" is not a virtio device type of this build");
}

static void emu_guest_setup(void)
{
	memset(&g, 0, sizeof(g));
	strcpy(g.cfg.name, "g0");
	g.config_fdt = blob;
	devemu_map_init(&g.mmio);
	guest_irq_calls = 0;
}

static struct guest_device_config emu_dev(const char *name)
{
	struct guest_device_config dev = { .node = devnode, .base = BASE2,
		.size = VIRTIO_MMIO_SIZE, .has_reg = true, .irq = 17, .has_irq = true };

	strcpy(dev.name, name);
	dev.compatible = "virtio,mmio";
	return dev;
}

static void test_emulator_create(void **state)
{
	static const u8 mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	const struct emulator *e = emulator_find("virtio,mmio");
	struct guest_device_config dev;
	struct netswitch *lan0 = netswitch_find("lan0");
	unsigned int lan_ports = stats(lan0).ports, br_ports = stats(br0).ports;
	void *priv = NULL;
	u8 dflt[ETH_ALEN];

	emu_guest_setup();
	/* switch and mac from the node. */
	make_node("net1", "net");
	check(fdt_setprop_string(blob, devnode, "switch", "lan0"));
	check(fdt_setprop(blob, devnode, "mac", mac, sizeof(mac)));
	dev = emu_dev("net1");
	assert_int_equal(e->create(&g, &dev, &priv), 0);
	assert_int_equal(stats(lan0).ports, lan_ports + 1);
	assert_int_equal(mmio_read(&g.mmio, BASE2 + VIRTIO_MMIO_DEVICE_ID, 4), VIRTIO_ID_NET);
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		assert_int_equal(mmio_read(&g.mmio, BASE2 + VIRTIO_MMIO_CONFIG + i, 1), mac[i]);
	assert_console_contains("g0/net1: 52:54:00:12:34:56 on switch lan0");
	e->destroy(priv);
	assert_int_equal(stats(lan0).ports, lan_ports);
	assert_int_equal(g.mmio.count, 0);
	/* Neither: br0 and the derived address. */
	make_node("net1", "net");
	dev = emu_dev("net1");
	assert_int_equal(e->create(&g, &dev, &priv), 0);
	assert_int_equal(stats(br0).ports, br_ports + 1);
	virtio_net_default_mac("g0", "net1", dflt);
	assert_int_equal(mmio_read(&g.mmio, BASE2 + VIRTIO_MMIO_CONFIG + 5, 1), dflt[5]);
	e->destroy(priv);
	assert_int_equal(stats(br0).ports, br_ports);
	/* A node the check would refuse is refused at create too. */
	check(fdt_setprop_string(blob, devnode, "switch", "No Such"));
	fake_console_reset();
	assert_int_equal(e->create(&g, &dev, &priv), -EINVAL);
	assert_console_contains("g0/net1: 'switch' \"No Such\" is not a switch name");
	assert_int_equal(g.mmio.count, 0);
	devemu_map_destroy(&g.mmio);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_check_hook),
	T(test_emulator_create),
};

UNIT_MAIN(tests, group_setup, group_teardown)
