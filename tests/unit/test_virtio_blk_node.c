// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-blk device's node (emulators/virtio/virtio_blk.c):
 * claims on its backend (one writer, many readers, a disk and its
 * partitions exclusive) and its properties through the emulator's check
 * hook (emulators/virtio/virtio_emu.c, built with blk and console).
 */
#include "virtio_blk_fixture.h"
#include <kestrel/emulator.h>

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- claims -------------------------------------------------------------- */

static void test_second_writer_refused(void **state)
{
	struct virtio_dev *d2;

	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	check_fdt(fdt_add_subnode(config_blob, fdt_parent_offset(config_blob, node_of("disk0")),
				  "disk1"));
	set_str("disk1", "compatible", "virtio,mmio");
	set_str("disk1", "type", "blk");
	set_str("disk1", "backend", "vda");
	d2 = create_at("disk1", BASE2);
	assert_null(d2);
	assert_console_contains("g0/disk1: backend vda is already in use by g0/disk0 (backend "
				"vda, read-write)");
	assert_int_equal(map.count, 1);
	/* Nor its partition. */
	set_str("disk1", "backend", "vda1");
	assert_null(create_at("disk1", BASE2));
	assert_console_contains("g0/disk1: backend vda1 is already in use by g0/disk0 (backend "
				"vda, read-write)");
	assert_int_equal(vda1.users, 0);
}

static void test_readers_share(void **state)
{
	struct virtio_dev *d2;

	set_empty("disk0", "read-only");
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	check_fdt(fdt_add_subnode(config_blob, fdt_parent_offset(config_blob, node_of("disk0")),
				  "disk1"));
	set_str("disk1", "backend", "vda");
	set_empty("disk1", "read-only");
	d2 = create_at("disk1", BASE2);
	assert_non_null(d2);
	assert_int_equal(vda.users, 2);
	virtio_blk_destroy(d2);
	assert_int_equal(vda.users, 1);
}

/* ---- properties: the emulator's check hook ------------------------------- */

static const struct emulator *emu(void)
{
	const struct emulator *e = emulator_find("virtio,mmio");

	assert_non_null(e);
	assert_non_null(e->check);
	return e;
}

/* Runs the check of node `name`; returns its result, the text in err. */
static int run_check(const char *name, char *err, size_t len)
{
	err[0] = '\0';
	return emu()->check(config_blob, node_of(name), err, len);
}

static void assert_check_fails(const char *name, const char *msg)
{
	char err[160];

	assert_int_equal(run_check(name, err, sizeof(err)), -EINVAL);
	if (!strstr(err, msg))
		fail_msg("check said \"%s\", expected \"%s\"", err, msg);
}

static void test_check_valid(void **state)
{
	char err[160];

	assert_int_equal(run_check("disk0", err, sizeof(err)), 0);
	set_u64("disk0", "offset", 512);
	set_u64("disk0", "size", 1024);
	set_empty("disk0", "read-only");
	assert_int_equal(run_check("disk0", err, sizeof(err)), 0);
	check_fdt(fdt_setprop_u32(config_blob, node_of("disk0"), "size", 512));	/* 1 cell */
	assert_int_equal(run_check("disk0", err, sizeof(err)), 0);
	make_node("hvc0", "console");
	assert_int_equal(run_check("hvc0", err, sizeof(err)), 0);
}

static void test_check_typo(void **state)
{
	make_node("disk0", "blk");
	set_str("disk0", "bakend", "vda");
	assert_check_fails("disk0", "unknown property 'bakend' (a virtio blk device takes "
			   "compatible, reg, interrupts, type, backend, offset, size, read-only)");
	make_node("hvc0", "console");
	set_str("hvc0", "backend", "vda");
	assert_check_fails("hvc0", "unknown property 'backend'");
}

static void test_check_backend(void **state)
{
	make_node("disk0", "blk");
	assert_check_fails("disk0", "property 'backend' missing");
	set_str("disk0", "backend", "vdz");
	assert_check_fails("disk0", "'backend' \"vdz\" is not a host block device (the host "
			   "has: vda, vda1)");
	set_str("disk0", "backend", "VDA");
	assert_check_fails("disk0", "'backend' must be one host block device name");
	set_str("disk0", "backend", "averyveryverylongname");
	assert_check_fails("disk0", "'backend' must be one host block device name");
	check_fdt(fdt_setprop(config_blob, node_of("disk0"), "backend", "vda\0vdb", 8));
	assert_check_fails("disk0", "'backend' must be one host block device name");
	registered = false;	/* no disk on the host at all */
	set_str("disk0", "backend", "vda");
	assert_check_fails("disk0", "(the host has: none)");
}

static void test_check_range(void **state)
{
	set_u64("disk0", "offset", 100);
	assert_check_fails("disk0", "'offset' must be one or two cells, a multiple of 512");
	set_u64("disk0", "offset", DISK_SECTORS * BLOCK_SECTOR);
	assert_check_fails("disk0", "'offset' 0x100000 is not inside vda (0x100000 bytes)");
	set_u64("disk0", "offset", 512);
	set_u64("disk0", "size", 0);
	assert_check_fails("disk0", "'size' must be one or two cells, a non-zero multiple of 512");
	set_u64("disk0", "size", 1000);
	assert_check_fails("disk0", "'size' must be one or two cells");
	set_u64("disk0", "size", DISK_SECTORS * BLOCK_SECTOR);
	assert_check_fails("disk0", "'offset' 0x200 + 'size' 0x100000 is beyond the end of vda");
	check_fdt(fdt_setprop(config_blob, node_of("disk0"), "size", "abc", 3));
	assert_check_fails("disk0", "'size' must be one or two cells");
	check_fdt(fdt_delprop(config_blob, node_of("disk0"), "size"));
	set_str("disk0", "read-only", "yes");
	assert_check_fails("disk0", "'read-only' takes no value");
}

static void test_create_refuses_bad_node(void **state)
{
	set_u64("disk0", "size", 1000);
	assert_null(create_at("disk0", BASE));
	assert_console_contains("g0/disk0: 'size' must be one or two cells");
	assert_int_equal(vda.users, 0);
	assert_int_equal(map.count, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_second_writer_refused),
	T(test_readers_share),
	T(test_check_valid),
	T(test_check_typo),
	T(test_check_backend),
	T(test_check_range),
	T(test_create_refuses_bad_node),
};

UNIT_MAIN(tests, group_setup, group_teardown)
