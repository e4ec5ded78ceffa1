// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the split virtqueue's notification decisions
 * (emulators/virtio/virtqueue.c): device-to-driver interrupts by EVENT_IDX
 * (used_event) or by the avail flags, and driver-to-device suppression
 * (avail_event, the used flags).
 */
#include "virtqueue_fixture.h"

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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_event_idx_notify),
	T(test_event_idx_avail_event),
	T(test_flags_notify),
};

UNIT_MAIN(tests, NULL, NULL)
