// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the snapshot codec's parts (libs/snapfmt*.c): header and
 * table entry round trips and the bytes of docs/snapshot-format.md's
 * example, names, the tagged-field writer and reader (every malformed case
 * with its own error), and the RAM map helpers. test_snapfmt_file.c,
 * _checks.c and _mutate.c check whole files.
 */
#include "snapfmt_fixture.h"

/* A heap copy of exactly len bytes: ASan reports any read past it. */
static uint8_t *exact(const void *p, size_t len)
{
	uint8_t *q = malloc(len ? len : 1);

	assert_non_null(q);
	if (len)
		memcpy(q, p, len);
	return q;
}

/* Reads a payload that must be well formed; returns its field count. */
static int read_all_ok(const uint8_t *buf, size_t len)
{
	struct snap_tlv_reader r;
	struct snap_field f;
	int n = 0, ret;

	snap_tlv_reader_init(&r, buf, len);
	while ((ret = snap_tlv_next(&r, &f)) > 0)
		n++;
	assert_int_equal(ret, 0);
	return n;
}

/* --- header ------------------------------------------------------------------ */

static void example_header(struct snap_header *h)
{
	snap_header_init(h, SNAP_ARCH_ARM64, 4096);
	h->flags = SNAP_HDR_COMPLETE;
	h->toc_offset = 0x4110;
	h->toc_count = 7;
	h->toc_length = 0x380;
	h->toc_crc = 0xa3d4ae2f;
	h->file_length = 0x600000;
	h->created_uptime_ns = 10123456789ull;
	h->sequence = 1;
	strcpy(h->producer, "Kestrel 0.1.0 (arm64, qemu-virt)");
	strcpy(h->guest_name, "tiny0");
}

/* The header of the spec's example, byte for byte, and its CRC. */
static void test_header_matches_spec_example(void **state)
{
	static const char dump[] =
		"4b53 5452 534e 4150 0100 0000 0001 0000"
		"be9e 3b5b 0100 0000 0100 0000 0010 0000"
		"1041 0000 0000 0000 0700 0000 8000 0000"
		"8003 0000 0000 0000 2fae d4a3 0000 0000"
		"0000 6000 0000 0000 0000 0000 0000 0000"
		"15b1 675b 0200 0000 0100 0000 0000 0000"
		"4b65 7374 7265 6c20 302e 312e 3020 2861"
		"726d 3634 2c20 7165 6d75 2d76 6972 7429"
		"0000 0000 0000 0000 0000 0000 0000 0000"
		"0000 0000 0000 0000 0000 0000 0000 0000"
		"7469 6e79 3000 0000 0000 0000 0000 0000"
		"0000 0000 0000 0000 0000 0000 0000 0000"
		"0000 0000 0000 0000 0000 0000 0000 0000";
	uint8_t want[256] = { 0 }, buf[256];
	struct snap_header h;

	assert_int_equal(hex(dump, want), 0xd0);
	example_header(&h);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(snap_le32(buf + 0x10), 0x5b3b9ebe);
	assert_int_equal(snap_header_crc(buf, 256), 0x5b3b9ebe);
	/* bit 0 of byte 0x48 flipped: the error table's computed value */
	buf[0x48] ^= 1;
	assert_int_equal(snap_header_crc(buf, 256), 0xf0416194);
}

static void test_header_round_trip(void **state)
{
	struct snap_header h, d;
	uint8_t buf[512];

	example_header(&h);
	h.format_minor = 3;
	h.flags = SNAP_HDR_COMPLETE | 0x10000;
	h.created_unix_ns = 0x0123456789abcdefull;
	h.sequence = 0xfedcba9876543210ull;
	strcpy(h.producer, "123456789012345678901234567890123456789012345678901234567890123");
	strcpy(h.guest_name, "1234567890123456789012345678901");
	assert_int_equal(snap_header_encode(&h, buf, 256), 0);
	assert_int_equal(snap_header_decode(buf, 256, &d), 0);
	assert_int_equal(d.format_major, 1);
	assert_int_equal(d.format_minor, 3);
	assert_int_equal(d.header_size, 256);
	assert_int_equal(d.header_crc, snap_header_crc(buf, 256));
	assert_int_equal(d.flags, SNAP_HDR_COMPLETE | 0x10000);
	assert_int_equal(d.arch, SNAP_ARCH_ARM64);
	assert_int_equal(d.page_size, 4096);
	assert_int_equal(d.toc_offset, 0x4110);
	assert_int_equal(d.toc_count, 7);
	assert_int_equal(d.toc_entry_size, 128);
	assert_int_equal(d.toc_length, 0x380);
	assert_int_equal(d.toc_crc, 0xa3d4ae2f);
	assert_int_equal(d.file_length, 0x600000);
	assert_true(d.created_unix_ns == 0x0123456789abcdefull);
	assert_true(d.created_uptime_ns == 10123456789ull);
	assert_true(d.sequence == 0xfedcba9876543210ull);
	assert_string_equal(d.producer, h.producer);
	assert_string_equal(d.guest_name, h.guest_name);

	/* A longer header: the CRC covers header_size bytes, the rest zero. */
	h.header_size = 512;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), 0);
	assert_int_equal(snap_le32(buf + 0x0c), 512);
	assert_int_equal(snap_le32(buf + 0x10), snap_header_crc(buf, 512));
	for (size_t i = 0xc0; i < 512; i++)
		assert_int_equal(buf[i], 0);
}

static void test_header_encode_refuses(void **state)
{
	struct snap_header h;
	uint8_t buf[4096];

	example_header(&h);
	assert_int_equal(snap_header_encode(&h, buf, 255), -SNAP_ERR_INVAL);
	h.header_size = 260;
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), -SNAP_ERR_INVAL);
	h.header_size = 248;
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), -SNAP_ERR_INVAL);
	h.header_size = 4104;
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), -SNAP_ERR_INVAL);
	h.header_size = 4096;
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), 0);
	h.header_size = 256;
	memset(h.producer, 'x', sizeof(h.producer));		/* no room for the NUL */
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), -SNAP_ERR_INVAL);
	example_header(&h);
	memset(h.guest_name, 'x', sizeof(h.guest_name));
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), -SNAP_ERR_INVAL);
}

static void test_header_decode_refuses(void **state)
{
	struct snap_header h;
	uint8_t buf[256], *p;

	example_header(&h);
	assert_int_equal(snap_header_encode(&h, buf, sizeof(buf)), 0);
	p = exact(buf, 255);
	assert_int_equal(snap_header_decode(p, 255, &h), -SNAP_ERR_TRUNCATED);
	free(p);
	buf[7] = 'Q';
	assert_int_equal(snap_header_decode(buf, sizeof(buf), &h), -SNAP_ERR_MAGIC);
	/* strings without their NUL come back terminated */
	buf[7] = 'P';
	memset(buf + 0x60, 'p', 64);
	memset(buf + 0xa0, 'g', 32);
	assert_int_equal(snap_header_decode(buf, sizeof(buf), &h), 0);
	assert_int_equal(strlen(h.producer), 63);
	assert_int_equal(strlen(h.guest_name), 31);
}

/* --- table of contents ---------------------------------------------------------- */

static void test_toc_entry_matches_spec_example(void **state)
{
	static const char dump[] =
		"0010 0100 0100 0000 503f 0000 0000 0000"
		"c000 0000 0000 0000 81fc e374 0000 0000"
		"2f64 6576 6963 6573 2f75 6172 7430 0000";
	struct snap_toc_entry e = {
		.type = SNAP_SEC_PL011, .version = 1, .flags = SNAP_SEC_MANDATORY,
		.offset = 0x3f50, .length = 0xc0, .crc = 0x74e3fc81, .name = "/devices/uart0",
	};
	uint8_t want[128] = { 0 }, buf[128];
	struct snap_toc_entry d;

	assert_int_equal(hex(dump, want), 48);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(snap_toc_entry_encode(&e, buf), 0);
	assert_memory_equal(buf, want, sizeof(want));
	snap_toc_entry_decode(buf, &d);
	assert_int_equal(d.type, SNAP_SEC_PL011);
	assert_int_equal(d.version, 1);
	assert_int_equal(d.flags, SNAP_SEC_MANDATORY);
	assert_int_equal(d.offset, 0x3f50);
	assert_int_equal(d.length, 0xc0);
	assert_int_equal(d.crc, 0x74e3fc81);
	assert_int_equal(d.aux, 0);
	assert_memory_equal(d.name, e.name, sizeof(d.name));
}

static void test_toc_entry_round_trip(void **state)
{
	struct snap_toc_entry e = {
		.type = 0xfedc, .version = 0xba98, .flags = 0x7654, .offset = 0x0123456789abcdefull,
		.length = 0xfedcba9876543210ull, .crc = 0xdeadbeef, .aux = 0xcafef00d,
	}, d;
	uint8_t buf[128];

	memset(e.name, 'n', sizeof(e.name) - 1);
	e.name[sizeof(e.name) - 1] = '\0';
	assert_int_equal(snap_toc_entry_encode(&e, buf), 0);
	snap_toc_entry_decode(buf, &d);
	assert_memory_equal(&d, &e, sizeof(d));
	e.name[sizeof(e.name) - 1] = 'n';			/* 96 characters: no NUL */
	assert_int_equal(snap_toc_entry_encode(&e, buf), -SNAP_ERR_INVAL);
}

static void test_names(void **state)
{
	static const char *const good[] = {
		"/", "/devices/uart0", "/cpus/cpu@0", "/cpus/cpu@a", "/memory@40000000",
		"/intc@8000000", "/a,b.c_d+e-f", "/A/B/C", "/x@123abc",
	};
	static const char *const bad[] = {
		"", "devices", "//", "/devices/", "/devices//uart0", "/cpus/cpu@00",
		"/cpus/cpu@01", "/memory@4000000A", "/memory@", "/@0", "/a@1@2", "/a b",
		"/a\tb", "/a/", "/a@1,2", "/é",
	};
	char longest[SNAP_NAME_SIZE];
	uint64_t unit;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		if (!snap_name_valid(good[i], strlen(good[i]) + 1))
			fail_msg("\"%s\" refused", good[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (snap_name_valid(bad[i], strlen(bad[i]) + 1))
			fail_msg("\"%s\" accepted", bad[i]);
	}
	/* 95 characters fit; the field must hold the NUL */
	longest[0] = '/';
	memset(longest + 1, 'x', 94);
	longest[95] = '\0';
	assert_true(snap_name_valid(longest, sizeof(longest)));
	assert_false(snap_name_valid(longest, 95));		/* no NUL within size */
	assert_false(snap_name_valid("/uart0", 6));

	assert_true(snap_name_unit("/memory@40000000", &unit));
	assert_int_equal(unit, 0x40000000);
	assert_true(snap_name_unit("/cpus/cpu@a", &unit));
	assert_int_equal(unit, 10);
	assert_true(snap_name_unit("/x@ffffffffffffffff", &unit));
	assert_true(unit == UINT64_MAX);
	assert_false(snap_name_unit("/x@10000000000000000", &unit));
	assert_false(snap_name_unit("/", &unit));
	assert_false(snap_name_unit("/memory@40000000/x", &unit));
}

static void test_type_and_error_names(void **state)
{
	assert_string_equal(snap_section_type_name(SNAP_SEC_PL011), "pl011");
	assert_string_equal(snap_section_type_name(SNAP_SEC_ARM64_VGICV3), "arm64-vgicv3");
	assert_string_equal(snap_section_type_name(SNAP_SEC_VIRTIO_CONSOLE), "virtio-console");
	assert_null(snap_section_type_name(0x1200));
	assert_null(snap_section_type_name(0));
	assert_string_equal(snap_arch_name(SNAP_ARCH_RISCV64), "riscv64");
	assert_null(snap_arch_name(4));
	for (int i = 1; i < SNAP_ERR_COUNT; i++) {
		assert_string_not_equal(snap_strerror(-i), "unknown error");
		for (int j = 1; j < i; j++)
			assert_string_not_equal(snap_strerror(-i), snap_strerror(-j));
	}
	assert_string_equal(snap_strerror(-SNAP_ERR_COUNT), "unknown error");
	assert_string_equal(snap_strerror(-SNAP_ERR_HEADER_CRC),
			    snap_strerror(SNAP_ERR_HEADER_CRC));
}

/* --- tagged fields ---------------------------------------------------------------- */

/* The spec's pl011 section, field by field. */
static size_t write_uart(uint8_t *buf, size_t cap)
{
	static const uint32_t regs[] = { 0x301, 0x70, 13, 1, 0x12, 0x50, 0, 0, 0 };
	struct snap_tlv_writer w;
	size_t len;

	snap_tlv_writer_init(&w, buf, cap);
	snap_tlv_put_u64(&w, SNAP_PL011_BASE, SNAP_M, 0x09000000);
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
		snap_tlv_put_u32(&w, (uint16_t)(SNAP_PL011_CR + i), SNAP_M, regs[i]);
	snap_tlv_put_bytes(&w, SNAP_PL011_RX_FIFO, SNAP_M, "ls\r", 3);
	snap_tlv_put_u32(&w, SNAP_PL011_LINE, SNAP_M, 1);
	assert_int_equal(snap_tlv_finish(&w, &len), 0);
	assert_int_equal(w.needed, len);
	return len;
}

static void test_tlv_matches_spec_pl011(void **state)
{
	static const char dump[] =
		"0100 0201 0800 0000 0000 0009 0000 0000"
		"0200 0101 0400 0000 0103 0000 0000 0000"
		"0300 0101 0400 0000 7000 0000 0000 0000"
		"0400 0101 0400 0000 0d00 0000 0000 0000"
		"0500 0101 0400 0000 0100 0000 0000 0000"
		"0600 0101 0400 0000 1200 0000 0000 0000"
		"0700 0101 0400 0000 5000 0000 0000 0000"
		"0800 0101 0400 0000 0000 0000 0000 0000"
		"0900 0101 0400 0000 0000 0000 0000 0000"
		"0a00 0101 0400 0000 0000 0000 0000 0000"
		"0b00 0301 0300 0000 6c73 0d00 0000 0000"
		"0c00 0101 0400 0000 0100 0000 0000 0000";
	uint8_t want[0xc0], buf[0x100];

	assert_int_equal(hex(dump, want), 0xc0);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(write_uart(buf, sizeof(buf)), 0xc0);
	assert_memory_equal(buf, want, 0xc0);
	assert_int_equal(crc32c(0, buf, 0xc0), 0x74e3fc81);
	buf[0x3ff8 - 0x3f50] ^= 1;		/* the error table's flipped FIFO byte */
	assert_int_equal(crc32c(0, buf, 0xc0), 0xceac3e0f);
}

/* Writes one field of every kind and shape, reads them back. */
static void test_tlv_round_trip(void **state)
{
	static const uint8_t e8[3] = { 1, 2, 0xff };
	static const uint16_t e16[3] = { 0x1234, 0xffff, 0 };
	static const uint32_t e32[5] = { 1, 0x80000000, 3, 4, 0xffffffff };
	static const uint64_t e64[2] = { 0x0123456789abcdefull, 42 };
	static const uint64_t e128[4] = { 1, 2, 0xffffffffffffffffull, 0x8000000000000000ull };
	uint8_t buf[1024], *p;
	struct snap_tlv_writer w;
	struct snap_tlv_reader r;
	struct snap_field f;
	uint64_t lo, hi;
	size_t len;

	memset(buf, 0xaa, sizeof(buf));
	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_put_u32(&w, 1, SNAP_M, 0xdeadbeef);
	snap_tlv_put_u64(&w, 2, SNAP_O, 0xfedcba9876543210ull);
	for (uint16_t n = 0; n <= 9; n++)			/* tags 3..12: 0..9 bytes */
		snap_tlv_put_bytes(&w, (uint16_t)(3 + n), SNAP_O, "abcdefghi", n);
	snap_tlv_put_array(&w, 20, SNAP_M, 1, 3, e8);
	snap_tlv_put_array(&w, 21, SNAP_M, 2, 3, e16);
	snap_tlv_put_array(&w, 22, SNAP_M, 4, 5, e32);
	snap_tlv_put_array(&w, 23, SNAP_M, 8, 2, e64);
	snap_tlv_put_array(&w, 24, SNAP_M, 16, 2, e128);
	snap_tlv_put_array(&w, 25, SNAP_M, 4, 0, NULL);
	snap_tlv_array_begin(&w, 26, SNAP_O, 8, 3);		/* element by element */
	snap_tlv_array_elem(&w, 7);
	snap_tlv_array_elem(&w, 8);
	snap_tlv_array_elem(&w, 9);
	snap_tlv_put_u32(&w, SNAP_TAG_MAX, SNAP_O, 5);
	snap_tlv_put_u32(&w, 0x8000, SNAP_O, 6);		/* experiments may use it */
	assert_int_equal(snap_tlv_finish(&w, &len), 0);
	assert_int_equal(len % 8, 0);
	assert_int_equal(len, w.needed);
	for (size_t i = len; i < sizeof(buf); i++)		/* nothing written past len */
		assert_int_equal(buf[i], 0xaa);

	p = exact(buf, len);
	snap_tlv_reader_init(&r, p, len);
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.tag, 1);
	assert_int_equal(f.vtype, SNAP_VT_U32);
	assert_int_equal(f.flags, SNAP_M);
	assert_int_equal(f.offset, 0);
	assert_int_equal(snap_field_u32(&f), 0xdeadbeef);
	assert_int_equal(snap_field_u64(&f), 0);		/* not a u64 */
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.offset, 16);
	assert_int_equal(f.flags, SNAP_O);
	assert_true(snap_field_u64(&f) == 0xfedcba9876543210ull);
	for (uint16_t n = 0; n <= 9; n++) {
		assert_int_equal(snap_tlv_next(&r, &f), 1);
		assert_int_equal(f.tag, 3 + n);
		assert_int_equal(f.vtype, SNAP_VT_BYTES);
		assert_int_equal(f.length, n);
		assert_int_equal(f.offset % 8, 0);
		assert_memory_equal(f.value, "abcdefghi", n);
	}
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.elem_size, 1);
	assert_int_equal(f.count, 3);
	assert_int_equal(f.length, 11);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(snap_field_elem(&f, i), e8[i]);
	assert_int_equal(snap_field_elem(&f, 3), 0);		/* past the end: 0 */
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(snap_field_elem(&f, i), e16[i]);
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(snap_field_elem(&f, i), e32[i]);
	assert_int_equal(f.elems[7], 0x80);			/* little endian */
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	for (uint32_t i = 0; i < 2; i++)
		assert_true(snap_field_elem(&f, i) == e64[i]);
	assert_int_equal(f.elems[0], 0xef);
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.elem_size, 16);
	assert_int_equal(snap_field_elem(&f, 0), 0);		/* 16-byte: elem128 only */
	for (uint32_t i = 0; i < 2; i++) {
		snap_field_elem128(&f, i, &lo, &hi);
		assert_true(lo == e128[2 * i] && hi == e128[2 * i + 1]);
	}
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.tag, 25);
	assert_int_equal(f.count, 0);
	assert_int_equal(f.length, 8);
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.tag, 26);
	assert_int_equal(snap_field_elem(&f, 2), 9);
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.tag, SNAP_TAG_MAX);
	assert_int_equal(snap_tlv_next(&r, &f), 1);
	assert_int_equal(f.tag, 0x8000);
	assert_int_equal(snap_tlv_next(&r, &f), 0);
	assert_int_equal(snap_tlv_next(&r, &f), 0);		/* stays at the end */

	assert_int_equal(snap_tlv_find(p, len, 22, &f), 1);
	assert_int_equal(snap_field_elem(&f, 1), 0x80000000);
	assert_int_equal(snap_tlv_find(p, len, 13, &f), 0);
	assert_int_equal(snap_tlv_find(p, len, 0x9000, &f), 0);
	assert_int_equal(snap_tlv_find(p, 0, 1, &f), 0);
	free(p);
}

static void test_tlv_writer_overflow(void **state)
{
	uint8_t buf[256], full[256];
	struct snap_tlv_writer w;
	size_t len, full_len = 0;

	/* base, 9 registers, the FIFO and a 2-element array: 200 bytes */
	for (size_t cap = 0; cap <= 200; cap += 4) {
		memset(buf, 0xaa, sizeof(buf));
		snap_tlv_writer_init(&w, buf, cap);
		snap_tlv_put_u64(&w, SNAP_PL011_BASE, SNAP_M, 0x09000000);
		for (uint16_t t = SNAP_PL011_CR; t <= SNAP_PL011_DMACR; t++)
			snap_tlv_put_u32(&w, t, SNAP_M, t);
		snap_tlv_put_bytes(&w, SNAP_PL011_RX_FIFO, SNAP_M, "ls\r", 3);
		snap_tlv_array_begin(&w, 0x20, SNAP_O, 4, 2);
		snap_tlv_array_elem(&w, 1);
		snap_tlv_array_elem(&w, 2);
		assert_int_equal(w.needed, 200);		/* counted, written or not */
		if (cap == 200) {
			assert_int_equal(snap_tlv_finish(&w, &full_len), 0);
			memcpy(full, buf, sizeof(full));
			break;
		}
		assert_int_equal(snap_tlv_finish(&w, &len), -SNAP_ERR_OVERFLOW);
		assert_true(len <= cap);
		assert_int_equal(len % 8, 0);			/* whole fields only */
		for (size_t i = len; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xaa);
	}
	assert_int_equal(full_len, 200);
	assert_int_equal(read_all_ok(full, full_len), 12);
	/* A misuse after an overflow is reported as the misuse. */
	snap_tlv_writer_init(&w, buf, 8);
	snap_tlv_put_u64(&w, 2, SNAP_M, 1);
	snap_tlv_put_u64(&w, 1, SNAP_M, 1);
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);
}

static void test_tlv_writer_misuse(void **state)
{
	uint8_t buf[256];
	struct snap_tlv_writer w;

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_put_u32(&w, 0, SNAP_M, 1);			/* tag 0 */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_put_u32(&w, 5, SNAP_M, 1);
	snap_tlv_put_u32(&w, 5, SNAP_M, 1);			/* not increasing */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_put_u32(&w, 1, 0x2, 1);			/* reserved flag */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_array_begin(&w, 1, SNAP_M, 3, 1);		/* elem_size 3 */
	snap_tlv_array_elem(&w, 1);
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_array_begin(&w, 1, SNAP_M, 1, 1);
	snap_tlv_array_elem(&w, 0x100);				/* wider than a byte */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_array_begin(&w, 1, SNAP_M, 4, 2);
	snap_tlv_array_elem(&w, 1);				/* one short */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_array_begin(&w, 1, SNAP_M, 4, 1);
	snap_tlv_array_elem(&w, 1);
	snap_tlv_array_elem(&w, 2);				/* one too many */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_array_begin(&w, 1, SNAP_M, 4, 2);
	snap_tlv_array_elem(&w, 1);
	snap_tlv_put_u32(&w, 2, SNAP_M, 1);			/* array still open */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_array_begin(&w, 1, SNAP_M, 8, 1);
	snap_tlv_array_elem128(&w, 1, 2);			/* not a 16-byte array */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_array_elem(&w, 1);				/* no array */
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);

	/* errors are sticky: nothing written after the first */
	snap_tlv_writer_init(&w, buf, sizeof(buf));
	snap_tlv_put_u32(&w, 2, SNAP_M, 1);
	snap_tlv_put_u32(&w, 1, SNAP_M, 1);
	snap_tlv_put_u32(&w, 3, SNAP_M, 1);
	assert_int_equal(w.len, 16);
	assert_int_equal(snap_tlv_finish(&w, NULL), -SNAP_ERR_INVAL);
}

/* Runs the reader over len bytes of buf (an exact heap copy); returns the
 * first non-positive result, the offending field's offset in *pos. */
static int read_all(const uint8_t *buf, size_t len, size_t *pos)
{
	struct snap_tlv_reader r;
	struct snap_field f;
	uint8_t *p = exact(buf, len);
	int ret, again;

	snap_tlv_reader_init(&r, p, len);
	while ((ret = snap_tlv_next(&r, &f)) > 0)
		;
	again = snap_tlv_next(&r, &f);
	free(p);
	assert_int_equal(again, ret);				/* sticky */
	if (pos)
		*pos = r.pos;
	return ret;
}

static void test_tlv_reader_rejects_malformed(void **state)
{
	uint8_t b[64];
	size_t pos;

#define FIELD(p, tag, vtype, flags, len) \
	do { snap_put_le16((p), (tag)); (p)[2] = (vtype); (p)[3] = (flags); \
	     snap_put_le32((p) + 4, (len)); } while (0)
	memset(b, 0, sizeof(b));
	FIELD(b, 1, SNAP_VT_U32, 1, 4);
	assert_int_equal(read_all(b, 16, NULL), 0);
	assert_int_equal(read_all(b, 0, NULL), 0);
	/* a field header cut short, then a value past the end */
	assert_int_equal(read_all(b, 4, &pos), -SNAP_ERR_FIELD_BOUNDS);
	assert_int_equal(pos, 0);
	assert_int_equal(read_all(b, 12, NULL), -SNAP_ERR_FIELD_BOUNDS);	/* padding cut */
	assert_int_equal(read_all(b, 20, &pos), -SNAP_ERR_FIELD_BOUNDS);
	assert_int_equal(pos, 16);
	FIELD(b, 1, SNAP_VT_BYTES, 0, 0xffffffff);		/* huge length */
	assert_int_equal(read_all(b, 64, NULL), -SNAP_ERR_FIELD_BOUNDS);
	FIELD(b, 1, SNAP_VT_BYTES, 0, 41);			/* one byte too long */
	assert_int_equal(read_all(b, 48, NULL), -SNAP_ERR_FIELD_BOUNDS);
	FIELD(b, 1, SNAP_VT_BYTES, 0, 40);
	assert_int_equal(read_all(b, 48, NULL), 0);
	/* tag 0; tags equal or decreasing */
	memset(b, 0, sizeof(b));
	FIELD(b, 0, SNAP_VT_U32, 0, 4);
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_TAG);
	FIELD(b, 2, SNAP_VT_U32, 0, 4);
	FIELD(b + 16, 2, SNAP_VT_U32, 0, 4);
	assert_int_equal(read_all(b, 32, &pos), -SNAP_ERR_FIELD_ORDER);
	assert_int_equal(pos, 16);
	FIELD(b + 16, 1, SNAP_VT_U32, 0, 4);
	assert_int_equal(read_all(b, 32, NULL), -SNAP_ERR_FIELD_ORDER);
	FIELD(b + 16, 3, SNAP_VT_U32, 0, 4);
	assert_int_equal(read_all(b, 32, NULL), 0);
	/* vtypes */
	FIELD(b, 1, 0, 0, 4);
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_VTYPE);
	FIELD(b, 1, 5, 0, 4);
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_VTYPE);
	/* lengths a vtype cannot have */
	FIELD(b, 1, SNAP_VT_U32, 0, 8);
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_LENGTH);
	FIELD(b, 1, SNAP_VT_U64, 0, 4);
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_LENGTH);
	FIELD(b, 1, SNAP_VT_ARRAY, 0, 4);
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_LENGTH);
	memset(b, 0, sizeof(b));
	FIELD(b, 1, SNAP_VT_ARRAY, 0, 16);
	snap_put_le32(b + 8, 3);				/* elem_size 3 */
	snap_put_le32(b + 12, 2);
	assert_int_equal(read_all(b, 24, NULL), -SNAP_ERR_FIELD_LENGTH);
	snap_put_le32(b + 8, 4);
	snap_put_le32(b + 12, 3);				/* 8 + 4 x 3 != 16 */
	assert_int_equal(read_all(b, 24, NULL), -SNAP_ERR_FIELD_LENGTH);
	snap_put_le32(b + 12, 0x40000002);			/* 32-bit wrap of 4 x count */
	assert_int_equal(read_all(b, 24, NULL), -SNAP_ERR_FIELD_LENGTH);
	snap_put_le32(b + 12, 2);
	assert_int_equal(read_all(b, 24, NULL), 0);
	/* padding */
	memset(b, 0, sizeof(b));
	FIELD(b, 1, SNAP_VT_BYTES, 0, 5);
	b[8 + 5] = 1;
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_PADDING);
	b[8 + 5] = 0;
	b[8 + 4] = 1;						/* value, not padding */
	assert_int_equal(read_all(b, 16, NULL), 0);
	FIELD(b, 1, SNAP_VT_U32, 0, 4);
	b[15] = 0x80;
	assert_int_equal(read_all(b, 16, NULL), -SNAP_ERR_FIELD_PADDING);
#undef FIELD
}

/* Random payloads, and random bytes patched into a valid one: the reader
 * returns a result for every one without reading past the end (ASan). */
static void test_tlv_reader_random_input(void **state)
{
	uint8_t valid[256], buf[256];
	size_t vlen = write_uart(valid, sizeof(valid));

	srand(15);
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)rand() % sizeof(buf);
		int ret;

		if (i % 2) {
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)(rand() % 4 ? rand() % 8 : rand());
		} else {
			memcpy(buf, valid, vlen);
			len = vlen - (size_t)(rand() % 3 ? 0 : rand() % (int)vlen);
			buf[rand() % (int)vlen] ^= (uint8_t)(1 + rand() % 255);
		}
		ret = read_all(buf, len, NULL);
		assert_true(ret == 0 || (ret <= -SNAP_ERR_FIELD_BOUNDS &&
					 ret >= -SNAP_ERR_FIELD_PADDING));
	}
}

/* --- RAM ------------------------------------------------------------------------- */

static void test_ram_bitmap(void **state)
{
	uint8_t bm[128] = { 0 };

	assert_int_equal(snap_ram_bitmap_size(0x400000, 4096), 128);
	assert_int_equal(snap_ram_bitmap_size(3 * 4096, 4096), 1);
	assert_int_equal(snap_ram_bitmap_size(9 * 4096, 4096), 2);
	assert_int_equal(snap_ram_bitmap_size(1, 4096), 1);
	assert_int_equal(snap_ram_bitmap_size(0, 4096), 0);
	assert_int_equal(snap_ram_bitmap_size(4096, 0), 0);
	assert_true(snap_ram_bitmap_size(UINT64_MAX, 4096) == (1ull << 49));

	snap_ram_present_set(bm, 0);
	snap_ram_present_set(bm, 512);
	assert_int_equal(bm[0], 1);
	assert_int_equal(bm[64], 1);				/* the spec: byte 64, bit 0 */
	snap_ram_present_set(bm, 1023);
	assert_int_equal(bm[127], 0x80);
	assert_true(snap_ram_present_test(bm, 0));
	assert_false(snap_ram_present_test(bm, 1));
	assert_true(snap_ram_present_test(bm, 512));
	assert_true(snap_ram_present_test(bm, 1023));
	assert_int_equal(snap_ram_present_count(bm, sizeof(bm)), 3);
	memset(bm, 0xff, sizeof(bm));
	assert_int_equal(snap_ram_present_count(bm, sizeof(bm)), 1024);
	assert_int_equal(snap_ram_present_count(bm, 0), 0);
}

static void test_ram_chunk_crc(void **state)
{
	const uint32_t chunk = 0x200000, page = 4096;
	uint8_t *ram = calloc(1, 2 * chunk), bm[128] = { 0 };

	assert_non_null(ram);
	/* the example: page 0 holds i mod 256, page 512 holds 255 - i mod 256 */
	for (uint32_t i = 0; i < page; i++) {
		ram[i] = (uint8_t)i;
		ram[chunk + i] = (uint8_t)(255 - i);
	}
	assert_int_equal(snap_ram_chunk_crc(ram, chunk, page, bm, 0), 0);	/* none present */
	snap_ram_present_set(bm, 0);
	snap_ram_present_set(bm, 512);
	assert_int_equal(snap_ram_chunk_crc(ram, chunk, page, bm, 0), 0x9c71fe32);
	assert_int_equal(snap_ram_chunk_crc(ram + chunk, chunk, page, bm, 512), 0x214941a8);
	ram[chunk] ^= 1;				/* the error table's flipped byte */
	assert_int_equal(snap_ram_chunk_crc(ram + chunk, chunk, page, bm, 512), 0xe3ecf7f6);
	ram[chunk] ^= 1;
	/* absent pages are not fed to the CRC, whatever their slots hold */
	ram[5 * page] = 0x55;
	assert_int_equal(snap_ram_chunk_crc(ram, chunk, page, bm, 0), 0x9c71fe32);
	/* present pages are concatenated in ascending order */
	snap_ram_present_set(bm, 5);
	assert_int_equal(snap_ram_chunk_crc(ram, chunk, page, bm, 0),
			 crc32c(crc32c(0, ram, page), ram + 5 * page, page));
	free(ram);
}

static void test_page_is_zero(void **state)
{
	uint8_t page[4096] = { 0 };

	assert_true(snap_page_is_zero(page, sizeof(page)));
	assert_true(snap_page_is_zero(page, 0));
	for (size_t i = 0; i < sizeof(page); i += 509) {
		page[i] = 1;
		assert_false(snap_page_is_zero(page, sizeof(page)));
		page[i] = 0;
	}
	page[4095] = 0x80;
	assert_false(snap_page_is_zero(page, sizeof(page)));
	assert_true(snap_page_is_zero(page, 4095));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_header_matches_spec_example),
	cmocka_unit_test(test_header_round_trip),
	cmocka_unit_test(test_header_encode_refuses),
	cmocka_unit_test(test_header_decode_refuses),
	cmocka_unit_test(test_toc_entry_matches_spec_example),
	cmocka_unit_test(test_toc_entry_round_trip),
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_type_and_error_names),
	cmocka_unit_test(test_tlv_matches_spec_pl011),
	cmocka_unit_test(test_tlv_round_trip),
	cmocka_unit_test(test_tlv_writer_overflow),
	cmocka_unit_test(test_tlv_writer_misuse),
	cmocka_unit_test(test_tlv_reader_rejects_malformed),
	cmocka_unit_test(test_tlv_reader_random_input),
	cmocka_unit_test(test_ram_bitmap),
	cmocka_unit_test(test_ram_chunk_crc),
	cmocka_unit_test(test_page_is_zero),
};

UNIT_MAIN(tests, NULL, NULL)
