// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the snapshot store codec (libs/snapstore.c): the bytes of a
 * copy against docs/snapshot-format.md, the A/B choice with damaged, torn
 * and refused copies, allocation (first-fit, several extents, out of
 * space, re-save in place), mapping and growing, and what decode refuses.
 */
#include "unit.h"
#include <stdlib.h>
#include <crc32c.h>
#include <snapfmt.h>
#include <snapstore.h>

#define ENTRY(i)	(STORE_DIR_OFFSET + (i) * STORE_DIR_ENTRY_SIZE)
#define MIB		0x100000ull

static const uint8_t uuid[16] = { 0x6b, 0x65, 0x73, 0x74, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* The store's copies are 12 KiB and struct store_meta 7.7 KiB: static, so
 * the tests do not depend on the stack size. */
static struct store_meta meta, got;
static uint8_t copy_a[STORE_META_SIZE], copy_b[STORE_META_SIZE];
static char msg[512];

/* Names an entry and gives it length bytes: what a save does at step 3. */
static int add(struct store_meta *m, const char *name, uint64_t length)
{
	int idx = store_free_slot(m);

	assert_true(idx >= 0);
	strcpy(m->dir[idx].name, name);
	m->dir[idx].state = STORE_WRITING;
	if (store_alloc(m, idx, length, msg, sizeof(msg)))
		fail_msg("store_alloc(%s, 0x%llx): %s", name, (unsigned long long)length, msg);
	return idx;
}

/* ...and step 10: ready, with its length and sequence. */
static void ready(struct store_meta *m, int idx, uint64_t length, uint64_t sequence)
{
	m->dir[idx].state = STORE_READY;
	m->dir[idx].length = length;
	m->dir[idx].sequence = sequence;
}

static void assert_extent(const struct store_entry *e, uint32_t k, uint32_t first, uint32_t n)
{
	assert_true(k < e->nr_extents);
	assert_int_equal(e->ext[k].first_unit, first);
	assert_int_equal(e->ext[k].nr_units, n);
}

/* The superblock CRC computed here, independently of the codec. */
static void reseal(uint8_t *c)
{
	uint8_t sb[STORE_SB_SIZE];

	snap_put_le32(c + 0x34, crc32c(0, c + STORE_DIR_OFFSET,
				       STORE_DIR_ENTRIES * STORE_DIR_ENTRY_SIZE));
	memcpy(sb, c, sizeof(sb));
	memset(sb + 0x10, 0, 4);
	snap_put_le32(c + 0x10, crc32c(0, sb, sizeof(sb)));
}

static void expect_decode(const uint8_t *c, uint64_t part_units, int want, const char *want_msg)
{
	int ret = store_meta_decode(c, part_units, &got, msg, sizeof(msg));

	if (ret != want || strcmp(msg, want_msg))
		fail_msg("decode: got %d \"%s\", want %d \"%s\"", ret, msg, want, want_msg);
}

/* The spec's example saved into a fresh 64 MiB vda2 store. */
static void tiny0_store(struct store_meta *m)
{
	int idx;

	store_format(m, 32, uuid);
	idx = add(m, "tiny0-a", 0x600000);
	ready(m, idx, 0x600000, 1);
}

static void test_names(void **state)
{
	assert_true(store_name_valid("tiny0-a"));
	assert_true(store_name_valid("a"));
	assert_true(store_name_valid("0_-z"));
	assert_true(store_name_valid("abcdefghijklmnopqrstuvwxyz01234"));	/* 31 */
	assert_false(store_name_valid("abcdefghijklmnopqrstuvwxyz012345"));	/* 32 */
	assert_false(store_name_valid(""));
	assert_false(store_name_valid("Tiny0"));
	assert_false(store_name_valid("tiny0.a"));
	assert_false(store_name_valid("vdb1:tiny0"));
	assert_false(store_name_valid("a b"));
}

static void test_units_for(void **state)
{
	assert_int_equal(store_units_for(0), 0);
	assert_int_equal(store_units_for(1), 1);
	assert_int_equal(store_units_for(STORE_UNIT_SIZE), 1);
	assert_int_equal(store_units_for(STORE_UNIT_SIZE + 1), 2);
	assert_int_equal(store_units_for(0x600000), 3);			/* tiny0 */
	assert_int_equal(store_units_for(66 * MIB), 33);		/* basic0 */
	assert_int_equal(store_units_for(258 * MIB), 129);		/* linux0 */
	assert_int_equal(store_units_for(UINT64_MAX), UINT32_MAX);
}

/* The bytes of copy A as the spec lays them out. */
static void test_encode_layout(void **state)
{
	uint8_t want_entry[STORE_DIR_ENTRY_SIZE] = "tiny0-a";
	static const uint8_t zero[STORE_DIR_ENTRY_SIZE];

	tiny0_store(&meta);
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
	assert_memory_equal(copy_a, "KSTRSTOR", 8);
	assert_int_equal(snap_le16(copy_a + 0x08), 1);
	assert_int_equal(snap_le16(copy_a + 0x0a), 0);
	assert_int_equal(snap_le32(copy_a + 0x0c), 256);
	assert_int_equal(snap_le32(copy_a + 0x14), 0);
	assert_int_equal(snap_le64(copy_a + 0x18), 1);
	assert_int_equal(snap_le32(copy_a + 0x20), 0x200000);
	assert_int_equal(snap_le32(copy_a + 0x24), 32);
	assert_int_equal(snap_le32(copy_a + 0x28), 0x1000);
	assert_int_equal(snap_le32(copy_a + 0x2c), 64);
	assert_int_equal(snap_le32(copy_a + 0x30), 128);
	assert_int_equal(snap_le32(copy_a + 0x34),
			 crc32c(0, copy_a + 0x1000, STORE_META_SIZE - 0x1000));
	assert_memory_equal(copy_a + 0x38, uuid, 16);
	for (unsigned int i = 0x48; i < STORE_DIR_OFFSET; i++)
		assert_int_equal(copy_a[i], 0);
	/* "tiny0-a, ready, one extent of units 1 to 3, length 0x600000, sequence 1" */
	snap_put_le32(want_entry + 0x20, 2);
	snap_put_le32(want_entry + 0x24, 1);
	snap_put_le64(want_entry + 0x28, 0x600000);
	snap_put_le64(want_entry + 0x30, 1);
	snap_put_le32(want_entry + 0x40, 1);
	snap_put_le32(want_entry + 0x44, 3);
	assert_memory_equal(copy_a + ENTRY(0), want_entry, sizeof(want_entry));
	for (int i = 1; i < STORE_DIR_ENTRIES; i++)
		assert_memory_equal(copy_a + ENTRY(i), zero, sizeof(zero));
	/* the codec's superblock CRC is the one computed here */
	memcpy(copy_b, copy_a, sizeof(copy_b));
	reseal(copy_b);
	assert_memory_equal(copy_a, copy_b, sizeof(copy_a));
	assert_int_equal(store_map(&meta.dir[0], 0, NULL), 0x200000);	/* vda2's byte 2 MiB */
}

static void test_round_trip(void **state)
{
	int idx;

	store_format(&meta, 100, uuid);
	meta.generation = 0x123456789ull;
	idx = add(&meta, "basic0-a", 66 * MIB);
	ready(&meta, idx, 66 * MIB, 7);
	add(&meta, "writing_1", 0x600000);
	idx = add(&meta, "z", 1);
	ready(&meta, idx, 1, 0xffffffffffull);
	store_entry_free(&meta, 1);			/* a hole in the directory */
	add(&meta, "third", 3 * STORE_UNIT_SIZE);
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
	expect_decode(copy_a, 100, 0, "");
	assert_memory_equal(&got, &meta, sizeof(meta));
	assert_int_equal(got.dir[0].nr_extents, 1);
	assert_extent(&got.dir[0], 0, 1, 33);
	assert_extent(&got.dir[1], 0, 34, 3);		/* "third": the freed slot and units */
	assert_extent(&got.dir[2], 0, 37, 1);
	/* a larger partition is fine: the store just does not reach its end */
	expect_decode(copy_a, 1000, 0, "");
}


/* Formats as Kestrel does: copy A with generation 1, B the same with 0. */
static void format_both(struct store_meta *m)
{
	assert_int_equal(store_meta_encode(m, copy_a), 0);
	m->generation = 0;
	assert_int_equal(store_meta_encode(m, copy_b), 0);
	m->generation = 1;
}

/* A commit: the next generation into the copy that is not current.
 * Returns the copy written (0 A, 1 B). */
static int commit(struct store_meta *m, int current)
{
	uint32_t off = store_copy_offset_for(m, current);

	m->generation++;
	assert_int_equal(store_meta_encode(m, off == STORE_COPY_B ? copy_b : copy_a), 0);
	return off == STORE_COPY_B;
}

static void expect_pick(uint64_t part_units, int want, const char *want_msg)
{
	int ret = store_pick(copy_a, copy_b, part_units, &got, msg, sizeof(msg));

	if (ret != want || strcmp(msg, want_msg))
		fail_msg("pick: got %d \"%s\", want %d \"%s\"", ret, msg, want, want_msg);
}

/* What the codec should report for a damaged copy c. */
static void crc_msgs(const uint8_t *c, char *sb, char *dir, size_t size)
{
	static uint8_t fixed[STORE_META_SIZE];

	memcpy(fixed, c, sizeof(fixed));
	reseal(fixed);
	snprintf(sb, size, "superblock CRC32C mismatch (stored 0x%08x, computed 0x%08x)",
		 snap_le32(c + 0x10), snap_le32(fixed + 0x10));
	snprintf(dir, size, "directory CRC32C mismatch (stored 0x%08x, computed 0x%08x)",
		 snap_le32(c + 0x34), snap_le32(fixed + 0x34));
}

static void test_crc_damage(void **state)
{
	char sb[128], dir[128], want[160], both[320];

	tiny0_store(&meta);
	format_both(&meta);
	expect_pick(32, 0, "");
	assert_int_equal(got.generation, 1);

	/* a bit of copy A's superblock (its generation): B takes over */
	copy_a[0x18] ^= 1;
	crc_msgs(copy_a, sb, dir, sizeof(sb));
	expect_decode(copy_a, 32, -STORE_ERR_SB_CRC, sb);
	snprintf(want, sizeof(want), "copy A: %s", sb);
	expect_pick(32, 1, want);
	assert_int_equal(got.generation, 0);
	assert_string_equal(got.dir[0].name, "tiny0-a");
	copy_a[0x18] ^= 1;

	/* a bit of copy B's directory (a sequence): A stays */
	copy_b[ENTRY(0) + 0x30] ^= 0x80;
	crc_msgs(copy_b, sb, dir, sizeof(sb));
	expect_decode(copy_b, 32, -STORE_ERR_DIR_CRC, dir);
	snprintf(want, sizeof(want), "copy B: %s", dir);
	expect_pick(32, 0, want);
	assert_int_equal(got.generation, 1);

	/* a bit of copy A's directory too: neither is valid */
	copy_a[ENTRY(63) + 0x7f] ^= 1;
	crc_msgs(copy_a, sb, want, sizeof(sb));
	snprintf(both, sizeof(both), "copy A: %s; copy B: %s", want, dir);
	expect_pick(32, STORE_PICK_NONE, both);
}

static void test_pick_by_generation(void **state)
{
	int current;

	tiny0_store(&meta);
	format_both(&meta);
	assert_int_equal(store_copy_offset_for(&meta, -1), 0);	/* formatting: A first */
	expect_pick(32, 0, "");
	current = 0;
	for (uint64_t gen = 2; gen < 6; gen++) {
		assert_int_equal(store_copy_offset_for(&meta, current), current ? 0 : STORE_COPY_B);
		meta.dir[0].sequence = gen;		/* something to tell the copies apart */
		assert_int_equal(commit(&meta, current), !current);
		expect_pick(32, !current, "");
		assert_int_equal(got.generation, gen);
		assert_int_equal(got.dir[0].sequence, gen);
		current = !current;
	}
	/* equal generations (never written by Kestrel): A */
	memcpy(copy_b, copy_a, sizeof(copy_b));
	expect_pick(32, 0, "");
}

/* A power cut during a commit into B leaves A in force. */
static void test_torn_copy_falls_back(void **state)
{
	static uint8_t old_b[STORE_META_SIZE], new_b[STORE_META_SIZE];
	char sb[128], dir[128], want[160];

	tiny0_store(&meta);
	format_both(&meta);
	memcpy(old_b, copy_b, sizeof(old_b));
	add(&meta, "second", 0x600000);
	assert_int_equal(commit(&meta, 0), 1);
	memcpy(new_b, copy_b, sizeof(new_b));

	/* the superblock's sector written, the directory not */
	memcpy(copy_b, new_b, STORE_DIR_OFFSET);
	memcpy(copy_b + STORE_DIR_OFFSET, old_b + STORE_DIR_OFFSET,
	       STORE_META_SIZE - STORE_DIR_OFFSET);
	crc_msgs(copy_b, sb, dir, sizeof(sb));
	snprintf(want, sizeof(want), "copy B: %s", dir);
	expect_pick(32, 0, want);
	assert_int_equal(got.generation, 1);
	assert_int_equal(store_find(&got, "second"), -1);

	/* the directory written, the superblock not */
	memcpy(copy_b, old_b, STORE_DIR_OFFSET);
	memcpy(copy_b + STORE_DIR_OFFSET, new_b + STORE_DIR_OFFSET,
	       STORE_META_SIZE - STORE_DIR_OFFSET);
	crc_msgs(copy_b, sb, dir, sizeof(sb));
	snprintf(want, sizeof(want), "copy B: %s", dir);
	expect_pick(32, 0, want);

	/* the superblock's sector half written */
	memcpy(copy_b, old_b, sizeof(old_b));
	memcpy(copy_b, new_b, 0x1c);
	crc_msgs(copy_b, sb, dir, sizeof(sb));
	snprintf(want, sizeof(want), "copy B: %s", sb);
	expect_pick(32, 0, want);

	/* all of it: B is current */
	memcpy(copy_b, new_b, sizeof(new_b));
	expect_pick(32, 1, "");
	assert_int_equal(store_find(&got, "second"), 1);
}

static void test_unformatted(void **state)
{
	memset(copy_a, 0, sizeof(copy_a));
	memset(copy_b, 0, sizeof(copy_b));
	expect_pick(32, STORE_PICK_NONE,
		    "copy A: not a store (magic 00 00 00 00 00 00 00 00); "
		    "copy B: not a store (magic 00 00 00 00 00 00 00 00)");
	/* a snapshot's header where a store should be is no store either */
	memcpy(copy_b, "KSTRSNAP", 8);
	expect_pick(32, STORE_PICK_NONE,
		    "copy A: not a store (magic 00 00 00 00 00 00 00 00); "
		    "copy B: not a store (magic 4b 53 54 52 53 4e 41 50)");
}

/* An intact copy this build cannot use is refused, never formatted over. */
static void test_refused_copies(void **state)
{
	tiny0_store(&meta);
	meta.nr_units = 256;
	format_both(&meta);
	expect_pick(256, 0, "");
	expect_pick(32, STORE_PICK_REFUSED,
		    "copy A: the store spans 256 units but the partition holds 32: "
		    "it was copied onto a smaller partition");

	/* grown into B: on the small partition the newer B is refused even
	 * though the older A would do */
	tiny0_store(&meta);
	format_both(&meta);
	assert_true(store_grow(&meta, 256));
	assert_int_equal(commit(&meta, 0), 1);
	expect_pick(256, 1, "");
	assert_int_equal(got.nr_units, 256);
	expect_pick(32, STORE_PICK_REFUSED,
		    "copy B: the store spans 256 units but the partition holds 32: "
		    "it was copied onto a smaller partition");

	/* a newer major version in the newest copy */
	snap_put_le16(copy_b + 0x08, 2);
	reseal(copy_b);
	expect_pick(256, STORE_PICK_REFUSED, "copy B: store format 2.0; this build reads 1.x");
	/* ...and in an older copy, under a valid newer one: that one is used */
	memcpy(copy_a, copy_b, sizeof(copy_a));
	tiny0_store(&meta);
	meta.generation = 9;
	assert_int_equal(store_meta_encode(&meta, copy_b), 0);
	expect_pick(256, 1, "copy A: store format 2.0; this build reads 1.x");
	/* a newer minor version is read */
	snap_put_le16(copy_a + 0x08, 1);
	snap_put_le16(copy_a + 0x0a, 7);
	reseal(copy_a);
	expect_pick(256, 1, "");
}

static void test_alloc_first_fit(void **state)
{
	int a, e;

	store_format(&meta, 32, uuid);
	assert_int_equal(store_free_units(&meta), 31);
	a = add(&meta, "a", 0x600000);
	add(&meta, "b", 2 * STORE_UNIT_SIZE);
	add(&meta, "c", 4 * STORE_UNIT_SIZE - 5);
	assert_extent(&meta.dir[a], 0, 1, 3);
	assert_extent(&meta.dir[1], 0, 4, 2);
	assert_extent(&meta.dir[2], 0, 6, 4);
	assert_int_equal(store_free_units(&meta), 22);
	store_entry_free(&meta, a);
	assert_int_equal(store_free_units(&meta), 25);
	/* the first run that fits, not the best one */
	add(&meta, "d", 1);
	assert_int_equal(store_find(&meta, "d"), 0);
	assert_extent(&meta.dir[0], 0, 1, 1);
	/* one extent preferred: units 2-3 are skipped for 10-12 */
	e = add(&meta, "e", 3 * STORE_UNIT_SIZE);
	assert_int_equal(meta.dir[e].nr_extents, 1);
	assert_extent(&meta.dir[e], 0, 10, 3);
	assert_int_equal(store_free_units(&meta), 21);
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
}

/* Free runs of 2 units at 2 and of 3 units at 6; a 5-unit snapshot. */
static void fragmented(struct store_meta *m)
{
	static const struct {
		const char *name;
		uint32_t units;
	} fill[] = { { "p0", 1 }, { "p1", 2 }, { "p2", 2 }, { "p3", 3 }, { "p4", 3 }, { "p5", 8 } };

	store_format(m, 20, uuid);
	for (unsigned int i = 0; i < ARRAY_SIZE(fill); i++)
		add(m, fill[i].name, (uint64_t)fill[i].units * STORE_UNIT_SIZE);
	assert_int_equal(store_free_units(m), 0);
	store_entry_free(m, store_find(m, "p1"));
	store_entry_free(m, store_find(m, "p3"));
}

static void test_alloc_multi_extent(void **state)
{
	int idx;

	fragmented(&meta);
	idx = add(&meta, "multi", 5 * STORE_UNIT_SIZE);
	assert_int_equal(meta.dir[idx].nr_extents, 2);
	assert_extent(&meta.dir[idx], 0, 2, 2);
	assert_extent(&meta.dir[idx], 1, 6, 3);
	assert_int_equal(meta.dir[idx].ext[2].nr_units, 0);
	assert_int_equal(store_free_units(&meta), 0);
	ready(&meta, idx, 5 * STORE_UNIT_SIZE, 1);
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
	expect_decode(copy_a, 20, 0, "");
}

static void test_map(void **state)
{
	const struct store_entry *e;
	uint64_t contig = 0;
	int idx;

	fragmented(&meta);
	idx = add(&meta, "multi", 5 * STORE_UNIT_SIZE);
	e = &meta.dir[idx];
	assert_int_equal(store_map(e, 0, &contig), 2 * STORE_UNIT_SIZE);
	assert_int_equal(contig, 4 * MIB);
	assert_int_equal(store_map(e, 0x123, &contig), 2 * STORE_UNIT_SIZE + 0x123);
	assert_int_equal(contig, 4 * MIB - 0x123);
	assert_int_equal(store_map(e, 4 * MIB - 1, &contig), 4 * STORE_UNIT_SIZE - 1);
	assert_int_equal(contig, 1);
	/* the second extent: snapshot offset 4 MiB is unit 6 */
	assert_int_equal(store_map(e, 4 * MIB, &contig), 6 * STORE_UNIT_SIZE);
	assert_int_equal(contig, 6 * MIB);
	assert_int_equal(store_map(e, 4 * MIB + 1, NULL), 6 * STORE_UNIT_SIZE + 1);
	assert_int_equal(store_map(e, 10 * MIB - 1, &contig), 9 * STORE_UNIT_SIZE - 1);
	assert_int_equal(contig, 1);
	/* past the extents */
	contig = 99;
	assert_int_equal(store_map(e, 10 * MIB, &contig), -1);
	assert_int_equal(store_map(e, UINT64_MAX, &contig), -1);
	assert_int_equal(contig, 99);
	/* the spec's example: tiny0-a is bytes 0x200000-0x7fffff of vda2 */
	tiny0_store(&meta);
	assert_int_equal(store_map(&meta.dir[0], 0x5fffff, &contig), 0x7fffff);
	assert_int_equal(store_map(&meta.dir[0], 0x600000, &contig), -1);
}

static void test_alloc_out_of_space(void **state)
{
	struct store_entry before;
	int idx;

	/* today's 64 MiB vda2: 31 units */
	store_format(&meta, 32, uuid);
	idx = store_free_slot(&meta);
	strcpy(meta.dir[idx].name, "basic0-a");
	meta.dir[idx].state = STORE_WRITING;
	before = meta.dir[idx];
	assert_int_equal(store_alloc(&meta, idx, 66 * MIB, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "the store has 62 MiB free, the snapshot needs 66 MiB");
	assert_memory_equal(&meta.dir[idx], &before, sizeof(before));
	assert_int_equal(store_alloc(&meta, idx, 62 * MIB, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	assert_extent(&meta.dir[idx], 0, 1, 31);
	store_entry_free(&meta, idx);

	tiny0_store(&meta);
	idx = store_free_slot(&meta);
	strcpy(meta.dir[idx].name, "linux0-a");
	assert_int_equal(store_alloc(&meta, idx, 258 * MIB, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "the store has 56 MiB free, the snapshot needs 258 MiB");
	assert_int_equal(store_alloc(&meta, idx, 0, msg, sizeof(msg)), -1);
	assert_int_equal(store_alloc(&meta, -1, 1, msg, sizeof(msg)), -1);
	assert_int_equal(store_alloc(&meta, STORE_DIR_ENTRIES, 1, NULL, 0), -1);
}

/*
 * Single free units at 1, 3, ..., 17 and a free run at 20-25: first-fit
 * stops at 8 extents, the longest runs still hold 10 units; 9 single units
 * do not fit in 8 extents whatever the order.
 */
static void test_alloc_fragmented(void **state)
{
	char name[16];
	int idx;

	store_format(&meta, 26, uuid);
	for (int u = 1; u <= 19; u++) {
		snprintf(name, sizeof(name), "u%d", u);
		add(&meta, name, 1);
	}
	for (int u = 1; u <= 17; u += 2) {
		snprintf(name, sizeof(name), "u%d", u);
		store_entry_free(&meta, store_find(&meta, name));
	}
	assert_int_equal(store_free_units(&meta), 15);
	idx = add(&meta, "ten", 10 * STORE_UNIT_SIZE);
	assert_int_equal(meta.dir[idx].nr_extents, 8);
	for (int k = 0; k < 7; k++)
		assert_extent(&meta.dir[idx], k, 1 + 2 * k, 1);
	assert_extent(&meta.dir[idx], 7, 20, 3);
	assert_int_equal(store_map(&meta.dir[idx], 7 * STORE_UNIT_SIZE, NULL),
			 20 * STORE_UNIT_SIZE);
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
	store_entry_free(&meta, idx);

	idx = store_free_slot(&meta);
	strcpy(meta.dir[idx].name, "big");
	assert_int_equal(store_alloc(&meta, idx, 16 * STORE_UNIT_SIZE, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "the store has 30 MiB free, the snapshot needs 32 MiB");
	assert_int_equal(store_alloc(&meta, idx, 6 * STORE_UNIT_SIZE, msg, sizeof(msg)), 0);
	assert_extent(&meta.dir[idx], 0, 20, 6);
	idx = store_free_slot(&meta);
	strcpy(meta.dir[idx].name, "nine");
	assert_int_equal(store_alloc(&meta, idx, 9 * STORE_UNIT_SIZE, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "the store has 18 MiB free, the snapshot needs 18 MiB: "
			    "the free space is in more than 8 pieces");
	assert_int_equal(meta.dir[idx].nr_extents, 0);
}

static void test_resave_keeps_extents(void **state)
{
	struct store_entry before;
	int a;

	store_format(&meta, 32, uuid);
	a = add(&meta, "a", 0x600000);
	add(&meta, "b", 1);
	ready(&meta, a, 0x600000, 1);
	/* the same guest again, or one a little smaller: the same units */
	meta.dir[a].state = STORE_WRITING;
	assert_int_equal(store_alloc(&meta, a, 0x600000, msg, sizeof(msg)), 0);
	assert_int_equal(meta.dir[a].nr_extents, 1);
	assert_extent(&meta.dir[a], 0, 1, 3);
	assert_int_equal(store_alloc(&meta, a, 0x400001, msg, sizeof(msg)), 0);
	assert_extent(&meta.dir[a], 0, 1, 3);
	/* larger: b sits at unit 4, so the entry moves, its own units free */
	assert_int_equal(store_alloc(&meta, a, 5 * STORE_UNIT_SIZE, msg, sizeof(msg)), 0);
	assert_int_equal(meta.dir[a].nr_extents, 1);
	assert_extent(&meta.dir[a], 0, 5, 5);
	/* smaller: first-fit again, over units the entry itself held */
	assert_int_equal(store_alloc(&meta, a, 2 * STORE_UNIT_SIZE, msg, sizeof(msg)), 0);
	assert_extent(&meta.dir[a], 0, 1, 2);
	assert_int_equal(store_alloc(&meta, a, 7 * STORE_UNIT_SIZE, msg, sizeof(msg)), 0);
	assert_extent(&meta.dir[a], 0, 5, 7);
	/* a failure leaves the entry as it was; its own units count as free */
	before = meta.dir[a];
	assert_int_equal(store_alloc(&meta, a, 40 * STORE_UNIT_SIZE, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "the store has 60 MiB free, the snapshot needs 80 MiB");
	assert_memory_equal(&meta.dir[a], &before, sizeof(before));
	assert_int_equal(store_free_units(&meta), 23);
}

static void test_grow(void **state)
{
	tiny0_store(&meta);
	assert_false(store_grow(&meta, 32));
	assert_false(store_grow(&meta, 16));
	assert_int_equal(meta.nr_units, 32);
	assert_true(store_grow(&meta, 256));
	assert_int_equal(meta.nr_units, 256);
	assert_int_equal(store_free_units(&meta), 252);
	assert_extent(&meta.dir[0], 0, 1, 3);		/* extents keep their units */
	assert_true(store_grow(&meta, 1ull << 40));
	assert_int_equal(meta.nr_units, UINT32_MAX);
	meta.nr_units = 256;
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
	expect_decode(copy_a, 256, 0, "");
	expect_decode(copy_a, 32, -STORE_ERR_SPAN,
		      "the store spans 256 units but the partition holds 32: "
		      "it was copied onto a smaller partition");
}

static void test_find_and_slots(void **state)
{
	char name[16];

	store_format(&meta, 100, uuid);
	assert_int_equal(store_free_slot(&meta), 0);
	for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		assert_int_equal(add(&meta, name, 1), i);
	}
	assert_int_equal(store_free_slot(&meta), -1);
	assert_int_equal(store_find(&meta, "s0"), 0);
	assert_int_equal(store_find(&meta, "s63"), 63);
	assert_int_equal(store_find(&meta, "s64"), -1);
	assert_int_equal(store_find(&meta, ""), -1);
	assert_int_equal(store_find(&meta, "abcdefghijklmnopqrstuvwxyz0123456789"), -1);
	assert_int_equal(store_free_units(&meta), 99 - 64);
	store_entry_free(&meta, 17);
	assert_int_equal(store_free_slot(&meta), 17);
	assert_int_equal(store_find(&meta, "s17"), -1);
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
}

/* --- what decode refuses ------------------------------------------------------ */

/* A valid copy: tiny0-a at units 1-3 (entry 0), b at 4-5 (entry 1). */
static void two_entries(void)
{
	tiny0_store(&meta);
	add(&meta, "b", 2 * STORE_UNIT_SIZE);
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
}

static void set32(int entry, int off, uint32_t v)
{
	snap_put_le32(copy_a + ENTRY(entry) + off, v);
}

#define refuse(err, want)	do { reseal(copy_a); expect_decode(copy_a, 32, (err), (want)); \
				     two_entries(); } while (0)

static void test_decode_refusals(void **state)
{
	two_entries();
	expect_decode(copy_a, 32, 0, "");

	/* overlapping extents, between entries and within one */
	set32(1, 0x40, 3);
	refuse(-STORE_ERR_ENTRY, "entries 0 (tiny0-a) and 1 (b) both hold unit 3");
	set32(1, 0x24, 2);
	set32(1, 0x48, 5);
	set32(1, 0x4c, 1);
	refuse(-STORE_ERR_ENTRY, "entry 1 (b): extents 0 and 1 both hold unit 5");

	/* names */
	copy_a[ENTRY(1)] = 'B';
	refuse(-STORE_ERR_ENTRY, "entry 1: the name is not 1 to 31 characters of a-z, 0-9, -, _");
	memset(copy_a + ENTRY(1), 'x', STORE_NAME_SIZE);
	refuse(-STORE_ERR_ENTRY, "entry 1: the name is not 1 to 31 characters of a-z, 0-9, -, _");
	copy_a[ENTRY(1) + 2] = 'x';
	refuse(-STORE_ERR_ENTRY, "entry 1: the name is not NUL-terminated and NUL-padded");
	memcpy(copy_a + ENTRY(1), "tiny0-a", 8);
	refuse(-STORE_ERR_ENTRY, "entries 0 and 1 are both named tiny0-a");

	/* units out of range: past the store, unit 0 (the metadata), empty */
	set32(1, 0x40, 31);
	refuse(-STORE_ERR_ENTRY,
	       "entry 1 (b): extent 0 (2 units from unit 31) is not within units 1 to 31");
	set32(1, 0x40, 0);
	refuse(-STORE_ERR_ENTRY,
	       "entry 1 (b): extent 0 (2 units from unit 0) is not within units 1 to 31");
	set32(1, 0x44, 0);
	refuse(-STORE_ERR_ENTRY,
	       "entry 1 (b): extent 0 (0 units from unit 4) is not within units 1 to 31");
	set32(1, 0x40, 0xffffffff);
	refuse(-STORE_ERR_ENTRY,
	       "entry 1 (b): extent 0 (2 units from unit 4294967295) is not within units 1 to 31");

	/* state and extent count */
	set32(1, 0x20, 0);
	refuse(-STORE_ERR_ENTRY, "entry 1 (b): state 0 (1 writing or 2 ready expected)");
	set32(1, 0x20, 3);
	refuse(-STORE_ERR_ENTRY, "entry 1 (b): state 3 (1 writing or 2 ready expected)");
	set32(1, 0x24, 0);
	refuse(-STORE_ERR_ENTRY, "entry 1 (b): 0 extents (1 to 8)");
	set32(1, 0x24, 9);
	refuse(-STORE_ERR_ENTRY, "entry 1 (b): 9 extents (1 to 8)");
	set32(1, 0x40 + 7 * 8, 20);
	refuse(-STORE_ERR_ENTRY, "entry 1 (b): unused extent 7 is not zero");

	/* a ready snapshot longer than its extents: that snapshot is
	 * truncated (its reader says so), the store stays usable */
	snap_put_le64(copy_a + ENTRY(0) + 0x28, 0x600001);
	refuse(0, "");
	snap_put_le64(copy_a + ENTRY(0) + 0x28, 0x600000);
	/* (a writing entry's length is 0 or its previous save's: not checked) */
	set32(1, 0x28, 0x12345);
	refuse(0, "");

	/* free entries are all zero, reserved bytes included */
	set32(5, 0x20, 1);
	refuse(-STORE_ERR_ENTRY, "entry 5 is free (no name) but not all zero");
	copy_a[ENTRY(63) + 0x3f] = 1;
	refuse(-STORE_ERR_ENTRY, "entry 63 is free (no name) but not all zero");
	/* a used entry's reserved bytes are ignored */
	copy_a[ENTRY(1) + 0x38] = 1;
	refuse(0, "");

	/* the superblock */
	copy_a[7] = 'X';
	refuse(-STORE_ERR_MAGIC, "not a store (magic 4b 53 54 52 53 54 4f 58)");
	snap_put_le32(copy_a + 0x20, 0x100000);
	refuse(-STORE_ERR_GEOMETRY,
	       "superblock of 256 bytes, units of 0x100000 bytes, 64 directory entries of 128 bytes at 0x1000; "
	       "this build reads 256, 0x200000, 64 of 128 at 0x1000");
	snap_put_le32(copy_a + 0x2c, 32);
	refuse(-STORE_ERR_GEOMETRY,
	       "superblock of 256 bytes, units of 0x200000 bytes, 32 directory entries of 128 bytes at 0x1000; "
	       "this build reads 256, 0x200000, 64 of 128 at 0x1000");
	snap_put_le32(copy_a + 0x24, 0);
	refuse(-STORE_ERR_GEOMETRY, "the store spans no units");
	snap_put_le32(copy_a + 0x14, 0x80000000);		/* flags: reserved, ignored */
	refuse(0, "");
	copy_a[0x50] = 0xff;					/* reserved */
	refuse(0, "");
}

static void test_encode_refuses(void **state)
{
	tiny0_store(&meta);
	strcpy(meta.dir[0].name, "Tiny0");
	assert_int_equal(store_meta_encode(&meta, copy_a), -1);

	tiny0_store(&meta);
	meta.dir[3].ext[0].first_unit = 2;
	meta.dir[3].ext[0].nr_units = 1;
	meta.dir[3].nr_extents = 1;
	meta.dir[3].state = STORE_WRITING;
	strcpy(meta.dir[3].name, "overlap");
	assert_int_equal(store_meta_encode(&meta, copy_a), -1);

	tiny0_store(&meta);
	meta.dir[4].sequence = 1;				/* a free entry, not zero */
	assert_int_equal(store_meta_encode(&meta, copy_a), -1);

	store_format(&meta, 0, uuid);
	assert_int_equal(store_meta_encode(&meta, copy_a), -1);
	store_format(&meta, 1, uuid);			/* unit 0 alone: empty, valid */
	assert_int_equal(store_meta_encode(&meta, copy_a), 0);
	assert_int_equal(store_free_units(&meta), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_units_for),
	cmocka_unit_test(test_encode_layout),
	cmocka_unit_test(test_round_trip),
	cmocka_unit_test(test_crc_damage),
	cmocka_unit_test(test_pick_by_generation),
	cmocka_unit_test(test_torn_copy_falls_back),
	cmocka_unit_test(test_unformatted),
	cmocka_unit_test(test_refused_copies),
	cmocka_unit_test(test_alloc_first_fit),
	cmocka_unit_test(test_alloc_multi_extent),
	cmocka_unit_test(test_map),
	cmocka_unit_test(test_alloc_out_of_space),
	cmocka_unit_test(test_alloc_fragmented),
	cmocka_unit_test(test_resave_keeps_extents),
	cmocka_unit_test(test_grow),
	cmocka_unit_test(test_find_and_slots),
	cmocka_unit_test(test_decode_refusals),
	cmocka_unit_test(test_encode_refuses),
};

UNIT_MAIN(tests, NULL, NULL)
