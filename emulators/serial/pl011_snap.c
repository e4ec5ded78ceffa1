// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 snapshots: the model's registers, receive FIFO and line as one
 * pl011 section (docs/snapshot-format.md), and back, every value checked
 * before the model sees any.
 */
#define LOG_PREFIX "pl011"
#include "pl011_priv.h"
#include <kestrel/errno.h>
#include <kestrel/snapshot.h>
#include <printf.h>
#include <stdarg.h>

#define RIS_LATCHED	((u32)(INT_RX | INT_TX))	/* RTRIS is derived */

/* The plain registers: the width the format gives and the bits the model
 * implements (a guest write masks the others away, so no guest has them). */
struct pl011_reg {
	u16 tag;
	u8 bits;
	u32 implemented;
};

static const struct pl011_reg regs[] = {
	{ SNAP_PL011_CR, 16, CR_MASK },
	{ SNAP_PL011_LCR_H, 8, LCR_H_MASK },
	{ SNAP_PL011_IBRD, 16, IBRD_MASK },
	{ SNAP_PL011_FBRD, 6, FBRD_MASK },
	{ SNAP_PL011_IFLS, 6, IFLS_MASK },
	{ SNAP_PL011_IMSC, 11, INT_MASK },
	{ SNAP_PL011_ILPR, 8, ILPR_MASK },
	{ SNAP_PL011_DMACR, 3, DMACR_MASK },
};

void vpl011_snap_save(struct vpl011 *u, struct snap_tlv_writer *w)
{
	struct vpl011_state s;

	vpl011_get_state(u, &s);
	snap_tlv_put_u64(w, SNAP_PL011_BASE, SNAP_M, vpl011_base(u));
	snap_tlv_put_u32(w, SNAP_PL011_CR, SNAP_M, s.cr);
	snap_tlv_put_u32(w, SNAP_PL011_LCR_H, SNAP_M, s.lcr_h);
	snap_tlv_put_u32(w, SNAP_PL011_IBRD, SNAP_M, s.ibrd);
	snap_tlv_put_u32(w, SNAP_PL011_FBRD, SNAP_M, s.fbrd);
	snap_tlv_put_u32(w, SNAP_PL011_IFLS, SNAP_M, s.ifls);
	snap_tlv_put_u32(w, SNAP_PL011_IMSC, SNAP_M, s.imsc);
	snap_tlv_put_u32(w, SNAP_PL011_RIS, SNAP_M, s.ris & RIS_LATCHED);
	snap_tlv_put_u32(w, SNAP_PL011_ILPR, SNAP_M, s.ilpr);
	snap_tlv_put_u32(w, SNAP_PL011_DMACR, SNAP_M, s.dmacr);
	snap_tlv_put_bytes(w, SNAP_PL011_RX_FIFO, SNAP_M, s.rx_fifo, s.rx_count);
	snap_tlv_put_u32(w, SNAP_PL011_LINE, SNAP_M, s.line);
}

/* Writes "tag 0x0002 (cr): <what>" into err; -EINVAL. */
static __printf(4, 5) int refuse(char *err, size_t errlen, u16 tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	snap_vrefuse(err, errlen, SNAP_SEC_PL011, tag, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The u32 field of a register, no wider than it and only its implemented bits. */
static int get_reg(const struct snap_section *sec, const struct pl011_reg *r, u32 *v,
		   char *err, size_t errlen)
{
	if (!snap_get_u32(sec, r->tag, v))
		return refuse(err, errlen, r->tag, "missing");
	if (*v >> r->bits)
		return refuse(err, errlen, r->tag, "0x%x is wider than %u bits", *v, r->bits);
	if (*v & ~r->implemented)
		return refuse(err, errlen, r->tag, "0x%x sets reserved bits 0x%x", *v,
			      *v & ~r->implemented);
	return 0;
}

static void set_reg(struct vpl011_state *s, u16 tag, u32 v)
{
	switch (tag) {
	case SNAP_PL011_CR:	s->cr = (u16)v; break;
	case SNAP_PL011_LCR_H:	s->lcr_h = (u8)v; break;
	case SNAP_PL011_IBRD:	s->ibrd = (u16)v; break;
	case SNAP_PL011_FBRD:	s->fbrd = (u8)v; break;
	case SNAP_PL011_IFLS:	s->ifls = (u8)v; break;
	case SNAP_PL011_IMSC:	s->imsc = (u16)v; break;
	case SNAP_PL011_ILPR:	s->ilpr = (u8)v; break;
	case SNAP_PL011_DMACR:	s->dmacr = (u8)v; break;
	}
}

/* base, the registers, ris and the FIFO into s. */
static int get_state(struct vpl011 *u, const struct snap_section *sec, struct vpl011_state *s,
		     char *err, size_t errlen)
{
	unsigned int depth;
	const u8 *fifo;
	size_t len;
	u64 base;
	u32 v;
	int r;

	if (!snap_get_u64(sec, SNAP_PL011_BASE, &base))
		return refuse(err, errlen, SNAP_PL011_BASE, "missing");
	if (base != vpl011_base(u))
		return refuse(err, errlen, SNAP_PL011_BASE, "0x%llx, but the device is at 0x%llx",
			      (unsigned long long)base, (unsigned long long)vpl011_base(u));
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++) {
		r = get_reg(sec, &regs[i], &v, err, errlen);
		if (r)
			return r;
		set_reg(s, regs[i].tag, v);
	}
	if (!snap_get_u32(sec, SNAP_PL011_RIS, &v))
		return refuse(err, errlen, SNAP_PL011_RIS, "missing");
	if (v & ~RIS_LATCHED)
		return refuse(err, errlen, SNAP_PL011_RIS,
			      "0x%x sets bits 0x%x; only RXRIS (bit 4) and TXRIS (bit 5) are latched",
			      v, v & ~RIS_LATCHED);
	s->ris = (u16)v;
	if (!snap_get_bytes(sec, SNAP_PL011_RX_FIFO, &fifo, &len))
		return refuse(err, errlen, SNAP_PL011_RX_FIFO, "missing");
	depth = (s->lcr_h & LCR_H_FEN) ? VPL011_FIFO_DEPTH : 1;
	if (len > depth)
		return refuse(err, errlen, SNAP_PL011_RX_FIFO,
			      "%zu bytes; the receive FIFO holds %u with LCR_H.FEN %s", len, depth,
			      depth > 1 ? "set" : "clear");
	/* Emptying the FIFO clears RXRIS, so it is never latched without data. */
	if ((s->ris & INT_RX) && !len)
		return refuse(err, errlen, SNAP_PL011_RIS,
			      "0x%x has RXRIS latched with an empty receive FIFO", v);
	s->rx_count = (unsigned int)len;
	for (size_t i = 0; i < len; i++)
		s->rx_fifo[i] = fifo[i];
	return 0;
}

int vpl011_snap_load(struct vpl011 *u, const struct snap_section *sec, const bool *irq_line,
		     char *err, size_t errlen)
{
	struct vpl011_state s = { 0 };
	u32 line;
	int r = get_state(u, sec, &s, err, errlen);

	if (r)
		return r;
	if (!snap_get_u32(sec, SNAP_PL011_LINE, &line))
		return refuse(err, errlen, SNAP_PL011_LINE, "missing");
	if (line > 1)
		return refuse(err, errlen, SNAP_PL011_LINE, "%u is not a level (0 or 1)", line);
	/* The model reports every change at once: a quiesced UART's line is
	 * what its registers give. */
	if (line != vpl011_state_level(&s))
		return refuse(err, errlen, SNAP_PL011_LINE,
			      "%u, but the saved RIS, FIFO and IMSC give %u", line, !line);
	if (irq_line && line != *irq_line)
		return refuse(err, errlen, SNAP_PL011_LINE,
			      "%u, but the vGIC's spi-line bit for the UART's SPI is %u", line,
			      *irq_line);
	s.line = line;
	vpl011_set_state(u, &s);
	return 0;
}
