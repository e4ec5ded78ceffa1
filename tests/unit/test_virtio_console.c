// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-console device (emulators/virtio/virtio_console.c)
 * on the real transport and a real vserial port (core/vserial.c), driven as
 * Linux's virtio_console driver drives port 0: guest output to the port and
 * its listener, host input into the posted receive buffers (none posted:
 * nothing taken), the per-notification bounds, emergency writes, lifecycle.
 */
#include "virtio_dev_fixture.h"
#include <kestrel/vserial.h>
#include "../../emulators/virtio/virtio_console.h"

#define QSIZE		64
#define RXRING		RAM_BASE
#define TXRING		(RAM_BASE + 2 * CHUNK)
#define RXBUF		(RAM_BASE + 4 * CHUNK)
#define TXBUF		(RAM_BASE + 8 * CHUNK)

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static struct virtio_dev *dev;
static struct vserial *port;
static struct ring rx, tx;
static bool line;

/* What a bound listener heard. */
static char heard[256];
static size_t nheard;

static void set_irq(void *ctx, bool level)
{
	line = level;
}

static void listener(struct vserial *vs, const char *buf, size_t len, void *ctx)
{
	assert_ptr_equal(vs, port);
	assert_true(nheard + len <= sizeof(heard));
	memcpy(heard + nheard, buf, len);
	nheard += len;
}

static int setup(void **state)
{
	struct virtio_mmio_config cfg = { .guest = "g0", .device = "hvc0", .base = BASE,
		.size = VIRTIO_MMIO_SIZE, .mem = fake_mem, .set_irq = set_irq };

	if (vdev_setup())
		return -1;
	line = false;
	nheard = 0;
	dev = virtio_console_create(&cfg, &map, NULL, 0);
	if (!dev)
		return -1;
	port = virtio_console_port(dev);
	return 0;
}

static int teardown(void **state)
{
	virtio_console_destroy(dev);
	dev = NULL;
	if (vserial_find("g0/hvc0")) {
		print_error("the port outlived its device\n");
		return -1;
	}
	return vdev_teardown();
}

/* ---- the driver's side --------------------------------------------------- */

static void setup_queue(struct ring *r, u32 q, gpa_t base)
{
	ram_fill(base, 0, 2 * CHUNK);
	ring_layout(r, QSIZE, base);
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)r->desc);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)r->avail);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)r->used);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* As Linux: the offered features (VERSION_1 and EMERG_WRITE), both
 * queues, DRIVER_OK. */
static void bring_up(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_CONSOLE_F_EMERG_WRITE);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	setup_queue(&rx, VIRTIO_CONSOLE_RXQ, RXRING);
	setup_queue(&tx, VIRTIO_CONSOLE_TXQ, TXRING);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK | DRV_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK);
}

static enum devemu_result notify(u32 q)
{
	u64 v = q;

	return devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v);
}

/* Posts descriptor d of the TX ring: `len` bytes of s at addr. */
static void post_tx(u16 d, gpa_t addr, const char *s, u32 len)
{
	ram_write(addr, s, len);
	desc_set(tx.desc, d, addr, len, 0, 0);
	ring_post(&tx, d);
}

/* Posts descriptor d of the RX ring: an empty buffer of len bytes. */
static void post_rx(u16 d, gpa_t addr, u32 len)
{
	ram_fill(addr, '.', len);
	desc_set(rx.desc, d, addr, len, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&rx, d);
}

static void assert_used(const struct ring *r, u16 n, u32 id, u32 len)
{
	u32 i, l;

	ring_used_elem(r, n, &i, &l);
	assert_int_equal(i, id);
	assert_int_equal(l, len);
}

static void assert_port_output(const char *s)
{
	char buf[VSERIAL_RING_SIZE];
	size_t n = vserial_read_recent(port, buf, sizeof(buf));

	assert_int_equal(n, strlen(s));
	assert_memory_equal(buf, s, n);
}

static void assert_ram(gpa_t addr, const char *s)
{
	char buf[64];
	size_t n = strlen(s);

	ram_read(addr, buf, n);
	assert_memory_equal(buf, s, n);
}

/* ---- tests --------------------------------------------------------------- */

static void test_identity(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	assert_int_equal(features(), F_V1 | VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC) |
			 VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX) |
			 VIRTIO_FEATURE(VIRTIO_CONSOLE_F_EMERG_WRITE));
	for (u32 q = 0; q < 3; q++) {
		wr(VIRTIO_MMIO_QUEUE_SEL, q);
		assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), q < 2 ? QSIZE : 0);
	}
	/* cols, rows, max_nr_ports: 0 (no F_SIZE, no F_MULTIPORT). */
	for (u32 off = 0; off < 12; off += 4)
		assert_int_equal(rd(VIRTIO_MMIO_CONFIG + off), 0);
	assert_ptr_equal(vserial_find("g0/hvc0"), port);
}

static void test_tx_to_port(void **state)
{
	bring_up();
	post_tx(0, TXBUF, "hello, ", 7);
	/* One buffer in two pieces: descriptors 1 -> 2, across a RAM piece. */
	ram_write(TXBUF + CHUNK - 3, "world\n", 6);
	desc_set(tx.desc, 1, TXBUF + CHUNK - 3, 6, 0, 0);
	ring_post(&tx, 1);
	assert_int_equal(notify(VIRTIO_CONSOLE_TXQ), DEVEMU_HANDLED);
	assert_port_output("hello, world\n");
	assert_int_equal(ring_used_idx(&tx), 2);
	assert_used(&tx, 0, 0, 0);
	assert_used(&tx, 1, 1, 0);
	assert_true(line);
	assert_int_equal(port->written, 13);
}

static void test_tx_to_listener(void **state)
{
	bring_up();
	assert_int_equal(vserial_bind(port, listener, NULL, 0), 0);
	post_tx(0, TXBUF, "ab", 2);
	post_tx(1, TXBUF + 16, "cd", 2);
	notify(VIRTIO_CONSOLE_TXQ);
	assert_int_equal(nheard, 4);
	assert_memory_equal(heard, "abcd", 4);
	vserial_unbind(port);
}

static void test_tx_writable_part_ignored(void **state)
{
	bring_up();
	ram_write(TXBUF, "xy", 2);
	desc_set(tx.desc, 0, TXBUF, 2, VIRTQ_DESC_F_NEXT, 1);
	desc_set(tx.desc, 1, TXBUF + 16, 8, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&tx, 0);
	notify(VIRTIO_CONSOLE_TXQ);
	assert_port_output("xy");
	assert_used(&tx, 0, 0, 0);
}

static void test_rx_into_buffers(void **state)
{
	bring_up();
	post_rx(0, RXBUF, 4);
	post_rx(1, RXBUF + 64, 4);
	assert_int_equal(vserial_input(port, "abcdefghij", 10), 8);
	assert_ram(RXBUF, "abcd");
	assert_ram(RXBUF + 64, "efgh");
	assert_int_equal(ring_used_idx(&rx), 2);
	assert_used(&rx, 0, 0, 4);
	assert_used(&rx, 1, 1, 4);
	assert_true(line);
	assert_int_equal(port->rx_bytes, 8);
	assert_int_equal(port->rx_dropped, 2);
}

static void test_rx_partial_buffer(void **state)
{
	bring_up();
	post_rx(0, RXBUF, 16);
	assert_int_equal(vserial_offer(port, "ls\r", 3), 3);
	assert_ram(RXBUF, "ls\r.");
	assert_used(&rx, 0, 0, 3);
	/* The next input takes the next buffer: there is none. */
	assert_int_equal(vserial_offer(port, "x", 1), 0);
	assert_int_equal(ring_used_idx(&rx), 1);
}

static void test_rx_no_buffer(void **state)
{
	bring_up();
	assert_int_equal(vserial_offer(port, "abc", 3), 0);
	assert_int_equal(port->rx_dropped, 0);	/* offered: the caller keeps it */
	assert_int_equal(vserial_input(port, "abc", 3), 0);
	assert_int_equal(port->rx_dropped, 3);
	assert_int_equal(ring_used_idx(&rx), 0);
	assert_false(line);
	/* Posting a buffer takes nothing by itself; the next offer fills it. */
	post_rx(0, RXBUF, 8);
	assert_int_equal(notify(VIRTIO_CONSOLE_RXQ), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&rx), 0);
	assert_int_equal(vserial_offer(port, "abc", 3), 3);
	assert_ram(RXBUF, "abc.");
}

static void test_rx_before_driver_ok(void **state)
{
	assert_int_equal(vserial_offer(port, "a", 1), 0);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	assert_int_equal(vserial_offer(port, "a", 1), 0);
	bring_up();
	wr(VIRTIO_MMIO_STATUS, 0);	/* reset: not live again */
	assert_int_equal(vserial_offer(port, "a", 1), 0);
}

static void test_rx_buffer_without_room(void **state)
{
	bring_up();
	/* A device-readable "receive" buffer: returned empty, input goes on. */
	desc_set(rx.desc, 0, RXBUF, 4, 0, 0);
	ring_post(&rx, 0);
	post_rx(1, RXBUF + 64, 4);
	assert_int_equal(vserial_offer(port, "hi", 2), 2);
	assert_used(&rx, 0, 0, 0);
	assert_used(&rx, 1, 1, 2);
	assert_ram(RXBUF + 64, "hi..");
}

static void test_tx_batch_bound(void **state)
{
	bring_up();
	for (u16 i = 0; i < VIRTIO_CONSOLE_BATCH + 4; i++)
		post_tx(i, TXBUF + 16 * i, "z", 1);
	assert_int_equal(notify(VIRTIO_CONSOLE_TXQ), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&tx), VIRTIO_CONSOLE_BATCH);
	assert_int_equal(notify(VIRTIO_CONSOLE_TXQ), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&tx), VIRTIO_CONSOLE_BATCH + 4);
	assert_int_equal(port->written, VIRTIO_CONSOLE_BATCH + 4);
}

static void test_tx_byte_bounds(void **state)
{
	u32 big = VIRTIO_CONSOLE_TX_MAX + 4096;

	bring_up();
	/* One buffer beyond TX_MAX, off a RAM piece boundary so that TX_MAX
	 * falls inside a piece: its first TX_MAX bytes are sent. */
	ram_fill(TXBUF + 100, 'a', big);
	desc_set(tx.desc, 0, TXBUF + 100, big, 0, 0);
	ring_post(&tx, 0);
	post_tx(1, RXBUF, "after", 5);
	/* The byte budget is spent by the first: the second waits a retry. */
	assert_int_equal(notify(VIRTIO_CONSOLE_TXQ), DEVEMU_RETRY);
	assert_int_equal(port->written, VIRTIO_CONSOLE_TX_MAX);
	assert_int_equal(ring_used_idx(&tx), 1);
	assert_int_equal(notify(VIRTIO_CONSOLE_TXQ), DEVEMU_HANDLED);
	assert_int_equal(port->written, VIRTIO_CONSOLE_TX_MAX + 5);
}

static void test_emergency_write(void **state)
{
	/* Allowed before negotiation; other config writes are ignored. */
	mmio_write(&map, BASE + VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_EMERG_WR, 4, 'K');
	mmio_write(&map, BASE + VIRTIO_MMIO_CONFIG + 0, 4, 'x');
	bring_up();
	mmio_write(&map, BASE + VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_EMERG_WR, 1, 'S');
	assert_port_output("KS");
}

static void test_malformed_tx_needs_reset(void **state)
{
	bring_up();
	desc_set(tx.desc, 0, RAM_END - 2, 4, 0, 0);	/* beyond RAM */
	ring_post(&tx, 0);
	notify(VIRTIO_CONSOLE_TXQ);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(port->written, 0);
	/* Input is refused until the driver resets the device. */
	post_rx(0, RXBUF, 4);
	assert_int_equal(vserial_offer(port, "a", 1), 0);
	bring_up();
	post_rx(0, RXBUF, 4);
	assert_int_equal(vserial_offer(port, "a", 1), 1);
}

static void test_port_name_taken(void **state)
{
	struct virtio_mmio_config cfg = { .guest = "g0", .device = "hvc0",
		.base = BASE + VIRTIO_MMIO_SIZE, .size = VIRTIO_MMIO_SIZE, .mem = fake_mem };

	assert_null(virtio_console_create(&cfg, &map, NULL, 0));
	assert_int_equal(map.count, 1);	/* the second device's region went too */
	assert_ptr_equal(vserial_find("g0/hvc0"), port);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_identity),
		T(test_tx_to_port),
		T(test_tx_to_listener),
		T(test_tx_writable_part_ignored),
		T(test_rx_into_buffers),
		T(test_rx_partial_buffer),
		T(test_rx_no_buffer),
		T(test_rx_before_driver_ok),
		T(test_rx_buffer_without_room),
		T(test_tx_batch_bound),
		T(test_tx_byte_bounds),
		T(test_emergency_write),
		T(test_malformed_tx_needs_reset),
		T(test_port_name_taken),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, group_setup, group_teardown);
}
