// SPDX-License-Identifier: GPL-2.0
/* Host block devices: registry, MBR partitions, checked and translated requests, claims. */
#define LOG_PREFIX "blockdev"
#include <kestrel/blockdev.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/percpu.h>
#include <kestrel/spinlock.h>
#include <kestrel/thread.h>
#include <kestrel/timer.h>
#include <arch_cpu.h>
#include <arch_irq.h>
#include <printf.h>
#include <string.h>

#define MBR_SIGNATURE_OFF	510
#define MBR_TABLE_OFF		446
#define MBR_ENTRIES		4
#define MBR_ENTRY_SIZE		16
#define MBR_SCAN_TIMEOUT_NS	(10ULL * 1000000000)
/* blockdev_rw cuts its buffer into segments of at most this. */
#define RW_SEG_MAX		(1U << 20)

/* The registry: devices are added, never removed (but by blockdev_reset),
 * so a pointer read under the lock stays valid after it. The lock also
 * guards claims. */
static LIST_HEAD(devices);
static spinlock_t lock = SPINLOCK_INIT;

struct partition {
	struct blockdev bd;
	char kind[32];
};

/* A synchronous request: blockdev_rw and the partition scan. */
struct rw_sync {
	struct blk_req req;
	int status;
	bool done;
	u8 sector[BLOCK_SECTOR] __aligned(16);	/* the scan's buffer */
};

/* Every synchronous waiter sleeps here and checks its own request; a
 * completion never touches the waiter's memory after setting `done`. */
static struct waitq rw_wq = WAITQ_INIT(rw_wq);

static u64 mib(u64 sectors)
{
	return sectors / (SZ_1M / BLOCK_SECTOR);
}

/* ---- registry ------------------------------------------------------------ */

static struct blockdev *find_locked(const char *name)
{
	struct blockdev *bd;

	list_for_each_entry(bd, &devices, node)
		if (!strcmp(bd->name, name))
			return bd;
	return NULL;
}

struct blockdev *blockdev_find(const char *name)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	struct blockdev *bd = find_locked(name);

	spin_unlock_irqrestore(&lock, flags);
	return bd;
}

void blockdev_for_each(void (*fn)(struct blockdev *bd, void *ctx), void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	struct list_head *pos = devices.next;

	spin_unlock_irqrestore(&lock, flags);
	while (pos != &devices) {
		fn(list_entry(pos, struct blockdev, node), ctx);
		flags = spin_lock_irqsave(&lock);
		pos = pos->next;
		spin_unlock_irqrestore(&lock, flags);
	}
}

/* Adds bd after `after` (a disk: at the end; a partition: after its disk's
 * last partition). -EEXIST if the name is taken. */
static int add_device(struct blockdev *bd)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	struct list_head *after = devices.prev;

	if (find_locked(bd->name)) {
		spin_unlock_irqrestore(&lock, flags);
		return -EEXIST;
	}
	if (bd->parent) {
		after = &bd->parent->node;
		while (after->next != &devices &&
		       list_entry(after->next, struct blockdev, node)->parent == bd->parent)
			after = after->next;
	}
	list_insert_between(&bd->node, after, after->next);
	spin_unlock_irqrestore(&lock, flags);
	return 0;
}

/* ---- requests ------------------------------------------------------------ */

static void count(struct blockdev *bd, enum blk_op op, int status)
{
	u64 *ctr = status ? &bd->errors : op == BLK_READ ? &bd->reads :
		   op == BLK_WRITE ? &bd->writes : NULL;

	if (ctr)
		__atomic_add_fetch(ctr, 1, __ATOMIC_RELAXED);
}

static void count_both(struct blockdev *bd, enum blk_op op, int status)
{
	count(bd, op, status);
	if (bd->parent)
		count(bd->parent, op, status);
}

static int check_request(const struct blockdev *bd, const struct blk_req *req)
{
	u64 bytes = 0;

	if (req->op == BLK_FLUSH)
		return req->nsegs ? -EINVAL : 0;
	if (req->op != BLK_READ && req->op != BLK_WRITE)
		return -EINVAL;
	if (!req->nsegs || req->nsegs > BLK_MAX_SEGS)
		return -EINVAL;
	for (unsigned int i = 0; i < req->nsegs; i++) {
		if (!req->segs[i].base || !req->segs[i].len || req->segs[i].len % BLOCK_SECTOR)
			return -EINVAL;
		bytes += req->segs[i].len;
	}
	if (req->sector > bd->sectors || bytes / BLOCK_SECTOR > bd->sectors - req->sector)
		return -EINVAL;
	if (req->op == BLK_WRITE && bd->read_only)
		return -EPERM;
	return 0;
}

/* Completion of every request: back to the submitter's view, counted. */
static void request_done(struct blk_req *req, int status)
{
	struct blockdev *bd = req->bd;

	req->sector -= bd->start;
	req->done = req->submitter_done;
	req->bd = NULL;
	count_both(bd, req->op, status);
	req->done(req, status);
}

int blockdev_submit(struct blockdev *bd, struct blk_req *req)
{
	struct blockdev *disk;
	int r;

	if (!bd || !req || !req->done)
		return -EINVAL;
	disk = bd->parent ? bd->parent : bd;
	r = check_request(bd, req);
	if (!r && !disk->ops)
		r = -ENODEV;
	if (r) {
		count_both(bd, req->op, r);
		return r;
	}
	req->bd = bd;
	req->submitter_done = req->done;
	req->done = request_done;
	req->sector += bd->start;
	r = disk->ops->submit(disk, req);
	if (r) {
		/* The driver refused it: done will not run, so undo here. */
		req->sector -= bd->start;
		req->done = req->submitter_done;
		req->bd = NULL;
		count_both(bd, req->op, r);
	}
	/* On success req may already be done (and freed): not touched again. */
	return r;
}

/* ---- synchronous requests -------------------------------------------------- */

/* A hypervisor thread may sleep; the boot context (before the scheduler
 * runs) and the idle loop may not. */
static bool can_sleep(void)
{
	struct thread *t = thread_current();

	return t && t != this_cpu()->idle;
}

static void rw_done(struct blk_req *req, int status)
{
	struct rw_sync *s = req->priv;

	s->status = status;
	__atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
	/* s may be gone from here on: its waiter saw `done`. */
	waitq_wake_all(&rw_wq);
}

static void poll_wakeup(struct timer_event *ev, void *arg)
{
	/* Nothing: the interrupt alone ends the CPU's wait. */
}

/* Waits for s->done, at most timeout_ns (0: no limit). False on timeout. */
static bool rw_wait(struct rw_sync *s, u64 timeout_ns)
{
	u64 deadline = timeout_ns ? time_now_ns() + timeout_ns : 0;
	struct timer_event ev;
	bool ok = true;

	if (can_sleep()) {
		for (;;) {
			u64 seq = waitq_prepare(&rw_wq), now;

			if (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
				return true;
			now = time_now_ns();
			if (deadline && now >= deadline)
				return false;
			waitq_wait(&rw_wq, seq, deadline ? deadline - now : 0);
		}
	}
	/* Boot context: sleep in WFI until the completion interrupt (or the
	 * timeout's timer event) arrives. */
	if (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
		return true;
	timer_event_init(&ev, poll_wakeup, NULL);
	if (deadline)
		timer_event_start(&ev, timeout_ns);
	while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
		unsigned long flags;

		if (deadline && time_now_ns() >= deadline) {
			ok = false;
			break;
		}
		flags = arch_irq_save();
		if (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
			arch_cpu_wait_for_irq();
		arch_irq_restore(flags);	/* the interrupt is taken here */
	}
	if (deadline)
		timer_event_stop(&ev);
	return ok;
}

/* Submits s->req to bd and waits. The status, or -ETIMEDOUT: then s still
 * belongs to the device and must never be freed or reused. */
static int rw_sync_run(struct blockdev *bd, struct rw_sync *s, u64 timeout_ns)
{
	int r;

	if (!can_sleep() && arch_irqs_disabled()) {
		log_err("%s: synchronous I/O with interrupts masked would never complete",
			bd->name);
		return -EINVAL;
	}
	s->req.done = rw_done;
	s->req.priv = s;
	r = blockdev_submit(bd, &s->req);
	if (r)
		return r;
	if (!rw_wait(s, timeout_ns))
		return -ETIMEDOUT;
	return s->status;
}

int blockdev_rw(struct blockdev *bd, enum blk_op op, u64 sector, void *buf, u32 count)
{
	u64 bytes = (u64)count * BLOCK_SECTOR;
	struct rw_sync *s;
	int r;

	if (!bd || (op != BLK_READ && op != BLK_WRITE) || !buf || !count ||
	    (bytes + RW_SEG_MAX - 1) / RW_SEG_MAX > BLK_MAX_SEGS)
		return -EINVAL;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->req.op = op;
	s->req.sector = sector;
	for (u64 off = 0; off < bytes; off += RW_SEG_MAX) {
		s->req.segs[s->req.nsegs].base = (u8 *)buf + off;
		s->req.segs[s->req.nsegs].len = (u32)MIN((u64)RW_SEG_MAX, bytes - off);
		s->req.nsegs++;
	}
	r = rw_sync_run(bd, s, 0);
	kfree(s);
	return r;
}

int blockdev_flush(struct blockdev *bd)
{
	struct rw_sync *s;
	int r;

	if (!bd)
		return -EINVAL;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->req.op = BLK_FLUSH;
	r = rw_sync_run(bd, s, 0);
	kfree(s);
	return r;
}

/* ---- partitions ------------------------------------------------------------ */

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static bool is_extended(u8 type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static void add_partition(struct blockdev *disk, unsigned int n, u8 type, u32 start, u32 len)
{
	struct partition *p = kzalloc(sizeof(*p));
	int r;

	if (!p) {
		log_err("%s%u: out of memory", disk->name, n);
		return;
	}
	snprintf(p->bd.name, sizeof(p->bd.name), "%s%u", disk->name, n);
	snprintf(p->kind, sizeof(p->kind), "partition (MBR type 0x%02x)", type);
	p->bd.kind = p->kind;
	p->bd.sectors = len;
	p->bd.start = start;
	p->bd.mbr_type = type;
	p->bd.parent = disk;
	p->bd.read_only = disk->read_only;
	r = add_device(&p->bd);
	if (r) {
		log_err("%s: cannot register (%s)", p->bd.name, strerror(r));
		kfree(p);
		return;
	}
	log_info("%s: %llu MiB at sector %u of %s, MBR type 0x%02x", p->bd.name,
		 (unsigned long long)mib(len), start, disk->name, type);
}

/* Registers the primary partitions of the MBR in sector 0 (m). */
static void parse_mbr(struct blockdev *disk, const u8 *m)
{
	const u8 *e;

	if (m[MBR_SIGNATURE_OFF] != 0x55 || m[MBR_SIGNATURE_OFF + 1] != 0xaa) {
		log_info("%s: no MBR partition table", disk->name);
		return;
	}
	for (unsigned int i = 0; i < MBR_ENTRIES; i++) {
		e = m + MBR_TABLE_OFF + i * MBR_ENTRY_SIZE;
		/* A boot sector of a whole-disk file system has the signature
		 * too; its bytes here are not boot flags. */
		if (e[0] != 0x00 && e[0] != 0x80) {
			log_info("%s: sector 0 is not an MBR partition table (entry %u has boot "
				 "flag 0x%02x)", disk->name, i + 1, e[0]);
			return;
		}
		if (e[4] == 0xee) {
			log_info("%s: GPT partition table (protective MBR): not supported, "
				 "whole disk only", disk->name);
			return;
		}
	}
	for (unsigned int i = 0; i < MBR_ENTRIES; i++) {
		u8 type;
		u32 start, len;

		e = m + MBR_TABLE_OFF + i * MBR_ENTRY_SIZE;
		type = e[4];
		start = le32(e + 8);
		len = le32(e + 12);
		if (!type || !len)
			continue;
		if (is_extended(type)) {
			log_info("%s%u: extended partition (MBR type 0x%02x): logical partitions "
				 "are not supported, skipped", disk->name, i + 1, type);
			continue;
		}
		if (!start) {
			log_warn("%s%u: MBR entry %u (type 0x%02x) starts at sector 0, over the "
				 "partition table: ignored", disk->name, i + 1, i + 1, type);
			continue;
		}
		if ((u64)start + len > disk->sectors) {
			log_warn("%s%u: MBR entry %u (sectors %u-%llu, type 0x%02x) ends past "
				 "the disk end (%llu sectors): ignored", disk->name, i + 1, i + 1, start,
				 (unsigned long long)start + len - 1, type,
				 (unsigned long long)disk->sectors);
			continue;
		}
		add_partition(disk, i + 1, type, start, len);
	}
}

static void scan_partitions(struct blockdev *disk)
{
	struct rw_sync *s = kzalloc(sizeof(*s));
	int r;

	if (!s) {
		log_err("%s: out of memory: partition table not read", disk->name);
		return;
	}
	s->req.op = BLK_READ;
	s->req.sector = 0;
	s->req.nsegs = 1;
	s->req.segs[0].base = s->sector;
	s->req.segs[0].len = BLOCK_SECTOR;
	r = rw_sync_run(disk, s, MBR_SCAN_TIMEOUT_NS);
	if (r == -ETIMEDOUT) {
		/* s stays allocated: the device may still complete into it. */
		log_warn("%s: no answer reading sector 0 within %llu s: partitions not scanned",
			 disk->name, MBR_SCAN_TIMEOUT_NS / 1000000000);
		return;
	}
	if (r)
		log_warn("%s: cannot read sector 0 (%s): partitions not scanned", disk->name,
			 strerror(r));
	else
		parse_mbr(disk, s->sector);
	kfree(s);
}

int blockdev_register_disk(struct blockdev *bd)
{
	size_t len;
	int r;

	if (!bd || !bd->ops || !bd->ops->submit || !bd->sectors)
		return -EINVAL;
	len = strnlen(bd->name, sizeof(bd->name));
	/* Room for a partition number: "<name>4". */
	if (!len || len > sizeof(bd->name) - 2)
		return -EINVAL;
	bd->parent = NULL;
	bd->start = 0;
	bd->reads = bd->writes = bd->errors = 0;
	bd->users = 0;
	bd->writer = false;
	if (!bd->kind)
		bd->kind = "disk";
	r = add_device(bd);
	if (r)
		return r;
	log_info("%s: %llu MiB (%llu sectors), %s%s", bd->name,
		 (unsigned long long)mib(bd->sectors), (unsigned long long)bd->sectors, bd->kind,
		 bd->read_only ? ", read-only" : "");
	scan_partitions(bd);
	return 0;
}

/* ---- claims ---------------------------------------------------------------- */

/* A disk with a claimed partition, or a partition of a claimed disk. Lock held. */
static bool relative_in_use(const struct blockdev *bd)
{
	const struct blockdev *o;

	if (bd->parent)
		return bd->parent->users != 0;
	list_for_each_entry(o, &devices, node)
		if (o->parent == bd && o->users)
			return true;
	return false;
}

static int claim(struct blockdev *bd, bool write)
{
	unsigned long flags;
	int r = 0;

	if (!bd)
		return -EINVAL;
	flags = spin_lock_irqsave(&lock);
	if (write && bd->read_only)
		r = -EPERM;
	else if (relative_in_use(bd) || bd->writer || (write && bd->users))
		r = -EBUSY;
	else {
		bd->users++;
		bd->writer = write;
	}
	spin_unlock_irqrestore(&lock, flags);
	return r;
}

int blockdev_claim(struct blockdev *bd)
{
	return claim(bd, true);
}

int blockdev_claim_read(struct blockdev *bd)
{
	return claim(bd, false);
}

void blockdev_release(struct blockdev *bd)
{
	unsigned long flags;
	bool stray;

	if (!bd)
		return;
	flags = spin_lock_irqsave(&lock);
	stray = !bd->users;
	if (!stray && !--bd->users)
		bd->writer = false;
	spin_unlock_irqrestore(&lock, flags);
	if (stray)
		log_warn("%s: released but not claimed", bd->name);
}

void blockdev_reset(void)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &devices) {
		struct blockdev *bd = list_entry(pos, struct blockdev, node);

		list_del(pos);
		if (bd->parent)
			kfree(container_of(bd, struct partition, bd));
	}
}
