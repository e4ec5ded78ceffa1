// SPDX-License-Identifier: GPL-2.0
/* Host tests of core/heap.c (kmalloc/kfree) over the real page allocator. */
#include "unit.h"
#include "ram_zone.h"
#include <stdlib.h>
#include <kestrel/heap.h>
#include <kestrel/page_alloc.h>
#include <arch_irq.h>

#define MiB		(1024UL * 1024)
#define POOL_SIZE	(16 * MiB)
#define SLAB_SIZE	(16 * 1024)	/* heap.c: 4 pages per slab, 256-byte header */
#define SLAB_OBJS(sz)	((SLAB_SIZE - 256) / (sz))
#define MAX_PTRS	4096

static struct heap_stats base;		/* heap stats when the test started */

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static int setup(void **state)
{
	fake_console_reset();
	heap_get_stats(&base);
	return 0;
}

/* Every test must give back all it took: the leak counter proves it. */
static int teardown(void **state)
{
	return heap_leak_check(&base);
}

static struct heap_stats stats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

static u64 free_pages(void)
{
	struct page_stats ps;

	page_get_stats(&ps);
	return ps.free_pages;
}

static void test_size_classes(void **state)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 31, 32, 33, 64, 100, 128, 200, 256,
					500, 512, 1000, 1024, 1500, 2047, 2048 };
	void *p[ARRAY_SIZE(sizes)];
	struct heap_stats st;
	u64 bytes = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t cls = 16;

		while (cls < sizes[i])
			cls *= 2;
		p[i] = kmalloc(sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		assert_int_equal(ksize(p[i]), cls);
		memset(p[i], 0xa5, cls);	/* the whole usable size is ours */
		bytes += cls;
	}
	st = stats();
	assert_int_equal(st.live_objects, base.live_objects + ARRAY_SIZE(sizes));
	assert_int_equal(st.live_bytes, base.live_bytes + bytes);
	assert_int_equal(st.cls[0].size, 16);
	assert_int_equal(st.cls[HEAP_NR_CLASSES - 1].size, 2048);
	assert_int_equal(st.cls[0].live, base.cls[0].live + 3);		/* 1, 15, 16 */
	assert_int_equal(st.cls[7].live, base.cls[7].live + 3);		/* 1500, 2047, 2048 */
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	assert_int_equal(stats().frees, base.frees + ARRAY_SIZE(sizes));
	assert_false(arch_irqs_disabled());
}

static void test_large_allocations(void **state)
{
	static const size_t sizes[] = { 2049, 4096, SLAB_SIZE - 64, SLAB_SIZE, 100000, MiB };
	static const unsigned int orders[] = { 2, 2, 2, 3, 5, 9 };
	u64 pages = 0;
	void *p[ARRAY_SIZE(sizes)];

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		assert_int_equal(ksize(p[i]), sizes[i]);
		memset(p[i], 0x5a, sizes[i]);
		pages += 1ULL << orders[i];
	}
	assert_int_equal(stats().large_pages, base.large_pages + pages);
	assert_int_equal(stats().live_bytes, base.live_bytes + 2049 + 4096 + SLAB_SIZE - 64 +
			 SLAB_SIZE + 100000 + MiB);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	assert_int_equal(stats().large_pages, base.large_pages);
	assert_int_equal(stats().bad_frees, base.bad_frees);
}

static void test_kzalloc_zeroes(void **state)
{
	static const size_t sizes[] = { 24, 256, 3000 };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = kmalloc(sizes[i]), *q;

		assert_non_null(p);
		memset(p, 0xaa, sizes[i]);
		kfree(p);
		q = kzalloc(sizes[i]);
		assert_non_null(q);
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(q[j], 0);
		kfree(q);
	}
}

static void test_leak_counter_and_peak(void **state)
{
	void *p[10];
	struct heap_stats st;

	for (unsigned int i = 0; i < 10; i++)
		p[i] = kmalloc(100);		/* 128-byte class */
	st = stats();
	assert_int_equal(st.allocs, base.allocs + 10);
	assert_int_equal(st.live_objects, base.live_objects + 10);
	assert_int_equal(st.live_bytes, base.live_bytes + 10 * 128);
	assert_true(st.peak_bytes >= base.live_bytes + 10 * 128);
	for (unsigned int i = 0; i < 9; i++)
		kfree(p[i]);
	/* One left: a leak shows as a live object. */
	assert_int_equal(stats().live_objects, base.live_objects + 1);
	assert_int_equal(stats().live_bytes, base.live_bytes + 128);
	kfree(p[9]);
	st = stats();
	assert_int_equal(st.live_objects, base.live_objects);
	assert_int_equal(st.frees, base.frees + 10);
	assert_true(st.peak_bytes >= base.live_bytes + 10 * 128);	/* peak stays */
}

static void test_double_free_is_counted_and_ignored(void **state)
{
	char *p = kmalloc(64), *q = kmalloc(64), *r, *s;
	char msg[80];

	assert_non_null(p);
	assert_non_null(q);
	kfree(p);
	assert_console_lacks("error");
	kfree(p);
	snprintf(msg, sizeof(msg), "heap: error: kfree(%p): not a live heap allocation, ignored",
		 (void *)p);
	assert_console_contains(msg);
	assert_int_equal(stats().bad_frees, base.bad_frees + 1);
	assert_int_equal(stats().frees, base.frees + 1);
	assert_int_equal(stats().live_objects, base.live_objects + 1);
	assert_int_equal(ksize(p), 0);
	assert_int_equal(ksize(q), 64);
	/* The slot was freed once, so it is handed out once. */
	r = kmalloc(64);
	s = kmalloc(64);
	assert_ptr_not_equal(r, s);
	assert_true(r != q && s != q);
	kfree(q);
	kfree(r);
	kfree(s);
}

static void test_stray_pointers_are_counted_and_ignored(void **state)
{
	char *small = kmalloc(64), *large = kmalloc(5000);
	char *slab = (char *)((uintptr_t)small & ~(uintptr_t)(SLAB_SIZE - 1));
	hpa_t page = page_alloc(2);	/* pages the heap does not own */
	char *raw = (char *)(uintptr_t)page;
	void *bad[] = { small + 16, small + 1, slab + 8, large + 16, large - 16, raw + 64 };

	assert_non_null(small);
	assert_non_null(large);
	assert_int_not_equal(page, 0);
	memset(raw, 0, 4 * PAGE_SIZE);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(ksize(bad[i]), 0);
		kfree(bad[i]);
	}
	assert_int_equal(stats().bad_frees, base.bad_frees + ARRAY_SIZE(bad));
	assert_int_equal(stats().frees, base.frees);
	assert_int_equal(ksize(small), 64);
	assert_int_equal(ksize(large), 5000);
	kfree(NULL);				/* allowed, not counted */
	assert_int_equal(ksize(NULL), 0);
	assert_int_equal(stats().bad_frees, base.bad_frees + ARRAY_SIZE(bad));
	kfree(small);
	kfree(large);
	page_free(page, 2);
	assert_false(arch_irqs_disabled());
}

/* Fills `n` objects of `size`, checks they are distinct and in bounds. */
static void fill_and_free(size_t size, unsigned int n)
{
	static char *p[MAX_PTRS];

	assert_true(n <= MAX_PTRS);
	for (unsigned int i = 0; i < n; i++) {
		p[i] = kmalloc(size);
		if (!p[i])
			fail_msg("kmalloc(%zu) #%u of %u failed", size, i, n);
		memset(p[i], (int)i, size);
	}
	/* Each still holds its own pattern: no two objects overlap. */
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal((unsigned char)p[i][size - 1], i & 0xff);
	for (unsigned int i = 0; i < n; i++)
		kfree(p[i]);
}

static void test_every_class_over_several_slabs(void **state)
{
	for (size_t size = 16; size <= 2048; size *= 2)
		fill_and_free(size, 2 * SLAB_OBJS(size) + 1);
	assert_int_equal(stats().failed, base.failed);
	assert_int_equal(stats().bad_frees, base.bad_frees);
	assert_console_lacks("error");
}

static void test_empty_slabs_return_their_pages(void **state)
{
	u64 pages = free_pages();
	static void *p[3 * 7];		/* 7 objects of 2048 bytes fit a slab */

	for (unsigned int i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = kmalloc(2048);
	assert_int_equal(stats().cls[7].slabs, base.cls[7].slabs + 3);
	assert_int_equal(stats().slab_pages, base.slab_pages + 3 * 4);
	assert_int_equal(free_pages(), pages - 3 * 4);
	for (unsigned int i = 0; i < ARRAY_SIZE(p); i++)
		kfree(p[i]);
	assert_int_equal(stats().cls[7].slabs, base.cls[7].slabs);
	assert_int_equal(stats().slab_pages, base.slab_pages);
	assert_int_equal(free_pages(), pages);
}

static void test_exhaustion_and_bad_sizes(void **state)
{
	static void *p[64];
	unsigned int n = 0;

	assert_null(kmalloc(0));
	assert_null(kzalloc(0));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kmalloc(1UL << 30));	/* past the largest page block */
	assert_null(kmalloc(2 * POOL_SIZE));	/* bigger than all memory */
	assert_int_equal(stats().failed, base.failed + 1);
	/* Use memory up in 1 MiB blocks until the heap says no. */
	while (n < ARRAY_SIZE(p) && (p[n] = kmalloc(MiB)) != NULL)
		n++;
	assert_true(n > 0 && n < ARRAY_SIZE(p));
	assert_int_equal(stats().failed, base.failed + 2);
	for (unsigned int i = 0; i < n; i++)
		kfree(p[i]);
	p[0] = kmalloc(MiB);			/* and it recovers */
	assert_non_null(p[0]);
	kfree(p[0]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_size_classes),
	T(test_large_allocations),
	T(test_kzalloc_zeroes),
	T(test_leak_counter_and_peak),
	T(test_double_free_is_counted_and_ignored),
	T(test_stray_pointers_are_counted_and_ignored),
	T(test_every_class_over_several_slabs),
	T(test_empty_slabs_return_their_pages),
	T(test_exhaustion_and_bad_sizes),
};

UNIT_MAIN(tests, group_setup, group_teardown)
