// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/snap_sections.c: sections built one after another in
 * one buffer get table entries with their offsets, lengths and CRCs; errors
 * are sticky; a built section reads back through the field accessors.
 */
#include "unit.h"
#include <crc32c.h>
#include <kestrel/snapshot.h>

static uint8_t buf[4096];

static void test_two_sections(void **state)
{
	struct snap_out o;
	struct snap_tlv_writer *w;

	snap_out_init(&o, buf, sizeof(buf), 0x1000);
	w = snap_out_begin(&o, SNAP_SEC_MACHINE, 1, SNAP_SEC_MANDATORY, "/");
	snap_tlv_put_bytes(w, SNAP_MACHINE_NAME, SNAP_M, "tiny0", 5);
	snap_tlv_put_u32(w, SNAP_MACHINE_VCPUS, SNAP_M, 2);
	snap_out_end(&o);
	w = snap_out_begin(&o, SNAP_SEC_PL011, 1, SNAP_SEC_MANDATORY, "/devices/uart0");
	snap_tlv_put_u64(w, SNAP_PL011_BASE, SNAP_M, 0x09000000);
	snap_out_end(&o);
	assert_int_equal(snap_out_error(&o), 0);
	assert_int_equal(o.count, 2);
	assert_int_equal(o.toc[0].offset, 0x1000);
	assert_int_equal(o.toc[0].length, 16 + 16);
	assert_int_equal(o.toc[0].crc, crc32c(0, buf, 32));
	assert_int_equal(o.toc[1].offset, 0x1020);
	assert_int_equal(o.toc[1].length, 16);
	assert_string_equal(o.toc[1].name, "/devices/uart0");
	assert_int_equal(o.len, 48);

	struct snap_section secs[2] = {
		{ .type = SNAP_SEC_MACHINE, .name = "/", .payload = buf, .len = 32 },
		{ .type = SNAP_SEC_PL011, .name = "/devices/uart0", .payload = buf + 32, .len = 16 },
	};
	struct snap_in in = { .sec = secs, .count = 2 };
	const struct snap_section *s = snap_in_find(&in, SNAP_SEC_PL011, "/devices/uart0");
	const uint8_t *name;
	size_t len;
	uint64_t v64;
	uint32_t v32;

	assert_ptr_equal(s, &secs[1]);
	assert_null(snap_in_find(&in, SNAP_SEC_PL011, "/devices/uart1"));
	assert_null(snap_in_find(&in, SNAP_SEC_CONFIG, "/"));
	assert_true(snap_get_u64(s, SNAP_PL011_BASE, &v64));
	assert_int_equal(v64, 0x09000000);
	assert_false(snap_get_u32(s, SNAP_PL011_BASE, &v32));	/* another vtype */
	assert_false(snap_get_u32(s, SNAP_PL011_CR, &v32));	/* absent */
	assert_true(snap_get_bytes(&secs[0], SNAP_MACHINE_NAME, &name, &len));
	assert_int_equal(len, 5);
	assert_memory_equal(name, "tiny0", 5);
	assert_true(snap_get_u32(&secs[0], SNAP_MACHINE_VCPUS, &v32));
	assert_int_equal(v32, 2);
}

static void test_overflow_is_sticky(void **state)
{
	struct snap_out o;
	struct snap_tlv_writer *w;
	uint8_t small[24];

	snap_out_init(&o, small, sizeof(small), 0x1000);
	w = snap_out_begin(&o, SNAP_SEC_MACHINE, 1, SNAP_SEC_MANDATORY, "/");
	snap_tlv_put_u64(w, SNAP_MACHINE_RAM_BASE, SNAP_M, 1);
	snap_tlv_put_u64(w, SNAP_MACHINE_RAM_SIZE, SNAP_M, 2);
	snap_out_end(&o);
	assert_int_equal(snap_out_error(&o), -SNAP_ERR_OVERFLOW);
	w = snap_out_begin(&o, SNAP_SEC_HOST, 1, 0, "/");
	snap_tlv_put_u32(w, SNAP_HOST_CPUS, SNAP_O, 4);
	snap_out_end(&o);
	assert_int_equal(snap_out_error(&o), -SNAP_ERR_OVERFLOW);
	assert_int_equal(o.count, 0);
}

static void test_misuse(void **state)
{
	struct snap_out o;
	char longname[SNAP_NAME_SIZE + 4];

	snap_out_init(&o, buf, sizeof(buf), 0x1000);
	snap_out_end(&o);				/* nothing open */
	assert_int_equal(snap_out_error(&o), -SNAP_ERR_INVAL);

	snap_out_init(&o, buf, sizeof(buf), 0x1000);
	memset(longname, 'a', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	snap_out_begin(&o, SNAP_SEC_PL011, 1, SNAP_SEC_MANDATORY, longname);
	snap_out_end(&o);
	assert_int_equal(snap_out_error(&o), -SNAP_ERR_INVAL);

	snap_out_init(&o, buf, sizeof(buf), 0x1000);
	snap_out_begin(&o, SNAP_SEC_PL011, 1, SNAP_SEC_MANDATORY, "/devices/uart0");
	assert_int_equal(snap_out_error(&o), -SNAP_ERR_INVAL);	/* still open */
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_two_sections),
	cmocka_unit_test(test_overflow_is_sticky),
	cmocka_unit_test(test_misuse),
};

UNIT_MAIN(tests, NULL, NULL)
