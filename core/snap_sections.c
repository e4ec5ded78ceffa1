// SPDX-License-Identifier: GPL-2.0
/*
 * The sections of a snapshot as the save builds them in memory (one buffer
 * for the metadata area, a table entry per section) and as the restore
 * hands them to their owners (field lookup by tag). The byte encoding is
 * libs/snapfmt's; this file only keeps the bookkeeping in one place.
 */
#include <crc32c.h>
#include <kestrel/errno.h>
#include <kestrel/snapshot.h>
#include <printf.h>
#include <string.h>

void snap_out_init(struct snap_out *o, void *buf, size_t cap, u64 base)
{
	memset(o, 0, sizeof(*o));
	o->buf = buf;
	o->cap = cap;
	o->base = base;
}

static void set_error(struct snap_out *o, int err)
{
	if (!o->error)
		o->error = err;
}

struct snap_tlv_writer *snap_out_begin(struct snap_out *o, u16 type, u16 version, u16 flags,
				       const char *name)
{
	struct snap_toc_entry *e;

	if (o->open || o->count == SNAP_OUT_MAX_SECTIONS ||
	    strlen(name) >= sizeof(e->name))
		set_error(o, o->count == SNAP_OUT_MAX_SECTIONS ? -SNAP_ERR_OVERFLOW : -SNAP_ERR_INVAL);
	/* After an error the writer gets no room: it counts and discards. */
	if (o->error) {
		snap_tlv_writer_init(&o->w, NULL, 0);
		o->open = true;
		return &o->w;
	}
	e = &o->toc[o->count];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->version = version;
	e->flags = flags;
	e->offset = o->base + o->len;
	strlcpy(e->name, name, sizeof(e->name));
	snap_tlv_writer_init(&o->w, o->buf + o->len, o->cap - o->len);
	o->open = true;
	return &o->w;
}

void snap_out_end(struct snap_out *o)
{
	struct snap_toc_entry *e = &o->toc[o->count];
	size_t len;
	int r;

	if (!o->open) {
		set_error(o, -SNAP_ERR_INVAL);
		return;
	}
	o->open = false;
	r = snap_tlv_finish(&o->w, &len);
	if (o->error)
		return;
	if (r) {
		set_error(o, r);
		return;
	}
	/* Payloads are whole fields, so len is a multiple of 8 already. */
	e->length = len;
	e->crc = crc32c(0, o->buf + o->len, len);
	o->len += len;
	o->count++;
}

int snap_out_error(const struct snap_out *o)
{
	return o->open && !o->error ? -SNAP_ERR_INVAL : o->error;
}

const struct snap_section *snap_in_find(const struct snap_in *in, u16 type, const char *name)
{
	for (unsigned int i = 0; i < in->count; i++)
		if (in->sec[i].type == type && !strcmp(in->sec[i].name, name))
			return &in->sec[i];
	return NULL;
}

static bool find(const struct snap_section *s, u16 tag, u8 vtype, struct snap_field *f)
{
	return snap_tlv_find(s->payload, s->len, tag, f) == 1 && f->vtype == vtype;
}

bool snap_get_u32(const struct snap_section *s, u16 tag, u32 *v)
{
	struct snap_field f;

	if (!find(s, tag, SNAP_VT_U32, &f))
		return false;
	*v = snap_field_u32(&f);
	return true;
}

bool snap_get_u64(const struct snap_section *s, u16 tag, u64 *v)
{
	struct snap_field f;

	if (!find(s, tag, SNAP_VT_U64, &f))
		return false;
	*v = snap_field_u64(&f);
	return true;
}

bool snap_get_bytes(const struct snap_section *s, u16 tag, const u8 **data, size_t *len)
{
	struct snap_field f;

	if (!find(s, tag, SNAP_VT_BYTES, &f))
		return false;
	*data = f.value;
	*len = f.length;
	return true;
}

bool snap_get_array(const struct snap_section *s, u16 tag, struct snap_field *f)
{
	return find(s, tag, SNAP_VT_ARRAY, f);
}

/* "tag 0x0020 (queue-num)" and sep into err; the bytes written. */
static size_t tag_prefix(char *err, size_t errlen, u16 type, u16 tag, const char *sep)
{
	const struct snap_type_spec *ts = snap_type_spec(type);
	const struct snap_tag_spec *spec = NULL;
	unsigned int idx;
	int n;

	if (ts)
		spec = snap_tag_spec(ts, tag, &idx);
	n = snprintf(err, errlen, "tag 0x%04x (%s)%s", tag, spec ? spec->name : "?", sep);
	return n < 0 ? 0 : MIN((size_t)n, errlen);
}

int snap_vrefuse(char *err, size_t errlen, u16 type, u16 tag, const char *fmt, va_list ap)
{
	size_t n = tag_prefix(err, errlen, type, tag, ": ");

	if (n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	return -EINVAL;
}

int snap_refuse(char *err, size_t errlen, u16 type, u16 tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	snap_vrefuse(err, errlen, type, tag, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int snap_missing(char *err, size_t errlen, u16 type, u16 tag)
{
	tag_prefix(err, errlen, type, tag, " missing");
	return -EINVAL;
}
