/* SPDX-License-Identifier: GPL-2.0 */
/* PL011 console: polled output (picolibc stdout), interrupt-driven input. */
#ifndef BASIC_UART_H
#define BASIC_UART_H

#include <stdbool.h>
#include <stdint.h>

#define UART_DR		0x000
#define UART_FR		0x018
#define UART_FR_RXFE	(1U << 4)
#define UART_FR_TXFF	(1U << 5)
#define UART_FR_TXFE	(1U << 7)
#define UART_CR		0x030
#define UART_IMSC	0x038
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_PERIPHID0	0xfe0
#define UART_CELLID0	0xff0

void uart_init(uint64_t base);
/* Take input by interrupt from now on. */
void uart_enable_rx_irq(void);
void uart_putc(char c);
/* Next byte the RX interrupt stored, or -1. */
int uart_rx_pop(void);
void uart_rx_flush(void);
/* Bytes the RX interrupt handler has taken since boot. */
extern volatile uint32_t uart_rx_irq_bytes;
/* Pull bytes the FIFO holds without an interrupt (a fallback); true if any. */
bool uart_rx_poll(void);
bool uart_rx_ready(void *unused);
uint32_t uart_read(uint32_t off);

#endif
