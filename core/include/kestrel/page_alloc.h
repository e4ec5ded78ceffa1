/* SPDX-License-Identifier: GPL-2.0 */
/* Buddy allocator of host physical pages, one zone per RAM bank. */
#ifndef KESTREL_PAGE_ALLOC_H
#define KESTREL_PAGE_ALLOC_H

#include <kestrel/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MAX_ORDER	19	/* largest block: 2^18 pages = 1 GiB */
#define PAGE_MAX_ZONES	8
#define PAGE_MAX_RESERVED 32	/* reserved ranges inside one zone */

struct page_zone_stats {
	hpa_t base;
	u64 pages;		/* managed pages (free + allocated) */
	u64 free_pages;
	u64 free_blocks[PAGE_MAX_ORDER];
};

struct page_stats {
	unsigned int zones;
	u64 total_pages;
	u64 free_pages;
	u64 allocs, frees, failed;
	u64 live_blocks;	/* allocations not yet freed */
};

/*
 * Adds RAM [base, base + size) as a zone; the zone's metadata is carved from
 * the first free range. reserved[] lists ranges (any alignment) that are in
 * use and must never be handed out; more than PAGE_MAX_RESERVED of them in
 * the zone is -ENOSPC, never a silent overlap. Boot context, before any
 * allocation.
 */
struct page_range {
	hpa_t base;
	u64 size;
};
int page_zone_add(hpa_t base, u64 size, const struct page_range *reserved,
		  unsigned int nr_reserved);

/* Allocates 2^order contiguous pages aligned to their size. Returns the
 * physical address, or 0 when no block is free. Any context. */
hpa_t page_alloc(unsigned int order);

/* Frees a block from page_alloc with the same order. A free of something not
 * allocated is logged and ignored. Any context. */
void page_free(hpa_t pa, unsigned int order);

/* Smallest order whose block holds `bytes`. */
unsigned int page_order_for(u64 bytes);

void page_get_stats(struct page_stats *st);
int page_get_zone_stats(unsigned int zone, struct page_zone_stats *st);

/* Forgets every zone (host unit tests only). */
void page_alloc_reset(void);

#endif
