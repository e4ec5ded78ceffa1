// SPDX-License-Identifier: GPL-2.0
/* The virtio-blk test fixture (see virtio_blk_fixture.h). */
#include "virtio_blk_fixture.h"
#include <kestrel/guest.h>
#include <kestrel/timer.h>

struct virtio_dev *dev;
struct ring r;
char config_blob[4096] __attribute__((aligned(8)));
bool line;

/* ---- the fake host block devices ----------------------------------------- */

u8 disk_mem[DISK_SECTORS * BLOCK_SECTOR];
struct blockdev vda, vda1;
bool registered;

struct disk_req pending[64];
unsigned int npending, nsubmitted, nflushes;
int submit_err;
bool sync_mode;
bool complete_on_wait;
unsigned int time_calls;

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

void complete_at(unsigned int i, int status)
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

void complete_all(void)
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

/* ---- the configuration DTB, setup and teardown --------------------------- */

static void set_irq(void *ctx, bool level)
{
	line = level;
}

void check_fdt(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

int make_node(const char *name, const char *type)
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

int node_of(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/guests/g0/devices/%s", name);
	return fdt_path_offset(config_blob, path);
}

void set_str(const char *node, const char *prop, const char *val)
{
	check_fdt(fdt_setprop_string(config_blob, node_of(node), prop, val));
}

void set_u64(const char *node, const char *prop, u64 val)
{
	check_fdt(fdt_setprop_u64(config_blob, node_of(node), prop, val));
}

void set_empty(const char *node, const char *prop)
{
	check_fdt(fdt_setprop_empty(config_blob, node_of(node), prop));
}

struct virtio_dev *create_at(const char *name, gpa_t base)
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

int setup(void **state)
{
	if (vdev_setup())
		return -1;
	reset_disks();
	line = false;
	dev = NULL;
	make_node("disk0", "blk");
	set_str("disk0", "backend", "vda");
	return 0;
}

int teardown(void **state)
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
	return vdev_teardown();
}

/* ---- the driver's side --------------------------------------------------- */

void bring_up(void)
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

void up(void)
{
	dev = create_at("disk0", BASE);
	assert_non_null(dev);
	bring_up();
}

enum devemu_result notify(void)
{
	u64 v = 0;

	return devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v);
}

void post(u16 i, u32 type, u64 sector, gpa_t data, u32 len, bool device_writes)
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

void post_read(u16 i, u64 sector, gpa_t data, u32 len)
{
	post(i, VIRTIO_BLK_T_IN, sector, data, len, true);
}

void post_write(u16 i, u64 sector, gpa_t data, u32 len)
{
	post(i, VIRTIO_BLK_T_OUT, sector, data, len, false);
}

u8 status_of(u16 i)
{
	return *ram(STATUS(i));
}

void assert_used(u16 n, u16 i, u32 len)
{
	u32 id, l;

	ring_used_elem(&r, n, &id, &l);
	assert_int_equal(id, 3 * i);
	assert_int_equal(l, len);
}

void assert_disk(u64 sector, gpa_t data, u32 len)
{
	u8 buf[4096];

	assert_true(len <= sizeof(buf));
	ram_read(data, buf, len);
	assert_memory_equal(disk_mem + sector * BLOCK_SECTOR, buf, len);
}
