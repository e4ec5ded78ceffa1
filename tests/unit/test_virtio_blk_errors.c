// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-blk device (emulators/virtio/virtio_blk.c) on
 * malformed requests and failures: no status byte, short or split headers,
 * data not in whole sectors or in pieces the disk cannot take, a malformed
 * ring (DEVICE_NEEDS_RESET and recovery), a backend refusing or failing a
 * request.
 */
#include "virtio_blk_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_no_status_byte),
	T(test_short_header),
	T(test_header_split_over_descriptors),
	T(test_data_not_whole_sectors),
	T(test_buffer_pieces),
	T(test_malformed_ring_needs_reset),
	T(test_backend_refuses),
};

UNIT_MAIN(tests, group_setup, group_teardown)
