// SPDX-License-Identifier: GPL-2.0
/* Host tests of the PL011 snapshot section: the payload against the
 * format's table, save -> load -> save byte for byte with the FIFO on and
 * off, the loaded UART behaving as the saved one, every refused value with
 * its message, quiescing, and the emulator's snapshot hooks. */
#include "vpl011_fixture.h"
#include "snap_payload_check.h"
#include "guest_line_fake.h"
#include "kerrno.h"
#include <kestrel/emulator.h>
#include <kestrel/guest.h>

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

#define BUF_SIZE	1024
#define UART_NAME	"/devices/uart0"

static u8 buf_a[BUF_SIZE], buf_b[BUF_SIZE];

static size_t save(struct vpl011 *u, u8 *buf)
{
	struct snap_tlv_writer w;
	size_t len;

	snap_tlv_writer_init(&w, buf, BUF_SIZE);
	vpl011_snap_save(u, &w);
	assert_int_equal(snap_tlv_finish(&w, &len), 0);
	return len;
}

static int load(struct vpl011 *u, const u8 *buf, size_t len, const bool *irq_line, char *err,
		size_t errlen)
{
	struct snap_section s = payload_section(SNAP_SEC_PL011, UART_NAME, buf, len);

	return vpl011_snap_load(u, &s, irq_line, err, errlen);
}

/* ---- a second UART at the same address, on its own map ------------------------ */

static struct devemu_map map2;
static struct vpl011 *uart2;
static bool line2;
static unsigned int calls2;

static void set_irq2(void *ctx, bool level)
{
	assert_true(level != line2);
	line2 = level;
	calls2++;
}

static void uart2_create(void)
{
	struct vpl011_config cfg = config("uart1", &bases[0]);

	cfg.set_irq = set_irq2;
	cfg.irq_ctx = NULL;
	devemu_map_init(&map2);
	line2 = false;
	calls2 = 0;
	uart2 = vpl011_create(&cfg, &map2);
	assert_non_null(uart2);
}

static void uart2_destroy(void)
{
	vpl011_destroy(uart2);
	devemu_map_destroy(&map2);
}

static u32 rd2(u64 off)
{
	return (u32)mmio_read(&map2, BASE + off, 4);
}

/* ---- round trips ------------------------------------------------------------------ */

/* FIFO on: the programmed registers, bytes waiting behind one already
 * read (the ring does not start at 0), TXRIS latched, the timeout
 * interrupt raising the line. */
static void configure_fifo_on(void)
{
	enable_fifo();
	wr32(CR, UARTEN | TXE | RXE);
	wr32(IBRD, 0x1a);
	wr32(FBRD, 0x3);
	wr32(ILPR, 0x5a);
	wr32(DMACR, 0x4);
	wr32(IMSC, RXI | RTI);
	assert_int_equal(input("hello world"), 11);
	assert_int_equal(rd32(DR), 'h');
	wr32(DR, 'X');
	assert_true(line);
	assert_int_equal(rd32(RIS), RTI | TXI);
}

static void test_payload_matches_the_table(void **state)
{
	struct snap_field f;
	size_t len;

	configure_fifo_on();
	len = save(uart, buf_a);
	assert_payload_matches_table(SNAP_SEC_PL011, buf_a, len);
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_PL011_RX_FIFO, &f), 1);
	assert_int_equal(f.length, 10);
	assert_memory_equal(f.value, "ello world", 10);	/* oldest first */
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_PL011_RIS, &f), 1);
	assert_int_equal(snap_field_u32(&f), TXI);	/* RTRIS is derived */
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_PL011_BASE, &f), 1);
	assert_int_equal(snap_field_u64(&f), BASE);
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_PL011_LINE, &f), 1);
	assert_int_equal(snap_field_u32(&f), 1);
}

static void test_round_trip_fifo_on(void **state)
{
	char err[256] = "", got[16] = { 0 };
	size_t len;

	configure_fifo_on();
	len = save(uart, buf_a);
	uart2_create();
	assert_int_equal(load(uart2, buf_a, len, &line, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(calls2, 0);		/* the line is not driven: */
	line2 = line;				/* the vGIC holds the level */
	assert_int_equal(save(uart2, buf_b), len);
	assert_memory_equal(buf_b, buf_a, len);

	/* The guest goes on where it stopped: same registers, the bytes in
	 * order, and the line (loaded high) drops once when they are read. */
	assert_int_equal(rd2(RIS), RTI | TXI);
	assert_int_equal(rd2(MIS), RTI);
	assert_int_equal(rd2(LCR_H), FEN | 0x60);
	assert_int_equal(rd2(IBRD), 0x1a);
	assert_int_equal(rd2(CR), UARTEN | TXE | RXE);
	for (unsigned int i = 0; i < 10; i++)
		got[i] = (char)rd2(DR);
	assert_string_equal(got, "ello world");
	assert_true(rd2(FR) & FR_RXFE);
	assert_int_equal(calls2, 1);
	assert_false(line2);
	uart2_destroy();
}

static void test_round_trip_fifo_off(void **state)
{
	char err[256] = "";
	size_t len;

	wr32(LCR_H, 0x60);
	wr32(IMSC, RXI);
	assert_int_equal(input("ab"), 1);	/* the holding register */
	assert_true(line);
	len = save(uart, buf_a);
	assert_payload_matches_table(SNAP_SEC_PL011, buf_a, len);
	uart2_create();
	assert_int_equal(load(uart2, buf_a, len, &line, err, sizeof(err)), 0);
	assert_int_equal(calls2, 0);
	line2 = line;
	assert_int_equal(save(uart2, buf_b), len);
	assert_memory_equal(buf_b, buf_a, len);
	assert_int_equal(rd2(RIS), RXI);
	assert_int_equal(rd2(DR), 'a');
	assert_int_equal(rd2(RIS), 0);
	assert_int_equal(calls2, 1);
	assert_false(line2);
	uart2_destroy();
}

/* ---- refusals ------------------------------------------------------------------- */

struct refusal {
	u16 tag;
	u64 val;
	const char *msg;
};

/* Against configure_fifo_on's state; the vGIC's line agrees (high). */
static const struct refusal refusals[] = {
	{ SNAP_PL011_BASE, BASE + 0x1000,
	  "tag 0x0001 (base): 0x9001000, but the device is at 0x9000000" },
	{ SNAP_PL011_CR, 0x10301, "tag 0x0002 (cr): 0x10301 is wider than 16 bits" },
	{ SNAP_PL011_CR, 0x349, "tag 0x0002 (cr): 0x349 sets reserved bits 0x48" },
	{ SNAP_PL011_LCR_H, 0x170, "tag 0x0003 (lcr-h): 0x170 is wider than 8 bits" },
	{ SNAP_PL011_IBRD, 0x10000, "tag 0x0004 (ibrd): 0x10000 is wider than 16 bits" },
	{ SNAP_PL011_FBRD, 0x40, "tag 0x0005 (fbrd): 0x40 is wider than 6 bits" },
	{ SNAP_PL011_IFLS, 0x52, "tag 0x0006 (ifls): 0x52 is wider than 6 bits" },
	{ SNAP_PL011_IMSC, 0x850, "tag 0x0007 (imsc): 0x850 is wider than 11 bits" },
	{ SNAP_PL011_RIS, 0x60,
	  "tag 0x0008 (ris): 0x60 sets bits 0x40; only RXRIS (bit 4) and TXRIS (bit 5) are latched" },
	{ SNAP_PL011_ILPR, 0x100, "tag 0x0009 (ilpr): 0x100 is wider than 8 bits" },
	{ SNAP_PL011_DMACR, 0x8, "tag 0x000a (dmacr): 0x8 is wider than 3 bits" },
	{ SNAP_PL011_LCR_H, 0x60,
	  "tag 0x000b (rx-fifo): 10 bytes; the receive FIFO holds 1 with LCR_H.FEN clear" },
	{ SNAP_PL011_LINE, 2, "tag 0x000c (line): 2 is not a level (0 or 1)" },
	{ SNAP_PL011_LINE, 0, "tag 0x000c (line): 0, but the saved RIS, FIFO and IMSC give 1" },
	{ SNAP_PL011_IMSC, 0, "tag 0x000c (line): 1, but the saved RIS, FIFO and IMSC give 0" },
};

/* Refused: the UART is as it was. */
static void assert_refused(const u8 *bad, size_t len, const bool *irq_line, const char *msg)
{
	static u8 before[BUF_SIZE], after[BUF_SIZE];
	size_t n = save(uart, before);
	char err[256] = "";

	assert_int_equal(load(uart, bad, len, irq_line, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, msg);
	assert_int_equal(save(uart, after), n);
	assert_memory_equal(after, before, n);
}

static void test_refused_values(void **state)
{
	static u8 bad[BUF_SIZE];
	const bool high = true, low = false;
	size_t len;

	configure_fifo_on();
	len = save(uart, buf_a);
	for (unsigned int i = 0; i < ARRAY_SIZE(refusals); i++) {
		memcpy(bad, buf_a, len);
		payload_patch(bad, len, refusals[i].tag, 0, refusals[i].val);
		assert_refused(bad, len, &high, refusals[i].msg);
	}
	/* The vGIC's level for the SPI disagrees with the UART's line. */
	assert_refused(buf_a, len, &low,
		       "tag 0x000c (line): 1, but the vGIC's spi-line bit for the UART's SPI is 0");
	/* Without an interrupt there is nothing to compare with. */
	assert_int_equal(load(uart, buf_a, len, NULL, NULL, 0), 0);
}

/* The payload of buf_a with another rx-fifo (a saver could not write these). */
static size_t with_fifo(const u8 *fifo, size_t n, u32 ris, u8 *out)
{
	struct snap_tlv_writer w;
	struct snap_field f;
	size_t len;

	snap_tlv_writer_init(&w, out, BUF_SIZE);
	for (u16 tag = SNAP_PL011_BASE; tag <= SNAP_PL011_LINE; tag++) {
		assert_int_equal(snap_tlv_find(buf_a, sizeof(buf_a), tag, &f), 1);
		if (tag == SNAP_PL011_BASE)
			snap_tlv_put_u64(&w, tag, SNAP_M, snap_field_u64(&f));
		else if (tag == SNAP_PL011_RX_FIFO)
			snap_tlv_put_bytes(&w, tag, SNAP_M, fifo, n);
		else
			snap_tlv_put_u32(&w, tag, SNAP_M,
					 tag == SNAP_PL011_RIS ? ris : snap_field_u32(&f));
	}
	assert_int_equal(snap_tlv_finish(&w, &len), 0);
	return len;
}

static void test_refused_fifos(void **state)
{
	static u8 bad[BUF_SIZE];
	u8 fifo[VPL011_FIFO_DEPTH + 1];
	const bool high = true;
	size_t len;

	memset(fifo, 'f', sizeof(fifo));
	configure_fifo_on();
	save(uart, buf_a);
	len = with_fifo(fifo, VPL011_FIFO_DEPTH + 1, TXI, bad);
	assert_refused(bad, len, &high,
		       "tag 0x000b (rx-fifo): 33 bytes; the receive FIFO holds 32 with LCR_H.FEN set");
	len = with_fifo(fifo, 0, RXI, bad);
	assert_refused(bad, len, &high,
		       "tag 0x0008 (ris): 0x10 has RXRIS latched with an empty receive FIFO");
	/* A full FIFO is fine. */
	len = with_fifo(fifo, VPL011_FIFO_DEPTH, RXI | TXI, bad);
	assert_int_equal(load(uart, bad, len, &high, NULL, 0), 0);
	assert_true(rd32(FR) & FR_RXFF);
}

/* ---- quiescing ---------------------------------------------------------------------- */

static void test_quiesce_refuses_input(void **state)
{
	vpl011_quiesce(uart, true);
	/* The sender keeps it: nothing taken, nothing counted as dropped. */
	assert_int_equal(vserial_offer(port, "ab", 2), 0);
	assert_true(rd32(FR) & FR_RXFE);
	/* A guest reset does not undo it; the host does. */
	vpl011_reset(uart);
	assert_int_equal(vserial_offer(port, "ab", 2), 0);
	vpl011_quiesce(uart, false);
	assert_int_equal(vserial_offer(port, "ab", 2), 1);
	assert_int_equal(rd32(DR), 'a');
	/* The guest itself is not quiesced: its output still goes out. */
	vpl011_quiesce(uart, true);
	wr32(DR, '!');
	assert_int_equal(out_len, 1);
	vpl011_quiesce(uart, false);
}

/* ---- the emulator's hooks, over a stand-in guest --------------------------------------- */

static struct guest fake_guest;
static unsigned int spi_calls;

int guest_irq_set_level(struct guest *g, unsigned int spi, bool level)
{
	assert_ptr_equal(g, &fake_guest);
	assert_true(spi < FAKE_IRQ_LINES);
	fake_irq_lines[spi] = level;
	spi_calls++;
	return 0;
}

static void test_emulator_hooks(void **state)
{
	const struct emulator *e = emulator_find("arm,pl011");
	const struct guest_device_config dev = { .name = "uart0", .base = BASE,
		.size = VPL011_SIZE, .has_reg = true, .irq = 1, .has_irq = true };
	struct snap_section s;
	struct snap_tlv_writer w;
	struct vserial *vs;
	char err[256] = "";
	void *priv;
	size_t len;

	assert_non_null(e);
	assert_non_null(e->snap_type);
	assert_non_null(e->snap_save);
	assert_non_null(e->snap_load);
	assert_non_null(e->quiesce);
	memset(&fake_guest, 0, sizeof(fake_guest));
	strcpy(fake_guest.cfg.name, "g1");
	devemu_map_init(&fake_guest.mmio);
	memset(fake_irq_lines, 0, sizeof(fake_irq_lines));
	spi_calls = 0;

	assert_int_equal(e->create(&fake_guest, &dev, &priv), 0);
	assert_int_equal(e->snap_type(priv), SNAP_SEC_PL011);
	mmio_write(&fake_guest.mmio, BASE + IMSC, 4, RXI);
	vs = vserial_find("g1/uart0");
	assert_int_equal(vserial_input(vs, "z", 1), 1);
	assert_true(fake_irq_lines[1]);
	snap_tlv_writer_init(&w, buf_a, BUF_SIZE);
	e->snap_save(priv, &w);
	assert_int_equal(snap_tlv_finish(&w, &len), 0);
	assert_payload_matches_table(SNAP_SEC_PL011, buf_a, len);
	e->destroy(priv);

	/* A new guest whose vGIC holds the saved level: loaded, not driven. */
	assert_int_equal(e->create(&fake_guest, &dev, &priv), 0);
	spi_calls = 0;
	s = payload_section(SNAP_SEC_PL011, UART_NAME, buf_a, len);
	assert_int_equal(e->snap_load(priv, &s, err, sizeof(err)), 0);
	assert_int_equal(spi_calls, 0);
	assert_int_equal(mmio_read(&fake_guest.mmio, BASE + DR, 4), 'z');
	assert_int_equal(spi_calls, 1);
	assert_false(fake_irq_lines[1]);
	/* The vGIC's level and the UART's line disagree: refused. */
	assert_int_equal(e->snap_load(priv, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "tag 0x000c (line): 1, but the vGIC's spi-line bit for the UART's SPI is 0");
	/* quiesce: host input waits with the sender. */
	vs = vserial_find("g1/uart0");
	e->quiesce(priv, true);
	assert_int_equal(vserial_offer(vs, "q", 1), 0);
	e->quiesce(priv, false);
	assert_int_equal(vserial_offer(vs, "q", 1), 1);
	e->destroy(priv);
	assert_int_equal(fake_guest.mmio.count, 0);
	devemu_map_destroy(&fake_guest.mmio);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_payload_matches_the_table),
	T(test_round_trip_fifo_on),
	T(test_round_trip_fifo_off),
	T(test_refused_values),
	T(test_refused_fifos),
	T(test_quiesce_refuses_input),
	T(test_emulator_hooks),
};

UNIT_MAIN(tests, group_setup, group_teardown)
