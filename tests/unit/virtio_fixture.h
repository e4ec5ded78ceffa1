/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake guest RAM and a driver's side of split rings, shared by the virtio
 * tests (test_virtqueue_*.c through virtqueue_fixture.h, the device tests
 * through virtio_dev_fixture.h). The RAM is NR_CHUNKS separately allocated
 * 4 KiB host pieces, mapped one piece at a time and in reverse host order:
 * a buffer crossing a piece boundary must become several iovecs, and any
 * access past a piece lands in an ASan redzone.
 */
#ifndef KESTREL_TEST_VIRTIO_FIXTURE_H
#define KESTREL_TEST_VIRTIO_FIXTURE_H

#include "unit.h"
#include "../../emulators/virtio/virtqueue.h"

#define RAM_BASE	0x40000000ULL
#define CHUNK		0x1000ULL
#define NR_CHUNKS	64
#define RAM_SIZE	(CHUNK * NR_CHUNKS)
#define RAM_END		(RAM_BASE + RAM_SIZE)

/* fake_ram_map as a struct vq_mem, and how often it was called. */
extern const struct vq_mem fake_mem;
extern unsigned long fake_map_calls;

/* Fresh zeroed RAM; 0 or -1 (a cmocka setup helper). */
int fake_ram_setup(void);
void fake_ram_teardown(void);
void *fake_ram_map(void *ctx, gpa_t gpa, u64 len, u64 *contig);

/* True when [p, p + len) lies inside one piece of the fake RAM. */
bool fake_ram_holds(const void *p, u64 len);

/* The test's (the guest's) access to its RAM; fail the test outside it. */
u8 *ram(gpa_t gpa);			/* within one piece */
void ram_write(gpa_t gpa, const void *src, size_t len);	/* across pieces */
void ram_read(gpa_t gpa, void *dst, size_t len);
void ram_fill(gpa_t gpa, int c, size_t len);
u16 ram_r16(gpa_t gpa);
u32 ram_r32(gpa_t gpa);
void ram_w16(gpa_t gpa, u16 v);

/* Also here: entropy_source_name() and entropy_read() as a host entropy
 * pool that always has bytes (kestrel/entropy.h), for the tests that link
 * the emulator glue, whose rng type needs the host's source. */

/* A driver's view of one split ring in the fake RAM. */
struct ring {
	u16 num;
	gpa_t desc, avail, used;
	u16 avail_idx;		/* the driver's next avail idx */
};

/* Lays the ring out from base as Linux does: table, avail, used (4-aligned). */
void ring_layout(struct ring *r, u16 num, gpa_t base);
/* Writes descriptor i of the table at `table` (the ring's or an indirect one). */
void desc_set(gpa_t table, u16 i, u64 addr, u32 len, u16 flags, u16 next);
/* Makes the chain at head available: ring entry, then idx. */
void ring_post(struct ring *r, u16 head);
void ring_set_avail_idx(struct ring *r, u16 idx);
void ring_set_avail_flags(struct ring *r, u16 flags);
void ring_set_used_event(struct ring *r, u16 v);
u16 ring_used_idx(const struct ring *r);
u16 ring_used_flags(const struct ring *r);
u16 ring_avail_event(const struct ring *r);
/* Used element i (mod num). */
void ring_used_elem(const struct ring *r, u16 i, u32 *id, u32 *len);

#endif
