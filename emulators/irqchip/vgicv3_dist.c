// SPDX-License-Identifier: GPL-2.0
/*
 * vGICv3 distributor: the interrupt state of a guest, its GICD register
 * frame, and the injection calls of the vCPU side (vgicv3.h).
 */
#define LOG_PREFIX "vgicv3"
#include "vgicv3_priv.h"
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c
#define GICD_STATUSR		0x0010
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ITARGETSR		0x0800
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_NSACR		0x0e00
#define GICD_SGIR		0x0f00
#define GICD_CPENDSGIR		0x0f10
#define GICD_SPENDSGIR		0x0f20
#define GICD_IROUTER		0x6000
#define GICD_ID_REGS		0xffd0
#define GICD_PIDR2		0xffe8

#define GICD_TYPER_CPUS_SHIFT	5
#define GICD_TYPER_IDBITS_SHIFT	19
#define GICD_TYPER_A3V		BIT(24)
#define GICD_TYPER_RSS		BIT(26)
#define VGIC_IDBITS		10

_Static_assert((VGIC_MAX_SPIS + 31) / 32 <= 32, "spi_hint has one bit per SPI bank");

/* ---- interrupt state ------------------------------------------------------ */

static u32 all_vcpus(const struct vgic *g)
{
	return (u32)(BIT(g->nr_vcpus) - 1);
}

/* The bank holding SPI intid, or NULL when the guest has no such SPI. */
static struct vgic_bank *spi_bank(struct vgic *g, unsigned int intid)
{
	unsigned int i = intid / 32 - 1;

	if (intid < VGIC_NR_PRIVATE || i >= g->nr_spi_banks)
		return NULL;
	return &g->spi_banks[i];
}

/* The bank of intid as vCPU vcpu sees it, or NULL (bad INTID or vCPU). */
static struct vgic_bank *irq_bank(struct vgic *g, unsigned int intid, unsigned int vcpu)
{
	struct vgic_bank *b;

	if (intid < VGIC_NR_PRIVATE)
		return vcpu < g->nr_vcpus ? &g->cpu[vcpu].priv : NULL;
	b = spi_bank(g, intid);
	return b && (b->valid & BIT(intid % 32)) ? b : NULL;
}

u32 vgic_targets(struct vgic *g, const struct vgic_bank *b, u32 newly)
{
	u32 mask = 0;

	if (!newly)
		return 0;
	if (b->first_intid < VGIC_NR_PRIVATE)
		return BIT(b->vcpu);
	g->spi_hint |= (u32)BIT((b->first_intid - VGIC_NR_PRIVATE) / 32);
	for (; newly; newly &= newly - 1)
		mask |= g->routes[b->first_intid - VGIC_NR_PRIVATE + __builtin_ctz(newly)].targets;
	return mask;
}

u32 vgic_route_targets(const struct vgic *g, u64 irouter)
{
	if (irouter & IROUTER_IRM)
		return all_vcpus(g);
	for (unsigned int v = 0; v < g->nr_vcpus; v++)
		if (g->cpu[v].aff == (irouter & VGIC_AFF_MASK))
			return BIT(v);
	return 0;	/* no such PE: the SPI stays pending */
}

void vgic_kick(struct vgic *g, u32 mask)
{
	if (!g->kick)
		return;
	for (; mask; mask &= mask - 1)
		g->kick(g->kick_ctx, __builtin_ctz(mask));
}

u32 vgic_bits_read(const struct vgic_bank *b, enum vgic_bits_op op)
{
	if (!b)
		return 0;
	switch (op) {
	case VGIC_BITS_GROUP:
		return b->group & b->valid;
	case VGIC_BITS_SET_ENABLE:
	case VGIC_BITS_CLEAR_ENABLE:
		return b->enabled & b->valid;
	case VGIC_BITS_SET_PENDING:
	case VGIC_BITS_CLEAR_PENDING:
		return (b->latch | (b->line & ~b->edge)) & b->valid;
	case VGIC_BITS_SET_ACTIVE:
	case VGIC_BITS_CLEAR_ACTIVE:
		return b->active & b->valid;
	}
	return 0;
}

void vgic_bits_write(struct vgic *g, struct vgic_bank *b, enum vgic_bits_op op, u32 val,
		     u32 *kicks)
{
	u32 before, wanted_before;

	if (!b)
		return;
	before = vgic_ready(b, g->ctlr);
	wanted_before = vgic_wanted(b, g->ctlr);
	val &= b->valid;
	switch (op) {
	case VGIC_BITS_GROUP:
		b->group = (b->group & ~b->valid) | val;
		break;
	case VGIC_BITS_SET_ENABLE:
		b->enabled |= val;
		break;
	case VGIC_BITS_CLEAR_ENABLE:
		b->enabled &= ~val;
		break;
	case VGIC_BITS_SET_PENDING:
		b->latch |= val;
		break;
	case VGIC_BITS_CLEAR_PENDING:	/* a high level line keeps it pending */
		b->latch &= ~val;
		break;
	case VGIC_BITS_SET_ACTIVE:
		b->active |= val;
		break;
	case VGIC_BITS_CLEAR_ACTIVE:
		b->active &= ~val;
		break;
	}
	*kicks |= vgic_targets(g, b, vgic_newly_due(b, g->ctlr, before, wanted_before));
}

u64 vgic_prio_read(const struct vgic_bank *b, unsigned int idx, unsigned int width)
{
	u64 val = 0;

	for (unsigned int i = 0; b && i < width; i++)
		val |= (u64)b->priority[idx + i] << (8 * i);
	return val;
}

void vgic_prio_write(struct vgic_bank *b, unsigned int idx, unsigned int width, u64 val)
{
	for (unsigned int i = 0; b && i < width; i++)
		if (b->valid & BIT(idx + i))
			b->priority[idx + i] = (u8)(val >> (8 * i)) & VGIC_PRIO_MASK;
}

u32 vgic_cfg_read(const struct vgic_bank *b, unsigned int first)
{
	u32 val = 0;

	for (unsigned int i = 0; b && i < 16; i++)
		if (b->valid & b->edge & BIT(first + i))
			val |= 2U << (2 * i);
	return val;
}

void vgic_cfg_write(struct vgic *g, struct vgic_bank *b, unsigned int first, u32 val,
		    u32 *kicks)
{
	u32 before, edge = 0;

	if (!b)
		return;
	before = vgic_ready(b, g->ctlr);
	for (unsigned int i = 0; i < 16; i++)
		if (val & (2U << (2 * i)))
			edge |= (u32)BIT(first + i);
	b->edge = (b->edge & ~((0xffffU << first) & b->valid)) | (edge & b->valid);
	*kicks |= vgic_targets(g, b, vgic_ready(b, g->ctlr) & ~before);
}

/* ---- register frame access ------------------------------------------------ */

static const struct vgic_reg *find_reg(const struct vgic_reg *regs, unsigned int n, u32 off)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (off < regs[mid].start)
			hi = mid;
		else if (off >= regs[mid].end)
			lo = mid + 1;
		else
			return &regs[mid];
	}
	return NULL;
}

enum devemu_result vgic_mmio(struct vgic *g, const struct vgic_reg *regs, unsigned int n,
			     const char *frame, unsigned int vcpu, u32 off, unsigned int width,
			     bool write, u64 *val)
{
	const char *what = write ? "write" : "read";
	const struct vgic_reg *reg;
	unsigned long flags;
	u32 kicks = 0;

	if (!write)
		*val = 0;
	if (!IS_ALIGNED(off, width)) {
		log_debug("%s: misaligned %u-byte %s at 0x%x: abort", frame, width, what, off);
		return DEVEMU_ABORT;
	}
	reg = find_reg(regs, n, off);
	if (!reg) {
		if (write)
			log_debug("%s: write 0x%llx to reserved 0x%x ignored", frame,
				  (unsigned long long)*val, off);
		return DEVEMU_HANDLED;
	}
	if (!(reg->widths & width)) {
		log_debug("%s: %u-byte %s of %s (0x%x): abort", frame, width, what, reg->name, off);
		return DEVEMU_ABORT;
	}
	if (write && !reg->write) {
		log_debug("%s: write 0x%llx to %s (0x%x) ignored", frame,
			  (unsigned long long)*val, reg->name, off);
		return DEVEMU_HANDLED;
	}
	flags = spin_lock_irqsave(&g->lock);
	if (write)
		reg->write(g, reg, vcpu, off, width, *val, &kicks);
	else if (reg->read)
		*val = reg->read(g, reg, vcpu, off, width);
	spin_unlock_irqrestore(&g->lock, flags);
	vgic_kick(g, kicks);
	return DEVEMU_HANDLED;
}

/* ---- GICD registers ------------------------------------------------------- */

static u64 ctlr_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		     unsigned int width)
{
	/* RWP reads 0: every write takes effect at once. */
	return g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
}

static void ctlr_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		       unsigned int width, u64 val, u32 *kicks)
{
	u32 old = g->ctlr;

	g->ctlr = (u32)val & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	if (!(g->ctlr & ~old))
		return;		/* no group newly enabled: nothing newly deliverable */
	for (unsigned int v = 0; v < g->nr_vcpus; v++) {
		struct vgic_bank *b = &g->cpu[v].priv;

		*kicks |= vgic_targets(g, b, vgic_ready(b, g->ctlr) & ~vgic_ready(b, old));
	}
	for (unsigned int i = 0; i < g->nr_spi_banks; i++) {
		struct vgic_bank *b = &g->spi_banks[i];

		*kicks |= vgic_targets(g, b, vgic_ready(b, g->ctlr) & ~vgic_ready(b, old));
	}
}

static u64 typer_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		      unsigned int width)
{
	unsigned int lines = (VGIC_NR_PRIVATE + g->nr_spis + 31) / 32;
	unsigned int cpus = g->nr_vcpus < 8 ? g->nr_vcpus : 8;

	/* No LPIs, MBIS, ESPI or security extension; 1-of-N supported (No1N 0). */
	return (lines - 1) | (cpus - 1) << GICD_TYPER_CPUS_SHIFT |
	       (VGIC_IDBITS - 1) << GICD_TYPER_IDBITS_SHIFT | GICD_TYPER_A3V | GICD_TYPER_RSS;
}

static u64 iidr_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		     unsigned int width)
{
	return VGIC_IIDR;
}

static u64 id_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		   unsigned int width)
{
	return off == GICD_PIDR2 ? VGIC_PIDR2 : 0;
}

/* Word k of a bit-per-interrupt array covers INTIDs 32k..32k+31; k = 0 is
 * the SGIs and PPIs, RAZ/WI here under affinity routing. */
static u64 bits_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		     unsigned int width)
{
	return vgic_bits_read(spi_bank(g, (off - reg->start) * 8), reg->arg);
}

static void bits_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		       unsigned int width, u64 val, u32 *kicks)
{
	vgic_bits_write(g, spi_bank(g, (off - reg->start) * 8), reg->arg, (u32)val, kicks);
}

static u64 prio_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		     unsigned int width)
{
	unsigned int intid = off - GICD_IPRIORITYR;

	return vgic_prio_read(spi_bank(g, intid), intid % 32, width);
}

static void prio_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		       unsigned int width, u64 val, u32 *kicks)
{
	unsigned int intid = off - GICD_IPRIORITYR;

	vgic_prio_write(spi_bank(g, intid), intid % 32, width, val);
}

static u64 cfg_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		    unsigned int width)
{
	unsigned int intid = (off - GICD_ICFGR) * 4;

	return vgic_cfg_read(spi_bank(g, intid), intid % 32);
}

static void cfg_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
		      unsigned int width, u64 val, u32 *kicks)
{
	unsigned int intid = (off - GICD_ICFGR) * 4;

	vgic_cfg_write(g, spi_bank(g, intid), intid % 32, (u32)val, kicks);
}

/* The route of SPI intid, or NULL (SGI/PPI slots and missing SPIs: RAZ/WI). */
static struct vgic_route *spi_route(struct vgic *g, unsigned int intid)
{
	if (intid < VGIC_NR_PRIVATE || intid >= VGIC_NR_PRIVATE + g->nr_spis)
		return NULL;
	return &g->routes[intid - VGIC_NR_PRIVATE];
}

static u64 irouter_read(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
			unsigned int width)
{
	struct vgic_route *rt = spi_route(g, (off - GICD_IROUTER) / 8);

	if (!rt)
		return 0;
	if (width == 8)
		return rt->irouter;
	return (off % 8) ? rt->irouter >> 32 : (u32)rt->irouter;
}

static void irouter_write(struct vgic *g, const struct vgic_reg *reg, unsigned int vcpu, u32 off,
			  unsigned int width, u64 val, u32 *kicks)
{
	unsigned int intid = (off - GICD_IROUTER) / 8;
	struct vgic_route *rt = spi_route(g, intid);
	u32 old;

	if (!rt)
		return;
	if (width == 4)		/* one half; the other keeps its value */
		val = (off % 8) ? (val << 32) | (u32)rt->irouter :
				  (rt->irouter & ~0xffffffffULL) | val;
	old = rt->targets;
	rt->irouter = val & IROUTER_MASK;
	rt->targets = vgic_route_targets(g, rt->irouter);
	if (vgic_ready(spi_bank(g, intid), g->ctlr) & BIT(intid % 32))
		*kicks |= rt->targets & ~old;
}

#define BITS(o, op)	AT(o, 0x80), .widths = W4, .read = bits_read, .write = bits_write, \
			.arg = (op)

/* Sorted by offset; any offset not listed is reserved (RAZ/WI). A missing
 * read is RAZ, a missing write WI. */
static const struct vgic_reg dist_regs[] = {
	{ AT(GICD_CTLR, 4), .widths = W4, .name = "GICD_CTLR", .read = ctlr_read,
	  .write = ctlr_write },
	{ AT(GICD_TYPER, 4), .widths = W4, .name = "GICD_TYPER", .read = typer_read },
	{ AT(GICD_IIDR, 4), .widths = W4, .name = "GICD_IIDR", .read = iidr_read },
	{ AT(GICD_TYPER2, 4), .widths = W4, .name = "GICD_TYPER2" },
	{ AT(GICD_STATUSR, 4), .widths = W4, .name = "GICD_STATUSR" },
	{ BITS(GICD_IGROUPR, VGIC_BITS_GROUP), .name = "GICD_IGROUPR" },
	{ BITS(GICD_ISENABLER, VGIC_BITS_SET_ENABLE), .name = "GICD_ISENABLER" },
	{ BITS(GICD_ICENABLER, VGIC_BITS_CLEAR_ENABLE), .name = "GICD_ICENABLER" },
	{ BITS(GICD_ISPENDR, VGIC_BITS_SET_PENDING), .name = "GICD_ISPENDR" },
	{ BITS(GICD_ICPENDR, VGIC_BITS_CLEAR_PENDING), .name = "GICD_ICPENDR" },
	{ BITS(GICD_ISACTIVER, VGIC_BITS_SET_ACTIVE), .name = "GICD_ISACTIVER" },
	{ BITS(GICD_ICACTIVER, VGIC_BITS_CLEAR_ACTIVE), .name = "GICD_ICACTIVER" },
	{ AT(GICD_IPRIORITYR, 0x400), .widths = W1 | W4, .name = "GICD_IPRIORITYR",
	  .read = prio_read, .write = prio_write },
	{ AT(GICD_ITARGETSR, 0x400), .widths = W1 | W4, .name = "GICD_ITARGETSR" },
	{ AT(GICD_ICFGR, 0x100), .widths = W4, .name = "GICD_ICFGR", .read = cfg_read,
	  .write = cfg_write },
	{ AT(GICD_IGRPMODR, 0x80), .widths = W4, .name = "GICD_IGRPMODR" },
	{ AT(GICD_NSACR, 0x100), .widths = W4, .name = "GICD_NSACR" },
	{ AT(GICD_SGIR, 4), .widths = W4, .name = "GICD_SGIR" },
	{ AT(GICD_CPENDSGIR, 0x10), .widths = W1 | W4, .name = "GICD_CPENDSGIR" },
	{ AT(GICD_SPENDSGIR, 0x10), .widths = W1 | W4, .name = "GICD_SPENDSGIR" },
	{ AT(GICD_IROUTER, 8 * 1024), .widths = W4 | W8, .name = "GICD_IROUTER",
	  .read = irouter_read, .write = irouter_write },
	{ AT(GICD_ID_REGS, VGIC_DIST_SIZE - GICD_ID_REGS), .widths = W4, .name = "GICD_ID",
	  .read = id_read },
};

static enum devemu_result dist_read(struct devemu_region *r, u64 off, unsigned int width,
				    u64 *val)
{
	return vgic_mmio(r->priv, dist_regs, ARRAY_SIZE(dist_regs), "GICD", 0, (u32)off, width,
			 false, val);
}

static enum devemu_result dist_write(struct devemu_region *r, u64 off, unsigned int width,
				     u64 val)
{
	return vgic_mmio(r->priv, dist_regs, ARRAY_SIZE(dist_regs), "GICD", 0, (u32)off, width,
			 true, &val);
}

static const struct devemu_ops dist_ops = { .read = dist_read, .write = dist_write };

/* ---- injection calls ------------------------------------------------------ */

int vgic_set_pending(struct vgic *g, unsigned int intid, unsigned int vcpu)
{
	struct vgic_bank *b = irq_bank(g, intid, vcpu);
	unsigned long flags;
	u32 kicks = 0;

	if (!b)
		return -EINVAL;
	flags = spin_lock_irqsave(&g->lock);
	vgic_bits_write(g, b, VGIC_BITS_SET_PENDING, (u32)BIT(intid % 32), &kicks);
	spin_unlock_irqrestore(&g->lock, flags);
	vgic_kick(g, kicks);
	return 0;
}

int vgic_set_level(struct vgic *g, unsigned int intid, unsigned int vcpu, bool level)
{
	struct vgic_bank *b = irq_bank(g, intid, vcpu);
	u32 bit = (u32)BIT(intid % 32), before, wanted_before, kicks;
	unsigned long flags;

	if (!b)
		return -EINVAL;
	flags = spin_lock_irqsave(&g->lock);
	before = vgic_ready(b, g->ctlr);
	wanted_before = vgic_wanted(b, g->ctlr);
	if (level && !(b->line & bit) && (b->edge & bit))
		b->latch |= bit;	/* rising edge */
	b->line = level ? b->line | bit : b->line & ~bit;
	kicks = vgic_targets(g, b, vgic_newly_due(b, g->ctlr, before, wanted_before));
	spin_unlock_irqrestore(&g->lock, flags);
	vgic_kick(g, kicks);
	return 0;
}

bool vgic_line(struct vgic *g, unsigned int intid, unsigned int vcpu)
{
	struct vgic_bank *b = irq_bank(g, intid, vcpu);

	/* One aligned word, written under the lock: a plain read is a
	 * consistent sample. */
	return b && (READ_ONCE(b->line) & BIT(intid % 32));
}

/* Best candidate of bank b for vcpu, updating *best / *prio. Lock held. */
static void scan_bank(const struct vgic *g, const struct vgic_bank *b, unsigned int vcpu,
		      int *best, unsigned int *prio)
{
	for (u32 ready = vgic_ready(b, g->ctlr); ready; ready &= ready - 1) {
		unsigned int i = __builtin_ctz(ready);

		if (b->first_intid >= VGIC_NR_PRIVATE &&
		    !(g->routes[b->first_intid - VGIC_NR_PRIVATE + i].targets & BIT(vcpu)))
			continue;
		if (b->priority[i] < *prio) {	/* strictly: the lower INTID wins a tie */
			*prio = b->priority[i];
			*best = b->first_intid + i;
		}
	}
}

int vgic_next_pending(struct vgic *g, unsigned int vcpu, struct vgic_irq_info *out)
{
	unsigned int prio = 0x100;
	unsigned long flags;
	int best = -1;

	if (vcpu >= g->nr_vcpus)
		return -EINVAL;
	flags = spin_lock_irqsave(&g->lock);
	scan_bank(g, &g->cpu[vcpu].priv, vcpu, &best, &prio);
	for (u32 hint = g->spi_hint; hint; hint &= hint - 1) {
		unsigned int i = __builtin_ctz(hint);	/* ascending: lower INTIDs first */

		if (!vgic_ready(&g->spi_banks[i], g->ctlr))
			g->spi_hint &= ~(u32)BIT(i);
		else
			scan_bank(g, &g->spi_banks[i], vcpu, &best, &prio);
	}
	if (best >= 0) {
		const struct vgic_bank *b = irq_bank(g, best, vcpu);
		u32 bit = (u32)BIT(best % 32);

		out->intid = best;
		out->priority = prio;
		out->group = (b->group & bit) ? 1 : 0;
		out->level = !(b->edge & bit);
	}
	spin_unlock_irqrestore(&g->lock, flags);
	return best >= 0 ? 0 : -ENOENT;
}

bool vgic_maybe_pending(struct vgic *g, unsigned int vcpu)
{
	if (vcpu >= g->nr_vcpus)
		return false;
	return READ_ONCE(g->spi_hint) || vgic_ready(&g->cpu[vcpu].priv, READ_ONCE(g->ctlr));
}

int vgic_ack(struct vgic *g, unsigned int vcpu, unsigned int intid)
{
	struct vgic_bank *b = vcpu < g->nr_vcpus ? irq_bank(g, intid, vcpu) : NULL;
	u32 bit = (u32)BIT(intid % 32);
	unsigned long flags;
	int err = -ENOENT;

	if (!b)
		return -EINVAL;
	flags = spin_lock_irqsave(&g->lock);
	if (vgic_targets(g, b, vgic_ready(b, g->ctlr) & bit) & BIT(vcpu)) {
		b->active |= bit;
		b->latch &= ~bit;
		err = 0;
	}
	spin_unlock_irqrestore(&g->lock, flags);
	return err;
}

/* Clears the active state of intid; an edge interrupt relatches when
 * `requeue`. Shared by vgic_eoi and vgic_requeue. */
static int deactivate(struct vgic *g, unsigned int vcpu, unsigned int intid, bool requeue)
{
	struct vgic_bank *b = vcpu < g->nr_vcpus ? irq_bank(g, intid, vcpu) : NULL;
	u32 bit = (u32)BIT(intid % 32), kicks = 0;
	unsigned long flags;
	int err = -ENOENT;

	if (!b)
		return -EINVAL;
	flags = spin_lock_irqsave(&g->lock);
	if (b->active & bit) {
		u32 before = vgic_ready(b, g->ctlr);

		b->active &= ~bit;
		if (requeue && (b->edge & bit))
			b->latch |= bit;
		kicks = vgic_targets(g, b, vgic_ready(b, g->ctlr) & ~before);
		err = 0;
	}
	spin_unlock_irqrestore(&g->lock, flags);
	vgic_kick(g, kicks);
	return err;
}

int vgic_eoi(struct vgic *g, unsigned int vcpu, unsigned int intid)
{
	return deactivate(g, vcpu, intid, false);
}

int vgic_requeue(struct vgic *g, unsigned int vcpu, unsigned int intid)
{
	return deactivate(g, vcpu, intid, true);
}

/* ---- life cycle ----------------------------------------------------------- */

static void bank_reset(struct vgic_bank *b)
{
	b->group = b->valid;	/* Group 1 */
	b->enabled = 0;
	b->latch = 0;
	b->active = 0;
	b->edge = b->first_intid < VGIC_NR_PRIVATE ? 0xffff : 0;	/* SGIs: always edge */
	for (unsigned int i = 0; i < 32; i++)
		b->priority[i] = 0;
}

/* Lock held (or not yet shared). */
static void reset_locked(struct vgic *g)
{
	g->ctlr = 0;
	for (unsigned int v = 0; v < g->nr_vcpus; v++) {
		g->cpu[v].waker = GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP;
		bank_reset(&g->cpu[v].priv);
	}
	for (unsigned int i = 0; i < g->nr_spi_banks; i++)
		bank_reset(&g->spi_banks[i]);
	for (unsigned int i = 0; i < g->nr_spis; i++) {
		g->routes[i].irouter = 0;
		g->routes[i].targets = vgic_route_targets(g, 0);
	}
}

void vgic_reset(struct vgic *g)
{
	unsigned long flags = spin_lock_irqsave(&g->lock);

	reset_locked(g);
	spin_unlock_irqrestore(&g->lock, flags);
}

unsigned int vgic_nr_vcpus(const struct vgic *g)
{
	return g->nr_vcpus;
}

unsigned int vgic_nr_spis(const struct vgic *g)
{
	return g->nr_spis;
}

static int check_config(const struct vgic_config *cfg)
{
	if (cfg->nr_vcpus < 1 || cfg->nr_vcpus > VGIC_MAX_VCPUS) {
		log_err("%u vCPUs: 1 to %u supported", cfg->nr_vcpus, VGIC_MAX_VCPUS);
		return -EINVAL;
	}
	if (!cfg->vcpu_mpidr) {
		log_err("no MPIDR values for the vCPUs");
		return -EINVAL;
	}
	if (cfg->nr_spis != VGIC_MAX_SPIS && (cfg->nr_spis % 32 || cfg->nr_spis > 960)) {
		log_err("%u SPIs: a multiple of 32 up to 960, or %u", cfg->nr_spis,
			VGIC_MAX_SPIS);
		return -EINVAL;
	}
	if (!IS_ALIGNED(cfg->dist_base, SZ_64K) || !IS_ALIGNED(cfg->redist_base, SZ_64K)) {
		log_err("distributor 0x%llx / redistributors 0x%llx not 64 KiB aligned",
			(unsigned long long)cfg->dist_base, (unsigned long long)cfg->redist_base);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cfg->nr_vcpus; i++)
		for (unsigned int j = 0; j < i; j++)
			if (!((cfg->vcpu_mpidr[i] ^ cfg->vcpu_mpidr[j]) & VGIC_AFF_MASK)) {
				log_err("vCPUs %u and %u have the same affinity 0x%llx", j, i,
					(unsigned long long)(cfg->vcpu_mpidr[i] & VGIC_AFF_MASK));
				return -EINVAL;
			}
	return 0;
}

int vgic_create(const struct vgic_config *cfg, struct devemu_map *map, struct vgic **out)
{
	struct vgic *g;
	int err = check_config(cfg);

	if (err)
		return err;
	g = kzalloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	spin_lock_init(&g->lock);
	g->nr_vcpus = cfg->nr_vcpus;
	g->nr_spis = cfg->nr_spis;
	g->nr_spi_banks = (cfg->nr_spis + 31) / 32;
	g->kick = cfg->kick;
	g->kick_ctx = cfg->kick_ctx;
	g->map = map;
	err = -ENOMEM;
	if (g->nr_spis) {
		g->spi_banks = kzalloc(g->nr_spi_banks * sizeof(*g->spi_banks));
		g->routes = kzalloc(g->nr_spis * sizeof(*g->routes));
		if (!g->spi_banks || !g->routes)
			goto free;
	}
	for (unsigned int v = 0; v < g->nr_vcpus; v++) {
		g->cpu[v].aff = cfg->vcpu_mpidr[v] & VGIC_AFF_MASK;
		g->cpu[v].priv.valid = ~0U;
		g->cpu[v].priv.vcpu = v;
	}
	for (unsigned int i = 0; i < g->nr_spi_banks; i++) {
		unsigned int left = g->nr_spis - 32 * i;

		g->spi_banks[i].first_intid = VGIC_NR_PRIVATE + 32 * i;
		g->spi_banks[i].valid = left >= 32 ? ~0U : (u32)BIT(left) - 1;
	}
	reset_locked(g);

	g->dist = (struct devemu_region){ .base = cfg->dist_base, .size = VGIC_DIST_SIZE,
		.ops = &dist_ops, .priv = g, .name = "gicv3-dist" };
	g->redist = (struct devemu_region){ .base = cfg->redist_base,
		.size = g->nr_vcpus * VGIC_REDIST_STRIDE, .ops = &vgic_redist_ops, .priv = g,
		.name = "gicv3-redist" };
	err = devemu_map_add(map, &g->dist);
	if (err)
		goto free;
	err = devemu_map_add(map, &g->redist);
	if (err) {
		devemu_map_remove(map, &g->dist);
		goto free;
	}
	log_debug("%u vCPUs, %u SPIs, distributor 0x%llx, redistributors 0x%llx",
		  g->nr_vcpus, g->nr_spis, (unsigned long long)cfg->dist_base,
		  (unsigned long long)cfg->redist_base);
	*out = g;
	return 0;
free:
	kfree(g->routes);
	kfree(g->spi_banks);
	kfree(g);
	return err;
}

void vgic_destroy(struct vgic *g)
{
	if (!g)
		return;
	devemu_map_remove(g->map, &g->redist);
	devemu_map_remove(g->map, &g->dist);
	kfree(g->routes);
	kfree(g->spi_banks);
	kfree(g);
}
