/* SPDX-License-Identifier: GPL-2.0 */
/* vGICv3 state shared by vgicv3_dist.c and vgicv3_redist.c only. */
#ifndef KESTREL_EMU_VGICV3_PRIV_H
#define KESTREL_EMU_VGICV3_PRIV_H

#include "vgicv3.h"

#define GICD_CTLR_ENABLE_G0	BIT(0)
#define GICD_CTLR_ENABLE_G1	BIT(1)
#define GICD_CTLR_ARE		BIT(4)
#define GICD_CTLR_DS		BIT(6)
#define GICR_WAKER_SLEEP	BIT(1)
#define GICR_WAKER_ASLEEP	BIT(2)
#define VGIC_PIDR2		0x3b	/* ArchRev 3 [7:4], JEP106 ARM [3:0] */
#define VGIC_IIDR		((0x6bU << 24) | 0x43b)	/* ProductID 'k', ARM */
#define VGIC_AFF_MASK		0xff00ffffffULL	/* Aff3, Aff2, Aff1, Aff0 of an MPIDR */
#define IROUTER_IRM		BIT(31)
#define IROUTER_MASK		(VGIC_AFF_MASK | IROUTER_IRM)	/* the bits it keeps */

/* 32 consecutive INTIDs: the private ones of one vCPU, or 32 SPIs. */
struct vgic_bank {
	u32 valid;		/* INTIDs the guest has */
	u32 group;		/* 1: Group 1 */
	u32 enabled;
	u32 latch;		/* pending from an edge, ISPENDR or set_pending */
	u32 line;		/* input level */
	u32 active;
	u32 edge;		/* ICFGR: 1 edge-triggered, 0 level-sensitive */
	u16 first_intid;
	u8 vcpu;		/* owner of a private bank */
	u8 priority[32];
};

struct vgic_route {
	u64 irouter;		/* as the guest wrote it (valid bits only) */
	u32 targets;		/* vCPUs it may be delivered to */
};

struct vgic_cpu {
	u64 aff;		/* MPIDR & VGIC_AFF_MASK */
	u32 waker;
	struct vgic_bank priv;
};

struct vgic {
	spinlock_t lock;
	unsigned int nr_vcpus, nr_spis, nr_spi_banks;
	u32 ctlr;		/* EnableGrp0/1 */
	struct vgic_cpu cpu[VGIC_MAX_VCPUS];
	struct vgic_bank *spi_banks;	/* INTIDs 32.. in banks of 32 */
	/* Bit i: spi_banks[i] may hold a ready SPI. Set by vgic_targets for
	 * every interrupt that becomes ready, cleared by the pending-interrupt
	 * scan when the bank has none: a guest entry scans the few banks in
	 * use, not all of them. */
	u32 spi_hint;
	struct vgic_route *routes;	/* one per SPI */
	struct devemu_map *map;
	struct devemu_region dist, redist;
	vgic_kick_fn kick;
	void *kick_ctx;
};

/* One register (or array of registers) of a frame, [start, end). */
struct vgic_reg {
	u32 start, end;
	u8 widths;		/* allowed access widths: OR of 1, 2, 4, 8 */
	u8 arg;			/* handler-specific (enum vgic_bits_op) */
	const char *name;
	/* NULL read: RAZ; NULL write: WI. Called with the vgic lock held;
	 * a write ORs the vCPUs to kick into *kicks. */
	u64 (*read)(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		    unsigned int width);
	void (*write)(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		      unsigned int width, u64 val, u32 *kicks);
};

/* For the register tables: allowed widths, and the offset range of an entry. */
#define W1	1
#define W4	4
#define W8	8
#define AT(o, len)	.start = (o), .end = (o) + (len)

/* The set/clear bit-per-interrupt registers. */
enum vgic_bits_op {
	VGIC_BITS_GROUP, VGIC_BITS_SET_ENABLE, VGIC_BITS_CLEAR_ENABLE, VGIC_BITS_SET_PENDING,
	VGIC_BITS_CLEAR_PENDING, VGIC_BITS_SET_ACTIVE, VGIC_BITS_CLEAR_ACTIVE,
};

/* Interrupts of bank b pending, enabled and with their group enabled under
 * distributor control ctlr, active or not, before routing is considered. */
static inline u32 vgic_wanted(const struct vgic_bank *b, u32 ctlr)
{
	u32 grp = ((ctlr & GICD_CTLR_ENABLE_G1) ? b->group : 0) |
		  ((ctlr & GICD_CTLR_ENABLE_G0) ? ~b->group : 0);

	return b->valid & b->enabled & grp & (b->latch | (b->line & ~b->edge));
}

/* Those of them that are deliverable: not active. */
static inline u32 vgic_ready(const struct vgic_bank *b, u32 ctlr)
{
	return vgic_wanted(b, ctlr) & ~b->active;
}

/* What to kick for after a change of bank b, given vgic_ready and
 * vgic_wanted before it: interrupts that became deliverable, and active
 * ones that became pending again. The latter are kicked because the guest
 * may already have ended them in a list register without exiting (edge
 * interrupts need no exit): only an exit tells the model. */
static inline u32 vgic_newly_due(const struct vgic_bank *b, u32 ctlr, u32 ready_before,
				 u32 wanted_before)
{
	return (vgic_ready(b, ctlr) & ~ready_before) |
	       (vgic_wanted(b, ctlr) & b->active & ~wanted_before);
}

/* Runs one guest access against a sorted register table of a frame (see
 * the access rules above), taking the lock and kicking after it. */
enum devemu_result vgic_mmio(struct vgic *g, const struct vgic_reg *regs, unsigned int n,
			     const char *frame, unsigned int vcpu, u32 off, unsigned int width,
			     bool write, u64 *val);
/* vCPUs whose affinity an IROUTER value selects (IRM: all). */
u32 vgic_route_targets(const struct vgic *g, u64 irouter);
/* vCPUs to kick for the interrupts `newly` of b that just became ready;
 * marks b in spi_hint. Lock held. */
u32 vgic_targets(struct vgic *g, const struct vgic_bank *b, u32 newly);
/* Bit-per-interrupt register of bank b (NULL: RAZ/WI). Lock held. */
u32 vgic_bits_read(const struct vgic_bank *b, enum vgic_bits_op op);
void vgic_bits_write(struct vgic *g, struct vgic_bank *b, enum vgic_bits_op op, u32 val,
		     u32 *kicks);
/* IPRIORITYR bytes [idx, idx + width) of bank b. Lock held. */
u64 vgic_prio_read(const struct vgic_bank *b, unsigned int idx, unsigned int width);
void vgic_prio_write(struct vgic_bank *b, unsigned int idx, unsigned int width, u64 val);
/* ICFGR word for the 16 INTIDs of b from bit `first` (0 or 16). Lock held. */
u32 vgic_cfg_read(const struct vgic_bank *b, unsigned int first);
void vgic_cfg_write(struct vgic *g, struct vgic_bank *b, unsigned int first, u32 val,
		    u32 *kicks);
/* Calls the kick callback for each vCPU in mask. Lock not held. */
void vgic_kick(struct vgic *g, u32 mask);

extern const struct devemu_ops vgic_redist_ops;

#endif
