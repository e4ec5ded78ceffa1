// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the guest PL011 (emulators/serial): registers driven through
 * devemu_access as a guest would, output and input through the real vserial
 * port, the interrupt line, and that destroying a UART returns its memory.
 */
#include "unit.h"
#include "ram_zone.h"
#include <kestrel/devemu.h>
#include <kestrel/heap.h>
#include <kestrel/vserial.h>
#include <arch_irq.h>
#include "../../emulators/serial/pl011.h"

#define POOL_SIZE	(4UL * 1024 * 1024)
#define BASE		0x09000000ULL

#define DR		0x000
#define RSR		0x004
#define FR		0x018
#define ILPR		0x020
#define IBRD		0x024
#define FBRD		0x028
#define LCR_H		0x02c
#define CR		0x030
#define IFLS		0x034
#define IMSC		0x038
#define RIS		0x03c
#define MIS		0x040
#define ICR		0x044
#define DMACR		0x048
#define PERIPHID0	0xfe0
#define CELLID0		0xff0

#define FR_CTS		BIT(0)
#define FR_DSR		BIT(1)
#define FR_DCD		BIT(2)
#define FR_BUSY		BIT(3)
#define FR_RXFE		BIT(4)
#define FR_TXFF		BIT(5)
#define FR_RXFF		BIT(6)
#define FR_TXFE		BIT(7)
#define FEN		BIT(4)
#define UARTEN		BIT(0)
#define LBE		BIT(7)
#define TXE		BIT(8)
#define RXE		BIT(9)
#define RXI		BIT(4)
#define TXI		BIT(5)
#define RTI		BIT(6)
#define MODEM_IN	(FR_CTS | FR_DSR | FR_DCD)

/* Where the UARTs of a test sit; set_irq's ctx points at one of these. */
static const gpa_t bases[2] = { BASE, BASE + VPL011_SIZE };

static struct devemu_map map;
static struct vpl011 *uart;
static struct vserial *port;
static struct heap_stats base;

/* What set_irq reported. */
static bool line;
static unsigned int irq_calls;
static bool irq_log[64];
/* Runs inside the next set_irq call (then is cleared), to change the
 * device while a report is in progress. */
static void (*irq_hook)(void);

/* What reached the port's listener. */
static char out[256];
static size_t out_len;

static enum devemu_result acc(u64 off, unsigned int width, bool write, u64 *val)
{
	return devemu_access(&map, BASE + off, width, write, val);
}

static u64 rd(u64 off, unsigned int width)
{
	u64 val = 0xbad;

	assert_int_equal(acc(off, width, false, &val), DEVEMU_HANDLED);
	return val;
}

static void wr(u64 off, unsigned int width, u64 val)
{
	assert_int_equal(acc(off, width, true, &val), DEVEMU_HANDLED);
}

static u32 rd32(u64 off)
{
	return (u32)rd(off, 4);
}

static void wr32(u64 off, u32 val)
{
	wr(off, 4, val);
}

static void set_irq(void *ctx, bool level)
{
	const gpa_t *at = ctx;
	u64 mis = 0;
	void (*hook)(void) = irq_hook;

	assert_true(at == &bases[0] || at == &bases[1]);
	/* Only changes are reported, and never under the UART lock: IRQs are
	 * unmasked again, and a guest access from here (which takes the lock)
	 * goes through and sees the level being reported. */
	assert_true(level != line);
	assert_false(arch_irqs_disabled());
	assert_int_equal(devemu_access(&map, *at + MIS, 4, false, &mis), DEVEMU_HANDLED);
	if (!hook)
		assert_int_equal(mis != 0, level);
	assert_true(irq_calls < ARRAY_SIZE(irq_log));
	irq_log[irq_calls++] = level;
	line = level;
	irq_hook = NULL;
	if (hook)
		hook();
}

static void listen(struct vserial *vs, const char *buf, size_t len, void *ctx)
{
	u64 fr = 0;

	assert_ptr_equal(ctx, out);
	assert_true(out_len + len <= sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	/* Output is sent after the UART lock is dropped: this access would
	 * spin forever otherwise. */
	assert_int_equal(acc(FR, 4, false, &fr), DEVEMU_HANDLED);
	assert_true(fr & FR_TXFE);
}

static void irq_reset(void)
{
	irq_calls = 0;
	irq_hook = NULL;
}

static struct vpl011_config config(const char *device, const gpa_t *at)
{
	return (struct vpl011_config){ .guest = "g0", .device = device, .base = *at,
		.size = VPL011_SIZE, .set_irq = set_irq, .irq_ctx = (void *)at };
}

static int group_setup(void **state)
{
	fake_arch_reset();
	return ram_zone_setup(POOL_SIZE);
}

static int group_teardown(void **state)
{
	ram_zone_teardown();
	return 0;
}

static int setup(void **state)
{
	struct vpl011_config cfg = config("uart0", &bases[0]);

	fake_console_reset();
	heap_get_stats(&base);
	devemu_map_init(&map);
	line = false;
	irq_reset();
	out_len = 0;
	uart = vpl011_create(&cfg, &map);
	if (!uart)
		return -1;
	port = vpl011_port(uart);
	return vserial_bind(port, listen, out, 0);
}

/* Destroying the UART and the map gives everything back. */
static int teardown(void **state)
{
	struct heap_stats st;

	vpl011_destroy(uart);
	uart = NULL;
	if (vserial_find("g0/uart0")) {
		print_error("the vserial port outlived its UART\n");
		return -1;
	}
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	heap_get_stats(&st);
	if (st.live_objects != base.live_objects || st.live_bytes != base.live_bytes) {
		print_error("leak: %llu live objects (started with %llu)\n",
			    (unsigned long long)st.live_objects,
			    (unsigned long long)base.live_objects);
		return -1;
	}
	return 0;
}

static size_t input(const char *s)
{
	return vserial_input(port, s, strlen(s));
}

static void enable_fifo(void)
{
	wr32(LCR_H, FEN | 0x60);	/* 8 bits, FIFO on */
}

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
	T(test_rx_interrupt_fifo_off),
	T(test_ifls_trigger_levels),
	T(test_ris_mis_imsc_icr),
	T(test_set_irq_only_on_changes),
	T(test_change_during_report),
	T(test_reserved_offsets),
	T(test_access_widths),
	T(test_basic_firmware_sequence),
	T(test_linux_driver_sequence),
	T(test_reset),
	T(test_create_errors),
	T(test_destroy_frees_everything),
};

UNIT_MAIN(tests, group_setup, group_teardown)
