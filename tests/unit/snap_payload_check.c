// SPDX-License-Identifier: GPL-2.0
/* Payload checks and patches for the model snapshot tests (see
 * snap_payload_check.h). */
#include "unit.h"
#include "snap_payload_check.h"

void assert_payload_matches_table(u16 type, const void *payload, size_t len)
{
	const struct snap_type_spec *ts = snap_type_spec(type);
	struct snap_tlv_reader r;
	struct snap_field f;
	u64 seen = 0;
	int ret;

	assert_non_null(ts);
	snap_tlv_reader_init(&r, payload, len);
	while ((ret = snap_tlv_next(&r, &f)) > 0) {
		unsigned int idx;
		const struct snap_tag_spec *sp = snap_tag_spec(ts, f.tag, &idx);

		if (!sp)
			fail_msg("tag 0x%04x is not in the %s table", f.tag, ts->name);
		if (f.vtype != sp->vtype || (f.vtype == SNAP_VT_ARRAY && f.elem_size != sp->elem))
			fail_msg("tag 0x%04x (%s): vtype %u elem %u, the table says %u/%u", f.tag,
				 sp->name, f.vtype, f.elem_size, sp->vtype, sp->elem);
		if (f.flags != (sp->req == SNAP_REQ_O ? SNAP_O : SNAP_M))
			fail_msg("tag 0x%04x (%s): flags 0x%x", f.tag, sp->name, f.flags);
		seen |= 1ULL << idx;
	}
	assert_int_equal(ret, 0);
	for (unsigned int i = 0; i < ts->ntags; i++)
		if (ts->tags[i].req == SNAP_REQ_M && !(seen & (1ULL << i)))
			fail_msg("tag 0x%04x (%s) missing", ts->tags[i].tag, ts->tags[i].name);
}

void payload_patch(void *payload, size_t len, u16 tag, u32 i, u64 val)
{
	struct snap_field f;
	size_t off, size;
	u8 *p = payload;

	assert_int_equal(snap_tlv_find(payload, len, tag, &f), 1);
	if (f.vtype == SNAP_VT_ARRAY) {
		assert_true(i < f.count && f.elem_size <= 8);
		off = (size_t)(f.elems - p) + (size_t)i * f.elem_size;
		size = f.elem_size;
	} else {
		assert_true(f.vtype == SNAP_VT_U32 || f.vtype == SNAP_VT_U64);
		off = (size_t)(f.value - p);
		size = f.length;
	}
	for (size_t b = 0; b < size; b++)
		p[off + b] = (u8)(val >> (8 * b));
}

struct snap_section payload_section(u16 type, const char *name, const void *payload,
				    size_t len)
{
	return (struct snap_section){ .type = type, .version = 1, .flags = SNAP_SEC_MANDATORY,
		.name = name, .payload = payload, .len = len };
}
