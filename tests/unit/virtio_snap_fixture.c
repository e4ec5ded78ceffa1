// SPDX-License-Identifier: GPL-2.0
/* Saving, checking, patching and loading virtio sections in the tests (see
 * virtio_snap_fixture.h). */
#include "virtio_snap_fixture.h"
#include "kerrno.h"

/* ---- saving and the format's tables ------------------------------------------ */

void snap_check_tables(const struct snap_buf *sb)
{
	const struct snap_type_spec *ts = snap_type_spec(sb->s.type);
	bool seen[SNAP_TAGS_MAX] = { false };
	struct snap_tlv_reader rd;
	struct snap_field f;
	int r;

	assert_non_null(ts);
	snap_tlv_reader_init(&rd, sb->buf, sb->len);
	while ((r = snap_tlv_next(&rd, &f)) == 1) {
		unsigned int idx;
		const struct snap_tag_spec *spec = snap_tag_spec(ts, f.tag, &idx);

		if (!spec)
			fail_msg("tag 0x%04x is not in the %s table", f.tag, ts->name);
		if (f.vtype != spec->vtype)
			fail_msg("tag 0x%04x (%s): vtype %u, the table says %u", f.tag, spec->name,
				 f.vtype, spec->vtype);
		if (!!(f.flags & SNAP_FIELD_MANDATORY) != (spec->req == SNAP_REQ_M))
			fail_msg("tag 0x%04x (%s): flags 0x%x, the table says %s", f.tag,
				 spec->name, f.flags, spec->req == SNAP_REQ_M ? "M" : "O");
		if (f.vtype == SNAP_VT_ARRAY) {
			assert_int_equal(f.elem_size, spec->elem);
			if (spec->count == SNAP_CNT_QUEUES)
				assert_int_equal(f.count, ts->queues);
		}
		if (spec->count == SNAP_CNT_FIXED && f.vtype == SNAP_VT_BYTES)
			assert_int_equal(f.length, spec->n);
		seen[idx] = true;
	}
	assert_int_equal(r, 0);
	for (unsigned int i = 0; i < (unsigned int)(ts->ntags + ts->ntags2); i++) {
		const struct snap_tag_spec *spec = i < ts->ntags ? &ts->tags[i] :
						   &ts->tags2[i - ts->ntags];

		if (spec->req == SNAP_REQ_M && !seen[i])
			fail_msg("M tag 0x%04x (%s) missing", spec->tag, spec->name);
	}
}

void snap_save_dev(struct virtio_dev *d, struct snap_buf *sb)
{
	struct snap_tlv_writer w;

	memset(sb, 0, sizeof(*sb));
	snap_tlv_writer_init(&w, sb->buf, sizeof(sb->buf));
	virtio_dev_snap_save(d, &w);
	assert_int_equal(snap_tlv_finish(&w, &sb->len), 0);
	sb->s = (struct snap_section){ .type = virtio_dev_snap_type(d), .version = 1,
		.flags = SNAP_SEC_MANDATORY, .name = "/devices/x", .payload = sb->buf,
		.len = sb->len };
	snap_check_tables(sb);
}

/* ---- reading and patching fields ------------------------------------------------ */

struct snap_field snap_field_of(const struct snap_buf *sb, u16 tag)
{
	struct snap_field f;

	if (snap_tlv_find(sb->buf, sb->len, tag, &f) != 1)
		fail_msg("tag 0x%04x not in the section", tag);
	return f;
}

u64 snap_value(const struct snap_buf *sb, u16 tag)
{
	struct snap_field f = snap_field_of(sb, tag);

	return f.vtype == SNAP_VT_U32 ? snap_field_u32(&f) : snap_field_u64(&f);
}

u64 snap_elem(const struct snap_buf *sb, u16 tag, unsigned int i)
{
	struct snap_field f = snap_field_of(sb, tag);

	assert_true(f.vtype == SNAP_VT_ARRAY && i < f.count);
	return snap_field_elem(&f, i);
}

void snap_patch(struct snap_buf *sb, u16 tag, u64 v)
{
	struct snap_field f = snap_field_of(sb, tag);
	u8 *p = sb->buf + (f.value - sb->buf);

	if (f.vtype == SNAP_VT_U32)
		snap_put_le32(p, (u32)v);
	else if (f.vtype == SNAP_VT_U64)
		snap_put_le64(p, v);
	else
		fail_msg("tag 0x%04x is not a u32 or u64", tag);
}

void snap_patch_elem(struct snap_buf *sb, u16 tag, unsigned int i, u64 v)
{
	struct snap_field f = snap_field_of(sb, tag);
	u8 *p = sb->buf + (f.elems - sb->buf) + (size_t)i * f.elem_size;

	assert_true(f.vtype == SNAP_VT_ARRAY && i < f.count);
	for (unsigned int b = 0; b < f.elem_size && b < 8; b++)
		p[b] = (u8)(v >> (8 * b));
}

/* Writes the payload again, without field `tag` or with its value
 * replaced by data (a bytes field). */
static void rewrite(struct snap_buf *sb, u16 tag, bool drop, const void *data, size_t len)
{
	static u8 out[SNAP_BUF_SIZE];
	struct snap_tlv_writer w;
	struct snap_tlv_reader rd;
	struct snap_field f;
	int r;

	snap_tlv_writer_init(&w, out, sizeof(out));
	snap_tlv_reader_init(&rd, sb->buf, sb->len);
	while ((r = snap_tlv_next(&rd, &f)) == 1) {
		if (f.tag == tag && drop)
			continue;
		if (f.tag == tag) {
			snap_tlv_put_bytes(&w, f.tag, f.flags, data, len);
			continue;
		}
		switch (f.vtype) {
		case SNAP_VT_U32:
			snap_tlv_put_u32(&w, f.tag, f.flags, snap_field_u32(&f));
			break;
		case SNAP_VT_U64:
			snap_tlv_put_u64(&w, f.tag, f.flags, snap_field_u64(&f));
			break;
		case SNAP_VT_BYTES:
			snap_tlv_put_bytes(&w, f.tag, f.flags, f.value, f.length);
			break;
		default:
			snap_tlv_array_begin(&w, f.tag, f.flags, f.elem_size, f.count);
			for (u32 i = 0; i < f.count; i++)
				snap_tlv_array_elem(&w, snap_field_elem(&f, i));
			break;
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(snap_tlv_finish(&w, &sb->len), 0);
	memcpy(sb->buf, out, sb->len);
	sb->s.len = sb->len;
}

void snap_patch_bytes(struct snap_buf *sb, u16 tag, const void *data, size_t len)
{
	snap_field_of(sb, tag);
	rewrite(sb, tag, false, data, len);
}

void snap_drop(struct snap_buf *sb, u16 tag)
{
	snap_field_of(sb, tag);
	rewrite(sb, tag, true, NULL, 0);
}

/* ---- loading ------------------------------------------------------------------- */

void expect_refused(struct virtio_dev *d, const struct snap_buf *sb, unsigned int spi,
		    bool line, const char *msg)
{
	char err[256];

	memset(err, 0, sizeof(err));
	assert_int_equal(virtio_dev_snap_load(d, &sb->s, spi, line, err, sizeof(err)), -EINVAL);
	if (strcmp(err, msg))
		fail_msg("refused with \"%s\", expected \"%s\"", err, msg);
}
