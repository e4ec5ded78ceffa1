// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of snap_validate against mutations: a mutation of a byte some
 * CRC covers is always refused, any other byte never matters, and nothing
 * outside the file is read (ASan, with the tail of a truncated file
 * poisoned).
 */
#include "snapfmt_fixture.h"
#include <sanitizer/asan_interface.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same sequence on every host and run. */
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/* Whether a CRC the validator checks covers the byte at off: the header's
 * 256 bytes, the sections and the table (back to back from 0x1000), and
 * the two present pages. Nothing else is read. */
static bool covered(const struct built *b, uint64_t off)
{
	uint64_t second = b->data_offset + second_page(b) * 4096;

	return off < SNAP_HEADER_SIZE ||
	       (off >= SNAP_SECTIONS_START && off < b->toc_offset + b->toc_length) ||
	       (off >= b->data_offset && off < b->data_offset + 4096) ||
	       (off >= second && off < second + 4096);
}

/* Applies a mutation of n bytes at off, validates, undoes it; checks that
 * the file is refused exactly when a covered byte changed. Returns that. */
static bool mutate(struct built *b, uint64_t off, const uint8_t *x, unsigned int n)
{
	bool hit = false;
	char msg[256];
	int ret;

	for (unsigned int k = 0; k < n && off + k < b->len; k++) {
		b->file[off + k] ^= x[k];
		hit |= x[k] && covered(b, off + k);
	}
	ret = snap_validate(b->file, b->len, &opts, NULL, msg, sizeof(msg));
	for (unsigned int k = 0; k < n && off + k < b->len; k++)
		b->file[off + k] ^= x[k];
	if (hit && ret == 0)
		fail_msg("mutation at 0x%llx (%u bytes) accepted", (unsigned long long)off, n);
	if (!hit && ret != 0)
		fail_msg("mutation at 0x%llx (%u bytes) of bytes no CRC covers refused: %s",
			 (unsigned long long)off, n, msg);
	return hit;
}

/* Every byte of a small snapshot (4 KiB chunks), each flipped in one bit. */
static void test_every_byte_of_a_small_snapshot(void **state)
{
	struct model m = { .ram_size = 3 * 4096 };
	unsigned int refused = 0;
	struct built b;

	build(&b, &m);
	for (uint64_t off = 0; off < b.len; off++) {
		uint8_t x = (uint8_t)(1u << (off % 8));

		refused += mutate(&b, off, &x, 1);
	}
	print_message("      %zu bytes flipped: %u refused (CRC-covered), %zu accepted\n", b.len,
		      refused, b.len - refused);
	assert_int_equal(refused, SNAP_HEADER_SIZE + (b.toc_offset + b.toc_length - 0x1000) +
			 2 * 4096);
	free(b.file);
}

/* 20000 random mutations of one byte, or a burst of up to 4, of the example. */
static void test_random_mutations(void **state)
{
	unsigned int refused = 0, n = 20000;
	struct built b;

	example(&b);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t r = next(), off;
		uint8_t x[4] = { 0 };
		unsigned int len = r & 0x100 ? 1 + (unsigned int)(next() % 4) : 1;

		switch (r % 10) {
		case 0: case 1: case 2: case 3: case 4:		/* the metadata */
			off = next() % 0x4600;
			break;
		case 5: case 6:					/* the present pages */
			off = b.data_offset + (next() % 2) * 512 * 4096 + next() % 4096;
			break;
		case 7:						/* anywhere */
			off = next() % b.len;
			break;
		case 8:						/* reserved bytes */
			off = SNAP_HEADER_SIZE + next() % (SNAP_SECTIONS_START - SNAP_HEADER_SIZE);
			break;
		default:					/* the header */
			off = next() % SNAP_HEADER_SIZE;
			break;
		}
		for (unsigned int k = 0; k < len; k++)
			x[k] = (uint8_t)next();
		x[0] |= 1;					/* something changes */
		refused += mutate(&b, off, x, len);
	}
	print_message("      %u mutations: %u refused (CRC-covered), %u accepted\n", n, refused,
		      n - refused);
	assert_true(refused > n / 2 && refused < n);
	free(b.file);
}

/* Validates the first len bytes with the rest of the file poisoned: ASan
 * reports a read past len as it would past the end of a heap block. */
static int validate_prefix(struct built *b, size_t len)
{
	char msg[256];
	int ret;

	ASAN_POISON_MEMORY_REGION(b->file + len, b->len - len);
	ret = snap_validate(b->file, len, &opts, NULL, msg, sizeof(msg));
	ASAN_UNPOISON_MEMORY_REGION(b->file + len, b->len - len);
	return ret;
}

static void test_truncations(void **state)
{
	struct built b;

	example(&b);
	for (size_t len = 0; len < 0x5000; len++)		/* every cut of the metadata */
		assert_int_equal(validate_prefix(&b, len), -SNAP_ERR_TRUNCATED);
	for (int i = 0; i < 2000; i++)
		assert_int_equal(validate_prefix(&b, (size_t)(next() % b.len)),
				 -SNAP_ERR_TRUNCATED);
	assert_int_equal(validate_prefix(&b, b.len), 0);
	/* a mutation and a cut together */
	for (int i = 0; i < 2000; i++) {
		uint64_t off = next() % 0x4600;
		uint8_t x = (uint8_t)(next() | 1);
		size_t len = (size_t)(next() % (i % 2 ? 0x5000 : b.len));

		b.file[off] ^= x;
		assert_true(validate_prefix(&b, len) < 0);
		b.file[off] ^= x;
	}
	free(b.file);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_every_byte_of_a_small_snapshot),
	cmocka_unit_test(test_random_mutations),
	cmocka_unit_test(test_truncations),
};

UNIT_MAIN(tests, NULL, NULL)
