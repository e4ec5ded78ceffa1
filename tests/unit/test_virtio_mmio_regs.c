// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the VirtIO-MMIO transport's registers
 * (emulators/virtio/virtio_mmio.c) with the rng backend: identity, read-only
 * and write-only registers, access widths, feature negotiation and the
 * status bits.
 */
#include "virtio_mmio_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- registers ----------------------------------------------------------- */

static void test_identity(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 4);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), 0x5254534b);
	assert_memory_equal(&(u32){ VIRTIO_MMIO_VENDOR }, "KSTR", 4);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_RESET), 0);
	/* No shared memory: length and base -1 for any region id. */
	for (u32 id = 0; id < 300; id += 37) {
		wr(VIRTIO_MMIO_SHM_SEL, id);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_BASE_LOW), 0xffffffff);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
	}
	/* Queue 1 does not exist. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(irq_calls, 0);
}

static void test_read_only_and_write_only(void **state)
{
	static const u32 write_only[] = {
		VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
		VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_MMIO_QUEUE_NUM,
		VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_QUEUE_DESC_LOW,
		VIRTIO_MMIO_QUEUE_DEVICE_HIGH, VIRTIO_MMIO_SHM_SEL, 0x028, 0x040, 0x0f8,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(write_only); i++)
		assert_int_equal(rd(write_only[i]), 0);
	/* Writes to read-only registers change nothing. */
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(VIRTIO_MMIO_DEVICE_ID, 9);
	wr(VIRTIO_MMIO_QUEUE_NUM_MAX, 1);
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 3);
	wr(VIRTIO_MMIO_CONFIG_GENERATION, 7);
	wr(VIRTIO_MMIO_SHM_LEN_LOW, 0);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 4);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	assert_int_equal(irq_calls, 0);
}

static void test_access_widths(void **state)
{
	u64 v = 0;

	/* Control registers: aligned 32-bit only. */
	assert_int_equal(acc(BASE, 1, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE, 2, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE, 8, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE + 2, 4, false, &v), DEVEMU_ABORT);
	v = 0;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_STATUS, 1, true, &v), DEVEMU_ABORT);
	v = ACK;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_STATUS, 8, true, &v), DEVEMU_ABORT);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	/* Config space: 1, 2, 4 aligned; nothing there for rng: reads 0. */
	for (unsigned int w = 1; w <= 4; w *= 2) {
		v = 0xbad;
		assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG, w, false, &v), DEVEMU_HANDLED);
		assert_int_equal(v, 0);
		v = 0xff;
		assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG + 4, w, true, &v), DEVEMU_HANDLED);
	}
	v = 0xbad;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_SIZE - 4, 4, false, &v), DEVEMU_HANDLED);
	assert_int_equal(v, 0);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG, 8, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG + 1, 2, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG + 2, 4, true, &v), DEVEMU_ABORT);
	/* The frame is 0x200 bytes. */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_SIZE, 4, false, &v), DEVEMU_UNHANDLED);
}

/* ---- features and status ------------------------------------------------- */

static void test_device_features(void **state)
{
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), (1U << 28) | (1U << 29));
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1);	/* VERSION_1 */
	for (u32 sel = 2; sel < 6; sel++) {
		wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
		assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	}
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void test_negotiation_accepted(void **state)
{
	negotiate(F_ALL);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	assert_int_equal(virtio_dev_features(dev), F_ALL);
	/* VERSION_1 alone is enough. */
	negotiate(F_V1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	assert_int_equal(virtio_dev_features(dev), F_V1);
	assert_console_lacks("refused");
}

static void test_negotiation_without_version_1(void **state)
{
	/* A legacy driver: FEATURES_OK does not stick, the driver fails. */
	negotiate(F_EVENT | F_INDIRECT);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	assert_int_equal(virtio_dev_features(dev), 0);
	assert_console_contains("g0/rng0: driver features 0x30000000 refused: "
				"VIRTIO_F_VERSION_1 missing");
	/* DRIVER_OK is refused without FEATURES_OK... */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | DRV_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	/* ...and the driver can still go back and try again. */
	write_features(F_V1);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
}

static void test_negotiation_not_offered(void **state)
{
	static const u64 bad[] = {
		F_V1 | 1,			/* rng has no device feature bits */
		F_V1 | (1ULL << 33),		/* VIRTIO_F_ACCESS_PLATFORM: not offered */
		F_V1 | (1ULL << 34),		/* VIRTIO_F_RING_PACKED */
		F_V1 | (1ULL << 63),
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		negotiate(bad[i]);
		assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	}
	assert_console_contains("refused: it asks for features the device does not offer");
	/* A bit in feature word 2 (bits 64-95), which nothing offers. */
	negotiate(F_V1);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	write_features(F_V1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	/* Zero written there is harmless. */
	negotiate(F_V1);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 7);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	write_features(F_V1);
	wr(VIRTIO_MMIO_STATUS, FEAT_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), FEAT_OK);
}

static void test_features_fixed_after_features_ok(void **state)
{
	negotiate(F_V1 | F_EVENT);
	write_features(F_ALL);
	assert_int_equal(virtio_dev_features(dev), F_V1 | F_EVENT);
	/* Setting FEATURES_OK again changes nothing either. */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(virtio_dev_features(dev), F_V1 | F_EVENT);
}

static void test_status_bits_only_added(void **state)
{
	negotiate(F_V1);
	/* Writing fewer bits clears none of them. */
	wr(VIRTIO_MMIO_STATUS, ACK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	/* DEVICE_NEEDS_RESET is the device's; undefined bits are dropped. */
	wr(VIRTIO_MMIO_STATUS, ACK | NEEDS_RESET | 0x30);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | VIRTIO_STATUS_FAILED);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_identity),
	T(test_read_only_and_write_only),
	T(test_access_widths),
	T(test_device_features),
	T(test_negotiation_accepted),
	T(test_negotiation_without_version_1),
	T(test_negotiation_not_offered),
	T(test_features_fixed_after_features_ok),
	T(test_status_bits_only_added),
};

UNIT_MAIN(tests, group_setup, group_teardown)
