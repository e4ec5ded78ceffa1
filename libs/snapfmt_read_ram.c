// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot format codec: the validator's RAM checks (21 and 22 of "Reading
 * and validation"): the ram sections cover the machine's RAM exactly, their
 * page slots lie inside the file, and every chunk's CRC32C over its present
 * pages matches.
 */
#include <snapfmt.h>
#include <crc32c.h>
#include <printf.h>
#include <string.h>
#include "snapfmt_priv.h"

struct ram {
	struct snap_toc_entry e;
	uint64_t base, size, data_offset;
	uint32_t page_size, chunk_size;
	struct snap_field present, chunk_crc;
	bool has_count;
	uint64_t count;
};

/* Reads a ram section whose fields passed check 15. */
static void ram_fields(const struct vctx *c, uint32_t i, struct ram *m)
{
	struct snap_tlv_reader r;
	struct snap_field f;

	memset(m, 0, sizeof(*m));
	snapv_entry(c, i, &m->e);
	snap_tlv_reader_init(&r, c->p + m->e.offset, m->e.length);
	while (snap_tlv_next(&r, &f) > 0) {
		switch (f.tag) {
		case SNAP_RAM_BASE:		m->base = snap_field_u64(&f); break;
		case SNAP_RAM_SIZE:		m->size = snap_field_u64(&f); break;
		case SNAP_RAM_PAGE_SIZE:	m->page_size = snap_field_u32(&f); break;
		case SNAP_RAM_CHUNK_SIZE:	m->chunk_size = snap_field_u32(&f); break;
		case SNAP_RAM_DATA_OFFSET:	m->data_offset = snap_field_u64(&f); break;
		case SNAP_RAM_PRESENT:		m->present = f; break;
		case SNAP_RAM_CHUNK_CRC:	m->chunk_crc = f; break;
		case SNAP_RAM_PRESENT_COUNT:
			m->has_count = true;
			m->count = snap_field_u64(&f);
			break;
		}
	}
}

/* The end of the last section or of the table: where RAM data may start. */
static uint64_t metadata_end(const struct vctx *c)
{
	uint64_t end = c->h.toc_offset + c->h.toc_length;

	for (uint32_t i = 0; i < c->n; i++) {
		const uint8_t *b = snapv_entry_at(c, i);
		uint64_t e = snap_le64(b + 0x08) + snap_le64(b + 0x10);	/* checked by 10 */

		if (e > end)
			end = e;
	}
	return end;
}

static int check_ram(struct vctx *c, const struct ram *m, uint64_t meta_end)
{
	const struct snap_header *h = &c->h;
	uint64_t unit = 0, pages, bytes, chunks, bits;
	struct label l;

	snapv_label(&m->e, true, &l);
	snap_name_unit(m->e.name, &unit);				/* 21 */
	if (m->page_size != h->page_size)
		return snapv_fail(c, SNAP_ERR_RAM, "section %s: page-size %u, the header says %u", l.s,
			    m->page_size, h->page_size);
	if (m->base % m->page_size || m->base != unit)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: base 0x%llx is not a page-aligned address equal to the name's",
			    l.s, (unsigned long long)m->base);
	if (!snapv_power_of_two(m->chunk_size) || m->chunk_size % m->page_size)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: chunk-size 0x%x is not a power of two multiple of the page size",
			    l.s, m->chunk_size);
	if (!m->size || m->size % m->chunk_size || m->base + m->size < m->base)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: size 0x%llx is not a non-zero multiple of chunk-size 0x%x within the address space",
			    l.s, (unsigned long long)m->size, m->chunk_size);
	if (m->data_offset % m->chunk_size)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: data-offset 0x%llx is not a multiple of chunk-size 0x%x",
			    l.s, (unsigned long long)m->data_offset, m->chunk_size);
	if (m->data_offset < meta_end)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: data-offset 0x%llx lies before the end of the sections and the table (0x%llx)",
			    l.s, (unsigned long long)m->data_offset, (unsigned long long)meta_end);
	if (m->data_offset > h->file_length || m->size > h->file_length - m->data_offset)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: the RAM data (0x%llx bytes at 0x%llx) ends past file_length 0x%llx",
			    l.s, (unsigned long long)m->size, (unsigned long long)m->data_offset,
			    (unsigned long long)h->file_length);
	pages = m->size / m->page_size;
	bytes = snap_ram_bitmap_size(m->size, m->page_size);
	if (m->present.length != bytes)
		return snapv_fail(c, SNAP_ERR_RAM, "section %s: present has %u bytes, expected %llu",
			    l.s, m->present.length, (unsigned long long)bytes);
	if (pages % 8 && m->present.value[bytes - 1] >> (pages % 8))
		return snapv_fail(c, SNAP_ERR_RAM, "section %s: present has bits past the last page",
			    l.s);
	chunks = m->size / m->chunk_size;
	if (m->chunk_crc.count != chunks)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: chunk-crc has %u elements, expected %llu", l.s,
			    m->chunk_crc.count, (unsigned long long)chunks);
	bits = snap_ram_present_count(m->present.value, m->present.length);
	if (m->has_count && m->count != bits)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "section %s: present-count %llu, but present has %llu bits set", l.s,
			    (unsigned long long)m->count, (unsigned long long)bits);
	if (c->info)
		c->info->present_pages += bits;
	return 0;
}

/* Two ram sections: apart in guest addresses and in the file. */
static int check_ram_pair(struct vctx *c, const struct ram *a, const struct ram *b)
{
	struct label l, l2;

	if (snapv_ranges_overlap(a->base, a->size, b->base, b->size))
		return snapv_fail(c, SNAP_ERR_RAM, "sections %s and %s overlap in guest RAM",
			    snapv_label(&a->e, true, &l), snapv_label(&b->e, true, &l2));
	if (snapv_ranges_overlap(a->data_offset, a->size, b->data_offset, b->size))
		return snapv_fail(c, SNAP_ERR_RAM, "sections %s and %s: their RAM data overlap",
			    snapv_label(&a->e, true, &l), snapv_label(&b->e, true, &l2));
	return 0;
}

static int32_t find_section(const struct vctx *c, uint16_t type, const char *name)
{
	for (uint32_t i = 0; i < c->n; i++) {
		const uint8_t *b = snapv_entry_at(c, i);

		if (snap_le16(b) == type && !strncmp((const char *)b + 0x20, name, SNAP_NAME_SIZE))
			return (int32_t)i;
	}
	return -1;
}

static bool is_ram(const struct vctx *c, uint32_t i)
{
	const struct snap_type_spec *ts;
	struct snap_toc_entry e;

	snapv_entry(c, i, &e);
	return e.type == SNAP_SEC_RAM && snapv_classify(c, &e, &ts) == SEC_READ;
}

int snapv_check_rams(struct vctx *c)
{
	uint64_t meta_end = metadata_end(c), total = 0, mbase, msize;
	int32_t mi = find_section(c, SNAP_SEC_MACHINE, "/");
	struct snap_field f;
	struct ram a, b;
	const uint8_t *mp;
	int ret;

	for (uint32_t i = 0; i < c->n; i++) {
		if (!is_ram(c, i))
			continue;
		ram_fields(c, i, &a);
		ret = check_ram(c, &a, meta_end);
		if (ret)
			return ret;
		for (uint32_t j = 0; j < i; j++) {
			if (!is_ram(c, j))
				continue;
			ram_fields(c, j, &b);
			ret = check_ram_pair(c, &b, &a);
			if (ret)
				return ret;
		}
		total += a.size;	/* apart, so no overflow past 2^64 */
		if (c->info)
			c->info->ram_sections++;
	}
	/* 18, the part that needs no configuration: the sections are the machine's RAM. */
	if (mi < 0)		/* check 13 found it: cannot happen */
		return snapv_fail(c, SNAP_ERR_SECTION_SET, "no machine section /: the snapshot is damaged");
	mp = c->p + snap_le64(snapv_entry_at(c, (uint32_t)mi) + 0x08);
	snap_tlv_find(mp, snap_le64(snapv_entry_at(c, (uint32_t)mi) + 0x10), SNAP_MACHINE_RAM_BASE, &f);
	mbase = snap_field_u64(&f);
	snap_tlv_find(mp, snap_le64(snapv_entry_at(c, (uint32_t)mi) + 0x10), SNAP_MACHINE_RAM_SIZE, &f);
	msize = snap_field_u64(&f);
	for (uint32_t i = 0; i < c->n && total == msize; i++) {
		if (!is_ram(c, i))
			continue;
		ram_fields(c, i, &a);
		if (a.base < mbase || a.base - mbase > msize || a.size > msize - (a.base - mbase))
			total = ~msize;
	}
	if (total != msize)
		return snapv_fail(c, SNAP_ERR_RAM,
			    "the ram sections do not cover exactly the machine's RAM (0x%llx bytes at 0x%llx)",
			    (unsigned long long)msize, (unsigned long long)mbase);
	return 0;
}

int snapv_check_chunks(struct vctx *c)
{
	struct ram m;

	if (c->o->container_len)	/* metadata only: the caller reads the chunks */
		return 0;
	for (uint32_t i = 0; i < c->n; i++) {				/* 22 */
		uint64_t chunks, ppc;

		if (!is_ram(c, i))
			continue;
		ram_fields(c, i, &m);
		chunks = m.size / m.chunk_size;
		ppc = m.chunk_size / m.page_size;
		for (uint64_t k = 0; k < chunks; k++) {
			const uint8_t *slots = c->p + m.data_offset + k * m.chunk_size;
			uint32_t stored = (uint32_t)snap_field_elem(&m.chunk_crc, (uint32_t)k);
			uint32_t crc = snap_ram_chunk_crc(slots, m.chunk_size, m.page_size,
							  m.present.value, k * ppc);
			uint64_t present = 0, first = m.base + k * m.chunk_size;

			if (crc == stored)
				continue;
			for (uint64_t pg = 0; pg < ppc; pg++)
				present += snap_ram_present_test(m.present.value, k * ppc + pg);
			return snapv_fail(c, SNAP_ERR_CHUNK_CRC,
				    "RAM chunk %llu (0x%llx-0x%llx, %llu present page%s): CRC32C mismatch (stored 0x%08x, computed 0x%08x)",
				    (unsigned long long)k, (unsigned long long)first,
				    (unsigned long long)(first + m.chunk_size - 1),
				    (unsigned long long)present, present == 1 ? "" : "s", stored,
				    crc);
		}
	}
	return 0;
}
