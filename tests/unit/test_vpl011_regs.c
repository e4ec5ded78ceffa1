// SPDX-License-Identifier: GPL-2.0
/* Host tests of the guest PL011 (emulators/serial): registers, output, the
 * receive FIFO, odd accesses and lifecycle, as a guest drives them. */
#include "vpl011_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- identification and reset state ----------------------------------------- */

static void test_id_registers(void **state)
{
	static const u8 ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	u32 pid = 0, cid = 0;

	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(rd32(PERIPHID0 + 4 * i), ids[i]);
	/* As Linux's amba bus and the test firmware assemble them. */
	for (int i = 3; i >= 0; i--) {
		pid = pid << 8 | (rd32(PERIPHID0 + 4 * i) & 0xff);
		cid = cid << 8 | (rd32(CELLID0 + 4 * i) & 0xff);
	}
	assert_int_equal(pid & 0xfff, 0x011);		/* part */
	assert_int_equal((pid >> 12) & 0xff, 0x41);	/* designer: ARM */
	assert_int_equal((pid >> 20) & 0xf, 1);		/* revision, as QEMU */
	assert_int_equal(cid, 0xb105f00d);
	/* Read-only: writes change nothing. */
	wr32(PERIPHID0, 0xff);
	wr32(CELLID0 + 12, 0);
	assert_int_equal(rd32(PERIPHID0), 0x11);
	assert_int_equal(rd32(CELLID0 + 12), 0xb1);
	/* Byte reads, as a firmware might. */
	assert_int_equal(rd(PERIPHID0 + 8, 1), 0x14);
	assert_int_equal(rd(CELLID0 + 4, 2), 0xf0);
}

static void test_reset_values(void **state)
{
	assert_int_equal(rd32(FR), FR_TXFE | FR_RXFE | MODEM_IN);
	assert_int_equal(rd32(CR), TXE | RXE);
	assert_int_equal(rd32(IFLS), 0x12);
	assert_int_equal(rd32(LCR_H), 0);
	assert_int_equal(rd32(IMSC), 0);
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(rd32(MIS), 0);
	assert_int_equal(rd32(RSR), 0);
	assert_int_equal(rd32(ILPR), 0);
	assert_int_equal(rd32(IBRD), 0);
	assert_int_equal(rd32(FBRD), 0);
	assert_int_equal(rd32(DMACR), 0);
	assert_int_equal(rd32(ICR), 0);		/* write-only */
	assert_int_equal(rd32(DR), 0);		/* empty FIFO */
	assert_int_equal(irq_calls, 0);
	assert_int_equal(rd32(FR), FR_TXFE | FR_RXFE | MODEM_IN);
}

static void test_register_masks(void **state)
{
	static const struct { u32 off, mask; } regs[] = {
		{ ILPR, 0xff }, { IBRD, 0xffff }, { FBRD, 0x3f }, { LCR_H, 0xff },
		{ CR, 0xff87 }, { IFLS, 0x3f }, { IMSC, 0x7ff }, { DMACR, 0x7 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++) {
		wr32(regs[i].off, 0xffffffff);
		assert_int_equal(rd32(regs[i].off), regs[i].mask);
		wr32(regs[i].off, 0);
		assert_int_equal(rd32(regs[i].off), 0);
	}
	/* IMSC was all ones for a moment, but nothing was raised: no line. */
	assert_int_equal(irq_calls, 0);
}

/* ---- output ------------------------------------------------------------------ */

static void test_tx_reaches_port(void **state)
{
	char recent[16];

	/* earlycon=pl011: FR by 32-bit reads, DR by byte writes, before any
	 * CR setup (QEMU transmits regardless of UARTEN/TXE; so do we). */
	assert_false(rd32(FR) & (FR_TXFF | FR_BUSY));
	wr(DR, 1, 'h');
	assert_false(rd32(FR) & FR_BUSY);
	wr32(CR, 0);			/* even with everything disabled */
	wr(DR, 4, 'i');
	/* The amba-pl011 driver: 16-bit accesses. */
	wr(CR, 2, UARTEN | TXE | RXE);
	wr(DR, 2, '!');
	wr32(DR, 0x100 | '\n');	/* bits above the data byte are dropped */
	assert_int_equal(out_len, 4);
	assert_memory_equal(out, "hi!\n", 4);
	assert_int_equal(vserial_read_recent(port, recent, sizeof(recent)), 4);
	assert_memory_equal(recent, "hi!\n", 4);
	/* Output is instant: the transmitter is always empty and idle. */
	assert_int_equal(rd32(FR) & (FR_TXFE | FR_TXFF | FR_BUSY), FR_TXFE);
	enable_fifo();
	for (unsigned int i = 0; i < 100; i++)
		wr32(DR, 'x');
	assert_int_equal(out_len, 104);
	assert_int_equal(rd32(FR) & (FR_TXFE | FR_TXFF | FR_BUSY), FR_TXFE);
}

/* ---- receive FIFO ------------------------------------------------------------- */

static void test_rx_holding_register(void **state)
{
	/* FIFO off (reset): one byte at a time. */
	assert_int_equal(input("abc"), 1);
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), FR_RXFF);
	assert_int_equal(input("bc"), 0);
	assert_int_equal(port->rx_bytes, 1);
	assert_int_equal(port->rx_dropped, 4);
	assert_int_equal(rd32(DR), 'a');	/* error bits [11:8] clear */
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), FR_RXFE);
	assert_int_equal(rd32(DR), 0);
	assert_int_equal(input("b"), 1);
	assert_int_equal(rd(DR, 1), 'b');	/* earlycon's poll read */
	assert_true(rd32(FR) & FR_RXFE);
}

static void test_rx_fifo_fill_and_drain(void **state)
{
	char buf[VPL011_FIFO_DEPTH + 8];

	enable_fifo();
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('A' + i);
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), FR_RXFE);
	assert_int_equal(vserial_input(port, buf, 5), 5);
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), 0);
	/* Up to the free space, then nothing. */
	assert_int_equal(vserial_input(port, buf + 5, sizeof(buf) - 5), VPL011_FIFO_DEPTH - 5);
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), FR_RXFF);
	assert_int_equal(vserial_input(port, "z", 1), 0);
	/* Drained in order, by 16-bit reads as Linux does. */
	for (unsigned int i = 0; i < VPL011_FIFO_DEPTH; i++) {
		assert_false(rd32(FR) & FR_RXFE);
		assert_int_equal(rd(DR, 2), (u8)buf[i]);
		assert_false(rd32(FR) & FR_RXFF);
	}
	assert_int_equal(rd32(FR) & (FR_RXFE | FR_RXFF), FR_RXFE);
	/* The ring wraps. */
	assert_int_equal(vserial_input(port, buf, 20), 20);
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(rd32(DR), (u8)buf[i]);
	assert_true(rd32(FR) & FR_RXFE);
}

static void test_fifo_enable_change_empties_it(void **state)
{
	enable_fifo();
	assert_int_equal(input("abc"), 3);
	wr32(LCR_H, 0x60);			/* FIFO off: emptied, as QEMU */
	assert_true(rd32(FR) & FR_RXFE);
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(input("d"), 1);
	wr32(LCR_H, 0x6e);			/* FEN unchanged: kept */
	assert_int_equal(rd32(DR), 'd');
}

static void test_loopback(void **state)
{
	enable_fifo();
	wr32(CR, UARTEN | TXE | RXE | LBE);
	wr32(DR, 'L');
	assert_int_equal(out_len, 0);		/* not sent */
	assert_int_equal(input("x"), 0);	/* the receiver hears only the transmitter */
	assert_int_equal(rd32(DR), 'L');
	wr32(CR, UARTEN | TXE | RXE);
	wr32(DR, 'M');
	assert_int_equal(out_len, 1);
	assert_int_equal(input("x"), 1);
}

/* ---- hostile and odd accesses ---------------------------------------------------- */

static void test_reserved_offsets(void **state)
{
	static const u32 reserved[] = { 0x008, 0x00c, 0x010, 0x014, 0x01c, 0x04c, 0x080, 0x08c,
					0x100, 0x800, 0xfcc, 0xfd0, 0xfdc };

	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++) {
		wr32(reserved[i], 0xffffffff);
		assert_int_equal(rd32(reserved[i]), 0);
		wr(reserved[i], 2, 0xffff);
		assert_int_equal(rd(reserved[i], 1), 0);
	}
	/* Writes to FR are ignored too. */
	wr32(FR, 0);
	assert_int_equal(rd32(FR), FR_TXFE | FR_RXFE | MODEM_IN);
	assert_int_equal(rd32(CR), TXE | RXE);
	assert_int_equal(rd32(IMSC), 0);
	assert_int_equal(out_len, 0);
	assert_int_equal(irq_calls, 0);
	/* Outside the 4 KiB frame there is no device. */
	assert_int_equal(devemu_access(&map, BASE + VPL011_SIZE, 4, false, &(u64){ 0 }),
			 DEVEMU_UNHANDLED);
}

static void test_access_widths(void **state)
{
	u64 val = 0;

	/* 64-bit: abort, read or write, at registers and reserved space. */
	assert_int_equal(acc(DR, 8, false, &val), DEVEMU_ABORT);
	val = 'X';
	assert_int_equal(acc(DR, 8, true, &val), DEVEMU_ABORT);
	assert_int_equal(acc(FR, 8, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(0x100, 8, false, &val), DEVEMU_ABORT);
	/* Misaligned: abort. */
	assert_int_equal(acc(CR + 1, 2, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(CR + 2, 4, true, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DR + 3, 2, true, &val), DEVEMU_ABORT);
	assert_int_equal(out_len, 0);

	/* Narrow reads return the bytes of the register they cover. */
	wr32(CR, UARTEN | TXE | RXE);
	assert_int_equal(rd(CR, 2), UARTEN | TXE | RXE);
	assert_int_equal(rd(CR, 1), UARTEN);
	assert_int_equal(rd(CR + 1, 1), (TXE | RXE) >> 8);
	assert_int_equal(rd(CR + 2, 2), 0);
	assert_int_equal(rd(FR, 1), FR_TXFE | FR_RXFE | MODEM_IN);
	/* Narrow writes at a register's offset write it, zero-extended. */
	wr(IMSC, 2, 0x7ff);
	assert_int_equal(rd32(IMSC), 0x7ff);
	wr(IMSC, 1, RXI);
	assert_int_equal(rd32(IMSC), RXI);
	/* Narrow writes inside a register: ignored. */
	wr(IMSC + 2, 2, 0xffff);
	wr(CR + 1, 1, 0);
	wr(DR + 1, 1, 'Y');
	assert_int_equal(rd32(IMSC), RXI);
	assert_int_equal(rd32(CR), UARTEN | TXE | RXE);
	assert_int_equal(out_len, 0);
	/* Any read of DR pops one byte. */
	assert_int_equal(input("k"), 1);
	assert_int_equal(rd(DR + 1, 1), 0);	/* error bits of 'k' */
	assert_true(rd32(FR) & FR_RXFE);
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static void test_reset(void **state)
{
	enable_fifo();
	wr32(IMSC, RXI | RTI);
	wr32(IBRD, 13);
	wr32(CR, UARTEN | TXE | RXE | LBE);
	wr32(CR, UARTEN | TXE | RXE);
	assert_int_equal(input("abc"), 3);
	assert_true(line);
	vpl011_reset(uart);
	assert_false(line);
	assert_int_equal(irq_calls, 2);
	assert_int_equal(rd32(FR), FR_TXFE | FR_RXFE | MODEM_IN);
	assert_int_equal(rd32(CR), TXE | RXE);
	assert_int_equal(rd32(IFLS), 0x12);
	assert_int_equal(rd32(LCR_H), 0);
	assert_int_equal(rd32(IMSC), 0);
	assert_int_equal(rd32(IBRD), 0);
	assert_int_equal(rd32(RIS), 0);
	/* The port stays, with its output. */
	assert_ptr_equal(vserial_find("g0/uart0"), port);
	assert_int_equal(input("d"), 1);
	assert_int_equal(rd32(DR), 'd');
}

static void test_create_errors(void **state)
{
	struct vpl011_config cfg = config("uart1", &bases[1]);
	struct heap_stats st, now;
	struct vpl011 *u1;

	heap_get_stats(&st);
	cfg.size = 0x2000;
	assert_null(vpl011_create(&cfg, &map));
	cfg.size = VPL011_SIZE;
	cfg.base = bases[1] + 0x800;
	assert_null(vpl011_create(&cfg, &map));
	cfg.base = bases[1];
	cfg.device = NULL;
	assert_null(vpl011_create(&cfg, &map));
	/* The port name is taken. */
	cfg.device = "uart0";
	assert_null(vpl011_create(&cfg, &map));
	/* The range is taken: the new port is given back. */
	cfg.device = "uart1";
	cfg.base = BASE;
	assert_null(vpl011_create(&cfg, &map));
	assert_console_contains("overlaps");
	assert_null(vserial_find("g0/uart1"));
	/* A name vserial refuses (too long). */
	cfg.base = bases[1];
	cfg.device = "a-device-name-that-is-far-too-long-for-a-vserial-port-0123456789";
	assert_null(vpl011_create(&cfg, &map));
	assert_int_equal(map.count, 1);
	heap_get_stats(&now);
	assert_int_equal(now.live_objects, st.live_objects);
	assert_int_equal(now.live_bytes, st.live_bytes);
	/* Beside the first one, it works. */
	cfg.device = "uart1";
	u1 = vpl011_create(&cfg, &map);

	assert_non_null(u1);
	assert_int_equal(map.count, 2);
	vpl011_destroy(u1);
}

static void test_destroy_frees_everything(void **state)
{
	struct heap_stats st0, st;
	struct vpl011_config cfg = config("uart1", &bases[1]);

	heap_get_stats(&st0);
	for (unsigned int i = 0; i < 3; i++) {
		struct vpl011 *u = vpl011_create(&cfg, &map);
		u64 val = RXI;

		assert_non_null(u);
		assert_non_null(vserial_find("g0/uart1"));
		heap_get_stats(&st);
		assert_true(st.live_objects > st0.live_objects);
		/* Left with data waiting and its line up: destroy does not call
		 * set_irq (the interrupt controller may be gone). */
		assert_int_equal(devemu_access(&map, bases[1] + IMSC, 4, true, &val),
				 DEVEMU_HANDLED);
		assert_int_equal(vserial_input(vpl011_port(u), "x", 1), 1);
		assert_true(line);
		line = false;
		irq_reset();
		vpl011_destroy(u);
		assert_int_equal(irq_calls, 0);
		assert_null(vserial_find("g0/uart1"));
		assert_int_equal(devemu_access(&map, bases[1], 4, false, &val),
				 DEVEMU_UNHANDLED);
		heap_get_stats(&st);
		assert_int_equal(st.live_objects, st0.live_objects);
		assert_int_equal(st.live_bytes, st0.live_bytes);
	}
	vpl011_destroy(NULL);			/* allowed */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_id_registers),
	T(test_reset_values),
	T(test_register_masks),
	T(test_tx_reaches_port),
	T(test_rx_holding_register),
	T(test_rx_fifo_fill_and_drain),
	T(test_fifo_enable_change_empties_it),
	T(test_loopback),
	T(test_reserved_offsets),
	T(test_access_widths),
	T(test_reset),
	T(test_create_errors),
	T(test_destroy_frees_everything),
};

UNIT_MAIN(tests, group_setup, group_teardown)
