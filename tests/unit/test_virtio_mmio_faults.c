// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the VirtIO-MMIO transport's malformed queues
 * (emulators/virtio/virtio_mmio.c) with the rng backend: every kind of bad
 * ring or chain sets DEVICE_NEEDS_RESET with one log line, nothing more is
 * processed until a reset, which brings the device back; queues refused at
 * QueueReady; the per-device budget of log lines.
 */
#include "virtio_mmio_fixture.h"

#define NEEDS_RESET_MSG	"g0/rng0: queue 0: "

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- malformed queues ---------------------------------------------------- */

/* A guest mistake in queue 0, made before the notify, and what it is. */
struct bad_case {
	const char *name;
	u64 features;
	void (*make)(void);
	enum vq_error error;
};

static void bad_loop(void)
{
	desc_set(r.desc, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc_set(r.desc, 1, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	ring_post(&r, 0);
}

static void bad_index_jump(void)
{
	ring_set_avail_idx(&r, 9);
}

static void bad_head(void)
{
	ring_post(&r, 8);
}

static void bad_next(void)
{
	desc_set(r.desc, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 200);
	ring_post(&r, 0);
}

static void bad_buffer_outside_ram(void)
{
	post_buffer(0, RAM_END - 2, 4);
}

static void bad_indirect_len(void)
{
	desc_set(r.desc, 0, TABLE, 24, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 0);
}

static void bad_indirect_nested(void)
{
	desc_set(TABLE, 0, TABLE + 64, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_set(r.desc, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 0);
}

static void bad_write_then_read(void)
{
	desc_set(r.desc, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc_set(r.desc, 1, BUF + 8, 4, 0, 0);
	ring_post(&r, 0);
}

static void bad_indirect_not_negotiated(void)
{
	desc_set(TABLE, 0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	desc_set(r.desc, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 0);
}

static const struct bad_case bad_cases[] = {
	{ "loop", F_ALL, bad_loop, VQ_ERR_LOOP },
	{ "index jump", F_ALL, bad_index_jump, VQ_ERR_AVAIL_IDX },
	{ "head", F_ALL, bad_head, VQ_ERR_HEAD },
	{ "next", F_ALL, bad_next, VQ_ERR_NEXT },
	{ "buffer outside RAM", F_ALL, bad_buffer_outside_ram, VQ_ERR_BUF_RANGE },
	{ "indirect length", F_ALL, bad_indirect_len, VQ_ERR_INDIRECT_LEN },
	{ "nested indirect", F_ALL, bad_indirect_nested, VQ_ERR_INDIRECT_NESTED },
	{ "writable then readable", F_ALL, bad_write_then_read, VQ_ERR_WRITE_ORDER },
	{ "indirect not negotiated", F_V1 | F_EVENT, bad_indirect_not_negotiated,
	  VQ_ERR_INDIRECT_FEATURE },
};

/* The device breaks on the bad input, stays broken, and a reset brings it back. */
static void check_bad_case(const struct bad_case *c)
{
	struct virtio_mmio_config cfg = config(BASE);
	char msg[160];
	u32 id, len;

	print_message("case: %s\n", c->name);
	snprintf(msg, sizeof(msg), NEEDS_RESET_MSG "%s; device needs a reset",
		 vq_strerror(c->error));
	/* A fresh device each time: warnings have a budget per device. */
	virtio_rng_destroy(dev);
	dev = virtio_rng_create(&cfg, &map, pattern_source, &src_next);
	assert_non_null(dev);
	bring_up(c->features);
	fake_console_reset();
	irq_calls = 0;
	c->make();
	notify();
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK | NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(line);
	assert_int_equal(irq_calls, 1);
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 1);
	assert_console_contains(msg);
	assert_int_equal(ring_used_idx(&r), 0);
	/* Nothing more is processed, nor logged, until a reset. */
	post_buffer(5, BUF, 4);
	notify();
	notify();
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(src_calls, 0);
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 1);
	ack(VIRTIO_INT_CONFIG);
	assert_false(line);
	/* The driver resets it and starts over: it works. */
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	bring_up(F_ALL);
	post_buffer(1, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, 4);
	assert_pattern(BUF, 4, src_next - 4);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
	ack(VIRTIO_INT_USED);
	src_calls = 0;
}

static void test_malformed_queues(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_cases); i++)
		check_bad_case(&bad_cases[i]);
}

/* A queue refused at QueueReady: NEEDS_RESET at once, the interrupt when
 * the driver sets DRIVER_OK. */
static void check_ready_fault(const char *why)
{
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	/* Enabling it again is no new fault: one line per reset. */
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line);
	assert_console_contains(why);
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 1);
	driver_ok();
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(line);
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(src_calls, 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_false(line);
	fake_console_reset();
}

static void test_queue_setup_faults(void **state)
{
	/* Enabled before the features were settled. */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	write_features(F_ALL);
	setup_queue(8);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	check_ready_fault(NEEDS_RESET_MSG "enabled before FEATURES_OK");
	/* Sizes. */
	negotiate(F_ALL);
	setup_queue(6);
	check_ready_fault(NEEDS_RESET_MSG "queue size is 0, too large or not a power of 2");
	negotiate(F_ALL);
	setup_queue(128);
	check_ready_fault(NEEDS_RESET_MSG "size 128 is above QueueNumMax 64");
	/* Rings outside RAM or misaligned. */
	negotiate(F_ALL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)(RAM_END - 16));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)RING);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)RING + 0x100);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_ready_fault(NEEDS_RESET_MSG "a ring is outside guest RAM");
	negotiate(F_ALL);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)RING + 8);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)RING + 0x100);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)RING + 0x200);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_ready_fault(NEEDS_RESET_MSG "a ring is misaligned");
	/* Never set up: addresses 0, below RAM. */
	negotiate(F_ALL);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_ready_fault(NEEDS_RESET_MSG "a ring is outside guest RAM");
}

static void test_fault_log_budget(void **state)
{
	/* A guest breaking its device in a loop gets 8 lines, then debug only. */
	for (int i = 0; i < 12; i++) {
		bring_up(F_ALL);
		ring_post(&r, 100);
		notify();
		assert_true(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET);
	}
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 8);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_malformed_queues),
	T(test_queue_setup_faults),
	T(test_fault_log_budget),
};

UNIT_MAIN(tests, group_setup, group_teardown)
