// SPDX-License-Identifier: GPL-2.0
/*
 * Identity map: RAM as normal write-back memory, the rest of the first 512 GiB
 * (and any DT region above) as Device-nGnRnE, so every access off RAM still
 * leaves the CPU and the platform (QEMU's bus, Kestrel's stage 2) answers it.
 * With the MMU off all data accesses would be Device: unaligned accesses in
 * picolibc would fault and exclusives would not be guaranteed to work.
 */
#include "mmu.h"
#include "platform.h"
#include "sysreg.h"

#define POOL_PAGES	32
#define ENTRIES		512

#define PTE_VALID	(1ULL << 0)
#define PTE_TABLE	(1ULL << 1)	/* levels 0-2: table; level 3: page */
#define PTE_ATTR(i)	((uint64_t)(i) << 2)
#define PTE_SH_INNER	(3ULL << 8)
#define PTE_AF		(1ULL << 10)
#define PTE_PXN		(1ULL << 53)
#define PTE_UXN		(1ULL << 54)
#define PTE_ADDR_MASK	0x0000fffffffff000ULL

#define MAIR_DEVICE	0	/* attr index 0: Device-nGnRnE */
#define MAIR_NORMAL	1	/* attr index 1: Normal, inner/outer WB RW-allocate */
#define MAIR_VALUE	(0x00ULL << (8 * MAIR_DEVICE) | 0xffULL << (8 * MAIR_NORMAL))

#define ATTR_NORMAL	(PTE_ATTR(MAIR_NORMAL) | PTE_SH_INNER | PTE_AF)
#define ATTR_DEVICE	(PTE_ATTR(MAIR_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN)

/* TCR_EL1: 48-bit VA from TTBR0, 4K granule, inner shareable WB walks, no TTBR1. */
#define TCR_T0SZ	16
#define TCR_IRGN0_WBWA	(1ULL << 8)
#define TCR_ORGN0_WBWA	(1ULL << 10)
#define TCR_SH0_INNER	(3ULL << 12)
#define TCR_EPD1	(1ULL << 23)
#define TCR_IPS_SHIFT	32

#define SCTLR_M		(1ULL << 0)
#define SCTLR_C		(1ULL << 2)
#define SCTLR_I		(1ULL << 12)

static uint64_t pool[POOL_PAGES][ENTRIES] __attribute__((aligned(4096)));
static unsigned int pool_used;
static uint64_t tcr_value;

static uint64_t *alloc_table(void)
{
	/* .bss is already zero. */
	return pool_used < POOL_PAGES ? pool[pool_used++] : 0;
}

/* Map [addr, end) at level (0..3) of table, filling only invalid entries:
 * what is mapped first (RAM) wins over later, wider device mappings. */
static int map(uint64_t *table, int level, uint64_t addr, uint64_t end, uint64_t attr)
{
	unsigned int shift = 39 - 9 * level;
	uint64_t bsize = 1ULL << shift;

	while (addr < end) {
		uint64_t next = (addr & ~(bsize - 1)) + bsize;
		uint64_t *e = &table[(addr >> shift) & (ENTRIES - 1)];

		if (next > end || next < addr)
			next = end;
		bool whole = !(addr & (bsize - 1)) && next - addr == bsize;

		if (*e & PTE_VALID) {
			if (level < 3 && (*e & PTE_TABLE) &&
			    map((uint64_t *)(*e & PTE_ADDR_MASK), level + 1, addr, next, attr))
				return -1;
		} else if (whole && level >= 1) {
			*e = addr | attr | PTE_VALID | (level == 3 ? PTE_TABLE : 0);
		} else {
			uint64_t *t = alloc_table();

			if (!t)
				return -1;
			*e = (uint64_t)t | PTE_TABLE | PTE_VALID;
			if (map(t, level + 1, addr, next, attr))
				return -1;
		}
		addr = next;
	}
	return 0;
}

/* Drop cache lines that may predate our MMU-off (non-cacheable) writes. */
static void dcache_inval(uint64_t start, uint64_t end)
{
	uint64_t line = 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);

	for (uint64_t a = start & ~(line - 1); a < end; a += line)
		__asm__ volatile("dc ivac, %0" :: "r"(a) : "memory");
	dsb(sy);
}

void mmu_enable(void)
{
	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, tcr_value);
	write_sysreg(ttbr0_el1, (uint64_t)pool[0]);
	isb();
	__asm__ volatile("tlbi vmalle1" ::: "memory");
	dsb(nsh);
	isb();
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
	__asm__ volatile("ic iallu" ::: "memory");
	dsb(nsh);
	isb();
}

int mmu_init(void)
{
	static const uint8_t pa_bits[] = { 32, 36, 40, 42, 44, 48 };
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	uint64_t *root = alloc_table();

	if (parange > 5)
		parange = 5;
	uint64_t pa_limit = 1ULL << pa_bits[parange];
	uint64_t dev_end = pa_limit < (1ULL << 39) ? pa_limit : 1ULL << 39;

	for (int i = 0; i < plat.nmem; i++)
		if (map(root, 0, plat.mem[i].base & ~0xfffULL,
			(plat.mem[i].base + plat.mem[i].size + 0xfff) & ~0xfffULL, ATTR_NORMAL))
			return -1;
	if (map(root, 0, 0, dev_end, ATTR_DEVICE))
		return -1;
	/* DT regions above the first 512 GiB, in 1 GiB steps. */
	for (int i = 0; i < plat.nregions; i++) {
		uint64_t b = plat.regions[i].base & ~((1ULL << 30) - 1);
		uint64_t e = (plat.regions[i].base + plat.regions[i].size + (1ULL << 30) - 1) &
			     ~((1ULL << 30) - 1);

		if (e > dev_end && e <= pa_limit &&
		    map(root, 0, b > dev_end ? b : dev_end, e, ATTR_DEVICE))
			return -1;
	}
	tcr_value = TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_EPD1 |
		    parange << TCR_IPS_SHIFT;
	dcache_inval(plat.image_start, plat.image_end);
	dcache_inval((uint64_t)plat.dtb, (uint64_t)plat.dtb + plat.dtb_size);
	mmu_enable();
	return 0;
}
