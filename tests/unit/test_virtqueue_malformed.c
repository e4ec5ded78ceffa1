// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the split virtqueue (emulators/virtio/virtqueue.c) on
 * malformed input: every bad index, descriptor, buffer or indirect table
 * fails with its own error, sticks until the queue is set up again, and
 * consumes, returns and notifies nothing.
 */
#include "virtqueue_fixture.h"

/* ---- malformed input ----------------------------------------------------- */

static void test_avail_idx_jump(void **state)
{
	make_queue(8, false, false);
	desc_set(r.desc, 0, BUF, 8, W, 0);
	ring_set_avail_idx(&r, 8);	/* a full ring is fine */
	for (int i = 0; i < 8; i++)
		assert_int_equal(vq_pop(&q, &req), 1);
	ring_set_avail_idx(&r, 8 + 9);	/* 9 ahead of 8 taken */
	assert_pop_fails(VQ_ERR_AVAIL_IDX);
}

static void test_avail_idx_backwards(void **state)
{
	make_queue(8, false, false);
	ring_set_avail_idx(&r, 0xffff);
	assert_pop_fails(VQ_ERR_AVAIL_IDX);
}

static void test_head_out_of_range(void **state)
{
	make_queue(8, false, false);
	ring_post(&r, 8);
	assert_pop_fails(VQ_ERR_HEAD);
}

static void test_next_out_of_range(void **state)
{
	make_queue(8, false, false);
	desc_set(r.desc, 0, BUF, 8, R | N, 8);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_NEXT);
}

static void test_descriptor_loops(void **state)
{
	make_queue(8, false, false);
	desc_set(r.desc, 0, BUF, 8, R | N, 1);
	desc_set(r.desc, 1, BUF, 8, R | N, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_LOOP);
	/* A descriptor naming itself. */
	make_queue(8, false, false);
	desc_set(r.desc, 0, BUF, 8, W | N, 0);
	assert_pop_fails(VQ_ERR_LOOP);
}

static void test_loop_bound_is_queue_size(void **state)
{
	/* A cycle through all 128 descriptors, 2 iovecs each: the 129th
	 * visit is the loop, before the 257th iovec would overflow. */
	make_queue(128, false, true);
	for (unsigned int i = 0; i < 128; i++)
		desc_set(r.desc, i, BUF + CHUNK - 1, 2, N, (i + 1) % 128);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_LOOP);
	/* The same inside a 128-entry indirect table. */
	make_queue(128, false, true);
	for (unsigned int i = 0; i < 128; i++)
		desc_set(TABLE, i, BUF + CHUNK - 1, 2, N, (i + 1) % 128);
	desc_set(r.desc, 0, TABLE, 128 * 16, I, 0);
	assert_pop_fails(VQ_ERR_LOOP);
}

static void test_buffer_outside_ram(void **state)
{
	static const struct { u64 addr; u32 len; } bad[] = {
		{ RAM_BASE - 8, 16 },			/* starts below */
		{ RAM_END - 8, 16 },			/* runs past the end */
		{ RAM_END, 1 },				/* just after */
		{ 0xfffffffffffffff0ULL, 0x20 },	/* wraps past 2^64 */
		{ 0, 1 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		make_queue(8, false, false);
		desc_set(r.desc, 0, BUF, 8, R | N, 1);
		desc_set(r.desc, 1, bad[i].addr, bad[i].len, W, 0);
		ring_post(&r, 0);
		assert_pop_fails(VQ_ERR_BUF_RANGE);
	}
}

static void test_indirect_not_negotiated(void **state)
{
	make_queue(8, false, false);
	desc_set(TABLE, 0, BUF, 8, W, 0);
	desc_set(r.desc, 0, TABLE, 16, I, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_INDIRECT_FEATURE);
}

static void test_indirect_bad_length(void **state)
{
	static const u32 bad[] = { 0, 8, 17, 16 * 8 + 8, 16 * 9, 0xfffffff0 };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		make_queue(8, false, true);
		desc_set(r.desc, 0, TABLE, bad[i], I, 0);
		ring_post(&r, 0);
		assert_pop_fails(VQ_ERR_INDIRECT_LEN);
	}
}

static void test_indirect_table_outside_ram(void **state)
{
	make_queue(8, false, true);
	desc_set(r.desc, 0, RAM_END - 16, 32, I, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_INDIRECT_RANGE);
}

static void test_indirect_with_next(void **state)
{
	make_queue(8, false, true);
	desc_set(TABLE, 0, BUF, 8, W, 0);
	desc_set(r.desc, 0, TABLE, 16, I | N, 1);
	desc_set(r.desc, 1, BUF, 8, W, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_INDIRECT_NEXT);
}

static void test_indirect_nested(void **state)
{
	make_queue(8, false, true);
	desc_set(TABLE + 256, 0, BUF, 8, W, 0);
	desc_set(TABLE, 0, BUF, 8, R | N, 1);
	desc_set(TABLE, 1, TABLE + 256, 16, I, 0);
	desc_set(r.desc, 0, TABLE, 32, I, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_INDIRECT_NESTED);
}

static void test_indirect_chain_errors(void **state)
{
	/* Loops and next indices are checked against the table's size. */
	make_queue(8, false, true);
	desc_set(TABLE, 0, BUF, 8, R | N, 1);
	desc_set(TABLE, 1, BUF, 8, R | N, 0);
	desc_set(r.desc, 0, TABLE, 2 * 16, I, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_LOOP);

	make_queue(8, false, true);
	desc_set(TABLE, 0, BUF, 8, R | N, 2);	/* the table has 2 entries */
	desc_set(r.desc, 0, TABLE, 2 * 16, I, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_NEXT);

	make_queue(8, false, true);
	desc_set(TABLE, 0, BUF, 8, R, 0);
	desc_set(r.desc, 0, TABLE, 16, I, 0);
	desc_set(TABLE, 0, RAM_END, 8, R, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_BUF_RANGE);
}

static void test_readable_after_writable(void **state)
{
	make_queue(8, false, true);
	desc_set(r.desc, 0, BUF, 8, R | N, 1);
	desc_set(r.desc, 1, BUF + 8, 8, W | N, 2);
	desc_set(r.desc, 2, BUF + 16, 8, R, 0);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_WRITE_ORDER);
	/* Across the switch into an indirect table too. */
	make_queue(8, false, true);
	desc_set(r.desc, 0, BUF, 8, W | N, 1);
	desc_set(r.desc, 1, TABLE, 16, I, 0);
	desc_set(TABLE, 0, BUF + 8, 0, R, 0);	/* even a zero-length one */
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_WRITE_ORDER);
}

static void test_too_many_segments(void **state)
{
	/* 129 descriptors of 2 bytes, each across a piece boundary: 258. */
	make_queue(256, false, false);
	for (unsigned int i = 0; i < 129; i++)
		desc_set(r.desc, i, BUF + CHUNK - 1, 2, i < 128 ? N : 0, i + 1);
	ring_post(&r, 0);
	assert_pop_fails(VQ_ERR_TOO_MANY_SEGS);
}

static void test_error_is_sticky_until_init(void **state)
{
	make_queue(8, false, false);
	ring_post(&r, 9);
	assert_pop_fails(VQ_ERR_HEAD);
	/* The driver fixes the ring: still refused until the queue is set up again. */
	ram_w16(r.avail + 4, 0);
	desc_set(r.desc, 0, BUF, 8, W, 0);
	assert_int_equal(vq_pop(&q, &req), -VQ_ERR_HEAD);
	make_queue(8, false, false);
	assert_int_equal(vq_pop(&q, &req), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_avail_idx_jump),
	T(test_avail_idx_backwards),
	T(test_head_out_of_range),
	T(test_next_out_of_range),
	T(test_descriptor_loops),
	T(test_loop_bound_is_queue_size),
	T(test_buffer_outside_ram),
	T(test_indirect_not_negotiated),
	T(test_indirect_bad_length),
	T(test_indirect_table_outside_ram),
	T(test_indirect_with_next),
	T(test_indirect_nested),
	T(test_indirect_chain_errors),
	T(test_readable_after_writable),
	T(test_too_many_segments),
	T(test_error_is_sticky_until_init),
};

UNIT_MAIN(tests, NULL, NULL)
