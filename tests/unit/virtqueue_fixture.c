// SPDX-License-Identifier: GPL-2.0
/* The split virtqueue test fixture (see virtqueue_fixture.h). */
#include "virtqueue_fixture.h"

struct vq q;
struct ring r;
struct vq_req req;

int setup(void **state)
{
	memset(&q, 0, sizeof(q));
	memset(&req, 0, sizeof(req));
	return fake_ram_setup();
}

int teardown(void **state)
{
	fake_ram_teardown();
	return 0;
}

void make_queue(u16 num, bool event_idx, bool indirect)
{
	ring_layout(&r, num, RING);
	assert_int_equal(vq_init(&q, &fake_mem, num, r.desc, r.avail, r.used, event_idx, indirect),
			 0);
}

void assert_iov(unsigned int i, gpa_t gpa, u32 len)
{
	assert_ptr_equal(req.iov[i].base, ram(gpa));
	assert_int_equal(req.iov[i].len, len);
}

void assert_pop_fails(enum vq_error e)
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
