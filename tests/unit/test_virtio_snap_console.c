// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of virtio-console in snapshots (emulators/virtio/
 * virtio_console.c on a real vserial port): host input refused while
 * quiesced (the terminal keeps it) and taken once released; both queues'
 * fields; save -> load into a new device -> save giving the same bytes.
 */
#include "virtio_dev_fixture.h"
#include "virtio_snap_fixture.h"
#include <kestrel/vserial.h>
#include "../../emulators/virtio/virtio_console.h"

#define QSIZE		16
#define RXRING		RAM_BASE
#define TXRING		(RAM_BASE + 2 * CHUNK)
#define RXBUF		(RAM_BASE + 4 * CHUNK)
#define TXBUF		(RAM_BASE + 8 * CHUNK)
#define SPI		19
#define F_EMERG		VIRTIO_FEATURE(VIRTIO_CONSOLE_F_EMERG_WRITE)

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static struct virtio_dev *dev;
static struct vserial *port;
static struct ring rx, tx;
static bool line;
static struct snap_buf saved, again;

static void set_irq(void *ctx, bool level)
{
	line = level;
}

static void create(void)
{
	struct virtio_mmio_config cfg = { .guest = "g0", .device = "hvc0", .base = BASE,
		.size = VIRTIO_MMIO_SIZE, .mem = fake_mem, .set_irq = set_irq };

	dev = virtio_console_create(&cfg, &map, NULL, 0);
	assert_non_null(dev);
	port = virtio_console_port(dev);
}

static int setup(void **state)
{
	if (vdev_setup())
		return -1;
	line = false;
	create();
	return 0;
}

static int teardown(void **state)
{
	virtio_console_destroy(dev);
	dev = NULL;
	return vdev_teardown();
}

static void setup_queue(struct ring *r, u32 q, gpa_t base)
{
	ring_layout(r, QSIZE, base);
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)r->desc);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)r->avail);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)r->used);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void bring_up(void)
{
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)F_EMERG);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	setup_queue(&rx, VIRTIO_CONSOLE_RXQ, RXRING);
	setup_queue(&tx, VIRTIO_CONSOLE_TXQ, TXRING);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK | DRV_OK);
}

static void post_rx(u16 d, gpa_t addr, u32 len)
{
	desc_set(rx.desc, d, addr, len, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&rx, d);
}

static void test_input_waits_while_quiet(void **state)
{
	char got[4];

	bring_up();
	post_rx(0, RXBUF, 16);
	virtio_dev_quiesce(dev, true);
	assert_int_equal(vserial_offer(port, "ls", 2), 0);
	assert_int_equal(ring_used_idx(&rx), 0);
	assert_false(line);
	virtio_dev_quiesce(dev, false);
	assert_int_equal(vserial_offer(port, "ls", 2), 2);
	assert_int_equal(ring_used_idx(&rx), 1);
	ram_read(RXBUF, got, 2);
	assert_memory_equal(got, "ls", 2);
}

static void test_round_trip(void **state)
{
	char got[4];
	u64 v = VIRTIO_CONSOLE_TXQ;

	bring_up();
	post_rx(0, RXBUF, 16);
	post_rx(1, RXBUF + 16, 16);
	assert_int_equal(vserial_offer(port, "hi", 2), 2);
	ram_write(TXBUF, "out", 3);
	desc_set(tx.desc, 0, TXBUF, 3, 0, 0);
	ring_post(&tx, 0);
	assert_int_equal(devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v),
			 DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&tx), 1);
	assert_true(line);

	virtio_dev_quiesce(dev, true);
	snap_save_dev(dev, &saved);
	assert_int_equal(saved.s.type, SNAP_SEC_VIRTIO_CONSOLE);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	assert_int_equal(snap_value(&saved, SNAP_VIRTIO_FEATURES), F_V1 | F_EMERG);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_NUM, 1), QSIZE);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_DESC, 1), tx.desc);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 0), 1);
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_USED_IDX, 1), 1);
	/* No events negotiated: no notification decision is kept. */
	assert_int_equal(snap_elem(&saved, SNAP_VIRTIO_QUEUE_FLAGS, 0), 0);

	virtio_console_destroy(dev);
	create();
	{
		char err[200] = "";

		if (virtio_dev_snap_load(dev, &saved.s, SPI, line, err, sizeof(err)))
			fail_msg("load refused: %s", err);
	}
	snap_save_dev(dev, &again);
	assert_int_equal(again.len, saved.len);
	assert_memory_equal(again.buf, saved.buf, saved.len);
	/* The second receive buffer takes the next input. */
	virtio_dev_snap_resume(dev);
	assert_int_equal(vserial_offer(port, "yo", 2), 2);
	assert_int_equal(ring_used_idx(&rx), 2);
	ram_read(RXBUF + 16, got, 2);
	assert_memory_equal(got, "yo", 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_input_waits_while_quiet),
	T(test_round_trip),
};

UNIT_MAIN(tests, group_setup, group_teardown)
