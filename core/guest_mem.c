// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM: 2 MiB host blocks, zeroed in bulk and mapped in order from the
 * guest's RAM base (2 MiB second-stage blocks), and the boot images the
 * guest is started with: kernel, initrd and the generated DTB.
 */
#define LOG_PREFIX "guest"
#include <arch_guest.h>
#include <arch_mmu.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/guest_fdt.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include "guest_priv.h"
#include <kestrel/payload.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>

#define CHUNK		SZ_2M
#define CHUNK_ORDER	(21 - PAGE_SHIFT)

void guest_ram_free(struct guest *g)
{
	for (unsigned int i = 0; i < g->ram.nr_chunks; i++)
		if (g->ram.chunks[i])
			page_free(g->ram.chunks[i], CHUNK_ORDER);
	kfree(g->ram.chunks);
	g->ram.chunks = NULL;
	g->ram.nr_chunks = 0;
}

int guest_ram_alloc(struct guest *g)
{
	unsigned int n = g->cfg.ram_size / CHUNK;

	g->ram.base = g->cfg.ram_base;
	g->ram.size = g->cfg.ram_size;
	g->ram.chunks = kzalloc(n * sizeof(hpa_t));
	if (!g->ram.chunks)
		return -ENOMEM;
	g->ram.nr_chunks = n;
	for (unsigned int i = 0; i < n; i++) {
		hpa_t pa = page_alloc(CHUNK_ORDER);

		if (!pa)
			return -ENOMEM;
		g->ram.chunks[i] = pa;
		arch_zero_pages((void *)arch_hpa_to_hva(pa), CHUNK);
		if (arch_guest_map_ram(g, g->ram.base + (u64)i * CHUNK, pa, CHUNK))
			return -ENOMEM;
	}
	return 0;
}

void *guest_ram_hva(struct guest *g, gpa_t gpa, u64 len)
{
	u64 off = gpa - g->ram.base;

	if (gpa < g->ram.base || off >= g->ram.size || len > CHUNK - off % CHUNK)
		return NULL;
	return (void *)(arch_hpa_to_hva(g->ram.chunks[off / CHUNK]) + off % CHUNK);
}

int guest_ram_write(struct guest *g, gpa_t gpa, const void *src, u64 len)
{
	const char *p = src;

	if (gpa < g->ram.base || len > g->ram.size || gpa - g->ram.base > g->ram.size - len)
		return -EFAULT;
	while (len) {
		u64 n = CHUNK - (gpa - g->ram.base) % CHUNK;

		if (n > len)
			n = len;
		memcpy(guest_ram_hva(g, gpa, n), p, n);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

static int load_file(struct guest *g, const char *what, const char *name,
		     struct cpio_file *f, char *err, size_t errlen)
{
	if (payload_find(name, f)) {
		snprintf(err, errlen, "guest %s: boot/%s: '%s' is not in the payload", g->cfg.name,
			 what, name);
		return -ENOENT;
	}
	return 0;
}

/*
 * Layout, as QEMU's -kernel does it for an arm64 Image: the kernel at the
 * RAM base plus its text_offset, the initrd at the next 2 MiB boundary
 * after the kernel's memory, the DTB in the last 2 MiB of RAM.
 */
int guest_load_images(struct guest *g, char *err, size_t errlen)
{
	struct guest_fdt_layout layout = { 0 };
	struct cpio_file kernel, initrd;
	u64 offset, kernel_mem, top = g->ram.base + g->ram.size;
	gpa_t kernel_end;
	void *dtb;
	int r;

	r = load_file(g, "kernel", g->cfg.kernel, &kernel, err, errlen);
	if (r)
		return r;
	arch_guest_image_layout(kernel.data, kernel.size, &offset, &kernel_mem);
	g->entry = g->ram.base + offset;
	g->dtb = top - SZ_2M;
	kernel_end = g->entry + kernel_mem;
	if (g->cfg.initrd[0]) {
		r = load_file(g, "initrd", g->cfg.initrd, &initrd, err, errlen);
		if (r)
			return r;
		layout.initrd_start = ALIGN_UP(kernel_end, SZ_2M);
		layout.initrd_end = layout.initrd_start + initrd.size;
		kernel_end = layout.initrd_end;
	}
	if (g->ram.size < SZ_2M * 2 || kernel_end > g->dtb) {
		snprintf(err, errlen, "guest %s: memory/size: %llu MiB is too small for the "
			 "kernel (%llu KiB)%s and the DTB", g->cfg.name,
			 (unsigned long long)(g->ram.size >> 20),
			 (unsigned long long)(kernel_mem >> 10),
			 g->cfg.initrd[0] ? ", the initrd" : "");
		return -E2BIG;
	}
	guest_ram_write(g, g->entry, kernel.data, kernel.size);
	if (layout.initrd_end)
		guest_ram_write(g, layout.initrd_start, initrd.data, initrd.size);

	dtb = kmalloc(GUEST_FDT_MAX);
	if (!dtb) {
		snprintf(err, errlen, "guest %s: out of memory for its DTB", g->cfg.name);
		return -ENOMEM;
	}
	r = guest_fdt_build(&g->cfg, &layout, dtb, GUEST_FDT_MAX);
	if (r) {
		snprintf(err, errlen, "guest %s: building its DTB failed (libfdt error %d)",
			 g->cfg.name, r);
		kfree(dtb);
		return -EINVAL;
	}
	guest_ram_write(g, g->dtb, dtb, fdt_totalsize(dtb));
	kfree(dtb);
	return 0;
}
