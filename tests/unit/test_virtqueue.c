// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the split virtqueue (emulators/virtio/virtqueue.c) over fake
 * guest RAM: well-formed chains (direct, indirect, mixed, split across RAM
 * pieces), used ring and notification decisions (flags and EVENT_IDX),
 * 16-bit index wrap-around, every malformed input with its own error, and
 * 10,000 random descriptor tables.
 */
#include "virtio_fixture.h"

#define RING		RAM_BASE			/* rings from here (pieces 0-1) */
#define TABLE		(RAM_BASE + 4 * CHUNK)		/* indirect tables */
#define BUF		(RAM_BASE + 8 * CHUNK)		/* buffers */
#define R		0
#define W		VIRTQ_DESC_F_WRITE
#define N		VIRTQ_DESC_F_NEXT
#define I		VIRTQ_DESC_F_INDIRECT

static struct vq q;
static struct ring r;
static struct vq_req req;

static int setup(void **state)
{
	memset(&q, 0, sizeof(q));
	memset(&req, 0, sizeof(req));
	return fake_ram_setup();
}

static int teardown(void **state)
{
	fake_ram_teardown();
	return 0;
}

/* A queue of num entries at RING with the given features. */
static void make_queue(u16 num, bool event_idx, bool indirect)
{
	ring_layout(&r, num, RING);
	assert_int_equal(vq_init(&q, &fake_mem, num, r.desc, r.avail, r.used, event_idx, indirect),
			 0);
}

static void assert_iov(unsigned int i, gpa_t gpa, u32 len)
{
	assert_ptr_equal(req.iov[i].base, ram(gpa));
	assert_int_equal(req.iov[i].len, len);
}

/* Pops expecting error e, twice (it sticks), and nothing consumed. */
static void assert_pop_fails(enum vq_error e)
{
	u16 before = q.last_avail_idx;

	assert_int_equal(vq_pop(&q, &req), -(int)e);
	assert_int_equal(vq_pop(&q, &req), -(int)e);
	assert_int_equal(q.last_avail_idx, before);
	assert_int_equal(ring_used_idx(&r), 0);
	/* A failed queue returns nothing and notifies nobody. */
	vq_push(&q, &req, 0);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_false(vq_should_notify(&q));
}

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

/* ---- notifications ------------------------------------------------------- */

static void pop_push(void)
{
	assert_int_equal(vq_pop(&q, &req), 1);
	vq_push(&q, &req, 0);
}

static void test_event_idx_notify(void **state)
{
	make_queue(8, true, false);
	for (u16 i = 0; i < 8; i++)
		desc_set(r.desc, i, BUF, 8, W, 0);
	for (u16 i = 0; i < 3; i++)
		ring_post(&r, i);
	/* The first decision always notifies. */
	pop_push();
	assert_true(vq_should_notify(&q));
	/* used_event = 1: notify when the used idx passes 1 (2 now). */
	ring_set_used_event(&r, 1);
	pop_push();
	assert_true(vq_should_notify(&q));
	/* used_event = 5: not at 3... */
	ring_set_used_event(&r, 5);
	pop_push();
	assert_false(vq_should_notify(&q));
	/* ...but when a batch crosses it (3 -> 6). */
	for (u16 i = 3; i < 6; i++)
		ring_post(&r, i);
	for (int i = 0; i < 3; i++)
		pop_push();
	assert_true(vq_should_notify(&q));
	/* Nothing new used: no notification, whatever used_event says. */
	ring_set_used_event(&r, 6);
	assert_false(vq_should_notify(&q));
	/* With EVENT_IDX the NO_INTERRUPT flag is ignored. */
	ring_set_avail_flags(&r, VIRTQ_AVAIL_F_NO_INTERRUPT);
	ring_post(&r, 6);
	pop_push();
	assert_true(vq_should_notify(&q));
	/* used_event wrapped around behind the used idx. */
	ring_set_used_event(&r, 0xfff0);
	ring_post(&r, 7);
	pop_push();
	assert_false(vq_should_notify(&q));
}

static void test_event_idx_avail_event(void **state)
{
	make_queue(8, true, false);
	desc_set(r.desc, 0, BUF, 8, W, 0);
	/* Each pop asks to be notified of the next buffer. */
	ring_post(&r, 0);
	ring_post(&r, 0);
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(ring_avail_event(&r), 1);
	vq_disable_notify(&q);
	assert_int_equal(ring_used_flags(&r), 0);	/* EVENT_IDX: flags unused */
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(ring_avail_event(&r), 1);	/* left behind while disabled */
	assert_false(vq_enable_notify(&q));
	assert_int_equal(ring_avail_event(&r), 2);
	/* A buffer added while disabled is reported by enable. */
	vq_disable_notify(&q);
	ring_post(&r, 0);
	assert_true(vq_enable_notify(&q));
	assert_int_equal(vq_pop(&q, &req), 1);
	assert_int_equal(ring_avail_event(&r), 3);
}

static void test_flags_notify(void **state)
{
	make_queue(8, false, false);
	desc_set(r.desc, 0, BUF, 8, W, 0);
	ring_post(&r, 0);
	pop_push();
	assert_true(vq_should_notify(&q));
	ring_set_avail_flags(&r, VIRTQ_AVAIL_F_NO_INTERRUPT);
	ring_post(&r, 0);
	pop_push();
	assert_false(vq_should_notify(&q));
	ring_set_used_event(&r, 0x1234);	/* ignored without EVENT_IDX */
	ring_set_avail_flags(&r, 0);
	assert_true(vq_should_notify(&q));
	/* Driver-to-device suppression through the used flags. */
	vq_disable_notify(&q);
	assert_int_equal(ring_used_flags(&r), VIRTQ_USED_F_NO_NOTIFY);
	assert_int_equal(ring_avail_event(&r), 0);
	assert_false(vq_enable_notify(&q));
	assert_int_equal(ring_used_flags(&r), 0);
	vq_disable_notify(&q);
	ring_post(&r, 0);
	assert_true(vq_enable_notify(&q));
	assert_int_equal(ring_used_flags(&r), 0);
}

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

/* ---- random descriptor tables -------------------------------------------- */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	/* xorshift64*: deterministic, for reproducible fuzzing. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* An address that is usually in the small area the fuzz fills, sometimes
 * at RAM's edges or anywhere at all. */
static u64 fuzz_addr(void)
{
	switch (rnd() % 8) {
	case 0:
		return rnd();
	case 1:
		return RAM_END - rnd() % 64;
	case 2:
		return RAM_BASE - rnd() % 64;
	default:
		return RAM_BASE + rnd() % (4 * CHUNK);
	}
}

static u32 fuzz_len(void)
{
	switch (rnd() % 8) {
	case 0:
		return (u32)rnd();
	case 1:
		return 16 * (rnd() % 20);		/* plausible indirect tables */
	case 2:
		return (u32)(rnd() % (2 * CHUNK));
	default:
		return (u32)(rnd() % 64);
	}
}

static void fuzz_descriptors(gpa_t table, unsigned int n, u16 num)
{
	for (unsigned int i = 0; i < n; i++) {
		u16 flags = rnd() % 4 ? (u16)(rnd() & 7) : (u16)rnd();
		u16 next = rnd() % 8 ? (u16)(rnd() % num) : (u16)rnd();

		desc_set(table, i, fuzz_addr(), fuzz_len(), flags, next);
	}
}

static void check_request(void)
{
	u64 rd = 0, wr = 0;

	assert_true(req.nr_read + req.nr_write <= VQ_MAX_SEGS);
	assert_true(req.head < q.num);
	for (unsigned int i = 0; i < req.nr_read + req.nr_write; i++) {
		const struct vq_iov *v = &req.iov[i];

		assert_true(v->len > 0);
		assert_true(fake_ram_holds(v->base, v->len));
		/* Touch both ends: ASan would catch a stray pointer. */
		(void)((volatile u8 *)v->base)[0];
		(void)((volatile u8 *)v->base)[v->len - 1];
		if (i < req.nr_read)
			rd += v->len;
		else
			wr += v->len;
	}
	assert_int_equal(rd, req.read_len);
	assert_int_equal(wr, req.write_len);
}

static void test_fuzz_descriptor_tables(void **state)
{
	unsigned int requests = 0, empties = 0, errors[VQ_ERR_COUNT] = { 0 };

	for (unsigned int iter = 0; iter < 10000; iter++) {
		u16 num = (u16)(1U << (rnd() % 7));	/* 1 .. 64 */
		bool event_idx = rnd() & 1, indirect = rnd() % 4 != 0;

		/* Rings in piece 0; random tables and buffers in pieces 0-3. */
		make_queue(num, event_idx, indirect);
		for (gpa_t a = RAM_BASE + CHUNK; a < RAM_BASE + 4 * CHUNK; a += 8) {
			u64 v = rnd();

			ram_write(a, &v, 8);
		}
		fuzz_descriptors(r.desc, num, num);
		for (unsigned int i = 0; i < 4; i++)
			fuzz_descriptors(RAM_BASE + CHUNK + rnd() % (3 * CHUNK - 512), 16, num);
		for (u16 i = 0; i < num; i++)
			ram_w16(r.avail + 4 + 2 * i, rnd() % 8 ? (u16)(rnd() % num) : (u16)rnd());
		ring_set_avail_idx(&r, rnd() % 4 ? (u16)(rnd() % (num + 1)) : (u16)rnd());

		for (unsigned int n = 0; n <= (unsigned int)num + 1; n++) {
			int ret = vq_pop(&q, &req);

			if (ret == 1) {
				requests++;
				check_request();
				vq_push(&q, &req, (u32)rnd());
				continue;
			}
			if (ret == 0) {
				empties++;
			} else {
				assert_true(ret < 0 && -ret < VQ_ERR_COUNT);
				errors[-ret]++;
				assert_int_equal(vq_pop(&q, &req), ret);
			}
			break;
		}
	}
	/* The mix covered both outcomes and many kinds of errors. */
	print_message("fuzz: %u requests, %u empty rings\n", requests, empties);
	assert_true(requests > 1000);
	assert_true(empties > 100);
	for (int e = VQ_ERR_AVAIL_IDX; e <= VQ_ERR_WRITE_ORDER; e++) {
		print_message("fuzz: %5u x %s\n", errors[e], vq_strerror(e));
		if (e != VQ_ERR_INDIRECT_RANGE)
			assert_true(errors[e] > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strerror, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_length_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffer_across_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_then_indirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_table_across_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_wraparound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_idx_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_idx_avail_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_avail_idx_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_avail_idx_backwards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_descriptor_loops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_bound_is_queue_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffer_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_not_negotiated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_bad_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_table_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_with_next, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_chain_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readable_after_writable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_is_sticky_until_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzz_descriptor_tables, setup, teardown),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, NULL, NULL);
}
