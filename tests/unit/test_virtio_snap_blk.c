// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of virtio-blk in snapshots (emulators/virtio/virtio_blk.c,
 * virtio_blk_snap.c): quiesce waiting for requests at the disk and taking
 * none meanwhile, release taking what waited; the type's fields; save ->
 * load into a new device -> save giving the same bytes; the serial kept;
 * a restore onto another disk, range, size or mode refused; a chain that
 * can never come back (completed after a fault) recorded as given back.
 */
#include "virtio_blk_fixture.h"
#include "virtio_snap_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

#define SPI	18

static struct snap_buf saved, again;

static void load(const struct snap_buf *sb)
{
	char err[256] = "";

	if (virtio_dev_snap_load(dev, &sb->s, SPI, line, err, sizeof(err)))
		fail_msg("load refused: %s", err);
}

/* The device of the guest being restored: disk0 made anew from its node. */
static void new_device(void)
{
	virtio_blk_destroy(dev);
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
}

static void test_quiesce_waits_for_the_disk(void **state)
{
	up();
	post_read(0, 0, DATA, 512);
	post_write(1, 8, DATA + 4096, 1024);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(npending, 2);
	complete_on_wait = true;	/* the disk finishes while quiesce waits */
	virtio_dev_quiesce(dev, true);
	complete_on_wait = false;
	assert_int_equal(npending, 0);
	assert_int_equal(ring_used_idx(&r), 2);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
	/* Quiet: a notify takes nothing. */
	post_read(2, 16, DATA + 8192, 512);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(nsubmitted, 2);
	snap_save_dev(dev, &saved);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_LAST_AVAIL, 0), 2);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 0), 2);
	/* Released, the request that waited is taken. */
	virtio_dev_quiesce(dev, false);
	assert_int_equal(npending, 1);
	complete_all();
	assert_int_equal(ring_used_idx(&r), 3);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_OK);
	/* Nothing in flight: quiesce does not wait. */
	time_calls = 0;
	virtio_dev_quiesce(dev, true);
	assert_int_equal(time_calls, 0);
	virtio_dev_quiesce(dev, false);
}

static void test_type_fields_and_round_trip(void **state)
{
	struct snap_field f;

	up();
	post_read(0, 3, DATA, 512);
	sync_mode = true;
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	assert_int_equal(saved.s.type, SNAP_SEC_VIRTIO_BLK);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_BLK_CAPACITY), DISK_SECTORS);
	f = snap_field_of(&saved, SNAP_VIRTIO_BLK_BACKEND);
	assert_int_equal(f.length, 3);
	assert_memory_equal(f.value, "vda", 3);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_BLK_BACKEND_OFFSET), 0);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_BLK_BACKEND_SIZE),
			 DISK_SECTORS * BLOCK_SECTOR);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_BLK_READ_ONLY), 0);
	f = snap_field_of(&saved, SNAP_VIRTIO_BLK_SERIAL);
	assert_int_equal(f.length, 16);
	assert_memory_equal(f.value, "kestrel-g0-disk0", 16);

	new_device();
	load(&saved);
	snap_save_dev(dev, &again);
	assert_int_equal(again.len, saved.len);
	assert_memory_equal(again.buf, saved.buf, saved.len);
	/* It goes on: the next request, and resume with nothing posted. */
	virtio_dev_snap_resume(dev);
	assert_int_equal(nsubmitted, 1);
	post_read(1, 4, DATA + 512, 512);
	notify();
	assert_int_equal(ring_used_idx(&r), 2);
	assert_disk(4, DATA + 512, 512);
}

/* Posted before the save without a notify: resume takes it. */
static void test_resume_takes_posted(void **state)
{
	up();
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	new_device();
	load(&saved);
	post_read(0, 0, DATA, 512);
	virtio_dev_snap_resume(dev);
	assert_int_equal(npending, 1);
	complete_all();
	assert_int_equal(ring_used_idx(&r), 1);
}

/* The serial the guest read stays, whatever the new device's name. */
static void test_serial_kept(void **state)
{
	static const char old[] = "kestrel-old0-disk0";
	u8 id[VIRTIO_BLK_ID_BYTES];

	up();
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	snap_patch_bytes(&saved, SNAP_VIRTIO_BLK_SERIAL, old, strlen(old));
	new_device();
	load(&saved);
	memset(id, 0, sizeof(id));
	ram_fill(DATA, 0, VIRTIO_BLK_ID_BYTES);
	post(0, VIRTIO_BLK_T_GET_ID, 0, DATA, VIRTIO_BLK_ID_BYTES, true);
	notify();
	ram_read(DATA, id, sizeof(id));
	assert_memory_equal(id, old, strlen(old));
	assert_int_equal(id[strlen(old)], 0);
}

static void test_another_disk_refused(void **state)
{
	struct snap_buf bad;

	up();
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	virtio_blk_destroy(dev);
	/* The same node now names the partition. */
	set_str("disk0", "backend", "vda1");
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	expect_refused(dev, &saved, SPI, line, "tag 0x0101 (backend): \"vda\", but the disk is on "
		       "vda1");
	/* On vda again, each of its values. */
	virtio_blk_destroy(dev);
	set_str("disk0", "backend", "vda");
	dev = create_at("disk0", BASE);
	bad = saved;
	bad.s.payload = bad.buf;
	snap_patch(&bad, SNAP_VIRTIO_BLK_CAPACITY, 4096);
	expect_refused(dev, &bad, SPI, line, "tag 0x0100 (capacity): 4096 sectors, the disk on "
		       "vda now has 2048");
	bad = saved;
	bad.s.payload = bad.buf;
	snap_patch(&bad, SNAP_VIRTIO_BLK_BACKEND_OFFSET, 0x80000);
	expect_refused(dev, &bad, SPI, line, "tag 0x0102 (backend-offset): 0x80000, but the disk "
		       "starts at 0x0 of vda");
	bad = saved;
	bad.s.payload = bad.buf;
	snap_patch(&bad, SNAP_VIRTIO_BLK_BACKEND_SIZE, 0x1000);
	expect_refused(dev, &bad, SPI, line, "tag 0x0103 (backend-size): 0x1000 bytes, but the "
		       "disk covers 0x100000 of vda");
	bad = saved;
	bad.s.payload = bad.buf;
	snap_patch(&bad, SNAP_VIRTIO_BLK_READ_ONLY, 1);
	expect_refused(dev, &bad, SPI, line, "tag 0x0104 (read-only): 1, but the disk on vda is "
		       "read-write now");
	snap_patch(&bad, SNAP_VIRTIO_BLK_READ_ONLY, 7);
	expect_refused(dev, &bad, SPI, line, "tag 0x0104 (read-only): 7 is not 0 or 1");
	bad = saved;
	bad.s.payload = bad.buf;
	snap_patch_bytes(&bad, SNAP_VIRTIO_BLK_SERIAL, "kestrel-g0-disk0-and-more", 25);
	expect_refused(dev, &bad, SPI, line, "tag 0x0105 (serial): 25 bytes, expected 1 to 20");
	snap_patch_bytes(&bad, SNAP_VIRTIO_BLK_SERIAL, "disk\n", 5);
	expect_refused(dev, &bad, SPI, line, "tag 0x0105 (serial): byte 4 is 0x0a, not printable "
		       "ASCII");
	snap_patch_bytes(&bad, SNAP_VIRTIO_BLK_BACKEND, "v\x01" "da", 4);
	expect_refused(dev, &bad, SPI, line, "tag 0x0101 (backend): \"v?da\", but the disk is on "
		       "vda");
	snap_drop(&bad, SNAP_VIRTIO_BLK_CAPACITY);
	expect_refused(dev, &bad, SPI, line, "tag 0x0100 (capacity) missing");
	/* Refused loads changed nothing. */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
}

/* A read completes after the device faulted: its chain can never be
 * returned (only a reset revives the queue), so quiesce records it as
 * given back and the snapshot loads. */
static void test_chain_lost_to_a_fault(void **state)
{
	up();
	post_read(0, 0, DATA, 512);
	desc_set(r.desc, 9, DATA, 16, VIRTQ_DESC_F_NEXT, 200);	/* next beyond 128 */
	ring_post(&r, 9);
	fake_console_reset();
	notify();
	assert_int_equal(npending, 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	complete_on_wait = true;
	virtio_dev_quiesce(dev, true);
	complete_on_wait = false;
	assert_int_equal(ring_used_idx(&r), 0);
	snap_save_dev(dev, &saved);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_LAST_AVAIL, 0), 0);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 0), 0);
	assert_console_lacks("after quiescing");
	new_device();
	load(&saved);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_quiesce_waits_for_the_disk),
	T(test_type_fields_and_round_trip),
	T(test_resume_takes_posted),
	T(test_serial_kept),
	T(test_another_disk_refused),
	T(test_chain_lost_to_a_fault),
};

UNIT_MAIN(tests, group_setup, group_teardown)
