// SPDX-License-Identifier: GPL-2.0
/* Guest MMIO dispatch: a sorted region array per guest, binary search per access. */
#define LOG_PREFIX "devemu"
#include <kestrel/devemu.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <string.h>

#define MAP_INITIAL_CAP 8

static const char *region_name(const struct devemu_region *r)
{
	return r->name ? r->name : "(unnamed)";
}

static inline gpa_t region_last(const struct devemu_region *r)
{
	return r->base + r->size - 1;
}

/* Index of the last region whose base is <= addr, or -1. Map lock held. */
static int find_index(const struct devemu_map *m, gpa_t addr)
{
	unsigned int lo = 0, hi = m->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (m->regions[mid]->base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int)lo - 1;
}

/* The region holding addr, or NULL. Map lock held. */
static struct devemu_region *lookup(const struct devemu_map *m, gpa_t addr)
{
	int i = find_index(m, addr);
	struct devemu_region *r;

	if (i < 0)
		return NULL;
	r = m->regions[i];
	return addr - r->base < r->size ? r : NULL;
}

static bool valid_width(unsigned int width)
{
	return width == 1 || width == 2 || width == 4 || width == 8;
}

void devemu_map_init(struct devemu_map *m)
{
	m->regions = NULL;
	m->count = 0;
	m->cap = 0;
	spin_lock_init(&m->lock);
}

static void log_overlap(const struct devemu_region *r, const struct devemu_region *other)
{
	log_err("%s [0x%llx-0x%llx] overlaps %s [0x%llx-0x%llx]", region_name(r),
		(unsigned long long)r->base, (unsigned long long)region_last(r),
		region_name(other), (unsigned long long)other->base,
		(unsigned long long)region_last(other));
}

int devemu_map_add(struct devemu_map *m, struct devemu_region *r)
{
	struct devemu_region **old = NULL;
	unsigned long flags;
	int pos, err = 0;

	if (!r->ops || !r->ops->read || !r->ops->write) {
		log_err("%s: region without read/write callbacks", region_name(r));
		return -EINVAL;
	}
	if (r->size == 0 || region_last(r) < r->base) {
		log_err("%s: bad range base 0x%llx size 0x%llx", region_name(r),
			(unsigned long long)r->base, (unsigned long long)r->size);
		return -EINVAL;
	}

	flags = spin_lock_irqsave(&m->lock);
	pos = find_index(m, r->base) + 1;	/* r goes before regions[pos] */
	if (pos > 0 && region_last(m->regions[pos - 1]) >= r->base) {
		log_overlap(r, m->regions[pos - 1]);
		err = -EEXIST;
		goto out;
	}
	if ((unsigned int)pos < m->count && m->regions[pos]->base <= region_last(r)) {
		log_overlap(r, m->regions[pos]);
		err = -EEXIST;
		goto out;
	}
	if (m->count == m->cap) {
		unsigned int cap = m->cap ? 2 * m->cap : MAP_INITIAL_CAP;
		struct devemu_region **grown = kmalloc(cap * sizeof(*grown));

		if (!grown) {
			log_err("%s: no memory for %u regions", region_name(r), cap);
			err = -ENOMEM;
			goto out;
		}
		if (m->count)
			memcpy(grown, m->regions, m->count * sizeof(*grown));
		old = m->regions;
		m->regions = grown;
		m->cap = cap;
	}
	memmove(&m->regions[pos + 1], &m->regions[pos], (m->count - pos) * sizeof(*m->regions));
	m->regions[pos] = r;
	m->count++;
out:
	spin_unlock_irqrestore(&m->lock, flags);
	kfree(old);
	return err;
}

int devemu_map_remove(struct devemu_map *m, struct devemu_region *r)
{
	unsigned long flags = spin_lock_irqsave(&m->lock);
	int i = find_index(m, r->base);
	int err = -ENOENT;

	if (i >= 0 && m->regions[i] == r) {
		memmove(&m->regions[i], &m->regions[i + 1],
			(m->count - i - 1) * sizeof(*m->regions));
		m->count--;
		err = 0;
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return err;
}

struct devemu_region *devemu_map_find(struct devemu_map *m, gpa_t addr, unsigned int width)
{
	unsigned long flags;
	struct devemu_region *r;

	if (width == 0)
		return NULL;
	flags = spin_lock_irqsave(&m->lock);
	r = lookup(m, addr);
	spin_unlock_irqrestore(&m->lock, flags);
	/* width - 1 <= size - 1 - offset: the last byte is inside too. */
	if (r && width - 1 > r->size - 1 - (addr - r->base))
		return NULL;
	return r;
}

enum devemu_result devemu_access(struct devemu_map *m, gpa_t addr, unsigned int width,
				 bool write, u64 *val)
{
	enum devemu_result res;
	struct devemu_region *r;
	unsigned long flags;
	u64 offset, mask;

	if (!valid_width(width)) {
		log_debug("%u-byte %s at 0x%llx: bad width", width, write ? "write" : "read",
			  (unsigned long long)addr);
		return DEVEMU_ABORT;
	}
	flags = spin_lock_irqsave(&m->lock);
	r = lookup(m, addr);
	spin_unlock_irqrestore(&m->lock, flags);
	if (!r)
		return DEVEMU_UNHANDLED;
	offset = addr - r->base;
	mask = width == 8 ? ~0ULL : (1ULL << (width * 8)) - 1;
	if (width - 1 > r->size - 1 - offset) {
		log_debug("%s: %u-byte %s at 0x%llx crosses its end", region_name(r), width,
			  write ? "write" : "read", (unsigned long long)addr);
		return DEVEMU_ABORT;
	}

	flags = r->lock ? spin_lock_irqsave(r->lock) : 0;
	if (write) {
		res = r->ops->write(r, offset, width, *val & mask);
		__atomic_add_fetch(&r->writes, 1, __ATOMIC_RELAXED);
	} else {
		u64 v = 0;

		res = r->ops->read(r, offset, width, &v);
		*val = v & mask;
		__atomic_add_fetch(&r->reads, 1, __ATOMIC_RELAXED);
	}
	if (r->lock)
		spin_unlock_irqrestore(r->lock, flags);
	return res;
}

void devemu_map_destroy(struct devemu_map *m)
{
	unsigned long flags = spin_lock_irqsave(&m->lock);
	struct devemu_region **regions = m->regions;

	m->regions = NULL;
	m->count = 0;
	m->cap = 0;
	spin_unlock_irqrestore(&m->lock, flags);
	kfree(regions);
}

void devemu_map_for_each(struct devemu_map *m, void (*fn)(struct devemu_region *r, void *ctx),
			 void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&m->lock);

	for (unsigned int i = 0; i < m->count; i++)
		fn(m->regions[i], ctx);
	spin_unlock_irqrestore(&m->lock, flags);
}

const char *devemu_result_name(enum devemu_result res)
{
	switch (res) {
	case DEVEMU_HANDLED:
		return "handled";
	case DEVEMU_UNHANDLED:
		return "unhandled";
	case DEVEMU_ABORT:
		return "abort";
	case DEVEMU_RETRY:
		return "retry";
	}
	return "?";
}
