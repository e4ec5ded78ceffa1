// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot format codec: the whole-file validator, checks 1-15 of "Reading
 * and validation" here and 21-22 in snapfmt_read_ram.c, against the format
 * 1.0 section and tag tables.
 * The file is hostile input: every offset and length is checked in 64-bit
 * arithmetic before it is used, and nothing outside file[0..len) is read.
 */
#include <snapfmt.h>
#include <crc32c.h>
#include <printf.h>
#include <stdarg.h>
#include <string.h>
#include "snapfmt_priv.h"

/* --- the validator's state and messages ---------------------------------------- */

static const struct snap_validate_opts no_opts;

int snapv_fail(struct vctx *c, int err, const char *fmt, ...)
{
	size_t at = 0;
	va_list ap;
	int n;

	if (!c->msg_size)
		return -err;
	c->msg[0] = '\0';
	if (c->o->name) {
		n = snprintf(c->msg, c->msg_size, "snapshot %s: ", c->o->name);
		at = n < 0 ? 0 : (size_t)n;
		if (at >= c->msg_size)
			return -err;
	}
	va_start(ap, fmt);
	vsnprintf(c->msg + at, c->msg_size - at, fmt, ap);
	va_end(ap);
	return -err;
}

void snapv_notice(struct vctx *c, const char *fmt, ...)
{
	char buf[192];
	size_t at = 0;
	va_list ap;
	int n;

	if (!c->o->notice)
		return;
	buf[0] = '\0';
	if (c->o->name) {
		n = snprintf(buf, sizeof(buf), "snapshot %s: ", c->o->name);
		at = n < 0 || (size_t)n >= sizeof(buf) ? sizeof(buf) - 1 : (size_t)n;
	}
	va_start(ap, fmt);
	vsnprintf(buf + at, sizeof(buf) - at, fmt, ap);
	va_end(ap);
	c->o->notice(c->o->ctx, buf);
}

const uint8_t *snapv_entry_at(const struct vctx *c, uint32_t i)
{
	return c->toc + (size_t)i * c->h.toc_entry_size;
}

void snapv_entry(const struct vctx *c, uint32_t i, struct snap_toc_entry *e)
{
	snap_toc_entry_decode(snapv_entry_at(c, i), e);
}

const char *snapv_label(const struct snap_toc_entry *e, bool version, struct label *l)
{
	const char *tn = snap_section_type_name(e->type);

	if (tn && version)
		snprintf(l->s, sizeof(l->s), "%s (%s v%u)", e->name, tn, e->version);
	else if (tn)
		snprintf(l->s, sizeof(l->s), "%s (%s)", e->name, tn);
	else if (version)
		snprintf(l->s, sizeof(l->s), "%s (type 0x%04x v%u)", e->name, e->type, e->version);
	else
		snprintf(l->s, sizeof(l->s), "%s (type 0x%04x)", e->name, e->type);
	return l->s;
}

/* --- the container: checks 1 to 9 ---------------------------------------------- */

static int check_header(struct vctx *c)
{
	const uint8_t *p = c->p;
	struct snap_header *h = &c->h;
	uint32_t crc, refused;

	if (c->len < SNAP_HEADER_SIZE)					/* 1 */
		return snapv_fail(c, SNAP_ERR_TRUNCATED,
			    "truncated: the snapshot has %zu bytes, less than a header", c->len);
	if (snap_header_decode(p, c->len, h))				/* 2 */
		return snapv_fail(c, SNAP_ERR_MAGIC,
			    "not a Kestrel snapshot (magic %02x %02x %02x %02x %02x %02x %02x %02x)",
			    p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
	if (c->info)
		c->info->header = *h;
	if (h->header_size < SNAP_HEADER_SIZE || h->header_size > SNAP_HEADER_SIZE_MAX ||
	    h->header_size % 8)						/* 3 */
		return snapv_fail(c, SNAP_ERR_HEADER_SIZE,
			    "header_size %u is not a multiple of 8 from 256 to 4096: the header is damaged",
			    h->header_size);
	if (h->header_size > c->len)
		return snapv_fail(c, SNAP_ERR_TRUNCATED,
			    "truncated: the header is %u bytes, the snapshot has %zu",
			    h->header_size, c->len);
	crc = snap_header_crc(p, h->header_size);			/* 4 */
	if (crc != h->header_crc)
		return snapv_fail(c, SNAP_ERR_HEADER_CRC,
			    "header CRC32C mismatch (stored 0x%08x, computed 0x%08x): the header is damaged",
			    h->header_crc, crc);
	if (h->format_major != SNAP_FORMAT_MAJOR)			/* 5 */
		return snapv_fail(c, SNAP_ERR_FORMAT, "format %u.%u is %s than this build reads (%u.x)",
			    h->format_major, h->format_minor,
			    h->format_major > SNAP_FORMAT_MAJOR ? "newer" : "older",
			    SNAP_FORMAT_MAJOR);
	refused = h->flags & SNAP_HDR_REFUSED;				/* 6 */
	if (h->flags & SNAP_HDR_STREAM)
		return snapv_fail(c, SNAP_ERR_STREAM,
			    "a migration stream (STREAM flag set), not a snapshot file");
	if (refused)
		return snapv_fail(c, SNAP_ERR_FLAGS,
			    "header flags 0x%08x: bits 0x%04x are unknown to this build and change how the snapshot is read",
			    h->flags, refused);
	if (!(h->flags & SNAP_HDR_COMPLETE))
		return snapv_fail(c, SNAP_ERR_INCOMPLETE,
			    "incomplete: its writer did not finish (COMPLETE flag clear); it is never restored");
	return 0;
}

static int check_arch(struct vctx *c)
{
	const struct snap_header *h = &c->h;
	const char *have = snap_arch_name(h->arch);

	if (c->o->arch && h->arch != c->o->arch) {			/* 7 */
		const char *want = snap_arch_name(c->o->arch);

		if (have)
			return snapv_fail(c, SNAP_ERR_ARCH,
				    "the snapshot is of a%s %s guest; this hypervisor is %s",
				    have[0] == 'a' || have[0] == 'x' ? "n" : "", have,
				    want ? want : "?");
		return snapv_fail(c, SNAP_ERR_ARCH,
			    "the snapshot is of an arch %u guest; this hypervisor is %s", h->arch,
			    want ? want : "?");
	}
	if (!have)
		return snapv_fail(c, SNAP_ERR_ARCH, "arch %u is not one the format defines", h->arch);
	if (c->o->page_size && h->page_size != c->o->page_size)
		return snapv_fail(c, SNAP_ERR_PAGE_SIZE,
			    "the snapshot has %u-byte pages; this build uses %u", h->page_size,
			    c->o->page_size);
	/* Any reader needs a page size it can compute the RAM layout with. */
	if (!snapv_power_of_two(h->page_size) || h->page_size < 4096 || h->page_size > 0x40000000)
		return snapv_fail(c, SNAP_ERR_PAGE_SIZE,
			    "page_size %u is not a power of two from 4096 to 1 GiB", h->page_size);
	return 0;
}

static int check_toc(struct vctx *c)
{
	const struct snap_header *h = &c->h;
	uint32_t crc;

	uint64_t have = c->o->container_len ? c->o->container_len : c->len;

	if (h->file_length > have)					/* 8 */
		return snapv_fail(c, SNAP_ERR_TRUNCATED,
			    "truncated: the header says 0x%llx bytes, the snapshot has 0x%llx",
			    (unsigned long long)h->file_length, (unsigned long long)have);
	if (h->toc_entry_size < SNAP_TOC_ENTRY_SIZE || h->toc_entry_size % 8)
		return snapv_fail(c, SNAP_ERR_TOC,
			    "toc_entry_size %u is not a multiple of 8 of at least 128",
			    h->toc_entry_size);
	if (h->toc_count < 1 || h->toc_count > SNAP_TOC_COUNT_MAX)
		return snapv_fail(c, SNAP_ERR_TOC, "toc_count %u is not 1 to 4096", h->toc_count);
	if (h->toc_length != (uint64_t)h->toc_count * h->toc_entry_size)
		return snapv_fail(c, SNAP_ERR_TOC,
			    "toc_length 0x%llx is not toc_count %u x toc_entry_size %u",
			    (unsigned long long)h->toc_length, h->toc_count, h->toc_entry_size);
	if (h->toc_offset % 8 || h->toc_offset < SNAP_SECTIONS_START)
		return snapv_fail(c, SNAP_ERR_TOC,
			    "toc_offset 0x%llx is not a multiple of 8 at or after 0x1000",
			    (unsigned long long)h->toc_offset);
	if (h->toc_offset > h->file_length || h->toc_length > h->file_length - h->toc_offset)
		return snapv_fail(c, SNAP_ERR_TOC,
			    "the table of contents (0x%llx bytes at 0x%llx) ends past file_length 0x%llx",
			    (unsigned long long)h->toc_length, (unsigned long long)h->toc_offset,
			    (unsigned long long)h->file_length);
	if (h->toc_offset > c->len || h->toc_length > c->len - h->toc_offset)
		return snapv_fail(c, SNAP_ERR_TOC,
			    "the table of contents (0x%llx bytes at 0x%llx) lies past the metadata read (0x%zx bytes)",
			    (unsigned long long)h->toc_length, (unsigned long long)h->toc_offset,
			    c->len);
	c->toc = c->p + h->toc_offset;
	c->n = h->toc_count;
	crc = crc32c(0, c->toc, h->toc_length);				/* 9 */
	if (crc != h->toc_crc)
		return snapv_fail(c, SNAP_ERR_TOC_CRC,
			    "table of contents CRC32C mismatch (stored 0x%08x, computed 0x%08x): the table is damaged",
			    h->toc_crc, crc);
	return 0;
}

/* --- the table entries: checks 10 to 13 ----------------------------------------- */

static int check_entries(struct vctx *c)
{
	const struct snap_header *h = &c->h;
	struct snap_toc_entry e;
	struct label l, l2;

	for (uint32_t i = 0; i < c->n; i++) {				/* 10 */
		snapv_entry(c, i, &e);
		if (!snap_name_valid(e.name, sizeof(e.name)))
			return snapv_fail(c, SNAP_ERR_ENTRY,
				    "table entry %u: the name is not a valid device-tree path", i);
		if (e.offset % 8 || e.offset < SNAP_SECTIONS_START)
			return snapv_fail(c, SNAP_ERR_ENTRY,
				    "section %s: offset 0x%llx is not a multiple of 8 at or after 0x1000",
				    snapv_label(&e, true, &l), (unsigned long long)e.offset);
		if (e.length % 8)
			return snapv_fail(c, SNAP_ERR_ENTRY,
				    "section %s: length 0x%llx is not a multiple of 8",
				    snapv_label(&e, true, &l), (unsigned long long)e.length);
		if (e.offset > h->file_length || e.length > h->file_length - e.offset)
			return snapv_fail(c, SNAP_ERR_ENTRY,
				    "section %s: 0x%llx bytes at 0x%llx end past file_length 0x%llx",
				    snapv_label(&e, true, &l), (unsigned long long)e.length,
				    (unsigned long long)e.offset,
				    (unsigned long long)h->file_length);
		if (e.offset > c->len || e.length > c->len - e.offset)
			return snapv_fail(c, SNAP_ERR_ENTRY,
				    "section %s: 0x%llx bytes at 0x%llx lie past the metadata read (0x%zx bytes)",
				    snapv_label(&e, true, &l), (unsigned long long)e.length,
				    (unsigned long long)e.offset, c->len);
		if (snapv_ranges_overlap(e.offset, e.length, h->toc_offset, h->toc_length))
			return snapv_fail(c, SNAP_ERR_OVERLAP,
				    "section %s overlaps the table of contents",
				    snapv_label(&e, true, &l));
	}
	/*
	 * Pairs: overlap (10) and same type and name (11). A pair that is both,
	 * such as an entry written twice, is reported as appearing twice.
	 */
	for (uint32_t i = 0; i < c->n; i++) {
		const uint8_t *a = snapv_entry_at(c, i);
		uint64_t aoff = snap_le64(a + 0x08), alen = snap_le64(a + 0x10);

		for (uint32_t j = i + 1; j < c->n; j++) {
			const uint8_t *b = snapv_entry_at(c, j);
			bool dup = snap_le16(a) == snap_le16(b) &&
				   !strncmp((const char *)a + 0x20, (const char *)b + 0x20,
					    SNAP_NAME_SIZE);
			struct snap_toc_entry f;

			if (!dup && !snapv_ranges_overlap(aoff, alen, snap_le64(b + 0x08),
						    snap_le64(b + 0x10)))
				continue;
			snapv_entry(c, i, &e);
			snapv_entry(c, j, &f);
			if (dup)
				return snapv_fail(c, SNAP_ERR_DUPLICATE,
					    "section %s appears twice in the table of contents (entries %u and %u)",
					    snapv_label(&e, false, &l), i, j);
			return snapv_fail(c, SNAP_ERR_OVERLAP,
				    "sections %s and %s overlap (entries %u and %u)",
				    snapv_label(&e, true, &l), snapv_label(&f, true, &l2), i, j);
		}
	}
	return 0;
}

int snapv_classify(const struct vctx *c, const struct snap_toc_entry *e,
		    const struct snap_type_spec **tsp)
{
	const struct snap_type_spec *ts = snap_type_spec(e->type);
	bool mandatory = e->flags & SNAP_SEC_MANDATORY;

	*tsp = ts;
	if (ts && !ts->stream_only && (!ts->arch || ts->arch == c->h.arch) &&
	    e->version >= ts->vmin && e->version <= ts->vmax)
		return SEC_READ;
	return mandatory ? SEC_REFUSE : SEC_SKIP;
}

static int check_types(struct vctx *c)
{
	const struct snap_type_spec *ts;
	struct snap_toc_entry e;
	struct label l;

	for (uint32_t i = 0; i < c->n; i++) {				/* 12 */
		int what;

		snapv_entry(c, i, &e);
		what = snapv_classify(c, &e, &ts);
		if (what == SEC_SKIP) {
			snapv_notice(c, "skipping optional section %s (type 0x%04x v%u)", e.name, e.type,
			       e.version);
			if (c->info)
				c->info->skipped++;
			continue;
		}
		if (what == SEC_READ)
			continue;
		if (!ts)
			return snapv_fail(c, SNAP_ERR_UNKNOWN_SECTION,
				    "section %s: type 0x%04x v%u is mandatory and unknown to this build%s%s%s",
				    e.name, e.type, e.version, c->o->build ? " (" : "",
				    c->o->build ? c->o->build : "", c->o->build ? ")" : "");
		if (ts->stream_only)
			return snapv_fail(c, SNAP_ERR_SECTION_SET,
				    "section %s is a migration stream record, not part of a snapshot file",
				    snapv_label(&e, true, &l));
		if (ts->arch && ts->arch != c->h.arch)
			return snapv_fail(c, SNAP_ERR_SECTION_SET,
				    "section %s holds %s state, but the snapshot is of a%s %s guest",
				    snapv_label(&e, true, &l), snap_arch_name(ts->arch),
				    c->h.arch == SNAP_ARCH_RISCV64 ? "" : "n",
				    snap_arch_name(c->h.arch));
		if (ts->vmin == ts->vmax)
			return snapv_fail(c, SNAP_ERR_SECTION_VERSION,
				    "section %s is version %u; this build reads version %u",
				    snapv_label(&e, false, &l), e.version, ts->vmin);
		return snapv_fail(c, SNAP_ERR_SECTION_VERSION,
			    "section %s is version %u; this build reads versions %u to %u",
			    snapv_label(&e, false, &l), e.version, ts->vmin, ts->vmax);
	}
	return 0;
}

/* Whether a section of the type may have this (valid) name. */
static bool name_fits(const struct snap_type_spec *ts, const char *name)
{
	uint64_t unit;

	switch (ts->naming) {
	case SNAP_NAMING_ROOT:
		return !strcmp(name, "/");
	case SNAP_NAMING_MEMORY:
		return !strncmp(name, "/memory@", 8) && !strchr(name + 1, '/') &&
		       snap_name_unit(name, &unit);
	case SNAP_NAMING_CPU:
		return !strncmp(name, "/cpus/cpu@", 10) && !strchr(name + 6, '/') &&
		       snap_name_unit(name, &unit);
	case SNAP_NAMING_VGIC:
		return !strcmp(name, "/intc@8000000");
	default:
		return !strncmp(name, "/devices/", 9) && name[9] && !strchr(name + 9, '/');
	}
}

static const char *const naming_text[] = {
	[SNAP_NAMING_ROOT] = "/",
	[SNAP_NAMING_MEMORY] = "/memory@<base>",
	[SNAP_NAMING_CPU] = "/cpus/cpu@<n>",
	[SNAP_NAMING_VGIC] = "/intc@8000000",
	[SNAP_NAMING_DEVICE] = "/devices/<node>",
};

static int check_set(struct vctx *c)
{
	bool config = false, machine = false, ram = false, vgic = false;
	const struct snap_type_spec *ts;
	struct snap_toc_entry e;
	struct label l;

	for (uint32_t i = 0; i < c->n; i++) {				/* 13 */
		snapv_entry(c, i, &e);
		if (snapv_classify(c, &e, &ts) != SEC_READ)
			continue;
		if (!name_fits(ts, e.name))
			return snapv_fail(c, SNAP_ERR_SECTION_SET,
				    "section %s: a %s section is named %s", snapv_label(&e, true, &l),
				    snap_section_type_name(e.type), naming_text[ts->naming]);
		config |= e.type == SNAP_SEC_CONFIG;
		machine |= e.type == SNAP_SEC_MACHINE;
		ram |= e.type == SNAP_SEC_RAM;
		vgic |= e.type == SNAP_SEC_ARM64_VGICV3;
	}
	if (!config)
		return snapv_fail(c, SNAP_ERR_SECTION_SET, "no config section /: the snapshot is damaged");
	if (!machine)
		return snapv_fail(c, SNAP_ERR_SECTION_SET, "no machine section /: the snapshot is damaged");
	if (!ram)
		return snapv_fail(c, SNAP_ERR_SECTION_SET, "no ram section: the snapshot is damaged");
	if (c->h.arch == SNAP_ARCH_ARM64 && !vgic)
		return snapv_fail(c, SNAP_ERR_SECTION_SET,
			    "no arm64-vgicv3 section /intc@8000000: the snapshot is damaged");
	return 0;
}

/* --- the sections: checks 14 and 15 --------------------------------------------- */

static int check_crcs(struct vctx *c)
{
	const struct snap_type_spec *ts;
	struct snap_toc_entry e;
	struct label l;

	for (uint32_t i = 0; i < c->n; i++) {				/* 14 */
		uint32_t crc;

		snapv_entry(c, i, &e);
		if (snapv_classify(c, &e, &ts) != SEC_READ)
			continue;
		crc = crc32c(0, c->p + e.offset, e.length);
		if (crc != e.crc)
			return snapv_fail(c, SNAP_ERR_SECTION_CRC,
				    "section %s: CRC32C mismatch (stored 0x%08x, computed 0x%08x)",
				    snapv_label(&e, true, &l), e.crc, crc);
	}
	return 0;
}

static const char *const vtype_names[] = { "?", "u32", "u64", "bytes", "array" };

/* "u64 of 8 bytes", "array of 30 8-byte elements" */
static void describe(const struct snap_field *f, char *buf, size_t size)
{
	if (f->vtype == SNAP_VT_ARRAY)
		snprintf(buf, size, "array of %u %u-byte elements", f->count, f->elem_size);
	else
		snprintf(buf, size, "%s of %u bytes", vtype_names[f->vtype], f->length);
}

/* "u32", "an array of 31 8-byte elements", "6 bytes" */
static void expected(const struct snap_tag_spec *s, bool counted, uint64_t count, char *buf,
		     size_t size)
{
	if (s->vtype == SNAP_VT_ARRAY && counted)
		snprintf(buf, size, "an array of %llu %u-byte elements",
			 (unsigned long long)count, s->elem);
	else if (s->vtype == SNAP_VT_ARRAY)
		snprintf(buf, size, "an array of %u-byte elements", s->elem);
	else if (counted)
		snprintf(buf, size, "%llu bytes", (unsigned long long)count);
	else
		snprintf(buf, size, "%s", vtype_names[s->vtype]);
}

struct seen {
	uint64_t mask;
	uint64_t val[SNAP_TAGS_MAX];		/* u32 and u64 values */
};

static bool seen_value(const struct snap_type_spec *ts, const struct seen *s, uint16_t tag,
		       uint64_t *v)
{
	unsigned int idx;

	if (!snap_tag_spec(ts, tag, &idx) || !(s->mask >> idx & 1))
		return false;
	*v = s->val[idx];
	return true;
}

/* The element or byte count a field must have; false when it is not fixed
 * (SNAP_CNT_ANY) or depends on a field that is missing. */
static bool expected_count(const struct snap_type_spec *ts, const struct snap_tag_spec *sp,
			   const struct seen *s, uint64_t *count)
{
	uint64_t v;

	switch (sp->count) {
	case SNAP_CNT_FIXED:
		*count = sp->n;
		return true;
	case SNAP_CNT_SPI_WORDS:
	case SNAP_CNT_SPIS:
		if (!seen_value(ts, s, SNAP_VGIC_SPIS, &v))
			return false;
		*count = sp->count == SNAP_CNT_SPIS ? v : (v + 31) / 32;
		return true;
	case SNAP_CNT_VCPUS:
		if (!seen_value(ts, s, SNAP_VGIC_VCPUS, &v))
			return false;
		*count = v * sp->n;
		return true;
	case SNAP_CNT_QUEUES:
		*count = ts->queues;
		return true;
	default:
		return false;
	}
}

static int field_error(struct vctx *c, const struct snap_toc_entry *e,
		       const struct snap_tlv_reader *r, int err)
{
	const uint8_t *h = r->p + r->pos;
	size_t left = r->len - r->pos;
	uint16_t tag = left >= 2 ? snap_le16(h) : 0;
	struct label l;

	snapv_label(e, true, &l);
	switch (-err) {
	case SNAP_ERR_FIELD_BOUNDS:
		return snapv_fail(c, SNAP_ERR_FIELD_BOUNDS,
			    "section %s: the field at offset 0x%zx runs past the section's end",
			    l.s, r->pos);
	case SNAP_ERR_FIELD_TAG:
		return snapv_fail(c, SNAP_ERR_FIELD_TAG,
			    "section %s: the field at offset 0x%zx has the reserved tag 0", l.s,
			    r->pos);
	case SNAP_ERR_FIELD_ORDER:
		return snapv_fail(c, SNAP_ERR_FIELD_ORDER,
			    "section %s: tag 0x%04x at offset 0x%zx follows tag 0x%04x: tags must strictly increase",
			    l.s, tag, r->pos, r->last_tag);
	case SNAP_ERR_FIELD_VTYPE:
		return snapv_fail(c, SNAP_ERR_FIELD_VTYPE,
			    "section %s: tag 0x%04x: vtype %u is not one of 1 to 4", l.s, tag, h[2]);
	case SNAP_ERR_FIELD_LENGTH:
		if (h[2] == SNAP_VT_ARRAY && snap_le32(h + 4) >= 8)
			return snapv_fail(c, SNAP_ERR_FIELD_LENGTH,
				    "section %s: tag 0x%04x: array of length %u with elem_size %u and count %u",
				    l.s, tag, snap_le32(h + 4), snap_le32(h + 8),
				    snap_le32(h + 12));
		return snapv_fail(c, SNAP_ERR_FIELD_LENGTH,
			    "section %s: tag 0x%04x: %s of length %u", l.s, tag,
			    vtype_names[h[2]], snap_le32(h + 4));
	default:
		return snapv_fail(c, -err, "section %s: tag 0x%04x: padding is not zero", l.s, tag);
	}
}

/* Check 15 on one section the reader reads. */
static int check_fields(struct vctx *c, const struct snap_toc_entry *e,
			const struct snap_type_spec *ts)
{
	struct snap_tlv_reader r;
	struct snap_field f;
	struct seen s = { 0 };
	uint64_t power = 0;
	struct label l;
	int ret;

	snap_tlv_reader_init(&r, c->p + e->offset, e->length);
	while ((ret = snap_tlv_next(&r, &f)) > 0) {
		const struct snap_tag_spec *sp;
		char got[48], want[48];
		unsigned int idx;
		uint64_t count = 0;
		bool counted;

		sp = snap_tag_spec(ts, f.tag, &idx);
		if (!sp) {
			if (f.flags & SNAP_FIELD_MANDATORY)
				return snapv_fail(c, SNAP_ERR_FIELD_UNKNOWN,
					    "section %s: tag 0x%04x is mandatory and unknown to this build",
					    snapv_label(e, true, &l), f.tag);
			continue;
		}
		counted = expected_count(ts, sp, &s, &count);
		if (f.vtype != sp->vtype ||
		    (f.vtype == SNAP_VT_ARRAY && f.elem_size != sp->elem) ||
		    (counted && f.vtype == SNAP_VT_ARRAY && f.count != count) ||
		    (counted && f.vtype == SNAP_VT_BYTES && f.length != count)) {
			describe(&f, got, sizeof(got));
			expected(sp, counted, count, want, sizeof(want));
			return snapv_fail(c, SNAP_ERR_FIELD_TYPE,
				    "section %s: tag 0x%04x (%s): %s, expected %s",
				    snapv_label(e, true, &l), f.tag, sp->name, got, want);
		}
		s.mask |= 1ull << idx;
		if (f.vtype == SNAP_VT_U32)
			s.val[idx] = snap_field_u32(&f);
		else if (f.vtype == SNAP_VT_U64)
			s.val[idx] = snap_field_u64(&f);
	}
	if (ret < 0)
		return field_error(c, e, &r, ret);
	if (e->type == SNAP_SEC_ARM64_VCPU)
		seen_value(ts, &s, SNAP_VCPU_POWER_STATE, &power);
	for (unsigned int i = 0; i < ts->ntags + ts->ntags2; i++) {
		const struct snap_tag_spec *sp =
			i < ts->ntags ? &ts->tags[i] : &ts->tags2[i - ts->ntags];
		bool required = sp->req == SNAP_REQ_M ||
				(sp->req == SNAP_REQ_M_IF_ON_PENDING && power == 2);

		if (required && !(s.mask >> i & 1))
			return snapv_fail(c, SNAP_ERR_FIELD_MISSING, "section %s: tag 0x%04x (%s) missing",
				    snapv_label(e, true, &l), sp->tag, sp->name);
	}
	return 0;
}

static int check_sections(struct vctx *c)
{
	const struct snap_type_spec *ts;
	struct snap_toc_entry e;
	int ret;

	for (uint32_t i = 0; i < c->n; i++) {				/* 15 */
		snapv_entry(c, i, &e);
		if (snapv_classify(c, &e, &ts) != SEC_READ)
			continue;
		ret = check_fields(c, &e, ts);
		if (ret)
			return ret;
	}
	return 0;
}

int snap_validate(const void *file, size_t len, const struct snap_validate_opts *opts,
		  struct snap_info *info, char *msg, size_t msg_size)
{
	struct vctx c = {
		.p = file, .len = len, .o = opts ? opts : &no_opts, .info = info,
		.msg = msg, .msg_size = msg_size,
	};
	int (*const checks[])(struct vctx *) = {
		check_header, check_arch, check_toc, check_entries, check_types, check_set,
		check_crcs, check_sections, snapv_check_rams, snapv_check_chunks,
	};

	if (info) {
		memset(info, 0, sizeof(*info));
	}
	if (msg_size)
		msg[0] = '\0';
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int ret = checks[i](&c);

		if (ret)
			return ret;
		if (i == 2 && info)
			info->sections = c.n;
	}
	return 0;
}
