// SPDX-License-Identifier: GPL-2.0
/* Read the machine description from the DTB: memory, CPUs, PL011, GICv3, timer, PSCI, virtio-mmio, bootargs. */
#include "platform.h"
#include "fdt.h"

struct platform plat;

/* Collected during the walk, resolved after it. */
struct dt_scan {
	const void *stdout_path;		/* /chosen stdout-path */
	const char *bootargs;			/* /chosen bootargs */
	uint32_t bootargs_len;
	struct fdt_node aliases;		/* /aliases (props pointer only) */
	bool have_aliases;
	struct {
		char path[96];
		struct region reg;
		const uint8_t *irq;
		uint32_t irq_len;
	} uarts[4];
	int nuarts;
	const uint8_t *timer_irq;
	uint32_t timer_irq_len;
	uint32_t gic_intcells;
	struct {
		const uint8_t *irq;
		uint32_t irq_len;
	} virtio[MAX_VIRTIO];			/* plat.virtio's interrupts, raw */
};

static void fail(const char *why)
{
	if (!plat.error)
		plat.error = why;
}

static void add_region(uint64_t base, uint64_t size)
{
	if (size && plat.nregions < MAX_REGIONS)
		plat.regions[plat.nregions++] = (struct region){ base, size };
}

/* True if every ancestor below the root maps addresses 1:1 (empty ranges),
 * so n's reg is a CPU physical address. */
static bool identity_mapped(const void *fdt, const struct fdt_node *n)
{
	uint32_t len;

	for (const struct fdt_node *p = n->parent; p && p->parent; p = p->parent)
		if (!fdt_prop(fdt, p, "ranges", &len) || len)
			return false;
	return true;
}

static void record_ranges(const void *fdt, const struct fdt_node *n)
{
	uint32_t len;
	const uint8_t *v = fdt_prop(fdt, n, "ranges", &len);

	if (!v || !len || !n->parent)
		return;
	uint32_t cac = fdt_addr_cells(fdt, n), csc = fdt_size_cells(fdt, n);
	uint32_t pac = fdt_addr_cells(fdt, n->parent);
	uint32_t entry = 4 * (cac + pac + csc);
	if (pac < 1 || pac > 2 || csc < 1 || csc > 2)
		return;
	for (uint32_t off = 0; off + entry <= len; off += entry)
		add_region(fdt_cells(v + off + 4 * cac, pac), fdt_cells(v + off + 4 * (cac + pac), csc));
}

static void scan_cpu(const void *fdt, const struct fdt_node *n)
{
	uint32_t len;
	const uint8_t *reg = fdt_prop(fdt, n, "reg", &len);
	uint32_t ac = fdt_addr_cells(fdt, n->parent);

	if (!reg || ac < 1 || ac > 2 || len < 4 * ac || plat.ncpus >= MAX_CPUS)
		return;
	plat.cpu_mpidr[plat.ncpus++] = fdt_cells(reg, ac);
}

static void scan_gic(const void *fdt, const struct fdt_node *n, struct dt_scan *s)
{
	uint32_t nredist = fdt_u32(fdt, n, "#redistributor-regions", 1);
	uint32_t len;
	const uint8_t *stride = fdt_prop(fdt, n, "redistributor-stride", &len);

	if (!fdt_reg(fdt, n, 0, &plat.gicd.base, &plat.gicd.size)) {
		fail("gic-v3 node has no distributor reg");
		return;
	}
	for (uint32_t i = 0; i < nredist && plat.ngicr < MAX_REDIST; i++) {
		struct region *r = &plat.gicr[plat.ngicr];

		if (fdt_reg(fdt, n, 1 + i, &r->base, &r->size))
			plat.ngicr++;
	}
	if (stride && (len == 4 || len == 8))
		plat.gicr_stride = fdt_cells(stride, len / 4);
	s->gic_intcells = fdt_u32(fdt, n, "#interrupt-cells", 3);
}

static void scan_psci(const void *fdt, const struct fdt_node *n)
{
	if (fdt_prop_is(fdt, n, "method", "hvc"))
		plat.psci = PSCI_HVC;
	else if (fdt_prop_is(fdt, n, "method", "smc"))
		plat.psci = PSCI_SMC;
	else
		fail("psci node has no method hvc or smc");
	plat.psci_v02 = fdt_compatible(fdt, n, "arm,psci-0.2") ||
			fdt_compatible(fdt, n, "arm,psci-1.0");
	/* PSCI 0.1 gives its function IDs in the node. */
	plat.psci_cpu_on = fdt_u32(fdt, n, "cpu_on", plat.psci_v02 ? 0xc4000003 : 0);
}

static void visit(const void *fdt, const struct fdt_node *n, void *ctx)
{
	struct dt_scan *s = ctx;
	uint64_t base, size;
	uint32_t len;

	if (n->depth == 1 && fdt_streq(n->name, "chosen")) {
		s->stdout_path = fdt_prop(fdt, n, "stdout-path", &len);
		s->bootargs = fdt_prop(fdt, n, "bootargs", &s->bootargs_len);
	}
	if (n->depth == 1 && fdt_streq(n->name, "aliases")) {
		s->aliases = *n;
		s->have_aliases = true;
	}
	if (!n->parent || !fdt_enabled(fdt, n))
		return;

	if (fdt_prop_is(fdt, n, "device_type", "cpu") && n->parent->depth == 1 &&
	    fdt_streq(n->parent->name, "cpus")) {
		scan_cpu(fdt, n);
		return;
	}
	if (identity_mapped(fdt, n)) {
		bool memory = fdt_prop_is(fdt, n, "device_type", "memory");

		for (int i = 0; fdt_reg(fdt, n, i, &base, &size); i++) {
			add_region(base, size);
			if (memory && size && plat.nmem < MAX_MEM)
				plat.mem[plat.nmem++] = (struct region){ base, size };
		}
		record_ranges(fdt, n);
	}
	if (fdt_compatible(fdt, n, "arm,pl011") && s->nuarts < 4 && identity_mapped(fdt, n)) {
		typeof(s->uarts[0]) *u = &s->uarts[s->nuarts];
		uint32_t plen = fdt_strlen(n->path);

		if (fdt_reg(fdt, n, 0, &u->reg.base, &u->reg.size) && plen < sizeof(u->path)) {
			for (uint32_t i = 0; i <= plen; i++)
				u->path[i] = n->path[i];
			u->irq = fdt_prop(fdt, n, "interrupts", &u->irq_len);
			s->nuarts++;
		}
	}
	if (fdt_compatible(fdt, n, "arm,gic-v3") && identity_mapped(fdt, n))
		scan_gic(fdt, n, s);
	if (fdt_compatible(fdt, n, "virtio,mmio") && identity_mapped(fdt, n) &&
	    plat.nvirtio < MAX_VIRTIO && fdt_reg(fdt, n, 0, &base, &size)) {
		/* The interrupt is decoded once the GIC's #interrupt-cells is known. */
		s->virtio[plat.nvirtio].irq = fdt_prop(fdt, n, "interrupts",
						       &s->virtio[plat.nvirtio].irq_len);
		plat.virtio[plat.nvirtio++].reg = (struct region){ base, size };
	}
	if (fdt_compatible(fdt, n, "arm,armv8-timer") || fdt_compatible(fdt, n, "arm,armv7-timer"))
		s->timer_irq = fdt_prop(fdt, n, "interrupts", &s->timer_irq_len);
	if (fdt_compatible(fdt, n, "arm,psci") || fdt_compatible(fdt, n, "arm,psci-0.2") ||
	    fdt_compatible(fdt, n, "arm,psci-1.0"))
		scan_psci(fdt, n);
}

/* INTID of interrupt specifier idx (GIC binding: type, number, flags). */
static uint32_t decode_irq(const uint8_t *irq, uint32_t len, uint32_t cells, int idx, bool *level)
{
	if (!irq || cells < 3 || (uint32_t)(idx + 1) * 4 * cells > len)
		return 0;
	const uint8_t *spec = irq + idx * 4 * cells;
	uint32_t type = fdt_be32(spec), num = fdt_be32(spec + 4), flags = fdt_be32(spec + 8);

	if (level)
		*level = (flags & 0xf) == 4 || (flags & 0xf) == 8;
	if (type == 0 && num < 988)
		return 32 + num;
	if (type == 1 && num < 16)
		return 16 + num;
	return 0;
}

/* Prefix match of a stdout-path ("/pl011@9000000:115200n8") against a node path. */
static bool path_matches(const char *want, const char *path)
{
	while (*path && *want == *path)
		want++, path++;
	return !*path && (!*want || *want == ':');
}

static void choose_uart(const void *fdt, struct dt_scan *s)
{
	const char *want = s->stdout_path;
	int pick = 0;

	if (want && want[0] != '/' && s->have_aliases) {
		/* An alias ("serial0:115200n8"): look it up in /aliases. */
		char name[32];
		uint32_t i;

		for (i = 0; want[i] && want[i] != ':' && i < sizeof(name) - 1; i++)
			name[i] = want[i];
		name[i] = 0;
		want = fdt_prop(fdt, &s->aliases, name, 0);
	}
	for (int i = 0; want && i < s->nuarts; i++)
		if (path_matches(want, s->uarts[i].path))
			pick = i;
	plat.uart = s->uarts[pick].reg;
	plat.uart_intid = decode_irq(s->uarts[pick].irq, s->uarts[pick].irq_len,
				     s->gic_intcells, 0, &plat.uart_level);
}

/* True if the word at w (ended by a space or NUL) is exactly lit. */
static bool word_is(const char *w, const char *lit)
{
	while (*lit && *w == *lit)
		w++, lit++;
	return !*lit && (*w == ' ' || !*w);
}

/* The boot mode from the space-separated words of bootargs (a string
 * property: NUL-terminated within its length). */
static void read_bootargs(const char *args, uint32_t len)
{
	if (!args || !len || args[len - 1])
		return;
	plat.bootargs = args;
	for (const char *w = args; *w; w++) {
		if (w != args && w[-1] != ' ')
			continue;	/* not the start of a word */
		if (word_is(w, "kestrel.bench"))
			plat.mode = BOOT_BENCH;
		else if (word_is(w, "kestrel.bench=partner"))
			plat.mode = BOOT_BENCH_PARTNER;
	}
}

int platform_from_dt(const void *dtb)
{
	struct dt_scan s = { .gic_intcells = 3 };

	plat.dtb = dtb;
	if (fdt_check(dtb, &plat.dtb_size) || fdt_walk(dtb, visit, &s))
		return -1;
	if (!plat.nmem || !s.nuarts)
		return -1;
	choose_uart(dtb, &s);
	read_bootargs(s.bootargs, s.bootargs_len);
	for (int i = 0; i < plat.nvirtio; i++)
		plat.virtio[i].intid = decode_irq(s.virtio[i].irq, s.virtio[i].irq_len,
						  s.gic_intcells, 0, 0);
	if (!plat.uart_intid)
		fail("console pl011 has no usable interrupts property");
	/* The third timer interrupt is the EL1 virtual timer. */
	plat.timer_intid = decode_irq(s.timer_irq, s.timer_irq_len, s.gic_intcells, 2, 0);
	if (!plat.timer_intid)
		fail("no arm,armv8-timer node with a virtual timer interrupt");
	if (!plat.gicd.base || !plat.ngicr)
		fail("no arm,gic-v3 node with distributor and redistributor regions");
	if (plat.psci == PSCI_NONE)
		fail("no psci node");
	if (!plat.ncpus)
		fail("no /cpus/cpu nodes");
	return 0;
}

bool platform_addr_described(uint64_t addr)
{
	for (int i = 0; i < plat.nregions; i++)
		if (addr >= plat.regions[i].base && addr - plat.regions[i].base < plat.regions[i].size)
			return true;
	return false;
}

uint64_t platform_find_gap(uint64_t *hole_start, uint64_t *hole_end)
{
	uint64_t limit = ~0ULL, best = 0, best_start = 0, best_end = 0;

	/* Holes below RAM only: past RAM is probed on its own. */
	for (int i = 0; i < plat.nmem; i++)
		if (plat.mem[i].base < limit)
			limit = plat.mem[i].base;
	/* A hole starts at 0 or at the end of a region and runs to the next one. */
	for (int i = -1; i < plat.nregions; i++) {
		uint64_t s = i < 0 ? 0 : plat.regions[i].base + plat.regions[i].size, e = limit;

		if (s >= limit || platform_addr_described(s))
			continue;
		for (int j = 0; j < plat.nregions; j++)
			if (plat.regions[j].base >= s && plat.regions[j].base < e)
				e = plat.regions[j].base;
		if (e - s > best_end - best_start) {
			best_start = s;
			best_end = e;
		}
	}
	if (best_end - best_start < 0x1000)
		return 0;
	/* Its middle, away from the neighbours' edges. */
	best = (best_start + (best_end - best_start) / 2) & ~0xffffULL;
	if (best < best_start)
		best = best_start;
	*hole_start = best_start;
	*hole_end = best_end;
	return best;
}

uint64_t platform_ram_end(void)
{
	uint64_t end = 0;

	for (int i = 0; i < plat.nmem; i++)
		if (plat.mem[i].base + plat.mem[i].size > end)
			end = plat.mem[i].base + plat.mem[i].size;
	return end;
}

uint64_t platform_ram_total(void)
{
	uint64_t total = 0;

	for (int i = 0; i < plat.nmem; i++)
		total += plat.mem[i].size;
	return total;
}
