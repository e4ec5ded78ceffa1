// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the rng backend (emulators/virtio/virtio_rng.c) on the
 * VirtIO-MMIO transport, with its bytes from a test source: partial fills,
 * a request held while the source has nothing, a request with no room,
 * the held request dropped by a reset, and a device without a source.
 */
#include "virtio_mmio_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- the source: partial fills, none now, held requests ------------------ */

static void test_rng_partial_fill(void **state)
{
	u32 id, len;

	bring_up(F_ALL);
	/* 10 bytes for a 64-byte buffer: the request comes back with 10. */
	src_left = 10;
	post_buffer(0, BUF, 64);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 10);
	assert_pattern(BUF, 10, 0);
	assert_int_equal(*ram(BUF + 10), 0);
	/* Across a chain: the first buffer full, the second in part, and the
	 * source is not asked again once it gave less than asked. */
	ack(VIRTIO_INT_USED);
	ring_set_used_event(&r, 1);
	src_left = 15;
	src_calls = 0;
	desc_set(r.desc, 1, BUF + 100, 10, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	desc_set(r.desc, 2, BUF + 200, 20, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	desc_set(r.desc, 3, BUF + 300, 20, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, 1);
	notify();
	assert_int_equal(ring_used_idx(&r), 2);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, 15);
	assert_pattern(BUF + 100, 10, 10);
	assert_pattern(BUF + 200, 5, 20);
	assert_int_equal(*ram(BUF + 205), 0);
	assert_int_equal(*ram(BUF + 300), 0);
	assert_int_equal(src_calls, 2);
	assert_true(line);
}

static void test_rng_held_until_the_source_has_bytes(void **state)
{
	u64 v = 0;
	u32 id, len;

	bring_up(F_ALL);
	/* Nothing now: the request is held, not returned, and the notify is
	 * to be retried. No used buffer, no interrupt, no log line. */
	src_left = 0;
	post_buffer(3, BUF, 32);
	fake_console_reset();
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(src_calls, 1);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(ring_avail_event(&r), 1);	/* it was taken */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line);
	assert_int_equal(*ram(BUF), 0);
	/* Retried, still nothing: the same request is asked for again. */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(src_calls, 2);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
	assert_string_equal(fake_console_output(), "");
	/* The driver posts another meanwhile; 8 bytes come. The held
	 * request is completed first, with the 8; the next one is taken and
	 * held in its turn. */
	post_buffer(5, BUF + 64, 16);
	src_left = 8;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 8);
	assert_pattern(BUF, 8, 0);
	assert_int_equal(*ram(BUF + 8), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_true(line);
	/* Plenty: the retried store completes it, and the work is done. */
	src_left = SIZE_MAX;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 2);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 5);
	assert_int_equal(len, 16);
	assert_pattern(BUF + 64, 16, 8);
	/* Nothing is left held: a notify with nothing new asks for nothing. */
	src_calls = 0;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(src_calls, 0);
	assert_int_equal(ring_used_idx(&r), 2);
}

static void test_rng_request_without_room_needs_no_bytes(void **state)
{
	u64 v = 0;
	u32 id, len;

	bring_up(F_ALL);
	/* Only a device-readable buffer: nothing to fill, returned at once
	 * with 0 bytes even though the source is dry. */
	src_left = 0;
	desc_set(r.desc, 0, BUF, 16, 0, 0);
	ring_post(&r, 0);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_int_equal(src_calls, 0);
}

/* Holds a request of descriptor 3 with the source dry. */
static void hold_one(void)
{
	u64 v = 0;

	bring_up(F_ALL);
	src_left = 0;
	post_buffer(3, BUF, 32);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), 0);
}

/* After the held request was dropped: a new request of descriptor 6 is
 * the one completed, and nothing is written for the old one. */
static void check_fresh_request(void)
{
	u8 first = src_next;
	u32 id, len;

	src_left = SIZE_MAX;
	post_buffer(6, BUF + 64, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 6);
	assert_int_equal(len, 4);
	assert_pattern(BUF + 64, 4, first);
	assert_int_equal(*ram(BUF), 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

static void test_rng_reset_drops_the_held_request(void **state)
{
	/* The driver resets the device (Status 0). */
	hold_one();
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	bring_up(F_ALL);
	check_fresh_request();
	/* A guest reset. */
	hold_one();
	virtio_dev_reset(dev);
	bring_up(F_ALL);
	check_fresh_request();
	/* The driver sets the queue up again without a reset: the request
	 * belonged to the queue before. */
	hold_one();
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	ram_fill(RING, 0, 2 * CHUNK);
	r.avail_idx = 0;
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_fresh_request();
}

static void test_rng_needs_a_source(void **state)
{
	struct virtio_mmio_config cfg = config(BASE2);

	fake_console_reset();
	assert_null(virtio_rng_create(&cfg, &map, NULL, NULL));
	assert_console_contains("g0/rng0: no entropy source for the device");
	assert_int_equal(map.count, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_rng_partial_fill),
	T(test_rng_held_until_the_source_has_bytes),
	T(test_rng_request_without_room_needs_no_bytes),
	T(test_rng_reset_drops_the_held_request),
	T(test_rng_needs_a_source),
};

UNIT_MAIN(tests, group_setup, group_teardown)
