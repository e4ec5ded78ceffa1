/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the virtio device tests (test_virtio_mmio_*.c, test_virtio_blk_*.c,
 * test_virtio_net_*.c, test_virtio_console.c) share on top of the fake
 * guest RAM of virtio_fixture.h: a devemu map for the devices, set up and
 * checked around each test, the driver's 32-bit register accesses to the
 * device at BASE, and the names of the status and feature bits.
 */
#ifndef KESTREL_TEST_VIRTIO_DEV_FIXTURE_H
#define KESTREL_TEST_VIRTIO_DEV_FIXTURE_H

#include "virtio_fixture.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include <kestrel/heap.h>
#include "../../emulators/virtio/virtio_mmio.h"

#define POOL_SIZE	(4UL * 1024 * 1024)
#define BASE		0x0a000000ULL
#define BASE2		(BASE + VIRTIO_MMIO_SIZE)

#define ACK		VIRTIO_STATUS_ACKNOWLEDGE
#define DRV		VIRTIO_STATUS_DRIVER
#define DRV_OK		VIRTIO_STATUS_DRIVER_OK
#define FEAT_OK		VIRTIO_STATUS_FEATURES_OK
#define NEEDS_RESET	VIRTIO_STATUS_NEEDS_RESET
#define F_V1		VIRTIO_FEATURE(VIRTIO_F_VERSION_1)
#define F_EVENT		VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX)

/* Where the tests' devices put their registers. */
extern struct devemu_map map;

/* Counts the heap from here (vdev_teardown checks it) and starts an empty
 * map. */
void vdev_map_init(void);
/* Per test: fresh fake RAM and console, then vdev_map_init(). 0 or -1. */
int vdev_setup(void);
/* After the test has destroyed its devices: fails (-1) on regions left in
 * the map, else frees the map and the RAM and checks the heap. */
int vdev_teardown(void);

/* The driver's register accesses to the device at BASE. */
u32 rd(u32 off);
void wr(u32 off, u32 val);
/* The 64 feature bits the device at BASE offers. */
u64 features(void);

#endif
