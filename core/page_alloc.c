// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy allocator of host physical pages. Blocks are naturally aligned in
 * physical address space (2 MiB blocks are 2 MiB aligned, as stage-2 block
 * mappings need). Free lists live inside the free pages; a byte per page
 * records whether it heads a free or an allocated block and of what order,
 * which catches double and mismatched frees.
 */
#define LOG_PREFIX "page"
#include <kestrel/page_alloc.h>
#include <kestrel/spinlock.h>
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include <arch_mmu.h>
#include <list.h>
#include <string.h>

#define MAP_FREE(k)	((u8)((k) + 1))		/* 1..PAGE_MAX_ORDER */
#define MAP_ALLOC(k)	((u8)(0x80 | (k)))
#define MAP_NONE	0

struct zone {
	u64 first_pfn;
	u64 pages;
	u8 *map;		/* one byte per page */
	struct list_head free[PAGE_MAX_ORDER];
	u64 nr_free[PAGE_MAX_ORDER];
	u64 free_pages;
	u64 managed;		/* pages handed to the allocator (not metadata/reserved) */
};

static struct zone zones[PAGE_MAX_ZONES];
static unsigned int nr_zones;
static spinlock_t lock = SPINLOCK_INIT;
static u64 st_allocs, st_frees, st_failed, st_live;

static inline struct list_head *pfn_node(u64 pfn)
{
	return (struct list_head *)arch_hpa_to_hva(pfn << PAGE_SHIFT);
}

static struct zone *zone_of(u64 pfn)
{
	for (unsigned int i = 0; i < nr_zones; i++)
		if (pfn >= zones[i].first_pfn && pfn - zones[i].first_pfn < zones[i].pages)
			return &zones[i];
	return NULL;
}

/* Inserts a free block, merging with free buddies. Lock held. */
static void free_block(struct zone *z, u64 pfn, unsigned int k)
{
	while (k < PAGE_MAX_ORDER - 1) {
		u64 buddy = pfn ^ (1ULL << k);

		if (buddy < z->first_pfn || buddy - z->first_pfn + (1ULL << k) > z->pages ||
		    z->map[buddy - z->first_pfn] != MAP_FREE(k))
			break;
		list_del(pfn_node(buddy));
		z->map[buddy - z->first_pfn] = MAP_NONE;
		z->nr_free[k]--;
		pfn &= ~(1ULL << k);
		k++;
	}
	z->map[pfn - z->first_pfn] = MAP_FREE(k);
	list_add(pfn_node(pfn), &z->free[k]);
	z->nr_free[k]++;
}

static void add_free_range(struct zone *z, u64 start, u64 end)
{
	while (start < end) {
		unsigned int k = 0;

		while (k + 1 < PAGE_MAX_ORDER && !(start & ((2ULL << k) - 1)) &&
		       start + (2ULL << k) <= end)
			k++;
		free_block(z, start, k);
		z->free_pages += 1ULL << k;
		z->managed += 1ULL << k;
		start += 1ULL << k;
	}
}

/* Sorts and clips reserved ranges to whole pages within [lo, hi). Returns
 * their count, or -1 when more than max fall into the zone. */
static int clip_reserved(const struct page_range *in, unsigned int n, u64 lo,
			 u64 hi, u64 (*out)[2], unsigned int max)
{
	unsigned int cnt = 0;

	for (unsigned int i = 0; i < n; i++) {
		u64 s = ALIGN_DOWN(in[i].base, PAGE_SIZE) >> PAGE_SHIFT;
		u64 e = ALIGN_UP(in[i].base + in[i].size, PAGE_SIZE) >> PAGE_SHIFT;
		unsigned int j;

		s = MAX(s, lo);
		e = MIN(e, hi);
		if (s >= e)
			continue;
		if (cnt == max)
			return -1;
		for (j = cnt; j > 0 && out[j - 1][0] > s; j--) {
			out[j][0] = out[j - 1][0];
			out[j][1] = out[j - 1][1];
		}
		out[j][0] = s;
		out[j][1] = e;
		cnt++;
	}
	return cnt;
}

int page_zone_add(hpa_t base, u64 size, const struct page_range *reserved,
		  unsigned int nr_reserved)
{
	u64 lo = ALIGN_UP(base, PAGE_SIZE) >> PAGE_SHIFT;
	u64 hi = ALIGN_DOWN(base + size, PAGE_SIZE) >> PAGE_SHIFT;
	u64 rsv[PAGE_MAX_RESERVED + 1][2];	/* + the zone's own byte map */
	unsigned int n, i;
	int clipped;
	u64 map_pages, cur, map_pfn = 0;
	struct zone *z;

	if (nr_zones >= PAGE_MAX_ZONES || hi <= lo)
		return -EINVAL;
	clipped = clip_reserved(reserved, nr_reserved, lo, hi, rsv, PAGE_MAX_RESERVED);
	if (clipped < 0) {
		log_err("zone 0x%llx: more than %d reserved ranges", (unsigned long long)base,
			PAGE_MAX_RESERVED);
		return -ENOSPC;
	}
	n = clipped;
	map_pages = ALIGN_UP(hi - lo, PAGE_SIZE) >> PAGE_SHIFT;

	/* The byte map goes into the first gap that holds it. */
	for (cur = lo, i = 0; i <= n; i++) {
		u64 gap_end = i < n ? rsv[i][0] : hi;

		if (gap_end > cur && gap_end - cur >= map_pages) {
			map_pfn = cur;
			break;
		}
		if (i < n)
			cur = MAX(cur, rsv[i][1]);
	}
	if (i > n)
		return -ENOMEM;
	/* Record it as reserved, keeping the array sorted. */
	for (unsigned int j = n; j > i; j--) {
		rsv[j][0] = rsv[j - 1][0];
		rsv[j][1] = rsv[j - 1][1];
	}
	rsv[i][0] = map_pfn;
	rsv[i][1] = map_pfn + map_pages;
	n++;

	z = &zones[nr_zones];
	memset(z, 0, sizeof(*z));
	z->first_pfn = lo;
	z->pages = hi - lo;
	z->map = (u8 *)arch_hpa_to_hva(map_pfn << PAGE_SHIFT);
	memset(z->map, MAP_NONE, z->pages);
	for (i = 0; i < PAGE_MAX_ORDER; i++)
		list_init(&z->free[i]);

	unsigned long flags = spin_lock_irqsave(&lock);

	for (cur = lo, i = 0; i <= n; i++) {
		u64 gap_end = i < n ? rsv[i][0] : hi;

		if (gap_end > cur)
			add_free_range(z, cur, gap_end);
		if (i < n)
			cur = MAX(cur, rsv[i][1]);
	}
	nr_zones++;
	spin_unlock_irqrestore(&lock, flags);
	return 0;
}

hpa_t page_alloc(unsigned int order)
{
	unsigned long flags;
	hpa_t pa = 0;

	flags = spin_lock_irqsave(&lock);
	if (order >= PAGE_MAX_ORDER) {
		st_failed++;
		spin_unlock_irqrestore(&lock, flags);
		return 0;
	}
	for (unsigned int zi = 0; zi < nr_zones && !pa; zi++) {
		struct zone *z = &zones[zi];
		unsigned int k = order;
		u64 pfn;

		while (k < PAGE_MAX_ORDER && list_empty(&z->free[k]))
			k++;
		if (k == PAGE_MAX_ORDER)
			continue;
		pfn = arch_hva_to_hpa((hva_t)z->free[k].next) >> PAGE_SHIFT;
		list_del(z->free[k].next);
		z->nr_free[k]--;
		z->map[pfn - z->first_pfn] = MAP_NONE;
		while (k > order) {	/* split, freeing the upper halves */
			k--;
			z->map[pfn + (1ULL << k) - z->first_pfn] = MAP_FREE(k);
			list_add(pfn_node(pfn + (1ULL << k)), &z->free[k]);
			z->nr_free[k]++;
		}
		z->map[pfn - z->first_pfn] = MAP_ALLOC(order);
		z->free_pages -= 1ULL << order;
		pa = pfn << PAGE_SHIFT;
	}
	if (pa) {
		st_allocs++;
		st_live++;
	} else {
		st_failed++;
	}
	spin_unlock_irqrestore(&lock, flags);
	return pa;
}

void page_free(hpa_t pa, unsigned int order)
{
	u64 pfn = pa >> PAGE_SHIFT;
	unsigned long flags = spin_lock_irqsave(&lock);
	struct zone *z = zone_of(pfn);

	if (!z || (pa & (PAGE_SIZE - 1)) || order >= PAGE_MAX_ORDER ||
	    z->map[pfn - z->first_pfn] != MAP_ALLOC(order)) {
		spin_unlock_irqrestore(&lock, flags);
		log_err("free of 0x%llx (order %u): not an allocated block of that order, ignored",
			(unsigned long long)pa, order);
		return;
	}
	z->map[pfn - z->first_pfn] = MAP_NONE;
	free_block(z, pfn, order);
	z->free_pages += 1ULL << order;
	st_frees++;
	st_live--;
	spin_unlock_irqrestore(&lock, flags);
}

unsigned int page_order_for(u64 bytes)
{
	unsigned int k = 0;

	while ((PAGE_SIZE << k) < bytes && k < PAGE_MAX_ORDER)
		k++;
	return k;
}

void page_get_stats(struct page_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&lock);

	memset(st, 0, sizeof(*st));
	st->zones = nr_zones;
	for (unsigned int i = 0; i < nr_zones; i++) {
		st->total_pages += zones[i].managed;
		st->free_pages += zones[i].free_pages;
	}
	st->allocs = st_allocs;
	st->frees = st_frees;
	st->failed = st_failed;
	st->live_blocks = st_live;
	spin_unlock_irqrestore(&lock, flags);
}

int page_get_zone_stats(unsigned int zi, struct page_zone_stats *st)
{
	unsigned long flags;

	if (zi >= nr_zones)
		return -ENOENT;
	flags = spin_lock_irqsave(&lock);
	st->base = zones[zi].first_pfn << PAGE_SHIFT;
	st->pages = zones[zi].managed;
	st->free_pages = zones[zi].free_pages;
	for (unsigned int k = 0; k < PAGE_MAX_ORDER; k++)
		st->free_blocks[k] = zones[zi].nr_free[k];
	spin_unlock_irqrestore(&lock, flags);
	return 0;
}

void page_alloc_reset(void)
{
	nr_zones = 0;
	st_allocs = st_frees = st_failed = st_live = 0;
}
