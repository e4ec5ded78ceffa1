// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the split virtqueue (emulators/virtio/virtqueue.c) on 10,000
 * random descriptor tables: every request popped lies in guest RAM and adds
 * up, every failure is a known error and sticks, and the mix covers both
 * outcomes and the kinds of errors.
 */
#include "virtqueue_fixture.h"

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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_fuzz_descriptor_tables),
};

UNIT_MAIN(tests, NULL, NULL)
