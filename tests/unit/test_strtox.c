// SPDX-License-Identifier: GPL-2.0
/* Host tests of libs/strtox.c (built as k_strtoul, ...), glibc as the oracle. */
#include "unit.h"
#include "klibc.h"
#include <limits.h>
#include <stdlib.h>

static const char *const inputs[] = {
	"0", "7", "123", "  42", "\t\n 9", "+5", "-1", "-0", "0x1f", "0X1F", "0x", "0xg",
	"0x 1", "017", "08", "09", "0b1", "abc", "ABC", "zz", "", "   ", "+", "-", "12abc",
	"7 8", "18446744073709551615", "18446744073709551616", "99999999999999999999999",
	"0xffffffffffffffff", "0x10000000000000000", "-18446744073709551615",
	"-18446744073709551616", "1777777777777777777777", "2000000000000000000000",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "4294967296", "ffffffff",
};
static const int bases[] = { 0, 8, 10, 16, 2, 36 };

/* Same value and same end pointer as glibc for every input and base. */
static void test_strtoul_matches_glibc(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(inputs); i++) {
		for (unsigned int b = 0; b < ARRAY_SIZE(bases); b++) {
			const char *s = inputs[i];
			char *wend, *gend;
			unsigned long want = strtoul(s, &wend, bases[b]);
			unsigned long got = k_strtoul(s, &gend, bases[b]);

			if (want != got || wend != gend)
				fail_msg("strtoul(\"%s\", %d): glibc %lu end +%td, kestrel %lu end +%td",
					 s, bases[b], want, wend - s, got, gend - s);
		}
	}
}

static void test_strtoull_matches_glibc(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(inputs); i++) {
		for (unsigned int b = 0; b < ARRAY_SIZE(bases); b++) {
			const char *s = inputs[i];
			char *wend, *gend;
			unsigned long long want = strtoull(s, &wend, bases[b]);
			unsigned long long got = k_strtoull(s, &gend, bases[b]);

			if (want != got || wend != gend)
				fail_msg("strtoull(\"%s\", %d): glibc %llu end +%td, kestrel %llu end +%td",
					 s, bases[b], want, wend - s, got, gend - s);
		}
	}
}

/* strtol saturates at LONG_MAX / LONG_MIN like glibc. */
static void test_strtol_matches_glibc(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(inputs); i++) {
		for (unsigned int b = 0; b < ARRAY_SIZE(bases); b++) {
			const char *s = inputs[i];
			char *wend, *gend;
			long want = strtol(s, &wend, bases[b]);
			long got = k_strtol(s, &gend, bases[b]);

			if (want != got || wend != gend)
				fail_msg("strtol(\"%s\", %d): glibc %ld end +%td, kestrel %ld end +%td",
					 s, bases[b], want, wend - s, got, gend - s);
		}
	}
}

static void test_bases_and_saturation(void **state)
{
	char *end;

	assert_int_equal(k_strtoul("0x1f", NULL, 0), 31);	/* NULL end is allowed */
	assert_int_equal(k_strtoul("017", NULL, 0), 15);
	assert_int_equal(k_strtoul("017", NULL, 10), 17);
	assert_int_equal(k_strtoul("0x1f", NULL, 16), 31);
	assert_int_equal(k_strtoul("1f", NULL, 16), 31);
	assert_int_equal(k_strtoul("777", NULL, 8), 511);
	assert_int_equal(k_strtoul("778", &end, 8), 63);
	assert_string_equal(end, "8");
	assert_true(k_strtoul("99999999999999999999999", &end, 10) == ULONG_MAX);
	assert_string_equal(end, "");				/* all digits consumed */
	assert_true(k_strtoull("0x10000000000000000", NULL, 0) == ULLONG_MAX);
	assert_true(k_strtol("9223372036854775808", NULL, 10) == LONG_MAX);
	assert_true(k_strtol("-9223372036854775809", NULL, 10) == LONG_MIN);
	assert_int_equal(k_strtol("-42", NULL, 0), -42);
	/* No digits: value 0, end at the start (not after spaces or sign). */
	assert_int_equal(k_strtoul("  -x", &end, 0), 0);
	assert_string_equal(end, "  -x");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_strtoul_matches_glibc),
	cmocka_unit_test(test_strtoull_matches_glibc),
	cmocka_unit_test(test_strtol_matches_glibc),
	cmocka_unit_test(test_bases_and_saturation),
};

UNIT_MAIN(tests, NULL, NULL)
