// SPDX-License-Identifier: GPL-2.0
/* Host console: serialized output through the probed driver (the early
 * console before that) and an interrupt-fed receive ring for the terminal. */
#include <kestrel/console.h>
#include <kestrel/spinlock.h>
#include <kestrel/thread.h>
#include <arch_debug.h>
#include <printf.h>
#include <stdarg.h>

#define RX_RING 256

static const struct console_ops *con_ops;
static void *con_priv;
static spinlock_t out_lock = SPINLOCK_INIT;

static spinlock_t rx_lock = SPINLOCK_INIT;
static char rx_ring[RX_RING];
static unsigned int rx_head, rx_tail;
static unsigned long rx_dropped;
static struct waitq rx_wait = WAITQ_INIT(rx_wait);

void console_register(const struct console_ops *ops, void *priv)
{
	con_priv = priv;
	con_ops = ops;
}

const char *console_name(void)
{
	return con_ops ? con_ops->name : "early";
}

static void out_raw(const char *s, size_t len)
{
	if (!con_ops) {
		arch_early_puts(s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			con_ops->putc(con_priv, '\r');
		con_ops->putc(con_priv, s[i]);
	}
}

void console_write(const char *s, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&out_lock);

	out_raw(s, len);
	spin_unlock_irqrestore(&out_lock, flags);
}

void console_flush(void)
{
	if (con_ops && con_ops->flush)
		con_ops->flush(con_priv);
}

static void printk_sink(void *ctx, const char *s, size_t len)
{
	out_raw(s, len);
}

int printk(const char *fmt, ...)
{
	unsigned long flags;
	va_list ap;
	int n;

	va_start(ap, fmt);
	flags = spin_lock_irqsave(&out_lock);
	n = vcbprintf(printk_sink, NULL, fmt, ap);
	spin_unlock_irqrestore(&out_lock, flags);
	va_end(ap);
	return n;
}

void console_rx(char c)
{
	spin_lock(&rx_lock);
	if (rx_head - rx_tail < RX_RING)
		rx_ring[rx_head++ % RX_RING] = c;
	else
		rx_dropped++;
	spin_unlock(&rx_lock);
	waitq_wake_all(&rx_wait);
}

static int rx_take(void)
{
	unsigned long flags = spin_lock_irqsave(&rx_lock);
	int c = -1;

	if (rx_tail != rx_head)
		c = (unsigned char)rx_ring[rx_tail++ % RX_RING];
	spin_unlock_irqrestore(&rx_lock, flags);
	return c;
}

int console_getc(u64 timeout_ns)
{
	for (;;) {
		u64 seq = waitq_prepare(&rx_wait);
		int c = rx_take();

		if (c >= 0)
			return c;
		if (!waitq_wait(&rx_wait, seq, timeout_ns))
			return rx_take();
	}
}

unsigned long console_rx_dropped(void)
{
	return rx_dropped;
}
