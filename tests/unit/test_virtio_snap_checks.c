// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the checks a virtio section passes before it is loaded
 * (emulators/virtio/virtio_mmio_snap.c, check 23 of the snapshot format):
 * each bad value of the transport's fields refused with its own message
 * naming the tag, the device left as it was; and the values a driver may
 * leave behind (any selector, any size of a queue that is not ready)
 * loading as they are.
 */
#include "virtio_mmio_fixture.h"
#include "virtio_snap_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

#define SPI	17

static struct snap_buf good, bad, again;

/* A saved rng: DRIVER_OK with all features, one used entry, line high. */
static int setup_saved(void **state)
{
	if (setup(state))
		return -1;
	bring_up(F_ALL);
	post_buffer(0, BUF, 16);
	notify();
	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &good);
	virtio_dev_quiesce(dev, false);
	/* The device under test is a new one, in its reset state; the vGIC
	 * restored before it has the saved line high. */
	wr(VIRTIO_MMIO_STATUS, 0);
	line = true;
	return 0;
}

/* Loading `bad` is refused with msg, and the device stays in reset. */
static void refused(const char *msg)
{
	expect_refused(dev, &bad, SPI, true, msg);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

static void with(u16 tag, u64 v)
{
	bad = good;
	bad.s.payload = bad.buf;
	snap_patch(&bad, tag, v);
}

static void with_queue(u16 tag, u64 v)
{
	bad = good;
	bad.s.payload = bad.buf;
	snap_patch_elem(&bad, tag, 0, v);
}

static void test_good_loads(void **state)
{
	char err[200] = "";

	assert_int_equal(virtio_dev_snap_load(dev, &good.s, SPI, true, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	snap_save_dev(dev, &again);
	assert_memory_equal(again.buf, good.buf, good.len);
}

static void test_device_fields(void **state)
{
	with(SNAP_VIRTIO_BASE, BASE2);
	refused("tag 0x0001 (base): 0xa000200, but the device is at 0xa000000");
	with(SNAP_VIRTIO_DEVICE_ID, 2);
	refused("tag 0x0002 (device-id): 2, but the section is virtio-rng (device id 4)");
	bad = good;
	bad.s.payload = bad.buf;
	bad.s.type = SNAP_SEC_VIRTIO_BLK;
	refused("a section of type 0x1102 for a virtio-rng device (0x1104)");
	with(SNAP_VIRTIO_STATUS, 0x1f);
	refused("tag 0x0003 (status): 0x1f has bits other than 0x01, 0x02, 0x04, 0x08, 0x40 "
		"and 0x80");
	with(SNAP_VIRTIO_STATUS, ACK | DRV | DRV_OK);
	refused("tag 0x0003 (status): 0x7 has DRIVER_OK without FEATURES_OK");
	with(SNAP_VIRTIO_INTERRUPT_STATUS, 0x5);
	refused("tag 0x000b (interrupt-status): 0x5 has bits other than 0x1 (used buffer) and "
		"0x2 (configuration change)");
	with(SNAP_VIRTIO_LINE, 2);
	refused("tag 0x000d (line): 2 is not 0 or 1");
	with(SNAP_VIRTIO_DRIVER_FEATURES_HIGH, 2);
	refused("tag 0x000e (driver-features-high): 2 is not 0 or 1");
	/* The vGIC has the line low. */
	bad = good;
	bad.s.payload = bad.buf;
	expect_refused(dev, &bad, SPI, false,
		       "tag 0x000d (line): 1, but the interrupt controller has SPI 17 low");
	/* A missing M field (the validator would have refused it first). */
	snap_drop(&bad, SNAP_VIRTIO_STATUS);
	refused("tag 0x0003 (status) missing");
}

static void test_features(void **state)
{
	with(SNAP_VIRTIO_DEVICE_FEATURES, F_ALL | VIRTIO_FEATURE(5));
	refused("tag 0x0004 (device-features): 0x130000020, but this build's device offers "
		"0x130000000");
	with(SNAP_VIRTIO_FEATURES, F_ALL | VIRTIO_FEATURE(5));
	snap_patch(&bad, SNAP_VIRTIO_DRIVER_FEATURES, F_ALL | VIRTIO_FEATURE(5));
	refused("tag 0x0006 (features): 0x130000020 has bits the device does not offer "
		"(0x130000000)");
	with(SNAP_VIRTIO_FEATURES, F_EVENT);
	snap_patch(&bad, SNAP_VIRTIO_DRIVER_FEATURES, F_EVENT);
	refused("tag 0x0006 (features): 0x20000000 lacks VIRTIO_F_VERSION_1, which FEATURES_OK "
		"requires");
	with(SNAP_VIRTIO_FEATURES, F_V1);
	refused("tag 0x0006 (features): 0x100000000, but the driver asked for 0x130000000");
	with(SNAP_VIRTIO_DRIVER_FEATURES_HIGH, 1);
	refused("tag 0x0006 (features): 0x130000000, but the driver asked for 0x130000000 and "
		"bits above 63");
	/* Before FEATURES_OK nothing is accepted, and no queue is ready. */
	with(SNAP_VIRTIO_STATUS, ACK | DRV);
	refused("tag 0x0006 (features): 0x130000000 accepted, but FEATURES_OK is clear");
	snap_patch(&bad, SNAP_VIRTIO_FEATURES, 0);
	refused("tag 0x0021 (queue-ready): queue 0 is ready, but FEATURES_OK is clear");
}

static void test_queue_size_and_rings(void **state)
{
	with_queue(SNAP_VIRTIO_QUEUE_NUM, 100);
	refused("tag 0x0020 (queue-num): queue 0 size 100 is not a power of 2");
	with_queue(SNAP_VIRTIO_QUEUE_NUM, 0);
	refused("tag 0x0020 (queue-num): queue 0 size 0 is not a power of 2");
	with_queue(SNAP_VIRTIO_QUEUE_NUM, 128);
	refused("tag 0x0020 (queue-num): queue 0 size 128 is above QueueNumMax 64");
	with_queue(SNAP_VIRTIO_QUEUE_READY, 2);
	refused("tag 0x0021 (queue-ready): queue 0: 2 is not 0 or 1");
	with_queue(SNAP_VIRTIO_QUEUE_DESC, RING + 8);
	refused("tag 0x0022 (queue-desc): queue 0: 0x40000008 is not 16-byte aligned");
	with_queue(SNAP_VIRTIO_QUEUE_DRIVER, r.avail + 1);
	refused("tag 0x0023 (queue-driver): queue 0: 0x40000081 is not 2-byte aligned");
	with_queue(SNAP_VIRTIO_QUEUE_DEVICE, r.used + 2);
	refused("tag 0x0024 (queue-device): queue 0: 0x4000009a is not 4-byte aligned");
	with_queue(SNAP_VIRTIO_QUEUE_DEVICE, RAM_END - 16);
	refused("tag 0x0024 (queue-device): queue 0: the ring at 0x4003fff0 for 8 entries is "
		"not all in guest RAM");
	with_queue(SNAP_VIRTIO_QUEUE_DESC, 0x1000);
	refused("tag 0x0022 (queue-desc): queue 0: the ring at 0x1000 for 8 entries is not all "
		"in guest RAM");
}

static void test_queue_indices(void **state)
{
	with_queue(SNAP_VIRTIO_QUEUE_LAST_AVAIL, 0);
	refused("tag 0x0025 (queue-last-avail): queue 0: 0, but queue-used-idx is 1: a chain in "
		"flight, which a snapshot never holds");
	with_queue(SNAP_VIRTIO_QUEUE_USED_IDX, 0x10001);
	refused("tag 0x0026 (queue-used-idx): queue 0: 0x10001 is wider than 16 bits");
	with_queue(SNAP_VIRTIO_QUEUE_SIGNALLED_USED, 0x10000);
	refused("tag 0x0029 (queue-signalled-used): queue 0: 0x10000 is wider than 16 bits");
	with_queue(SNAP_VIRTIO_QUEUE_AVAIL_IDX, 10);
	refused("tag 0x0028 (queue-avail-idx): queue 0: 10 is more than the queue size 8 ahead "
		"of queue-last-avail 1");
	with_queue(SNAP_VIRTIO_QUEUE_ERROR, VQ_ERR_COUNT);
	refused("tag 0x0027 (queue-error): queue 0: 16 is not a virtqueue error (1 to 15)");
	with_queue(SNAP_VIRTIO_QUEUE_FLAGS, 4);
	refused("tag 0x002a (queue-flags): queue 0: 0x4 has bits other than 0x1 and 0x2");
	with_queue(SNAP_VIRTIO_QUEUE_FLAGS, 1);
	snap_drop(&bad, SNAP_VIRTIO_QUEUE_SIGNALLED_USED);
	refused("tag 0x002a (queue-flags): queue 0: queue-signalled-used is marked valid but "
		"missing");
}

/* Optional fields take their defaults: no avail idx (read again from the
 * ring), no notification decision (the next one notifies). */
static void test_optional_defaults(void **state)
{
	char err[200] = "";

	bad = good;
	bad.s.payload = bad.buf;
	snap_drop(&bad, SNAP_VIRTIO_QUEUE_AVAIL_IDX);
	snap_drop(&bad, SNAP_VIRTIO_QUEUE_SIGNALLED_USED);
	snap_drop(&bad, SNAP_VIRTIO_QUEUE_FLAGS);
	snap_drop(&bad, SNAP_VIRTIO_SHM_SEL);
	snap_drop(&bad, SNAP_VIRTIO_DRIVER_FEATURES_HIGH);
	assert_int_equal(virtio_dev_snap_load(dev, &bad.s, SPI, true, err, sizeof(err)), 0);
	ack(VIRTIO_INT_USED);
	assert_false(line);
	post_buffer(1, BUF + 16, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 2);
	assert_true(line);
}

/* What a driver may write and leave there loads as it is: selectors are
 * registers of any 32-bit value, and a queue that is not ready is only
 * checked when the driver enables it. */
static void test_driver_values_load(void **state)
{
	char err[200] = "";

	bad = good;
	bad.s.payload = bad.buf;
	snap_patch(&bad, SNAP_VIRTIO_QUEUE_SEL, 7);
	snap_patch(&bad, SNAP_VIRTIO_DEVICE_FEATURES_SEL, 0x12345);
	snap_patch(&bad, SNAP_VIRTIO_DRIVER_FEATURES_SEL, 3);
	snap_patch(&bad, SNAP_VIRTIO_SHM_SEL, 0xffffffff);
	snap_patch(&bad, SNAP_VIRTIO_STATUS, ACK | DRV | FEAT_OK);
	snap_patch_elem(&bad, SNAP_VIRTIO_QUEUE_READY, 0, 0);
	snap_patch_elem(&bad, SNAP_VIRTIO_QUEUE_NUM, 0, 100);
	snap_patch_elem(&bad, SNAP_VIRTIO_QUEUE_DESC, 0, 0x3);
	assert_int_equal(virtio_dev_snap_load(dev, &bad.s, SPI, true, err, sizeof(err)), 0);
	snap_save_dev(dev, &again);
	assert_memory_equal(again.buf, bad.buf, bad.len);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);	/* QueueSel 7 */
	/* Enabling it now is what checks it. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	fake_console_reset();
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_saved, teardown)
static const struct CMUnitTest tests[] = {
	T(test_good_loads),
	T(test_device_fields),
	T(test_features),
	T(test_queue_size_and_rings),
	T(test_queue_indices),
	T(test_optional_defaults),
	T(test_driver_values_load),
};

UNIT_MAIN(tests, group_setup, group_teardown)
