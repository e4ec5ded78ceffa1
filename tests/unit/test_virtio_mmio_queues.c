// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the VirtIO-MMIO transport's queues
 * (emulators/virtio/virtio_mmio.c) with the rng backend, driven as a guest
 * driver drives them: requests end to end (chains, indirect tables, the
 * request limit, bounded batches), notification suppression, notifications
 * before the device is live, queue registers while ready; the interrupt
 * line, config generation and reset.
 */
#include "virtio_mmio_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- queues and requests ------------------------------------------------- */

static void test_rng_fills_buffer(void **state)
{
	u32 id, len;

	bring_up(F_ALL);
	post_buffer(3, BUF, 64);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 64);
	assert_pattern(BUF, 64, 0);
	assert_int_equal(*ram(BUF + 64), 0);
	/* The used buffer interrupt, level high until acknowledged. */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_true(line);
	assert_int_equal(irq_calls, 1);
	ack(VIRTIO_INT_USED);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line);
	/* The next one continues the source; the driver asks to hear about
	 * it (EVENT_IDX: used_event = what it has consumed, as Linux does). */
	ring_set_used_event(&r, 1);
	post_buffer(4, BUF + 100, 8);
	notify();
	assert_pattern(BUF + 100, 8, 64);
	assert_true(line);
	/* A notify with nothing new does nothing. */
	ack(VIRTIO_INT_USED);
	notify();
	assert_int_equal(ring_used_idx(&r), 2);
	assert_false(line);
}

static void test_rng_chains_and_limit(void **state)
{
	u32 id, len;

	bring_up(F_ALL);
	/* Two writable buffers in one chain, one across a RAM piece boundary. */
	desc_set(r.desc, 0, BUF, 10, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc_set(r.desc, 1, BUF + CHUNK - 5, 20, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, 0);
	/* One via an indirect table. */
	desc_set(TABLE, 0, BUF + 2 * CHUNK, 6, VIRTQ_DESC_F_WRITE, 0);
	desc_set(r.desc, 2, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 2);
	/* One larger than a request's limit: only VIRTIO_RNG_MAX_REQUEST given. */
	post_buffer(3, BUF + 4 * CHUNK, 2 * VIRTIO_RNG_MAX_REQUEST);
	notify();
	assert_int_equal(ring_used_idx(&r), 3);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 30);
	assert_pattern(BUF, 10, 0);
	assert_pattern(BUF + CHUNK - 5, 20, 10);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 2);
	assert_int_equal(len, 6);
	assert_pattern(BUF + 2 * CHUNK, 6, 30);
	ring_used_elem(&r, 2, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, VIRTIO_RNG_MAX_REQUEST);
	assert_pattern(BUF + 4 * CHUNK, VIRTIO_RNG_MAX_REQUEST, 36);
	assert_int_equal(*ram(BUF + 4 * CHUNK + VIRTIO_RNG_MAX_REQUEST), 0);
	/* One interrupt for the batch. */
	assert_int_equal(irq_calls, 1);
}

static void test_rng_batch_then_retry(void **state)
{
	u64 v = 0;

	negotiate(F_ALL);
	setup_queue(32);
	driver_ok();
	for (u16 i = 0; i < 20; i++)
		post_buffer(i, BUF + 16 * i, 16);
	/* A bounded batch, then the store is to be run again... */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), VIRTIO_RNG_BATCH);
	assert_true(line);
	/* ...which finishes the work. */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 20);
	assert_pattern(BUF, 16 * 20, 0);
}

static void test_event_idx_suppression(void **state)
{
	bring_up(F_ALL);
	/* Each request taken moves avail_event on: the driver notifies again. */
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(ring_avail_event(&r), 1);
	assert_true(line);
	ack(VIRTIO_INT_USED);
	/* The driver wants an interrupt only when used idx passes 5. */
	ring_set_used_event(&r, 5);
	for (u16 i = 1; i < 4; i++) {
		post_buffer(i, BUF + 8 * i, 4);
		notify();
		assert_int_equal(ring_used_idx(&r), i + 1);
		assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	}
	assert_int_equal(irq_calls, 2);
	post_buffer(4, BUF + 64, 4);
	post_buffer(5, BUF + 72, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 6);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_true(line);
}

static void test_no_interrupt_flag(void **state)
{
	bring_up(F_V1);	/* no EVENT_IDX: the avail flags decide */
	ring_set_avail_flags(&r, VIRTQ_AVAIL_F_NO_INTERRUPT);
	ring_set_used_event(&r, 0);	/* meaningless here */
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	assert_int_equal(ring_avail_event(&r), 0);	/* not written without EVENT_IDX */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq_calls, 0);
	ring_set_avail_flags(&r, 0);
	post_buffer(1, BUF, 4);
	notify();
	assert_true(line);
}

static void test_notify_ignored_until_live(void **state)
{
	negotiate(F_ALL);
	setup_queue(8);
	post_buffer(0, BUF, 4);
	/* Not DRIVER_OK yet: the device must not touch the queue. */
	notify();
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(src_calls, 0);
	/* Queues that do not exist, or are not ready. */
	driver_ok();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	assert_int_equal(src_calls, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	notify();
	assert_int_equal(src_calls, 0);
	/* FAILED: the driver gave up; the device stops too. */
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
	notify();
	assert_int_equal(src_calls, 0);
	assert_int_equal(irq_calls, 0);
}

static void test_queue_registers_locked_while_ready(void **state)
{
	bring_up(F_ALL);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	/* Ignored while ready: the queue keeps working where it was, even
	 * when the driver disables and enables it again. */
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0xdead0000);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, 0xdead0000);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0xdead0000);
	wr(VIRTIO_MMIO_QUEUE_NUM, 2);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

/* ---- interrupt, config, reset -------------------------------------------- */

static void test_interrupt_pulse_on_new_event(void **state)
{
	bring_up(F_ALL);
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(irq_calls, 1);
	/* A second kind of event while the line is high: a new edge. */
	virtio_dev_config_changed(dev);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED | VIRTIO_INT_CONFIG);
	assert_int_equal(irq_calls, 3);
	assert_true(irq_log[0] && !irq_log[1] && irq_log[2]);
	/* The same kind again: already pending, nothing to show. */
	virtio_dev_config_changed(dev);
	assert_int_equal(irq_calls, 3);
	/* Partial ACK keeps it high; the last bit drops it. */
	ack(VIRTIO_INT_USED);
	assert_true(line);
	assert_int_equal(irq_calls, 3);
	ack(VIRTIO_INT_CONFIG | 0xfc);
	assert_false(line);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* Another used buffer after the ACK: the line rises again. */
	ring_set_used_event(&r, 1);
	post_buffer(1, BUF, 4);
	notify();
	assert_true(line);
	ack(VIRTIO_INT_USED);
	assert_false(line);
	assert_int_equal(irq_calls, 6);
	assert_true(!irq_log[3] && irq_log[4] && !irq_log[5]);
}

static void test_config_generation(void **state)
{
	/* Before DRIVER_OK the generation moves, without an interrupt. */
	virtio_dev_config_changed(dev);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	bring_up(F_ALL);	/* includes a reset: the generation survives it */
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	virtio_dev_config_changed(dev);
	virtio_dev_config_changed(dev);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 3);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(line);
}

static void test_reset_clears_everything(void **state)
{
	bring_up(F_ALL);
	post_buffer(0, BUF, 4);
	notify();
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 5);
	assert_true(line);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_false(line);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(virtio_dev_features(dev), 0);
	/* Selectors back to 0. */
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), (1U << 28) | (1U << 29));
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	/* The guest-reset path does the same. */
	bring_up(F_ALL);
	post_buffer(1, BUF, 4);
	notify();
	assert_true(line);
	virtio_dev_reset(dev);
	assert_false(line);
	assert_int_equal(virtio_dev_status(dev), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	/* And the queue starts from index 0 again. */
	bring_up(F_ALL);
	post_buffer(2, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_rng_fills_buffer),
	T(test_rng_chains_and_limit),
	T(test_rng_batch_then_retry),
	T(test_event_idx_suppression),
	T(test_no_interrupt_flag),
	T(test_notify_ignored_until_live),
	T(test_queue_registers_locked_while_ready),
	T(test_interrupt_pulse_on_new_event),
	T(test_config_generation),
	T(test_reset_clears_everything),
};

UNIT_MAIN(tests, group_setup, group_teardown)
