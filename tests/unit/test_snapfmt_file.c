// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of snap_validate (libs/snapfmt_read.c) on whole files: the
 * example of docs/snapshot-format.md built with the codec's writer and
 * compared with the spec's offsets and CRCs, and every corruption case of
 * the spec's error table with its own error and message.
 */
#include "snapfmt_fixture.h"

/* The layout table of the spec's example: offsets, lengths and CRCs. */
static void test_example_layout(void **state)
{
	static const struct {
		uint64_t off, len;
		uint32_t crc;
	} spec[] = {
		[E_CONFIG] = { 0x1000, 0x170, 0x6cfa1bf6 },
		[E_MACHINE] = { 0x1170, 0x090, 0x40f85009 },
		[E_HOST] = { 0x1200, 0x058, 0xa5ef2a6d },
		[E_VCPU] = { 0x1258, 0x528, 0x7bf8f9c8 },
		[E_VGIC] = { 0x1780, 0x27d0, 0xc225c14b },
		[E_UART] = { 0x3f50, 0x0c0, 0x74e3fc81 },
		[E_RAM] = { 0x4010, 0x100, 0x9cf5d832 },
	};
	struct built b;

	example(&b);
	assert_int_equal(b.n, 7);
	for (unsigned int i = 0; i < b.n; i++) {
		assert_int_equal(b.off[i], spec[i].off);
		assert_int_equal(b.secs[i].len, spec[i].len);
		/* The spec gives no counter-offset or boots: the machine
		 * section's CRC cannot be reproduced (see spec_metadata). */
		if (i != E_MACHINE)
			assert_int_equal(crc32c(0, b.secs[i].payload, b.secs[i].len), spec[i].crc);
	}
	assert_int_equal(b.toc_offset, 0x4110);
	assert_int_equal(b.toc_length, 0x380);
	assert_int_equal(b.data_offset, 0x200000);
	assert_int_equal(b.len, EXAMPLE_LEN);
	/* the two present pages, and their chunks' CRCs */
	assert_int_equal(crc32c(0, b.file + 0x200000, 0x1000), 0x9c71fe32);
	assert_int_equal(crc32c(0, b.file + 0x400000, 0x1000), 0x214941a8);
	spec_metadata(&b);
	free(b.file);
}

/* The ram section's bytes as the spec dumps them (its elided lines are zero). */
static void test_example_ram_section(void **state)
{
	static const char dump[] =
		"0100 0201 0800 0000 0000 0040 0000 0000"	/* 0x4010 */
		"0200 0201 0800 0000 0000 4000 0000 0000"
		"0300 0101 0400 0000 0010 0000 0000 0000"
		"0400 0101 0400 0000 0000 2000 0000 0000"
		"0500 0201 0800 0000 0000 2000 0000 0000"
		"0600 0301 8000 0000 0100 0000 0000 0000";	/* 0x4060 */
	static const char tail[] =
		"0000 0000 0000 0000 0700 0401 1000 0000"	/* 0x40e0 */
		"0400 0000 0200 0000 32fe 719c a841 4921"
		"0800 0200 0800 0000 0200 0000 0000 0000";
	uint8_t want[0x100] = { 0 };
	struct built b;

	example(&b);
	assert_int_equal(hex(dump, want), 0x60);
	want[0x40a8 - 0x4010] = 1;				/* page 512: byte 64, bit 0 */
	assert_int_equal(hex(tail, want + 0xd0), 0x30);
	assert_int_equal(b.secs[E_RAM].len, sizeof(want));
	assert_memory_equal(b.secs[E_RAM].payload, want, sizeof(want));
	free(b.file);
}

static void test_example_validates(void **state)
{
	struct snap_validate_opts any = { 0 };
	struct snap_info info;
	struct built b;
	char msg[256];

	example(&b);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(nr_notices, 0);
	assert_int_equal(snap_validate(b.file, b.len, NULL, &info, msg, sizeof(msg)), 0);
	assert_int_equal(info.header.arch, SNAP_ARCH_ARM64);	/* reported */
	assert_int_equal(info.header.page_size, 4096);
	assert_true(info.header.file_length == EXAMPLE_LEN);
	assert_string_equal(info.header.guest_name, "tiny0");
	assert_int_equal(info.sections, 7);
	assert_int_equal(info.skipped, 0);
	assert_int_equal(info.ram_sections, 1);
	assert_int_equal(info.present_pages, 2);
	assert_int_equal(snap_validate(b.file, b.len, &any, NULL, NULL, 0), 0);
	free(b.file);
}

/* A container larger than file_length (a store extent of whole units) is fine. */
static void test_longer_container(void **state)
{
	struct built b;
	uint8_t *big;

	example(&b);
	big = calloc(1, b.len + 0x200000);
	assert_non_null(big);
	memcpy(big, b.file, b.len);
	memset(big + b.len, 0xa5, 0x200000);
	expect(big, b.len + 0x200000, 0, NULL);
	free(big);
	free(b.file);
}

/* --- the error table, case by case --------------------------------------------------- */

static void test_error_header_bits(void **state)
{
	struct built b;

	example(&b);
	spec_metadata(&b);
	b.file[0x48] ^= 1;					/* created_unix_ns */
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC,
	       "snapshot tiny0-a: header CRC32C mismatch (stored 0x5b3b9ebe, computed 0xf0416194): the header is damaged");
	b.file[0x48] ^= 1;
	b.file[0x10] ^= 0x80;					/* header_crc itself */
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC, NULL);
	b.file[0x10] ^= 0x80;
	b.file[0x0c] ^= 1;					/* header_size 257 */
	expect(b.file, b.len, -SNAP_ERR_HEADER_SIZE,
	       "snapshot tiny0-a: header_size 257 is not a multiple of 8 from 256 to 4096: the header is damaged");
	b.file[0x0c] ^= 1;
	b.file[0x0d] ^= 2;					/* header_size 768 */
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC, NULL);
	b.file[0x0d] ^= 2;
	b.file[0x0d] ^= 0x20;					/* 0x2100: past 4096 */
	expect(b.file, b.len, -SNAP_ERR_HEADER_SIZE, NULL);
	b.file[0x0d] ^= 0x20;
	memset(b.file, 0, 8);
	expect(b.file, b.len, -SNAP_ERR_MAGIC,
	       "snapshot tiny0-a: not a Kestrel snapshot (magic 00 00 00 00 00 00 00 00)");
	free(b.file);
}

static void test_error_toc_bits(void **state)
{
	struct built b;

	example(&b);
	spec_metadata(&b);
	b.file[0x43b1] ^= 1;					/* entry 5's name */
	expect(b.file, b.len, -SNAP_ERR_TOC_CRC,
	       "snapshot tiny0-a: table of contents CRC32C mismatch (stored 0xa3d4ae2f, computed 0xea910b5f): the table is damaged");
	free(b.file);
}

static void test_error_device_section_bits(void **state)
{
	struct built b;

	example(&b);
	b.file[0x3ff8] ^= 1;					/* the UART's first FIFO byte */
	expect(b.file, b.len, -SNAP_ERR_SECTION_CRC,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): CRC32C mismatch (stored 0x74e3fc81, computed 0xceac3e0f)");
	free(b.file);
}

static void test_error_ram_chunk_bits(void **state)
{
	struct built b;

	example(&b);
	b.file[0x400000] ^= 1;					/* page 0x40200000, byte 0 */
	expect(b.file, b.len, -SNAP_ERR_CHUNK_CRC,
	       "snapshot tiny0-a: RAM chunk 1 (0x40200000-0x403fffff, 1 present page): CRC32C mismatch (stored 0x214941a8, computed 0xe3ecf7f6)");
	b.file[0x400000] ^= 1;
	b.file[0x200fff] ^= 0x40;
	expect(b.file, b.len, -SNAP_ERR_CHUNK_CRC, NULL);
	b.file[0x200fff] ^= 0x40;
	b.file[0x201000] ^= 0x40;		/* the slot of an absent page: never read */
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

static void test_error_truncated(void **state)
{
	struct built b;
	uint8_t *p;

	example(&b);
	p = malloc(0x3ff000);
	assert_non_null(p);
	memcpy(p, b.file, 0x3ff000);
	expect(p, 0x3ff000, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the header says 0x600000 bytes, the snapshot has 0x3ff000");
	expect(p, 100, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the snapshot has 100 bytes, less than a header");
	expect(p, 0, -SNAP_ERR_TRUNCATED, NULL);
	expect(b.file, b.len - 1, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the header says 0x600000 bytes, the snapshot has 0x5fffff");
	/* a header that says it is longer than the bytes there are */
	snap_put_le32(p + 0x0c, 512);
	snap_put_le32(p + 0x10, snap_header_crc(p, 512));
	expect(p, 300, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the header is 512 bytes, the snapshot has 300");
	free(p);
	free(b.file);
}

static void test_error_incomplete(void **state)
{
	struct built b;

	example(&b);
	b.file[0x14] &= (uint8_t)~SNAP_HDR_COMPLETE;
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_INCOMPLETE,
	       "snapshot tiny0-a: incomplete: its writer did not finish (COMPLETE flag clear); it is never restored");
	/* as written at step 4: no table, no length yet */
	memset(b.file + 0x20, 0, 0x28);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_INCOMPLETE, NULL);
	free(b.file);
}

static void test_error_section_twice(void **state)
{
	struct model m = { .uart_twice = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_DUPLICATE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011) appears twice in the table of contents (entries 5 and 7)");
	free(b.file);
	/* the same entry written twice: also twice, though they overlap */
	example(&b);
	memcpy(entry_ptr(b.file, E_RAM), entry_ptr(b.file, E_UART), SNAP_TOC_ENTRY_SIZE);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_DUPLICATE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011) appears twice in the table of contents (entries 5 and 6)");
	free(b.file);
}

static void test_error_unknown_mandatory_section(void **state)
{
	struct model m = { .gpu0 = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_UNKNOWN_SECTION,
	       "snapshot tiny0-a: section /devices/gpu0: type 0x1200 v1 is mandatory and unknown to this build (Kestrel 0.1.0)");
	free(b.file);
}

static void test_error_section_version(void **state)
{
	struct built b;

	example(&b);
	snap_put_le16(entry_ptr(b.file, E_VCPU) + 2, 3);
	reseal(b.file);
	/* This build reads version 1 only (there is no V - 1 yet). */
	expect(b.file, b.len, -SNAP_ERR_SECTION_VERSION,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu) is version 3; this build reads version 1");
	snap_put_le16(entry_ptr(b.file, E_VCPU) + 2, 0);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_VERSION, NULL);
	free(b.file);
}

static void test_error_unknown_mandatory_field(void **state)
{
	struct model m = { .uart_tag_0x20 = true, .uart_tag_0x20_flags = SNAP_M };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_FIELD_UNKNOWN,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0020 is mandatory and unknown to this build");
	free(b.file);
	m.uart_tag_0x20_flags = SNAP_O;				/* optional: skipped */
	build(&b, &m);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

static void test_error_malformed_field(void **state)
{
	struct model m = { .uart_cr_u64 = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0002 (cr): u64 of 8 bytes, expected u32");
	free(b.file);
}

static void test_error_missing_field(void **state)
{
	struct model m = { .vcpu_without_pc = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_FIELD_MISSING,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1): tag 0x0004 (pc) missing");
	free(b.file);
	/* on-entry and on-context are M when the vCPU is on-pending */
	example(&b);
	snap_put_le32(field(b.file, E_VCPU, SNAP_VCPU_POWER_STATE), 2);
	reseal_section(b.file, E_VCPU);
	expect(b.file, b.len, -SNAP_ERR_FIELD_MISSING,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1): tag 0x0007 (on-entry) missing");
	free(b.file);
}

static void test_error_format_arch_page_size(void **state)
{
	struct snap_validate_opts any = opts;
	struct built b;

	example(&b);
	snap_put_le16(b.file + 0x08, 2);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_FORMAT,
	       "snapshot tiny0-a: format 2.0 is newer than this build reads (1.x)");
	snap_put_le16(b.file + 0x08, 0);
	snap_put_le16(b.file + 0x0a, 9);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_FORMAT,
	       "snapshot tiny0-a: format 0.9 is older than this build reads (1.x)");
	snap_put_le16(b.file + 0x08, 1);			/* any minor is read */
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	snap_put_le16(b.file + 0x0a, 0);

	snap_put_le16(b.file + 0x18, SNAP_ARCH_RISCV64);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_ARCH,
	       "snapshot tiny0-a: the snapshot is of a riscv64 guest; this hypervisor is arm64");
	/* a reader for any arch takes it, then refuses the arm64 sections */
	any.arch = 0;
	expect_at(b.file, b.len, &any, -SNAP_ERR_SECTION_SET,
		  "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1) holds arm64 state, but the snapshot is of a riscv64 guest",
		  __FILE__, __LINE__);
	snap_put_le16(b.file + 0x18, 7);
	reseal(b.file);
	expect_at(b.file, b.len, &any, -SNAP_ERR_ARCH,
		  "snapshot tiny0-a: arch 7 is not one the format defines", __FILE__, __LINE__);
	snap_put_le16(b.file + 0x18, SNAP_ARCH_ARM64);

	snap_put_le32(b.file + 0x1c, 16384);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_PAGE_SIZE,
	       "snapshot tiny0-a: the snapshot has 16384-byte pages; this build uses 4096");
	any.page_size = 0;		/* then the ram section disagrees with it */
	expect_at(b.file, b.len, &any, -SNAP_ERR_RAM,
		  "snapshot tiny0-a: section /memory@40000000 (ram v1): page-size 4096, the header says 16384",
		  __FILE__, __LINE__);
	snap_put_le32(b.file + 0x1c, 3000);
	reseal(b.file);
	expect_at(b.file, b.len, &any, -SNAP_ERR_PAGE_SIZE, NULL, __FILE__, __LINE__);
	snap_put_le32(b.file + 0x1c, 0);
	reseal(b.file);
	expect_at(b.file, b.len, &any, -SNAP_ERR_PAGE_SIZE, NULL, __FILE__, __LINE__);
	free(b.file);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_example_layout),
	cmocka_unit_test(test_example_ram_section),
	cmocka_unit_test(test_example_validates),
	cmocka_unit_test(test_longer_container),
	cmocka_unit_test(test_error_header_bits),
	cmocka_unit_test(test_error_toc_bits),
	cmocka_unit_test(test_error_device_section_bits),
	cmocka_unit_test(test_error_ram_chunk_bits),
	cmocka_unit_test(test_error_truncated),
	cmocka_unit_test(test_error_incomplete),
	cmocka_unit_test(test_error_section_twice),
	cmocka_unit_test(test_error_unknown_mandatory_section),
	cmocka_unit_test(test_error_section_version),
	cmocka_unit_test(test_error_unknown_mandatory_field),
	cmocka_unit_test(test_error_malformed_field),
	cmocka_unit_test(test_error_missing_field),
	cmocka_unit_test(test_error_format_arch_page_size),
};

UNIT_MAIN(tests, NULL, NULL)
