// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the block layer (core/blockdev.c) over a memory-backed fake
 * disk that completes requests at once or when the test says: registration
 * and names, the MBR scan (primary partitions, empty entries, entries past
 * the disk end or at sector 0, no signature, a boot sector that is not a
 * partition table, GPT, extended), request checks, partition translation
 * and completion, counters, the synchronous helper, and claims.
 */
#include "unit.h"
#include "kerrno.h"
#include "ram_zone.h"
#include <stdlib.h>
#include <kestrel/blockdev.h>
#include <kestrel/thread.h>

#define DISK_SECTORS	4096		/* 2 MiB */

RAM_ZONE_GROUP_FIXTURES(16 << 20)

/* No scheduler here: the block layer sees the boot context (it polls). */
struct thread *thread_current(void)
{
	return NULL;
}

/* ---- the fake disk ------------------------------------------------------- */

struct fake_disk {
	struct blockdev bd;
	u8 *data;
	bool deferred;		/* keep requests until fake_complete */
	int submit_ret;		/* refuse with this */
	int status;		/* complete with this */
	unsigned int submits;
	u64 last_sector;	/* in device coordinates */
	struct list_head pending;
};

static struct fake_disk disk, disk2;

static void fake_do(struct fake_disk *fd, struct blk_req *req)
{
	u64 off = req->sector * BLOCK_SECTOR;

	for (unsigned int i = 0; i < req->nsegs && !fd->status; i++) {
		if (req->op == BLK_READ)
			memcpy(req->segs[i].base, fd->data + off, req->segs[i].len);
		else if (req->op == BLK_WRITE)
			memcpy(fd->data + off, req->segs[i].base, req->segs[i].len);
		off += req->segs[i].len;
	}
	req->done(req, fd->status);
}

static int fake_submit(struct blockdev *bd, struct blk_req *req)
{
	struct fake_disk *fd = bd->priv;

	fd->submits++;
	if (fd->submit_ret)
		return fd->submit_ret;
	fd->last_sector = req->sector;
	/* The layer checked the range in device coordinates. */
	assert_true(req->op == BLK_FLUSH || req->sector < bd->sectors);
	if (fd->deferred)
		list_add_tail(&req->node, &fd->pending);
	else
		fake_do(fd, req);
	return 0;
}

static void fake_complete(struct fake_disk *fd)
{
	while (!list_empty(&fd->pending)) {
		struct blk_req *req = list_first_entry(&fd->pending, struct blk_req, node);

		list_del(&req->node);
		fake_do(fd, req);
	}
}

static const struct blockdev_ops fake_ops = { .submit = fake_submit };

static void fake_init(struct fake_disk *fd, const char *name, u64 sectors)
{
	free(fd->data);
	memset(fd, 0, sizeof(*fd));
	strcpy(fd->bd.name, name);
	fd->bd.sectors = sectors;
	fd->bd.ops = &fake_ops;
	fd->bd.priv = fd;
	fd->bd.kind = "fake";
	fd->data = calloc(sectors, BLOCK_SECTOR);
	assert_non_null(fd->data);
	list_init(&fd->pending);
}

/* Writes MBR entry n (1-4) into the fake disk's sector 0 and the signature. */
static void mbr_entry(struct fake_disk *fd, unsigned int n, u8 flag, u8 type, u32 start,
		      u32 len)
{
	u8 *e = fd->data + 446 + (n - 1) * 16;

	e[0] = flag;
	e[4] = type;
	for (int i = 0; i < 4; i++) {
		e[8 + i] = (u8)(start >> (8 * i));
		e[12 + i] = (u8)(len >> (8 * i));
	}
	fd->data[510] = 0x55;
	fd->data[511] = 0xaa;
}

static int setup(void **state)
{
	fake_console_reset();
	blockdev_reset();
	fake_init(&disk, "vda", DISK_SECTORS);
	fake_init(&disk2, "vdb", DISK_SECTORS);
	return 0;
}

static int teardown(void **state)
{
	blockdev_reset();
	free(disk.data);
	free(disk2.data);
	disk.data = disk2.data = NULL;
	return 0;
}

/* ---- a request of the test's own ----------------------------------------- */

static struct blk_req req;
static int done_status;
static unsigned int done_calls;
static u8 buf[8 * BLOCK_SECTOR];

static void req_done(struct blk_req *r, int status)
{
	assert_ptr_equal(r, &req);
	done_status = status;
	done_calls++;
}

static void make_req(enum blk_op op, u64 sector, u32 sectors)
{
	memset(&req, 0, sizeof(req));
	req.op = op;
	req.sector = sector;
	if (sectors) {
		req.nsegs = 1;
		req.segs[0].base = buf;
		req.segs[0].len = sectors * BLOCK_SECTOR;
	}
	req.done = req_done;
	done_calls = 0;
	done_status = 1;
}

/* ---- names collected by blockdev_for_each -------------------------------- */

static char names[256];

static void collect(struct blockdev *bd, void *ctx)
{
	strcat(names, bd->name);
	strcat(names, " ");
}

static const char *all_names(void)
{
	names[0] = '\0';
	blockdev_for_each(collect, NULL);
	return names;
}

/* ---- registration and the MBR scan --------------------------------------- */

static void test_mbr_primary_partitions(void **state)
{
	struct blockdev *p;

	mbr_entry(&disk, 1, 0x80, 0x0e, 2048, 1024);
	mbr_entry(&disk, 2, 0x00, 0xda, 3072, 512);
	/* entry 3 empty */
	mbr_entry(&disk, 4, 0x00, 0x83, 3584, 512);	/* ends exactly at the disk end */
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	assert_string_equal(all_names(), "vda vda1 vda2 vda4 ");
	assert_int_equal(disk.submits, 1);		/* sector 0 */
	assert_int_equal(disk.bd.reads, 1);

	p = blockdev_find("vda2");
	assert_non_null(p);
	assert_ptr_equal(p->parent, &disk.bd);
	assert_int_equal(p->start, 3072);
	assert_int_equal(p->sectors, 512);
	assert_string_equal(p->kind, "partition (MBR type 0xda)");
	assert_null(p->ops);
	assert_string_equal(blockdev_find("vda1")->kind, "partition (MBR type 0x0e)");
	assert_null(blockdev_find("vda3"));
	assert_null(blockdev_find("nope"));
	assert_ptr_equal(blockdev_find("vda"), &disk.bd);
	assert_console_contains("blockdev: vda: 2 MiB (4096 sectors), fake");
	assert_console_contains("blockdev: vda4: 0 MiB at sector 3584 of vda, MBR type 0x83");

	/* A second disk comes after the first one's partitions. */
	mbr_entry(&disk2, 1, 0, 0x83, 100, 100);
	assert_int_equal(blockdev_register_disk(&disk2.bd), 0);
	assert_string_equal(all_names(), "vda vda1 vda2 vda4 vdb vdb1 ");
}

static void test_mbr_rejects_bad_entries(void **state)
{
	mbr_entry(&disk, 1, 0, 0x83, 2048, 2049);	/* one sector past the end */
	mbr_entry(&disk, 2, 0, 0x83, 0, 16);		/* over the MBR */
	mbr_entry(&disk, 3, 0, 0x83, 100, 0);		/* empty: no sectors */
	mbr_entry(&disk, 4, 0, 0x83, 0xffffffff, 0xffffffff);	/* far past, no overflow */
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	assert_string_equal(all_names(), "vda ");
	assert_console_contains("blockdev: warning: vda1: MBR entry 1 (sectors 2048-4096, "
				"type 0x83) ends past the disk end (4096 sectors): ignored");
	assert_console_contains("vda2: MBR entry 2 (type 0x83) starts at sector 0");
	assert_console_contains("vda4: MBR entry 4 (sectors 4294967295-8589934589");
	assert_console_lacks("vda3");
}

static void test_mbr_absent_or_foreign(void **state)
{
	/* No signature. */
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	assert_string_equal(all_names(), "vda ");
	assert_console_contains("vda: no MBR partition table");

	/* A boot sector with the signature but no partition table. */
	setup(state);
	mbr_entry(&disk, 1, 0, 0x83, 100, 100);
	disk.data[446 + 16] = 0x3c;
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	assert_string_equal(all_names(), "vda ");
	assert_console_contains("vda: sector 0 is not an MBR partition table (entry 2 has boot "
				"flag 0x3c)");

	/* A protective MBR: GPT. */
	setup(state);
	mbr_entry(&disk, 1, 0, 0xee, 1, DISK_SECTORS - 1);
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	assert_string_equal(all_names(), "vda ");
	assert_console_contains("vda: GPT partition table (protective MBR): not supported");

	/* An extended partition is skipped, the primary ones kept. */
	setup(state);
	mbr_entry(&disk, 1, 0, 0x05, 100, 100);
	mbr_entry(&disk, 2, 0, 0x83, 200, 100);
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	assert_string_equal(all_names(), "vda vda2 ");
	assert_console_contains("vda1: extended partition (MBR type 0x05)");

	/* Sector 0 unreadable: the disk is there, without partitions. */
	setup(state);
	mbr_entry(&disk, 1, 0, 0x83, 100, 100);
	disk.status = -EIO;
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	assert_string_equal(all_names(), "vda ");
	assert_console_contains("vda: cannot read sector 0 (");
	assert_int_equal(disk.bd.errors, 1);
}

static void test_register_rejects(void **state)
{
	struct fake_disk again;

	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	memset(&again, 0, sizeof(again));
	again.bd = disk.bd;
	assert_int_equal(blockdev_register_disk(&again.bd), -EEXIST);

	disk2.bd.ops = NULL;
	assert_int_equal(blockdev_register_disk(&disk2.bd), -EINVAL);
	disk2.bd.ops = &fake_ops;
	disk2.bd.sectors = 0;
	assert_int_equal(blockdev_register_disk(&disk2.bd), -EINVAL);
	disk2.bd.sectors = DISK_SECTORS;
	strcpy(disk2.bd.name, "fifteen-chars-x");	/* no room for a partition digit */
	assert_int_equal(blockdev_register_disk(&disk2.bd), -EINVAL);
	disk2.bd.name[0] = '\0';
	assert_int_equal(blockdev_register_disk(&disk2.bd), -EINVAL);
	assert_int_equal(blockdev_register_disk(NULL), -EINVAL);
	assert_string_equal(all_names(), "vda ");
}

/* ---- requests ---------------------------------------------------------- */

static void test_submit_range_checks(void **state)
{
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	disk.submits = 0;

	make_req(BLK_READ, DISK_SECTORS - 8, 8);	/* the last 8 sectors */
	assert_int_equal(blockdev_submit(&disk.bd, &req), 0);
	assert_int_equal(done_calls, 1);
	assert_int_equal(done_status, 0);

	make_req(BLK_READ, DISK_SECTORS - 7, 8);	/* one past the end */
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_WRITE, DISK_SECTORS, 1);
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_READ, ~0ULL - 2, 8);		/* would wrap */
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_READ, 0, 1);
	req.segs[0].len = 100;				/* not whole sectors */
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_READ, 0, 1);
	req.segs[0].base = NULL;
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_READ, 0, 0);			/* no segment */
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_READ, 0, 1);
	req.nsegs = BLK_MAX_SEGS + 1;
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_FLUSH, 0, 1);			/* a flush carries no data */
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req((enum blk_op)7, 0, 1);
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	make_req(BLK_READ, 0, 1);
	req.done = NULL;
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EINVAL);
	assert_int_equal(done_calls, 0);
	assert_int_equal(disk.submits, 1);		/* only the good one reached it */
	assert_int_equal(disk.bd.errors, 9);

	make_req(BLK_FLUSH, 0, 0);
	assert_int_equal(blockdev_submit(&disk.bd, &req), 0);
	assert_int_equal(done_calls, 1);

	disk.bd.read_only = true;
	make_req(BLK_WRITE, 0, 1);
	assert_int_equal(blockdev_submit(&disk.bd, &req), -EPERM);
	make_req(BLK_READ, 0, 1);
	assert_int_equal(blockdev_submit(&disk.bd, &req), 0);
}

static void test_partition_translation(void **state)
{
	struct blockdev *p;

	mbr_entry(&disk, 1, 0, 0x83, 1000, 100);
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	p = blockdev_find("vda1");
	memcpy(disk.data + 1005 * BLOCK_SECTOR, "partition sector 5", 19);

	make_req(BLK_READ, 5, 1);
	assert_int_equal(blockdev_submit(p, &req), 0);
	assert_int_equal(disk.last_sector, 1005);
	assert_int_equal(done_calls, 1);
	assert_int_equal(done_status, 0);
	assert_string_equal((char *)buf, "partition sector 5");
	/* The submitter gets its request back as it was. */
	assert_int_equal(req.sector, 5);
	assert_ptr_equal(req.done, req_done);
	assert_null(req.bd);
	assert_int_equal(p->reads, 1);
	assert_int_equal(disk.bd.reads, 2);		/* sector 0 at the scan, and this */

	/* The partition's end is the limit, not the disk's. */
	make_req(BLK_WRITE, 99, 2);
	assert_int_equal(blockdev_submit(p, &req), -EINVAL);
	assert_int_equal(p->errors, 1);
	assert_int_equal(disk.bd.errors, 1);
	make_req(BLK_WRITE, 99, 1);
	assert_int_equal(blockdev_submit(p, &req), 0);
	assert_int_equal(disk.last_sector, 1099);
	assert_int_equal(p->writes, 1);

	make_req(BLK_FLUSH, 0, 0);
	assert_int_equal(blockdev_submit(p, &req), 0);
	assert_int_equal(done_calls, 1);
}

static void test_deferred_completion_and_errors(void **state)
{
	mbr_entry(&disk, 2, 0, 0x83, 64, 64);
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	struct blockdev *p = blockdev_find("vda2");

	disk.deferred = true;
	make_req(BLK_WRITE, 3, 2);
	assert_int_equal(blockdev_submit(p, &req), 0);
	assert_int_equal(done_calls, 0);
	assert_int_equal(req.sector, 67);		/* in flight: device coordinates */
	disk.status = -EIO;
	fake_complete(&disk);
	assert_int_equal(done_calls, 1);
	assert_int_equal(done_status, -EIO);
	assert_int_equal(req.sector, 3);
	assert_int_equal(p->errors, 1);
	assert_int_equal(p->writes, 0);
	assert_int_equal(disk.bd.errors, 1);

	/* The driver refuses: no done, the request as it was, an error counted. */
	disk.status = 0;
	disk.submit_ret = -ENOMEM;
	make_req(BLK_READ, 3, 1);
	assert_int_equal(blockdev_submit(p, &req), -ENOMEM);
	assert_int_equal(done_calls, 0);
	assert_int_equal(req.sector, 3);
	assert_ptr_equal(req.done, req_done);
	assert_int_equal(p->errors, 2);
}

static void test_rw_helper(void **state)
{
	static u8 out[3 * BLOCK_SECTOR], in[3 * BLOCK_SECTOR];

	mbr_entry(&disk, 3, 0, 0x83, 10, 20);
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	struct blockdev *p = blockdev_find("vda3");

	for (unsigned int i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i * 7);
	assert_int_equal(blockdev_rw(p, BLK_WRITE, 2, out, 3), 0);
	assert_memory_equal(disk.data + 12 * BLOCK_SECTOR, out, sizeof(out));
	assert_int_equal(blockdev_rw(&disk.bd, BLK_READ, 12, in, 3), 0);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(blockdev_rw(p, BLK_READ, 18, in, 3), -EINVAL);	/* past its end */
	assert_int_equal(blockdev_rw(p, BLK_FLUSH, 0, in, 1), -EINVAL);
	assert_int_equal(blockdev_rw(p, BLK_READ, 0, in, 0), -EINVAL);
	assert_int_equal(blockdev_rw(p, BLK_READ, 0, NULL, 1), -EINVAL);
	disk.status = -EIO;
	assert_int_equal(blockdev_rw(p, BLK_READ, 0, in, 1), -EIO);
	assert_int_equal(p->writes, 1);
	assert_int_equal(p->errors, 2);
}

/* ---- claims ---------------------------------------------------------------- */

static void test_claims(void **state)
{
	mbr_entry(&disk, 1, 0, 0x83, 100, 100);
	mbr_entry(&disk, 2, 0, 0x83, 200, 100);
	assert_int_equal(blockdev_register_disk(&disk.bd), 0);
	struct blockdev *p1 = blockdev_find("vda1"), *p2 = blockdev_find("vda2");

	/* Two writers exclude each other; partitions are independent. */
	assert_int_equal(blockdev_claim(p1), 0);
	assert_int_equal(p1->users, 1);
	assert_int_equal(blockdev_claim(p1), -EBUSY);
	assert_int_equal(blockdev_claim_read(p1), -EBUSY);
	assert_int_equal(blockdev_claim(p2), 0);
	/* The disk and its partitions exclude each other. */
	assert_int_equal(blockdev_claim(&disk.bd), -EBUSY);
	assert_int_equal(blockdev_claim_read(&disk.bd), -EBUSY);
	blockdev_release(p1);
	blockdev_release(p2);
	assert_int_equal(p1->users, 0);
	assert_int_equal(blockdev_claim_read(&disk.bd), 0);
	assert_int_equal(blockdev_claim_read(&disk.bd), 0);	/* readers share */
	assert_int_equal(disk.bd.users, 2);
	assert_int_equal(blockdev_claim(&disk.bd), -EBUSY);	/* a writer does not */
	assert_int_equal(blockdev_claim_read(p1), -EBUSY);
	blockdev_release(&disk.bd);
	assert_int_equal(blockdev_claim(p1), -EBUSY);
	blockdev_release(&disk.bd);
	assert_int_equal(blockdev_claim(p1), 0);
	blockdev_release(p1);

	/* Read-only: readers only. */
	p2->read_only = true;
	assert_int_equal(blockdev_claim(p2), -EPERM);
	assert_int_equal(blockdev_claim_read(p2), 0);
	blockdev_release(p2);

	fake_console_reset();
	blockdev_release(p2);
	assert_console_contains("blockdev: warning: vda2: released but not claimed");
	assert_int_equal(p2->users, 0);
	assert_int_equal(blockdev_claim(NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mbr_primary_partitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mbr_rejects_bad_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mbr_absent_or_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_range_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partition_translation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_completion_and_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rw_helper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims, setup, teardown),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, group_setup, group_teardown);
}
