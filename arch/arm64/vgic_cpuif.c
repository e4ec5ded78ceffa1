// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv3 virtual CPU interface: the vGIC model (emulators/irqchip)
 * decides what is pending; this file moves it into the list registers
 * before each guest entry and reads back what the guest did after each
 * exit. The guest acknowledges and ends interrupts on the hardware without
 * trapping; a maintenance interrupt brings it back when a level-sensitive
 * interrupt was ended (its line is sampled again) or when more interrupts
 * wait than list registers hold.
 */
#define LOG_PREFIX "vgic"
#include <arch_sysreg.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/percpu.h>
#include <string.h>
#include "guest_arch.h"

#define MAINT_PPI	25	/* the maintenance interrupt's host INTID */
#define LR_INTID_MASK	0xffffffffULL

_Static_assert(ARM64_MAX_LRS == VGIC_MAX_LRS, "a snapshot holds every list register");

static unsigned int nr_lrs;
static unsigned int nr_aprs;	/* active-priority registers per group */

static u64 lr_read(unsigned int i)
{
	switch (i) {
	case 0: return read_sysreg_s(ICH_LR0_EL2);
	case 1: return read_sysreg_s(ICH_LR1_EL2);
	case 2: return read_sysreg_s(ICH_LR2_EL2);
	case 3: return read_sysreg_s(ICH_LR3_EL2);
	case 4: return read_sysreg_s(ICH_LR4_EL2);
	case 5: return read_sysreg_s(ICH_LR5_EL2);
	case 6: return read_sysreg_s(ICH_LR6_EL2);
	case 7: return read_sysreg_s(ICH_LR7_EL2);
	case 8: return read_sysreg_s(ICH_LR8_EL2);
	case 9: return read_sysreg_s(ICH_LR9_EL2);
	case 10: return read_sysreg_s(ICH_LR10_EL2);
	case 11: return read_sysreg_s(ICH_LR11_EL2);
	case 12: return read_sysreg_s(ICH_LR12_EL2);
	case 13: return read_sysreg_s(ICH_LR13_EL2);
	case 14: return read_sysreg_s(ICH_LR14_EL2);
	default: return read_sysreg_s(ICH_LR15_EL2);
	}
}

static void lr_write(unsigned int i, u64 v)
{
	switch (i) {
	case 0: write_sysreg_s(v, ICH_LR0_EL2); break;
	case 1: write_sysreg_s(v, ICH_LR1_EL2); break;
	case 2: write_sysreg_s(v, ICH_LR2_EL2); break;
	case 3: write_sysreg_s(v, ICH_LR3_EL2); break;
	case 4: write_sysreg_s(v, ICH_LR4_EL2); break;
	case 5: write_sysreg_s(v, ICH_LR5_EL2); break;
	case 6: write_sysreg_s(v, ICH_LR6_EL2); break;
	case 7: write_sysreg_s(v, ICH_LR7_EL2); break;
	case 8: write_sysreg_s(v, ICH_LR8_EL2); break;
	case 9: write_sysreg_s(v, ICH_LR9_EL2); break;
	case 10: write_sysreg_s(v, ICH_LR10_EL2); break;
	case 11: write_sysreg_s(v, ICH_LR11_EL2); break;
	case 12: write_sysreg_s(v, ICH_LR12_EL2); break;
	case 13: write_sysreg_s(v, ICH_LR13_EL2); break;
	case 14: write_sysreg_s(v, ICH_LR14_EL2); break;
	default: write_sysreg_s(v, ICH_LR15_EL2); break;
	}
}

static void maintenance_irq(unsigned int hwirq, void *arg)
{
	/* Its work is done: it made the guest exit, and the exit path has
	 * already read the list registers back. */
}

int arm64_vgic_cpuif_init(void)
{
	u64 vtr = read_sysreg_s(ICH_VTR_EL2);
	unsigned int pre_bits = ((vtr >> 26) & 7) + 1;

	nr_lrs = (vtr & 0x1f) + 1;
	if (nr_lrs > ARM64_MAX_LRS)
		nr_lrs = ARM64_MAX_LRS;
	nr_aprs = 1U << (pre_bits - 5);
	log_info("virtual CPU interface: %u list registers, %u preemption bits", nr_lrs,
		 pre_bits);
	return irq_request(MAINT_PPI, "vgic-maint", maintenance_irq, NULL, IRQ_TRIGGER_LEVEL,
			   true, 0);
}

void arm64_vgic_reset(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	for (unsigned int i = 0; i < ARM64_MAX_LRS; i++)
		a->lr[i] = 0;
	a->vmcr = 0;
	for (unsigned int i = 0; i < 4; i++)
		a->ap0r[i] = a->ap1r[i] = 0;
}

/* A list register carrying info in state (VGIC_LR_PENDING / _ACTIVE). A
 * level-sensitive interrupt asks for an EOI maintenance interrupt, so its
 * line is sampled again when the guest ends it. */
static u64 lr_encode(const struct vgic_irq_info *info, unsigned int state)
{
	return info->intid | ((u64)info->priority << ICH_LR_PRIO_SHIFT) |
	       (info->group ? ICH_LR_GROUP1 : 0) | ((u64)state << ICH_LR_STATE_SHIFT) |
	       (info->level ? ICH_LR_EOI : 0);
}

/* Fills free list registers with what the vGIC says is deliverable, most
 * urgent first. IRQs masked. */
void arm64_vgic_flush(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct vgic *g = arm64_guest(v)->vgic;
	struct vgic_irq_info info;
	u64 hcr = ICH_HCR_EN;
	/* The model may hold more than the LRs take; on most entries (a
	 * trap with nothing to deliver) this is false and nothing is locked. */
	bool more = vgic_maybe_pending(g, v->id);

	for (unsigned int i = 0; i < nr_lrs && more; i++) {
		if (a->lr[i])
			continue;
		/* A 1-of-N SPI can be taken by another vCPU between the two
		 * calls: then ask again. */
		for (;;) {
			if (vgic_next_pending(g, v->id, &info)) {
				more = false;
				break;
			}
			if (!vgic_ack(g, v->id, info.intid)) {
				a->lr[i] = lr_encode(&info, VGIC_LR_PENDING);
				break;
			}
		}
	}
	if (more && !vgic_next_pending(g, v->id, &info))
		hcr |= ICH_HCR_NPIE;	/* more wait: exit when the LRs drain */
	a->lrs_used = 0;
	/* The hardware LRs are all zero here (load and sync leave them so):
	 * only the ones in use are written, none on most entries. */
	for (unsigned int i = 0; i < nr_lrs; i++)
		if (a->lr[i]) {
			lr_write(i, a->lr[i]);
			a->lrs_used |= BIT(i);
		}
	a->ich_hcr = hcr;
	write_sysreg_s(hcr, ICH_HCR_EL2);
}

/* Reads the list registers back: ended interrupts go to vgic_eoi, ones the
 * guest has not taken yet back to the model (so a more urgent one can
 * overtake them), active ones stay. IRQs masked. */
void arm64_vgic_sync(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct vgic *g = arm64_guest(v)->vgic;
	bool timer_ended = false;

	/* Nothing in the LRs and no maintenance interrupt asked for: the
	 * common exit (a trap) has nothing to read back. */
	if (!a->lrs_used && a->ich_hcr == ICH_HCR_EN)
		return;
	write_sysreg_s(0, ICH_HCR_EL2);	/* drops any maintenance interrupt */
	a->ich_hcr = 0;
	for (unsigned int i = 0; i < nr_lrs; i++) {
		if (!a->lr[i])
			continue;
		u64 lr = lr_read(i);
		unsigned int intid = lr & LR_INTID_MASK;
		unsigned int state = lr >> ICH_LR_STATE_SHIFT;

		if (state == 0) {
			vgic_eoi(g, v->id, intid);
			timer_ended |= intid == ARM64_VTIMER_INTID;
			a->lr[i] = 0;
		} else if (state == 1) {
			vgic_requeue(g, v->id, intid);
			a->lr[i] = 0;
		} else {
			a->lr[i] = lr;
		}
		lr_write(i, 0);
	}
	if (timer_ended)
		arm64_vtimer_sync(v);
}

bool arm64_vgic_lr_pending(const struct vcpu *v)
{
	for (unsigned int i = 0; i < nr_lrs; i++)
		if (v->arch.lr[i] & ICH_LR_PENDING)
			return true;
	return false;
}

void arm64_vgic_load(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	for (unsigned int i = 0; i < nr_lrs; i++)
		lr_write(i, 0);		/* whatever this CPU held: flush writes only used LRs */

	write_sysreg_s(a->vmcr, ICH_VMCR_EL2);
	write_sysreg_s(a->ap0r[0], ICH_AP0R0_EL2);
	write_sysreg_s(a->ap1r[0], ICH_AP1R0_EL2);
	if (nr_aprs > 1) {
		write_sysreg_s(a->ap0r[1], ICH_AP0R1_EL2);
		write_sysreg_s(a->ap1r[1], ICH_AP1R1_EL2);
	}
	if (nr_aprs > 2) {
		write_sysreg_s(a->ap0r[2], ICH_AP0R2_EL2);
		write_sysreg_s(a->ap0r[3], ICH_AP0R3_EL2);
		write_sysreg_s(a->ap1r[2], ICH_AP1R2_EL2);
		write_sysreg_s(a->ap1r[3], ICH_AP1R3_EL2);
	}
}

void arm64_vgic_put(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	a->vmcr = read_sysreg_s(ICH_VMCR_EL2);
	a->ap0r[0] = read_sysreg_s(ICH_AP0R0_EL2);
	a->ap1r[0] = read_sysreg_s(ICH_AP1R0_EL2);
	if (nr_aprs > 1) {
		a->ap0r[1] = read_sysreg_s(ICH_AP0R1_EL2);
		a->ap1r[1] = read_sysreg_s(ICH_AP1R1_EL2);
	}
	if (nr_aprs > 2) {
		a->ap0r[2] = read_sysreg_s(ICH_AP0R2_EL2);
		a->ap0r[3] = read_sysreg_s(ICH_AP0R3_EL2);
		a->ap1r[2] = read_sysreg_s(ICH_AP1R2_EL2);
		a->ap1r[3] = read_sysreg_s(ICH_AP1R3_EL2);
	}
}

void arm64_vgic_caps(struct vgic_cpuif_caps *caps)
{
	caps->nr_lrs = nr_lrs;
	caps->nr_aprs = nr_aprs;
}

void arm64_vgic_snap_get(const struct vcpu *v, struct vgic_cpuif *c)
{
	const struct arch_vcpu *a = &v->arch;

	memset(c, 0, sizeof(*c));
	c->vmcr = a->vmcr;
	for (unsigned int n = 0; n < 4; n++) {
		c->ap0r[n] = a->ap0r[n];
		c->ap1r[n] = a->ap1r[n];
	}
	/* Put, so synced: what the guest had not taken went back to the
	 * model; the rest is active (or active and pending). */
	for (unsigned int i = 0; i < ARM64_MAX_LRS; i++) {
		u64 lr = a->lr[i];
		struct vgic_inflight *f;

		if (!lr)
			continue;
		f = &c->inflight[c->nr_inflight++];
		f->irq.intid = lr & LR_INTID_MASK;
		f->irq.priority = (u8)(lr >> ICH_LR_PRIO_SHIFT);
		f->irq.group = (lr & ICH_LR_GROUP1) ? 1 : 0;
		f->irq.level = lr & ICH_LR_EOI;
		f->state = (lr >> ICH_LR_STATE_SHIFT) & 3;
	}
}

void arm64_vgic_snap_set(struct vcpu *v, const struct vgic_cpuif *c)
{
	struct arch_vcpu *a = &v->arch;

	arm64_vgic_reset(v);
	a->vmcr = c->vmcr;
	for (unsigned int n = 0; n < 4; n++) {
		a->ap0r[n] = c->ap0r[n];
		a->ap1r[n] = c->ap1r[n];
	}
	for (unsigned int i = 0; i < c->nr_inflight && i < ARM64_MAX_LRS; i++)
		a->lr[i] = lr_encode(&c->inflight[i].irq, c->inflight[i].state);
}

/* The vGIC's kick: an interrupt became deliverable to vCPU `vcpu` of the
 * guest ctx. */
void arm64_vgic_kick(void *ctx, unsigned int vcpu)
{
	struct guest *g = ctx;

	if (vcpu < g->nr_vcpus && g->vcpus[vcpu])
		vcpu_kick(g->vcpus[vcpu]);
}
