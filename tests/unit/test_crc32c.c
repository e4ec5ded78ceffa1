// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libs/crc32c.c: the check values of the snapshot format,
 * RFC 3720's vectors, chaining, and agreement with a bit-by-bit reference
 * over random buffers of every small length and alignment.
 */
#include "unit.h"
#include <stdlib.h>
#include <crc32c.h>

/* The definition, one bit at a time: reflected, init and final XOR ~0. */
static uint32_t crc32c_bitwise(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82F63B78u & -(crc & 1));
	}
	return ~crc;
}

static void test_check_values(void **state)
{
	assert_int_equal(crc32c(0, "123456789", 9), 0xE3069283);
	assert_int_equal(crc32c(0, "", 0), 0);
	assert_int_equal(crc32c(0, NULL, 0), 0);		/* no bytes: not read */
	assert_int_equal(crc32c(0x12345678, NULL, 0), 0x12345678);
	assert_int_equal(crc32c(0, "a", 1), 0xC1D04330);
	assert_int_equal(crc32c(0, "The quick brown fox jumps over the lazy dog", 43), 0x22620404);
}

/* RFC 3720 (iSCSI), appendix B.4. */
static void test_rfc3720_vectors(void **state)
{
	uint8_t buf[48];

	memset(buf, 0, 32);
	assert_int_equal(crc32c(0, buf, 32), 0x8A9136AA);
	memset(buf, 0xff, 32);
	assert_int_equal(crc32c(0, buf, 32), 0x62A8AB43);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(crc32c(0, buf, 32), 0x46DD794E);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(crc32c(0, buf, 32), 0x113FDB5C);
	/* An iSCSI Read (10) command PDU. */
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x01;
	buf[1] = 0xc0;
	buf[16] = 0x14;
	buf[22] = 0x04;
	buf[27] = 0x14;
	buf[31] = 0x18;
	buf[32] = 0x28;
	buf[40] = 0x02;
	assert_int_equal(crc32c(0, buf, 48), 0xD9963A56);
}

/* crc32c(crc32c(0, a), b) is the CRC of a then b, for every split. */
static void test_chaining(void **state)
{
	const char *s = "The quick brown fox jumps over the lazy dog";
	size_t n = strlen(s);

	for (size_t cut = 0; cut <= n; cut++)
		assert_int_equal(crc32c(crc32c(0, s, cut), s + cut, n - cut), 0x22620404);
}

static void test_matches_bitwise_reference(void **state)
{
	uint8_t *buf = malloc(4096 + 8);

	assert_non_null(buf);
	srand(3720);
	for (size_t i = 0; i < 4096 + 8; i++)
		buf[i] = (uint8_t)rand();
	/* every length to 300 at every alignment, then some long ones */
	for (size_t align = 0; align < 8; align++) {
		for (size_t len = 0; len <= 300; len++)
			assert_int_equal(crc32c(0, buf + align, len),
					 crc32c_bitwise(0, buf + align, len));
	}
	for (int i = 0; i < 200; i++) {
		size_t off = (size_t)rand() % 8, len = (size_t)rand() % 4097;
		uint32_t seed = (uint32_t)rand();

		assert_int_equal(crc32c(seed, buf + off, len),
				 crc32c_bitwise(seed, buf + off, len));
	}
	free(buf);
}

/* Any one-bit change of a range changes its CRC (what the snapshot's
 * mutation tests rely on: a burst of at most 32 bits is always detected). */
static void test_detects_every_single_bit_flip(void **state)
{
	uint8_t buf[256];
	uint32_t good;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	good = crc32c(0, buf, sizeof(buf));
	for (size_t bit = 0; bit < sizeof(buf) * 8; bit++) {
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_not_equal(crc32c(0, buf, sizeof(buf)), good);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_check_values),
	cmocka_unit_test(test_rfc3720_vectors),
	cmocka_unit_test(test_chaining),
	cmocka_unit_test(test_matches_bitwise_reference),
	cmocka_unit_test(test_detects_every_single_bit_flip),
};

UNIT_MAIN(tests, NULL, NULL)
