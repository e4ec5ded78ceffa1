// SPDX-License-Identifier: GPL-2.0
/* The driver side of a split virtqueue: rings, free descriptors, chains in and out. */
#define LOG_PREFIX "virtio-host"
#include "virtqueue_drv.h"
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include <string.h>

#define USED_ALIGN	64

static size_t avail_size(u16 num)
{
	return sizeof(struct vring_avail) + sizeof(u16) * num + sizeof(u16); /* + used_event */
}

static size_t used_offset(u16 num)
{
	return ALIGN_UP(sizeof(struct vring_desc) * num + avail_size(num), (size_t)USED_ALIGN);
}

size_t vqd_ring_size(u16 num)
{
	return used_offset(num) + sizeof(struct vring_used) +
	       sizeof(struct vring_used_elem) * num + sizeof(u16); /* + avail_event */
}

int vqd_init(struct vqd *q, u16 num, void *ring, hpa_t ring_pa, void **cookies)
{
	size_t avail_off = sizeof(struct vring_desc) * num;

	if (!num || (num & (num - 1)) || !ring || !cookies || !IS_ALIGNED(ring_pa, 16))
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	memset(ring, 0, vqd_ring_size(num));
	memset(cookies, 0, sizeof(*cookies) * num);
	q->num = num;
	q->desc = ring;
	q->avail = (struct vring_avail *)((u8 *)ring + avail_off);
	q->used = (struct vring_used *)((u8 *)ring + used_offset(num));
	q->desc_pa = ring_pa;
	q->avail_pa = ring_pa + avail_off;
	q->used_pa = ring_pa + used_offset(num);
	q->cookie = cookies;
	for (u16 i = 0; i < num; i++)
		q->desc[i].next = (u16)(i + 1);	/* the last one's next is never followed */
	q->free_head = 0;
	q->num_free = num;
	return 0;
}

static int check_segs(const struct vqd *q, const struct vqd_seg *segs, unsigned int n,
		      unsigned int limit, const void *cookie)
{
	if (!n || n > limit || !cookie)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (!segs[i].len)
			return -EINVAL;
	return 0;
}

/* Puts head into the next avail ring slot and publishes it. */
static void publish(struct vqd *q, u16 head, void *cookie)
{
	q->cookie[head] = cookie;
	q->avail->ring[q->avail_idx & (q->num - 1)] = head;
	q->avail_idx++;
	/* Descriptors and ring entry before the index the device polls. */
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
	q->added++;
}

int vqd_add(struct vqd *q, const struct vqd_seg *segs, unsigned int nout, unsigned int nin,
	    void *cookie)
{
	unsigned int n = nout + nin;
	u16 head, d, prev = 0;
	int r = check_segs(q, segs, n, q->num, cookie);

	if (r)
		return r;
	if (n > q->num_free)
		return -ENOSPC;
	head = d = q->free_head;
	for (unsigned int i = 0; i < n; i++) {
		struct vring_desc *desc = &q->desc[d];

		desc->addr = segs[i].addr;
		desc->len = segs[i].len;
		desc->flags = (i >= nout ? VRING_DESC_F_WRITE : 0) |
			      (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		prev = d;
		d = desc->next;
	}
	/* The free list continues after the chain's last descriptor. */
	q->free_head = q->desc[prev].next;
	q->num_free -= n;
	publish(q, head, cookie);
	return 0;
}

int vqd_add_indirect(struct vqd *q, struct vring_desc *table, hpa_t table_pa,
		     const struct vqd_seg *segs, unsigned int nout, unsigned int nin,
		     void *cookie)
{
	unsigned int n = nout + nin;
	int r = check_segs(q, segs, n, VQD_MAX_SIZE, cookie);
	u16 head;

	if (r || !table || !IS_ALIGNED(table_pa, 16))
		return r ? r : -EINVAL;
	if (!q->num_free)
		return -ENOSPC;
	for (unsigned int i = 0; i < n; i++) {
		table[i].addr = segs[i].addr;
		table[i].len = segs[i].len;
		table[i].flags = (i >= nout ? VRING_DESC_F_WRITE : 0) |
				 (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		table[i].next = (u16)(i + 1 < n ? i + 1 : 0);
	}
	head = q->free_head;
	q->free_head = q->desc[head].next;
	q->num_free--;
	q->desc[head].addr = table_pa;
	q->desc[head].len = (u32)(n * sizeof(struct vring_desc));
	q->desc[head].flags = VRING_DESC_F_INDIRECT;
	publish(q, head, cookie);
	return 0;
}

bool vqd_kick_needed(struct vqd *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) & VRING_USED_F_NO_NOTIFY);
}

bool vqd_has_used(struct vqd *q)
{
	return !q->error && __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) != q->last_used;
}

void *vqd_get_used(struct vqd *q, u32 *len)
{
	struct vring_used_elem e;
	void *cookie;
	u16 d, count = 1;

	if (!vqd_has_used(q))
		return NULL;
	/* The acquire load of the index orders the entry's read after it. */
	e = q->used->ring[q->last_used & (q->num - 1)];
	if (e.id >= q->num || !q->cookie[e.id]) {
		log_err("device returned descriptor %u, which is not in flight (queue of %u): "
			"queue stopped", e.id, q->num);
		q->error = -EIO;
		return NULL;
	}
	q->last_used++;
	cookie = q->cookie[e.id];
	q->cookie[e.id] = NULL;
	/* Back to the free list: the chain (our own descriptors) up to its end. */
	d = (u16)e.id;
	while ((q->desc[d].flags & VRING_DESC_F_NEXT) && count < q->num) {
		d = q->desc[d].next;
		count++;
	}
	q->desc[d].next = q->free_head;
	q->free_head = (u16)e.id;
	q->num_free += count;
	q->completed++;
	*len = e.len;
	return cookie;
}

void vqd_set_interrupts(struct vqd *q, bool on)
{
	u16 flags = on ? 0 : VRING_AVAIL_F_NO_INTERRUPT;

	__atomic_store_n(&q->avail->flags, flags, __ATOMIC_RELAXED);
}
