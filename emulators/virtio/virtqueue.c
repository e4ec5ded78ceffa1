// SPDX-License-Identifier: GPL-2.0
/* The device side of a split virtqueue over guest memory (see virtqueue.h). */
#include "virtqueue.h"
#include <string.h>

/* The rings are little-endian; Kestrel's hosts are too, so fields are read
 * and written natively. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueue.c accesses the little-endian rings natively"
#endif

/* A descriptor as it lies in the table (2.7.5). */
struct vq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

_Static_assert(sizeof(struct vq_desc) == VQ_DESC_SIZE, "descriptor layout");

/* Ring layout (2.7.6, 2.7.8): avail = flags, idx, ring[num], used_event;
 * used = flags, idx, { id, len }[num], avail_event. */
#define AVAIL_IDX(q)		((q)->avail + 2)
#define AVAIL_RING(q, i)	((q)->avail + 4 + 2 * (u64)(i))
#define USED_EVENT(q)		((q)->avail + 4 + 2 * (u64)(q)->num)
#define USED_FLAGS(q)		((q)->used)
#define USED_IDX(q)		((q)->used + 2)
#define USED_ELEM(q, i)		((q)->used + 4 + 8 * (u64)(i))
#define AVAIL_EVENT(q)		((q)->used + 4 + 8 * (u64)(q)->num)

static const char *const errors[VQ_ERR_COUNT] = {
	[VQ_ERR_SIZE] = "queue size is 0, too large or not a power of 2",
	[VQ_ERR_RING_ALIGN] = "a ring is misaligned",
	[VQ_ERR_RING_RANGE] = "a ring is outside guest RAM",
	[VQ_ERR_AVAIL_IDX] = "avail idx moved more than the queue size",
	[VQ_ERR_HEAD] = "avail ring entry beyond the queue size",
	[VQ_ERR_NEXT] = "descriptor next index beyond the table",
	[VQ_ERR_LOOP] = "descriptor chain loops",
	[VQ_ERR_BUF_RANGE] = "buffer outside guest RAM",
	[VQ_ERR_INDIRECT_FEATURE] = "indirect descriptor without VIRTIO_F_INDIRECT_DESC",
	[VQ_ERR_INDIRECT_LEN] = "indirect table length is 0, not a multiple of 16 or too large",
	[VQ_ERR_INDIRECT_RANGE] = "indirect table outside guest RAM",
	[VQ_ERR_INDIRECT_NEXT] = "indirect descriptor with NEXT set",
	[VQ_ERR_INDIRECT_NESTED] = "indirect descriptor inside an indirect table",
	[VQ_ERR_WRITE_ORDER] = "device-readable buffer after a writable one",
	[VQ_ERR_TOO_MANY_SEGS] = "chain needs more than 256 segments",
};

const char *vq_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err <= 0 || err >= VQ_ERR_COUNT)
		return "unknown virtqueue error";
	return errors[err];
}

/* Records the queue's first error; returns it (negative). */
static int fail(struct vq *q, enum vq_error e)
{
	if (!q->error)
		q->error = -(int)e;
	return q->error;
}

/* ---- guest memory -------------------------------------------------------- */

/* The host address of a naturally aligned ring field of `size` bytes. The
 * rings were checked by vq_init, and an aligned field never straddles a
 * chunk; NULL only if the mapping misbehaves. */
static void *field(const struct vq *q, gpa_t gpa, u64 size)
{
	u64 contig = 0;
	void *p = q->mem.map(q->mem.ctx, gpa, size, &contig);

	return p && contig >= size ? p : NULL;
}

static bool load16(const struct vq *q, gpa_t gpa, u16 *val)
{
	u16 *p = field(q, gpa, 2);

	if (!p)
		return false;
	*val = __atomic_load_n(p, __ATOMIC_RELAXED);
	return true;
}

static bool store16(const struct vq *q, gpa_t gpa, u16 val)
{
	u16 *p = field(q, gpa, 2);

	if (!p)
		return false;
	__atomic_store_n(p, val, __ATOMIC_RELAXED);
	return true;
}

static bool store32(const struct vq *q, gpa_t gpa, u32 val)
{
	u32 *p = field(q, gpa, 4);

	if (!p)
		return false;
	__atomic_store_n(p, val, __ATOMIC_RELAXED);
	return true;
}

/* True when all of [gpa, gpa + len) is guest RAM (len 0: always). */
static bool mem_range_ok(const struct vq_mem *mem, gpa_t gpa, u64 len)
{
	if (gpa + len < gpa)
		return false;
	while (len) {
		u64 n = 0;

		if (!mem->map(mem->ctx, gpa, len, &n) || !n || n > len)
			return false;
		gpa += n;
		len -= n;
	}
	return true;
}

static bool range_ok(const struct vq *q, gpa_t gpa, u64 len)
{
	return mem_range_ok(&q->mem, gpa, len);
}

/* Copies [gpa, gpa + len) out of guest RAM, across chunks. */
static bool copy_in(const struct vq *q, gpa_t gpa, void *dst, u64 len)
{
	u8 *out = dst;

	if (gpa + len < gpa)
		return false;
	while (len) {
		u64 n = 0;
		const void *p = q->mem.map(q->mem.ctx, gpa, len, &n);

		if (!p || !n || n > len)
			return false;
		memcpy(out, p, n);
		out += n;
		gpa += n;
		len -= n;
	}
	return true;
}

/* ---- setup --------------------------------------------------------------- */

int vq_check(const struct vq_mem *mem, u32 num, gpa_t desc, gpa_t avail, gpa_t used,
	     enum vq_ring *ring)
{
	const struct {
		enum vq_ring ring;
		gpa_t at;
		u64 align, len;
	} rings[] = {
		/* The full rings, event fields included, as the driver allocates them. */
		{ VQ_RING_DESC, desc, VQ_DESC_ALIGN, (u64)VQ_DESC_SIZE * num },
		{ VQ_RING_AVAIL, avail, VQ_AVAIL_ALIGN, 6 + 2 * (u64)num },
		{ VQ_RING_USED, used, VQ_USED_ALIGN, 6 + 8 * (u64)num },
	};

	if (!num || num > VQ_MAX_SIZE || (num & (num - 1)))
		return -VQ_ERR_SIZE;
	for (unsigned int i = 0; i < ARRAY_SIZE(rings); i++) {
		if (!IS_ALIGNED(rings[i].at, rings[i].align)) {
			*ring = rings[i].ring;
			return -VQ_ERR_RING_ALIGN;
		}
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(rings); i++) {
		if (!mem_range_ok(mem, rings[i].at, rings[i].len)) {
			*ring = rings[i].ring;
			return -VQ_ERR_RING_RANGE;
		}
	}
	return 0;
}

int vq_init(struct vq *q, const struct vq_mem *mem, u32 num, gpa_t desc, gpa_t avail,
	    gpa_t used, bool event_idx, bool indirect)
{
	enum vq_ring ring;
	int err = vq_check(mem, num, desc, avail, used, &ring);

	memset(q, 0, sizeof(*q));
	q->mem = *mem;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->event_idx = event_idx;
	q->indirect = indirect;
	if (err != -VQ_ERR_SIZE)
		q->num = (u16)num;
	return err ? fail(q, (enum vq_error)-err) : 0;
}

/* ---- taking a chain ------------------------------------------------------ */

/* Appends descriptor d's buffer to req, split at chunk boundaries. */
static int add_buffer(const struct vq *q, struct vq_req *req, const struct vq_desc *d)
{
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	gpa_t gpa = d->addr;
	u64 left = d->len;

	if (!write && req->nr_write)
		return VQ_ERR_WRITE_ORDER;
	if (gpa + left < gpa)
		return VQ_ERR_BUF_RANGE;
	while (left) {
		unsigned int slot = req->nr_read + req->nr_write;
		u64 n = 0;
		void *p = q->mem.map(q->mem.ctx, gpa, left, &n);

		if (!p || !n || n > left)
			return VQ_ERR_BUF_RANGE;
		if (slot == VQ_MAX_SEGS)
			return VQ_ERR_TOO_MANY_SEGS;
		req->iov[slot] = (struct vq_iov){ .base = p, .len = (u32)n };
		if (write) {
			req->nr_write++;
			req->write_len += n;
		} else {
			req->nr_read++;
			req->read_len += n;
		}
		gpa += n;
		left -= n;
	}
	return 0;
}

/*
 * Follows the chain at head: zero or more descriptors of the table, the
 * last of which may point to an indirect table, whose own chain starts at
 * its entry 0 (2.7.5.3). Each descriptor is copied once and checked before
 * anything uses it. Returns 0 or a VQ_ERR_* (positive).
 */
static int walk_chain(const struct vq *q, u16 head, struct vq_req *req)
{
	gpa_t table = q->desc;
	u32 size = q->num, seen = 0;
	bool indirect = false;
	u16 i = head;

	req->head = head;
	req->nr_read = req->nr_write = 0;
	req->read_len = req->write_len = 0;
	for (;;) {
		struct vq_desc d;
		int err;

		/* More descriptors than the table holds: one came back. */
		if (++seen > size)
			return VQ_ERR_LOOP;
		if (!copy_in(q, table + (u64)i * VQ_DESC_SIZE, &d, sizeof(d)))
			return indirect ? VQ_ERR_INDIRECT_RANGE : VQ_ERR_RING_RANGE;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (indirect)
				return VQ_ERR_INDIRECT_NESTED;
			if (!q->indirect)
				return VQ_ERR_INDIRECT_FEATURE;
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return VQ_ERR_INDIRECT_NEXT;
			if (!d.len || d.len % VQ_DESC_SIZE || d.len / VQ_DESC_SIZE > q->num)
				return VQ_ERR_INDIRECT_LEN;
			if (!range_ok(q, d.addr, d.len))
				return VQ_ERR_INDIRECT_RANGE;
			/* Its WRITE flag means nothing (2.7.5.3.2). */
			table = d.addr;
			size = d.len / VQ_DESC_SIZE;
			seen = 0;
			indirect = true;
			i = 0;
			continue;
		}
		err = add_buffer(q, req, &d);
		if (err)
			return err;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= size)
			return VQ_ERR_NEXT;
		i = d.next;
	}
}

int vq_pop(struct vq *q, struct vq_req *req)
{
	u16 head;
	int err;

	if (q->error)
		return q->error;
	if (q->last_avail_idx == q->avail_idx) {
		u16 idx;

		if (!load16(q, AVAIL_IDX(q), &idx))
			return fail(q, VQ_ERR_RING_RANGE);
		if ((u16)(idx - q->last_avail_idx) > q->num)
			return fail(q, VQ_ERR_AVAIL_IDX);
		q->avail_idx = idx;
		if (idx == q->last_avail_idx)
			return 0;
		/* The entries and descriptors were written before the idx. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	}
	if (!load16(q, AVAIL_RING(q, q->last_avail_idx & (q->num - 1)), &head))
		return fail(q, VQ_ERR_RING_RANGE);
	if (head >= q->num)
		return fail(q, VQ_ERR_HEAD);
	err = walk_chain(q, head, req);
	if (err)
		return fail(q, err);
	q->last_avail_idx++;
	if (q->event_idx && !q->notify_off) {
		if (!store16(q, AVAIL_EVENT(q), q->last_avail_idx))
			return fail(q, VQ_ERR_RING_RANGE);
		/* Ordered before the next look at the avail idx: either we see
		 * the driver's next buffer, or it sees this avail_event and
		 * notifies (the driver has the mirror barrier). */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return 1;
}

/* ---- returning a chain and notifications --------------------------------- */

void vq_push(struct vq *q, const struct vq_req *req, u32 written)
{
	gpa_t elem;

	if (q->error)
		return;
	elem = USED_ELEM(q, q->used_idx & (q->num - 1));
	if (written > req->write_len)
		written = (u32)req->write_len;
	if (!store32(q, elem, req->head) || !store32(q, elem + 4, written)) {
		fail(q, VQ_ERR_RING_RANGE);
		return;
	}
	/* The element is visible before the idx that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx++;
	if (!store16(q, USED_IDX(q), q->used_idx))
		fail(q, VQ_ERR_RING_RANGE);
}

bool vq_should_notify(struct vq *q)
{
	u16 old = q->signalled_used, now = q->used_idx, val;
	bool valid = q->signalled_valid;

	if (q->error)
		return false;
	/* The used idx store before the read of the driver's wish. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx) {
		if (!load16(q, q->avail, &val))
			return false;
		return !(val & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	q->signalled_used = now;
	q->signalled_valid = true;
	if (!valid)
		return true;
	if (!load16(q, USED_EVENT(q), &val))
		return false;
	/* vring_need_event: used_event lies in [old, now). */
	return (u16)(now - val - 1) < (u16)(now - old);
}

void vq_disable_notify(struct vq *q)
{
	q->notify_off = true;
	if (!q->error && !q->event_idx)
		store16(q, USED_FLAGS(q), VIRTQ_USED_F_NO_NOTIFY);
}

bool vq_enable_notify(struct vq *q)
{
	u16 idx;

	q->notify_off = false;
	if (q->error)
		return false;
	if (q->event_idx)
		store16(q, AVAIL_EVENT(q), q->last_avail_idx);
	else
		store16(q, USED_FLAGS(q), 0);
	/* The store above before the look at the idx (Dekker with the driver). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!load16(q, AVAIL_IDX(q), &idx))
		return false;
	return idx != q->last_avail_idx;
}

/* ---- request data -------------------------------------------------------- */

/* Copies between buf and the iovecs iov[0 .. n) from offset off. */
static size_t copy_iov(const struct vq_iov *iov, unsigned int n, size_t off, void *buf,
		       size_t len, bool to_iov)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t chunk;

		if (off >= iov[i].len) {
			off -= iov[i].len;
			continue;
		}
		chunk = MIN(len - done, iov[i].len - off);
		if (to_iov)
			memcpy((u8 *)iov[i].base + off, (const u8 *)buf + done, chunk);
		else
			memcpy((u8 *)buf + done, (const u8 *)iov[i].base + off, chunk);
		done += chunk;
		off = 0;
	}
	return done;
}

size_t vq_req_write(const struct vq_req *req, size_t off, const void *src, size_t len)
{
	return copy_iov(req->iov + req->nr_read, req->nr_write, off, (void *)src, len, true);
}

size_t vq_req_read(const struct vq_req *req, size_t off, void *dst, size_t len)
{
	return copy_iov(req->iov, req->nr_read, off, dst, len, false);
}
