// SPDX-License-Identifier: GPL-2.0
/* Host tests of core/devemu.c: the sorted region map and access dispatch. */
#include "unit.h"
#include "ram_zone.h"
#include <stdlib.h>
#include <kestrel/devemu.h>
#include "kerrno.h"
#include <kestrel/heap.h>
#include <arch_irq.h>

#define POOL_SIZE	(4UL * 1024 * 1024)
#define MANY		200

/* A test device: records the last callback and answers as told. */
struct tdev {
	struct devemu_region r;
	unsigned int calls;
	u64 last_off, last_val;
	unsigned int last_width;
	bool last_write;
	bool lock_held, irqs_masked;	/* seen inside the last callback */
	u64 read_value;
	enum devemu_result result;
};

static struct devemu_map map;
static struct heap_stats base;

static void record(struct devemu_region *r, u64 off, unsigned int width, u64 val, bool write)
{
	struct tdev *d = r->priv;

	d->calls++;
	d->last_off = off;
	d->last_width = width;
	d->last_val = val;
	d->last_write = write;
	d->lock_held = r->lock && spin_is_locked(r->lock);
	d->irqs_masked = arch_irqs_disabled();
}

static enum devemu_result t_read(struct devemu_region *r, u64 off, unsigned int width, u64 *val)
{
	struct tdev *d = r->priv;

	record(r, off, width, 0, false);
	*val = d->read_value;
	return d->result;
}

static enum devemu_result t_write(struct devemu_region *r, u64 off, unsigned int width, u64 val)
{
	record(r, off, width, val, true);
	return ((struct tdev *)r->priv)->result;
}

static const struct devemu_ops t_ops = { .read = t_read, .write = t_write };

static void tdev_init(struct tdev *d, const char *name, gpa_t base_addr, u64 size)
{
	memset(d, 0, sizeof(*d));
	d->r.base = base_addr;
	d->r.size = size;
	d->r.ops = &t_ops;
	d->r.priv = d;
	d->r.name = name;
	d->result = DEVEMU_HANDLED;
}

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static int setup(void **state)
{
	fake_console_reset();
	heap_get_stats(&base);
	devemu_map_init(&map);
	return 0;
}

/* Destroying the map gives back all it allocated. */
static int teardown(void **state)
{
	devemu_map_destroy(&map);
	if (heap_leak_check(&base))
		return -1;
	if (spin_is_locked(&map.lock) || arch_irqs_disabled()) {
		print_error("map lock held or IRQs masked after the test\n");
		return -1;
	}
	return 0;
}

static void collect_base(struct devemu_region *r, void *ctx)
{
	struct { gpa_t bases[16]; unsigned int n; } *c = ctx;

	c->bases[c->n++] = r->base;
}

static void test_sorted_whatever_the_insertion_order(void **state)
{
	static const unsigned int order[] = { 3, 0, 4, 1, 2 };
	struct tdev d[5];
	struct { gpa_t bases[16]; unsigned int n; } seen = { .n = 0 };

	for (unsigned int i = 0; i < 5; i++)
		tdev_init(&d[i], "dev", 0x10000 * (i + 1), 0x1000);
	for (unsigned int i = 0; i < 5; i++)
		assert_int_equal(devemu_map_add(&map, &d[order[i]].r), 0);
	assert_int_equal(map.count, 5);
	devemu_map_for_each(&map, collect_base, &seen);
	assert_int_equal(seen.n, 5);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(seen.bases[i], 0x10000 * (i + 1));
		assert_ptr_equal(devemu_map_find(&map, 0x10000 * (i + 1) + 0x800, 4), &d[i].r);
	}
}

static void test_overlaps_rejected_adjacency_allowed(void **state)
{
	static const struct { gpa_t base; u64 size; } bad[] = {
		{ 0x0800, 0x1000 },	/* partial, from below */
		{ 0x1800, 0x1000 },	/* partial, from above */
		{ 0x1400, 0x0200 },	/* inside */
		{ 0x0000, 0x10000 },	/* around (and around the next one too) */
		{ 0x1000, 0x1000 },	/* identical */
		{ 0x0000, 0x1001 },	/* one byte over the first byte */
		{ 0x1fff, 0x0001 },	/* the last byte */
		{ 0x3000, 0x2001 },	/* across the gap into the next region */
	};
	struct tdev a, c, t, below, above;

	tdev_init(&a, "uart0", 0x1000, 0x1000);
	tdev_init(&c, "rtc0", 0x5000, 0x1000);
	assert_int_equal(devemu_map_add(&map, &a.r), 0);
	assert_int_equal(devemu_map_add(&map, &c.r), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		tdev_init(&t, "virtio3", bad[i].base, bad[i].size);
		assert_int_equal(devemu_map_add(&map, &t.r), -EEXIST);
	}
	assert_console_contains("devemu: error: virtio3 [0x800-0x17ff] overlaps uart0 "
				"[0x1000-0x1fff]");
	assert_console_contains("virtio3 [0x3000-0x5000] overlaps rtc0 [0x5000-0x5fff]");
	assert_int_equal(devemu_map_add(&map, &a.r), -EEXIST);	/* twice the same */
	assert_int_equal(map.count, 2);

	tdev_init(&below, "below", 0x0000, 0x1000);
	tdev_init(&above, "above", 0x2000, 0x3000);	/* fills the gap exactly */
	assert_int_equal(devemu_map_add(&map, &below.r), 0);
	assert_int_equal(devemu_map_add(&map, &above.r), 0);
	assert_int_equal(map.count, 4);
	assert_ptr_equal(devemu_map_find(&map, 0xfff, 1), &below.r);
	assert_ptr_equal(devemu_map_find(&map, 0x1000, 1), &a.r);
	assert_ptr_equal(devemu_map_find(&map, 0x4fff, 1), &above.r);
	assert_ptr_equal(devemu_map_find(&map, 0x5000, 1), &c.r);
}

static void test_bad_regions_rejected(void **state)
{
	static const struct devemu_ops no_write = { .read = t_read };
	struct tdev d, top;

	tdev_init(&d, "empty", 0x1000, 0);
	assert_int_equal(devemu_map_add(&map, &d.r), -EINVAL);
	tdev_init(&d, "wraps", 0xfffffffffffff000ULL, 0x2000);
	assert_int_equal(devemu_map_add(&map, &d.r), -EINVAL);
	assert_console_contains("wraps: bad range base 0xfffffffffffff000 size 0x2000");
	tdev_init(&d, "noops", 0x1000, 0x1000);
	d.r.ops = NULL;
	assert_int_equal(devemu_map_add(&map, &d.r), -EINVAL);
	d.r.ops = &no_write;
	assert_int_equal(devemu_map_add(&map, &d.r), -EINVAL);
	assert_int_equal(map.count, 0);

	/* A region may end at the very top of the address space. */
	tdev_init(&top, "top", 0xfffffffffffff000ULL, 0x1000);
	assert_int_equal(devemu_map_add(&map, &top.r), 0);
	assert_ptr_equal(devemu_map_find(&map, ~0ULL, 1), &top.r);
	assert_ptr_equal(devemu_map_find(&map, ~0ULL - 1, 2), &top.r);
	assert_null(devemu_map_find(&map, ~0ULL, 2));		/* would wrap past 2^64 */
	assert_null(devemu_map_find(&map, ~0ULL - 3, 8));
}

static void test_find_first_last_byte_and_straddling(void **state)
{
	struct tdev a, b;
	u64 val = 0;

	tdev_init(&a, "a", 0x1000, 0x1000);
	tdev_init(&b, "b", 0x2000, 0x1000);
	assert_int_equal(devemu_map_add(&map, &b.r), 0);
	assert_int_equal(devemu_map_add(&map, &a.r), 0);
	assert_ptr_equal(devemu_map_find(&map, 0x1000, 1), &a.r);
	assert_ptr_equal(devemu_map_find(&map, 0x1000, 8), &a.r);
	assert_ptr_equal(devemu_map_find(&map, 0x1fff, 1), &a.r);
	assert_ptr_equal(devemu_map_find(&map, 0x1ff8, 8), &a.r);
	assert_ptr_equal(devemu_map_find(&map, 0x2000, 1), &b.r);
	assert_ptr_equal(devemu_map_find(&map, 0x2fff, 1), &b.r);
	assert_null(devemu_map_find(&map, 0x0fff, 1));
	assert_null(devemu_map_find(&map, 0x3000, 1));
	assert_null(devemu_map_find(&map, 0x0fff, 2));	/* starts before a */
	assert_null(devemu_map_find(&map, 0x1fff, 2));	/* a into b: two regions */
	assert_null(devemu_map_find(&map, 0x1ffc, 8));
	assert_null(devemu_map_find(&map, 0x2ffe, 4));	/* b into nothing */
	assert_null(devemu_map_find(&map, 0x1000, 0));

	/* The trap path refuses a straddling access without calling anyone. */
	assert_int_equal(devemu_access(&map, 0x1ffc, 8, false, &val), DEVEMU_ABORT);
	assert_int_equal(devemu_access(&map, 0x2ffe, 4, true, &val), DEVEMU_ABORT);
	/* Over the end by one byte, and from a into b. */
	assert_int_equal(devemu_access(&map, 0x2fff, 2, false, &val), DEVEMU_ABORT);
	assert_int_equal(devemu_access(&map, 0x2ff9, 8, true, &val), DEVEMU_ABORT);
	assert_int_equal(devemu_access(&map, 0x1fff, 2, true, &val), DEVEMU_ABORT);
	assert_int_equal(a.calls + b.calls, 0);
	assert_int_equal(devemu_access(&map, 0x2ff8, 8, true, &val), DEVEMU_HANDLED);
	assert_int_equal(devemu_access(&map, 0x2fff, 1, false, &val), DEVEMU_HANDLED);
	assert_int_equal(b.calls, 2);
	b.calls = 0;
	assert_int_equal(a.r.reads + a.r.writes, 0);
	assert_int_equal(b.r.reads + b.r.writes, 2);
}

static void test_bad_width_aborts(void **state)
{
	static const unsigned int widths[] = { 0, 3, 5, 6, 7, 16, 32 };
	struct tdev a;
	u64 val = 0x1234;

	tdev_init(&a, "a", 0x1000, 0x1000);
	assert_int_equal(devemu_map_add(&map, &a.r), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(widths); i++) {
		assert_int_equal(devemu_access(&map, 0x1000, widths[i], false, &val), DEVEMU_ABORT);
		assert_int_equal(devemu_access(&map, 0x1000, widths[i], true, &val), DEVEMU_ABORT);
		/* The width is checked first, even where no device is. */
		assert_int_equal(devemu_access(&map, 0x9000, widths[i], true, &val), DEVEMU_ABORT);
	}
	assert_int_equal(a.calls, 0);
	assert_int_equal(a.r.reads + a.r.writes, 0);
}

static void test_no_region_is_unhandled(void **state)
{
	struct tdev a, b;
	u64 val = 0;

	assert_int_equal(devemu_access(&map, 0x1000, 4, false, &val), DEVEMU_UNHANDLED);
	tdev_init(&a, "a", 0x1000, 0x1000);
	tdev_init(&b, "b", 0x4000, 0x1000);
	assert_int_equal(devemu_map_add(&map, &a.r), 0);
	assert_int_equal(devemu_map_add(&map, &b.r), 0);
	assert_int_equal(devemu_access(&map, 0x0, 4, false, &val), DEVEMU_UNHANDLED);
	assert_int_equal(devemu_access(&map, 0xffc, 4, true, &val), DEVEMU_UNHANDLED);
	assert_int_equal(devemu_access(&map, 0x2000, 1, false, &val), DEVEMU_UNHANDLED);
	assert_int_equal(devemu_access(&map, 0x3ff8, 8, false, &val), DEVEMU_UNHANDLED);
	assert_int_equal(devemu_access(&map, 0x5000, 4, true, &val), DEVEMU_UNHANDLED);
	assert_int_equal(devemu_access(&map, ~0ULL - 7, 8, true, &val), DEVEMU_UNHANDLED);
	assert_int_equal(a.calls + b.calls, 0);
}

static void test_callbacks_get_offset_width_value(void **state)
{
	spinlock_t lock = SPINLOCK_INIT;
	struct tdev a;
	u64 val;

	tdev_init(&a, "a", 0x9000, 0x100);
	a.r.lock = &lock;
	assert_int_equal(devemu_map_add(&map, &a.r), 0);

	val = 0x1234;
	assert_int_equal(devemu_access(&map, 0x9010, 2, true, &val), DEVEMU_HANDLED);
	assert_int_equal(a.calls, 1);
	assert_true(a.last_write);
	assert_int_equal(a.last_off, 0x10);
	assert_int_equal(a.last_width, 2);
	assert_int_equal(a.last_val, 0x1234);
	assert_true(a.lock_held);
	assert_true(a.irqs_masked);
	assert_false(spin_is_locked(&lock));
	assert_false(arch_irqs_disabled());

	/* A write is zero-extended from its width. */
	val = 0xffffffffffffff5aULL;
	assert_int_equal(devemu_access(&map, 0x90ff, 1, true, &val), DEVEMU_HANDLED);
	assert_int_equal(a.last_off, 0xff);
	assert_int_equal(a.last_val, 0x5a);
	val = 0x1122334455667788ULL;
	assert_int_equal(devemu_access(&map, 0x9020, 4, true, &val), DEVEMU_HANDLED);
	assert_int_equal(a.last_val, 0x55667788);
	assert_int_equal(devemu_access(&map, 0x9020, 8, true, &val), DEVEMU_HANDLED);
	assert_int_equal(a.last_val, 0x1122334455667788ULL);

	/* A read is cut to its width whatever the emulator left above it. */
	a.read_value = 0xdeadbeefcafef00dULL;
	static const struct { unsigned int width; u64 want; } reads[] = {
		{ 1, 0x0d }, { 2, 0xf00d }, { 4, 0xcafef00d }, { 8, 0xdeadbeefcafef00dULL },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(reads); i++) {
		val = 0x77;
		assert_int_equal(devemu_access(&map, 0x9040, reads[i].width, false, &val),
				 DEVEMU_HANDLED);
		assert_false(a.last_write);
		assert_int_equal(a.last_off, 0x40);
		assert_int_equal(a.last_width, reads[i].width);
		assert_int_equal(val, reads[i].want);
	}
	/* Unaligned accesses inside the region reach the emulator, which decides. */
	assert_int_equal(devemu_access(&map, 0x9003, 4, false, &val), DEVEMU_HANDLED);
	assert_int_equal(a.last_off, 3);
	assert_int_equal(a.r.reads, 5);
	assert_int_equal(a.r.writes, 4);
	assert_int_equal(a.calls, 9);
}

static void test_results_pass_through(void **state)
{
	static const enum devemu_result results[] = {
		DEVEMU_HANDLED, DEVEMU_UNHANDLED, DEVEMU_ABORT, DEVEMU_RETRY,
	};
	struct tdev a;
	u64 val = 0;

	tdev_init(&a, "a", 0x1000, 0x10);
	assert_int_equal(devemu_map_add(&map, &a.r), 0);	/* no lock: fine too */
	for (unsigned int i = 0; i < ARRAY_SIZE(results); i++) {
		a.result = results[i];
		assert_int_equal(devemu_access(&map, 0x1004, 4, false, &val), results[i]);
		assert_int_equal(devemu_access(&map, 0x1004, 4, true, &val), results[i]);
		assert_false(a.lock_held);
	}
	assert_int_equal(a.r.reads, 4);
	assert_int_equal(a.r.writes, 4);
	assert_string_equal(devemu_result_name(DEVEMU_HANDLED), "handled");
	assert_string_equal(devemu_result_name(DEVEMU_UNHANDLED), "unhandled");
	assert_string_equal(devemu_result_name(DEVEMU_ABORT), "abort");
	assert_string_equal(devemu_result_name(DEVEMU_RETRY), "retry");
}

static void test_shared_lock(void **state)
{
	spinlock_t lock = SPINLOCK_INIT;
	struct tdev a, b;
	u64 val = 1;

	tdev_init(&a, "dev.frame0", 0x10000, 0x10000);
	tdev_init(&b, "dev.frame1", 0x20000, 0x10000);
	a.r.lock = b.r.lock = &lock;
	assert_int_equal(devemu_map_add(&map, &a.r), 0);
	assert_int_equal(devemu_map_add(&map, &b.r), 0);
	assert_int_equal(devemu_access(&map, 0x10000, 4, true, &val), DEVEMU_HANDLED);
	assert_int_equal(devemu_access(&map, 0x2fffc, 4, false, &val), DEVEMU_HANDLED);
	assert_true(a.lock_held && b.lock_held);
	assert_int_equal(b.last_off, 0xfffc);
	assert_false(spin_is_locked(&lock));
}

static void test_remove(void **state)
{
	struct tdev d[3], twin, never;
	u64 val = 0;

	for (unsigned int i = 0; i < 3; i++) {
		tdev_init(&d[i], "d", 0x1000 * (i + 1), 0x1000);
		assert_int_equal(devemu_map_add(&map, &d[i].r), 0);
	}
	tdev_init(&twin, "twin", 0x2000, 0x1000);	/* same range as d[1], not in the map */
	tdev_init(&never, "never", 0x8000, 0x1000);
	assert_int_equal(devemu_map_remove(&map, &twin.r), -ENOENT);
	assert_int_equal(devemu_map_remove(&map, &never.r), -ENOENT);
	assert_int_equal(devemu_map_remove(&map, &d[1].r), 0);
	assert_int_equal(map.count, 2);
	assert_int_equal(devemu_map_remove(&map, &d[1].r), -ENOENT);
	assert_null(devemu_map_find(&map, 0x2000, 4));
	assert_int_equal(devemu_access(&map, 0x2000, 4, false, &val), DEVEMU_UNHANDLED);
	assert_ptr_equal(devemu_map_find(&map, 0x1000, 4), &d[0].r);
	assert_ptr_equal(devemu_map_find(&map, 0x3000, 4), &d[2].r);
	/* The freed range can be taken by another region. */
	assert_int_equal(devemu_map_add(&map, &twin.r), 0);
	assert_ptr_equal(devemu_map_find(&map, 0x2000, 4), &twin.r);
	assert_int_equal(devemu_map_remove(&map, &d[0].r), 0);
	assert_int_equal(devemu_map_remove(&map, &d[2].r), 0);
	assert_int_equal(devemu_map_remove(&map, &twin.r), 0);
	assert_int_equal(map.count, 0);
	assert_int_equal(devemu_access(&map, 0x2000, 4, false, &val), DEVEMU_UNHANDLED);
}

/* ---- many regions against a brute-force oracle ---------------------------- */

static struct tdev many[MANY];
static bool present[MANY];

static u64 rnd(u64 n)
{
	return ((u64)random() << 31 ^ (u64)random()) % n;
}

/* What the map must answer, found by scanning every present region. */
static struct tdev *oracle(gpa_t addr, unsigned int width, bool *straddles)
{
	*straddles = false;
	for (unsigned int i = 0; i < MANY; i++) {
		struct tdev *d = &many[i];

		if (!present[i] || addr < d->r.base || addr - d->r.base >= d->r.size)
			continue;
		if (addr - d->r.base + width > d->r.size) {
			*straddles = true;
			return NULL;
		}
		return d;
	}
	return NULL;
}

static void probe_all(gpa_t lo, gpa_t hi, unsigned int probes)
{
	static const unsigned int widths[] = { 1, 2, 4, 8, 3 };

	for (unsigned int p = 0; p < probes; p++) {
		gpa_t addr = lo + rnd(hi - lo);
		unsigned int width = widths[rnd(ARRAY_SIZE(widths))];
		bool write = rnd(2), straddles;
		struct tdev *want = oracle(addr, width, &straddles);
		enum devemu_result res;
		u64 val = addr;

		if (width != 3)
			assert_ptr_equal(devemu_map_find(&map, addr, width),
					 want ? &want->r : NULL);
		if (want)
			want->calls = 0;
		res = devemu_access(&map, addr, width, write, &val);
		if (width == 3 || straddles) {
			assert_int_equal(res, DEVEMU_ABORT);
		} else if (!want) {
			assert_int_equal(res, DEVEMU_UNHANDLED);
		} else {
			assert_int_equal(res, DEVEMU_HANDLED);
			assert_int_equal(want->calls, 1);
			assert_int_equal(want->last_off, addr - want->r.base);
			assert_int_equal(want->last_write, write);
		}
	}
}

static void test_many_random_regions_match_oracle(void **state)
{
	unsigned int order[MANY];
	gpa_t at = 0x1000, end;

	srandom(20240611);
	for (unsigned int i = 0; i < MANY; i++) {
		u64 size = rnd(8) == 0 ? 1 + rnd(0x100000) : 1 + rnd(0x2000);

		at += rnd(3) == 0 ? 0 : 1 + rnd(0x3000);	/* a third are adjacent */
		tdev_init(&many[i], "many", at, size);
		at += size;
		order[i] = i;
	}
	end = at;
	for (unsigned int i = MANY - 1; i > 0; i--) {
		unsigned int j = rnd(i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned int i = 0; i < MANY; i++) {
		assert_int_equal(devemu_map_add(&map, &many[order[i]].r), 0);
		present[order[i]] = true;
	}
	assert_int_equal(map.count, MANY);
	for (unsigned int i = 1; i < map.count; i++)
		assert_true(map.regions[i - 1]->base < map.regions[i]->base);
	/* Every region again, and a copy shifted by one byte, overlap. */
	for (unsigned int i = 0; i < MANY; i++) {
		struct tdev t;

		tdev_init(&t, "again", many[i].r.base + (i & 1), many[i].r.size);
		assert_int_equal(devemu_map_add(&map, &t.r), -EEXIST);
	}
	/* Edges of every region, then random probes. */
	for (unsigned int i = 0; i < MANY; i++) {
		gpa_t first = many[i].r.base, last = first + many[i].r.size - 1;
		bool s;

		assert_ptr_equal(devemu_map_find(&map, first, 1), &many[i].r);
		assert_ptr_equal(devemu_map_find(&map, last, 1), &many[i].r);
		assert_ptr_equal(devemu_map_find(&map, first - 1, 1),
				 oracle(first - 1, 1, &s) ? &oracle(first - 1, 1, &s)->r : NULL);
		assert_ptr_equal(devemu_map_find(&map, last + 1, 1),
				 oracle(last + 1, 1, &s) ? &oracle(last + 1, 1, &s)->r : NULL);
	}
	probe_all(0, end + 0x1000, 20000);

	/* Remove half at random; the rest still answers as the oracle says. */
	for (unsigned int i = 0; i < MANY / 2; i++) {
		assert_int_equal(devemu_map_remove(&map, &many[order[i]].r), 0);
		present[order[i]] = false;
	}
	assert_int_equal(map.count, MANY - MANY / 2);
	probe_all(0, end + 0x1000, 20000);
	for (unsigned int i = MANY / 2; i < MANY; i++)
		present[order[i]] = false;
}

static void test_destroy_frees_and_map_is_reusable(void **state)
{
	struct tdev d[40];
	struct heap_stats st;

	for (unsigned int i = 0; i < 40; i++) {
		tdev_init(&d[i], "d", 0x10000 + 0x100 * i, 0x100);
		assert_int_equal(devemu_map_add(&map, &d[i].r), 0);
	}
	heap_get_stats(&st);
	assert_true(st.live_objects > base.live_objects);
	devemu_map_destroy(&map);
	heap_get_stats(&st);
	assert_int_equal(st.live_objects, base.live_objects);
	assert_int_equal(map.count, 0);
	assert_null(devemu_map_find(&map, 0x10000, 1));
	assert_int_equal(devemu_map_add(&map, &d[0].r), 0);
	assert_ptr_equal(devemu_map_find(&map, 0x10000, 1), &d[0].r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_sorted_whatever_the_insertion_order),
	T(test_overlaps_rejected_adjacency_allowed),
	T(test_bad_regions_rejected),
	T(test_find_first_last_byte_and_straddling),
	T(test_bad_width_aborts),
	T(test_no_region_is_unhandled),
	T(test_callbacks_get_offset_width_value),
	T(test_results_pass_through),
	T(test_shared_lock),
	T(test_remove),
	T(test_many_random_regions_match_oracle),
	T(test_destroy_frees_and_map_is_reusable),
};

UNIT_MAIN(tests, group_setup, group_teardown)
