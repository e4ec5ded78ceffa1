// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the VirtIO-MMIO transport (emulators/virtio/virtio_mmio.c)
 * with a test backend beside the rng: config space at its natural widths,
 * two queues, notifications and resets reaching the backend; and the
 * backends and configurations virtio_dev_create refuses.
 */
#include "virtio_mmio_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- a backend with config space and two queues -------------------------- */

static u8 cfg_bytes[8];
static unsigned int tb_resets, tb_notifies[2];

static u32 tb_config_read(struct virtio_dev *d, u32 off, unsigned int width)
{
	u32 v = 0;

	assert_true(off + width <= sizeof(cfg_bytes) && width <= 4 && off % width == 0);
	memcpy(&v, cfg_bytes + off, width);
	return v;
}

static void tb_config_write(struct virtio_dev *d, u32 off, unsigned int width, u32 val)
{
	assert_true(off + width <= sizeof(cfg_bytes) && width <= 4 && off % width == 0);
	memcpy(cfg_bytes + off, &val, width);
}

static bool tb_notify(struct virtio_dev *d, unsigned int q)
{
	assert_true(q < 2);
	tb_notifies[q]++;
	return false;
}

static void tb_reset(struct virtio_dev *d)
{
	tb_resets++;
}

static const struct virtio_backend_ops test_ops = {
	.name = "test",
	.device_id = 42,
	.features = (1ULL << 3) | (1ULL << 50),
	.num_queues = 2,
	.queue_max = 16,
	.config_size = sizeof(cfg_bytes),
	.config_read = tb_config_read,
	.config_write = tb_config_write,
	.queue_notify = tb_notify,
	.reset = tb_reset,
};

static void test_backend_config_and_queues(void **state)
{
	struct virtio_mmio_config cfg = config(BASE2);
	struct virtio_dev *d = virtio_dev_create(&cfg, &test_ops, NULL, &map);
	u64 v;

	assert_non_null(d);
	memcpy(cfg_bytes, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_DEVICE_ID, 4), 42);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 0);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES, 4),
			 (1U << 3) | (1U << 28) | (1U << 29));
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 1);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES, 4), 1 | (1U << 18));
	/* Config space at 0x100, at its natural widths. */
	assert_int_equal(mmio_read(&map, BASE2 + 0x100, 4), 0x04030201);
	assert_int_equal(mmio_read(&map, BASE2 + 0x106, 2), 0x0807);
	assert_int_equal(mmio_read(&map, BASE2 + 0x105, 1), 0x06);
	assert_int_equal(mmio_read(&map, BASE2 + 0x108, 4), 0);	/* beyond its 8 bytes */
	mmio_write(&map, BASE2 + 0x102, 2, 0xbbaa);
	mmio_write(&map, BASE2 + 0x107, 1, 0xcc);
	mmio_write(&map, BASE2 + 0x108, 4, 0xffffffff);
	assert_memory_equal(cfg_bytes, "\x01\x02\xaa\xbb\x05\x06\x07\xcc", 8);
	v = 0;
	assert_int_equal(acc(BASE2 + 0x104, 8, false, &v), DEVEMU_ABORT);
	/* Two queues of 16. */
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_SEL, 4, 1);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 16);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_SEL, 4, 2);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 0);
	/* Notifications reach the backend only when the queue is ready. */
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, ACK | DRV);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DRIVER_FEATURES, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, ACK | DRV | FEAT_OK);
	ring_layout(&r, 16, RING);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_SEL, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_DESC_LOW, 4, (u32)r.desc);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_DRIVER_LOW, 4, (u32)r.avail);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_DEVICE_LOW, 4, (u32)r.used);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_READY, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, ACK | DRV | FEAT_OK | DRV_OK);
	assert_int_equal(virtio_dev_status(d), ACK | DRV | FEAT_OK | DRV_OK);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 1);
	assert_int_equal(tb_notifies[0], 0);
	assert_int_equal(tb_notifies[1], 2);
	/* Reset reaches the backend. */
	tb_resets = 0;
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, 0);
	assert_int_equal(tb_resets, 1);
	virtio_dev_reset(d);
	assert_int_equal(tb_resets, 2);
	/* The rng next to it saw none of this. */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(irq_calls, 0);
	virtio_dev_destroy(d);
}

/* ---- lifecycle ----------------------------------------------------------- */

static void test_create_rejects(void **state)
{
	struct virtio_mmio_config cfg = config(BASE2);
	struct virtio_backend_ops ops = test_ops;
	static const struct { u32 queues, max, config; u64 features; } bad[] = {
		{ 0, 16, 8, 0 }, { 9, 16, 8, 0 }, { 1, 0, 8, 0 }, { 1, 3, 8, 0 },
		{ 1, 65536, 8, 0 }, { 1, 16, 257, 0 }, { 1, 16, 8, 1ULL << 28 },
		{ 1, 16, 8, 1ULL << 32 }, { 1, 16, 8, 1ULL << 49 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ops.num_queues = bad[i].queues;
		ops.queue_max = bad[i].max;
		ops.config_size = bad[i].config;
		ops.features = bad[i].features;
		fake_console_reset();
		assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
		assert_console_contains("g0/rng0: backend test is invalid");
	}
	ops = test_ops;
	cfg.base = BASE2 + 0x100;	/* not 0x200 aligned */
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	cfg.base = BASE2;
	cfg.size = 0x1000;
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	cfg = config(BASE);		/* where the rng is */
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	assert_null(virtio_rng_create(&cfg, &map, pattern_source, &src_next));
	cfg = config(BASE2);
	cfg.mem.map = NULL;
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	assert_int_equal(map.count, 1);
	/* Failures leak nothing: teardown's heap check. */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_backend_config_and_queues),
	T(test_create_rejects),
};

UNIT_MAIN(tests, group_setup, group_teardown)
