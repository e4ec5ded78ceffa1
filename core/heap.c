// SPDX-License-Identifier: GPL-2.0
/*
 * The heap. Small requests come from 16 KiB slabs of one size class each;
 * larger ones get their own block of pages. Both start with a header at a
 * 16 KiB-aligned address, so kfree finds it by masking the pointer, and a
 * per-object bitmap in each slab turns double or stray frees into a log line
 * instead of corruption.
 */
#define LOG_PREFIX "heap"
#include <kestrel/heap.h>
#include <kestrel/page_alloc.h>
#include <kestrel/spinlock.h>
#include <kestrel/log.h>
#include <arch_mmu.h>
#include <list.h>
#include <string.h>

#define SLAB_ORDER	2
#define SLAB_SIZE	(PAGE_SIZE << SLAB_ORDER)
#define SLAB_HDR	256
#define SLAB_MAGIC	0x4b534c42u	/* "KSLB" */
#define LARGE_MAGIC	0x4b4c5247u	/* "KLRG" */
#define LARGE_HDR	64
#define MIN_SHIFT	4

struct slab {
	u32 magic;
	u16 cls;
	u16 nfree;
	struct list_head node;		/* in its class's partial list */
	u64 used[((SLAB_SIZE - SLAB_HDR) / 16 + 63) / 64];	/* a bit per object */
};

struct large {
	u32 magic;
	u32 order;
	u64 size;
};

_Static_assert(sizeof(struct slab) <= SLAB_HDR, "slab header too large");
_Static_assert(sizeof(struct large) <= LARGE_HDR, "large header too large");

static spinlock_t lock = SPINLOCK_INIT;
static struct list_head partial[HEAP_NR_CLASSES];
static bool ready;
static struct heap_stats st;

static inline size_t class_size(unsigned int cls)
{
	return (size_t)1 << (cls + MIN_SHIFT);
}

static inline unsigned int class_objs(unsigned int cls)
{
	return (SLAB_SIZE - SLAB_HDR) / class_size(cls);
}

static void heap_init_once(void)
{
	for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++) {
		list_init(&partial[i]);
		st.cls[i].size = class_size(i);
	}
	ready = true;
}

static void account_alloc(size_t size)
{
	st.allocs++;
	st.live_objects++;
	st.live_bytes += size;
	if (st.live_bytes > st.peak_bytes)
		st.peak_bytes = st.live_bytes;
}

static void *slab_alloc(unsigned int cls)
{
	struct slab *s;
	unsigned int n = class_objs(cls);

	if (list_empty(&partial[cls])) {
		hpa_t pa = page_alloc(SLAB_ORDER);

		if (!pa)
			return NULL;
		s = (struct slab *)arch_hpa_to_hva(pa);
		memset(s, 0, sizeof(*s));
		s->magic = SLAB_MAGIC;
		s->cls = cls;
		s->nfree = n;
		list_add(&s->node, &partial[cls]);
		st.slab_pages += 1 << SLAB_ORDER;
		st.cls[cls].slabs++;
	}
	s = list_first_entry(&partial[cls], struct slab, node);
	for (unsigned int w = 0; w < ARRAY_SIZE(s->used); w++) {
		if (s->used[w] == ~0ULL)
			continue;
		unsigned int bit = __builtin_ctzll(~s->used[w]);
		unsigned int idx = w * 64 + bit;

		if (idx >= n)
			break;
		s->used[w] |= 1ULL << bit;
		if (--s->nfree == 0)
			list_del(&s->node);
		st.cls[cls].live++;
		account_alloc(class_size(cls));
		return (char *)s + SLAB_HDR + idx * class_size(cls);
	}
	log_err("slab %p of class %zu has no free object but is on the partial list",
		(void *)s, class_size(cls));
	return NULL;
}

static void *large_alloc(size_t size)
{
	unsigned int order = page_order_for(size + LARGE_HDR);
	struct large *l;
	hpa_t pa;

	if (order < SLAB_ORDER)
		order = SLAB_ORDER;	/* keeps the header 16 KiB aligned */
	pa = page_alloc(order);
	if (!pa)
		return NULL;
	l = (struct large *)arch_hpa_to_hva(pa);
	l->magic = LARGE_MAGIC;
	l->order = order;
	l->size = size;
	st.large_pages += 1ULL << order;
	account_alloc(size);
	return (char *)l + LARGE_HDR;
}

void *kmalloc(size_t size)
{
	unsigned long flags;
	void *p = NULL;

	if (!size || size > (PAGE_SIZE << (PAGE_MAX_ORDER - 1)) - LARGE_HDR)
		return NULL;
	flags = spin_lock_irqsave(&lock);
	if (!ready)
		heap_init_once();
	if (size <= class_size(HEAP_NR_CLASSES - 1)) {
		unsigned int cls = 0;

		while (class_size(cls) < size)
			cls++;
		p = slab_alloc(cls);
	} else {
		p = large_alloc(size);
	}
	if (!p)
		st.failed++;
	spin_unlock_irqrestore(&lock, flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* True when object idx of s is allocated. */
static bool slab_used(const struct slab *s, long idx)
{
	return s->used[idx / 64] & (1ULL << (idx % 64));
}

/* Finds the slab object index of ptr, or -1. Lock held. */
static long slab_index(const struct slab *s, const void *ptr)
{
	size_t off = (const char *)ptr - (const char *)s;
	size_t sz;

	if (s->cls >= HEAP_NR_CLASSES || off < SLAB_HDR)
		return -1;
	sz = class_size(s->cls);
	if ((off - SLAB_HDR) % sz || (off - SLAB_HDR) / sz >= class_objs(s->cls))
		return -1;
	return (off - SLAB_HDR) / sz;
}

size_t ksize(const void *ptr)
{
	uintptr_t base = (uintptr_t)ptr & ~(uintptr_t)(SLAB_SIZE - 1);
	const struct slab *s = (const void *)base;
	const struct large *l = (const void *)base;

	if (!ptr)
		return 0;
	if (s->magic == SLAB_MAGIC) {
		long idx = slab_index(s, ptr);

		return idx >= 0 && slab_used(s, idx) ? class_size(s->cls) : 0;
	}
	if (l->magic == LARGE_MAGIC && (uintptr_t)ptr == base + LARGE_HDR)
		return l->size;
	return 0;
}

void kfree(void *ptr)
{
	uintptr_t base = (uintptr_t)ptr & ~(uintptr_t)(SLAB_SIZE - 1);
	unsigned long flags;

	if (!ptr)
		return;
	flags = spin_lock_irqsave(&lock);
	if (((struct slab *)base)->magic == SLAB_MAGIC) {
		struct slab *s = (struct slab *)base;
		long idx = slab_index(s, ptr);

		if (idx < 0 || !slab_used(s, idx))
			goto bad;
		s->used[idx / 64] &= ~(1ULL << (idx % 64));
		if (s->nfree++ == 0)
			list_add(&s->node, &partial[s->cls]);
		st.cls[s->cls].live--;
		st.live_bytes -= MIN(st.live_bytes, class_size(s->cls));
		if (s->nfree == class_objs(s->cls)) {
			/* Empty slab: give its pages back. */
			list_del(&s->node);
			s->magic = 0;
			st.cls[s->cls].slabs--;
			st.slab_pages -= 1 << SLAB_ORDER;
			page_free(arch_hva_to_hpa(base), SLAB_ORDER);
		}
	} else if (((struct large *)base)->magic == LARGE_MAGIC &&
		   (uintptr_t)ptr == base + LARGE_HDR) {
		struct large *l = (struct large *)base;
		unsigned int order = l->order;

		st.live_bytes -= MIN(st.live_bytes, l->size);
		st.large_pages -= 1ULL << order;
		l->magic = 0;
		page_free(arch_hva_to_hpa(base), order);
	} else {
		goto bad;
	}
	st.frees++;
	st.live_objects--;
	spin_unlock_irqrestore(&lock, flags);
	return;
bad:
	st.bad_frees++;
	spin_unlock_irqrestore(&lock, flags);
	log_err("kfree(%p): not a live heap allocation, ignored", ptr);
}

void heap_get_stats(struct heap_stats *out)
{
	unsigned long flags = spin_lock_irqsave(&lock);

	if (!ready)
		heap_init_once();
	*out = st;
	spin_unlock_irqrestore(&lock, flags);
}
