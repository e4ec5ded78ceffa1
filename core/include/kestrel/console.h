/* SPDX-License-Identifier: GPL-2.0 */
/* The host console: output through the probed driver, buffered interrupt input. */
#ifndef KESTREL_CONSOLE_H
#define KESTREL_CONSOLE_H

#include <kestrel/types.h>
#include <kestrel/compiler.h>

struct console_ops {
	const char *name;
	/* Writes one byte, polling for space. Any context. */
	void (*putc)(void *priv, char c);
	/* Waits until everything written has left the device. Any context. */
	void (*flush)(void *priv);
};

/* Makes ops the console; before this, output goes to arch_early_puts. */
void console_register(const struct console_ops *ops, void *priv);
const char *console_name(void);

/* Writes to the console, turning "\n" into "\r\n". Serialized across CPUs. Any context. */
void console_write(const char *s, size_t len);
int printk(const char *fmt, ...) __printf(1, 2);
void console_flush(void);

/* Called by the console driver's RX interrupt for each received byte. IRQ context. */
void console_rx(char c);

/* Takes one received byte, blocking the calling thread until one arrives or
 * timeout_ns passes (0 waits forever). Returns the byte or -1 on timeout.
 * Thread context. */
int console_getc(u64 timeout_ns);

/* Bytes dropped because the receive ring was full. */
unsigned long console_rx_dropped(void);

#endif
