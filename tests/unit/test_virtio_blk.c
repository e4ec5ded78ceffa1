// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-blk device (emulators/virtio/virtio_blk.c) on
 * the real transport, driven as a guest driver drives it, over a fake
 * memory-backed host block device defined here (the blockdev.h contract):
 * requests are held until the test completes them, in any order, as a
 * disk's interrupt would. Reads, writes, flushes and GET_ID, ranges and
 * read-only disks, malformed requests, completion order, the in-flight
 * bound, resets with requests in flight, claims, and the node's
 * properties through the emulator's check hook.
 */
#include "virtio_fixture.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include "kerrno.h"
#include <libfdt.h>
#include <kestrel/blockdev.h>
#include <kestrel/emulator.h>
#include <kestrel/guest.h>
#include <kestrel/heap.h>
#include <kestrel/timer.h>
#include "../../emulators/virtio/virtio_blk.h"

#define POOL_SIZE	(4UL * 1024 * 1024)
#define BASE		0x0a000000ULL
#define BASE2		(BASE + VIRTIO_MMIO_SIZE)
#define QSIZE		128
#define RING		RAM_BASE
#define HDR(i)		(RAM_BASE + 4 * CHUNK + 16 * (u64)(i))
#define STATUS(i)	(RAM_BASE + 6 * CHUNK + (u64)(i))
#define DATA		(RAM_BASE + 8 * CHUNK)
#define DISK_SECTORS	2048
#define PART_START	1024
#define PART_SECTORS	1024

#define ACK		VIRTIO_STATUS_ACKNOWLEDGE
#define DRV		VIRTIO_STATUS_DRIVER
#define DRV_OK		VIRTIO_STATUS_DRIVER_OK
#define FEAT_OK		VIRTIO_STATUS_FEATURES_OK
#define F_V1		VIRTIO_FEATURE(VIRTIO_F_VERSION_1)
#define F(bit)		VIRTIO_FEATURE(bit)

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static struct devemu_map map;
static struct virtio_dev *dev;
static struct ring r;
static struct heap_stats heap_base;
static char config_blob[4096] __attribute__((aligned(8)));
static bool line;

/* ---- the fake host block devices ----------------------------------------- */

static u8 disk_mem[DISK_SECTORS * BLOCK_SECTOR];
static struct blockdev vda, vda1;	/* a disk and its partition vda1 */
static bool registered;

/* Requests at the fake disk, in submission order. */
static struct {
	struct blk_req *req;
	u64 abs_sector;		/* on the disk */
} pending[64];
static unsigned int npending, nsubmitted, nflushes;
static int submit_err;		/* what submit returns (0: accepted) */
static bool sync_mode;		/* complete inside submit */
static bool complete_on_wait;	/* complete everything when someone waits */
static unsigned int time_calls;

struct blockdev *blockdev_find(const char *name)
{
	if (!registered)
		return NULL;
	if (!strcmp(name, "vda"))
		return &vda;
	if (!strcmp(name, "vda1"))
		return &vda1;
	return NULL;
}

void blockdev_for_each(void (*fn)(struct blockdev *bd, void *ctx), void *ctx)
{
	if (!registered)
		return;
	fn(&vda, ctx);
	fn(&vda1, ctx);
}

static void complete_at(unsigned int i, int status);

/* Checks req as the real block layer does, and holds it. */
int blockdev_submit(struct blockdev *bd, struct blk_req *req)
{
	u64 bytes = 0;

	assert_true(bd == &vda || bd == &vda1);
	assert_non_null(req->done);
	if (req->op == BLK_FLUSH) {
		assert_int_equal(req->nsegs, 0);
	} else {
		assert_true(req->nsegs >= 1 && req->nsegs <= BLK_MAX_SEGS);
		for (unsigned int i = 0; i < req->nsegs; i++) {
			assert_int_equal(req->segs[i].len % BLOCK_SECTOR, 0);
			assert_true(fake_ram_holds(req->segs[i].base, req->segs[i].len));
			bytes += req->segs[i].len;
		}
		assert_true(req->sector + bytes / BLOCK_SECTOR <= bd->sectors);
		assert_false(req->op == BLK_WRITE && bd->read_only);
	}
	nsubmitted++;
	if (submit_err)
		return submit_err;
	assert_true(npending < ARRAY_SIZE(pending));
	pending[npending].req = req;
	pending[npending].abs_sector = req->sector + (bd->parent ? bd->start : 0);
	npending++;
	if (sync_mode)
		complete_at(npending - 1, 0);
	return 0;
}

/* Completes pending request i with status, moving data as a disk would
 * (into guest RAM only now, for reads). */
static void complete_at(unsigned int i, int status)
{
	struct blk_req *req;
	u8 *disk;

	assert_true(i < npending);
	req = pending[i].req;
	disk = disk_mem + pending[i].abs_sector * BLOCK_SECTOR;
	memmove(&pending[i], &pending[i + 1], (npending - i - 1) * sizeof(pending[0]));
	npending--;
	if (!status) {
		for (unsigned int s = 0; s < req->nsegs; s++) {
			if (req->op == BLK_READ)
				memcpy(req->segs[s].base, disk, req->segs[s].len);
			else
				memcpy(disk, req->segs[s].base, req->segs[s].len);
			disk += req->segs[s].len;
		}
		if (req->op == BLK_FLUSH)
			nflushes++;
	}
	req->done(req, status);
}

static void complete_all(void)
{
	while (npending)
		complete_at(0, 0);
}

/* As core/blockdev.c: one writer or many readers; a disk and its
 * partitions exclude each other. */
static int claim(struct blockdev *bd, bool write)
{
	struct blockdev *rel = bd == &vda ? &vda1 : &vda;

	if (write && bd->read_only)
		return -EPERM;
	if (rel->users || bd->writer || (write && bd->users))
		return -EBUSY;
	bd->users++;
	bd->writer = write;
	return 0;
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
	assert_true(bd->users > 0);
	if (!--bd->users)
		bd->writer = false;
}

/* The waits of reset and destroy: this stands for time passing while the
 * disk works on another CPU, so it completes what is pending when asked. */
u64 time_now_ns(void)
{
	time_calls++;
	if (time_calls > 20)
		fail_msg("waited too long: %u request(s) pending", npending);
	if (complete_on_wait)
		complete_all();
	return (u64)time_calls * 1000000000ULL;
}

/* virtio_emu.c's calls into core/guest.c: only its check hook runs here. */
int guest_irq_set_level(struct guest *g, unsigned int spi, bool level)
{
	fail_msg("unexpected guest_irq_set_level");
	return 0;
}

void *guest_ram_hva(struct guest *g, gpa_t gpa, u64 len)
{
	fail_msg("unexpected guest_ram_hva");
	return NULL;
}

/* ---- fixture ------------------------------------------------------------- */

static void set_irq(void *ctx, bool level)
{
	line = level;
}

static void check_fdt(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

/* A configuration DTB with /guests/g0/devices/<name> of type "blk"; returns
 * the node. */
static int make_node(const char *name, const char *type)
{
	int guests, guest, devs, node;

	check_fdt(fdt_create_empty_tree(config_blob, sizeof(config_blob)));
	check_fdt(guests = fdt_add_subnode(config_blob, 0, "guests"));
	check_fdt(guest = fdt_add_subnode(config_blob, guests, "g0"));
	check_fdt(devs = fdt_add_subnode(config_blob, guest, "devices"));
	check_fdt(node = fdt_add_subnode(config_blob, devs, name));
	check_fdt(fdt_setprop_string(config_blob, node, "compatible", "virtio,mmio"));
	check_fdt(fdt_setprop_string(config_blob, node, "type", type));
	return node;
}

/* The offset of the node made last (libfdt offsets move as it grows). */
static int node_of(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/guests/g0/devices/%s", name);
	return fdt_path_offset(config_blob, path);
}

static void set_str(const char *node, const char *prop, const char *val)
{
	check_fdt(fdt_setprop_string(config_blob, node_of(node), prop, val));
}

static void set_u64(const char *node, const char *prop, u64 val)
{
	check_fdt(fdt_setprop_u64(config_blob, node_of(node), prop, val));
}

static void set_empty(const char *node, const char *prop)
{
	check_fdt(fdt_setprop_empty(config_blob, node_of(node), prop));
}

static struct virtio_dev *create_at(const char *name, gpa_t base)
{
	struct virtio_mmio_config cfg = { .guest = "g0", .device = name, .base = base,
		.size = VIRTIO_MMIO_SIZE, .mem = fake_mem, .set_irq = set_irq };

	return virtio_blk_create(&cfg, &map, config_blob, node_of(name));
}

static void reset_disks(void)
{
	vda = (struct blockdev){ .name = "vda", .sectors = DISK_SECTORS, .kind = "fake" };
	vda1 = (struct blockdev){ .name = "vda1", .sectors = PART_SECTORS, .parent = &vda,
		.start = PART_START, .kind = "partition" };
	registered = true;
	for (unsigned int i = 0; i < sizeof(disk_mem); i++)
		disk_mem[i] = (u8)(i / BLOCK_SECTOR + i);
	npending = nsubmitted = nflushes = 0;
	submit_err = 0;
	sync_mode = complete_on_wait = false;
	time_calls = 0;
}

static int setup(void **state)
{
	if (fake_ram_setup())
		return -1;
	fake_console_reset();
	heap_get_stats(&heap_base);
	devemu_map_init(&map);
	reset_disks();
	line = false;
	dev = NULL;
	make_node("disk0", "blk");
	set_str("disk0", "backend", "vda");
	return 0;
}

static int teardown(void **state)
{
	complete_on_wait = true;	/* destroy waits for what is in flight */
	virtio_blk_destroy(dev);
	dev = NULL;
	if (npending) {
		print_error("%u requests still at the disk\n", npending);
		return -1;
	}
	if (vda.users || vda1.users) {
		print_error("claims left: vda %u, vda1 %u\n", vda.users, vda1.users);
		return -1;
	}
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	fake_ram_teardown();
	return heap_leak_check(&heap_base);
}

/* ---- the driver's side --------------------------------------------------- */

static u32 rd(u32 off)
{
	return (u32)mmio_read(&map, BASE + off, 4);
}

static void wr(u32 off, u32 val)
{
	mmio_write(&map, BASE + off, 4, val);
}

static u64 features(void)
{
	u64 f;

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (u64)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

/* Linux's sequence with the offered features, a QSIZE queue at RING. */
static void bring_up(void)
{
	u64 f = features();

	ram_fill(RING, 0, CHUNK);
	ring_layout(&r, QSIZE, RING);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ACK);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)r.desc);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)r.avail);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)r.used);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK | DRV_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK);
}

/* Creates disk0 from the node and brings it up. */
static void up(void)
{
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	bring_up();
}

static enum devemu_result notify(void)
{
	u64 v = 0;

	return devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v);
}

/* Request i's header, descriptors 3i (header), 3i+1 (data, when len),
 * 3i+2 (status, 0xff until the device writes it); made available. */
static void post(u16 i, u32 type, u64 sector, gpa_t data, u32 len, bool device_writes)
{
	u16 d = 3 * i;
	u8 hdr[16] = { 0 };

	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	ram_write(HDR(i), hdr, sizeof(hdr));
	ram_fill(STATUS(i), 0xff, 1);
	if (len) {
		desc_set(r.desc, d, HDR(i), 16, VIRTQ_DESC_F_NEXT, d + 1);
		desc_set(r.desc, d + 1, data, len,
			 VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0), d + 2);
	} else {
		desc_set(r.desc, d, HDR(i), 16, VIRTQ_DESC_F_NEXT, d + 2);
	}
	desc_set(r.desc, d + 2, STATUS(i), 1, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, d);
}

static void post_read(u16 i, u64 sector, gpa_t data, u32 len)
{
	post(i, VIRTIO_BLK_T_IN, sector, data, len, true);
}

static void post_write(u16 i, u64 sector, gpa_t data, u32 len)
{
	post(i, VIRTIO_BLK_T_OUT, sector, data, len, false);
}

static u8 status_of(u16 i)
{
	return *ram(STATUS(i));
}

/* Used element n is request i, with len written. */
static void assert_used(u16 n, u16 i, u32 len)
{
	u32 id, l;

	ring_used_elem(&r, n, &id, &l);
	assert_int_equal(id, 3 * i);
	assert_int_equal(l, len);
}

static void assert_disk(u64 sector, gpa_t data, u32 len)
{
	u8 buf[4096];

	assert_true(len <= sizeof(buf));
	ram_read(data, buf, len);
	assert_memory_equal(disk_mem + sector * BLOCK_SECTOR, buf, len);
}

/* ---- config, features ---------------------------------------------------- */

static void test_identity_and_config(void **state)
{
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 0), DISK_SECTORS);	/* capacity */
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 4), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 8), VIRTIO_BLK_SIZE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 12), VIRTIO_BLK_SEG_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 20), 512);		/* blk_size */
	assert_int_equal(mmio_read(&map, BASE + VIRTIO_MMIO_CONFIG + 1, 1), DISK_SECTORS >> 8);
	assert_int_equal(mmio_read(&map, BASE + VIRTIO_MMIO_CONFIG + 20, 2), 512);
	assert_int_equal(features(), F_V1 | F(VIRTIO_F_INDIRECT_DESC) | F(VIRTIO_F_EVENT_IDX) |
			 F(VIRTIO_BLK_F_SIZE_MAX) | F(VIRTIO_BLK_F_SEG_MAX) |
			 F(VIRTIO_BLK_F_BLK_SIZE) | F(VIRTIO_BLK_F_FLUSH));
	assert_int_equal(vda.users, 1);
	assert_true(vda.writer);
	assert_console_contains("g0/disk0: read-write, 2048 sectors at sector 0 of vda");
}

static void test_range_of_backend(void **state)
{
	set_u64("disk0", "offset", 100 * BLOCK_SECTOR);
	set_u64("disk0", "size", 50 * BLOCK_SECTOR);
	up();
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG), 50);
	post_write(0, 49, DATA, 512);
	post_read(1, 0, DATA + 512, 512);
	ram_fill(DATA, 0x5a, 512);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(npending, 2);
	assert_int_equal(pending[0].abs_sector, 149);
	assert_int_equal(pending[1].abs_sector, 100);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
	assert_disk(149, DATA, 512);
	assert_disk(100, DATA + 512, 512);
	/* One past the end of the range. */
	post_read(2, 50, DATA, 512);
	notify();
	assert_int_equal(npending, 0);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_IOERR);
}

static void test_partition_backend(void **state)
{
	set_str("disk0", "backend", "vda1");
	up();
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG), PART_SECTORS);
	post_read(0, 3, DATA, 1024);
	notify();
	assert_int_equal(pending[0].abs_sector, PART_START + 3);
	complete_all();
	assert_disk(PART_START + 3, DATA, 1024);
	assert_int_equal(vda1.users, 1);
}

/* ---- requests ------------------------------------------------------------ */

static void test_read_async(void **state)
{
	up();
	post_read(0, 7, DATA, 2048);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	/* At the disk, not answered yet: no status, no used element, no IRQ. */
	assert_int_equal(npending, 1);
	assert_int_equal(pending[0].req->op, BLK_READ);
	assert_int_equal(pending[0].req->sector, 7);
	assert_int_equal(status_of(0), 0xff);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_false(line);
	complete_at(0, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 1);
	assert_used(0, 0, 2048 + 1);
	assert_disk(7, DATA, 2048);
	assert_true(line);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
}

static void test_write_then_read_back(void **state)
{
	up();
	for (unsigned int i = 0; i < 1536; i++)
		*ram(DATA + i) = (u8)(i * 7);
	post_write(0, 1000, DATA, 1536);
	notify();
	assert_int_equal(pending[0].req->op, BLK_WRITE);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_used(0, 0, 1);
	assert_disk(1000, DATA, 1536);
	ram_fill(DATA + 4096, 0, 1536);
	post_read(1, 1000, DATA + 4096, 1536);
	notify();
	complete_all();
	assert_disk(1000, DATA + 4096, 1536);
}

static void test_flush(void **state)
{
	up();
	post(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	notify();
	assert_int_equal(npending, 1);
	assert_int_equal(pending[0].req->op, BLK_FLUSH);
	complete_all();
	assert_int_equal(nflushes, 1);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_used(0, 0, 1);
}

static void test_get_id(void **state)
{
	char id[24];

	up();
	ram_fill(DATA, 'x', sizeof(id));
	post(0, VIRTIO_BLK_T_GET_ID, 0, DATA, 20, true);
	notify();
	assert_int_equal(nsubmitted, 0);	/* answered at once */
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_used(0, 0, 21);
	ram_read(DATA, id, sizeof(id));
	assert_memory_equal(id, "kestrel-g0-disk0\0\0\0\0xxxx", 24);
	assert_true(line);
}

static void test_get_id_truncated(void **state)
{
	char id[24];

	make_node("longdiskname", "blk");
	set_str("longdiskname", "backend", "vda");
	dev = create_at("longdiskname", BASE);
	assert_non_null(dev);
	bring_up();
	ram_fill(DATA, 'x', sizeof(id));
	post(0, VIRTIO_BLK_T_GET_ID, 0, DATA, 24, true);	/* room for more than 20 */
	notify();
	assert_used(0, 0, 21);
	ram_read(DATA, id, sizeof(id));
	assert_memory_equal(id, "kestrel-g0-longdiskn" "xxxx", 24);
}

static void test_out_of_range(void **state)
{
	up();
	post_read(0, DISK_SECTORS - 1, DATA, 1024);	/* crosses the end */
	post_read(1, DISK_SECTORS, DATA, 512);		/* at the end */
	post_read(2, ~0ULL, DATA, 512);			/* wraps around */
	post_read(3, DISK_SECTORS, DATA, 0);		/* empty, at the end: fine */
	post_write(4, DISK_SECTORS - 1, DATA, 512);	/* the last sector: fine */
	notify();
	assert_int_equal(npending, 1);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(3), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(4), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 5);
	assert_console_contains("g0/disk0: read of 2 sectors at 2047 is beyond the capacity 2048");
}

static void test_read_only(void **state)
{
	set_empty("disk0", "read-only");
	up();
	assert_true(features() & F(VIRTIO_BLK_F_RO));
	assert_false(vda.writer);
	post_write(0, 0, DATA, 512);
	post(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	post_read(2, 0, DATA, 512);
	notify();
	assert_int_equal(nsubmitted, 1);	/* the read only */
	assert_int_equal(pending[0].req->op, BLK_READ);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_OK);
	assert_console_contains("g0/disk0: read-only, 2048 sectors");
}

static void test_read_only_host_device(void **state)
{
	vda.read_only = true;
	up();
	assert_true(features() & F(VIRTIO_BLK_F_RO));
	assert_console_contains("(the host device is read-only)");
	post_write(0, 0, DATA, 512);
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
}

static void test_unsupported_type(void **state)
{
	up();
	post(0, 11 /* DISCARD, not offered */, 0, DATA, 16, false);
	post(1, 0x12345678, 0, 0, 0, false);
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_UNSUPP);
	assert_used(1, 1, 1);
}

/* ---- malformed requests -------------------------------------------------- */

static void test_no_status_byte(void **state)
{
	up();
	/* Header and data, nothing writable: nothing to answer with. */
	post(0, VIRTIO_BLK_T_OUT, 0, DATA, 512, false);
	desc_set(r.desc, 1, DATA, 512, 0, 0);	/* the chain ends at the data */
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_int_equal(ring_used_idx(&r), 1);
	assert_used(0, 0, 0);
	assert_console_contains("g0/disk0: request (descriptor 0) has no writable status byte");
	/* The device goes on: no NEEDS_RESET, no slot lost. */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
	post_read(1, 0, DATA, 512);
	notify();
	complete_all();
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
}

static void test_short_header(void **state)
{
	up();
	post_read(0, 0, DATA, 512);
	desc_set(r.desc, 0, HDR(0), 8, VIRTQ_DESC_F_NEXT, 1);	/* 8 of 16 bytes */
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
	assert_used(0, 0, 1);
	assert_console_contains("request header of 8 bytes, 16 needed");
}

static void test_header_split_over_descriptors(void **state)
{
	up();
	/* Header in 2 pieces, then data and status in one writable buffer. */
	post_read(0, 5, DATA, 512);
	desc_set(r.desc, 0, HDR(0), 10, VIRTQ_DESC_F_NEXT, 3);
	desc_set(r.desc, 3, HDR(0) + 10, 6, VIRTQ_DESC_F_NEXT, 1);
	desc_set(r.desc, 1, DATA, 513, VIRTQ_DESC_F_WRITE, 0);
	*ram(DATA + 512) = 0xff;
	notify();
	assert_int_equal(npending, 1);
	assert_int_equal(pending[0].req->nsegs, 1);
	assert_int_equal(pending[0].req->segs[0].len, 512);
	complete_all();
	assert_int_equal(*ram(DATA + 512), VIRTIO_BLK_S_OK);
	assert_disk(5, DATA, 512);
	assert_used(0, 0, 513);
}

static void test_data_not_whole_sectors(void **state)
{
	up();
	post_read(0, 0, DATA, 100);
	post_write(1, 0, DATA, 1000);
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_IOERR);
	assert_console_contains("read of 100 bytes, not a multiple of 512");
}

static void test_buffer_pieces(void **state)
{
	up();
	/* 1024 bytes as 100 + 924 contiguous in RAM: joined, fine. */
	post_read(0, 0, DATA, 1024);
	desc_set(r.desc, 1, DATA, 100, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	desc_set(r.desc, 3, DATA + 100, 924, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	/* 1024 bytes across a RAM piece boundary at a sector boundary: 2 segs. */
	post_read(2, 4, DATA + CHUNK - 512, 1024);
	notify();
	assert_int_equal(npending, 2);
	assert_int_equal(pending[0].req->nsegs, 1);
	assert_int_equal(pending[1].req->nsegs, 2);
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(2), VIRTIO_BLK_S_OK);
	assert_disk(0, DATA, 1024);
	assert_disk(4, DATA + CHUNK - 512, 1024);
	/* Across a boundary off a sector boundary: pieces of 100 and 924. */
	post_read(4, 0, DATA + 2 * CHUNK - 100, 1024);
	notify();
	assert_int_equal(npending, 0);
	assert_int_equal(status_of(4), VIRTIO_BLK_S_IOERR);
	assert_console_contains("read buffer piece not a multiple of 512 bytes");
}

static void test_malformed_ring_needs_reset(void **state)
{
	up();
	ram_w16(r.avail + 4, QSIZE);	/* a head beyond the table */
	ring_set_avail_idx(&r, 1);
	notify();
	assert_int_equal(nsubmitted, 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
	/* The slot taken for it came back: a reset brings the disk back. */
	bring_up();
	post_read(0, 0, DATA, 512);
	notify();
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
}

static void test_backend_refuses(void **state)
{
	up();
	submit_err = -EIO;
	post_read(0, 0, DATA, 512);
	notify();
	assert_int_equal(nsubmitted, 1);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_IOERR);
	assert_used(0, 0, 1);
	submit_err = 0;
	post_read(1, 0, DATA, 512);
	notify();
	complete_at(0, -EIO);	/* a device error at completion */
	assert_int_equal(status_of(1), VIRTIO_BLK_S_IOERR);
	assert_used(1, 1, 1);
}

/* ---- completion order, in-flight bound ----------------------------------- */

static void test_completion_order(void **state)
{
	up();
	for (u16 i = 0; i < 3; i++)
		post_read(i, 10 * i, DATA + 512 * i, 512);
	notify();
	assert_int_equal(npending, 3);
	complete_at(2, 0);	/* request 2 first, then 0, then 1 */
	complete_at(0, 0);
	complete_at(0, 0);
	assert_int_equal(ring_used_idx(&r), 3);
	assert_used(0, 2, 513);
	assert_used(1, 0, 513);
	assert_used(2, 1, 513);
	for (u16 i = 0; i < 3; i++) {
		assert_int_equal(status_of(i), VIRTIO_BLK_S_OK);
		assert_disk(10 * i, DATA + 512 * i, 512);
	}
}

static void test_sync_completion(void **state)
{
	up();
	sync_mode = true;	/* done runs inside blockdev_submit */
	for (u16 i = 0; i < 40; i++)
		post_read(i, i, DATA + 512 * i, 512);
	/* 32 slots, then the completions free them and the pass goes on. */
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(nsubmitted, 40);
	assert_int_equal(ring_used_idx(&r), 40);
	for (u16 i = 0; i < 40; i++)
		assert_int_equal(status_of(i), VIRTIO_BLK_S_OK);
	assert_disk(39, DATA + 512 * 39, 512);
}

static void test_notify_budget(void **state)
{
	up();
	/* Answered at once, so no slot runs out: the batch bounds the trap. */
	for (u16 i = 0; i < 40; i++)
		post(i, VIRTIO_BLK_T_GET_ID, 0, DATA + 32 * i, 20, true);
	assert_int_equal(notify(), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), VIRTIO_BLK_BATCH);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 40);
	assert_int_equal(status_of(39), VIRTIO_BLK_S_OK);
}

static void test_inflight_bound(void **state)
{
	up();
	for (u16 i = 0; i < 40; i++)
		post_read(i, i, DATA + 512 * i, 512);
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(npending, VIRTIO_BLK_INFLIGHT);
	/* Another notify finds no slot: the rest stays in the ring. */
	assert_int_equal(notify(), DEVEMU_HANDLED);
	assert_int_equal(nsubmitted, VIRTIO_BLK_INFLIGHT);
	/* Each completion frees a slot, which takes the next request. */
	complete_at(5, 0);
	assert_int_equal(nsubmitted, VIRTIO_BLK_INFLIGHT + 1);
	assert_int_equal(npending, VIRTIO_BLK_INFLIGHT);
	assert_int_equal(pending[npending - 1].req->sector, VIRTIO_BLK_INFLIGHT);
	complete_all();
	assert_int_equal(nsubmitted, 40);
	assert_int_equal(ring_used_idx(&r), 40);
	for (u16 i = 0; i < 40; i++)
		assert_int_equal(status_of(i), VIRTIO_BLK_S_OK);
}

/* ---- resets with requests in flight -------------------------------------- */

static u8 ram_then[RAM_SIZE], ram_now[RAM_SIZE];

/* The guest's RAM now, for assert_ram_is. */
static u8 *snapshot(void)
{
	ram_read(RAM_BASE, ram_then, RAM_SIZE);
	return ram_then;
}

static void assert_ram_is(const u8 *m)
{
	ram_read(RAM_BASE, ram_now, RAM_SIZE);
	assert_memory_equal(ram_now, m, RAM_SIZE);
}

static void test_status_reset_in_flight(void **state)
{
	u8 *before;

	up();
	post_write(0, 0, DATA, 512);
	post(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	notify();
	assert_int_equal(npending, 2);
	/* The driver resets the device and sets it up again, same rings. */
	bring_up();
	before = snapshot();
	complete_all();		/* late: of the old generation */
	assert_ram_is(before);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_false(line);
	/* The slots are free again and the new generation works. */
	post_read(0, 0, DATA, 512);
	notify();
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 1);
}

static void test_status_reset_then_late_error(void **state)
{
	u8 *before;

	up();
	post_read(0, 0, DATA, 512);
	notify();
	wr(VIRTIO_MMIO_STATUS, 0);	/* reset; not set up again yet */
	before = snapshot();
	complete_at(0, -EIO);		/* an error moves no data */
	assert_ram_is(before);
}

static void test_guest_reset_waits(void **state)
{
	u8 *before;

	up();
	post_read(0, 3, DATA, 512);
	post_write(1, 9, DATA + 512, 512);
	notify();
	assert_int_equal(npending, 2);
	complete_on_wait = true;	/* the disk finishes while reset waits */
	virtio_blk_reset(dev);
	assert_int_equal(npending, 0);
	assert_console_contains("g0/disk0: waiting for 2 request(s) in flight on vda");
	/* Answered before the reset, in the rings of the time. */
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
	assert_int_equal(status_of(1), VIRTIO_BLK_S_OK);
	assert_int_equal(ring_used_idx(&r), 2);
	assert_disk(3, DATA, 512);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	/* Nothing writes guest RAM after the reset. */
	before = snapshot();
	complete_all();
	assert_ram_is(before);
	/* And it comes back. */
	complete_on_wait = false;
	bring_up();
	post_read(0, 0, DATA, 512);
	notify();
	complete_all();
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);
}

static void test_guest_reset_idle(void **state)
{
	up();
	virtio_blk_reset(dev);
	assert_int_equal(time_calls, 0);	/* nothing to wait for */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
}

static void test_destroy_waits(void **state)
{
	up();
	post_read(0, 0, DATA, 512);
	notify();
	complete_on_wait = true;
	virtio_blk_destroy(dev);
	dev = NULL;
	assert_int_equal(npending, 0);
	assert_int_equal(vda.users, 0);
	assert_int_equal(status_of(0), VIRTIO_BLK_S_OK);	/* before the rings went */
}

/* ---- claims -------------------------------------------------------------- */

static void test_second_writer_refused(void **state)
{
	struct virtio_dev *d2;

	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	check_fdt(fdt_add_subnode(config_blob, fdt_parent_offset(config_blob, node_of("disk0")),
				  "disk1"));
	set_str("disk1", "compatible", "virtio,mmio");
	set_str("disk1", "type", "blk");
	set_str("disk1", "backend", "vda");
	d2 = create_at("disk1", BASE2);
	assert_null(d2);
	assert_console_contains("g0/disk1: backend vda is already in use by g0/disk0 (backend "
				"vda, read-write)");
	assert_int_equal(map.count, 1);
	/* Nor its partition. */
	set_str("disk1", "backend", "vda1");
	assert_null(create_at("disk1", BASE2));
	assert_console_contains("g0/disk1: backend vda1 is already in use by g0/disk0 (backend "
				"vda, read-write)");
	assert_int_equal(vda1.users, 0);
}

static void test_readers_share(void **state)
{
	struct virtio_dev *d2;

	set_empty("disk0", "read-only");
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	check_fdt(fdt_add_subnode(config_blob, fdt_parent_offset(config_blob, node_of("disk0")),
				  "disk1"));
	set_str("disk1", "backend", "vda");
	set_empty("disk1", "read-only");
	d2 = create_at("disk1", BASE2);
	assert_non_null(d2);
	assert_int_equal(vda.users, 2);
	virtio_blk_destroy(d2);
	assert_int_equal(vda.users, 1);
}

/* ---- properties: the emulator's check hook ------------------------------- */

static const struct emulator *emu(void)
{
	const struct emulator *e = emulator_find("virtio,mmio");

	assert_non_null(e);
	assert_non_null(e->check);
	return e;
}

/* Runs the check of node `name`; returns its result, the text in err. */
static int run_check(const char *name, char *err, size_t len)
{
	err[0] = '\0';
	return emu()->check(config_blob, node_of(name), err, len);
}

static void assert_check_fails(const char *name, const char *msg)
{
	char err[160];

	assert_int_equal(run_check(name, err, sizeof(err)), -EINVAL);
	if (!strstr(err, msg))
		fail_msg("check said \"%s\", expected \"%s\"", err, msg);
}

static void test_check_valid(void **state)
{
	char err[160];

	assert_int_equal(run_check("disk0", err, sizeof(err)), 0);
	set_u64("disk0", "offset", 512);
	set_u64("disk0", "size", 1024);
	set_empty("disk0", "read-only");
	assert_int_equal(run_check("disk0", err, sizeof(err)), 0);
	check_fdt(fdt_setprop_u32(config_blob, node_of("disk0"), "size", 512));	/* 1 cell */
	assert_int_equal(run_check("disk0", err, sizeof(err)), 0);
	make_node("hvc0", "console");
	assert_int_equal(run_check("hvc0", err, sizeof(err)), 0);
}

static void test_check_typo(void **state)
{
	make_node("disk0", "blk");
	set_str("disk0", "bakend", "vda");
	assert_check_fails("disk0", "unknown property 'bakend' (a virtio blk device takes "
			   "compatible, reg, interrupts, type, backend, offset, size, read-only)");
	make_node("hvc0", "console");
	set_str("hvc0", "backend", "vda");
	assert_check_fails("hvc0", "unknown property 'backend'");
}

static void test_check_backend(void **state)
{
	make_node("disk0", "blk");
	assert_check_fails("disk0", "property 'backend' missing");
	set_str("disk0", "backend", "vdz");
	assert_check_fails("disk0", "'backend' \"vdz\" is not a host block device (the host "
			   "has: vda, vda1)");
	set_str("disk0", "backend", "VDA");
	assert_check_fails("disk0", "'backend' must be one host block device name");
	set_str("disk0", "backend", "averyveryverylongname");
	assert_check_fails("disk0", "'backend' must be one host block device name");
	check_fdt(fdt_setprop(config_blob, node_of("disk0"), "backend", "vda\0vdb", 8));
	assert_check_fails("disk0", "'backend' must be one host block device name");
	registered = false;	/* no disk on the host at all */
	set_str("disk0", "backend", "vda");
	assert_check_fails("disk0", "(the host has: none)");
}

static void test_check_range(void **state)
{
	set_u64("disk0", "offset", 100);
	assert_check_fails("disk0", "'offset' must be one or two cells, a multiple of 512");
	set_u64("disk0", "offset", DISK_SECTORS * BLOCK_SECTOR);
	assert_check_fails("disk0", "'offset' 0x100000 is not inside vda (0x100000 bytes)");
	set_u64("disk0", "offset", 512);
	set_u64("disk0", "size", 0);
	assert_check_fails("disk0", "'size' must be one or two cells, a non-zero multiple of 512");
	set_u64("disk0", "size", 1000);
	assert_check_fails("disk0", "'size' must be one or two cells");
	set_u64("disk0", "size", DISK_SECTORS * BLOCK_SECTOR);
	assert_check_fails("disk0", "'offset' 0x200 + 'size' 0x100000 is beyond the end of vda");
	check_fdt(fdt_setprop(config_blob, node_of("disk0"), "size", "abc", 3));
	assert_check_fails("disk0", "'size' must be one or two cells");
	check_fdt(fdt_delprop(config_blob, node_of("disk0"), "size"));
	set_str("disk0", "read-only", "yes");
	assert_check_fails("disk0", "'read-only' takes no value");
}

static void test_create_refuses_bad_node(void **state)
{
	set_u64("disk0", "size", 1000);
	assert_null(create_at("disk0", BASE));
	assert_console_contains("g0/disk0: 'size' must be one or two cells");
	assert_int_equal(vda.users, 0);
	assert_int_equal(map.count, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_identity_and_config),
		T(test_range_of_backend),
		T(test_partition_backend),
		T(test_read_async),
		T(test_write_then_read_back),
		T(test_flush),
		T(test_get_id),
		T(test_get_id_truncated),
		T(test_out_of_range),
		T(test_read_only),
		T(test_read_only_host_device),
		T(test_unsupported_type),
		T(test_no_status_byte),
		T(test_short_header),
		T(test_header_split_over_descriptors),
		T(test_data_not_whole_sectors),
		T(test_buffer_pieces),
		T(test_malformed_ring_needs_reset),
		T(test_backend_refuses),
		T(test_completion_order),
		T(test_sync_completion),
		T(test_notify_budget),
		T(test_inflight_bound),
		T(test_status_reset_in_flight),
		T(test_status_reset_then_late_error),
		T(test_guest_reset_waits),
		T(test_guest_reset_idle),
		T(test_destroy_waits),
		T(test_second_writer_refused),
		T(test_readers_share),
		T(test_check_valid),
		T(test_check_typo),
		T(test_check_backend),
		T(test_check_range),
		T(test_create_refuses_bad_node),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, group_setup, group_teardown);
}
