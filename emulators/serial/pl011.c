// SPDX-License-Identifier: GPL-2.0
/* The guest-visible PL011 UART: register model, receive FIFO, interrupt line. */
#define LOG_PREFIX "pl011"
#include "pl011.h"
#include "pl011_priv.h"
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/spinlock.h>
#include <kestrel/vserial.h>
#include <printf.h>

/* Register offsets (TRM r1p5, table 3-1). */
#define UART_DR		0x000
#define UART_RSR	0x004	/* write: ECR */
#define UART_FR		0x018
#define UART_ILPR	0x020
#define UART_IBRD	0x024
#define UART_FBRD	0x028
#define UART_LCR_H	0x02c
#define UART_CR		0x030
#define UART_IFLS	0x034
#define UART_IMSC	0x038
#define UART_RIS	0x03c
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_DMACR	0x048
#define UART_ID_FIRST	0xfe0	/* PeriphID0-3, CellID0-3 */

#define FR_CTS		BIT(0)
#define FR_DSR		BIT(1)
#define FR_DCD		BIT(2)
#define FR_RXFE		BIT(4)
#define FR_TXFF		BIT(5)
#define FR_RXFF		BIT(6)
#define FR_TXFE		BIT(7)
#define CR_LBE		BIT(7)
#define CR_TXE		BIT(8)
#define CR_RXE		BIT(9)

#define CR_RESET	(CR_TXE | CR_RXE)
#define IFLS_RESET	0x12	/* both FIFOs at 1/2 */

static const u8 id_regs[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct vpl011 {
	/* Guards the registers, the FIFO, line and irq_busy; taken with IRQs
	 * masked. The fields after them are fixed once created. */
	spinlock_t lock;
	u16 cr, ibrd, imsc, ris;	/* ris: the latched bits (RX, TX) */
	u8 lcr_h, ifls, fbrd, ilpr, dmacr;
	u8 rx_fifo[VPL011_FIFO_DEPTH];
	unsigned int rx_head, rx_count;
	bool line;		/* the level last given to set_irq */
	bool irq_busy;		/* a CPU is reporting line changes */
	bool rx_paused;		/* host input refused (a snapshot is being taken) */

	struct devemu_region region;
	struct devemu_map *map;
	struct vserial *port;
	vpl011_irq_fn set_irq;
	void *irq_ctx;
	char name[VSERIAL_NAME_MAX];
};

/* ---- state (lock held) ----------------------------------------------------- */

static unsigned int rx_depth(const struct vpl011 *u)
{
	return (u->lcr_h & LCR_H_FEN) ? VPL011_FIFO_DEPTH : 1;
}

/* Receive interrupt trigger level: IFLS.RXIFLSEL of a 32-byte FIFO. */
static unsigned int rx_trigger(const struct vpl011 *u)
{
	static const u8 eighths[] = { 1, 2, 4, 6, 7 };
	unsigned int sel = (u->ifls >> 3) & 7;

	if (!(u->lcr_h & LCR_H_FEN))
		return 1;
	return eighths[MIN(sel, ARRAY_SIZE(eighths) - 1)] * VPL011_FIFO_DEPTH / 8;
}

/* Sets RXIS when the FIFO is at or above the trigger (after a byte came in
 * or the trigger moved). */
static void rx_check_trigger(struct vpl011 *u)
{
	if (u->rx_count && u->rx_count >= rx_trigger(u))
		u->ris |= INT_RX;
}

static void rx_flush(struct vpl011 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->ris &= ~INT_RX;
}

/* Appends up to len bytes; returns how many fitted. */
static size_t rx_push(struct vpl011 *u, const char *buf, size_t len)
{
	size_t n = MIN(len, rx_depth(u) - u->rx_count);

	for (size_t i = 0; i < n; i++) {
		u->rx_fifo[(u->rx_head + u->rx_count) % VPL011_FIFO_DEPTH] = (u8)buf[i];
		u->rx_count++;
	}
	if (n)
		rx_check_trigger(u);
	return n;
}

static u32 rx_pop(struct vpl011 *u)
{
	u8 c;

	if (!u->rx_count)
		return 0;
	c = u->rx_fifo[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VPL011_FIFO_DEPTH;
	u->rx_count--;
	if (u->rx_count < rx_trigger(u))
		u->ris &= ~INT_RX;
	return c;
}

/* RIS of latched bits ris with rx_count bytes received: the receive
 * timeout expires at once. */
static u32 status_of(u32 ris, unsigned int rx_count)
{
	if (rx_count && !(ris & INT_RX))
		ris |= INT_RT;
	return ris;
}

static u32 raw_status(const struct vpl011 *u)
{
	return status_of(u->ris, u->rx_count);
}

static u32 flag_register(const struct vpl011 *u)
{
	u32 fr = FR_TXFE | FR_CTS | FR_DSR | FR_DCD;

	if (!u->rx_count)
		fr |= FR_RXFE;
	if (u->rx_count == rx_depth(u))
		fr |= FR_RXFF;
	return fr;
}

static void reset_locked(struct vpl011 *u)
{
	u->cr = CR_RESET;
	u->ifls = IFLS_RESET;
	u->lcr_h = 0;
	u->ibrd = 0;
	u->fbrd = 0;
	u->ilpr = 0;
	u->imsc = 0;
	u->ris = 0;
	u->dmacr = 0;
	rx_flush(u);
}

/* ---- interrupt line ---------------------------------------------------------- */

/*
 * Called with the lock held after a state change; returns with it released
 * (flags restored), the line reported if it changed. set_irq runs without
 * the lock. Reports are serialised by irq_busy: a CPU that finds another
 * one reporting leaves its change to it, and the reporter samples the state
 * again after each call until the line matches, so calls never overtake
 * each other and the last one always carries the current level. (Sampling
 * under the lock and calling after it without irq_busy could let a stale
 * "high" from one CPU land after a fresh "low" from another and leave the
 * level-sensitive line stuck.)
 */
static void unlock_and_report(struct vpl011 *u, unsigned long irqflags)
{
	if (u->irq_busy) {
		spin_unlock_irqrestore(&u->lock, irqflags);
		return;
	}
	u->irq_busy = true;
	for (;;) {
		bool level = (raw_status(u) & u->imsc) != 0;

		if (level == u->line)
			break;
		u->line = level;
		spin_unlock_irqrestore(&u->lock, irqflags);
		if (u->set_irq)
			u->set_irq(u->irq_ctx, level);
		irqflags = spin_lock_irqsave(&u->lock);
	}
	u->irq_busy = false;
	spin_unlock_irqrestore(&u->lock, irqflags);
}

/* ---- registers ----------------------------------------------------------------- */

/* The 32-bit register at word offset off. Lock held; a DR read pops. */
static u32 reg_read(struct vpl011 *u, u32 off)
{
	switch (off) {
	case UART_DR:
		return rx_pop(u);	/* error bits [11:8] are 0: nothing overruns */
	case UART_RSR:
		return 0;
	case UART_FR:
		return flag_register(u);
	case UART_ILPR:
		return u->ilpr;
	case UART_IBRD:
		return u->ibrd;
	case UART_FBRD:
		return u->fbrd;
	case UART_LCR_H:
		return u->lcr_h;
	case UART_CR:
		return u->cr;
	case UART_IFLS:
		return u->ifls;
	case UART_IMSC:
		return u->imsc;
	case UART_RIS:
		return raw_status(u);
	case UART_MIS:
		return raw_status(u) & u->imsc;
	case UART_DMACR:
		return u->dmacr;
	}
	if (off >= UART_ID_FIRST)
		return id_regs[(off - UART_ID_FIRST) / 4];
	return 0;	/* ICR (write-only), reserved */
}

/* Writes the register at word offset off. Lock held. Returns true when val
 * is a byte the guest transmitted (*tx). */
static bool reg_write(struct vpl011 *u, u32 off, u32 val, u8 *tx)
{
	switch (off) {
	case UART_DR:
		u->ris |= INT_TX;
		if (u->cr & CR_LBE) {
			char c = (char)val;

			rx_push(u, &c, 1);	/* full: lost, like an overrun */
			return false;
		}
		*tx = (u8)val;
		return true;
	case UART_RSR:
		break;		/* ECR: there are no errors to clear */
	case UART_ILPR:
		u->ilpr = val & ILPR_MASK;
		break;
	case UART_IBRD:
		u->ibrd = val & IBRD_MASK;
		break;
	case UART_FBRD:
		u->fbrd = val & FBRD_MASK;
		break;
	case UART_LCR_H:
		if ((u->lcr_h ^ val) & LCR_H_FEN)
			rx_flush(u);
		u->lcr_h = val & LCR_H_MASK;
		break;
	case UART_CR:
		u->cr = val & CR_MASK;
		break;
	case UART_IFLS:
		u->ifls = val & IFLS_MASK;
		rx_check_trigger(u);
		break;
	case UART_IMSC:
		u->imsc = val & INT_MASK;
		break;
	case UART_ICR:
		u->ris &= ~val;
		break;
	case UART_DMACR:
		u->dmacr = val & DMACR_MASK;
		if (u->dmacr & 3)
			log_debug("%s: DMA enabled in DMACR, but there is no DMA", u->name);
		break;
	default:	/* FR, RIS, MIS, ID registers, reserved */
		log_debug("%s: write 0x%x to read-only or reserved 0x%03x ignored", u->name, val,
			  off);
		break;
	}
	return false;
}

/* Checks a guest access: 1, 2 or 4 bytes, naturally aligned. */
static bool access_ok(const struct vpl011 *u, u64 offset, unsigned int width, bool write)
{
	if (width <= 4 && IS_ALIGNED(offset, width))
		return true;
	log_debug("%s: %u-byte %s at 0x%03llx: abort", u->name, width, write ? "write" : "read",
		  (unsigned long long)offset);
	return false;
}

static enum devemu_result mmio_read(struct devemu_region *r, u64 offset, unsigned int width,
				    u64 *val)
{
	struct vpl011 *u = r->priv;
	unsigned long irqflags;
	u32 word;

	if (!access_ok(u, offset, width, false))
		return DEVEMU_ABORT;
	irqflags = spin_lock_irqsave(&u->lock);
	word = reg_read(u, (u32)offset & ~3U);
	*val = word >> (8 * (offset & 3));
	unlock_and_report(u, irqflags);
	return DEVEMU_HANDLED;
}

static enum devemu_result mmio_write(struct devemu_region *r, u64 offset, unsigned int width,
				     u64 val)
{
	struct vpl011 *u = r->priv;
	unsigned long irqflags;
	bool send;
	u8 tx;

	if (!access_ok(u, offset, width, true))
		return DEVEMU_ABORT;
	if (offset & 3) {
		/* The registers are addressed by word; no bits live up here. */
		log_debug("%s: %u-byte write 0x%llx at 0x%03llx, inside a register: ignored",
			  u->name, width, (unsigned long long)val, (unsigned long long)offset);
		return DEVEMU_HANDLED;
	}
	irqflags = spin_lock_irqsave(&u->lock);
	send = reg_write(u, (u32)offset, (u32)val, &tx);
	unlock_and_report(u, irqflags);
	if (send)
		vserial_write(u->port, (const char *)&tx, 1);
	return DEVEMU_HANDLED;
}

static const struct devemu_ops pl011_ops = { .read = mmio_read, .write = mmio_write };

/* Host input from the vserial port. */
static size_t port_rx(struct vserial *vs, const char *buf, size_t len)
{
	struct vpl011 *u = vs->priv;
	unsigned long irqflags = spin_lock_irqsave(&u->lock);
	/* In loopback the receiver hears only the transmitter. Refused input
	 * stays with the sender (the terminal keeps what was typed). */
	size_t n = (u->cr & CR_LBE) || u->rx_paused ? 0 : rx_push(u, buf, len);

	unlock_and_report(u, irqflags);
	return n;
}

static const struct vserial_ops port_ops = { .rx = port_rx };

/* ---- lifecycle ------------------------------------------------------------------- */

struct vpl011 *vpl011_create(const struct vpl011_config *cfg, struct devemu_map *map)
{
	const char *guest = cfg->guest ? cfg->guest : "?";
	const char *device = cfg->device ? cfg->device : "?";
	struct vpl011 *u;

	if (!cfg->guest || !cfg->device) {
		log_err("%s/%s: a guest and a device name are needed", guest, device);
		return NULL;
	}
	if (!IS_ALIGNED(cfg->base, SZ_4K) || cfg->size != VPL011_SIZE) {
		log_err("%s/%s: base 0x%llx size 0x%llx: need a 4 KiB aligned base, size 0x%lx",
			guest, device, (unsigned long long)cfg->base,
			(unsigned long long)cfg->size, VPL011_SIZE);
		return NULL;
	}
	u = kzalloc(sizeof(*u));
	if (!u) {
		log_err("%s/%s: out of memory", guest, device);
		return NULL;
	}
	spin_lock_init(&u->lock);
	reset_locked(u);
	u->map = map;
	u->set_irq = cfg->set_irq;
	u->irq_ctx = cfg->irq_ctx;
	snprintf(u->name, sizeof(u->name), "%s/%s", guest, device);
	u->port = vserial_create(guest, device, &port_ops, u);
	if (!u->port)
		goto free;	/* logged by vserial */
	/* No region lock: devemu would hold it around the callbacks, and they
	 * must call vserial_write and set_irq after dropping it. */
	u->region = (struct devemu_region){ .base = cfg->base, .size = VPL011_SIZE,
		.ops = &pl011_ops, .priv = u, .name = u->name };
	if (devemu_map_add(map, &u->region))
		goto port;	/* logged by devemu */
	log_debug("%s at 0x%llx", u->name, (unsigned long long)cfg->base);
	return u;
port:
	vserial_destroy(u->port);
free:
	kfree(u);
	return NULL;
}

void vpl011_destroy(struct vpl011 *u)
{
	if (!u)
		return;
	vserial_destroy(u->port);	/* first: no more host input */
	devemu_map_remove(u->map, &u->region);
	kfree(u);
}

void vpl011_reset(struct vpl011 *u)
{
	unsigned long irqflags = spin_lock_irqsave(&u->lock);

	reset_locked(u);
	unlock_and_report(u, irqflags);
}

struct vserial *vpl011_port(struct vpl011 *u)
{
	return u->port;
}

void vpl011_quiesce(struct vpl011 *u, bool quiet)
{
	unsigned long irqflags = spin_lock_irqsave(&u->lock);

	/* An rx call in flight holds the lock: once here, it is done. */
	u->rx_paused = quiet;
	spin_unlock_irqrestore(&u->lock, irqflags);
}

/* ---- snapshot state (pl011_priv.h) ------------------------------------------------ */

gpa_t vpl011_base(const struct vpl011 *u)
{
	return u->region.base;
}

bool vpl011_state_level(const struct vpl011_state *s)
{
	return (status_of(s->ris, s->rx_count) & s->imsc) != 0;
}

void vpl011_get_state(struct vpl011 *u, struct vpl011_state *s)
{
	unsigned long irqflags = spin_lock_irqsave(&u->lock);

	s->cr = u->cr;
	s->ibrd = u->ibrd;
	s->imsc = u->imsc;
	s->ris = u->ris;
	s->lcr_h = u->lcr_h;
	s->ifls = u->ifls;
	s->fbrd = u->fbrd;
	s->ilpr = u->ilpr;
	s->dmacr = u->dmacr;
	s->rx_count = u->rx_count;
	for (unsigned int i = 0; i < u->rx_count; i++)
		s->rx_fifo[i] = u->rx_fifo[(u->rx_head + i) % VPL011_FIFO_DEPTH];
	s->line = u->line;
	spin_unlock_irqrestore(&u->lock, irqflags);
}

void vpl011_set_state(struct vpl011 *u, const struct vpl011_state *s)
{
	unsigned long irqflags = spin_lock_irqsave(&u->lock);

	u->cr = s->cr;
	u->ibrd = s->ibrd;
	u->imsc = s->imsc;
	u->ris = s->ris;
	u->lcr_h = s->lcr_h;
	u->ifls = s->ifls;
	u->fbrd = s->fbrd;
	u->ilpr = s->ilpr;
	u->dmacr = s->dmacr;
	u->rx_head = 0;
	u->rx_count = MIN(s->rx_count, VPL011_FIFO_DEPTH);
	for (unsigned int i = 0; i < u->rx_count; i++)
		u->rx_fifo[i] = s->rx_fifo[i];
	/* Not reported: the interrupt controller holds this level already. */
	u->line = s->line;
	spin_unlock_irqrestore(&u->lock, irqflags);
}
