/* SPDX-License-Identifier: GPL-2.0 */
/* The hypervisor's own (stage-1) address space. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <kestrel/types.h>

/* Maps [pa, pa + size) as device memory (uncached, never executable) and
 * returns its hypervisor virtual address, or 0 when page tables ran out.
 * Idempotent for ranges already mapped. Boot or thread context. */
hva_t arch_mmu_map_device(hpa_t pa, size_t size);

/* Maps a RAM range as normal write-back memory, read-write, never executable;
 * ranges already mapped (the image) keep their permissions. Boot context. */
int arch_mmu_map_ram(hpa_t pa, size_t size);

/* Translates between host physical and hypervisor virtual addresses of RAM
 * mapped with arch_mmu_map_ram. Any context. */
hva_t arch_hpa_to_hva(hpa_t pa);
hpa_t arch_hva_to_hpa(hva_t va);

/* Zeroes [p, p + len) of hypervisor-mapped RAM, p and len page aligned, in
 * the fastest way the CPU has (DC ZVA on arm64). Any context. */
void arch_zero_pages(void *p, size_t len);

/* Page tables in use by the hypervisor, in pages (for `host mem`). Any context. */
unsigned long arch_mmu_table_pages(void);

#endif
