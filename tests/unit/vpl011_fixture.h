/* SPDX-License-Identifier: GPL-2.0 */
/* The guest PL011 test fixture shared by test_vpl011_regs.c and
 * test_vpl011_irq.c: register offsets, a UART on a fresh devemu map with
 * its vserial port bound to a recorder, guest accessors, and the set_irq
 * recorder. */
#ifndef KESTREL_TEST_VPL011_FIXTURE_H
#define KESTREL_TEST_VPL011_FIXTURE_H

#include "unit.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include <kestrel/heap.h>
#include <kestrel/vserial.h>
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
extern const gpa_t bases[2];

extern struct devemu_map map;
extern struct vpl011 *uart;
extern struct vserial *port;

/* What set_irq reported. */
extern bool line;
extern unsigned int irq_calls;
extern bool irq_log[64];
/* Runs inside the next set_irq call (then is cleared), to change the
 * device while a report is in progress. */
extern void (*irq_hook)(void);

/* What reached the port's listener. */
extern char out[256];
extern size_t out_len;

/* Records a level change; checks it is one, reported without the UART lock. */
void set_irq(void *ctx, bool level);
void irq_reset(void);
struct vpl011_config config(const char *device, const gpa_t *at);

/* Per test: "g0/uart0" at bases[0] with its port bound to the recorder;
 * teardown destroys it and fails on anything left behind. */
int setup(void **state);
int teardown(void **state);

static inline enum devemu_result acc(u64 off, unsigned int width, bool write, u64 *val)
{
	return devemu_access(&map, BASE + off, width, write, val);
}

static inline u64 rd(u64 off, unsigned int width)
{
	return mmio_read(&map, BASE + off, width);
}

static inline void wr(u64 off, unsigned int width, u64 val)
{
	mmio_write(&map, BASE + off, width, val);
}

static inline u32 rd32(u64 off)
{
	return (u32)rd(off, 4);
}

static inline void wr32(u64 off, u32 val)
{
	wr(off, 4, val);
}

/* Host input to the UART through its port. */
static inline size_t input(const char *s)
{
	return vserial_input(port, s, strlen(s));
}

static inline void enable_fifo(void)
{
	wr32(LCR_H, FEN | 0x60);	/* 8 bits, FIFO on */
}

#endif
