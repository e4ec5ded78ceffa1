// SPDX-License-Identifier: GPL-2.0
/* Polled PL011 output for messages before the console driver is probed
 * (works with the MMU off: the address is physical and identity-mapped). */
#include <arch_debug.h>
#include <kestrel/types.h>
#include "arm64.h"

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	(1U << 5)

void arm64_early_uart_putc(char c)
{
#ifdef CONFIG_EARLY_UART_BASE
	volatile u32 *base = (volatile u32 *)(uintptr_t)CONFIG_EARLY_UART_BASE;

	while (base[UART_FR / 4] & UART_FR_TXFF)
		;
	base[UART_DR / 4] = (u8)c;
#else
	(void)c;
#endif
}

void arch_early_puts(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			arm64_early_uart_putc('\r');
		arm64_early_uart_putc(s[i]);
	}
}
