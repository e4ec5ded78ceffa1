// SPDX-License-Identifier: GPL-2.0
/* ARM PL011 UART as the host console: polled output, interrupt-driven input. */
#define LOG_PREFIX "pl011"
#include <kestrel/console.h>
#include <kestrel/driver.h>
#include <kestrel/errno.h>
#include <kestrel/hostdt.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <arch_io.h>
#include <arch_mmu.h>

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_IMSC	0x38
#define UART_ICR	0x44
#define FR_RXFE		(1U << 4)
#define FR_TXFF		(1U << 5)
#define FR_BUSY		(1U << 3)
#define INT_RX		(1U << 4)
#define INT_RT		(1U << 6)

static hva_t base;

static void pl011_putc(void *priv, char c)
{
	while (mmio_read32(base + UART_FR) & FR_TXFF)
		;
	mmio_write32(base + UART_DR, (u8)c);
}

static void pl011_flush(void *priv)
{
	while (mmio_read32(base + UART_FR) & FR_BUSY)
		;
}

/* Acknowledge first, then drain: a byte arriving while we drain raises the
 * interrupt again instead of waiting unseen in the FIFO. */
static void pl011_rx_drain(void)
{
	mmio_write32(base + UART_ICR, INT_RX | INT_RT);
	while (!(mmio_read32(base + UART_FR) & FR_RXFE))
		console_rx((char)(mmio_read32(base + UART_DR) & 0xff));
}

static void pl011_irq(unsigned int hwirq, void *arg)
{
	pl011_rx_drain();
}

static const struct console_ops pl011_ops = {
	.name = "pl011",
	.putc = pl011_putc,
	.flush = pl011_flush,
};

static int pl011_probe(const void *fdt, int node)
{
	enum irq_trigger trigger;
	unsigned int hwirq;
	u64 addr, size;
	int r;

	r = hostdt_reg(fdt, node, 0, &addr, &size);
	if (r)
		return r;
	base = arch_mmu_map_device(addr, size ? size : 0x1000);
	if (!base)
		return -ENOMEM;
	console_register(&pl011_ops, NULL);
	/* The firmware configured line settings; only receive interrupts change. */
	r = irq_from_dt(fdt, node, 0, &hwirq, &trigger);
	if (r) {
		log_warn("no usable 'interrupts' property (%s): console input disabled",
			 strerror(r));
		return 0;
	}
	r = irq_request(hwirq, "pl011-console", pl011_irq, NULL, trigger, false, 0);
	if (r)
		return r;
	mmio_write32(base + UART_ICR, 0x7ff);
	mmio_write32(base + UART_IMSC, INT_RX | INT_RT);
	pl011_rx_drain();	/* keys typed during boot */
	return 0;
}

static const char *const pl011_compat[] = { "arm,pl011", NULL };

DRIVER(pl011_driver) = {
	.name = "pl011",
	.cls = DRIVER_CONSOLE,
	.compatible = pl011_compat,
	.probe = pl011_probe,
};
