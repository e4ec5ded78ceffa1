/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The split virtqueue test fixture shared by test_virtqueue_*.c: the queue
 * under test (emulators/virtio/virtqueue.c) over the fake guest RAM of
 * virtio_fixture.h, the driver's view of its rings, the request popped,
 * and the checks the tests repeat.
 */
#ifndef KESTREL_TEST_VIRTQUEUE_FIXTURE_H
#define KESTREL_TEST_VIRTQUEUE_FIXTURE_H

#include "virtio_fixture.h"

#define RING		RAM_BASE			/* rings from here (pieces 0-1) */
#define TABLE		(RAM_BASE + 4 * CHUNK)		/* indirect tables */
#define BUF		(RAM_BASE + 8 * CHUNK)		/* buffers */
#define R		0
#define W		VIRTQ_DESC_F_WRITE
#define N		VIRTQ_DESC_F_NEXT
#define I		VIRTQ_DESC_F_INDIRECT

extern struct vq q;
extern struct ring r;
extern struct vq_req req;

/* Per test: a zeroed queue and request, fresh RAM. */
int setup(void **state);
int teardown(void **state);

/* A queue of num entries at RING with the given features. */
void make_queue(u16 num, bool event_idx, bool indirect);
/* Segment i of req is the len bytes at gpa. */
void assert_iov(unsigned int i, gpa_t gpa, u32 len);
/* Pops expecting error e, twice (it sticks), and nothing consumed. */
void assert_pop_fails(enum vq_error e);

#endif
