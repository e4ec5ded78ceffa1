// SPDX-License-Identifier: GPL-2.0
/* Host tests of the guest PL011's interrupt line (RX, RT, TX, IMSC/ICR, and
 * set_irq only on changes) and of the register sequences real guests use. */
#include "vpl011_fixture.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* ---- interrupts ------------------------------------------------------------------ */

static void test_rx_interrupt_fifo_off(void **state)
{
	wr32(IMSC, RXI | RTI);
	assert_int_equal(irq_calls, 0);
	assert_int_equal(input("q"), 1);
	/* Trigger level 1: RX, not the timeout. */
	assert_int_equal(rd32(RIS), RXI);
	assert_int_equal(rd32(MIS), RXI);
	assert_int_equal(irq_calls, 1);
	assert_true(line);
	assert_int_equal(rd32(DR), 'q');
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(irq_calls, 2);
	assert_false(line);
}

static void test_ifls_trigger_levels(void **state)
{
	/* RXIFLSEL 0..4: 1/8, 1/4, 1/2, 3/4, 7/8 of 32; 5..7 reserved: 7/8. */
	static const unsigned int trigger[8] = { 4, 8, 16, 24, 28, 28, 28, 28 };
	char fill[VPL011_FIFO_DEPTH];

	memset(fill, 'f', sizeof(fill));
	enable_fifo();
	wr32(IMSC, RXI);
	for (unsigned int sel = 0; sel < 8; sel++) {
		unsigned int t = trigger[sel];

		wr32(IFLS, sel << 3);
		assert_int_equal(vserial_input(port, fill, t - 1), t - 1);
		/* Below the trigger: only the timeout, which is masked. */
		assert_int_equal(rd32(RIS), RTI);
		assert_false(line);
		assert_int_equal(input("g"), 1);
		assert_int_equal(rd32(RIS), RXI);
		assert_true(line);
		/* More bytes keep RX; a read to below the trigger clears it. */
		assert_int_equal(input("h"), 1);
		assert_int_equal(rd32(DR), 'f');
		assert_int_equal(rd32(RIS), RXI);
		assert_int_equal(rd32(DR), 'f');
		assert_int_equal(rd32(RIS), RTI);
		assert_false(line);
		while (!(rd32(FR) & FR_RXFE))
			rd32(DR);
		assert_int_equal(rd32(RIS), 0);
	}
	/* Lowering the trigger under waiting bytes raises RX at once. */
	wr32(IFLS, 4 << 3);
	assert_int_equal(vserial_input(port, fill, 10), 10);
	assert_int_equal(rd32(RIS), RTI);
	wr32(IFLS, 1 << 3);			/* 8 */
	assert_int_equal(rd32(RIS), RXI);
	assert_true(line);
	/* TX trigger bits are kept but change nothing. */
	wr32(IFLS, (1 << 3) | 7);
	assert_int_equal(rd32(IFLS), (1 << 3) | 7);
}

static void test_ris_mis_imsc_icr(void **state)
{
	enable_fifo();			/* trigger 16 (IFLS reset: 1/2) */
	/* TX is latched by every DR write (as QEMU), cleared only by ICR. */
	wr32(DR, 'a');
	assert_int_equal(rd32(RIS), TXI);
	assert_int_equal(rd32(MIS), 0);
	assert_int_equal(irq_calls, 0);
	wr32(IMSC, TXI);
	assert_int_equal(rd32(MIS), TXI);
	assert_int_equal(irq_calls, 1);
	wr32(ICR, TXI);
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(irq_calls, 2);
	assert_false(line);
	/* ICR bits of interrupts not raised, and of reserved bits: no effect. */
	wr32(ICR, 0xffffffff);
	assert_int_equal(irq_calls, 2);

	/* The timeout: data below the trigger, cleared only by emptying. */
	wr32(IMSC, RTI);
	assert_int_equal(input("ab"), 2);
	assert_int_equal(rd32(RIS), RTI);
	assert_int_equal(rd32(MIS), RTI);
	assert_int_equal(irq_calls, 3);
	wr32(ICR, RTI);			/* expires again at once: no lasting effect */
	assert_int_equal(rd32(RIS), RTI);
	assert_int_equal(irq_calls, 3);
	rd32(DR);
	assert_int_equal(rd32(RIS), RTI);
	rd32(DR);
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(irq_calls, 4);

	/* RX cleared by ICR while the level is still above the trigger: the
	 * data is then signalled as a timeout, never stranded. */
	wr32(IMSC, RXI | RTI);
	wr32(IFLS, 0);				/* trigger 4 */
	assert_int_equal(input("abcdef"), 6);
	assert_int_equal(rd32(RIS), RXI);
	assert_int_equal(irq_calls, 5);
	wr32(ICR, RXI);
	assert_int_equal(rd32(RIS), RTI);
	assert_int_equal(irq_calls, 5);		/* line stays up */
	/* Masking and unmasking moves the line; RIS does not care. */
	wr32(IMSC, RXI);
	assert_int_equal(rd32(MIS), 0);
	assert_int_equal(irq_calls, 6);
	assert_false(line);
	wr32(IMSC, RXI | RTI | TXI);
	assert_int_equal(irq_calls, 7);
	assert_true(line);
	while (!(rd32(FR) & FR_RXFE))
		rd32(DR);
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(irq_calls, 8);
	assert_false(line);
	/* RIS and MIS are read-only. */
	wr32(RIS, 0x7ff);
	wr32(MIS, 0x7ff);
	assert_int_equal(rd32(RIS), 0);
	assert_int_equal(irq_calls, 8);
}

/* set_irq comes exactly on changes, in order. */
static void test_set_irq_only_on_changes(void **state)
{
	static const bool want[] = { true, false, true, false };

	wr32(IMSC, RXI | RTI);
	assert_int_equal(input("a"), 1);	/* up */
	assert_int_equal(input("b"), 0);	/* full, nothing taken: no call */
	wr32(IMSC, RXI | RTI | TXI);		/* still up */
	wr32(DR, 'x');				/* TX latched: still up */
	rd32(DR);				/* RX gone, TX keeps it up */
	wr32(ICR, TXI);				/* down */
	wr32(ICR, TXI);
	wr32(IMSC, 0);
	wr32(DR, 'y');				/* TX latched but masked */
	wr32(IMSC, TXI);			/* up */
	wr32(IMSC, TXI | RXI);
	vpl011_reset(uart);			/* down */
	vpl011_reset(uart);
	assert_int_equal(irq_calls, ARRAY_SIZE(want));
	assert_memory_equal(irq_log, want, sizeof(want));
}

/* A change made while set_irq is running (another CPU's access, host
 * input) is reported by the CPU already reporting, after its call. */
static void mask_all(void)
{
	wr32(IMSC, 0);
}

static void feed(void)
{
	assert_int_equal(input("z"), 1);
}

static void test_change_during_report(void **state)
{
	wr32(IMSC, RXI);
	irq_hook = mask_all;
	assert_int_equal(input("a"), 1);
	/* Up; the hook masked it meanwhile: down, by the same reporter. */
	assert_int_equal(irq_calls, 2);
	assert_true(irq_log[0]);
	assert_false(irq_log[1]);
	assert_false(line);
	assert_int_equal(rd32(DR), 'a');
	assert_int_equal(irq_calls, 2);

	/* Down, and input arrives during that report: up again. */
	wr32(IMSC, RXI);
	assert_int_equal(input("b"), 1);
	assert_int_equal(irq_calls, 3);
	irq_hook = feed;
	assert_int_equal(rd32(DR), 'b');
	assert_int_equal(irq_calls, 5);
	assert_false(irq_log[3]);
	assert_true(irq_log[4]);
	assert_true(line);
	assert_int_equal(rd32(DR), 'z');
	assert_int_equal(irq_calls, 6);
	assert_false(line);
}

/* ---- what guests do ------------------------------------------------------------------- */

/* tests/guests/arm64/basic: uart_init, uart_enable_rx_irq, uart_irq. */
static void test_basic_firmware_sequence(void **state)
{
	wr32(IMSC, 0);
	wr32(CR, rd32(CR) | UARTEN | TXE | RXE);
	wr32(ICR, RXI | RTI);
	wr32(IMSC, RXI | RTI);
	for (const char *c = "xy"; *c; c++) {
		unsigned int before = irq_calls;
		char got;

		assert_int_equal(vserial_input(port, c, 1), 1);
		assert_int_equal(irq_calls, before + 1);	/* one interrupt per byte */
		assert_true(line);
		got = (char)rd32(DR);
		assert_int_equal(got, *c);
		assert_true(rd32(FR) & FR_RXFE);
		wr32(ICR, RXI | RTI);
		assert_false(line);
	}
}

/* Linux's amba-pl011 (ARM vendor data: 16-bit accesses): register_port,
 * startup, set_termios, then one pl011_int. */
static void test_linux_driver_sequence(void **state)
{
	u32 status;
	char got[8];
	size_t n = 0;

	wr(IMSC, 2, 0);
	wr(ICR, 2, 0xffff);
	wr(ICR, 2, 0x780 | RTI | RXI);				/* hwinit */
	wr(IMSC, 2, RTI | RXI);
	wr(IFLS, 2, 0x12);
	wr(CR, 2, UARTEN | RXE | TXE);
	wr(ICR, 2, RTI | RXI);				/* enable_interrupts */
	while (!(rd(FR, 2) & FR_RXFE))
		rd(DR, 2);
	wr(IMSC, 2, RTI | RXI);
	wr(FBRD, 2, 0x1a);					/* set_termios */
	wr(IBRD, 2, 0x0d);
	wr(LCR_H, 2, 0x70);
	wr(CR, 2, rd(CR, 2) | RXE);
	assert_false(line);

	assert_int_equal(input("ls\r"), 3);			/* below the trigger */
	assert_true(line);
	status = (u32)rd(RIS, 2) & (RTI | RXI);
	while (status) {					/* pl011_int */
		wr(ICR, 2, status & ~(TXI | RTI | RXI));
		while (!(rd(FR, 2) & FR_RXFE))
			got[n++] = (char)rd(DR, 2);
		status = (u32)rd(RIS, 2) & (RTI | RXI);
	}
	assert_int_equal(n, 3);
	assert_memory_equal(got, "ls\r", 3);
	assert_false(line);
	/* Console output: TXFF polled, then DR; TXIM never needed. */
	wr(CR, 2, UARTEN | TXE | RXE);
	assert_false(rd(FR, 2) & FR_TXFF);
	wr(DR, 2, '$');
	assert_false(rd(FR, 2) & FR_BUSY);
	assert_int_equal(out_len, 1);
	assert_false(line);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_rx_interrupt_fifo_off),
	T(test_ifls_trigger_levels),
	T(test_ris_mis_imsc_icr),
	T(test_set_irq_only_on_changes),
	T(test_change_during_report),
	T(test_basic_firmware_sequence),
	T(test_linux_driver_sequence),
};

UNIT_MAIN(tests, group_setup, group_teardown)
