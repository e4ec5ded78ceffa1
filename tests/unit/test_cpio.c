// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libs/cpio.c, the newc reader of the payload. Archives are
 * written by a small newc writer below and handed to the reader in a heap
 * buffer of exactly their size, so ASan reports any read past the end.
 */
#include "unit.h"
#include "kerrno.h"
#include "../../libs/include/cpio.h"	/* Kestrel's, not glibc's <cpio.h> */
#include <stdlib.h>

#define HDR		110
#define OFF_MODE	14
#define OFF_FILESIZE	54
#define OFF_NAMESIZE	94
#define S_REG		0100644
#define S_DIR		0040755
#define S_LNK		0120777

struct archive {
	char buf[4096];
	size_t len;
};

static void put_hex8(char *p, uint32_t v)
{
	char tmp[9];

	snprintf(tmp, sizeof(tmp), "%08X", v);
	memcpy(p, tmp, 8);
}

static void pad4(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = '\0';
}

/* Appends one newc entry (header, name, data, each padded to 4 bytes);
 * returns the offset of its header. */
static size_t add(struct archive *a, const char *name, uint32_t mode, const char *data,
		  size_t size)
{
	size_t at = a->len, namesize = strlen(name) + 1;
	char *h = a->buf + at;

	assert_true(at + HDR + namesize + size + 8 < sizeof(a->buf));
	memcpy(h, "070701", 6);
	for (int f = 0; f < 13; f++)
		put_hex8(h + 6 + 8 * f, 0);
	put_hex8(h + 6, (uint32_t)at + 1);		/* inode */
	put_hex8(h + OFF_MODE, mode);
	put_hex8(h + 38, 1);				/* nlink */
	put_hex8(h + OFF_FILESIZE, (uint32_t)size);
	put_hex8(h + OFF_NAMESIZE, (uint32_t)namesize);
	a->len += HDR;
	memcpy(a->buf + a->len, name, namesize);
	a->len += namesize;
	pad4(a);
	memcpy(a->buf + a->len, data, size);
	a->len += size;
	pad4(a);
	return at;
}

static size_t trailer(struct archive *a)
{
	return add(a, "TRAILER!!!", 0, "", 0);
}

/* The payload-like archive most tests use. */
static void sample(struct archive *a)
{
	a->len = 0;
	add(a, ".", S_DIR, "", 0);
	add(a, "./config.dtb", S_REG, "\xd0\x0d\xfe\xed-config", 10);
	add(a, "guests", S_DIR, "", 0);
	add(a, "guests/linux/Image", S_REG, "kernel-image-bytes", 18);
	add(a, "guests/current", S_LNK, "linux", 5);
	add(a, "empty", S_REG, "", 0);
	trailer(a);
}

/* A heap copy of the first len bytes: nothing readable past it. */
static void *exact(const struct archive *a, size_t len)
{
	void *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, a->buf, len);
	return p;
}

struct seen {
	unsigned int n;
	const char *names[8];
	size_t sizes[8];
	int stop_at, stop_with;
};

static int collect(const struct cpio_file *f, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < ARRAY_SIZE(s->names));
	s->names[s->n] = f->name;
	s->sizes[s->n] = f->size;
	s->n++;
	return s->n == (unsigned int)s->stop_at ? s->stop_with : 0;
}

static void test_iterates_regular_files(void **state)
{
	struct archive a;
	struct seen s = { 0 };
	size_t bad = 12345;
	void *p;

	sample(&a);
	p = exact(&a, a.len);
	assert_int_equal(cpio_for_each(p, a.len, collect, &s, &bad), 3);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "config.dtb");		/* "./" stripped */
	assert_string_equal(s.names[1], "guests/linux/Image");
	assert_string_equal(s.names[2], "empty");
	assert_int_equal(s.sizes[0], 10);
	assert_int_equal(s.sizes[1], 18);
	assert_int_equal(s.sizes[2], 0);
	assert_int_equal(bad, 12345);				/* untouched on success */
	assert_int_equal(cpio_for_each(p, a.len, NULL, NULL, NULL), 3);
	free(p);
}

static void test_find(void **state)
{
	struct archive a;
	struct cpio_file f;
	void *p;

	sample(&a);
	p = exact(&a, a.len);
	assert_int_equal(cpio_find(p, a.len, "config.dtb", &f), 0);
	assert_string_equal(f.name, "config.dtb");
	assert_int_equal(f.size, 10);
	assert_memory_equal(f.data, "\xd0\x0d\xfe\xed-config", 10);
	assert_int_equal((uintptr_t)f.data % 4, (uintptr_t)p % 4);	/* 4-byte padded */
	assert_int_equal(f.mode, S_REG);
	assert_int_equal(cpio_find(p, a.len, "./config.dtb", &f), 0);
	assert_int_equal(cpio_find(p, a.len, "guests/linux/Image", &f), 0);
	assert_memory_equal(f.data, "kernel-image-bytes", 18);
	assert_int_equal(cpio_find(p, a.len, "empty", &f), 0);
	assert_int_equal(f.size, 0);
	assert_int_equal(cpio_find(p, a.len, "guests", &f), -ENOENT);	/* a directory */
	assert_int_equal(cpio_find(p, a.len, "guests/current", &f), -ENOENT);	/* a symlink */
	assert_int_equal(cpio_find(p, a.len, "missing", &f), -ENOENT);
	assert_int_equal(cpio_find(p, a.len, "config", &f), -ENOENT);
	free(p);
}

static void test_callback_result_stops_the_walk(void **state)
{
	struct archive a;
	struct seen s = { .stop_at = 2, .stop_with = 7 };
	void *p;

	sample(&a);
	p = exact(&a, a.len);
	assert_int_equal(cpio_for_each(p, a.len, collect, &s, NULL), 7);
	assert_int_equal(s.n, 2);
	s = (struct seen){ .stop_at = 1, .stop_with = -ENOSPC };
	assert_int_equal(cpio_for_each(p, a.len, collect, &s, NULL), -ENOSPC);
	assert_int_equal(s.n, 1);
	free(p);
}

/* Runs the reader on a's first len bytes and returns the bad offset it
 * reports, failing unless the result is -EINVAL. */
static size_t expect_einval(const struct archive *a, size_t len)
{
	size_t bad = (size_t)-1;
	void *p = exact(a, len);
	int r = cpio_for_each(p, len, NULL, NULL, &bad);

	free(p);
	if (r != -EINVAL)
		fail_msg("archive of %zu bytes: got %d, want -EINVAL", len, r);
	assert_true(bad <= len);
	return bad;
}

static void test_bad_magic(void **state)
{
	struct archive a;
	size_t second;

	sample(&a);
	a.buf[5] = '2';					/* "070702": the crc format */
	assert_int_equal(expect_einval(&a, a.len), 0);
	a.len = 0;
	add(&a, "a", S_REG, "x", 1);
	second = add(&a, "b", S_REG, "y", 1);
	trailer(&a);
	memcpy(a.buf + second, "07070X", 6);
	assert_int_equal(expect_einval(&a, a.len), second);
}

static void test_truncated_archives(void **state)
{
	struct archive a;
	size_t last_header;

	a.len = 0;
	add(&a, "config.dtb", S_REG, "0123456789", 10);
	last_header = trailer(&a);
	assert_int_equal(expect_einval(&a, 50), 0);		/* inside the first header */
	assert_int_equal(expect_einval(&a, last_header), last_header);	/* no trailer */
	/* Every proper prefix is rejected, and never read past. */
	for (size_t len = 0; len < a.len; len++)
		expect_einval(&a, len);
}

static void test_name_past_the_end(void **state)
{
	struct archive a;
	size_t at;

	a.len = 0;
	at = add(&a, "config.dtb", S_REG, "", 0);
	put_hex8(a.buf + at + OFF_NAMESIZE, 0x1000);		/* runs past the end */
	assert_int_equal(expect_einval(&a, a.len), at);
	put_hex8(a.buf + at + OFF_NAMESIZE, 0xffffffff);
	assert_int_equal(expect_einval(&a, a.len), at);
	put_hex8(a.buf + at + OFF_NAMESIZE, 10);		/* no NUL inside the name */
	assert_int_equal(expect_einval(&a, a.len), at);
	put_hex8(a.buf + at + OFF_NAMESIZE, 0);
	assert_int_equal(expect_einval(&a, a.len), at);
	/* The name's NUL is the archive's last byte, the header promises more. */
	a.len = 0;
	at = add(&a, "abc", S_REG, "", 0);
	assert_int_equal(expect_einval(&a, HDR + 4), at);
}

static void test_file_size_past_the_end(void **state)
{
	struct archive a;
	size_t at;

	a.len = 0;
	add(&a, "first", S_REG, "ok", 2);
	at = add(&a, "config.dtb", S_REG, "0123456789", 10);
	trailer(&a);
	put_hex8(a.buf + at + OFF_FILESIZE, (uint32_t)a.len);
	assert_int_equal(expect_einval(&a, a.len), at);
	put_hex8(a.buf + at + OFF_FILESIZE, 0xffffffff);
	assert_int_equal(expect_einval(&a, a.len), at);
}

static void test_non_hex_digits(void **state)
{
	static const int fields[] = { OFF_MODE, OFF_FILESIZE, OFF_NAMESIZE };
	static const char junk[] = { 'g', ' ', '-', 'x', '\0' };
	struct archive a;

	for (unsigned int f = 0; f < ARRAY_SIZE(fields); f++) {
		for (unsigned int j = 0; j < ARRAY_SIZE(junk); j++) {
			sample(&a);
			a.buf[fields[f] + 3] = junk[j];
			assert_int_equal(expect_einval(&a, a.len), 0);
		}
	}
	sample(&a);
	a.buf[OFF_FILESIZE] = 'a';				/* hex either case is fine */
	a.buf[OFF_FILESIZE + 1] = 'B';
	assert_int_equal(expect_einval(&a, a.len), 0);		/* but now far too big */
}

/* Any byte of a valid archive changed to anything: a result, never a crash
 * or an out-of-bounds read. */
static void test_corrupted_bytes_never_read_out_of_bounds(void **state)
{
	static const unsigned char values[] = { 0x00, '0', '9', 'f', 'F', 'z', 0xff };
	struct archive a;

	sample(&a);
	for (size_t i = 0; i < a.len; i++) {
		for (unsigned int v = 0; v < ARRAY_SIZE(values); v++) {
			struct archive b = a;
			size_t bad = 0;
			void *p;
			int r;

			b.buf[i] = (char)values[v];
			p = exact(&b, b.len);
			r = cpio_for_each(p, b.len, NULL, NULL, &bad);
			free(p);
			assert_true(r == -EINVAL || (r >= 0 && r <= 6));
			if (r == -EINVAL)
				assert_true(bad <= b.len);
		}
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_iterates_regular_files),
	cmocka_unit_test(test_find),
	cmocka_unit_test(test_callback_result_stops_the_walk),
	cmocka_unit_test(test_bad_magic),
	cmocka_unit_test(test_truncated_archives),
	cmocka_unit_test(test_name_past_the_end),
	cmocka_unit_test(test_file_size_past_the_end),
	cmocka_unit_test(test_non_hex_digits),
	cmocka_unit_test(test_corrupted_bytes_never_read_out_of_bounds),
};

UNIT_MAIN(tests, NULL, NULL)
