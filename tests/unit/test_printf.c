// SPDX-License-Identifier: GPL-2.0
/* Host tests of libs/printf.c (built as k_vsnprintf), glibc as the oracle. */
#include "unit.h"
#include "klibc.h"
#include "../../libs/include/printf.h"	/* Kestrel's, for vcbprintf */
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

/* Formats with glibc and with Kestrel; fails naming the format on a
 * difference in output or in the returned length. */
static void __attribute__((format(printf, 3, 4)))
check(const char *file, int line, const char *fmt, ...)
{
	char want[512], got[512];
	va_list ap, ap2;
	int wn, gn;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	wn = vsnprintf(want, sizeof(want), fmt, ap);
	gn = k_vsnprintf(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	if (wn != gn || strcmp(want, got)) {
		print_error("format \"%s\": glibc \"%s\" (%d), kestrel \"%s\" (%d)\n", fmt, want,
			    wn, got, gn);
		_fail(file, line);
	}
}
#define CHECK(...) check(__FILE__, __LINE__, __VA_ARGS__)

static void test_integers(void **state)
{
	CHECK("%d %d %d %d %d", 0, 1, -1, INT_MAX, INT_MIN);
	CHECK("%i %i", 42, -42);
	CHECK("%u %u %u", 0u, 1u, UINT_MAX);
	CHECK("%x %x %X %X", 0u, 0xdeadbeefu, 0xabcdefu, UINT_MAX);
	CHECK("%o %o %o", 0u, 8u, UINT_MAX);
	CHECK("[%d|%u|%x]", -7, 7u, 255u);
}

/* The tables below also use flag combinations C defines as ignored (a '+'
 * on %u, '0' with a precision): exactly what an oracle should settle. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"

static void test_flags(void **state)
{
	CHECK("[%-5d] [%-5d]", 42, -42);
	CHECK("[%05d] [%05d] [%05x]", 42, -42, 0xabu);
	CHECK("[%+d] [%+d] [%+d]", 42, -42, 0);
	CHECK("[% d] [% d] [%+ d]", 42, -42, 42);
	CHECK("[%+05d] [% 05d] [%-+6d]", -42, 42, 42);
	CHECK("[%#x] [%#X] [%#o] [%#o]", 0x1fu, 0x1fu, 8u, 0u);
	CHECK("[%#x] [%#10x] [%#-10x] [%#010x]", 0u, 0xbeefu, 0xbeefu, 0xbeefu);
	CHECK("[%-05d] [%-#8o]", 3, 8u);
	/* '+' and ' ' are for signed conversions only. */
	CHECK("[%+u] [% u] [%+x] [% X] [%+o]", 5u, 5u, 255u, 255u, 8u);
}

static void test_width_and_precision(void **state)
{
	CHECK("[%5d] [%1d] [%40d]", 42, 12345, -1);
	CHECK("[%.3d] [%.3d] [%8.3d] [%-8.3d]", 7, -7, 7, -7);
	CHECK("[%08.3d] [%.0d] [%5.0d] [%.0u]", 7, 0, 0, 0u);
	CHECK("[%.0x] [%#.0x] [%#.0o] [%.0o]", 0u, 0u, 0u, 0u);
	CHECK("[%#.3o] [%#.5o] [%.5o] [%10.4x]", 8u, 8u, 8u, 0xabu);
	CHECK("[%#.4x] [%#8.4x] [%#08x]", 0xabu, 0xabu, 1u);
}

#pragma GCC diagnostic pop

static void test_star_arguments(void **state)
{
	CHECK("[%*d] [%*d]", 5, 42, -5, 42);
	CHECK("[%.*d] [%.*d] [%.*d]", 3, 7, 0, 0, -1, 7);
	CHECK("[%*.*d] [%-*.*x]", 8, 4, 99, 8, 4, 0x99u);
	CHECK("[%*.*s] [%.*s]", 6, 2, "abcdef", 3, "abcdef");
	CHECK("[%0*d]", 6, -12);
}

static void test_length_modifiers(void **state)
{
	CHECK("%hhd %hhd %hhu %hhx", 300, -129, 257, 0x1ff);
	CHECK("%hd %hd %hu %hx", 70000, -32769, 70000, 0x1ffff);
	CHECK("%ld %ld %lu %lx", LONG_MAX, LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
	CHECK("%lld %lld %llu %llx %llo", LLONG_MAX, LLONG_MIN, ULLONG_MAX, 0xfedcba9876543210ULL,
	      ULLONG_MAX);
	CHECK("%zu %zx %zd", SIZE_MAX, (size_t)0x1000, (ssize_t)-5);
	CHECK("%td %td", (ptrdiff_t)-12345, PTRDIFF_MAX);
	CHECK("[%-20lld] [%020llx]", -1LL, 0xffffULL);
}

static void test_strings_and_chars(void **state)
{
	CHECK("[%s] [%s] [%10s] [%-10s]", "hello", "", "right", "left");
	CHECK("[%.3s] [%10.3s] [%-10.3s] [%.0s] [%.10s]", "abcdef", "abcdef", "abcdef", "abc",
	      "abc");
	CHECK("[%c] [%5c] [%-5c] [%c]", 'x', 'y', 'z', 0x7e);
	CHECK("100%% [%%] %d%%", 50);
	CHECK("no conversions at all");
	CHECK("%s=%d (%#x) %c%s", "irq", 33, 33u, '!', "\n");
}

static void test_pointers(void **state)
{
	int x;
	void *p = &x, *q = (void *)(uintptr_t)0xffff0000deadbeefULL, *r = (void *)(uintptr_t)1;

	CHECK("%p %p %p", p, q, r);
	CHECK("[%20p] [%-20p]", p, q);
}

static void test_kestrel_specific_conversions(void **state)
{
	const char *unknown = "[%y]", *trailing = "abc%";
	const char *volatile null = NULL;
	char buf[32];

	/* Unknown conversions are shown verbatim; a lone '%' ends the output. */
	assert_int_equal(k_snprintf(buf, sizeof(buf), unknown, 0), 4);
	assert_string_equal(buf, "[%y]");
	assert_int_equal(k_snprintf(buf, sizeof(buf), trailing, 0), 3);
	assert_string_equal(buf, "abc");
	/* NULL strings print as glibc does. */
	assert_int_equal(k_snprintf(buf, sizeof(buf), "%s", null), 6);
	assert_string_equal(buf, "(null)");
}

static void test_truncation_and_return_value(void **state)
{
	static const char fmt[] = "%s-%05d-%x";
	char want[64], got[64];

	for (size_t size = 1; size <= 24; size++) {
		int wn, gn;

		memset(got, '#', sizeof(got));
		wn = snprintf(want, size, fmt, "kestrel", 42, 0xbeefu);
		gn = k_snprintf(got, size, fmt, "kestrel", 42, 0xbeefu);
		assert_int_equal(gn, wn);
		assert_int_equal(gn, 18);	/* "kestrel-00042-beef" */
		assert_string_equal(got, want);
		assert_int_equal(strlen(got), size - 1 < 18 ? size - 1 : 18);
		for (size_t i = size; i < sizeof(got); i++)	/* nothing past size */
			assert_int_equal(got[i], '#');
	}
}

static void test_size_zero(void **state)
{
	char buf[8] = "unused";

	/* Size 0 writes nothing, not even the NUL, and may take a NULL buffer. */
	assert_int_equal(k_snprintf(buf, 0, "%d apples", 12345), 12);
	assert_string_equal(buf, "unused");
	assert_int_equal(k_snprintf(NULL, 0, "%s", "twelve chars"), 12);
	assert_int_equal(k_snprintf(buf, 1, "%s", "abc"), 3);
	assert_string_equal(buf, "");
}

struct sink {
	char buf[128];
	size_t len;
	unsigned int calls;
};

static void sink_collect(void *ctx, const char *s, size_t len)
{
	struct sink *k = ctx;

	assert_true(len > 0);
	assert_true(k->len + len < sizeof(k->buf));
	memcpy(k->buf + k->len, s, len);
	k->len += len;
	k->calls++;
}

static int cb(struct sink *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vcbprintf(sink_collect, k, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vcbprintf_chunks(void **state)
{
	struct sink k = { .len = 0 };

	/* Padding wider than the internal 16-byte pad buffer comes in pieces. */
	assert_int_equal(cb(&k, "a%40sb%-3dc", "x", 7), 46);
	assert_int_equal(k.len, 46);
	k.buf[k.len] = '\0';
	assert_string_equal(k.buf, "a                                       xb7  c");
	assert_true(k.calls > 3);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_integers),
	cmocka_unit_test(test_flags),
	cmocka_unit_test(test_width_and_precision),
	cmocka_unit_test(test_star_arguments),
	cmocka_unit_test(test_length_modifiers),
	cmocka_unit_test(test_strings_and_chars),
	cmocka_unit_test(test_pointers),
	cmocka_unit_test(test_kestrel_specific_conversions),
	cmocka_unit_test(test_truncation_and_return_value),
	cmocka_unit_test(test_size_zero),
	cmocka_unit_test(test_vcbprintf_chunks),
};

UNIT_MAIN(tests, NULL, NULL)
