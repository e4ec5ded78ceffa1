// SPDX-License-Identifier: GPL-2.0
/*
 * Second-stage translation: one table per guest, tagged with a VMID. Guest
 * RAM is mapped in 2 MiB blocks where host and guest addresses are both
 * aligned, else 4 KiB pages; everything unmapped traps to the hypervisor
 * (emulated devices, stray accesses).
 */
#define LOG_PREFIX "stage2"
#include <arch_mmu.h>
#include <arch_irq.h>
#include <arch_sysreg.h>
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include <kestrel/spinlock.h>
#include <string.h>
#include "guest_arch.h"

#define IPA_BITS	40
#define L1_SHIFT	30
#define L2_SHIFT	21
#define L3_SHIFT	12
#define L1_ENTRIES	(1UL << (IPA_BITS - L1_SHIFT))	/* 1024: two tables */
#define ENTRIES		512

#define DESC_VALID	BIT(0)
#define DESC_TABLE	BIT(1)		/* levels 1-2: table; level 3: page */
#define DESC_ADDR_MASK	0x0000fffffffff000ULL
#define S2_NORMAL_WB	(0xfUL << 2)	/* MemAttr: outer and inner write-back */
#define S2_AP_RW	(3UL << 6)
#define S2_SH_IS	(3UL << 8)
#define S2_AF		BIT(10)
#define S2_RAM		(S2_NORMAL_WB | S2_AP_RW | S2_SH_IS | S2_AF)

#define VMID_MAX	256	/* 8-bit VMIDs; 0 is never used for a guest */

static spinlock_t vmid_lock = SPINLOCK_INIT;
static u64 vmid_used[VMID_MAX / 64] = { 1 };

u64 arm64_vtcr(void)
{
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (parange > 5)
		parange = 5;	/* 48 bits: what a 4 KiB-granule table can output */
	return VTCR_RES1 | VTCR_T0SZ(64 - IPA_BITS) | VTCR_SL0_L1 | VTCR_IRGN0_WBWA |
	       VTCR_ORGN0_WBWA | VTCR_SH0_IS | (parange << VTCR_PS_SHIFT);
}

int arm64_vmid_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&vmid_lock);
	int vmid = -ENOSPC;

	for (unsigned int i = 1; i < VMID_MAX; i++) {
		if (!(vmid_used[i / 64] & BIT(i % 64))) {
			vmid_used[i / 64] |= BIT(i % 64);
			vmid = i;
			break;
		}
	}
	spin_unlock_irqrestore(&vmid_lock, flags);
	return vmid;
}

/* Drops every TLB entry tagged with the VMID of vttbr (on all CPUs), then
 * lets the VMID be reused. */
void arm64_vmid_free(unsigned int vmid, u64 vttbr)
{
	unsigned long flags = arch_irq_save();
	u64 old = read_sysreg(vttbr_el2);

	write_sysreg(vttbr, vttbr_el2);
	isb();
	__asm__ __volatile__("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	write_sysreg(old, vttbr_el2);
	isb();
	arch_irq_restore(flags);

	flags = spin_lock_irqsave(&vmid_lock);
	vmid_used[vmid / 64] &= ~BIT(vmid % 64);
	spin_unlock_irqrestore(&vmid_lock, flags);
}

static u64 *table_alloc(struct arm64_s2 *s2, hpa_t *pa, unsigned int order)
{
	hpa_t p = page_alloc(order);
	u64 *t;

	if (!p)
		return NULL;
	t = (u64 *)arch_hpa_to_hva(p);
	memset(t, 0, PAGE_SIZE << order);
	s2->table_pages += 1UL << order;
	*pa = p;
	return t;
}

int arm64_s2_init(struct arm64_s2 *s2)
{
	memset(s2, 0, sizeof(*s2));
	s2->root = table_alloc(s2, &s2->root_pa, 1);
	return s2->root ? 0 : -ENOMEM;
}

/* The next-level table behind *entry, created if missing. */
static u64 *next_table(struct arm64_s2 *s2, u64 *entry)
{
	hpa_t pa;
	u64 *t;

	if (*entry & DESC_VALID)
		return (u64 *)arch_hpa_to_hva(*entry & DESC_ADDR_MASK);
	t = table_alloc(s2, &pa, 0);
	if (!t)
		return NULL;
	dsb(ishst);	/* the zeroed table is visible before it is linked */
	WRITE_ONCE(*entry, pa | DESC_TABLE | DESC_VALID);
	return t;
}

int arm64_s2_map(struct arm64_s2 *s2, gpa_t gpa, hpa_t hpa, u64 size)
{
	while (size) {
		u64 *l1e = &s2->root[(gpa >> L1_SHIFT) & (L1_ENTRIES - 1)];
		u64 *l2 = next_table(s2, l1e), *l2e;

		if (!l2)
			return -ENOMEM;
		l2e = &l2[(gpa >> L2_SHIFT) & (ENTRIES - 1)];
		if (IS_ALIGNED(gpa | hpa, SZ_2M) && size >= SZ_2M && !(*l2e & DESC_VALID)) {
			WRITE_ONCE(*l2e, (hpa & DESC_ADDR_MASK) | S2_RAM | DESC_VALID);
			gpa += SZ_2M;
			hpa += SZ_2M;
			size -= SZ_2M;
			continue;
		}
		u64 *l3 = next_table(s2, l2e);

		if (!l3)
			return -ENOMEM;
		WRITE_ONCE(l3[(gpa >> L3_SHIFT) & (ENTRIES - 1)],
			   (hpa & DESC_ADDR_MASK) | S2_RAM | DESC_TABLE | DESC_VALID);
		gpa += PAGE_SIZE;
		hpa += PAGE_SIZE;
		size -= PAGE_SIZE;
	}
	dsb(ishst);
	return 0;
}

static void free_level(u64 *t, unsigned int level)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		u64 e = t[i];

		if ((e & (DESC_VALID | DESC_TABLE)) != (DESC_VALID | DESC_TABLE) || level == 3)
			continue;
		hpa_t pa = e & DESC_ADDR_MASK;

		free_level((u64 *)arch_hpa_to_hva(pa), level + 1);
		page_free(pa, 0);
	}
}

void arm64_s2_free(struct arm64_s2 *s2)
{
	if (!s2->root)
		return;
	for (unsigned int i = 0; i < L1_ENTRIES; i++) {
		u64 e = s2->root[i];

		if ((e & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE)) {
			hpa_t pa = e & DESC_ADDR_MASK;

			free_level((u64 *)arch_hpa_to_hva(pa), 2);
			page_free(pa, 0);
		}
	}
	page_free(s2->root_pa, 1);
	memset(s2, 0, sizeof(*s2));
}
