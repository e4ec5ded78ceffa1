// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-blk device (emulators/virtio/virtio_blk.c) with
 * requests in flight at the fake disk: completions in any order or inside
 * submit, the per-notification batch, the in-flight bound; resets by the
 * driver and by the guest with requests in flight (late completions write
 * nothing), and destroy waiting for them.
 */
#include "virtio_blk_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- completion order, in-flight bound ----------------------------------- */

static void test_completion_order(void **state)
{
	up();
	for (u16 i = 0; i < 3; i++)
		post_read(i, 10 * i, DATA + 512 * i, 512);
	notify();
	assert_int_equal(npending, 3);
	complete_at(2, 0);	/* request 2 first, then 0, then 1 */
	complete_at(0, 0);
	complete_at(0, 0);
	assert_int_equal(ring_used_idx(&r), 3);
	assert_used(0, 2, 513);
	assert_used(1, 0, 513);
	assert_used(2, 1, 513);
	for (u16 i = 0; i < 3; i++) {
		assert_int_equal(status_of(i), VIRTIO_BLK_S_OK);
		assert_disk(10 * i, DATA + 512 * i, 512);
	}
}

static void test_sync_completion(void **state)
{
	up();
	sync_mode = true;	/* done runs inside blockdev_submit */
	for (u16 i = 0; i < 40; i++)
		post_read(i, i, DATA + 512 * i, 512);
	/* 32 slots, then the completions free them and the pass goes on. */
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(nsubmitted, 40);
	assert_int_equal(ring_used_idx(&r), 40);
	for (u16 i = 0; i < 40; i++)
		assert_int_equal(status_of(i), VIRTIO_BLK_S_OK);
	assert_disk(39, DATA + 512 * 39, 512);
}

static void test_notify_budget(void **state)
{
	up();
	/* Answered at once, so no slot runs out: the batch bounds the trap. */
	for (u16 i = 0; i < 40; i++)
		post(i, VIRTIO_BLK_T_GET_ID, 0, DATA + 32 * i, 20, true);
	assert_int_equal(notify(), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), VIRTIO_BLK_BATCH);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 40);
	assert_int_equal(status_of(39), VIRTIO_BLK_S_OK);
}

static void test_inflight_bound(void **state)
{
	up();
	for (u16 i = 0; i < 40; i++)
		post_read(i, i, DATA + 512 * i, 512);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(npending, VIRTIO_BLK_INFLIGHT);
	/* Another notify finds no slot: the rest stays in the ring. */
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(nsubmitted, VIRTIO_BLK_INFLIGHT);
	/* Each completion frees a slot, which takes the next request. */
	complete_at(5, 0);
	assert_int_equal(nsubmitted, VIRTIO_BLK_INFLIGHT + 1);
	assert_int_equal(npending, VIRTIO_BLK_INFLIGHT);
	assert_int_equal(pending[npending - 1].req->sector, VIRTIO_BLK_INFLIGHT);
	complete_all();
	assert_int_equal(nsubmitted, 40);
	assert_int_equal(ring_used_idx(&r), 40);
	for (u16 i = 0; i < 40; i++)
		assert_int_equal(status_of(i), VIRTIO_BLK_S_OK);
}

/* ---- resets with requests in flight -------------------------------------- */

static u8 ram_then[RAM_SIZE], ram_now[RAM_SIZE];

/* The guest's RAM now, for assert_ram_is. */
static u8 *snapshot(void)
{
	ram_read(RAM_BASE, ram_then, RAM_SIZE);
	return ram_then;
}

static void assert_ram_is(const u8 *m)
{
	ram_read(RAM_BASE, ram_now, RAM_SIZE);
	assert_memory_equal(ram_now, m, RAM_SIZE);
}

static void test_status_reset_in_flight(void **state)
{
	u8 *before;

	up();
	post_write(0, 0, DATA, 512);
	post(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	notify();
	assert_int_equal(npending, 2);
	/* The driver resets the device and sets it up again, same rings. */
	bring_up();
	before = snapshot();
	complete_all();		/* late: of the old generation */
	assert_ram_is(before);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_false(line);
	/* The slots are free again and the new generation works. */
	post_read(0, 0, DATA, 512);
	notify();
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 1);
}

static void test_status_reset_then_late_error(void **state)
{
	u8 *before;

	up();
	post_read(0, 0, DATA, 512);
	notify();
	wr(VIRTIO_MMIO_STATUS, 0);	/* reset; not set up again yet */
	before = snapshot();
	complete_at(0, -EIO);		/* an error moves no data */
	assert_ram_is(before);
}

static void test_guest_reset_waits(void **state)
{
	u8 *before;

	up();
	post_read(0, 3, DATA, 512);
	post_write(1, 9, DATA + 512, 512);
	notify();
	assert_int_equal(npending, 2);
	complete_on_wait = true;	/* the disk finishes while reset waits */
	virtio_blk_reset(dev);
	assert_int_equal(npending, 0);
	assert_console_contains("g0/disk0: waiting for 2 request(s) in flight on vda");
	/* Answered before the reset, in the rings of the time. */
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 2);
	assert_disk(3, DATA, 512);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	/* Nothing writes guest RAM after the reset. */
	before = snapshot();
	complete_all();
	assert_ram_is(before);
	/* And it comes back. */
	complete_on_wait = false;
	bring_up();
	post_read(0, 0, DATA, 512);
	notify();
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
}

static void test_guest_reset_idle(void **state)
{
	up();
	virtio_blk_reset(dev);
	assert_int_equal(time_calls, 0);	/* nothing to wait for */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
}

static void test_destroy_waits(void **state)
{
	up();
	post_read(0, 0, DATA, 512);
	notify();
	complete_on_wait = true;
	virtio_blk_destroy(dev);
	dev = NULL;
	assert_int_equal(npending, 0);
	assert_int_equal(vda.users, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);	/* before the rings went */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_completion_order),
	T(test_sync_completion),
	T(test_notify_budget),
	T(test_inflight_bound),
	T(test_status_reset_in_flight),
	T(test_status_reset_then_late_error),
	T(test_guest_reset_waits),
	T(test_guest_reset_idle),
	T(test_destroy_waits),
};

UNIT_MAIN(tests, group_setup, group_teardown)
