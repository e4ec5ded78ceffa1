// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the split virtqueue (emulators/virtio/virtqueue.c) over fake
 * guest RAM: the checks of vq_init, error strings, and well-formed chains
 * (direct, indirect, mixed, split across RAM pieces, as long as allowed,
 * several in flight), the used ring, and 16-bit index wrap-around.
 */
#include "virtqueue_fixture.h"

/* ---- setup checks -------------------------------------------------------- */

static void test_init_checks(void **state)
{
	static const u32 bad_sizes[] = { 0, 3, 6, 100, 65536, 32769, 0xffffffff };

	ring_layout(&r, 8, RING);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		assert_int_equal(vq_init(&q, &fake_mem, bad_sizes[i], r.desc, r.avail, r.used,
					 false, false), -VQ_ERR_SIZE);
		assert_int_equal(vq_pop(&q, &req), -VQ_ERR_SIZE);
	}
	/* Alignment: table 16, avail 2, used 4. */
	assert_int_equal(vq_init(&q, &fake_mem, 8, r.desc + 8, r.avail, r.used, false, false),
			 -VQ_ERR_RING_ALIGN);
	assert_int_equal(vq_init(&q, &fake_mem, 8, r.desc, r.avail + 1, r.used, false, false),
			 -VQ_ERR_RING_ALIGN);
	assert_int_equal(vq_init(&q, &fake_mem, 8, r.desc, r.avail, r.used + 2, false, false),
			 -VQ_ERR_RING_ALIGN);
	/* Outside RAM, wholly or by their last bytes (used_event, avail_event). */
	assert_int_equal(vq_init(&q, &fake_mem, 8, RAM_BASE - 0x1000, r.avail, r.used, false,
				 false), -VQ_ERR_RING_RANGE);
	assert_int_equal(vq_init(&q, &fake_mem, 8, RAM_END - 16 * 7, r.avail, r.used, false,
				 false), -VQ_ERR_RING_RANGE);
	assert_int_equal(vq_init(&q, &fake_mem, 8, r.desc, RAM_END - 20, r.used, false, false),
			 -VQ_ERR_RING_RANGE);
	assert_int_equal(vq_init(&q, &fake_mem, 8, r.desc, r.avail, RAM_END - 68, false, false),
			 -VQ_ERR_RING_RANGE);
	assert_int_equal(vq_init(&q, &fake_mem, 8, r.desc, r.avail, 0xfffffffffffffff0ULL, false,
				 false), -VQ_ERR_RING_RANGE);
	assert_int_equal(vq_pop(&q, &req), -VQ_ERR_RING_RANGE);
	/* Exactly at the end of RAM is fine; so are rings across pieces. */
	assert_int_equal(vq_init(&q, &fake_mem, 8, RAM_END - 128, RAM_END - 22, RAM_END - 200,
				 false, false), 0);
	assert_int_equal(vq_init(&q, &fake_mem, 32768, RAM_BASE, RAM_BASE + 0x80000 - 0x10000,
				 RAM_BASE + 0x80000 - 0x40000, false, false), -VQ_ERR_RING_RANGE);
	assert_int_equal(vq_init(&q, &fake_mem, 1, RAM_BASE + CHUNK - 16, RAM_BASE + CHUNK - 2,
				 RAM_BASE + 2 * CHUNK - 4, false, false), 0);
	assert_int_equal(vq_pop(&q, &req), 0);
}

static void test_strerror(void **state)
{
	assert_string_equal(vq_strerror(-VQ_ERR_LOOP), "descriptor chain loops");
	assert_string_equal(vq_strerror(VQ_ERR_AVAIL_IDX),
			    "avail idx moved more than the queue size");
	assert_string_equal(vq_strerror(0), "unknown virtqueue error");
	assert_string_equal(vq_strerror(-VQ_ERR_COUNT), "unknown virtqueue error");
	for (int e = 1; e < VQ_ERR_COUNT; e++)
		assert_string_not_equal(vq_strerror(-e), "unknown virtqueue error");
}

/* ---- well-formed chains -------------------------------------------------- */

static void test_empty_ring(void **state)
{
	make_queue(8, false, false);
	assert_int_equal(vq_pop(&q, &req), 0);
	assert_int_equal(vq_pop(&q, &req), 0);
	assert_int_equal(q.error, 0);
}

static void test_direct_chain(void **state)
{
	u32 id, len;

	make_queue(8, false, false);
	/* Out of order in the table: 5 -> 2 -> 7. */
	desc_set(r.desc, 5, BUF, 10, R | N, 2);
	desc_set(r.desc, 2, BUF + 100, 20, R | N, 7);
	desc_set(r.desc, 7, BUF + 200, 30, W, 0);
	ring_post(&r, 5);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.head, 5);
	assert_int_equal(req.nr_read, 2);
	assert_int_equal(req.nr_write, 1);
	assert_int_equal(req.read_len, 30);
	assert_int_equal(req.write_len, 30);
	assert_iov(0, BUF, 10);
	assert_iov(1, BUF + 100, 20);
	assert_iov(2, BUF + 200, 30);
	assert_int_equal(vq_pop(&q, &req), 0);
	assert_int_equal(q.last_avail_idx, 1);

	vq_push(&q, &req, 30);
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 5);
	assert_int_equal(len, 30);
	/* More than was writable is reported as what was. */
	ring_post(&r, 5);
	assert_int_equal(vq_pop(&q, &req), 1);
	vq_push(&q, &req, 1000);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(len, 30);
}

static void test_request_data(void **state)
{
	static const char hello[] = "hello, device";
	char out[32] = { 0 };

	make_queue(8, false, false);
	ram_write(BUF, hello, 6);
	ram_write(BUF + 500, hello + 6, sizeof(hello) - 6);
	desc_set(r.desc, 0, BUF, 6, R | N, 1);
	desc_set(r.desc, 1, BUF + 500, sizeof(hello) - 6, R | N, 2);
	desc_set(r.desc, 2, BUF + 1000, 4, W | N, 3);
	desc_set(r.desc, 3, BUF + 2000, 8, W, 0);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(vq_req_read(&req, 0, out, sizeof(out)), sizeof(hello));
	assert_string_equal(out, hello);
	assert_int_equal(vq_req_read(&req, 7, out, 3), 3);
	assert_memory_equal(out, "dev", 3);
	assert_int_equal(vq_req_read(&req, 100, out, 3), 0);
	/* Writes fill the writable buffers in order and stop at their end. */
	assert_int_equal(vq_req_write(&req, 0, "0123456789abcdef", 16), 12);
	assert_memory_equal(ram(BUF + 1000), "0123", 4);
	assert_memory_equal(ram(BUF + 2000), "456789ab", 8);
	assert_int_equal(vq_req_write(&req, 6, "XY", 2), 2);
	assert_memory_equal(ram(BUF + 2000), "45XY", 4);
}

static void test_zero_length_descriptors(void **state)
{
	make_queue(8, false, false);
	desc_set(r.desc, 0, BUF, 0, R | N, 1);
	desc_set(r.desc, 1, BUF, 16, R | N, 2);
	desc_set(r.desc, 2, 0xdead0000ULL, 0, W | N, 3);	/* no bytes: address unused */
	desc_set(r.desc, 3, BUF + 64, 8, W, 0);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.nr_read, 1);
	assert_int_equal(req.nr_write, 1);
	assert_iov(0, BUF, 16);
	assert_iov(1, BUF + 64, 8);
}

static void test_buffer_across_pieces(void **state)
{
	u8 pattern[300];

	make_queue(8, false, false);
	for (unsigned int i = 0; i < sizeof(pattern); i++)
		pattern[i] = (u8)i;
	/* 300 bytes from 100 before a piece boundary: two iovecs. */
	desc_set(r.desc, 0, BUF + CHUNK - 100, 300, W | N, 1);
	/* Three pieces: 2 bytes, one whole piece, 2 bytes. */
	desc_set(r.desc, 1, BUF + 3 * CHUNK - 2, CHUNK + 4, W, 0);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.nr_write, 5);
	assert_int_equal(req.write_len, 300 + CHUNK + 4);
	assert_iov(0, BUF + CHUNK - 100, 100);
	assert_iov(1, BUF + CHUNK, 200);
	assert_iov(2, BUF + 3 * CHUNK - 2, 2);
	assert_iov(3, BUF + 3 * CHUNK, CHUNK);
	assert_iov(4, BUF + 4 * CHUNK, 2);
	for (unsigned int i = 0; i < req.nr_write; i++)
		assert_true(fake_ram_holds(req.iov[i].base, req.iov[i].len));
	assert_int_equal(vq_req_write(&req, 0, pattern, sizeof(pattern)), sizeof(pattern));
	for (unsigned int i = 0; i < sizeof(pattern); i++)
		assert_int_equal(*ram(BUF + CHUNK - 100 + i), (u8)i);
}

static void test_indirect_chain(void **state)
{
	u32 id, len;

	make_queue(8, false, true);
	desc_set(TABLE, 0, BUF, 12, R | N, 2);
	desc_set(TABLE, 2, BUF + 64, 4, W | N, 1);
	desc_set(TABLE, 1, BUF + 128, 512, W, 0);
	/* The WRITE flag of the descriptor naming the table means nothing. */
	desc_set(r.desc, 3, TABLE, 3 * 16, I | W, 0);
	ring_post(&r, 3);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.head, 3);
	assert_int_equal(req.nr_read, 1);
	assert_int_equal(req.nr_write, 2);
	assert_iov(0, BUF, 12);
	assert_iov(1, BUF + 64, 4);
	assert_iov(2, BUF + 128, 512);
	vq_push(&q, &req, 516);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 516);
}

static void test_direct_then_indirect(void **state)
{
	/* Zero or more direct descriptors, then one indirect (2.7.5.3.2). */
	make_queue(8, false, true);
	desc_set(r.desc, 0, BUF, 8, R | N, 1);
	desc_set(r.desc, 1, TABLE, 2 * 16, I, 0);
	desc_set(TABLE, 0, BUF + 16, 8, R | N, 1);
	desc_set(TABLE, 1, BUF + 32, 8, W, 0);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.nr_read, 2);
	assert_int_equal(req.nr_write, 1);
	assert_iov(0, BUF, 8);
	assert_iov(1, BUF + 16, 8);
	assert_iov(2, BUF + 32, 8);
}

static void test_indirect_table_across_pieces(void **state)
{
	gpa_t table = BUF + CHUNK - 24;	/* not 16-aligned, straddling a boundary */

	make_queue(8, false, true);
	desc_set(table, 0, BUF + 2 * CHUNK, 8, R | N, 1);
	desc_set(table, 1, BUF + 2 * CHUNK + 8, 8, W, 0);
	desc_set(r.desc, 0, table, 32, I, 0);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_iov(0, BUF + 2 * CHUNK, 8);
	assert_iov(1, BUF + 2 * CHUNK + 8, 8);
}

static void test_longest_chains(void **state)
{
	/* A chain as long as the queue, and an indirect table as long. */
	make_queue(16, false, true);
	for (u16 i = 0; i < 16; i++)
		desc_set(r.desc, i, BUF + i, 1, (i < 15 ? N : 0) | (i >= 8 ? W : R), i + 1);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.nr_read, 8);
	assert_int_equal(req.nr_write, 8);
	for (u16 i = 0; i < 16; i++)
		desc_set(TABLE, i, BUF + i, 1, i < 15 ? N : 0, i + 1);
	desc_set(r.desc, 0, TABLE, 16 * 16, I, 0);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.nr_read, 16);
}

static void test_max_segments(void **state)
{
	/* 256 one-byte descriptors: exactly VQ_MAX_SEGS iovecs. */
	make_queue(256, false, false);
	for (unsigned int i = 0; i < 256; i++)
		desc_set(r.desc, i, BUF + i, 1, i < 255 ? N : 0, i + 1);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(req.nr_read, VQ_MAX_SEGS);
}

static void test_several_in_flight(void **state)
{
	u32 id, len;

	make_queue(4, false, false);
	for (u16 i = 0; i < 4; i++) {
		desc_set(r.desc, i, BUF + 64 * i, 64, W, 0);
		ring_post(&r, i);
	}
	/* Completed out of order: the used ring says which. */
	for (u16 i = 0; i < 4; i++)
		assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(vq_pop(&q, &req), 0);
	req.head = 2;
	req.write_len = 64;
	vq_push(&q, &req, 7);
	req.head = 0;
	vq_push(&q, &req, 9);
	assert_int_equal(ring_used_idx(&r), 2);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 2);
	assert_int_equal(len, 7);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 9);
}

static void test_index_wraparound(void **state)
{
	u32 id, len;
	unsigned int n;

	/* The free-running 16-bit indices wrap; entries go on mod 4. */
	make_queue(4, true, false);
	desc_set(r.desc, 0, BUF, 8, W, 0);
	desc_set(r.desc, 1, BUF + 8, 8, W, 0);
	for (n = 0; n < 0xfffe; n++) {
		u16 head = n & 1;

		ring_post(&r, head);
		assert_int_equal(vq_pop(&q, &req), 1);
		assert_int_equal(req.head, head);
		vq_push(&q, &req, n & 7);
		assert_int_equal(ring_used_idx(&r), (u16)(n + 1));
		ring_used_elem(&r, (u16)n, &id, &len);
		assert_int_equal(id, head);
		assert_int_equal(len, n & 7);
	}
	/* A full ring straddling the wrap: avail idx 0xfffe -> 0x0002. */
	for (int i = 0; i < 4; i++) {
		desc_set(r.desc, i, BUF + 16 * i, 16, W, 0);
		ring_post(&r, i);
	}
	assert_int_equal(ram_r16(r.avail + 2), 2);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vq_pop(&q, &req), 1);
		assert_int_equal(req.head, i);
		assert_int_equal(ring_avail_event(&r), (u16)(0xffff + i));
	}
	assert_int_equal(vq_pop(&q, &req), 0);
	for (int i = 0; i < 4; i++) {
		req.head = (u16)(3 - i);
		vq_push(&q, &req, 100 + i);
	}
	assert_int_equal(ring_used_idx(&r), 2);
	for (int i = 0; i < 4; i++) {
		ring_used_elem(&r, (u16)(0xfffe + i), &id, &len);
		assert_int_equal(id, 3 - i);
		assert_int_equal(len, 16);	/* clamped to the buffer */
	}
	/* Still one more than 4 ahead is a jump, across the wrap as well. */
	ring_set_avail_idx(&r, 7);
	assert_int_equal(vq_pop(&q, &req), -VQ_ERR_AVAIL_IDX);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_init_checks),
	T(test_strerror),
	T(test_empty_ring),
	T(test_direct_chain),
	T(test_request_data),
	T(test_zero_length_descriptors),
	T(test_buffer_across_pieces),
	T(test_indirect_chain),
	T(test_direct_then_indirect),
	T(test_indirect_table_across_pieces),
	T(test_longest_chains),
	T(test_max_segments),
	T(test_several_in_flight),
	T(test_index_wraparound),
};

UNIT_MAIN(tests, NULL, NULL)
