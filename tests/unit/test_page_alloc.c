// SPDX-License-Identifier: GPL-2.0
/* Host tests of core/page_alloc.c, the buddy allocator, on host buffers. */
#include "unit.h"
#include "kerrno.h"
#include <stdlib.h>
#include <kestrel/page_alloc.h>
#include <arch_irq.h>

#define MiB		(1024UL * 1024)
#define BUF_ALIGN	(4 * MiB)
#define MAX_BLOCKS	4096

static void *bufs[3];

/* A zero-filled host buffer standing in for a RAM bank. */
static hpa_t ram(unsigned int i, size_t size)
{
	bufs[i] = aligned_alloc(BUF_ALIGN, size);
	assert_non_null(bufs[i]);
	memset(bufs[i], 0, size);
	return (hpa_t)(uintptr_t)bufs[i];
}

static int setup(void **state)
{
	fake_arch_reset();
	page_alloc_reset();
	return 0;
}

static int teardown(void **state)
{
	page_alloc_reset();
	for (unsigned int i = 0; i < ARRAY_SIZE(bufs); i++) {
		free(bufs[i]);
		bufs[i] = NULL;
	}
	return 0;
}

static struct page_zone_stats zone_stats(unsigned int zone)
{
	struct page_zone_stats zs;

	assert_int_equal(page_get_zone_stats(zone, &zs), 0);
	return zs;
}

static struct page_stats stats(void)
{
	struct page_stats st;

	page_get_stats(&st);
	return st;
}

/* Allocates order-`order` blocks until none is left; returns how many. */
static unsigned int drain(unsigned int order, hpa_t *out, unsigned int max)
{
	unsigned int n = 0;
	hpa_t pa;

	while ((pa = page_alloc(order)) != 0) {
		assert_true(n < max);
		out[n++] = pa;
	}
	return n;
}

static int cmp_hpa(const void *a, const void *b)
{
	hpa_t x = *(const hpa_t *)a, y = *(const hpa_t *)b;

	return x < y ? -1 : x > y;
}

static void test_zone_layout(void **state)
{
	hpa_t base = ram(0, 4 * MiB);
	struct page_zone_stats zs;
	struct page_stats st;

	assert_int_equal(page_zone_add(base, 4 * MiB, NULL, 0), 0);
	zs = zone_stats(0);
	/* 1024 pages; the byte map takes the first one. */
	assert_int_equal(zs.base, base);
	assert_int_equal(zs.pages, 1023);
	assert_int_equal(zs.free_pages, 1023);
	/* Pages 1..1023 split into naturally aligned blocks of orders 0..9. */
	for (unsigned int k = 0; k < PAGE_MAX_ORDER; k++)
		assert_int_equal(zs.free_blocks[k], k <= 9 ? 1 : 0);
	st = stats();
	assert_int_equal(st.zones, 1);
	assert_int_equal(st.total_pages, 1023);
	assert_int_equal(st.free_pages, 1023);
	assert_int_equal(st.live_blocks, 0);
	assert_false(arch_irqs_disabled());
}

static void test_reserved_ranges_never_handed_out(void **state)
{
	hpa_t base = ram(0, 4 * MiB);
	/* Unaligned ranges cover every page they touch; ones outside the zone
	 * or crossing its end are clipped. */
	const struct page_range rsv[] = {
		{ base + 0x1800, 0x1000 },		/* pages 1 and 2 */
		{ base + 100 * PAGE_SIZE, 3 * PAGE_SIZE },
		{ base + 4 * MiB - 10, 0x100 },		/* last page, past the end */
		{ base + 8 * MiB, 64 * PAGE_SIZE },	/* outside: ignored */
		{ base + 101 * PAGE_SIZE, PAGE_SIZE },	/* overlaps an earlier one */
	};
	static hpa_t got[MAX_BLOCKS];
	unsigned int n;

	assert_int_equal(page_zone_add(base, 4 * MiB, rsv, ARRAY_SIZE(rsv)), 0);
	/* 1024 pages - map (page 0) - pages 1, 2 - 100..102 - 1023. */
	assert_int_equal(zone_stats(0).pages, 1024 - 1 - 2 - 3 - 1);
	n = drain(0, got, MAX_BLOCKS);
	assert_int_equal(n, 1024 - 7);
	qsort(got, n, sizeof(got[0]), cmp_hpa);
	for (unsigned int i = 0; i < n; i++) {
		u64 page = (got[i] - base) / PAGE_SIZE;

		assert_true(got[i] >= base && got[i] < base + 4 * MiB);
		assert_true(page != 0 && page != 1 && page != 2 && page != 1023);
		assert_false(page >= 100 && page <= 102);
		if (i)
			assert_true(got[i] > got[i - 1]);	/* never twice */
	}
	assert_int_equal(stats().free_pages, 0);
}

static void test_natural_alignment(void **state)
{
	/* A zone starting 3 pages into an aligned buffer: blocks stay aligned
	 * to their size in physical address space, not to the zone start. */
	hpa_t base = ram(0, 8 * MiB) + 3 * PAGE_SIZE;

	assert_int_equal(page_zone_add(base, 8 * MiB - 3 * PAGE_SIZE, NULL, 0), 0);
	for (unsigned int k = 0; k <= 9; k++) {
		hpa_t pa = page_alloc(k);

		assert_int_not_equal(pa, 0);
		assert_int_equal(pa % (PAGE_SIZE << k), 0);
		assert_true(pa >= base && pa + (PAGE_SIZE << k) <= base + 8 * MiB - 3 * PAGE_SIZE);
		memset((void *)(uintptr_t)pa, 0x5a, PAGE_SIZE << k);	/* really ours */
		page_free(pa, k);
	}
	assert_int_equal(stats().live_blocks, 0);
	assert_false(arch_irqs_disabled());
}

static void test_split_and_merge_restore_everything(void **state)
{
	/* The byte map fits in the page just below a 4 MiB boundary, so the
	 * free memory is exactly one order-10 block. */
	hpa_t base = ram(0, 8 * MiB) + 4 * MiB - PAGE_SIZE;
	static hpa_t got[MAX_BLOCKS];
	static unsigned int order[MAX_BLOCKS];
	struct page_zone_stats before, after;
	struct page_stats st;
	unsigned int n = 0;
	hpa_t pa;

	assert_int_equal(page_zone_add(base, 4 * MiB + PAGE_SIZE, NULL, 0), 0);
	before = zone_stats(0);
	assert_int_equal(before.free_blocks[10], 1);
	assert_int_equal(before.free_pages, 1024);

	/* Mixed orders until exhausted (order 0 for what is left), then free
	 * everything in a scrambled order. */
	for (unsigned int i = 0; n < MAX_BLOCKS; i++) {
		unsigned int k = i % 4;

		pa = page_alloc(k);
		if (!pa) {
			k = 0;
			pa = page_alloc(0);
		}
		if (!pa)
			break;
		order[n] = k;
		got[n++] = pa;
	}
	assert_int_equal(stats().free_pages, 0);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int j = (i * 7919u) % n;	/* 7919 is prime (> n): a permutation */

		page_free(got[j], order[j]);
	}
	assert_console_lacks("error");
	after = zone_stats(0);
	assert_memory_equal(&before, &after, sizeof(before));
	st = stats();
	assert_int_equal(st.live_blocks, 0);
	assert_int_equal(st.allocs, st.frees);
	assert_int_equal(st.allocs, n);
	/* The whole 4 MiB is one block again. */
	assert_int_equal(page_alloc(10), base + PAGE_SIZE);
}

static void test_exhaustion_returns_zero(void **state)
{
	hpa_t base = ram(0, 8 * MiB) + 4 * MiB - PAGE_SIZE;
	static hpa_t got[MAX_BLOCKS];
	struct page_stats st;

	assert_int_equal(page_zone_add(base, 4 * MiB + PAGE_SIZE, NULL, 0), 0);
	assert_int_equal(page_alloc(11), 0);			/* larger than any block */
	assert_int_equal(page_alloc(PAGE_MAX_ORDER), 0);	/* beyond the allocator */
	assert_int_equal(page_alloc(~0u), 0);
	assert_int_equal(drain(2, got, MAX_BLOCKS), 256);
	assert_int_equal(page_alloc(0), 0);
	st = stats();
	/* Every refused request counts, impossible orders included. */
	assert_int_equal(st.failed, 5);
	assert_int_equal(st.allocs, 256);
	assert_int_equal(st.free_pages, 0);
	assert_false(arch_irqs_disabled());
}

static void test_double_free_is_rejected(void **state)
{
	hpa_t base = ram(0, 4 * MiB);
	static hpa_t got[MAX_BLOCKS];
	char msg[96];
	hpa_t pa;

	assert_int_equal(page_zone_add(base, 4 * MiB, NULL, 0), 0);
	pa = page_alloc(0);
	page_free(pa, 0);
	assert_console_lacks("error");
	page_free(pa, 0);
	snprintf(msg, sizeof(msg), "page: error: free of 0x%llx (order 0): not an allocated",
		 (unsigned long long)pa);
	assert_console_contains(msg);
	assert_int_equal(stats().frees, 1);
	assert_int_equal(stats().live_blocks, 0);
	assert_int_equal(stats().free_pages, 1023);
	/* Freed once only: draining yields every page exactly once. */
	assert_int_equal(drain(0, got, MAX_BLOCKS), 1023);
	qsort(got, 1023, sizeof(got[0]), cmp_hpa);
	for (unsigned int i = 1; i < 1023; i++)
		assert_true(got[i] != got[i - 1]);
}

static void test_mismatched_frees_are_rejected(void **state)
{
	hpa_t base = ram(0, 4 * MiB);
	struct page_zone_stats before;
	hpa_t pa;

	assert_int_equal(page_zone_add(base, 4 * MiB, NULL, 0), 0);
	before = zone_stats(0);
	pa = page_alloc(2);
	assert_int_not_equal(pa, 0);
	page_free(pa, 1);			/* wrong order */
	page_free(pa, 3);
	page_free(pa + PAGE_SIZE, 0);		/* inside the block */
	page_free(pa + 8, 2);			/* not page aligned */
	page_free(pa, PAGE_MAX_ORDER);		/* no such order */
	page_free(base, 0);			/* the zone's own byte map */
	page_free(base + 8 * MiB, 0);		/* no zone there */
	page_free(0, 0);
	assert_int_equal(stats().frees, 0);
	assert_int_equal(stats().live_blocks, 1);
	assert_int_equal(zone_stats(0).free_pages, before.free_pages - 4);
	assert_console_contains("(order 1): not an allocated block of that order, ignored");
	assert_console_contains("(order 19): not an allocated");
	assert_false(arch_irqs_disabled());
	/* The right free still works and everything merges back. */
	page_free(pa, 2);
	assert_int_equal(stats().live_blocks, 0);
	struct page_zone_stats after = zone_stats(0);

	assert_memory_equal(&before, &after, sizeof(before));
}

static void test_multiple_zones(void **state)
{
	hpa_t a = ram(0, 4 * MiB), b = ram(1, 4 * MiB);
	static hpa_t got[MAX_BLOCKS];
	struct page_zone_stats zs;
	unsigned int n;

	assert_int_equal(page_zone_add(a, 1 * MiB, NULL, 0), 0);
	assert_int_equal(page_zone_add(b, 2 * MiB, NULL, 0), 0);
	assert_int_equal(stats().zones, 2);
	assert_int_equal(stats().total_pages, 255 + 511);
	assert_int_equal(page_get_zone_stats(2, &zs), -ENOENT);
	zs = zone_stats(1);
	assert_int_equal(zs.base, b);
	assert_int_equal(zs.pages, 511);

	/* The first zone is used up first, then the second. */
	n = drain(0, got, MAX_BLOCKS);
	assert_int_equal(n, 255 + 511);
	for (unsigned int i = 0; i < n; i++) {
		if (i < 255)
			assert_true(got[i] >= a && got[i] < a + MiB);
		else
			assert_true(got[i] >= b && got[i] < b + 2 * MiB);
	}
	for (unsigned int i = 0; i < n; i++)
		page_free(got[i], 0);
	assert_int_equal(zone_stats(0).free_pages, 255);
	assert_int_equal(zone_stats(1).free_pages, 511);
	assert_int_equal(zone_stats(1).free_blocks[8], 1);	/* 256..511 */
}

static void test_zone_table_limits(void **state)
{
	hpa_t base = ram(0, 4 * MiB);
	const struct page_range all[] = { { base, 64 * PAGE_SIZE } };

	assert_int_equal(page_zone_add(base, PAGE_SIZE - 1, NULL, 0), -EINVAL);
	assert_int_equal(page_zone_add(base + 1, PAGE_SIZE, NULL, 0), -EINVAL);
	/* Everything reserved: no room for the byte map. */
	assert_int_equal(page_zone_add(base, 64 * PAGE_SIZE, all, 1), -ENOMEM);
	assert_int_equal(stats().zones, 0);
	for (unsigned int i = 0; i < PAGE_MAX_ZONES; i++)
		assert_int_equal(page_zone_add(base + i * 16 * PAGE_SIZE, 16 * PAGE_SIZE, NULL, 0),
				 0);
	assert_int_equal(page_zone_add(base + 2 * MiB, 16 * PAGE_SIZE, NULL, 0), -EINVAL);
	assert_int_equal(stats().zones, PAGE_MAX_ZONES);
	assert_int_equal(stats().total_pages, PAGE_MAX_ZONES * 15);
}

/* More reserved ranges than the zone can track is refused, never ignored. */
static void test_too_many_reserved_ranges(void **state)
{
	hpa_t base = ram(0, 4 * MiB);
	struct page_range rsv[PAGE_MAX_RESERVED + 1];

	for (unsigned int i = 0; i < ARRAY_SIZE(rsv); i++)
		rsv[i] = (struct page_range){ base + (2 * i + 1) * PAGE_SIZE, PAGE_SIZE };
	assert_int_equal(page_zone_add(base, 4 * MiB, rsv, PAGE_MAX_RESERVED + 1), -ENOSPC);
	assert_int_equal(stats().zones, 0);
	assert_int_equal(page_zone_add(base, 4 * MiB, rsv, PAGE_MAX_RESERVED), 0);
	for (unsigned int i = 0; i < 1024 - PAGE_MAX_RESERVED - 1; i++) {
		hpa_t pa = page_alloc(0);

		assert_true(pa);
		for (unsigned int r = 0; r < PAGE_MAX_RESERVED; r++)
			assert_true(pa != rsv[r].base);
	}
}

static void test_order_for(void **state)
{
	assert_int_equal(page_order_for(0), 0);
	assert_int_equal(page_order_for(1), 0);
	assert_int_equal(page_order_for(PAGE_SIZE), 0);
	assert_int_equal(page_order_for(PAGE_SIZE + 1), 1);
	assert_int_equal(page_order_for(16 * 1024), 2);
	assert_int_equal(page_order_for(2 * MiB), 9);
	assert_int_equal(page_order_for(1UL << 30), 18);
	/* Too big for any block: an order page_alloc refuses. */
	assert_int_equal(page_order_for((1UL << 30) + 1), PAGE_MAX_ORDER);
	assert_int_equal(page_order_for(~0ULL), PAGE_MAX_ORDER);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_zone_layout),
	T(test_reserved_ranges_never_handed_out),
	T(test_natural_alignment),
	T(test_split_and_merge_restore_everything),
	T(test_exhaustion_returns_zero),
	T(test_double_free_is_rejected),
	T(test_mismatched_frees_are_rejected),
	T(test_multiple_zones),
	T(test_zone_table_limits),
	T(test_too_many_reserved_ranges),
	T(test_order_for),
};

UNIT_MAIN(tests, NULL, NULL)
