// SPDX-License-Identifier: GPL-2.0
/*
 * vGICv3 redistributors: per vCPU an RD_base frame (identity, wake state)
 * and an SGI_base frame (the SGI and PPI registers), 128 KiB per vCPU, all
 * vCPUs in one devemu region; and SGI generation from ICC_SGI*R_EL1.
 */
#define LOG_PREFIX "vgicv3"
#include "vgicv3_priv.h"
#include <kestrel/errno.h>
#include <kestrel/log.h>

/* RD_base frame */
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_STATUSR		0x0010
#define GICR_WAKER		0x0014
#define GICR_ID_REGS		0xffd0
#define GICR_PIDR2		0xffe8
/* SGI_base frame, at RD_base + 64 KiB */
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_ISPENDR0		(GICR_SGI + 0x0200)
#define GICR_ICPENDR0		(GICR_SGI + 0x0280)
#define GICR_ISACTIVER0		(GICR_SGI + 0x0300)
#define GICR_ICACTIVER0		(GICR_SGI + 0x0380)
#define GICR_IPRIORITYR0	(GICR_SGI + 0x0400)
#define GICR_ICFGR0		(GICR_SGI + 0x0c00)
#define GICR_ICFGR1		(GICR_SGI + 0x0c04)
#define GICR_IGRPMODR0		(GICR_SGI + 0x0d00)
#define GICR_NSACR		(GICR_SGI + 0x0e00)

#define GICR_TYPER_LAST		BIT(4)
#define GICR_TYPER_PROC_SHIFT	8

/* ICC_SGI0R_EL1 / ICC_SGI1R_EL1 fields */
#define SGIR_TARGETS(v)		((v) & 0xffff)
#define SGIR_AFF1(v)		(((v) >> 16) & 0xff)
#define SGIR_INTID(v)		(((v) >> 24) & 0xf)
#define SGIR_AFF2(v)		(((v) >> 32) & 0xff)
#define SGIR_IRM		BIT(40)
#define SGIR_RS(v)		(((v) >> 44) & 0xf)
#define SGIR_AFF3(v)		(((v) >> 48) & 0xff)

static u64 typer_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		      unsigned int width)
{
	u64 aff = g->cpu[vcpu].aff;
	u64 typer = (((aff >> 32) & 0xff) << 24 | (aff & 0xffffff)) << 32 |
		    (u64)vcpu << GICR_TYPER_PROC_SHIFT;

	if (vcpu == g->nr_vcpus - 1)
		typer |= GICR_TYPER_LAST;	/* no PLPIS/VLPIS: 128 KiB stride */
	if (width == 8)
		return typer;
	return off == GICR_TYPER ? (u32)typer : typer >> 32;
}

static u64 iidr_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		     unsigned int width)
{
	return VGIC_IIDR;
}

static u64 waker_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		      unsigned int width)
{
	return g->cpu[vcpu].waker;
}

/* ProcessorSleep is writable; ChildrenAsleep follows it at once (there is
 * nothing to quiesce). Delivery does not depend on it, as under QEMU. */
static void waker_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
			unsigned int width, u64 val, u32 *kicks)
{
	g->cpu[vcpu].waker = (val & GICR_WAKER_SLEEP) ? GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP : 0;
}

static u64 id_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		   unsigned int width)
{
	return off == GICR_PIDR2 ? VGIC_PIDR2 : 0;
}

static u64 bits_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		     unsigned int width)
{
	return vgic_bits_read(&g->cpu[vcpu].priv, reg->arg);
}

static void bits_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		       unsigned int width, u64 val, u32 *kicks)
{
	vgic_bits_write(g, &g->cpu[vcpu].priv, reg->arg, (u32)val, kicks);
}

static u64 prio_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		     unsigned int width)
{
	return vgic_prio_read(&g->cpu[vcpu].priv, off - GICR_IPRIORITYR0, width);
}

static void prio_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		       unsigned int width, u64 val, u32 *kicks)
{
	vgic_prio_write(&g->cpu[vcpu].priv, off - GICR_IPRIORITYR0, width, val);
}

/* ICFGR0 (SGIs) reads as all edge and is read-only; ICFGR1 (PPIs) is writable. */
static u64 cfg_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		    unsigned int width)
{
	return vgic_cfg_read(&g->cpu[vcpu].priv, off == GICR_ICFGR0 ? 0 : 16);
}

static void cfg1_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		       unsigned int width, u64 val, u32 *kicks)
{
	vgic_cfg_write(g, &g->cpu[vcpu].priv, 16, (u32)val, kicks);
}

#define BITS(o, op)	AT(o, 4), .widths = W4, .read = bits_read, .write = bits_write, \
			.arg = (op)

/* Offsets in the 128 KiB of one vCPU, sorted; any offset not listed is
 * reserved (RAZ/WI). A missing read is RAZ, a missing write WI. */
static const struct vgic_reg redist_regs[] = {
	{ AT(GICR_CTLR, 4), .widths = W4, .name = "GICR_CTLR" },	/* no LPIs */
	{ AT(GICR_IIDR, 4), .widths = W4, .name = "GICR_IIDR", .read = iidr_read },
	{ AT(GICR_TYPER, 8), .widths = W4 | W8, .name = "GICR_TYPER", .read = typer_read },
	{ AT(GICR_STATUSR, 4), .widths = W4, .name = "GICR_STATUSR" },
	{ AT(GICR_WAKER, 4), .widths = W4, .name = "GICR_WAKER", .read = waker_read,
	  .write = waker_write },
	{ AT(GICR_ID_REGS, 0x30), .widths = W4, .name = "GICR_ID", .read = id_read },
	{ BITS(GICR_IGROUPR0, VGIC_BITS_GROUP), .name = "GICR_IGROUPR0" },
	{ BITS(GICR_ISENABLER0, VGIC_BITS_SET_ENABLE), .name = "GICR_ISENABLER0" },
	{ BITS(GICR_ICENABLER0, VGIC_BITS_CLEAR_ENABLE), .name = "GICR_ICENABLER0" },
	{ BITS(GICR_ISPENDR0, VGIC_BITS_SET_PENDING), .name = "GICR_ISPENDR0" },
	{ BITS(GICR_ICPENDR0, VGIC_BITS_CLEAR_PENDING), .name = "GICR_ICPENDR0" },
	{ BITS(GICR_ISACTIVER0, VGIC_BITS_SET_ACTIVE), .name = "GICR_ISACTIVER0" },
	{ BITS(GICR_ICACTIVER0, VGIC_BITS_CLEAR_ACTIVE), .name = "GICR_ICACTIVER0" },
	{ AT(GICR_IPRIORITYR0, 0x20), .widths = W1 | W4, .name = "GICR_IPRIORITYR",
	  .read = prio_read, .write = prio_write },
	{ AT(GICR_ICFGR0, 4), .widths = W4, .name = "GICR_ICFGR0", .read = cfg_read },
	{ AT(GICR_ICFGR1, 4), .widths = W4, .name = "GICR_ICFGR1", .read = cfg_read,
	  .write = cfg1_write },
	{ AT(GICR_IGRPMODR0, 4), .widths = W4, .name = "GICR_IGRPMODR0" },
	{ AT(GICR_NSACR, 4), .widths = W4, .name = "GICR_NSACR" },
};

static enum devemu_result redist_read(struct devemu_region *r, u64 off, unsigned int width,
				      u64 *val)
{
	return vgic_mmio(r->priv, redist_regs, ARRAY_SIZE(redist_regs), "GICR",
			 off / VGIC_REDIST_STRIDE, off % VGIC_REDIST_STRIDE, width, false, val);
}

static enum devemu_result redist_write(struct devemu_region *r, u64 off, unsigned int width,
				       u64 val)
{
	return vgic_mmio(r->priv, redist_regs, ARRAY_SIZE(redist_regs), "GICR",
			 off / VGIC_REDIST_STRIDE, off % VGIC_REDIST_STRIDE, width, true, &val);
}

const struct devemu_ops vgic_redist_ops = { .read = redist_read, .write = redist_write };

/* True when vCPU target is addressed by an SGI register value not using IRM. */
static bool sgi_targets(const struct vgic_cpu *c, u64 sgir)
{
	u64 aff = c->aff;
	unsigned int aff0 = aff & 0xff;

	return ((aff >> 32) & 0xff) == SGIR_AFF3(sgir) && ((aff >> 16) & 0xff) == SGIR_AFF2(sgir) &&
	       ((aff >> 8) & 0xff) == SGIR_AFF1(sgir) && aff0 / 16 == SGIR_RS(sgir) &&
	       (SGIR_TARGETS(sgir) & BIT(aff0 % 16));
}

int vgic_sgi_generate(struct vgic *g, unsigned int from, u64 sgir, unsigned int group)
{
	u32 bit = (u32)BIT(SGIR_INTID(sgir)), kicks = 0;
	unsigned long flags;
	int n = 0;

	if (from >= g->nr_vcpus || group > 1)
		return -EINVAL;
	flags = spin_lock_irqsave(&g->lock);
	for (unsigned int v = 0; v < g->nr_vcpus; v++) {
		struct vgic_bank *b = &g->cpu[v].priv;

		if ((sgir & SGIR_IRM) ? v == from : !sgi_targets(&g->cpu[v], sgir))
			continue;
		if (!(b->group & bit) != !group) {
			log_debug("vCPU %u: SGI %u is not Group %u on vCPU %u: dropped", from,
				  (unsigned int)SGIR_INTID(sgir), group, v);
			continue;
		}
		vgic_bits_write(g, b, VGIC_BITS_SET_PENDING, bit, &kicks);
		n++;
	}
	spin_unlock_irqrestore(&g->lock, flags);
	vgic_kick(g, kicks);
	return n;
}
