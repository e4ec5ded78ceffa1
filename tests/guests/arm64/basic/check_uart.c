// SPDX-License-Identifier: GPL-2.0
/* Check: PL011 identity and flags (no user needed), then one typed byte by RX interrupt. */
#include <stdio.h>
#include "checks.h"
#include "platform.h"
#include "timer.h"
#include "uart.h"

#ifndef UART_WAIT_S
#define UART_WAIT_S	5
#endif

static uint32_t id_word(uint32_t off)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | (uart_read(off + 4 * i) & 0xff);
	return v;
}

static enum check_result run(char *d, size_t n)
{
	uint32_t pid = id_word(UART_PERIPHID0), cid = id_word(UART_CELLID0);
	uint32_t part = pid & 0xfff, designer = (pid >> 12) & 0xff, rev = (pid >> 20) & 0xf;

	if (cid != 0xb105f00d || part != 0x011 || designer != 0x41) {
		snprintf(d, n, "pl011 @0x%lx: PeriphID 0x%08x CellID 0x%08x, expected part 0x011 "
			 "designer 0x41 and CellID 0xb105f00d", plat.uart.base, pid, cid);
		return CHECK_FAIL;
	}
	/* Everything printed so far has left the transmitter FIFO. */
	uint64_t until = now_ticks() + ms_to_ticks(1000);
	uint32_t fr;

	while (!((fr = uart_read(UART_FR)) & UART_FR_TXFE) && now_ticks() < until)
		cpu_relax();
	if (!(fr & UART_FR_TXFE) || (fr & UART_FR_TXFF)) {
		snprintf(d, n, "pl011 @0x%lx: transmit FIFO never drains (FR 0x%x)", plat.uart.base, fr);
		return CHECK_FAIL;
	}

	uart_rx_flush();
	printf("basic: type a key for the uart check\n");
	bool got = wait_until(uart_rx_ready, 0, now_ticks() + ms_to_ticks(UART_WAIT_S * 1000));
	char input[64];

	if (got) {
		int c = uart_rx_pop();

		if (c > 0x20 && c < 0x7f)
			snprintf(input, sizeof(input), "input 0x%02x '%c' by rx interrupt (intid %u)",
				 c, c, plat.uart_intid);
		else
			snprintf(input, sizeof(input), "input 0x%02x by rx interrupt (intid %u)",
				 c, plat.uart_intid);
	} else if (!(uart_read(UART_FR) & UART_FR_RXFE)) {
		snprintf(d, n, "pl011 @0x%lx: a byte is in the receive FIFO but no rx interrupt "
			 "(intid %u) came", plat.uart.base, plat.uart_intid);
		return CHECK_FAIL;
	} else {
		printf("basic: SKIP uart-input: no input\n");
		snprintf(input, sizeof(input), "input skipped");
	}
	snprintf(d, n, "pl011 @0x%lx rev %u (PeriphID 0x%08x CellID 0x%08x), FR 0x%02x, output ok, %s",
		 plat.uart.base, rev, pid, cid, fr, input);
	return CHECK_PASS;
}

const struct check check_uart = { "uart", run };
