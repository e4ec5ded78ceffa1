// SPDX-License-Identifier: GPL-2.0
/*
 * EL2 stage-1 translation: an identity map with 4 KiB granule and 48-bit
 * addresses. The image is mapped page by page with its section permissions
 * (text RX, rodata RO, data RW, never both W and X); RAM is normal
 * write-back memory in 2 MiB / 1 GiB blocks; devices are Device-nGnRE.
 * Mapping never replaces an existing entry, so RAM mapped after the image
 * keeps the image's permissions. Runs with the MMU off at first: no
 * unaligned accesses here (built with -mstrict-align).
 */
#include <arch_mmu.h>
#include <arch_sysreg.h>
#include <kestrel/page_alloc.h>
#include <kestrel/spinlock.h>
#include <kestrel/errno.h>
#include <string.h>
#include "arm64.h"

#define PTE_VALID	(1UL << 0)
#define PTE_TABLE	(1UL << 1)	/* levels 0-2: table; level 3: page */
#define PTE_ATTR(i)	((u64)(i) << 2)
#define PTE_AP_RES1	(1UL << 6)	/* AP[1] is RES1 in the EL2 regime */
#define PTE_RO		(1UL << 7)
#define PTE_SH_INNER	(3UL << 8)
#define PTE_AF		(1UL << 10)
#define PTE_XN		(1UL << 54)
#define PTE_ADDR_MASK	0x0000fffffffff000UL

#define MAIR_DEVICE_nGnRnE	0
#define MAIR_DEVICE_nGnRE	1
#define MAIR_NORMAL_WB		2
#define MAIR_NORMAL_NC		3
#define MAIR_VALUE	((0x00UL << 0) | (0x04UL << 8) | (0xffUL << 16) | (0x44UL << 24))

#define PROT_NORMAL	(PTE_ATTR(MAIR_NORMAL_WB) | PTE_SH_INNER | PTE_AF | PTE_AP_RES1)
#define PROT_TEXT	(PROT_NORMAL | PTE_RO)
#define PROT_RODATA	(PROT_NORMAL | PTE_RO | PTE_XN)
#define PROT_DATA	(PROT_NORMAL | PTE_XN)
#define PROT_DEVICE	(PTE_ATTR(MAIR_DEVICE_nGnRE) | PTE_AF | PTE_AP_RES1 | PTE_XN)

#define POOL_PAGES	48

static u64 pool[POOL_PAGES][512] __aligned(4096);
static unsigned int pool_used;
static unsigned long dyn_pages;
static u64 *root;
static spinlock_t map_lock = SPINLOCK_INIT;
static bool mmu_on;

static u64 *table_alloc(void)
{
	u64 *t;

	if (pool_used < POOL_PAGES) {
		t = pool[pool_used++];
	} else {
		hpa_t pa = page_alloc(0);	/* only once the allocator is up */

		if (!pa)
			return NULL;
		t = (u64 *)arch_hpa_to_hva(pa);
		dyn_pages++;
	}
	for (int i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

static int map_level(u64 *table, int level, u64 va, u64 size, u64 prot, bool blocks)
{
	unsigned int shift = 39 - 9 * level;
	u64 blk = 1UL << shift;

	while (size) {
		unsigned int idx = (va >> shift) & 511;
		u64 chunk = MIN(size, ((va | (blk - 1)) + 1) - va);
		u64 e = table[idx];

		if (level == 3) {
			if (!(e & PTE_VALID))
				table[idx] = va | prot | PTE_VALID | PTE_TABLE;
		} else if (!(e & PTE_VALID) && blocks && level >= 1 && chunk == blk) {
			table[idx] = va | prot | PTE_VALID;
		} else if (!(e & PTE_VALID) || (e & PTE_TABLE)) {
			u64 *next;

			if (!(e & PTE_VALID)) {
				next = table_alloc();
				if (!next)
					return -ENOMEM;
				table[idx] = (u64)next | PTE_VALID | PTE_TABLE;
			} else {
				next = (u64 *)(e & PTE_ADDR_MASK);
			}
			int r = map_level(next, level + 1, va, chunk, prot, blocks);

			if (r)
				return r;
		}
		/* else: a block already maps it (identity); keep its permissions. */
		va += chunk;
		size -= chunk;
	}
	return 0;
}

static int map(u64 pa, u64 size, u64 prot, bool blocks)
{
	unsigned long flags = 0;
	int r;

	if (mmu_on)
		flags = spin_lock_irqsave(&map_lock);
	size = ALIGN_UP(pa + size, PAGE_SIZE) - ALIGN_DOWN(pa, PAGE_SIZE);
	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	r = map_level(root, 0, pa, size, prot, blocks);
	/* Only invalid entries became valid: no TLB invalidation needed. */
	dsb(ishst);
	isb();
	if (mmu_on)
		spin_unlock_irqrestore(&map_lock, flags);
	return r;
}

extern char _start[], _etext[], _erodata[], _end[];

void arm64_mmu_build(hpa_t fdt)
{
	root = table_alloc();
	map((u64)_start, _etext - _start, PROT_TEXT, false);
	map((u64)_etext, _erodata - _etext, PROT_RODATA, false);
	map((u64)_erodata, _end - _erodata, PROT_DATA, false);
	/* The DTB until RAM is known: its header says how big it is (big
	 * endian, read with the MMU still off). A bad header maps one page,
	 * enough for the core to report it. */
	if (fdt && IS_ALIGNED(fdt, 8)) {
		const u32 *hdr = (const u32 *)fdt;
		u64 size = PAGE_SIZE;

		if (__builtin_bswap32(hdr[0]) == 0xd00dfeed)
			size = MIN((u64)__builtin_bswap32(hdr[1]), 64 * SZ_1M);
		map(fdt, size, PROT_RODATA, false);
	}
#ifdef CONFIG_EARLY_UART_BASE
	map(CONFIG_EARLY_UART_BASE, PAGE_SIZE, PROT_DEVICE, false);
#endif
}

/* Turns the MMU on with the shared tables. Each CPU, MMU off, identity map. */
void arm64_mmu_enable(void)
{
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	u64 tcr = 16				/* T0SZ: 48-bit VA */
		| (1UL << 8) | (1UL << 10)	/* walks: inner/outer write-back */
		| (3UL << 12)			/* inner shareable */
		| (MIN(parange, 5UL) << 16)	/* PS: the CPU's PA size (max 48 bit) */
		| (1UL << 23) | (1UL << 31);	/* RES1 */

	/* Written with caches off: drop any stale lines before using them cached. */
	for (u64 a = (u64)_start; a < (u64)_end; a += 64)
		__asm__ __volatile__("dc ivac, %0" :: "r"(a) : "memory");
	dsb(sy);
	write_sysreg(MAIR_VALUE, mair_el2);
	write_sysreg(tcr, tcr_el2);
	write_sysreg((u64)root, ttbr0_el2);
	isb();
	__asm__ __volatile__("tlbi alle2" ::: "memory");
	dsb(nsh);
	__asm__ __volatile__("ic iallu" ::: "memory");
	dsb(nsh);
	isb();
	write_sysreg(SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_WXN,
		     sctlr_el2);
	isb();
	mmu_on = true;
}

hva_t arch_mmu_map_device(hpa_t pa, size_t size)
{
	return map(pa, size, PROT_DEVICE, false) ? 0 : (hva_t)pa;
}

int arch_mmu_map_ram(hpa_t pa, size_t size)
{
	return map(pa, size, PROT_DATA, true);
}

hva_t arch_hpa_to_hva(hpa_t pa)
{
	return (hva_t)pa;
}

hpa_t arch_hva_to_hpa(hva_t va)
{
	return (hpa_t)va;
}

void arch_zero_pages(void *p, size_t len)
{
	u64 dczid = read_sysreg(dczid_el0);
	size_t block = 4UL << (dczid & 0xf);
	char *a = p, *end = a + len;

	if (dczid & BIT(4)) {		/* DZP: DC ZVA prohibited */
		memset(p, 0, len);
		return;
	}
	/* Eight blocks per iteration: creating a guest zeroes all its RAM, and
	 * the loop's own instructions would otherwise cost as much as the
	 * zeroing (a 256 MiB guest is 4 Mi blocks of 64 bytes). */
	for (; (size_t)(end - a) >= 8 * block; a += 8 * block)
		__asm__ __volatile__("dc zva, %0\n\t"
				     "add x16, %0, %1\n\tdc zva, x16\n\t"
				     "add x16, x16, %1\n\tdc zva, x16\n\t"
				     "add x16, x16, %1\n\tdc zva, x16\n\t"
				     "add x16, x16, %1\n\tdc zva, x16\n\t"
				     "add x16, x16, %1\n\tdc zva, x16\n\t"
				     "add x16, x16, %1\n\tdc zva, x16\n\t"
				     "add x16, x16, %1\n\tdc zva, x16"
				     :: "r"(a), "r"(block) : "x16", "memory");
	for (; a < end; a += block)
		__asm__ __volatile__("dc zva, %0" :: "r"(a) : "memory");
	dsb(ish);
}

unsigned long arch_mmu_table_pages(void)
{
	return pool_used + dyn_pages;
}
