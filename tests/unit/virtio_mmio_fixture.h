/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VirtIO-MMIO transport test fixture shared by test_virtio_mmio_*.c: an
 * rng device ("g0/rng0" at BASE) whose bytes come from a deterministic test
 * source, the interrupt line recorder, and a driver's side of queue 0
 * (negotiation, queue setup, buffers, notifications) over the fake RAM.
 */
#ifndef KESTREL_TEST_VIRTIO_MMIO_FIXTURE_H
#define KESTREL_TEST_VIRTIO_MMIO_FIXTURE_H

#include "virtio_dev_fixture.h"
#include "../../emulators/virtio/virtio_rng.h"

#define RING		RAM_BASE
#define TABLE		(RAM_BASE + 4 * CHUNK)
#define BUF		(RAM_BASE + 8 * CHUNK)

#define F_INDIRECT	VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC)
#define F_ALL		(F_V1 | F_EVENT | F_INDIRECT)

/* The rng under test and the driver's queue 0. */
extern struct virtio_dev *dev;
extern struct ring r;

/* What set_irq reported: the line, and each change in order. */
extern bool line;
extern unsigned int irq_calls;
extern bool irq_log[64];

/* The test source: 0, 1, 2, ... from src_next, src_left bytes more
 * (SIZE_MAX: plenty; 0: the host pool is empty), src_calls calls so far. */
extern u8 src_next;
extern unsigned int src_calls;
extern size_t src_left;

/* The rng's entropy_fill: checks ctx is &src_next and buf in guest RAM. */
size_t pattern_source(void *ctx, u8 *buf, size_t len);
/* Records a change of the line; checks it is one, reported unlocked. */
void set_irq(void *ctx, bool level);
/* "g0/rng0" at base, on the fake RAM, its line to set_irq. */
struct virtio_mmio_config config(gpa_t base);

/* Per test: an rng at BASE with the test source, the line low. */
int setup(void **state);
int teardown(void **state);

enum devemu_result acc(gpa_t addr, unsigned int width, bool write, u64 *val);
void write_features(u64 f);
/* Linux's order: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK. */
void negotiate(u64 f);
/* Queue 0 with num entries at RING, zeroed as a driver allocates it. */
void setup_queue(u16 num);
void driver_ok(void);
/* A driver up with features f and an 8-entry queue 0. */
void bring_up(u64 f);
void notify(void);
void ack(u32 bits);
/* Posts one writable buffer as descriptor d. */
void post_buffer(u16 d, gpa_t addr, u32 len);
unsigned int occurrences(const char *hay, const char *needle);
/* The len bytes at gpa are the source's, from `first` on. */
void assert_pattern(gpa_t gpa, size_t len, u8 first);

#endif
