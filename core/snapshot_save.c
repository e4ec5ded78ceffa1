// SPDX-License-Identifier: GPL-2.0
/*
 * Saving a guest into the snapshot store, in the order of
 * docs/snapshot-format.md "Writing": pause (which quiesces the devices and
 * freezes the guest's clock), allocate the directory entry, invalidate the
 * header, write the non-zero RAM pages at their fixed offsets, then the
 * sections and the table, and last the header with COMPLETE set. A crash
 * at any point leaves an incomplete snapshot, never a mix of two.
 */
#define LOG_PREFIX "snapshot"
#include <arch_cpu.h>
#include <arch_guest.h>
#include <arch_timer.h>
#include <crc32c.h>
#include <kestrel/console.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include <kestrel/percpu.h>
#include <kestrel/timer.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>
#include "snapshot_priv.h"

struct save {
	struct guest *g;
	const char *name;
	struct snap_store st;
	int idx;
	struct store_entry *e;
	u8 *meta;			/* the metadata area from SNAP_SECTIONS_START */
	struct snap_out out;
	u8 *bitmap;
	u32 *chunk_crc;
	u64 nr_pages, present, written;
	char *err;
	size_t errlen;
};

static int fail(struct save *s, int err, const char *fmt, ...) __printf(3, 4);
static int fail(struct save *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	snap_verror(s->err, s->errlen, s->name, err, fmt, ap);
	va_end(ap);
	return err;
}

/* --- the sections ------------------------------------------------------------- */

static int copy_node(void *out, const void *fdt, int node)
{
	int prop, child, r = 0;

	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);

		r = val ? fdt_property(out, name, val, len) : len;
		if (r)
			return r;
	}
	fdt_for_each_subnode(child, fdt, node) {
		r = fdt_begin_node(out, fdt_get_name(fdt, child, NULL));
		if (!r)
			r = copy_node(out, fdt, child);
		if (!r)
			r = fdt_end_node(out);
		if (r)
			return r;
	}
	return 0;
}

/* The guest's node as a standalone DTB whose root it is, properties and
 * subnodes in their order. */
static int config_section(struct save *s)
{
	struct guest *g = s->g;
	size_t cap = fdt_totalsize(g->config_fdt) + 256;
	void *dtb = kmalloc(cap);
	struct snap_tlv_writer *w;
	char path[GUEST_NAME_MAX + 16];
	int r;

	if (!dtb)
		return fail(s, -ENOMEM, "out of memory for the configuration");
	r = fdt_create(dtb, (int)cap);
	if (!r)
		r = fdt_finish_reservemap(dtb);
	if (!r)
		r = fdt_begin_node(dtb, "");
	if (!r)
		r = copy_node(dtb, g->config_fdt, g->config_node);
	if (!r)
		r = fdt_end_node(dtb);
	if (!r)
		r = fdt_finish(dtb);
	if (r) {
		kfree(dtb);
		return fail(s, -EINVAL, "cannot copy the configuration (%s)", fdt_strerror(r));
	}
	w = snap_out_begin(&s->out, SNAP_SEC_CONFIG, 1, SNAP_SEC_MANDATORY, "/");
	snap_tlv_put_bytes(w, SNAP_CONFIG_DTB, SNAP_M, dtb, fdt_totalsize(dtb));
	if (g->config_node) {
		snprintf(path, sizeof(path), "/guests/%s",
			 fdt_get_name(g->config_fdt, g->config_node, NULL));
		snap_tlv_put_bytes(w, SNAP_CONFIG_SOURCE_PATH, SNAP_O, path, strlen(path));
	}
	snap_out_end(&s->out);
	kfree(dtb);
	return 0;
}

static void machine_section(struct save *s, bool was_running)
{
	struct guest *g = s->g;
	struct snap_tlv_writer *w = snap_out_begin(&s->out, SNAP_SEC_MACHINE, 1,
						   SNAP_SEC_MANDATORY, "/");

	snap_tlv_put_bytes(w, SNAP_MACHINE_NAME, SNAP_M, g->cfg.name, strlen(g->cfg.name));
	snap_tlv_put_u32(w, SNAP_MACHINE_VCPUS, SNAP_M, g->cfg.vcpus);
	snap_tlv_put_u64(w, SNAP_MACHINE_RAM_BASE, SNAP_M, g->cfg.ram_base);
	snap_tlv_put_u64(w, SNAP_MACHINE_RAM_SIZE, SNAP_M, g->cfg.ram_size);
	snap_tlv_put_u32(w, SNAP_MACHINE_RUN_STATE, SNAP_M, was_running ? 1 : 2);
	snap_tlv_put_u64(w, SNAP_MACHINE_COUNTER_FREQ, SNAP_M, arch_counter_freq());
	/* Paused: the counter is frozen at this value until the guest runs. */
	snap_tlv_put_u64(w, SNAP_MACHINE_VCOUNTER, SNAP_M, g->paused_vcounter);
	snap_tlv_put_u64(w, SNAP_MACHINE_BOOTS, SNAP_O, g->boots);
	snap_out_end(&s->out);
}

static void host_section(struct save *s)
{
	struct snap_tlv_writer *w = snap_out_begin(&s->out, SNAP_SEC_HOST, 1, 0, "/");
	char cpu[80];

	arch_cpu_describe(cpu, sizeof(cpu));
	snap_tlv_put_bytes(w, SNAP_HOST_CPU, SNAP_O, cpu, strlen(cpu));
	snap_tlv_put_bytes(w, SNAP_HOST_BOARD, SNAP_O, CONFIG_BOARD_NAME,
			   strlen(CONFIG_BOARD_NAME));
	snap_tlv_put_u32(w, SNAP_HOST_CPUS, SNAP_O, nr_cpus);
	snap_out_end(&s->out);
}

static void device_sections(struct save *s)
{
	struct guest *g = s->g;
	char path[GUEST_NAME_MAX + 16];

	for (unsigned int i = 0; i < g->nr_devs; i++) {
		struct guest_device *d = &g->devs[i];
		u16 type = d->emu->snap_type(d->priv);
		const struct snap_type_spec *ts = snap_type_spec(type);
		struct snap_tlv_writer *w;

		snprintf(path, sizeof(path), "/devices/%s", d->cfg->name);
		w = snap_out_begin(&s->out, type, ts ? ts->vmax : 1, SNAP_SEC_MANDATORY, path);
		d->emu->snap_save(d->priv, w);
		snap_out_end(&s->out);
	}
}

static void ram_section(struct save *s)
{
	struct guest *g = s->g;
	char path[32];
	struct snap_tlv_writer *w;
	u64 chunks = g->cfg.ram_size / SNAP_CHUNK_SIZE;

	snprintf(path, sizeof(path), "/memory@%llx", (unsigned long long)g->cfg.ram_base);
	w = snap_out_begin(&s->out, SNAP_SEC_RAM, 1, SNAP_SEC_MANDATORY, path);
	snap_tlv_put_u64(w, SNAP_RAM_BASE, SNAP_M, g->cfg.ram_base);
	snap_tlv_put_u64(w, SNAP_RAM_SIZE, SNAP_M, g->cfg.ram_size);
	snap_tlv_put_u32(w, SNAP_RAM_PAGE_SIZE, SNAP_M, PAGE_SIZE);
	snap_tlv_put_u32(w, SNAP_RAM_CHUNK_SIZE, SNAP_M, SNAP_CHUNK_SIZE);
	snap_tlv_put_u64(w, SNAP_RAM_DATA_OFFSET, SNAP_M, SNAP_DATA_OFFSET);
	snap_tlv_put_bytes(w, SNAP_RAM_PRESENT, SNAP_M, s->bitmap,
			   snap_ram_bitmap_size(g->cfg.ram_size, PAGE_SIZE));
	snap_tlv_put_array(w, SNAP_RAM_CHUNK_CRC, SNAP_M, 4, (u32)chunks, s->chunk_crc);
	snap_tlv_put_u64(w, SNAP_RAM_PRESENT_COUNT, SNAP_O, s->present);
	snap_out_end(&s->out);
}

/* The sections that do not depend on the RAM pass, built before it. */
static int build_state(struct save *s, bool was_running)
{
	int r = config_section(s);

	if (r)
		return r;
	machine_section(s, was_running);
	host_section(s);
	arch_snap_save(s->g, &s->out);
	device_sections(s);
	return 0;
}

/* --- writing -------------------------------------------------------------------- */

static int write_header(struct save *s, const struct snap_header *h)
{
	u8 *blk = kzalloc(SNAP_SECTIONS_START);
	int r;

	if (!blk)
		return -ENOMEM;
	r = snap_header_encode(h, blk, SNAP_SECTIONS_START);
	if (!r)
		r = snapstore_io(&s->st, s->e, BLK_WRITE, 0, blk, SNAP_SECTIONS_START);
	if (!r)
		r = blockdev_flush(s->st.bd);
	kfree(blk);
	return r;
}

/* Each non-zero page of chunk c goes to its slot (runs of them in one
 * write), its bit is set and it is fed to the chunk's CRC. */
static int write_chunk(struct save *s, u64 c, struct snap_progress *prog)
{
	const u64 per = SNAP_CHUNK_SIZE / PAGE_SIZE;
	u8 *ram = guest_ram_hva(s->g, s->g->cfg.ram_base + c * SNAP_CHUNK_SIZE, SNAP_CHUNK_SIZE);
	u64 run = 0, first = 0;
	u32 crc = 0;

	if (!ram)
		return -EFAULT;
	for (u64 p = 0; p <= per; p++) {
		bool data = p < per && !snap_page_is_zero(ram + p * PAGE_SIZE, PAGE_SIZE);

		if (data) {
			if (!run)
				first = p;
			run++;
			snap_ram_present_set(s->bitmap, c * per + p);
			crc = crc32c(crc, ram + p * PAGE_SIZE, PAGE_SIZE);
			continue;
		}
		if (run) {
			u64 off = SNAP_DATA_OFFSET + (c * per + first) * PAGE_SIZE;
			int r = snapstore_io(&s->st, s->e, BLK_WRITE, off, ram + first * PAGE_SIZE,
					     run * PAGE_SIZE);

			if (r)
				return r;
			s->present += run;
			s->written += run * PAGE_SIZE;
			run = 0;
		}
	}
	s->chunk_crc[c] = crc;
	snap_progress_add(prog, SNAP_CHUNK_SIZE);
	return 0;
}

/* The sections and, after them, the table of contents: one write. */
static int write_metadata(struct save *s, struct snap_header *h)
{
	u64 toc_at = s->out.len;
	u64 toc_len = (u64)s->out.count * SNAP_TOC_ENTRY_SIZE;
	u64 len = ALIGN_UP(toc_at + toc_len, (u64)SZ_4K);

	if (len > SNAP_META_MAX)
		return -ENOSPC;
	memset(s->meta + toc_at, 0, len - toc_at);
	for (unsigned int i = 0; i < s->out.count; i++)
		snap_toc_entry_encode(&s->out.toc[i], s->meta + toc_at + i * SNAP_TOC_ENTRY_SIZE);
	h->toc_offset = SNAP_SECTIONS_START + toc_at;
	h->toc_count = s->out.count;
	h->toc_entry_size = SNAP_TOC_ENTRY_SIZE;
	h->toc_length = toc_len;
	h->toc_crc = crc32c(0, s->meta + toc_at, toc_len);
	return snapstore_io(&s->st, s->e, BLK_WRITE, SNAP_SECTIONS_START, s->meta, len);
}

/* Directory entry: the one of that name (re-saved in place) or a new one. */
static int allocate(struct save *s, u64 length)
{
	char why[SNAP_ERR_MAX];
	struct store_meta *m = &s->st.meta;
	int r;

	s->idx = store_find(m, s->name);
	if (s->idx < 0) {
		s->idx = store_free_slot(m);
		if (s->idx < 0)
			return fail(s, -ENOSPC, "the store's directory is full (%u snapshots): delete one",
				    STORE_DIR_ENTRIES);
		memset(&m->dir[s->idx], 0, sizeof(m->dir[s->idx]));
		strlcpy(m->dir[s->idx].name, s->name, STORE_NAME_SIZE);
	}
	s->e = &m->dir[s->idx];
	if (store_alloc(m, s->idx, length, why, sizeof(why))) {
		if (!s->e->nr_extents)
			memset(s->e, 0, sizeof(*s->e));
		return fail(s, -ENOSPC, "%s (%s)", why, s->st.bd->name);
	}
	s->e->state = STORE_WRITING;
	s->e->sequence++;
	r = snapstore_commit(&s->st, why, sizeof(why));
	return r ? fail(s, r, "%s", why) : 0;
}

static int write_all(struct save *s, bool was_running)
{
	struct guest *g = s->g;
	u64 chunks = g->cfg.ram_size / SNAP_CHUNK_SIZE;
	u64 length = SNAP_DATA_OFFSET + g->cfg.ram_size;
	struct snap_progress prog;
	struct snap_header h;
	int r;

	snap_out_init(&s->out, s->meta, SNAP_META_MAX, SNAP_SECTIONS_START);
	r = build_state(s, was_running);
	if (r)
		return r;
	r = allocate(s, length);
	if (r)
		return r;
	snap_header_init(&h, arch_snap_arch(), PAGE_SIZE);
	h.sequence = s->e->sequence;
	h.created_uptime_ns = time_now_ns();
	snap_producer(h.producer, sizeof(h.producer));
	strlcpy(h.guest_name, g->cfg.name, sizeof(h.guest_name));
	r = write_header(s, &h);		/* flags 0: incomplete from here on */
	if (r)
		return fail(s, r, "cannot write the header to %s (%s)", s->st.bd->name, strerror(r));
	snap_progress_start(&prog, g->cfg.ram_size);
	for (u64 c = 0; c < chunks && !r; c++)
		r = write_chunk(s, c, &prog);
	if (r)
		return fail(s, r, "cannot write the RAM to %s (%s)", s->st.bd->name, strerror(r));
	ram_section(s);
	r = snap_out_error(&s->out);
	if (r)
		return fail(s, -ENOSPC, "the guest's state does not fit the 2 MiB metadata area (%s)",
			    snap_strerror(r));
	r = write_metadata(s, &h);
	if (!r)
		r = blockdev_flush(s->st.bd);
	if (r)
		return fail(s, r, "cannot write the sections to %s (%s)", s->st.bd->name,
			    strerror(r));
	h.flags = SNAP_HDR_COMPLETE;
	h.file_length = length;
	r = write_header(s, &h);
	if (r)
		return fail(s, r, "cannot complete the header on %s (%s)", s->st.bd->name,
			    strerror(r));
	s->e->state = STORE_READY;
	s->e->length = length;
	r = snapstore_commit(&s->st, s->err, s->errlen);
	return r;
}

/* Every device must be able to save itself before anything is paused. */
static int check_devices(struct save *s)
{
	for (unsigned int i = 0; i < s->g->nr_devs; i++) {
		const struct guest_device *d = &s->g->devs[i];

		if (!d->emu->snap_type || !d->emu->snap_save)
			return fail(s, -ENOSYS,
				    "guest %s: devices/%s: the %s emulator cannot save its state",
				    s->g->cfg.name, d->cfg->name, d->emu->name);
	}
	return 0;
}

static void summary(struct save *s, u64 ns)
{
	char size[24], written[24], secs[24];

	snap_fmt_mib(size, sizeof(size), s->e->length);
	snap_fmt_mib(written, sizeof(written), s->written);
	snap_fmt_secs(secs, sizeof(secs), ns);
	printk("snapshot %s: saved %s: %s snapshot, %s of RAM written, %llu of %llu pages zero (skipped), %s\n",
	       s->name, s->g->cfg.name, size, written,
	       (unsigned long long)(s->nr_pages - s->present), (unsigned long long)s->nr_pages,
	       secs);
}

int snapshot_save(struct guest *g, const char *name, enum snap_after after, char *err,
		  size_t errlen)
{
	struct save s = { .g = g, .name = name, .err = err, .errlen = errlen };
	bool was_running = g->state == GUEST_RUNNING;
	u64 t0 = time_now_ns();
	char why[SNAP_ERR_MAX];
	int r;

	if (!store_name_valid(name))
		return fail(&s, -EINVAL, "a snapshot name is 1 to %u characters of a-z, 0-9, '-', '_'",
			    STORE_NAME_SIZE - 1);
	if (g->state == GUEST_STOPPED)
		return fail(&s, -EINVAL, "%s is stopped: a stopped guest has no state to save",
			    g->cfg.name);
	r = check_devices(&s);
	if (r)
		return r;
	r = snapstore_open(&s.st, true, why, sizeof(why));
	if (r)
		return fail(&s, r, "%s", why);
	s.nr_pages = g->cfg.ram_size / PAGE_SIZE;
	s.meta = kmalloc(SNAP_META_MAX);
	s.bitmap = kzalloc(snap_ram_bitmap_size(g->cfg.ram_size, PAGE_SIZE));
	s.chunk_crc = kzalloc(g->cfg.ram_size / SNAP_CHUNK_SIZE * sizeof(u32));
	if (!s.meta || !s.bitmap || !s.chunk_crc) {
		r = fail(&s, -ENOMEM, "out of memory");
		goto out;
	}
	if (was_running) {
		r = guest_pause(g, why, sizeof(why));
		if (r) {
			fail(&s, r, "%s", why);
			goto out;
		}
	}
	printk("snapshot %s: saving %s (%llu MiB of RAM) to %s\n", name, g->cfg.name,
	       (unsigned long long)(g->cfg.ram_size >> 20), s.st.bd->name);
	r = write_all(&s, was_running);
	if (!r)
		summary(&s, time_now_ns() - t0);
	else
		log_err("%s", err);
	/* A failed save leaves the guest as it was: stopping it would lose it. */
	if (!r && after == SNAP_AFTER_STOP)
		guest_stop(g, why, sizeof(why));
	else if (was_running)
		guest_resume(g, why, sizeof(why));
out:
	kfree(s.chunk_crc);
	kfree(s.bitmap);
	kfree(s.meta);
	snapstore_close(&s.st);
	return r;
}
