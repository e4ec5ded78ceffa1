// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the VirtIO-MMIO transport's snapshot
 * (emulators/virtio/virtio_mmio_snap.c) on the rng backend: the fields of a
 * device driven to DRIVER_OK with used entries, save -> load into a new
 * device -> save giving the same bytes, the line loaded without driving
 * it, a request held for entropy given back at quiesce and served after
 * the restore, release taking it again, and the resume notification.
 */
#include "virtio_mmio_fixture.h"
#include "virtio_snap_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

#define SPI	17

static struct snap_buf saved, again;

/* A driver up with all features, three buffers used, the line high. */
static void drive(void)
{
	bring_up(F_ALL);
	post_buffer(0, BUF, 16);
	post_buffer(1, BUF + 16, 16);
	notify();
	post_buffer(2, BUF + 32, 16);
	notify();
	assert_int_equal(ring_used_idx(&r), 3);
	assert_true(line);
}

/* Destroys the device under test and makes a new one in its place, as the
 * restore creates the guest's devices anew. */
static void new_device(void)
{
	struct virtio_mmio_config cfg = config(BASE);

	virtio_rng_destroy(dev);
	dev = virtio_rng_create(&cfg, &map, pattern_source, &src_next);
	assert_non_null(dev);
}

static void load(const struct snap_buf *sb, bool spi_line)
{
	char err[256] = "";

	if (virtio_dev_snap_load(dev, &sb->s, SPI, spi_line, err, sizeof(err)))
		fail_msg("load refused: %s", err);
}

static void test_save_fields(void **state)
{
	drive();
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	virtio_dev_quiesce(dev, false);

	assert_int_equal(saved.s.type, SNAP_SEC_VIRTIO_RNG);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_BASE), BASE);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DEVICE_ID), 4);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DEVICE_FEATURES), F_ALL);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DRIVER_FEATURES), F_ALL);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_FEATURES), F_ALL);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DEVICE_FEATURES_SEL), 0);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DRIVER_FEATURES_SEL), 1);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_QUEUE_SEL), 0);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_SHM_SEL), 0);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_CONFIG_GENERATION), 0);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_LINE), 1);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DRIVER_FEATURES_HIGH), 0);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_NUM, 0), 8);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_READY, 0), 1);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_DESC, 0), r.desc);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_DRIVER, 0), r.avail);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_DEVICE, 0), r.used);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_LAST_AVAIL, 0), 3);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 0), 3);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_ERROR, 0), 0);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_AVAIL_IDX, 0), 3);
	/* EVENT_IDX: the last decision was at used idx 3, and is valid. */
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_SIGNALLED_USED, 0), 3);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_FLAGS, 0), 1);
	/* Nothing else (the rng has no type tags): 14 fields of 16 bytes,
	 * 11 one-element arrays of 24. */
	assert_int_equal(saved.len, 14 * 16 + 11 * 24);
}

static void test_round_trip(void **state)
{
	unsigned int calls;

	drive();
	ack(VIRTIO_INT_USED);
	assert_false(line);
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	new_device();
	calls = irq_calls;
	load(&saved, false);
	assert_int_equal(irq_calls, calls);
	snap_save_dev(dev, &again);
	assert_int_equal(again.len, saved.len);
	assert_memory_equal(again.buf, saved.buf, saved.len);

	/* The restored device goes on where the old one stopped, its last
	 * notification decision included: used_event 0 wants none. */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	post_buffer(3, BUF + 48, 8);
	notify();
	assert_int_equal(ring_used_idx(&r), 4);
	assert_false(line);
	assert_pattern(BUF + 48, 8, 48);
	ring_set_used_event(&r, 4);
	post_buffer(4, BUF + 56, 8);
	notify();
	assert_int_equal(ring_used_idx(&r), 5);
	assert_true(line);
}

/* The line is loaded as the level the vGIC has, not driven; the next
 * change is reported from there. */
static void test_line_loaded_not_driven(void **state)
{
	unsigned int calls;

	drive();
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	new_device();
	calls = irq_calls;
	load(&saved, true);
	assert_int_equal(irq_calls, calls);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	ack(VIRTIO_INT_USED);
	assert_int_equal(irq_calls, calls + 1);
	assert_false(irq_log[calls]);
}

static void test_held_request_given_back(void **state)
{
	u64 v = 0;
	u32 id, len;

	bring_up(F_ALL);
	post_buffer(0, BUF, 16);
	notify();
	src_left = 0;		/* the host pool is empty */
	post_buffer(1, BUF + 16, 32);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), 1);
	assert_int_equal(ring_avail_event(&r), 2);	/* taken, held */

	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_LAST_AVAIL, 0), 1);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 0), 1);
	/* Quiet: a notify takes nothing, even with entropy there. */
	src_left = SIZE_MAX;
	src_calls = 0;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(src_calls, 0);
	assert_int_equal(ring_used_idx(&r), 1);

	/* The restored device takes the request again at resume. */
	new_device();
	load(&saved, true);
	src_next = 0x40;
	virtio_dev_snap_resume(dev);
	assert_int_equal(ring_used_idx(&r), 2);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, 32);
	assert_pattern(BUF + 16, 32, 0x40);
}

/* Released, the device looks at the ring again itself: the request it gave
 * back is served once entropy is there. */
static void test_release_takes_it_again(void **state)
{
	u64 v = 0;

	bring_up(F_ALL);
	src_left = 0;
	post_buffer(0, BUF, 8);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	virtio_dev_quiesce(dev, true);
	src_left = 8;
	virtio_dev_quiesce(dev, false);
	assert_int_equal(ring_used_idx(&r), 1);
	assert_pattern(BUF, 8, 0);
	/* Still empty at release: held again, and retried by the guest. */
	post_buffer(1, BUF + 8, 8);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	virtio_dev_quiesce(dev, true);
	virtio_dev_quiesce(dev, false);
	assert_int_equal(ring_used_idx(&r), 1);
	src_left = SIZE_MAX;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 2);
}

/* Resume notifies every ready queue once; with nothing posted nothing
 * happens, and a device that is not live is left alone. */
static void test_resume_is_harmless(void **state)
{
	unsigned int calls = irq_calls;

	virtio_dev_snap_resume(dev);		/* reset state */
	bring_up(F_ALL);
	virtio_dev_snap_resume(dev);
	assert_int_equal(src_calls, 0);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(irq_calls, calls);
	/* Posted without a notify: resume picks it up. */
	desc_set(r.desc, 0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, 0);
	virtio_dev_snap_resume(dev);
	assert_int_equal(ring_used_idx(&r), 1);
}

/* A device that needs a reset keeps it, and its queue's error, across a
 * restore. */
static void test_needs_reset_round_trip(void **state)
{
	bring_up(F_ALL);
	desc_set(r.desc, 1, BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 99);
	ring_post(&r, 1);
	fake_console_reset();
	notify();
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_ERROR, 0), VQ_ERR_NEXT);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	new_device();
	load(&saved, true);
	snap_save_dev(dev, &again);
	assert_int_equal(again.len, saved.len);
	assert_memory_equal(again.buf, saved.buf, saved.len);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	/* Until the driver resets it, nothing is taken. */
	virtio_dev_snap_resume(dev);
	assert_int_equal(ring_used_idx(&r), 0);
}

/* A queue that failed QueueReady (size above QueueNumMax) on a device that
 * needs a reset is not set up: its values load as they are. */
static void test_failed_queue_loads(void **state)
{
	negotiate(F_ALL);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 100);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x3);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	new_device();
	load(&saved, false);
	snap_save_dev(dev, &again);
	assert_memory_equal(again.buf, saved.buf, saved.len);
	wr(VIRTIO_MMIO_STATUS, 0);
	bring_up(F_ALL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_save_fields),
	T(test_round_trip),
	T(test_line_loaded_not_driven),
	T(test_held_request_given_back),
	T(test_release_takes_it_again),
	T(test_resume_is_harmless),
	T(test_needs_reset_round_trip),
	T(test_failed_queue_loads),
};

UNIT_MAIN(tests, group_setup, group_teardown)
