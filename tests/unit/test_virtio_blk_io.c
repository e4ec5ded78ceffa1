// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-blk device (emulators/virtio/virtio_blk.c) on the
 * real transport over the fake disks of virtio_blk_fixture.c: config space
 * and features, a range or a partition of a disk as the backend, reads,
 * writes, flushes and GET_ID, requests beyond the capacity, read-only
 * disks, request types not offered.
 */
#include "virtio_blk_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- config, features ---------------------------------------------------- */

static void test_identity_and_config(void **state)
{
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 0), DISK_SECTORS);	/* capacity */
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 4), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 8), VIRTIO_BLK_SIZE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 12), VIRTIO_BLK_SEG_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 20), 512);		/* blk_size */
	assert_int_equal(mmio_read(&map, BASE + VIRTIO_MMIO_CONFIG + 1, 1), DISK_SECTORS >> 8);
	assert_int_equal(mmio_read(&map, BASE + VIRTIO_MMIO_CONFIG + 20, 2), 512);
	assert_int_equal(features(), F_V1 | F(VIRTIO_F_INDIRECT_DESC) | F(VIRTIO_F_EVENT_IDX) |
			 F(VIRTIO_BLK_F_SIZE_MAX) | F(VIRTIO_BLK_F_SEG_MAX) |
			 F(VIRTIO_BLK_F_BLK_SIZE) | F(VIRTIO_BLK_F_FLUSH));
	assert_int_equal(vda.users, 1);
	assert_true(vda.writer);
	assert_console_contains("g0/disk0: read-write, 2048 sectors at sector 0 of vda");
}

static void test_range_of_backend(void **state)
{
	set_u64("disk0", "offset", 100 * BLOCK_SECTOR);
	set_u64("disk0", "size", 50 * BLOCK_SECTOR);
	up();
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG), 50);
	post_write(0, 49, DATA, 512);
	post_read(1, 0, DATA + 512, 512);
	ram_fill(DATA, 0x5a, 512);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(npending, 2);
	assert_int_equal(pending[0].abs_sector, 149);
	assert_int_equal(pending[1].abs_sector, 100);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
	assert_disk(149, DATA, 512);
	assert_disk(100, DATA + 512, 512);
	/* One past the end of the range. */
	post_read(2, 50, DATA, 512);
	notify();
	assert_int_equal(npending, 0);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_IOERR);
}

static void test_partition_backend(void **state)
{
	set_str("disk0", "backend", "vda1");
	up();
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG), PART_SECTORS);
	post_read(0, 3, DATA, 1024);
	notify();
	assert_int_equal(pending[0].abs_sector, PART_START + 3);
	complete_all();
	assert_disk(PART_START + 3, DATA, 1024);
	assert_int_equal(vda1.users, 1);
}

/* ---- requests ------------------------------------------------------------ */

static void test_read_async(void **state)
{
	up();
	post_read(0, 7, DATA, 2048);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	/* At the disk, not answered yet: no status, no used element, no IRQ. */
	assert_int_equal(npending, 1);
	assert_int_equal(pending[0].req->op, BLK_READ);
	assert_int_equal(pending[0].req->sector, 7);
	assert_int_equal(status_of(0), 0xff);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_false(line);
	complete_at(0, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 1);
	assert_used(0, 0, 2048 + 1);
	assert_disk(7, DATA, 2048);
	assert_true(line);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
}

static void test_write_then_read_back(void **state)
{
	up();
	for (unsigned int i = 0; i < 1536; i++)
		*ram(DATA + i) = (u8)(i * 7);
	post_write(0, 1000, DATA, 1536);
	notify();
	assert_int_equal(pending[0].req->op, BLK_WRITE);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_used(0, 0, 1);
	assert_disk(1000, DATA, 1536);
	ram_fill(DATA + 4096, 0, 1536);
	post_read(1, 1000, DATA + 4096, 1536);
	notify();
	complete_all();
	assert_disk(1000, DATA + 4096, 1536);
}

static void test_flush(void **state)
{
	up();
	post(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	notify();
	assert_int_equal(npending, 1);
	assert_int_equal(pending[0].req->op, BLK_FLUSH);
	complete_all();
	assert_int_equal(nflushes, 1);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_used(0, 0, 1);
}

static void test_get_id(void **state)
{
	char id[24];

	up();
	ram_fill(DATA, 'x', sizeof(id));
	post(0, VIRTIO_BLK_T_GET_ID, 0, DATA, 20, true);
	notify();
	assert_int_equal(nsubmitted, 0);	/* answered at once */
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_used(0, 0, 21);
	ram_read(DATA, id, sizeof(id));
	assert_memory_equal(id, "kestrel-g0-disk0\0\0\0\0xxxx", 24);
	assert_true(line);
}

static void test_get_id_truncated(void **state)
{
	char id[24];

	make_node("longdiskname", "blk");
	set_str("longdiskname", "backend", "vda");
	dev = create_at("longdiskname", BASE);
	assert_non_null(dev);
	bring_up();
	ram_fill(DATA, 'x', sizeof(id));
	post(0, VIRTIO_BLK_T_GET_ID, 0, DATA, 24, true);	/* room for more than 20 */
	notify();
	assert_used(0, 0, 21);
	ram_read(DATA, id, sizeof(id));
	assert_memory_equal(id, "kestrel-g0-longdiskn" "xxxx", 24);
}

static void test_out_of_range(void **state)
{
	up();
	post_read(0, DISK_SECTORS - 1, DATA, 1024);	/* crosses the end */
	post_read(1, DISK_SECTORS, DATA, 512);		/* at the end */
	post_read(2, ~0ULL, DATA, 512);			/* wraps around */
	post_read(3, DISK_SECTORS, DATA, 0);		/* empty, at the end: fine */
	post_write(4, DISK_SECTORS - 1, DATA, 512);	/* the last sector: fine */
	notify();
	assert_int_equal(npending, 1);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(3), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(4), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 5);
	assert_console_contains("g0/disk0: read of 2 sectors at 2047 is beyond the capacity 2048");
}

static void test_read_only(void **state)
{
	set_empty("disk0", "read-only");
	up();
	assert_true(features() & F(VIRTIO_BLK_F_RO));
	assert_false(vda.writer);
	post_write(0, 0, DATA, 512);
	post(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	post_read(2, 0, DATA, 512);
	notify();
	assert_int_equal(nsubmitted, 1);	/* the read only */
	assert_int_equal(pending[0].req->op, BLK_READ);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_OK);
	assert_console_contains("g0/disk0: read-only, 2048 sectors");
}

static void test_read_only_host_device(void **state)
{
	vda.read_only = true;
	up();
	assert_true(features() & F(VIRTIO_BLK_F_RO));
	assert_console_contains("(the host device is read-only)");
	post_write(0, 0, DATA, 512);
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
}

static void test_unsupported_type(void **state)
{
	up();
	post(0, 11 /* DISCARD, not offered */, 0, DATA, 16, false);
	post(1, 0x12345678, 0, 0, 0, false);
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_UNSUPP);
	assert_used(1, 1, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_identity_and_config),
	T(test_range_of_backend),
	T(test_partition_backend),
	T(test_read_async),
	T(test_write_then_read_back),
	T(test_flush),
	T(test_get_id),
	T(test_get_id_truncated),
	T(test_out_of_range),
	T(test_read_only),
	T(test_read_only_host_device),
	T(test_unsupported_type),
};

UNIT_MAIN(tests, group_setup, group_teardown)
