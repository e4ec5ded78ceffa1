// SPDX-License-Identifier: GPL-2.0
/*
 * vGICv3 snapshots: the distributor, the redistributors and each vCPU's
 * CPU interface as one arm64-vgicv3 section (docs/snapshot-format.md), and
 * back. A load checks every value before the first one reaches the model,
 * so a refused section leaves the vgic as it was.
 */
#define LOG_PREFIX "vgicv3"
#include "vgicv3_priv.h"
#include <kestrel/errno.h>
#include <kestrel/snapshot.h>
#include <printf.h>
#include <stdarg.h>
#include <string.h>

/* ICH_VMCR_EL2 fields a snapshot may set: VENG0, VENG1, VAckCtl, VFIQEn,
 * VCBPR [4:0], VEOIM [9], VBPR1 [20:18], VBPR0 [23:21], VPMR [31:24]. */
#define VMCR_BITS	(0x1fU | (u32)BIT(9) | 0x3fU << 18 | 0xffU << 24)

/* An `inflight` element: the interrupt, not the list register. */
#define INF_INTID	0x3ffULL
#define INF_PRIO_SHIFT	16
#define INF_GROUP1	(1ULL << 24)
#define INF_LEVEL	(1ULL << 25)
#define INF_STATE_SHIFT	28
#define INF_VCPU_SHIFT	32
#define INF_BITS	(INF_INTID | 0xffULL << INF_PRIO_SHIFT | INF_GROUP1 | INF_LEVEL | \
			 3ULL << INF_STATE_SHIFT | 0xffULL << INF_VCPU_SHIFT)

#define SGI_BITS	0xffffU		/* SGIs: always edge-triggered */
#define WAKER_BITS	((u32)(GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP))
#define CTLR_KEPT	((u32)(GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1))
#define CTLR_IGNORED	((u32)(GICD_CTLR_ARE | GICD_CTLR_DS))	/* always 1 in the model */

/* The bit-per-interrupt fields of a bank in the order of their tags:
 * spi-group .. spi-line, and private-group .. private-line. */
static const size_t bank_bits[] = {
	offsetof(struct vgic_bank, group), offsetof(struct vgic_bank, enabled),
	offsetof(struct vgic_bank, latch), offsetof(struct vgic_bank, active),
	offsetof(struct vgic_bank, edge), offsetof(struct vgic_bank, line),
};
#define NR_BANK_BITS	ARRAY_SIZE(bank_bits)
#define F_ACTIVE	3	/* bank_bits[F_ACTIVE] is `active` */
#define F_EDGE		4

/* The first tag of each kind of bank, indexed by `spi`. */
static const u16 bits_tag[2] = { SNAP_VGIC_PRIVATE_GROUP, SNAP_VGIC_SPI_GROUP };
static const u16 prio_tag[2] = { SNAP_VGIC_PRIVATE_PRIORITY, SNAP_VGIC_SPI_PRIORITY };

static u32 *bank_field(struct vgic_bank *b, unsigned int f)
{
	return (u32 *)((u8 *)b + bank_bits[f]);
}

/* The SPI banks (spi) or the vCPUs' private banks, i from 0. */
static struct vgic_bank *bank(struct vgic *g, bool spi, unsigned int i)
{
	return spi ? &g->spi_banks[i] : &g->cpu[i].priv;
}

static unsigned int nr_banks(const struct vgic *g, bool spi)
{
	return spi ? g->nr_spi_banks : g->nr_vcpus;
}

/* Priority elements: one per SPI, or 32 per vCPU. */
static unsigned int nr_prios(const struct vgic *g, bool spi)
{
	return spi ? g->nr_spis : VGIC_NR_PRIVATE * g->nr_vcpus;
}

/* ---- save ---------------------------------------------------------------- */

static void save_banks(struct vgic *g, bool spi, struct snap_tlv_writer *w)
{
	unsigned int n = nr_banks(g, spi);

	for (unsigned int f = 0; f < NR_BANK_BITS; f++) {
		snap_tlv_array_begin(w, bits_tag[spi] + f, SNAP_M, 4, n);
		for (unsigned int i = 0; i < n; i++) {
			struct vgic_bank *b = bank(g, spi, i);

			snap_tlv_array_elem(w, *bank_field(b, f) & b->valid);
		}
	}
	snap_tlv_array_begin(w, prio_tag[spi], SNAP_M, 1, nr_prios(g, spi));
	for (unsigned int j = 0; j < nr_prios(g, spi); j++)
		snap_tlv_array_elem(w, bank(g, spi, j / 32)->priority[j % 32]);
}

static u64 inflight_elem(const struct vgic_inflight *f, unsigned int vcpu)
{
	return (f->irq.intid & INF_INTID) | (u64)f->irq.priority << INF_PRIO_SHIFT |
	       (f->irq.group ? INF_GROUP1 : 0) | (f->irq.level ? INF_LEVEL : 0) |
	       (u64)(f->state & 3) << INF_STATE_SHIFT | (u64)vcpu << INF_VCPU_SHIFT;
}

static void save_cpuif(const struct vgic *g, vgic_cpuif_get_fn get, void *ctx,
		       struct snap_tlv_writer *w)
{
	unsigned int n = g->nr_vcpus, inflight = 0;
	struct vgic_cpuif c;

	snap_tlv_array_begin(w, SNAP_VGIC_ICH_VMCR, SNAP_M, 4, n);
	for (unsigned int v = 0; v < n; v++) {
		get(ctx, v, &c);
		snap_tlv_array_elem(w, c.vmcr);
	}
	snap_tlv_array_begin(w, SNAP_VGIC_ICH_AP0R, SNAP_M, 4, VGIC_NR_APRS * n);
	for (unsigned int v = 0; v < n; v++) {
		get(ctx, v, &c);
		for (unsigned int i = 0; i < VGIC_NR_APRS; i++)
			snap_tlv_array_elem(w, c.ap0r[i]);
	}
	snap_tlv_array_begin(w, SNAP_VGIC_ICH_AP1R, SNAP_M, 4, VGIC_NR_APRS * n);
	for (unsigned int v = 0; v < n; v++) {
		get(ctx, v, &c);
		for (unsigned int i = 0; i < VGIC_NR_APRS; i++)
			snap_tlv_array_elem(w, c.ap1r[i]);
	}
	for (unsigned int v = 0; v < n; v++) {
		get(ctx, v, &c);
		inflight += MIN(c.nr_inflight, VGIC_MAX_LRS);
	}
	snap_tlv_array_begin(w, SNAP_VGIC_INFLIGHT, SNAP_M, 8, inflight);
	for (unsigned int v = 0; v < n; v++) {
		get(ctx, v, &c);
		for (unsigned int i = 0; i < MIN(c.nr_inflight, VGIC_MAX_LRS); i++)
			snap_tlv_array_elem(w, inflight_elem(&c.inflight[i], v));
	}
}

void vgic_snap_save(struct vgic *g, vgic_cpuif_get_fn get, void *ctx,
		    struct snap_tlv_writer *w)
{
	/* The guest is paused and its devices quiet; the lock keeps the
	 * sample consistent all the same (a pure copy, nothing sleeps). */
	unsigned long flags = spin_lock_irqsave(&g->lock);

	snap_tlv_put_u32(w, SNAP_VGIC_VCPUS, SNAP_M, g->nr_vcpus);
	snap_tlv_put_u32(w, SNAP_VGIC_SPIS, SNAP_M, g->nr_spis);
	snap_tlv_put_u64(w, SNAP_VGIC_DIST_BASE, SNAP_M, g->dist.base);
	snap_tlv_put_u64(w, SNAP_VGIC_REDIST_BASE, SNAP_M, g->redist.base);
	/* GICD_CTLR as the guest reads it. */
	snap_tlv_put_u32(w, SNAP_VGIC_CTLR, SNAP_M, g->ctlr | CTLR_IGNORED);
	save_banks(g, true, w);
	snap_tlv_array_begin(w, SNAP_VGIC_SPI_ROUTE, SNAP_M, 8, g->nr_spis);
	for (unsigned int j = 0; j < g->nr_spis; j++)
		snap_tlv_array_elem(w, g->routes[j].irouter);
	snap_tlv_array_begin(w, SNAP_VGIC_REDIST_WAKER, SNAP_M, 4, g->nr_vcpus);
	for (unsigned int v = 0; v < g->nr_vcpus; v++)
		snap_tlv_array_elem(w, g->cpu[v].waker);
	save_banks(g, false, w);
	spin_unlock_irqrestore(&g->lock, flags);
	save_cpuif(g, get, ctx, w);
}

/* ---- load: checks -------------------------------------------------------- */

/* The array fields of a section, found once. */
struct vgic_fields {
	struct snap_field bits[2][NR_BANK_BITS];	/* [spi] */
	struct snap_field prio[2];
	struct snap_field route, waker, vmcr, ap0r, ap1r, inflight;
};

/* One load: the section, where messages go. */
struct vgic_load {
	struct vgic *g;
	const struct snap_section *s;
	const struct vgic_cpuif_caps *caps;
	struct vgic_fields f;
	char *err;
	size_t errlen;
};

/* Writes "tag 0x0016 (spi-priority): <what>" into the error; -EINVAL. */
static __printf(3, 4) int refuse(struct vgic_load *l, u16 tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	snap_vrefuse(l->err, l->errlen, SNAP_SEC_ARM64_VGICV3, tag, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Array `tag` of count elements of es bytes. The validator checked the
 * shape against the section's own vcpus and spis, equal to this vgic's by
 * now; a mismatch is refused all the same rather than read past. */
static int get_array(struct vgic_load *l, u16 tag, u32 es, u32 count, struct snap_field *f)
{
	if (!snap_get_array(l->s, tag, f))
		return refuse(l, tag, "missing");
	if (f->elem_size != es || f->count != count)
		return refuse(l, tag, "%u elements of %u bytes, expected %u of %u", f->count,
			      f->elem_size, count, es);
	return 0;
}

static int get_u32(struct vgic_load *l, u16 tag, u32 *v)
{
	return snap_get_u32(l->s, tag, v) ? 0 : refuse(l, tag, "missing");
}

static int get_u64(struct vgic_load *l, u16 tag, u64 *v)
{
	return snap_get_u64(l->s, tag, v) ? 0 : refuse(l, tag, "missing");
}

/* vcpus, spis, the frame bases and GICD_CTLR. */
static int check_scalars(struct vgic_load *l)
{
	struct vgic *g = l->g;
	u32 vcpus, spis, ctlr;
	u64 dist, redist;
	int r;

	if ((r = get_u32(l, SNAP_VGIC_VCPUS, &vcpus)) || (r = get_u32(l, SNAP_VGIC_SPIS, &spis)) ||
	    (r = get_u64(l, SNAP_VGIC_DIST_BASE, &dist)) ||
	    (r = get_u64(l, SNAP_VGIC_REDIST_BASE, &redist)) ||
	    (r = get_u32(l, SNAP_VGIC_CTLR, &ctlr)))
		return r;
	if (vcpus != g->nr_vcpus)
		return refuse(l, SNAP_VGIC_VCPUS, "%u vCPUs; the guest has %u", vcpus, g->nr_vcpus);
	if (spis != g->nr_spis)
		return refuse(l, SNAP_VGIC_SPIS, "%u SPIs; the guest has %u", spis, g->nr_spis);
	if (dist != g->dist.base)
		return refuse(l, SNAP_VGIC_DIST_BASE,
			      "0x%llx; this build's distributor is at 0x%llx",
			      (unsigned long long)dist, (unsigned long long)g->dist.base);
	if (redist != g->redist.base)
		return refuse(l, SNAP_VGIC_REDIST_BASE,
			      "0x%llx; this build's redistributors are at 0x%llx",
			      (unsigned long long)redist, (unsigned long long)g->redist.base);
	if (ctlr & ~(CTLR_KEPT | CTLR_IGNORED))
		return refuse(l, SNAP_VGIC_CTLR,
			      "0x%x sets bits 0x%x; GICD_CTLR has EnableGrp0, EnableGrp1, ARE and DS",
			      ctlr, ctlr & ~(CTLR_KEPT | CTLR_IGNORED));
	return 0;
}

static int get_arrays(struct vgic_load *l)
{
	struct vgic_fields *f = &l->f;
	unsigned int n = l->g->nr_vcpus;
	int r = 0;

	for (unsigned int spi = 0; spi < 2 && !r; spi++) {
		for (unsigned int b = 0; b < NR_BANK_BITS && !r; b++)
			r = get_array(l, bits_tag[spi] + b, 4, nr_banks(l->g, spi), &f->bits[spi][b]);
		if (!r)
			r = get_array(l, prio_tag[spi], 1, nr_prios(l->g, spi), &f->prio[spi]);
	}
	if (!r)
		r = get_array(l, SNAP_VGIC_SPI_ROUTE, 8, l->g->nr_spis, &f->route);
	if (!r)
		r = get_array(l, SNAP_VGIC_REDIST_WAKER, 4, n, &f->waker);
	if (!r)
		r = get_array(l, SNAP_VGIC_ICH_VMCR, 4, n, &f->vmcr);
	if (!r)
		r = get_array(l, SNAP_VGIC_ICH_AP0R, 4, VGIC_NR_APRS * n, &f->ap0r);
	if (!r)
		r = get_array(l, SNAP_VGIC_ICH_AP1R, 4, VGIC_NR_APRS * n, &f->ap1r);
	if (!r && !snap_get_array(l->s, SNAP_VGIC_INFLIGHT, &f->inflight))
		r = refuse(l, SNAP_VGIC_INFLIGHT, "missing");
	if (!r && f->inflight.elem_size != 8)
		r = refuse(l, SNAP_VGIC_INFLIGHT, "elements of %u bytes, expected 8",
			   f->inflight.elem_size);
	return r;
}

/* Bit arrays and priorities: no bit for an INTID the guest lacks, SGIs
 * edge-triggered, only the priority bits the model keeps. */
static int check_banks(struct vgic_load *l, bool spi)
{
	for (unsigned int b = 0; b < NR_BANK_BITS; b++) {
		const struct snap_field *f = &l->f.bits[spi][b];

		for (unsigned int i = 0; i < f->count; i++) {
			u32 word = (u32)snap_field_elem(f, i);
			u32 extra = word & ~bank(l->g, spi, i)->valid;

			if (extra)
				return refuse(l, f->tag,
					      "word %u: 0x%08x sets bits 0x%08x, INTIDs the guest lacks (it has %u SPIs)",
					      i, word, extra, l->g->nr_spis);
			if (!spi && b == F_EDGE && (word & SGI_BITS) != SGI_BITS)
				return refuse(l, f->tag,
					      "vCPU %u: 0x%08x makes an SGI level-sensitive; SGIs are always edge-triggered",
					      i, word);
		}
	}
	for (unsigned int j = 0; j < l->f.prio[spi].count; j++) {
		u8 p = (u8)snap_field_elem(&l->f.prio[spi], j);

		if (!(p & ~VGIC_PRIO_MASK))
			continue;
		if (spi)
			return refuse(l, SNAP_VGIC_SPI_PRIORITY,
				      "INTID %u: 0x%02x sets bits below the 5 the model keeps (0x%02x)",
				      VGIC_NR_PRIVATE + j, p, VGIC_PRIO_MASK);
		return refuse(l, SNAP_VGIC_PRIVATE_PRIORITY,
			      "vCPU %u INTID %u: 0x%02x sets bits below the 5 the model keeps (0x%02x)",
			      j / 32, j % 32, p, VGIC_PRIO_MASK);
	}
	return 0;
}

/* IROUTER values, GICR_WAKER, ICH_VMCR_EL2 and the active priorities. */
static int check_registers(struct vgic_load *l)
{
	const struct vgic_fields *f = &l->f;

	for (unsigned int j = 0; j < f->route.count; j++) {
		u64 r = snap_field_elem(&f->route, j);

		if (r & ~IROUTER_MASK)
			return refuse(l, SNAP_VGIC_SPI_ROUTE,
				      "INTID %u: 0x%llx sets bits outside Aff3, IRM, Aff2, Aff1 and Aff0",
				      VGIC_NR_PRIVATE + j, (unsigned long long)r);
	}
	for (unsigned int v = 0; v < l->g->nr_vcpus; v++) {
		u32 waker = (u32)snap_field_elem(&f->waker, v);
		u32 vmcr = (u32)snap_field_elem(&f->vmcr, v);

		/* ChildrenAsleep follows ProcessorSleep at once in the model. */
		if (waker != 0 && waker != WAKER_BITS)
			return refuse(l, SNAP_VGIC_REDIST_WAKER,
				      "vCPU %u: 0x%x; the model's GICR_WAKER is 0 or 0x%x (ProcessorSleep and ChildrenAsleep together)",
				      v, waker, WAKER_BITS);
		if (vmcr & ~VMCR_BITS)
			return refuse(l, SNAP_VGIC_ICH_VMCR, "vCPU %u: 0x%08x sets undefined bits 0x%08x",
				      v, vmcr, vmcr & ~VMCR_BITS);
	}
	for (unsigned int i = 0; i < f->ap0r.count; i++) {
		unsigned int n = i % VGIC_NR_APRS;
		u32 ap0 = (u32)snap_field_elem(&f->ap0r, i), ap1 = (u32)snap_field_elem(&f->ap1r, i);

		if (n < l->caps->nr_aprs || !(ap0 | ap1))
			continue;
		return refuse(l, ap0 ? SNAP_VGIC_ICH_AP0R : SNAP_VGIC_ICH_AP1R,
			      "vCPU %u: ICH_AP%uR%u_EL2 is 0x%08x, a word this host's CPU interface lacks (it has %u)",
			      i / VGIC_NR_APRS, ap0 ? 0 : 1, n, ap0 ? ap0 : ap1, l->caps->nr_aprs);
	}
	return 0;
}

/* True when the section's *-active bits have intid active for vcpu. */
static bool saved_active(const struct vgic_load *l, unsigned int intid, unsigned int vcpu)
{
	bool spi = intid >= VGIC_NR_PRIVATE;
	unsigned int word = spi ? (intid - VGIC_NR_PRIVATE) / 32 : vcpu;

	return snap_field_elem(&l->f.bits[spi][F_ACTIVE], word) & BIT(intid % 32);
}

/* Element i's INTID and vCPU. */
static void inflight_at(const struct vgic_load *l, unsigned int i, unsigned int *intid,
			unsigned int *vcpu)
{
	u64 e = snap_field_elem(&l->f.inflight, i);

	*intid = e & INF_INTID;
	*vcpu = (e >> INF_VCPU_SHIFT) & 0xff;
}

/* Reserved bits, vCPU indexes, and per vCPU no more elements than the
 * host has list registers (check 20). */
static int check_inflight_counts(struct vgic_load *l)
{
	const struct snap_field *f = &l->f.inflight;
	unsigned int count[VGIC_MAX_VCPUS] = { 0 };

	for (unsigned int i = 0; i < f->count; i++) {
		u64 e = snap_field_elem(f, i);
		unsigned int intid, vcpu;

		inflight_at(l, i, &intid, &vcpu);
		if (e & ~INF_BITS)
			return refuse(l, f->tag, "element %u: 0x%llx sets reserved bits 0x%llx", i,
				      (unsigned long long)e, (unsigned long long)(e & ~INF_BITS));
		if (vcpu >= l->g->nr_vcpus)
			return refuse(l, f->tag, "element %u: vCPU %u; the guest has %u", i, vcpu,
				      l->g->nr_vcpus);
		count[vcpu]++;
	}
	for (unsigned int v = 0; v < l->g->nr_vcpus; v++)
		if (count[v] > l->caps->nr_lrs)
			return refuse(l, f->tag,
				      "vCPU %u has %u interrupts in list registers; this host's GIC has %u",
				      v, count[v], l->caps->nr_lrs);
	return 0;
}

/* Each element: an INTID the guest has, pending or active, a priority the
 * model can hold, active in the *-active bits, once. */
static int check_inflight(struct vgic_load *l)
{
	const struct snap_field *f = &l->f.inflight;
	int r = check_inflight_counts(l);

	for (unsigned int i = 0; i < f->count && !r; i++) {
		u64 e = snap_field_elem(f, i);
		unsigned int intid, vcpu, state = (e >> INF_STATE_SHIFT) & 3;
		u8 prio = (u8)(e >> INF_PRIO_SHIFT);

		inflight_at(l, i, &intid, &vcpu);
		if (intid >= VGIC_NR_PRIVATE + l->g->nr_spis)
			return refuse(l, f->tag, "element %u: INTID %u; the guest has %u SPIs", i,
				      intid, l->g->nr_spis);
		if (!state)
			return refuse(l, f->tag,
				      "element %u: INTID %u of vCPU %u in state 0, neither pending nor active",
				      i, intid, vcpu);
		if (prio & ~VGIC_PRIO_MASK)
			return refuse(l, f->tag,
				      "element %u: priority 0x%02x sets bits below the 5 the model keeps",
				      i, prio);
		if (!saved_active(l, intid, vcpu))
			return refuse(l, f->tag,
				      "element %u: INTID %u of vCPU %u is not active in the *-active bits",
				      i, intid, vcpu);
		for (unsigned int k = 0; k < i; k++) {
			unsigned int kid, kv;

			inflight_at(l, k, &kid, &kv);
			if (kid == intid && kv == vcpu)
				return refuse(l, f->tag, "INTID %u of vCPU %u twice (elements %u and %u)",
					      intid, vcpu, k, i);
			/* An active SPI is delivered to one vCPU only. */
			if (kid == intid && intid >= VGIC_NR_PRIVATE)
				return refuse(l, f->tag, "SPI INTID %u on vCPUs %u and %u", intid, kv,
					      vcpu);
		}
	}
	return r;
}

/* ---- load ---------------------------------------------------------------- */

static void load_banks(struct vgic_load *l, bool spi)
{
	for (unsigned int b = 0; b < NR_BANK_BITS; b++)
		for (unsigned int i = 0; i < nr_banks(l->g, spi); i++)
			*bank_field(bank(l->g, spi, i), b) =
				(u32)snap_field_elem(&l->f.bits[spi][b], i);
	for (unsigned int j = 0; j < nr_prios(l->g, spi); j++)
		bank(l->g, spi, j / 32)->priority[j % 32] = (u8)snap_field_elem(&l->f.prio[spi], j);
}

/* vCPU v's CPU interface from the section. */
static void load_cpuif(const struct vgic_load *l, unsigned int v, struct vgic_cpuif *c)
{
	const struct vgic_fields *f = &l->f;

	memset(c, 0, sizeof(*c));
	c->vmcr = (u32)snap_field_elem(&f->vmcr, v);
	for (unsigned int n = 0; n < VGIC_NR_APRS; n++) {
		c->ap0r[n] = (u32)snap_field_elem(&f->ap0r, VGIC_NR_APRS * v + n);
		c->ap1r[n] = (u32)snap_field_elem(&f->ap1r, VGIC_NR_APRS * v + n);
	}
	/* In array order: the order the list registers get them. */
	for (unsigned int i = 0; i < f->inflight.count; i++) {
		u64 e = snap_field_elem(&f->inflight, i);
		unsigned int intid, vcpu;
		struct vgic_inflight *in;

		inflight_at(l, i, &intid, &vcpu);
		if (vcpu != v)
			continue;
		in = &c->inflight[c->nr_inflight++];	/* at most nr_lrs: checked */
		in->irq.intid = intid;
		in->irq.priority = (u8)(e >> INF_PRIO_SHIFT);
		in->irq.group = (e & INF_GROUP1) ? 1 : 0;
		in->irq.level = e & INF_LEVEL;
		in->state = (e >> INF_STATE_SHIFT) & 3;
	}
}

int vgic_snap_load(struct vgic *g, const struct snap_section *s,
		   const struct vgic_cpuif_caps *caps, vgic_cpuif_set_fn set, void *ctx,
		   char *err, size_t errlen)
{
	struct vgic_load l = { .g = g, .s = s, .caps = caps, .err = err, .errlen = errlen };
	struct vgic_cpuif c;
	unsigned long flags;
	u32 ctlr;
	int r;

	if ((r = check_scalars(&l)) || (r = get_arrays(&l)) || (r = check_banks(&l, true)) ||
	    (r = check_banks(&l, false)) || (r = check_registers(&l)) ||
	    (r = check_inflight(&l)))
		return r;
	snap_get_u32(s, SNAP_VGIC_CTLR, &ctlr);
	flags = spin_lock_irqsave(&g->lock);
	g->ctlr = ctlr & CTLR_KEPT;
	load_banks(&l, true);
	load_banks(&l, false);
	for (unsigned int j = 0; j < g->nr_spis; j++) {
		g->routes[j].irouter = snap_field_elem(&l.f.route, j);
		g->routes[j].targets = vgic_route_targets(g, g->routes[j].irouter);
	}
	for (unsigned int v = 0; v < g->nr_vcpus; v++)
		g->cpu[v].waker = (u32)snap_field_elem(&l.f.waker, v);
	/* Any bank may hold a ready SPI now: the next scan sorts it out. */
	g->spi_hint = g->nr_spi_banks >= 32 ? ~0U : (u32)BIT(g->nr_spi_banks) - 1;
	spin_unlock_irqrestore(&g->lock, flags);
	for (unsigned int v = 0; v < g->nr_vcpus; v++) {
		load_cpuif(&l, v, &c);
		set(ctx, v, &c);
	}
	/* No kick: the vCPUs are parked and look at the model when they run. */
	return 0;
}
