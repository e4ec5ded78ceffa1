// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of snap_validate on whole files: the other checks of the
 * spec's "Reading and validation" (header flags, table geometry, entries,
 * the set of sections, fields, RAM, small chunks, messages).
 */
#include "snapfmt_fixture.h"

static void test_header_flags(void **state)
{
	struct built b;

	example(&b);
	snap_put_le32(b.file + 0x14, SNAP_HDR_COMPLETE | SNAP_HDR_STREAM);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_STREAM,
	       "snapshot tiny0-a: a migration stream (STREAM flag set), not a snapshot file");
	for (unsigned int bit = 2; bit < 16; bit++) {
		snap_put_le32(b.file + 0x14, SNAP_HDR_COMPLETE | 1u << bit);
		reseal(b.file);
		expect(b.file, b.len, -SNAP_ERR_FLAGS, NULL);
	}
	for (unsigned int bit = 16; bit < 32; bit++) {		/* ignored */
		snap_put_le32(b.file + 0x14, SNAP_HDR_COMPLETE | 1u << bit);
		reseal(b.file);
		expect(b.file, b.len, 0, NULL);
	}
	/* a longer header: its CRC covers the reserved bytes after 256 too */
	snap_put_le32(b.file + 0x0c, 4096);
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	b.file[4000] = 1;
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC, NULL);
	snap_put_le32(b.file + 0x0c, 256);		/* then not covered, not read */
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

static void test_toc_geometry(void **state)
{
	static const struct {
		unsigned int off, size;
		uint64_t value;
		const char *msg;
	} cases[] = {
		{ 0x2c, 4, 120, "snapshot tiny0-a: toc_entry_size 120 is not a multiple of 8 of at least 128" },
		{ 0x2c, 4, 132, NULL },
		{ 0x28, 4, 0, "snapshot tiny0-a: toc_count 0 is not 1 to 4096" },
		{ 0x28, 4, 4097, NULL },
		{ 0x28, 4, 6, "snapshot tiny0-a: toc_length 0x380 is not toc_count 6 x toc_entry_size 128" },
		{ 0x30, 8, 0x300, NULL },
		{ 0x30, 8, 0x8000000000000380ull, NULL },
		{ 0x20, 8, 0x4114, "snapshot tiny0-a: toc_offset 0x4114 is not a multiple of 8 at or after 0x1000" },
		{ 0x20, 8, 0xff8, NULL },
		{ 0x20, 8, 0x600000 - 0x378, "snapshot tiny0-a: the table of contents (0x380 bytes at 0x5ffc88) ends past file_length 0x600000" },
		{ 0x20, 8, 0xfffffffffffffff8ull, NULL },
		{ 0x40, 8, 0x4400, NULL },			/* file_length inside the table */
	};
	struct built b;

	example(&b);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t save[8];

		memcpy(save, b.file + cases[i].off, 8);
		if (cases[i].size == 4)
			snap_put_le32(b.file + cases[i].off, (uint32_t)cases[i].value);
		else
			snap_put_le64(b.file + cases[i].off, cases[i].value);
		snap_put_le32(b.file + 0x10, snap_header_crc(b.file, 256));
		expect(b.file, b.len, -SNAP_ERR_TOC, cases[i].msg);
		memcpy(b.file + cases[i].off, save, 8);
	}
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

/* Entries longer than 128 bytes (a later minor version): the rest is ignored. */
static void test_longer_toc_entries(void **state)
{
	struct model m = { .toc_entry_size = 136 };
	struct built b;

	build(&b, &m);
	assert_int_equal(snap_le32(b.file + 0x2c), 136);
	memset(entry_ptr(b.file, E_UART) + 128, 0x77, 8);
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

/* Patches 8 bytes at off of entry i, reseals, expects err (and msg), restores. */
static void entry_case(struct built *b, unsigned int i, unsigned int off, uint64_t v, int err,
		       const char *msg, int line)
{
	uint8_t *e = entry_ptr(b->file, i), save[8];

	memcpy(save, e + off, 8);
	snap_put_le64(e + off, v);
	reseal(b->file);
	expect_at(b->file, b->len, &opts, err, msg, __FILE__, line);
	memcpy(e + off, save, 8);
	reseal(b->file);
}

static void test_entries(void **state)
{
	struct built b;
	uint8_t *e;

	example(&b);
	e = entry_ptr(b.file, E_UART);
	entry_case(&b, E_UART, 0x08, 0x3f54, -SNAP_ERR_ENTRY,
		   "snapshot tiny0-a: section /devices/uart0 (pl011 v1): offset 0x3f54 is not a multiple of 8 at or after 0x1000",
		   __LINE__);
	entry_case(&b, E_UART, 0x08, 0xf00, -SNAP_ERR_ENTRY, NULL, __LINE__);
	entry_case(&b, E_UART, 0x10, 0xc4, -SNAP_ERR_ENTRY,
		   "snapshot tiny0-a: section /devices/uart0 (pl011 v1): length 0xc4 is not a multiple of 8",
		   __LINE__);
	entry_case(&b, E_UART, 0x08, 0x600000 - 0xb8, -SNAP_ERR_ENTRY,
		   "snapshot tiny0-a: section /devices/uart0 (pl011 v1): 0xc0 bytes at 0x5fff48 end past file_length 0x600000",
		   __LINE__);
	entry_case(&b, E_UART, 0x10, 0xfffffffffffffff8ull, -SNAP_ERR_ENTRY, NULL, __LINE__);
	entry_case(&b, E_UART, 0x08, 0x3f48, -SNAP_ERR_OVERLAP,
		   "snapshot tiny0-a: sections /intc@8000000 (arm64-vgicv3 v1) and /devices/uart0 (pl011 v1) overlap (entries 4 and 5)",
		   __LINE__);
	entry_case(&b, E_RAM, 0x08, 0x4018, -SNAP_ERR_OVERLAP,
		   "snapshot tiny0-a: section /memory@40000000 (ram v1) overlaps the table of contents",
		   __LINE__);
	/* an empty section overlaps nothing */
	entry_case(&b, E_HOST, 0x10, 0, -SNAP_ERR_SECTION_CRC, NULL, __LINE__);
	/* names */
	memcpy(e + 0x20 + 14, "/", 2);				/* "/devices/uart0/" */
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_ENTRY,
	       "snapshot tiny0-a: table entry 5: the name is not a valid device-tree path");
	memset(e + 0x20, 'a', SNAP_NAME_SIZE);			/* no NUL */
	e[0x20] = '/';
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_ENTRY, NULL);
	memset(e + 0x20, 0, SNAP_NAME_SIZE);
	strcpy((char *)e + 0x20, "/uart0");			/* valid, wrong for a pl011 */
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: section /uart0 (pl011 v1): a pl011 section is named /devices/<node>");
	free(b.file);
}

static void test_section_set(void **state)
{
	struct model m = { .unknown_optional = true };
	struct built b;
	uint8_t *e;

	/* an unknown optional section is skipped, with a notice */
	build(&b, &m);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(nr_notices, 1);
	assert_string_equal(notices[0], "snapshot tiny0-a: skipping optional section / (type 0x0006 v1)");
	free(b.file);
	/* and so is a known optional one of a version this build does not read */
	example(&b);
	snap_put_le16(entry_ptr(b.file, E_HOST) + 2, 2);
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(nr_notices, 1);
	assert_string_equal(notices[0], "snapshot tiny0-a: skipping optional section / (type 0x0005 v2)");
	snap_put_le16(entry_ptr(b.file, E_HOST) + 2, 1);
	/* the sections a snapshot must have */
	e = entry_ptr(b.file, E_VGIC);
	snap_put_le16(e, 0x0006);				/* unknown, optional */
	snap_put_le16(e + 4, 0);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: no arm64-vgicv3 section /intc@8000000: the snapshot is damaged");
	snap_put_le16(e, SNAP_SEC_ARM64_VGICV3);
	snap_put_le16(e + 4, SNAP_SEC_MANDATORY);
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 4, 0);	/* then config v2 is skipped */
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 2, 2);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: no config section /: the snapshot is damaged");
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 2, 1);
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 4, SNAP_SEC_MANDATORY);
	/* a stream's record type in a file */
	snap_put_le16(entry_ptr(b.file, E_HOST), SNAP_SEC_RAM_PAGES);
	snap_put_le16(entry_ptr(b.file, E_HOST) + 4, SNAP_SEC_MANDATORY);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: section / (ram-pages v1) is a migration stream record, not part of a snapshot file");
	free(b.file);
}

/* Patches a field's value in a section, reseals its CRC. */
static void test_fields(void **state)
{
	struct built b;
	uint8_t *v, *p;

	example(&b);
	p = b.file + 0x3f50;					/* the pl011 section */
	p[0x3ff8 - 0x3f50 + 3] = 1;				/* the FIFO's padding */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_PADDING,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x000b: padding is not zero");
	p[0x3ff8 - 0x3f50 + 3] = 0;
	p[0x20] = 0x02;						/* tag 3 becomes 2 */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_ORDER,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0002 at offset 0x20 follows tag 0x0002: tags must strictly increase");
	p[0x20] = 0x03;
	p[0x22] = 9;						/* vtype */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_VTYPE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0003: vtype 9 is not one of 1 to 4");
	p[0x22] = SNAP_VT_U64;					/* u64 of 4 bytes */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_LENGTH,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0003: u64 of length 4");
	p[0x22] = SNAP_VT_U32;
	p[0xb0] = 0;						/* tag 0x000c becomes 0 */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TAG,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): the field at offset 0xb0 has the reserved tag 0");
	p[0xb0] = 0x0c;
	p[0xb4] = 0x0c;						/* line: 12 bytes */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_BOUNDS,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): the field at offset 0xb0 runs past the section's end");
	p[0xb4] = 4;
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, 0, NULL);

	/* array counts follow the section's own fields: 960 SPIs, 30 words */
	v = field(b.file, E_VGIC, SNAP_VGIC_SPIS);
	snap_put_le32(v, 960);
	reseal_section(b.file, E_VGIC);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /intc@8000000 (arm64-vgicv3 v1): tag 0x0010 (spi-group): array of 31 4-byte elements, expected an array of 30 4-byte elements");
	snap_put_le32(v, 988);
	v = field(b.file, E_VGIC, SNAP_VGIC_VCPUS);
	snap_put_le32(v, 2);
	reseal_section(b.file, E_VGIC);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /intc@8000000 (arm64-vgicv3 v1): tag 0x0020 (redist-waker): array of 1 4-byte elements, expected an array of 2 4-byte elements");
	snap_put_le32(v, 1);
	reseal_section(b.file, E_VGIC);
	expect(b.file, b.len, 0, NULL);
	/* an array of other elements */
	v = field(b.file, E_VCPU, SNAP_VCPU_X);
	snap_put_le32(v, 4);
	snap_put_le32(v + 4, 62);
	reseal_section(b.file, E_VCPU);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1): tag 0x0003 (x): array of 62 4-byte elements, expected an array of 31 8-byte elements");
	free(b.file);
}

static void test_ram_checks(void **state)
{
	struct built b;
	uint8_t *v;

	example(&b);
	v = field(b.file, E_RAM, SNAP_RAM_PRESENT_COUNT);
	snap_put_le64(v, 3);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): present-count 3, but present has 2 bits set");
	snap_put_le64(v, 2);
	v = field(b.file, E_RAM, SNAP_RAM_DATA_OFFSET);
	snap_put_le64(v, 0);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): data-offset 0x0 lies before the end of the sections and the table (0x4490)");
	snap_put_le64(v, 0x400000);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): the RAM data (0x400000 bytes at 0x400000) ends past file_length 0x600000");
	snap_put_le64(v, 0x100000);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM, NULL);
	snap_put_le64(v, 0x200000);
	v = field(b.file, E_RAM, SNAP_RAM_CHUNK_SIZE);
	snap_put_le32(v, 0x300000);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM, NULL);
	snap_put_le32(v, 0x100000);				/* 4 chunks, 2 CRCs */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): chunk-crc has 2 elements, expected 4");
	snap_put_le32(v, 0x200000);
	v = field(b.file, E_RAM, SNAP_RAM_BASE);
	snap_put_le64(v, 0x40001000);				/* not the name's */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): base 0x40001000 is not a page-aligned address equal to the name's");
	snap_put_le64(v, 0x40000000);
	v = field(b.file, E_RAM, SNAP_RAM_SIZE);
	snap_put_le64(v, 0x200000);				/* 1 chunk, 2 CRCs */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): present has 128 bytes, expected 64");
	snap_put_le64(v, 0x400000);
	reseal_section(b.file, E_RAM);
	/* the ram sections must be the machine's RAM (check 18's part) */
	v = field(b.file, E_MACHINE, SNAP_MACHINE_RAM_SIZE);
	snap_put_le64(v, 0x800000);
	reseal_section(b.file, E_MACHINE);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: the ram sections do not cover exactly the machine's RAM (0x800000 bytes at 0x40000000)");
	snap_put_le64(v, 0x400000);
	reseal_section(b.file, E_MACHINE);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

/* 4 KiB chunks: 3 pages, a one-byte bitmap with 5 bits past the last page. */
static void test_small_chunks(void **state)
{
	struct model m = { .ram_size = 3 * 4096 };
	struct snap_info info;
	struct built b;
	uint8_t *v;

	build(&b, &m);
	assert_int_equal(b.len, b.data_offset + 3 * 4096);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(snap_validate(b.file, b.len, &opts, &info, NULL, 0), 0);
	assert_int_equal(info.present_pages, 2);
	v = field(b.file, E_RAM, SNAP_RAM_PRESENT);
	assert_int_equal(v[0], 0x05);
	v[0] |= 0x08;						/* page 3: there is none */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): present has bits past the last page");
	v[0] = 0x05;
	reseal_section(b.file, E_RAM);
	b.file[b.data_offset + 2 * 4096 + 7] ^= 4;
	expect(b.file, b.len, -SNAP_ERR_CHUNK_CRC, NULL);
	free(b.file);
}

/* Without a name, messages start with what was wrong. */
static void test_messages_without_name(void **state)
{
	struct snap_validate_opts o = { 0 };
	struct built b;
	char small[16];

	example(&b);
	b.file[0x3ff8] ^= 1;
	expect_at(b.file, b.len, &o, -SNAP_ERR_SECTION_CRC,
		  "section /devices/uart0 (pl011 v1): CRC32C mismatch (stored 0x74e3fc81, computed 0xceac3e0f)",
		  __FILE__, __LINE__);
	/* a short buffer gets the start of the message, terminated */
	assert_int_equal(snap_validate(b.file, b.len, &opts, NULL, small, sizeof(small)),
			 -SNAP_ERR_SECTION_CRC);
	assert_string_equal(small, "snapshot tiny0-");
	assert_int_equal(snap_validate(b.file, b.len, &o, NULL, small, sizeof(small)),
			 -SNAP_ERR_SECTION_CRC);
	assert_string_equal(small, "section /device");
	free(b.file);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_header_flags),
	cmocka_unit_test(test_toc_geometry),
	cmocka_unit_test(test_longer_toc_entries),
	cmocka_unit_test(test_entries),
	cmocka_unit_test(test_section_set),
	cmocka_unit_test(test_fields),
	cmocka_unit_test(test_ram_checks),
	cmocka_unit_test(test_small_chunks),
	cmocka_unit_test(test_messages_without_name),
};

UNIT_MAIN(tests, NULL, NULL)
