// SPDX-License-Identifier: GPL-2.0
/* virtio-blk: guest disks on host block devices, with asynchronous requests. */
#define LOG_PREFIX "virtio-blk"
#include "virtio_blk_priv.h"
#include <kestrel/blockdev.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/spinlock.h>
#include <kestrel/thread.h>
#include <kestrel/timer.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>

#define HDR_SIZE	16		/* struct virtio_blk_outhdr */
#define LOG_BUDGET	8		/* guest-caused warnings per device, then debug */
#define WAIT_WARN_NS	5000000000ULL	/* a stuck backend is reported this often */
#define U32_MAX		0xffffffffULL

_Static_assert(VIRTIO_BLK_INFLIGHT <= 32, "the free slots are a 32-bit mask");
_Static_assert(BLK_MAX_SEGS >= VQ_MAX_SEGS, "a chain's data pieces fit one blk_req");

/* Every guest disk, to name the holder of a backend in a refused claim. */
static LIST_HEAD(disks);
static spinlock_t disks_lock = SPINLOCK_INIT;

const char *const virtio_blk_props[] = { "backend", "offset", "size", "read-only", NULL };

/* A guest-caused warning: at warning level up to a budget per device, then
 * debug. Queue lock held. */
#define blk_warn(blk, fmt, ...)								\
	do {										\
		if ((blk)->warnings < LOG_BUDGET) {					\
			(blk)->warnings++;						\
			log_warn("%s: " fmt, (blk)->name, ##__VA_ARGS__);		\
		} else {								\
			log_debug("%s: " fmt, (blk)->name, ##__VA_ARGS__);		\
		}									\
	} while (0)

static u32 le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 le64(const u8 *p)
{
	return le32(p) | (u64)le32(p + 4) << 32;
}

static void put_le(u8 *p, u64 v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, v >>= 8)
		p[i] = (u8)v;
}

/* ---- references (lock held) ---------------------------------------------- */

static void put_locked(struct virtio_blk *blk)
{
	/* The wake runs under the lock: a waiter that took the lock after
	 * seeing 0 knows this CPU is done with blk. */
	if (!--blk->active)
		waitq_wake_all(&blk->idle);
}

/* A free slot for a new request, or NULL (none free: starved, or stopping). */
static struct blk_slot *slot_get(struct virtio_blk *blk)
{
	unsigned long flags = spin_lock_irqsave(&blk->lock);
	struct blk_slot *s = NULL;

	if (blk->stopping) {
		/* nothing */
	} else if (!blk->free_slots) {
		blk->starved = true;
	} else {
		unsigned int i = (unsigned int)__builtin_ctz(blk->free_slots);

		blk->free_slots &= ~(1U << i);
		blk->active++;
		s = &blk->slots[i];
	}
	spin_unlock_irqrestore(&blk->lock, flags);
	return s;
}

static void slot_put_locked(struct virtio_blk *blk, struct blk_slot *s)
{
	blk->free_slots |= 1U << (s - blk->slots);
	put_locked(blk);
}

/* ---- requests (queue lock held) ------------------------------------------ */

/* Answers the request of slot s now: status byte, used ring. */
static void answer(struct virtio_blk *blk, struct blk_slot *s, u8 status, u32 written)
{
	*s->status = status;
	blk->req.head = s->head;
	blk->req.write_len = s->write_len;
	virtio_queue_push(blk->vdev, 0, &blk->req, written);
}

/*
 * Turns len bytes from byte `skip` of the iovecs into the request's data
 * segments, joining pieces that are contiguous in host memory. False when
 * a segment is not a whole number of sectors (the blockdev contract).
 */
static bool set_segs(struct blk_req *br, const struct vq_iov *iov, unsigned int n, u64 skip,
		     u64 len)
{
	br->nsegs = 0;
	for (unsigned int i = 0; i < n && len; i++) {
		u8 *base = iov[i].base;
		u64 l = iov[i].len;
		struct blk_seg *prev = br->nsegs ? &br->segs[br->nsegs - 1] : NULL;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		base += skip;
		l = MIN(l - skip, len);
		skip = 0;
		len -= l;
		if (prev && (u8 *)prev->base + prev->len == base && prev->len + l <= U32_MAX)
			prev->len += (u32)l;
		else
			br->segs[br->nsegs++] = (struct blk_seg){ .base = base, .len = (u32)l };
	}
	for (unsigned int i = 0; i < br->nsegs; i++)
		if (br->segs[i].len % BLOCK_SECTOR)
			return false;
	return true;
}

/* An IN or OUT of len bytes at sector: -1 when it is checked and set up
 * in s->br, else the status to answer with at once. */
static int rw_setup(struct virtio_blk *blk, struct blk_slot *s, const struct vq_req *req,
		    bool write, u64 sector, u64 len)
{
	const char *what = write ? "write" : "read";
	u64 count = len / BLOCK_SECTOR;

	if (write && blk->read_only) {
		log_debug("%s: write to a read-only disk refused", blk->name);
		return VIRTIO_BLK_S_IOERR;
	}
	if (len % BLOCK_SECTOR) {
		blk_warn(blk, "%s of %llu bytes, not a multiple of %u: I/O error", what,
			 (unsigned long long)len, BLOCK_SECTOR);
		return VIRTIO_BLK_S_IOERR;
	}
	if (sector > blk->capacity || count > blk->capacity - sector) {
		blk_warn(blk, "%s of %llu sectors at %llu is beyond the capacity %llu: I/O error",
			 what, (unsigned long long)count, (unsigned long long)sector,
			 (unsigned long long)blk->capacity);
		return VIRTIO_BLK_S_IOERR;
	}
	if (!count)
		return VIRTIO_BLK_S_OK;
	if (write ? !set_segs(&s->br, req->iov, req->nr_read, HDR_SIZE, len)
		  : !set_segs(&s->br, req->iov + req->nr_read, req->nr_write, 0, len)) {
		blk_warn(blk, "%s buffer piece not a multiple of %u bytes: I/O error", what,
			 BLOCK_SECTOR);
		return VIRTIO_BLK_S_IOERR;
	}
	s->br.op = write ? BLK_WRITE : BLK_READ;
	s->br.sector = blk->start + sector;
	s->written = write ? 1 : (u32)MIN(len + 1, (u64)U32_MAX);
	return -1;
}

/*
 * Takes the chain in blk->req into slot s. Returns true when s->br is to
 * be submitted; otherwise the request is answered already (or, without a
 * status byte, returned) and s can be freed.
 */
static bool take(struct virtio_blk *blk, struct blk_slot *s)
{
	const struct vq_req *req = &blk->req;
	const struct vq_iov *last;
	u8 hdr[HDR_SIZE];
	u64 sector, data;
	u32 type;
	int st;

	s->head = req->head;
	s->write_len = req->write_len;
	s->gen = blk->gen;	/* changes only under the queue lock, held */
	if (!req->write_len) {
		blk_warn(blk, "request (descriptor %u) has no writable status byte: returned "
			 "unanswered", req->head);
		virtio_queue_push(blk->vdev, 0, req, 0);
		return false;
	}
	last = &req->iov[req->nr_read + req->nr_write - 1];
	s->status = (u8 *)last->base + last->len - 1;
	if (req->read_len < HDR_SIZE) {
		blk_warn(blk, "request header of %llu bytes, %u needed: I/O error",
			 (unsigned long long)req->read_len, HDR_SIZE);
		answer(blk, s, VIRTIO_BLK_S_IOERR, 1);
		return false;
	}
	vq_req_read(req, 0, hdr, sizeof(hdr));	/* read once, into our memory */
	type = le32(hdr);
	sector = le64(hdr + 8);
	data = req->write_len - 1;		/* writable bytes before the status */
	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (type == VIRTIO_BLK_T_OUT)
			data = req->read_len - HDR_SIZE;
		st = rw_setup(blk, s, req, type == VIRTIO_BLK_T_OUT, sector, data);
		break;
	case VIRTIO_BLK_T_FLUSH:
		st = blk->read_only ? VIRTIO_BLK_S_OK : -1;	/* nothing of ours to flush */
		s->br.op = BLK_FLUSH;
		s->br.sector = 0;
		s->br.nsegs = 0;
		s->written = 1;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		u32 n = (u32)MIN(data, (u64)VIRTIO_BLK_ID_BYTES);

		vq_req_write(req, 0, blk->id, n);
		answer(blk, s, VIRTIO_BLK_S_OK, n + 1);
		return false;
	}
	default:
		log_debug("%s: request type %u unsupported", blk->name, type);
		st = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (st >= 0) {
		answer(blk, s, (u8)st, 1);
		return false;
	}
	return true;
}

/* ---- passes over the queue ----------------------------------------------- */

static void complete(struct virtio_blk *blk, struct blk_slot *s, u8 status);
static bool run_put(struct virtio_blk *blk, unsigned int budget, bool in_completion);

static void blk_done(struct blk_req *br, int status)
{
	struct blk_slot *s = br->priv;

	complete(s->blk, s, status ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
}

/*
 * Takes up to `budget` requests from the ring while slots are free,
 * answers what needs no backend and submits the rest (outside the queue
 * lock: a completion may run inside blockdev_submit). True when the
 * budget ran out.
 */
static bool pass(struct virtio_blk *blk, unsigned int budget)
{
	struct blk_slot *todo[VIRTIO_BLK_INFLIGHT];
	unsigned int ntodo = 0, taken = 0;
	bool answered = false, more = false;
	unsigned long qflags, flags;

	if (!virtio_queue_begin(blk->vdev, 0, &qflags))
		return false;
	for (;;) {
		struct blk_slot *s = slot_get(blk);	/* none: starved, taken later */
		bool done = false;

		if (!s)
			break;
		if (taken == budget) {
			more = true;
			done = true;
		} else if (virtio_queue_pop(blk->vdev, 0, &blk->req) <= 0) {
			done = true;	/* empty, or malformed: the transport has it */
		} else {
			taken++;
			if (take(blk, s)) {
				todo[ntodo++] = s;
				continue;
			}
			answered = true;
		}
		flags = spin_lock_irqsave(&blk->lock);
		slot_put_locked(blk, s);	/* never the last: the pass holds one */
		spin_unlock_irqrestore(&blk->lock, flags);
		if (done)
			break;
	}
	if (answered)
		virtio_dev_notify_used(blk->vdev, 0);
	virtio_queue_end(blk->vdev, qflags);

	for (unsigned int i = 0; i < ntodo; i++) {
		struct blk_slot *s = todo[i];
		int err;

		s->br.done = blk_done;
		s->br.priv = s;
		err = blockdev_submit(blk->bd, &s->br);
		if (err) {
			log_debug("%s: %s refused the request: %s", blk->name, blk->bd->name,
				  strerror(err));
			complete(blk, s, VIRTIO_BLK_S_IOERR);
		}
	}
	return more;
}

/*
 * Runs passes until no more is asked for, one CPU at a time: a caller that
 * finds a pass running asks it for another and returns. The caller holds a
 * reference, which this drops; it must not touch blk afterwards. True when
 * a pass ran out of budget (in a completion, the next completion goes on).
 */
static bool run_put(struct virtio_blk *blk, unsigned int budget, bool in_completion)
{
	unsigned long flags = spin_lock_irqsave(&blk->lock);
	bool more = false;

	if (blk->running) {
		blk->rerun = true;
		put_locked(blk);
		spin_unlock_irqrestore(&blk->lock, flags);
		return false;
	}
	blk->running = true;
	do {
		blk->rerun = false;
		spin_unlock_irqrestore(&blk->lock, flags);
		more = pass(blk, budget);
		flags = spin_lock_irqsave(&blk->lock);
	} while (blk->rerun && !more && !blk->stopping);
	blk->running = false;
	if (more && in_completion)
		blk->starved = true;
	put_locked(blk);
	spin_unlock_irqrestore(&blk->lock, flags);
	return more;
}

/*
 * Slot s is done with `status`. If the device is still in the generation
 * that took it: status byte, used ring, interrupt. Then the slot is free,
 * and requests that waited for one are taken. Any context.
 */
static void complete(struct virtio_blk *blk, struct blk_slot *s, u8 status)
{
	unsigned long qflags, flags;
	bool run;

	if (virtio_queue_begin(blk->vdev, 0, &qflags)) {
		/* gen changes only under the queue lock, held here. */
		if (s->gen == blk->gen) {
			answer(blk, s, status, status == VIRTIO_BLK_S_OK ? s->written : 1);
			virtio_dev_notify_used(blk->vdev, 0);
		}
		virtio_queue_end(blk->vdev, qflags);
	}
	flags = spin_lock_irqsave(&blk->lock);
	run = blk->starved && !blk->stopping;
	if (run) {
		blk->starved = false;
		blk->active++;		/* the pass's reference, before the slot's goes */
	}
	slot_put_locked(blk, s);
	spin_unlock_irqrestore(&blk->lock, flags);
	if (run)
		run_put(blk, VIRTIO_BLK_QUEUE_MAX, true);
}

static bool blk_queue_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtio_blk *blk = virtio_dev_priv(d);
	unsigned long flags = spin_lock_irqsave(&blk->lock);
	bool ok = !blk->stopping;

	if (ok)
		blk->active++;
	spin_unlock_irqrestore(&blk->lock, flags);
	return ok && run_put(blk, VIRTIO_BLK_BATCH, false);
}

/* Status 0 or a guest reset, queue lock held: requests in flight belong to
 * the old generation from now on. */
static void blk_dev_reset(struct virtio_dev *d)
{
	struct virtio_blk *blk = virtio_dev_priv(d);
	unsigned long flags = spin_lock_irqsave(&blk->lock);
	unsigned int inflight = VIRTIO_BLK_INFLIGHT - (unsigned int)__builtin_popcount(blk->free_slots);

	blk->gen++;
	blk->starved = false;
	spin_unlock_irqrestore(&blk->lock, flags);
	if (inflight)
		log_debug("%s: reset with %u request(s) in flight: they complete unanswered",
			  blk->name, inflight);
}

static u32 blk_config_read(struct virtio_dev *d, u32 off, unsigned int width)
{
	struct virtio_blk *blk = virtio_dev_priv(d);
	u32 v = 0;

	for (unsigned int i = 0; i < width; i++)
		v |= (u32)blk->config[off + i] << (8 * i);
	return v;
}

static void blk_quiesce(struct virtio_dev *d, bool quiet);

#define BLK_FEATURES \
	(VIRTIO_FEATURE(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_FEATURE(VIRTIO_BLK_F_SEG_MAX) | \
	 VIRTIO_FEATURE(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_FEATURE(VIRTIO_BLK_F_FLUSH))

/* Two sets of operations: features are per type, and RO is per disk. */
static const struct virtio_backend_ops blk_ops = {
	.name = "blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = BLK_FEATURES,
	.num_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_MAX,
	.config_size = VIRTIO_BLK_CONFIG_SIZE,
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.reset = blk_dev_reset,
	.quiesce = blk_quiesce,
	.snap_save = virtio_blk_snap_save,
	.snap_load = virtio_blk_snap_load,
};

static const struct virtio_backend_ops blk_ro_ops = {
	.name = "blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = BLK_FEATURES | VIRTIO_FEATURE(VIRTIO_BLK_F_RO),
	.num_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_MAX,
	.config_size = VIRTIO_BLK_CONFIG_SIZE,
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.reset = blk_dev_reset,
	.quiesce = blk_quiesce,
	.snap_save = virtio_blk_snap_save,
	.snap_load = virtio_blk_snap_load,
};

/* ---- waiting for requests in flight -------------------------------------- */

/* Stops new requests and waits until none is in flight and no pass runs.
 * Thread context. */
static void quiesce(struct virtio_blk *blk)
{
	unsigned long flags = spin_lock_irqsave(&blk->lock);
	u64 warn_at = 0;

	blk->stopping = true;
	spin_unlock_irqrestore(&blk->lock, flags);
	for (;;) {
		u64 seq = waitq_prepare(&blk->idle);
		unsigned int active;
		u64 now;

		flags = spin_lock_irqsave(&blk->lock);
		active = blk->active;
		spin_unlock_irqrestore(&blk->lock, flags);
		if (!active)
			break;
		if (waitq_wait(&blk->idle, seq, WAIT_WARN_NS))
			continue;
		/* Never given up on: the backend may still write guest RAM. */
		now = time_now_ns();
		if (now >= warn_at) {
			log_warn("%s: waiting for %u request(s) in flight on %s", blk->name,
				 active, blk->bd->name);
			warn_at = now + WAIT_WARN_NS;
		}
	}
}

/* Snapshot quiesce: requests in flight are waited for as a guest reset
 * does, without the reset. Released, a pass takes what waited in the ring
 * meanwhile (no notify is lost: QueueNotify takes nothing while stopping). */
static void blk_quiesce(struct virtio_dev *d, bool quiet)
{
	struct virtio_blk *blk = virtio_dev_priv(d);
	unsigned long flags;

	if (quiet) {
		quiesce(blk);
		return;
	}
	flags = spin_lock_irqsave(&blk->lock);
	blk->stopping = false;
	blk->starved = false;
	blk->active++;		/* the pass's reference */
	spin_unlock_irqrestore(&blk->lock, flags);
	run_put(blk, VIRTIO_BLK_QUEUE_MAX, true);
}

/* ---- properties ---------------------------------------------------------- */

/* A 1- or 2-cell byte count of the node. 1: absent, 0: read, -1: bad. */
static int prop_u64(const void *fdt, int node, const char *name, u64 *val)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return 1;
	if (len == 4)
		*val = fdt32_to_cpu(p[0]);
	else if (len == 8)
		*val = (u64)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
	else
		return -1;
	return 0;
}

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

struct name_list {
	char *buf;
	size_t size, n;
};

static void add_name(struct blockdev *bd, void *ctx)
{
	struct name_list *l = ctx;

	if (l->n < l->size)
		l->n += snprintf(l->buf + l->n, l->size - l->n, "%s%s", l->n ? ", " : "",
				 bd->name);
}

struct blk_params {
	struct blockdev *bd;
	u64 offset, size;	/* bytes */
	bool read_only;
};

/* Reads and checks the node's properties; 0 or -EINVAL with err set. */
static int params(const void *fdt, int node, struct blk_params *p, char *err, size_t errlen)
{
	u64 dev_bytes;
	int len, r;
	const char *name = fdt_getprop(fdt, node, "backend", &len);
	const void *ro;

	memset(p, 0, sizeof(*p));
	if (!name) {
		snprintf(err, errlen, "property 'backend' missing (the host block device, "
			 "e.g. \"vda3\")");
		return -EINVAL;
	}
	if (len < 2 || name[len - 1] || strlen(name) != (size_t)len - 1 ||
	    len > BLOCKDEV_NAME_MAX || !name_ok(name)) {
		snprintf(err, errlen, "'backend' must be one host block device name: up to %u "
			 "characters of a-z, 0-9, '-' and '_'", BLOCKDEV_NAME_MAX - 1);
		return -EINVAL;
	}
	p->bd = blockdev_find(name);
	if (!p->bd) {
		char known[96];
		struct name_list l = { known, sizeof(known), 0 };

		known[0] = '\0';
		blockdev_for_each(add_name, &l);
		snprintf(err, errlen, "'backend' \"%s\" is not a host block device (the host "
			 "has: %s)", name, l.n ? known : "none");
		return -EINVAL;
	}
	ro = fdt_getprop(fdt, node, "read-only", &len);
	if (ro && len) {
		snprintf(err, errlen, "'read-only' takes no value");
		return -EINVAL;
	}
	p->read_only = ro != NULL;
	dev_bytes = p->bd->sectors * BLOCK_SECTOR;
	r = prop_u64(fdt, node, "offset", &p->offset);
	if (r < 0 || (!r && p->offset % BLOCK_SECTOR)) {
		snprintf(err, errlen, "'offset' must be one or two cells, a multiple of %u bytes",
			 BLOCK_SECTOR);
		return -EINVAL;
	}
	if (p->offset >= dev_bytes) {
		snprintf(err, errlen, "'offset' 0x%llx is not inside %s (0x%llx bytes)",
			 (unsigned long long)p->offset, p->bd->name,
			 (unsigned long long)dev_bytes);
		return -EINVAL;
	}
	r = prop_u64(fdt, node, "size", &p->size);
	if (r < 0 || (!r && (!p->size || p->size % BLOCK_SECTOR))) {
		snprintf(err, errlen, "'size' must be one or two cells, a non-zero multiple of "
			 "%u bytes", BLOCK_SECTOR);
		return -EINVAL;
	}
	if (r)
		p->size = dev_bytes - p->offset;
	if (p->size > dev_bytes - p->offset) {
		snprintf(err, errlen, "'offset' 0x%llx + 'size' 0x%llx is beyond the end of %s "
			 "(0x%llx bytes)", (unsigned long long)p->offset,
			 (unsigned long long)p->size, p->bd->name, (unsigned long long)dev_bytes);
		return -EINVAL;
	}
	return 0;
}

int virtio_blk_check(const void *fdt, int node, char *err, size_t errlen)
{
	struct blk_params p;

	return params(fdt, node, &p, err, errlen);
}

/* ---- lifecycle ----------------------------------------------------------- */

/* Claims the backend, for reading only when the disk is read-only (shared
 * with other readers); a refusal names who holds it, when a guest disk
 * does. */
static int claim(struct virtio_blk *blk)
{
	struct blockdev *bd = blk->bd;
	const struct virtio_blk *o;
	unsigned long flags;
	int err = blk->read_only ? blockdev_claim_read(bd) : blockdev_claim(bd);

	if (!err) {
		flags = spin_lock_irqsave(&disks_lock);
		list_add_tail(&blk->node, &disks);
		spin_unlock_irqrestore(&disks_lock, flags);
		return 0;
	}
	flags = spin_lock_irqsave(&disks_lock);
	list_for_each_entry(o, &disks, node) {
		if (o->bd == bd || o->bd == bd->parent || o->bd->parent == bd) {
			log_err("%s: backend %s is already in use by %s (backend %s, %s): a "
				"device has one writer or any number of readers, and a disk "
				"excludes its partitions", blk->name, bd->name, o->name,
				o->bd->name, o->read_only ? "read-only" : "read-write");
			spin_unlock_irqrestore(&disks_lock, flags);
			return err;
		}
	}
	spin_unlock_irqrestore(&disks_lock, flags);
	log_err("%s: backend %s cannot be claimed: %s", blk->name, bd->name, strerror(err));
	return err;
}

static void set_config(struct virtio_blk *blk)
{
	put_le(blk->config + 0, blk->capacity, 8);
	put_le(blk->config + 8, VIRTIO_BLK_SIZE_MAX, 4);
	put_le(blk->config + 12, VIRTIO_BLK_SEG_MAX, 4);
	put_le(blk->config + 20, BLOCK_SECTOR, 4);	/* blk_size; geometry (16) 0 */
}

struct virtio_dev *virtio_blk_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map, const void *fdt, int node)
{
	const char *guest = cfg->guest ? cfg->guest : "?";
	const char *device = cfg->device ? cfg->device : "?";
	struct virtio_blk *blk;
	struct blk_params p;
	char why[160], id[64];

	if (params(fdt, node, &p, why, sizeof(why))) {
		log_err("%s/%s: %s", guest, device, why);
		return NULL;
	}
	blk = kzalloc(sizeof(*blk));
	if (!blk) {
		log_err("%s/%s: out of memory", guest, device);
		return NULL;
	}
	snprintf(blk->name, sizeof(blk->name), "%s/%s", guest, device);
	spin_lock_init(&blk->lock);
	waitq_init(&blk->idle);
	list_init(&blk->node);
	blk->free_slots = (u32)((1ULL << VIRTIO_BLK_INFLIGHT) - 1);
	for (unsigned int i = 0; i < VIRTIO_BLK_INFLIGHT; i++)
		blk->slots[i].blk = blk;
	blk->bd = p.bd;
	blk->start = p.offset / BLOCK_SECTOR;
	blk->capacity = p.size / BLOCK_SECTOR;
	blk->read_only = p.read_only || p.bd->read_only;
	snprintf(id, sizeof(id), "kestrel-%s-%s", guest, device);
	memcpy(blk->id, id, MIN(strlen(id), sizeof(blk->id)));
	set_config(blk);
	if (claim(blk))
		goto free;
	blk->vdev = virtio_dev_create(cfg, blk->read_only ? &blk_ro_ops : &blk_ops, blk, map);
	if (!blk->vdev)
		goto release;
	log_info("%s: %s, %llu sectors at sector %llu of %s%s", blk->name,
		 blk->read_only ? "read-only" : "read-write", (unsigned long long)blk->capacity,
		 (unsigned long long)blk->start, blk->bd->name,
		 p.read_only || !p.bd->read_only ? "" : " (the host device is read-only)");
	return blk->vdev;
release:
	{
		unsigned long flags = spin_lock_irqsave(&disks_lock);

		list_del(&blk->node);
		spin_unlock_irqrestore(&disks_lock, flags);
	}
	blockdev_release(blk->bd);
free:
	kfree(blk);
	return NULL;
}

void virtio_blk_reset(struct virtio_dev *d)
{
	struct virtio_blk *blk = virtio_dev_priv(d);
	unsigned long flags;

	quiesce(blk);
	virtio_dev_reset(d);
	flags = spin_lock_irqsave(&blk->lock);
	blk->stopping = false;
	spin_unlock_irqrestore(&blk->lock, flags);
}

void virtio_blk_destroy(struct virtio_dev *d)
{
	struct virtio_blk *blk;
	unsigned long flags;

	if (!d)
		return;
	blk = virtio_dev_priv(d);
	quiesce(blk);
	virtio_dev_destroy(d);
	flags = spin_lock_irqsave(&disks_lock);
	list_del(&blk->node);
	spin_unlock_irqrestore(&disks_lock, flags);
	blockdev_release(blk->bd);
	kfree(blk);
}
