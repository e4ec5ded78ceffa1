// SPDX-License-Identifier: GPL-2.0
/* PL011 console: polled output (picolibc stdout), interrupt-driven input. */
#include <stdio.h>
#include "uart.h"
#include "gic.h"
#include "platform.h"
#include "sysreg.h"

#define UART_CR_UARTEN	(1U << 0)
#define UART_CR_TXE	(1U << 8)
#define UART_CR_RXE	(1U << 9)
#define UART_INT_RX	(1U << 4)
#define UART_INT_RT	(1U << 6)
#define RING		64

static uint64_t uart_base;
static volatile uint8_t ring[RING];
static volatile uint32_t ring_head, ring_tail;	/* head: IRQ writes; tail: reader */
volatile uint32_t uart_rx_irq_bytes;

uint32_t uart_read(uint32_t off)
{
	return mmio_read32(uart_base + off);
}

void uart_putc(char c)
{
	if (!uart_base)
		return;
	while (mmio_read32(uart_base + UART_FR) & UART_FR_TXFF)
		cpu_relax();
	mmio_write32(uart_base + UART_DR, (uint8_t)c);
}

static int stdio_put(char c, FILE *f)
{
	(void)f;
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
	return (unsigned char)c;
}

static FILE console = FDEV_SETUP_STREAM(stdio_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

void uart_init(uint64_t base)
{
	uart_base = base;
	/* Keep the line settings the platform chose; just make sure it runs. */
	mmio_write32(base + UART_IMSC, 0);
	mmio_write32(base + UART_CR, mmio_read32(base + UART_CR) |
		     UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE);
}

static void ring_put(uint8_t b)
{
	if (ring_head - ring_tail < RING) {
		ring[ring_head % RING] = b;
		ring_head++;
	}
}

static void uart_irq(uint32_t intid)
{
	(void)intid;
	while (!(mmio_read32(uart_base + UART_FR) & UART_FR_RXFE)) {
		ring_put((uint8_t)mmio_read32(uart_base + UART_DR));
		uart_rx_irq_bytes++;
	}
	mmio_write32(uart_base + UART_ICR, UART_INT_RX | UART_INT_RT);
}

void uart_enable_rx_irq(void)
{
	if (!plat.uart_intid)
		return;
	gic_set_handler(plat.uart_intid, uart_irq);
	gic_enable_irq(plat.uart_intid, plat.uart_level);
	mmio_write32(uart_base + UART_ICR, UART_INT_RX | UART_INT_RT);
	mmio_write32(uart_base + UART_IMSC, UART_INT_RX | UART_INT_RT);
}

int uart_rx_pop(void)
{
	if (ring_tail == ring_head)
		return -1;
	int b = ring[ring_tail % RING];

	ring_tail++;
	return b;
}

void uart_rx_flush(void)
{
	ring_tail = ring_head;
}

bool uart_rx_poll(void)
{
	bool got = false;
	uint64_t flags = irq_save();

	while (!(mmio_read32(uart_base + UART_FR) & UART_FR_RXFE)) {
		ring_put((uint8_t)mmio_read32(uart_base + UART_DR));
		got = true;
	}
	irq_restore(flags);
	return got;
}

bool uart_rx_ready(void *unused)
{
	(void)unused;
	return ring_tail != ring_head;
}
