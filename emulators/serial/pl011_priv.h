/* SPDX-License-Identifier: GPL-2.0 */
/* PL011 model internals shared by pl011.c and pl011_snap.c only. */
#ifndef KESTREL_EMU_PL011_PRIV_H
#define KESTREL_EMU_PL011_PRIV_H

#include "pl011.h"

#define LCR_H_FEN	BIT(4)
#define INT_RX		BIT(4)
#define INT_TX		BIT(5)
#define INT_RT		BIT(6)

/* Implemented bits of each register. */
#define ILPR_MASK	0xff
#define IBRD_MASK	0xffff
#define FBRD_MASK	0x3f
#define LCR_H_MASK	0xff
#define CR_MASK		0xff87	/* bits 6:3 are reserved */
#define IFLS_MASK	0x3f
#define INT_MASK	0x7ff
#define DMACR_MASK	0x7

/* The model's state as a snapshot holds it. */
struct vpl011_state {
	u16 cr, ibrd, imsc, ris;	/* ris: the latched bits (RX, TX) */
	u8 lcr_h, ifls, fbrd, ilpr, dmacr;
	u8 rx_fifo[VPL011_FIFO_DEPTH];	/* oldest first */
	unsigned int rx_count;
	bool line;			/* the level last reported */
};

/* Samples the state / replaces it, values already checked (rx_count is
 * capped at the FIFO depth); the line is set, not reported. Any context. */
void vpl011_get_state(struct vpl011 *u, struct vpl011_state *s);
void vpl011_set_state(struct vpl011 *u, const struct vpl011_state *s);

/* The level of the combined line that state s gives: (RIS & IMSC) != 0. */
bool vpl011_state_level(const struct vpl011_state *s);

/* The register frame's guest-physical base. */
gpa_t vpl011_base(const struct vpl011 *u);

#endif
