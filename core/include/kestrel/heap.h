/* SPDX-License-Identifier: GPL-2.0 */
/* The hypervisor heap: size-class slabs for small objects, pages for large. */
#ifndef KESTREL_HEAP_H
#define KESTREL_HEAP_H

#include <kestrel/types.h>

#define HEAP_NR_CLASSES 8	/* 16, 32, ... 2048 bytes */

struct heap_stats {
	u64 allocs, frees, failed, bad_frees;
	u64 live_objects;	/* allocations not yet freed: a leak shows here */
	u64 live_bytes;		/* bytes held by live allocations (slab objects
				   count their class size) */
	u64 peak_bytes;
	u64 slab_pages, large_pages;
	struct {
		u32 size;
		u64 live;
		u64 slabs;
	} cls[HEAP_NR_CLASSES];
};

/* Allocates size bytes, 16-byte aligned. NULL on exhaustion or size 0. Any context. */
void *kmalloc(size_t size);
/* Same, zero-filled. */
void *kzalloc(size_t size);
/* Frees memory from kmalloc; NULL is ignored; a bad pointer is logged and ignored. */
void kfree(void *ptr);
/* Usable size of an allocation, or 0 for a pointer the heap does not own. */
size_t ksize(const void *ptr);

void heap_get_stats(struct heap_stats *st);

#endif
