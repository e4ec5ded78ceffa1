/* SPDX-License-Identifier: GPL-2.0 */
/* Per-guest ARMv8 state and the helpers the arm64 guest files share. */
#ifndef ARM64_GUEST_ARCH_H
#define ARM64_GUEST_ARCH_H

#include <arch_guest.h>
#include <kestrel/guest.h>
#include <kestrel/vcpu.h>
#include <kestrel/types.h>
#include <irqchip/vgicv3.h>

/* A guest's second-stage translation: 40-bit IPA, 4 KiB granule. */
struct arm64_s2 {
	u64 *root;		/* two concatenated level-1 tables (8 KiB) */
	hpa_t root_pa;
	unsigned long table_pages;
};

#define ARM64_VTIMER_INTID	27	/* the virtual timer's PPI, host and guest */

struct arch_guest {
	unsigned int vmid;
	u64 vttbr;
	struct arm64_s2 s2;
	u64 cntvoff;		/* virtual counter = physical - cntvoff */
	struct vgic *vgic;
	u64 mpidr[GUEST_MAX_VCPUS];
};

/* Stage 2 (stage2.c). */
int arm64_s2_init(struct arm64_s2 *s2);
int arm64_s2_map(struct arm64_s2 *s2, gpa_t gpa, hpa_t hpa, u64 size);
void arm64_s2_free(struct arm64_s2 *s2);
int arm64_vmid_alloc(void);
void arm64_vmid_free(unsigned int vmid, u64 vttbr);
u64 arm64_vtcr(void);

/* Enters the guest; returns ARM64_EXIT_* (guest_entry.S). */
unsigned int arm64_guest_enter(struct arch_vcpu *a);

/* The vCPU loaded on this CPU (vcpu.c). */
struct vcpu *arm64_loaded_vcpu(void);

/* Virtual CPU interface (vgic_cpuif.c). */
int arm64_vgic_cpuif_init(void);
void arm64_vgic_flush(struct vcpu *v);
void arm64_vgic_sync(struct vcpu *v);
void arm64_vgic_load(struct vcpu *v);
void arm64_vgic_put(struct vcpu *v);
void arm64_vgic_reset(struct vcpu *v);
bool arm64_vgic_lr_pending(const struct vcpu *v);
void arm64_vgic_kick(void *ctx, unsigned int vcpu);
/* Snapshots: the host CPU interface's capacity; v's CPU interface (its
 * registers and the interrupts its list registers hold) out of and into a
 * put vCPU, list registers rebuilt in c's order. */
void arm64_vgic_caps(struct vgic_cpuif_caps *caps);
void arm64_vgic_snap_get(const struct vcpu *v, struct vgic_cpuif *c);
void arm64_vgic_snap_set(struct vcpu *v, const struct vgic_cpuif *c);

/* Virtual timer (vtimer.c). */
int arm64_vtimer_init(void);
void arm64_vtimer_load(struct vcpu *v);
void arm64_vtimer_put(struct vcpu *v);
void arm64_vtimer_sync(struct vcpu *v);
void arm64_vtimer_reset(struct vcpu *v);
bool arm64_vtimer_expired(const struct vcpu *v);

/* Snapshot of one vCPU, the arm64-vcpu section (vcpu_snap.c): save writes
 * it; load checks it, then loads it into put vCPU v. 0 or -EINVAL with
 * what is wrong in err, no prefix. */
void arm64_vcpu_snap_save(struct vcpu *v, struct snap_tlv_writer *w);
int arm64_vcpu_snap_load(struct vcpu *v, const struct snap_section *s, char *err,
			 size_t errlen);

/* Traps (trap.c) and PSCI (vpsci.c). */
enum vcpu_exit arm64_handle_sync(struct vcpu *v);
void arm64_inject_dabt(struct vcpu *v, u64 far);
void arm64_inject_iabt(struct vcpu *v, u64 far);
void arm64_inject_undef(struct vcpu *v);
void arm64_vpsci_call(struct vcpu *v);

/* FP/SIMD register file (fpsimd.S). */
void arm64_fpsimd_save(void *state);
void arm64_fpsimd_load(const void *state);

static inline struct arch_guest *arm64_guest(const struct vcpu *v)
{
	return v->guest->arch;
}

#endif
