// SPDX-License-Identifier: GPL-2.0
/* Host tests of libs/string.c (built as k_memcpy, ...), glibc as the oracle. */
#include "unit.h"
#include "klibc.h"

#define BUF 96

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Fills buf with a pattern that differs at every offset. */
static void pattern(unsigned char *buf, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 37 + seed * 11 + 1);
}

static void test_memcpy_all_alignments(void **state)
{
	unsigned char src[BUF], want[BUF], got[BUF];

	pattern(src, sizeof(src), 1);
	for (size_t so = 0; so < 9; so++) {
		for (size_t d = 0; d < 9; d++) {
			for (size_t n = 0; n + MAX(so, d) <= 80; n += n < 20 ? 1 : 7) {
				memset(want, 0xee, sizeof(want));
				memset(got, 0xee, sizeof(got));
				memcpy(want + d, src + so, n);
				assert_ptr_equal(k_memcpy(got + d, src + so, n), got + d);
				assert_memory_equal(got, want, sizeof(got));
			}
		}
	}
}

static void test_memmove_overlapping(void **state)
{
	unsigned char want[BUF], got[BUF];

	/* Every distance from -20 to 20 between destination and source, both
	 * directions, aligned and not. */
	for (int dist = -20; dist <= 20; dist++) {
		for (size_t n = 0; n <= 48; n++) {
			size_t src = 24, dst = (size_t)((int)src + dist);

			pattern(want, sizeof(want), (unsigned int)n);
			pattern(got, sizeof(got), (unsigned int)n);
			memmove(want + dst, want + src, n);
			assert_ptr_equal(k_memmove(got + dst, got + src, n), got + dst);
			assert_memory_equal(got, want, sizeof(got));
		}
	}
}

static void test_memset(void **state)
{
	static const int values[] = { 0, 0x5a, 0xff, -1, 0x1ab };
	unsigned char want[BUF], got[BUF];

	for (unsigned int v = 0; v < ARRAY_SIZE(values); v++) {
		for (size_t off = 0; off < 9; off++) {
			for (size_t n = 0; off + n <= 70; n += 3) {
				pattern(want, sizeof(want), 3);
				pattern(got, sizeof(got), 3);
				memset(want + off, values[v], n);
				assert_ptr_equal(k_memset(got + off, values[v], n), got + off);
				assert_memory_equal(got, want, sizeof(got));
			}
		}
	}
}

static void test_memcmp_and_memchr(void **state)
{
	static const char *const pairs[][2] = {
		{ "abc", "abc" }, { "abc", "abd" }, { "abd", "abc" }, { "a\x80", "a\x7f" },
		{ "\xff", "\x01" }, { "", "" },
	};
	const char hay[] = "kestrel\0hidden";

	for (unsigned int i = 0; i < ARRAY_SIZE(pairs); i++) {
		size_t n = strlen(pairs[i][0]);

		assert_int_equal(sign(k_memcmp(pairs[i][0], pairs[i][1], n)),
				 sign(memcmp(pairs[i][0], pairs[i][1], n)));
	}
	assert_int_equal(k_memcmp("abX", "abY", 2), 0);
	assert_ptr_equal(k_memchr(hay, 'e', sizeof(hay)), hay + 1);
	assert_ptr_equal(k_memchr(hay, 'h', sizeof(hay)), hay + 8);	/* past a NUL */
	assert_ptr_equal(k_memchr(hay, '\0', sizeof(hay)), hay + 7);
	assert_null(k_memchr(hay, 'h', 8));
	assert_null(k_memchr(hay, 'q', sizeof(hay)));
	assert_ptr_equal(k_memchr(hay, 0x100 + 'r', sizeof(hay)), hay + 4);	/* as a byte */
}

static void test_string_lengths_and_compares(void **state)
{
	static const char *const strs[] = { "", "a", "ab", "abc", "abd", "b", "\xff", "abcdef" };

	assert_int_equal(k_strlen(""), 0);
	assert_int_equal(k_strlen("management"), 10);
	assert_int_equal(k_strnlen("management", 4), 4);
	assert_int_equal(k_strnlen("abc", 10), 3);
	assert_int_equal(k_strnlen("abc", 0), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(strs); i++) {
		for (unsigned int j = 0; j < ARRAY_SIZE(strs); j++) {
			assert_int_equal(sign(k_strcmp(strs[i], strs[j])),
					 sign(strcmp(strs[i], strs[j])));
			for (size_t n = 0; n < 5; n++)
				assert_int_equal(sign(k_strncmp(strs[i], strs[j], n)),
						 sign(strncmp(strs[i], strs[j], n)));
		}
	}
}

static void test_strchr_strrchr_strstr(void **state)
{
	static const char *const needles[] = { "", "a", "ab", "aab", "aaab", "b", "ba",
					       "abx", "aaaab" };
	const char s[] = "host irqs host";
	const char hay[] = "aaabaab";

	assert_ptr_equal(k_strchr(s, 'h'), s);
	assert_ptr_equal(k_strchr(s, 'q'), s + 7);
	assert_ptr_equal(k_strchr(s, '\0'), s + strlen(s));
	assert_null(k_strchr(s, 'z'));
	assert_ptr_equal(k_strrchr(s, 'h'), s + 10);
	assert_ptr_equal(k_strrchr(s, '\0'), s + strlen(s));
	assert_null(k_strrchr(s, 'z'));
	for (unsigned int i = 0; i < ARRAY_SIZE(needles); i++)
		assert_ptr_equal(k_strstr(hay, needles[i]), strstr(hay, needles[i]));
	assert_ptr_equal(k_strstr("", ""), strstr("", ""));
	assert_null(k_strstr("", "a"));
}

static void test_strlcpy(void **state)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	/* Truncated to size - 1 and terminated; returns the source length. */
	memset(buf, '#', sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "management", sizeof(buf)), 10);
	assert_string_equal(buf, "managem");
	assert_int_equal(k_strlcpy(buf, "exactly", sizeof(buf)), 7);	/* fits exactly */
	assert_string_equal(buf, "exactly");
	memset(buf, '#', sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "abc", 1), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
	/* Size 0 writes nothing at all. */
	assert_int_equal(k_strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_memcpy_all_alignments),
	cmocka_unit_test(test_memmove_overlapping),
	cmocka_unit_test(test_memset),
	cmocka_unit_test(test_memcmp_and_memchr),
	cmocka_unit_test(test_string_lengths_and_compares),
	cmocka_unit_test(test_strchr_strrchr_strstr),
	cmocka_unit_test(test_strlcpy),
};

UNIT_MAIN(tests, NULL, NULL)
