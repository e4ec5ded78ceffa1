// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the driver side of a split virtqueue
 * (drivers/virtio/virtqueue_drv.c): the ring layout, chains added directly
 * and through indirect tables, the free list across out-of-order
 * completions, 16-bit index wrap-around, notification flags, a device
 * returning garbage, and 20,000 random add/complete steps checked against
 * a model. The "device" is this file, reading and writing the rings in
 * host memory (fake arch: physical addresses are host pointers).
 */
#include "unit.h"
#include <stdlib.h>
#include "kerrno.h"
#include "../../drivers/virtio/virtqueue_drv.h"

#define QMAX	256

static struct vqd q;
static void *cookies[QMAX];
static u8 ring[65536] __attribute__((aligned(4096)));
static u16 dev_avail;		/* the device's next avail entry */
static u16 dev_used;		/* the device's used idx */

static int setup(void **state)
{
	fake_arch_reset();
	memset(&q, 0, sizeof(q));
	dev_avail = dev_used = 0;
	return 0;
}

static void make_queue(u16 num)
{
	assert_true(vqd_ring_size(num) <= sizeof(ring));
	assert_int_equal(vqd_init(&q, num, ring, (hpa_t)(uintptr_t)ring, cookies), 0);
}

static struct vring_desc *desc_at(hpa_t pa)
{
	return (struct vring_desc *)(uintptr_t)pa;
}

/* The device takes the next available head (asserting there is one). */
static u16 dev_pop(void)
{
	u16 idx = __atomic_load_n(&q.avail->idx, __ATOMIC_ACQUIRE);

	assert_int_not_equal(idx, dev_avail);
	return q.avail->ring[dev_avail++ & (q.num - 1)];
}

/* The device returns chain `head` with len bytes written. */
static void dev_push(u16 head, u32 len)
{
	q.used->ring[dev_used & (q.num - 1)] = (struct vring_used_elem){ head, len };
	dev_used++;
	__atomic_store_n(&q.used->idx, dev_used, __ATOMIC_RELEASE);
}

static struct vqd_seg seg(u64 addr, u32 len)
{
	return (struct vqd_seg){ addr, len };
}

/* ---- layout and setup -------------------------------------------------- */

static void test_layout(void **state)
{
	make_queue(8);
	assert_ptr_equal(q.desc, ring);
	assert_ptr_equal(q.avail, ring + 8 * 16);
	/* avail: flags, idx, 8 entries, used_event = 22 bytes after 128. */
	assert_int_equal((u8 *)q.used - ring, 192);
	assert_int_equal(q.used_pa % 64, 0);
	assert_int_equal(q.avail_pa, (hpa_t)(uintptr_t)ring + 128);
	assert_int_equal(vqd_ring_size(8), 192 + 4 + 8 * 8 + 2);
	assert_int_equal(q.num_free, 8);
	assert_false(vqd_has_used(&q));
	assert_null(vqd_get_used(&q, &(u32){ 0 }));
}

static void test_init_rejects(void **state)
{
	static const u16 bad[] = { 0, 3, 6, 100, 32767 };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(vqd_init(&q, bad[i], ring, (hpa_t)(uintptr_t)ring, cookies),
				 -EINVAL);
	assert_int_equal(vqd_init(&q, 8, ring, (hpa_t)(uintptr_t)ring + 8, cookies), -EINVAL);
	assert_int_equal(vqd_init(&q, 8, NULL, 0, cookies), -EINVAL);
	assert_int_equal(vqd_init(&q, 8, ring, (hpa_t)(uintptr_t)ring, NULL), -EINVAL);
	assert_int_equal(vqd_init(&q, 1, ring, (hpa_t)(uintptr_t)ring, cookies), 0);
}

/* ---- adding chains ------------------------------------------------------ */

static void test_direct_chain(void **state)
{
	struct vqd_seg s[3] = { seg(0x1000, 16), seg(0x2000, 512), seg(0x3000, 1) };
	struct vring_desc *d;
	u16 head, i;

	make_queue(8);
	assert_int_equal(vqd_add(&q, s, 2, 1, (void *)0x77), 0);
	assert_int_equal(q.num_free, 5);
	assert_int_equal(q.avail->idx, 1);
	head = dev_pop();
	d = &q.desc[head];
	assert_int_equal(d->addr, 0x1000);
	assert_int_equal(d->len, 16);
	assert_int_equal(d->flags, VRING_DESC_F_NEXT);
	i = d->next;
	assert_int_equal(q.desc[i].addr, 0x2000);
	assert_int_equal(q.desc[i].len, 512);
	assert_int_equal(q.desc[i].flags, VRING_DESC_F_NEXT);
	i = q.desc[i].next;
	assert_int_equal(q.desc[i].addr, 0x3000);
	assert_int_equal(q.desc[i].flags, VRING_DESC_F_WRITE);	/* writable, last */
	assert_true(vqd_kick_needed(&q));

	dev_push(head, 1);
	assert_true(vqd_has_used(&q));
	u32 len = 0;
	assert_ptr_equal(vqd_get_used(&q, &len), (void *)0x77);
	assert_int_equal(len, 1);
	assert_int_equal(q.num_free, 8);
	assert_null(vqd_get_used(&q, &len));
	assert_int_equal(q.added, 1);
	assert_int_equal(q.completed, 1);
}

static void test_add_rejects_and_full(void **state)
{
	struct vqd_seg s[9];

	for (unsigned int i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = seg(0x1000 * (i + 1), 64);
	make_queue(8);
	assert_int_equal(vqd_add(&q, s, 0, 0, (void *)1), -EINVAL);	/* no segment */
	assert_int_equal(vqd_add(&q, s, 9, 0, (void *)1), -EINVAL);	/* more than the queue */
	assert_int_equal(vqd_add(&q, s, 1, 0, NULL), -EINVAL);		/* no cookie */
	s[1].len = 0;
	assert_int_equal(vqd_add(&q, s, 2, 0, (void *)1), -EINVAL);	/* zero length */
	s[1].len = 64;
	assert_int_equal(q.avail->idx, 0);

	assert_int_equal(vqd_add(&q, s, 3, 3, (void *)1), 0);
	assert_int_equal(vqd_add(&q, s, 2, 1, (void *)2), -ENOSPC);	/* 2 left */
	assert_int_equal(q.num_free, 2);
	assert_int_equal(q.avail->idx, 1);
	assert_int_equal(vqd_add(&q, s, 1, 1, (void *)3), 0);
	assert_int_equal(q.num_free, 0);
	assert_int_equal(vqd_add(&q, s, 1, 0, (void *)4), -ENOSPC);
}

static void test_indirect_chain(void **state)
{
	static struct vring_desc table[4] __attribute__((aligned(16)));
	struct vqd_seg s[4] = { seg(0x1000, 16), seg(0x2000, 4096), seg(0x3000, 4096),
				seg(0x4000, 1) };
	struct vring_desc *d;
	u16 head;
	u32 len;

	make_queue(4);
	assert_int_equal(vqd_add_indirect(&q, table, (hpa_t)(uintptr_t)table, s, 1, 3,
					  (void *)5), 0);
	assert_int_equal(q.num_free, 3);
	head = dev_pop();
	d = &q.desc[head];
	assert_int_equal(d->flags, VRING_DESC_F_INDIRECT);
	assert_int_equal(d->len, 4 * 16);
	assert_ptr_equal(desc_at(d->addr), table);
	assert_int_equal(table[0].flags, VRING_DESC_F_NEXT);
	assert_int_equal(table[0].next, 1);
	assert_int_equal(table[1].flags, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	assert_int_equal(table[2].next, 3);
	assert_int_equal(table[3].flags, VRING_DESC_F_WRITE);
	assert_int_equal(table[3].addr, 0x4000);
	/* Misaligned table, no free descriptor. */
	assert_int_equal(vqd_add_indirect(&q, table, (hpa_t)(uintptr_t)table + 4, s, 1, 3,
					  (void *)6), -EINVAL);
	for (int i = 0; i < 3; i++)
		assert_int_equal(vqd_add_indirect(&q, table, (hpa_t)(uintptr_t)table, s, 1, 0,
						  (void *)6), 0);
	assert_int_equal(vqd_add_indirect(&q, table, (hpa_t)(uintptr_t)table, s, 1, 0,
					  (void *)7), -ENOSPC);
	dev_push(head, 4097);
	assert_ptr_equal(vqd_get_used(&q, &len), (void *)5);
	assert_int_equal(len, 4097);
	assert_int_equal(q.num_free, 1);
}

/* Chains come back in any order; the free list hands every descriptor out
 * again and never one that is in flight. */
static void test_out_of_order_completion(void **state)
{
	struct vqd_seg s[8];
	u16 a, b, c;
	u32 len;

	for (unsigned int i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = seg(0x1000 * (i + 1), 8);
	make_queue(8);
	assert_int_equal(vqd_add(&q, s, 2, 0, (void *)0xa), 0);
	assert_int_equal(vqd_add(&q, s, 3, 0, (void *)0xb), 0);
	assert_int_equal(vqd_add(&q, s, 1, 0, (void *)0xc), 0);
	a = dev_pop();
	b = dev_pop();
	c = dev_pop();
	dev_push(b, 0);
	dev_push(a, 0);
	assert_ptr_equal(vqd_get_used(&q, &len), (void *)0xb);
	assert_ptr_equal(vqd_get_used(&q, &len), (void *)0xa);
	assert_int_equal(q.num_free, 7);
	/* All seven free ones make one chain; c's descriptor is not among them. */
	assert_int_equal(vqd_add(&q, s, 7, 0, (void *)0xd), 0);
	u16 d = dev_pop(), i = d;
	for (int n = 0; n < 7; n++) {
		assert_int_not_equal(i, c);
		i = q.desc[i].next;
	}
	dev_push(c, 0);
	dev_push(d, 0);
	assert_ptr_equal(vqd_get_used(&q, &len), (void *)0xc);
	assert_ptr_equal(vqd_get_used(&q, &len), (void *)0xd);
	assert_int_equal(q.num_free, 8);
}

static void test_index_wraparound(void **state)
{
	struct vqd_seg s = seg(0x1000, 8);
	u32 len;

	make_queue(4);
	for (unsigned int i = 0; i < 70000; i++) {
		assert_int_equal(vqd_add(&q, &s, 1, 0, (void *)(uintptr_t)(i + 1)), 0);
		dev_push(dev_pop(), i);
		assert_ptr_equal(vqd_get_used(&q, &len), (void *)(uintptr_t)(i + 1));
		assert_int_equal(len, i);
	}
	assert_int_equal(q.avail->idx, (u16)70000);
	assert_int_equal(q.last_used, (u16)70000);
	assert_int_equal(q.num_free, 4);
}

static void test_notification_flags(void **state)
{
	make_queue(4);
	assert_true(vqd_kick_needed(&q));
	q.used->flags = VRING_USED_F_NO_NOTIFY;
	assert_false(vqd_kick_needed(&q));
	q.used->flags = 0;
	vqd_set_interrupts(&q, false);
	assert_int_equal(q.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	vqd_set_interrupts(&q, true);
	assert_int_equal(q.avail->flags, 0);
}

/* A used entry naming a descriptor that is not a chain in flight stops the
 * queue, with one log line. */
static void test_device_garbage(void **state)
{
	struct vqd_seg s = seg(0x1000, 8);
	u32 len;

	make_queue(4);
	assert_int_equal(vqd_add(&q, &s, 1, 0, (void *)1), 0);
	dev_push(9, 0);		/* out of range */
	assert_null(vqd_get_used(&q, &len));
	assert_int_equal(q.error, -EIO);
	assert_console_contains("device returned descriptor 9, which is not in flight");
	assert_false(vqd_has_used(&q));

	setup(state);
	make_queue(4);
	assert_int_equal(vqd_add(&q, &s, 1, 0, (void *)1), 0);
	u16 head = dev_pop();
	dev_push(head, 0);
	dev_push(head, 0);	/* the same chain twice */
	assert_ptr_equal(vqd_get_used(&q, &len), (void *)1);
	assert_null(vqd_get_used(&q, &len));
	assert_int_equal(q.error, -EIO);
	assert_int_equal(q.num_free, 4);
}

/* Random chains added and completed in random order, against a model of
 * which descriptors each chain holds. */
static void test_random_against_model(void **state)
{
	enum { N = 32, STEPS = 20000 };
	struct vqd_seg s[N];
	struct { bool live; u16 head; unsigned int len; } chains[N * 2];
	bool owned[N];
	unsigned int live = 0, free_model = N;
	u16 heads[N];
	unsigned int nheads = 0;

	srand(1234);
	for (unsigned int i = 0; i < N; i++)
		s[i] = seg(0x1000 * (i + 1), 8);
	memset(chains, 0, sizeof(chains));
	memset(owned, 0, sizeof(owned));
	make_queue(N);
	for (unsigned int step = 0; step < STEPS; step++) {
		if (rand() % 2) {
			unsigned int n = 1 + rand() % 6, c;
			int r;

			for (c = 0; c < ARRAY_SIZE(chains) && chains[c].live; c++)
				;
			assert_true(c < ARRAY_SIZE(chains));
			r = vqd_add(&q, s, n - n / 2, n / 2, &chains[c]);
			if (n > free_model) {
				assert_int_equal(r, -ENOSPC);
				continue;
			}
			assert_int_equal(r, 0);
			u16 head = dev_pop(), d = head;

			for (unsigned int k = 0; k < n; k++) {
				assert_false(owned[d]);
				owned[d] = true;
				assert_int_equal(!!(q.desc[d].flags & VRING_DESC_F_NEXT), k + 1 < n);
				d = q.desc[d].next;
			}
			chains[c] = (typeof(chains[c])){ true, head, n };
			free_model -= n;
			heads[nheads++] = head;
			live++;
		} else if (nheads) {
			unsigned int pick = rand() % nheads;
			u16 head = heads[pick];
			void *cookie;
			u32 len;

			heads[pick] = heads[--nheads];
			dev_push(head, step);
			cookie = vqd_get_used(&q, &len);
			assert_non_null(cookie);
			assert_int_equal(len, step);
			typeof(chains[0]) *ch = cookie;
			assert_true(ch->live);
			assert_int_equal(ch->head, head);
			u16 d = head;
			for (unsigned int k = 0; k < ch->len; k++) {
				owned[d] = false;
				d = q.desc[d].next;
			}
			ch->live = false;
			free_model += ch->len;
			live--;
		}
		assert_int_equal(q.num_free, free_model);
	}
	assert_int_equal(q.error, 0);
	(void)live;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_layout, setup),
		cmocka_unit_test_setup(test_init_rejects, setup),
		cmocka_unit_test_setup(test_direct_chain, setup),
		cmocka_unit_test_setup(test_add_rejects_and_full, setup),
		cmocka_unit_test_setup(test_indirect_chain, setup),
		cmocka_unit_test_setup(test_out_of_order_completion, setup),
		cmocka_unit_test_setup(test_index_wraparound, setup),
		cmocka_unit_test_setup(test_notification_flags, setup),
		cmocka_unit_test_setup(test_device_garbage, setup),
		cmocka_unit_test_setup(test_random_against_model, setup),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, NULL, NULL);
}
