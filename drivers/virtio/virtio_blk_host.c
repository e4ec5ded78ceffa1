// SPDX-License-Identifier: GPL-2.0
/*
 * The host's virtio-blk disks as block devices "vda", "vdb", ... (VirtIO
 * 1.2, 5.2). One request queue; a device request is a header (type,
 * sector), the data segments and a status byte, through an indirect table
 * when VIRTIO_F_INDIRECT_DESC is offered (QEMU does), so each takes one
 * ring slot. A blk_req with more segments than the device takes in one
 * request (seg_max, at most 254 here: header + 254 + status fill one 4 KiB
 * table) or segments longer than size_max is split into several device
 * requests and completes when the last does, with the first error.
 * Requests beyond the free slots wait in a software queue (FIFO) and are
 * issued as completions free slots. Completions call req->done in the
 * interrupt handler.
 *
 * BLK_FLUSH: VIRTIO_BLK_T_FLUSH when the device offers VIRTIO_BLK_F_FLUSH.
 * QEMU 7.2 offers it when the disk has a write cache (cache=writeback, the
 * default) or its config-wce property is on (the default): with default
 * settings, always. A device without it has no volatile cache (QEMU:
 * cache=writethrough or directsync with config-wce=off): every completed
 * write is already on the medium, so a flush completes at once, with
 * success, without reaching the device.
 */
#define LOG_PREFIX "virtio-host"
#include "virtio_host.h"
#include <kestrel/blockdev.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include <arch_mmu.h>
#include <printf.h>
#include <string.h>

/* Feature bits and config layout (5.2.3, 5.2.4). */
#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9
#define CFG_CAPACITY		0
#define CFG_SIZE_MAX		8
#define CFG_SEG_MAX		12
#define CFG_BLK_SIZE		20

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_S_OK		0

#define VBLK_SLOTS		32	/* device requests in flight */
#define VBLK_QUEUE_WANT		256	/* ring entries (direct chains need many) */
#define VBLK_PART_SEGS		(PAGE_SIZE / sizeof(struct vring_desc) - 2)
#define VBLK_MAX_DISKS		26	/* vda .. vdz */
#define VBLK_LOUD_ERRORS	8	/* then at debug level */

struct vblk_hdr {
	u32 type;
	u32 reserved;
	u64 sector;
};

/* A request in progress: its parts on the device, its first error. */
struct vblk_track {
	struct blk_req *req;
	unsigned int inflight;
	int status;
	bool all_issued;
	bool busy;
};

/* One device request. hdr and status are read / written by the device. */
struct vblk_slot {
	struct vblk_hdr hdr;
	u8 status;
	bool busy;
	struct vblk_track *track;
	struct vring_desc *table;	/* indirect table (a page), or NULL */
	hpa_t table_pa;
};

struct vblk_done {
	struct blk_req *req;
	int status;
};

struct vblk {
	struct blockdev bd;
	struct virtio_host_dev *dev;
	struct virtio_host_queue *q;
	struct vblk_slot slots[VBLK_SLOTS];
	/* A request holding a track has a part in flight or is the head
	 * being issued: one more than the slots. */
	struct vblk_track tracks[VBLK_SLOTS + 1];
	/* Everything below: under the queue's lock. */
	struct list_head pending;	/* not fully issued, FIFO; linked by req->node */
	unsigned int cur_seg;		/* the head request's next data to issue */
	u32 cur_off;
	u64 cur_sector;
	unsigned int part_segs;		/* data descriptors per device request */
	u32 chunk_max;			/* bytes per descriptor, a multiple of 512 */
	bool indirect, flush;
	unsigned int loud_errors;
	hpa_t tables_pa;		/* the slots' indirect tables */
	unsigned int tables_order;
	struct vqd_seg sg[VBLK_PART_SEGS + 2];	/* chain being built */
};

static hpa_t hpa_of(const void *p)
{
	return arch_hva_to_hpa((hva_t)p);
}

static struct vblk_slot *free_slot(struct vblk *vb)
{
	for (unsigned int i = 0; i < VBLK_SLOTS; i++)
		if (!vb->slots[i].busy)
			return &vb->slots[i];
	return NULL;
}

static struct vblk_track *free_track(struct vblk *vb)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(vb->tracks); i++)
		if (!vb->tracks[i].busy)
			return &vb->tracks[i];
	return NULL;
}

/* Builds the head request's next device request into slot and vb->sg:
 * header, data from the cursor on, status. Sets *nout, *nin; true when it
 * is the request's last part. */
static bool build_part(struct vblk *vb, struct blk_req *req, struct vblk_slot *slot,
		       unsigned int *nout, unsigned int *nin)
{
	unsigned int n = 0, data = 0;
	u64 bytes = 0;

	slot->hdr.type = req->op == BLK_READ ? VIRTIO_BLK_T_IN :
			 req->op == BLK_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH;
	slot->hdr.reserved = 0;
	slot->hdr.sector = req->op == BLK_FLUSH ? 0 : vb->cur_sector;
	slot->status = 0xff;
	vb->sg[n++] = (struct vqd_seg){ hpa_of(&slot->hdr), sizeof(slot->hdr) };
	while (req->op != BLK_FLUSH && vb->cur_seg < req->nsegs && data < vb->part_segs) {
		const struct blk_seg *seg = &req->segs[vb->cur_seg];
		u32 len = MIN(seg->len - vb->cur_off, vb->chunk_max);

		vb->sg[n++] = (struct vqd_seg){ hpa_of((u8 *)seg->base + vb->cur_off), len };
		data++;
		bytes += len;
		vb->cur_off += len;
		if (vb->cur_off == seg->len) {
			vb->cur_seg++;
			vb->cur_off = 0;
		}
	}
	vb->cur_sector += bytes / BLOCK_SECTOR;
	vb->sg[n++] = (struct vqd_seg){ hpa_of(&slot->status), 1 };
	/* Device-readable first: header (and data for a write). */
	*nout = 1 + (req->op == BLK_WRITE ? data : 0);
	*nin = n - *nout;
	return req->op == BLK_FLUSH || vb->cur_seg == req->nsegs;
}

static void finish_track(struct vblk_track *t, struct vblk_done *done, unsigned int *nd)
{
	done[(*nd)++] = (struct vblk_done){ t->req, t->status };
	t->req->drv = NULL;
	t->busy = false;
}

/* Issues pending requests while slots are free. Queue lock held. Requests
 * that fail outright are added to done (room for VBLK_SLOTS + 1). */
static void issue(struct vblk *vb, struct vblk_done *done, unsigned int *nd)
{
	bool added = false;

	while (!list_empty(&vb->pending) && *nd <= VBLK_SLOTS) {
		struct blk_req *req = list_first_entry(&vb->pending, struct blk_req, node);
		struct vblk_track *t = req->drv;
		struct vblk_slot *slot = free_slot(vb);
		unsigned int seg = vb->cur_seg, nout, nin;
		u32 off = vb->cur_off;
		u64 sector = vb->cur_sector;
		bool last;
		int r;

		if (!slot)
			break;
		if (!t) {
			t = free_track(vb);	/* never fails: see tracks[] */
			if (!t)
				break;
			*t = (struct vblk_track){ .req = req, .busy = true };
			req->drv = t;
			vb->cur_seg = seg = 0;
			vb->cur_off = off = 0;
			vb->cur_sector = sector = req->sector;
		}
		last = build_part(vb, req, slot, &nout, &nin);
		if (vb->indirect)
			r = vqd_add_indirect(&vb->q->vq, slot->table, slot->table_pa, vb->sg, nout,
					     nin, slot);
		else
			r = vqd_add(&vb->q->vq, vb->sg, nout, nin, slot);
		if (r == -ENOSPC) {
			/* Ring full (direct chains): retried after completions. */
			vb->cur_seg = seg;
			vb->cur_off = off;
			vb->cur_sector = sector;
			break;
		}
		if (r) {
			log_err("%s: request at sector %llu refused by the queue (%s)", vb->bd.name,
				(unsigned long long)sector, strerror(r));
			t->status = -EIO;
			t->all_issued = true;
			list_del(&req->node);
			if (!t->inflight)
				finish_track(t, done, nd);
			continue;
		}
		slot->busy = true;
		slot->track = t;
		t->inflight++;
		added = true;
		if (last) {
			t->all_issued = true;
			list_del(&req->node);
		}
	}
	if (added)
		virtio_queue_kick(vb->q);
}

static void complete(struct vblk_done *done, unsigned int nd)
{
	for (unsigned int i = 0; i < nd; i++)
		done[i].req->done(done[i].req, done[i].status);
}

/* Used buffers: finish the parts, issue what waits, then the callbacks
 * (without the lock: they may submit again). IRQ context. */
static void vblk_queue_done(struct virtio_host_queue *q)
{
	struct vblk *vb = q->dev->priv;
	struct vblk_done done[VBLK_SLOTS + 1];
	struct vblk_slot *slot;
	unsigned int nd = 0;
	unsigned long flags = virtio_queue_lock(q);
	u32 len;

	while ((slot = vqd_get_used(&q->vq, &len))) {
		struct vblk_track *t = slot->track;

		if (slot->status != VIRTIO_BLK_S_OK) {
			if (!t->status)
				t->status = -EIO;
			log_printf(vb->loud_errors < VBLK_LOUD_ERRORS ? LOG_WARN : LOG_DEBUG,
				   LOG_PREFIX, "%s: %s at sector %llu failed (device status %u)",
				   vb->bd.name, slot->hdr.type == VIRTIO_BLK_T_IN ? "read" :
				   slot->hdr.type == VIRTIO_BLK_T_OUT ? "write" : "flush",
				   (unsigned long long)slot->hdr.sector, slot->status);
			vb->loud_errors++;
		}
		slot->busy = false;
		slot->track = NULL;
		if (!--t->inflight && t->all_issued)
			finish_track(t, done, &nd);
	}
	issue(vb, done, &nd);
	virtio_queue_unlock(q, flags);
	complete(done, nd);
}

static int vblk_submit(struct blockdev *bd, struct blk_req *req)
{
	struct vblk *vb = bd->priv;
	struct vblk_done done[VBLK_SLOTS + 1];
	unsigned int nd = 0;
	unsigned long flags;

	if (req->op == BLK_FLUSH && !vb->flush) {
		req->done(req, 0);	/* no volatile cache: nothing to flush */
		return 0;
	}
	flags = virtio_queue_lock(vb->q);
	req->drv = NULL;
	list_add_tail(&req->node, &vb->pending);
	issue(vb, done, &nd);
	virtio_queue_unlock(vb->q, flags);
	complete(done, nd);
	return 0;
}

static const struct blockdev_ops vblk_ops = {
	.submit = vblk_submit,
};

static void vblk_cleanup(struct virtio_host_dev *d)
{
	struct vblk *vb = d->priv;

	if (!vb)
		return;
	if (vb->tables_pa)
		page_free(vb->tables_pa, vb->tables_order);
	kfree(vb);
	d->priv = NULL;
}

static int vblk_init(struct virtio_host_dev *d)
{
	struct vblk *vb;
	u32 seg_max = VBLK_PART_SEGS, size_max = 0;
	int r;

	if (d->unit >= VBLK_MAX_DISKS) {
		log_err("virtio-blk at 0x%llx: more than %u disks", (unsigned long long)d->phys,
			VBLK_MAX_DISKS);
		return -ENOSPC;
	}
	vb = kzalloc(sizeof(*vb));
	if (!vb)
		return -ENOMEM;
	d->priv = vb;
	vb->dev = d;
	list_init(&vb->pending);
	vb->indirect = virtio_has_feature(d, VIRTIO_F_INDIRECT_DESC);
	vb->flush = virtio_has_feature(d, VIRTIO_BLK_F_FLUSH);
	if (virtio_has_feature(d, VIRTIO_BLK_F_SEG_MAX))
		seg_max = virtio_config_read32(d, CFG_SEG_MAX);
	if (virtio_has_feature(d, VIRTIO_BLK_F_SIZE_MAX))
		size_max = virtio_config_read32(d, CFG_SIZE_MAX);
	if (virtio_has_feature(d, VIRTIO_BLK_F_BLK_SIZE) &&
	    virtio_config_read32(d, CFG_BLK_SIZE) != BLOCK_SECTOR)
		log_warn("vd%c: logical block size %u: requests not aligned to it will fail",
			 'a' + d->unit, virtio_config_read32(d, CFG_BLK_SIZE));

	r = virtio_queue_setup(d, 0, VBLK_QUEUE_WANT, vblk_queue_done);
	if (r)
		return r;
	vb->q = &d->queues[0];
	vb->part_segs = MIN(MAX(seg_max, 1U), (u32)VBLK_PART_SEGS);
	if (!vb->indirect)
		vb->part_segs = MIN(vb->part_segs, vb->q->vq.num > 2 ? vb->q->vq.num - 2U : 1U);
	vb->chunk_max = size_max >= BLOCK_SECTOR ? ALIGN_DOWN(size_max, (u32)BLOCK_SECTOR) :
						   0x80000000U;
	if (vb->indirect) {
		vb->tables_order = page_order_for((u64)VBLK_SLOTS * PAGE_SIZE);
		vb->tables_pa = page_alloc(vb->tables_order);
		if (!vb->tables_pa)
			return -ENOMEM;
		for (unsigned int i = 0; i < VBLK_SLOTS; i++) {
			vb->slots[i].table_pa = vb->tables_pa + (hpa_t)i * PAGE_SIZE;
			vb->slots[i].table = (void *)arch_hpa_to_hva(vb->slots[i].table_pa);
		}
	}

	snprintf(vb->bd.name, sizeof(vb->bd.name), "vd%c", 'a' + d->unit);
	vb->bd.sectors = virtio_config_read64(d, CFG_CAPACITY);
	vb->bd.read_only = virtio_has_feature(d, VIRTIO_BLK_F_RO);
	vb->bd.ops = &vblk_ops;
	vb->bd.priv = vb;
	vb->bd.kind = "virtio-blk";
	if (!vb->bd.sectors) {
		log_err("%s: virtio-blk at 0x%llx has no capacity", vb->bd.name,
			(unsigned long long)d->phys);
		return -ENODEV;
	}
	return 0;
}

static int vblk_start(struct virtio_host_dev *d)
{
	struct vblk *vb = d->priv;
	int r;

	log_info("%s: virtio-blk at 0x%llx, irq %u: %s, %s, %u segments per request%s",
		 vb->bd.name, (unsigned long long)d->phys, d->hwirq,
		 vb->flush ? "flush" : "no flush (writes through)",
		 vb->indirect ? "indirect descriptors" : "direct descriptors", vb->part_segs,
		 vb->bd.read_only ? ", read-only" : "");
	r = blockdev_register_disk(&vb->bd);
	if (r)
		log_err("%s: cannot register the disk (%s)", vb->bd.name, strerror(r));
	return r;
}

const struct virtio_host_type virtio_blk_host_type = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = VIRTIO_FEATURE(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_FEATURE(VIRTIO_BLK_F_SEG_MAX) |
		    VIRTIO_FEATURE(VIRTIO_BLK_F_RO) | VIRTIO_FEATURE(VIRTIO_BLK_F_BLK_SIZE) |
		    VIRTIO_FEATURE(VIRTIO_BLK_F_FLUSH) | VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC),
	.init = vblk_init,
	.start = vblk_start,
	.cleanup = vblk_cleanup,
};
