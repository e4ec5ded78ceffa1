// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a snapshot from the store: its metadata (header, table, sections)
 * validated in memory by libs/snapfmt, the sections handed out by type and
 * name, and the RAM chunks read page run by page run with their CRCs
 * checked. Restore (snapshot_restore.c) and verify share it.
 */
#define LOG_PREFIX "snapshot"
#include <crc32c.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/page_alloc.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>
#include "snapshot_read.h"

int snap_read_fail(struct snap_read *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	snap_verror(r->err, r->errlen, r->name, err, fmt, ap);
	va_end(ap);
	return err;
}

static u64 container_bytes(const struct store_entry *e)
{
	u64 units = 0;

	for (u32 i = 0; i < e->nr_extents; i++)
		units += e->ext[i].nr_units;
	return units * STORE_UNIT_SIZE;
}

/* The sections of types and versions this build reads; skipped optional
 * ones (the validator named them) are left out. */
static int collect_sections(struct snap_read *r)
{
	const struct snap_header *h = &r->info.header;

	r->secs = kzalloc(h->toc_count * sizeof(*r->secs));
	if (!r->secs)
		return snap_read_fail(r, -ENOMEM, "out of memory");
	for (u32 i = 0; i < h->toc_count; i++) {
		const u8 *raw = r->meta + h->toc_offset + (u64)i * h->toc_entry_size;
		struct snap_section *s = &r->secs[r->in.count];
		const struct snap_type_spec *ts;
		struct snap_toc_entry e;

		snap_toc_entry_decode(raw, &e);
		ts = snap_type_spec(e.type);
		if (!ts || e.version < ts->vmin || e.version > ts->vmax)
			continue;
		s->type = e.type;
		s->version = e.version;
		s->flags = e.flags;
		s->name = (const char *)raw + 0x20;	/* NUL-terminated: check 10 */
		s->payload = r->meta + e.offset;
		s->len = e.length;
		r->in.count++;
	}
	r->in.sec = r->secs;
	return 0;
}

static int ram_layout(struct snap_read *r)
{
	const struct snap_section *ram = NULL;
	struct snap_field crcs;
	size_t bmlen;

	for (unsigned int i = 0; i < r->in.count; i++) {
		if (r->in.sec[i].type != SNAP_SEC_RAM)
			continue;
		if (ram)
			return snap_read_fail(r, -ENOSYS,
					      "more than one ram section: this build restores one");
		ram = &r->in.sec[i];
	}
	/* The validator checked every field (checks 15 and 21). */
	if (!ram || !snap_get_u64(ram, SNAP_RAM_BASE, &r->ram_base) ||
	    !snap_get_u64(ram, SNAP_RAM_SIZE, &r->ram_size) ||
	    !snap_get_u32(ram, SNAP_RAM_CHUNK_SIZE, &r->chunk_size) ||
	    !snap_get_u64(ram, SNAP_RAM_DATA_OFFSET, &r->data_offset) ||
	    !snap_get_bytes(ram, SNAP_RAM_PRESENT, &r->present, &bmlen) ||
	    !snap_get_array(ram, SNAP_RAM_CHUNK_CRC, &crcs))
		return snap_read_fail(r, -EINVAL, "no usable ram section");
	r->chunk_crc = crcs;
	return 0;
}

int snap_read_open(struct snap_read *r)
{
	struct snap_validate_opts o;
	char why[SNAP_ERR_MAX];
	u64 container;
	int idx, ret;

	ret = snapstore_open(&r->st, false, why, sizeof(why));
	if (ret)
		return snap_read_fail(r, ret, "%s", why);
	r->opened = true;
	if (r->st.current < 0)
		return snap_read_fail(r, -ENOENT, "no such snapshot: the store on %s is empty",
				      r->st.bd->name);
	idx = store_find(&r->st.meta, r->name);
	if (idx < 0)
		return snap_read_fail(r, -ENOENT, "no such snapshot in %s (see snapshot list)",
				      r->st.bd->name);
	r->e = &r->st.meta.dir[idx];
	container = container_bytes(r->e);
	r->meta_len = MIN(container, SNAP_DATA_OFFSET);
	r->meta = kmalloc(r->meta_len);
	if (!r->meta)
		return snap_read_fail(r, -ENOMEM, "out of memory");
	ret = snapstore_io(&r->st, r->e, BLK_READ, 0, r->meta, r->meta_len);
	if (ret)
		return snap_read_fail(r, ret, "cannot read it from %s (%s)", r->st.bd->name,
				      strerror(ret));
	snap_opts(&o, r->name, container);
	ret = snap_validate(r->meta, r->meta_len, &o, &r->info, r->err, r->errlen);
	if (ret)
		return -EINVAL;
	ret = collect_sections(r);
	if (!ret)
		ret = ram_layout(r);
	if (ret)
		return ret;
	r->config = snap_in_find(&r->in, SNAP_SEC_CONFIG, "/");
	r->machine = snap_in_find(&r->in, SNAP_SEC_MACHINE, "/");
	if (!snap_get_bytes(r->config, SNAP_CONFIG_DTB, &r->dtb, &r->dtb_len))
		return snap_read_fail(r, -EINVAL, "no configuration DTB");
	/* 16 */
	if (r->dtb_len < sizeof(struct fdt_header) || fdt_check_header(r->dtb) ||
	    fdt_totalsize(r->dtb) != r->dtb_len)
		return snap_read_fail(r, -EINVAL,
				      "section / (config v1): the configuration is not a valid DTB of %zu bytes",
				      r->dtb_len);
	return 0;
}

void snap_read_close(struct snap_read *r)
{
	kfree(r->secs);
	kfree(r->meta);
	if (r->opened)
		snapstore_close(&r->st);
}

/*
 * Reads the present pages of chunk c into dst (the chunk's RAM: the
 * guest's, or a buffer of chunk_size bytes), runs of pages in one read, and
 * checks the chunk's CRC (check 22).
 */
int snap_read_chunk(struct snap_read *r, u64 c, u8 *dst)
{
	u64 per = r->chunk_size / PAGE_SIZE, first_page = c * per, run = 0, start = 0;
	u32 crc = 0, stored = (u32)snap_field_elem(&r->chunk_crc, (u32)c), present = 0;

	for (u64 p = 0; p <= per; p++) {
		bool in = p < per && snap_ram_present_test(r->present, first_page + p);

		if (in) {
			if (!run)
				start = p;
			run++;
			continue;
		}
		if (run) {
			u8 *to = dst + start * PAGE_SIZE;
			int ret = snapstore_io(&r->st, r->e, BLK_READ,
					       r->data_offset + (first_page + start) * PAGE_SIZE,
					       to, run * PAGE_SIZE);

			if (ret)
				return snap_read_fail(r, ret, "cannot read RAM chunk %llu (%s)",
						      (unsigned long long)c, strerror(ret));
			crc = crc32c(crc, to, run * PAGE_SIZE);
			present += run;
			r->pages_read += run;
			run = 0;
		}
	}
	if (crc != stored) {
		u64 gpa = r->ram_base + c * r->chunk_size;

		return snap_read_fail(r, -EINVAL,
				      "RAM chunk %llu (0x%llx-0x%llx, %u present page%s): CRC32C mismatch (stored 0x%08x, computed 0x%08x)",
				      (unsigned long long)c, (unsigned long long)gpa,
				      (unsigned long long)(gpa + r->chunk_size - 1), present,
				      present == 1 ? "" : "s", stored, crc);
	}
	return 0;
}
