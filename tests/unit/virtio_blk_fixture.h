/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-blk test fixture shared by test_virtio_blk_*.c: fake host
 * block devices (the blockdev.h contract: a disk "vda" and its partition
 * "vda1" over disk_mem) whose requests are held until the test completes
 * them, in any order, as a disk's interrupt would; a configuration DTB with
 * the device's node; and a driver's side of the request queue.
 */
#ifndef KESTREL_TEST_VIRTIO_BLK_FIXTURE_H
#define KESTREL_TEST_VIRTIO_BLK_FIXTURE_H

#include "virtio_dev_fixture.h"
#include "kerrno.h"
#include <libfdt.h>
#include <kestrel/blockdev.h>
#include "../../emulators/virtio/virtio_blk.h"

#define QSIZE		128
#define RING		RAM_BASE
#define HDR(i)		(RAM_BASE + 4 * CHUNK + 16 * (u64)(i))
#define STATUS(i)	(RAM_BASE + 6 * CHUNK + (u64)(i))
#define DATA		(RAM_BASE + 8 * CHUNK)
#define DISK_SECTORS	2048
#define PART_START	1024
#define PART_SECTORS	1024

#define F(bit)		VIRTIO_FEATURE(bit)

/* The device under test ("disk0" unless the test makes another), the
 * driver's queue, the configuration DTB, the device's interrupt line. */
extern struct virtio_dev *dev;
extern struct ring r;
extern char config_blob[4096];
extern bool line;

/* ---- the fake host block devices ----------------------------------------- */

extern u8 disk_mem[DISK_SECTORS * BLOCK_SECTOR];
extern struct blockdev vda, vda1;	/* a disk and its partition vda1 */
extern bool registered;		/* false: the host has no disk at all */

/* A request at the fake disk. */
struct disk_req {
	struct blk_req *req;
	u64 abs_sector;		/* on the disk */
};

/* Requests at the fake disk, in submission order. */
extern struct disk_req pending[64];
extern unsigned int npending, nsubmitted, nflushes;
extern int submit_err;		/* what submit returns (0: accepted) */
extern bool sync_mode;		/* complete inside submit */
extern bool complete_on_wait;	/* complete everything when someone waits */
extern unsigned int time_calls;

/* Completes pending request i with status, moving data as a disk would
 * (into guest RAM only now, for reads). */
void complete_at(unsigned int i, int status);
void complete_all(void);

/* ---- the configuration DTB ----------------------------------------------- */

/* Fails the test on a libfdt error. */
void check_fdt(int r);
/* A configuration DTB with /guests/g0/devices/<name> of type `type`;
 * returns the node. */
int make_node(const char *name, const char *type);
/* The offset of the node made last (libfdt offsets move as it grows). */
int node_of(const char *name);
void set_str(const char *node, const char *prop, const char *val);
void set_u64(const char *node, const char *prop, u64 val);
void set_empty(const char *node, const char *prop);

/* The device of node `name` at base, or NULL. */
struct virtio_dev *create_at(const char *name, gpa_t base);

/* Per test: the disks fresh and registered, node disk0 of type "blk" on
 * backend vda, no device yet; teardown destroys dev (completing what is in
 * flight) and fails on requests, claims or regions left behind. */
int setup(void **state);
int teardown(void **state);

/* ---- the driver's side --------------------------------------------------- */

/* Linux's sequence with the offered features, a QSIZE queue at RING. */
void bring_up(void);
/* Creates disk0 from the node and brings it up. */
void up(void);
enum devemu_result notify(void);
/* Request i's header, descriptors 3i (header), 3i+1 (data, when len),
 * 3i+2 (status, 0xff until the device writes it); made available. */
void post(u16 i, u32 type, u64 sector, gpa_t data, u32 len, bool device_writes);
void post_read(u16 i, u64 sector, gpa_t data, u32 len);
void post_write(u16 i, u64 sector, gpa_t data, u32 len);
u8 status_of(u16 i);
/* Used element n is request i, with len written. */
void assert_used(u16 n, u16 i, u32 len);
/* The disk at sector holds the len bytes of guest RAM at data. */
void assert_disk(u64 sector, gpa_t data, u32 len);

#endif
