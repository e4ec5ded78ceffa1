/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-visible GICv3: distributor and redistributors modelled as state
 * behind devemu regions, plus the calls the vCPU side uses to inject
 * interrupts through list registers.
 *
 * Model: one security state (GICD_CTLR.DS = 1), affinity routing always on
 * (ARE = 1), no LPIs/ITS, no extended SPI/PPI ranges, 10 INTID bits.
 * Groups: IGROUPR bit 0 = Group 0, 1 = Group 1 (reset: all Group 1, as
 * QEMU and KVM reset a GIC for a kernel they boot directly). Priorities keep
 * their top 5 bits (VGIC_PRIO_MASK), as a GICv3 virtual CPU interface does.
 *
 * Guest accesses (hostile input), for both frames:
 *  - misaligned, or a width the register does not allow: DEVEMU_ABORT (the
 *    spec calls these UNPREDICTABLE; an abort shows the guest its bug).
 *    Every register takes 32-bit accesses; IPRIORITYR, ITARGETSR,
 *    CPENDSGIR and SPENDSGIR also bytes; IROUTER and GICR_TYPER also
 *    64-bit; nothing takes 16-bit. Reserved space takes any aligned width;
 *  - reserved offsets, and the registers the model implements as RAZ/WI
 *    (SGI/PPI banks of the distributor under ARE, ITARGETSR, SGIR,
 *    C/SPENDSGIR, IGRPMODR, NSACR, STATUSR, GICR_CTLR, and INTIDs above
 *    the guest's last SPI): read as zero, writes ignored, DEVEMU_HANDLED;
 *  - writes to read-only registers: ignored, DEVEMU_HANDLED.
 * All are logged at debug level, none can fail the hypervisor.
 *
 * Locking: one spinlock per vgic (IRQs masked while held), taken inside
 * every call here and by the MMIO callbacks (the devemu regions have no
 * lock of their own), so the kick callback always runs without it.
 */
#ifndef KESTREL_EMU_VGICV3_H
#define KESTREL_EMU_VGICV3_H

#include <kestrel/devemu.h>
#include <kestrel/spinlock.h>
#include <kestrel/types.h>

#define VGIC_MAX_VCPUS		8
#define VGIC_MAX_SPIS		988	/* INTIDs 32..1019 */
#define VGIC_NR_SGIS		16
#define VGIC_NR_PRIVATE		32	/* SGIs 0-15, PPIs 16-31 */
#define VGIC_PRIO_MASK		0xf8	/* implemented priority bits */
#define VGIC_DIST_SIZE		SZ_64K
#define VGIC_REDIST_STRIDE	(2 * SZ_64K)	/* RD_base + SGI_base per vCPU */

/* Called when an interrupt becomes deliverable to vCPU `vcpu` (pending,
 * enabled, its group enabled, routed to it, not active): the vCPU should
 * come in and flush its list registers. Runs without the vgic lock, in the
 * context of whoever made the interrupt deliverable (an emulator, another
 * vCPU's trap, an IRQ handler): it must not sleep. May be a spurious hint. */
typedef void (*vgic_kick_fn)(void *ctx, unsigned int vcpu);

struct vgic_config {
	unsigned int nr_vcpus;		/* 1 .. VGIC_MAX_VCPUS */
	const u64 *vcpu_mpidr;		/* MPIDR_EL1 of each vCPU; affinities distinct */
	unsigned int nr_spis;		/* a multiple of 32 up to 960, or 988 (all) */
	gpa_t dist_base;		/* 64 KiB aligned, VGIC_DIST_SIZE bytes */
	gpa_t redist_base;		/* 64 KiB aligned, nr_vcpus * VGIC_REDIST_STRIDE */
	vgic_kick_fn kick;		/* may be NULL */
	void *kick_ctx;
};

/* What a list register needs to carry one interrupt. */
struct vgic_irq_info {
	unsigned int intid;
	u8 priority;
	u8 group;		/* 0 or 1 */
	bool level;		/* level-sensitive: ask for an EOI maintenance
				   interrupt so the line is sampled again */
};

struct vgic;

/* Creates a vGIC in its reset state and adds its distributor and
 * redistributor regions to map. 0 and *out, or -EINVAL (bad config, logged),
 * -ENOMEM, -EEXIST (a region overlaps one in map, logged). Thread context. */
int vgic_create(const struct vgic_config *cfg, struct devemu_map *map, struct vgic **out);

/* Removes the regions from the map and frees everything. No vCPU of the
 * guest may be running (an MMIO trap in flight would use freed memory). */
void vgic_destroy(struct vgic *g);

/* Back to the reset state (guest reset): everything disabled, nothing
 * pending or active, Group 1, priority 0, IROUTER 0, redistributors asleep.
 * Line levels (device inputs) are kept. */
void vgic_reset(struct vgic *g);

unsigned int vgic_nr_vcpus(const struct vgic *g);
unsigned int vgic_nr_spis(const struct vgic *g);

/* Makes an interrupt pending, as an edge or a GICD_ISPENDR write would:
 * SPIs (vcpu ignored) from emulators, PPIs and SGIs of vCPU `vcpu`.
 * 0, or -EINVAL for an INTID or vCPU the guest does not have. Any context. */
int vgic_set_pending(struct vgic *g, unsigned int intid, unsigned int vcpu);

/* Drives the input line of an interrupt (vcpu ignored for SPIs): a
 * level-sensitive interrupt is pending while its line is high; an
 * edge-triggered one becomes pending on a rising edge. 0 or -EINVAL. */
int vgic_set_level(struct vgic *g, unsigned int intid, unsigned int vcpu, bool level);

/* The input level of an interrupt's line (vcpu ignored for SPIs); false
 * for an INTID or vCPU the guest does not have. Any context. */
bool vgic_line(struct vgic *g, unsigned int intid, unsigned int vcpu);

/* Emulates a write of sgir to ICC_SGI1R_EL1 (group 1) or ICC_SGI0R_EL1
 * (group 0) by vCPU from: INTID [27:24]; IRM [40] = 1: every vCPU but the
 * sender; else vCPUs with affinity Aff3 [55:48].Aff2 [39:32].Aff1 [23:16]
 * .(RS [47:44] * 16 + n) for each bit n of TargetList [15:0]. A target
 * whose SGI is configured in the other group is skipped (GICD_CTLR.DS = 1
 * rules). Returns how many vCPUs got the SGI pending, or -EINVAL. */
int vgic_sgi_generate(struct vgic *g, unsigned int from, u64 sgir, unsigned int group);

/* The highest-priority interrupt deliverable to vcpu (lowest INTID on a
 * tie): pending, enabled, group enabled in GICD_CTLR, not active, and for
 * SPIs routed to vcpu by IROUTER (IRM = 1: any vCPU). 0 and *out, or
 * -ENOENT when there is none (or -EINVAL). Does not change state. */
int vgic_next_pending(struct vgic *g, unsigned int vcpu, struct vgic_irq_info *out);

/* False when nothing can be deliverable to vcpu, read without the lock for
 * the guest-entry path: a vCPU that has announced it is entering (and then
 * fenced) either sees a change here or gets the kick that follows it. True
 * means "ask vgic_next_pending". */
bool vgic_maybe_pending(struct vgic *g, unsigned int vcpu);

/* Takes intid for vcpu when the vCPU side hands it to a list register:
 * pending -> active (the pending latch is cleared; a level interrupt whose
 * line is still high stays pending too). 0, or -ENOENT when it is no longer
 * deliverable to vcpu (another vCPU took a 1-of-N SPI, the guest disabled
 * it): then do not load it. -EINVAL for a bad INTID/vCPU. */
int vgic_ack(struct vgic *g, unsigned int vcpu, unsigned int intid);

/* The guest deactivated intid (its list register came back empty): active
 * is cleared; if it is pending again it is redelivered (kick). 0, -ENOENT
 * when it was not active, -EINVAL. */
int vgic_eoi(struct vgic *g, unsigned int vcpu, unsigned int intid);

/* Gives back an interrupt the vCPU side took with vgic_ack but the guest
 * never acknowledged (list register still Pending, evicted): active ->
 * pending again (an edge interrupt relatches; a level one is pending while
 * its line is high). 0, -ENOENT when it was not active, -EINVAL. */
int vgic_requeue(struct vgic *g, unsigned int vcpu, unsigned int intid);

/* ---- snapshots (vgicv3_snap.c, docs/snapshot-format.md `arm64-vgicv3`) ---- */

struct snap_section;
struct snap_tlv_writer;

#define VGIC_MAX_LRS		16	/* list registers a GICv3 CPU interface may have */
#define VGIC_NR_APRS		4	/* ICH_AP0R<n>/AP1R<n> words, n = 0..3 */
#define VGIC_LR_PENDING		1	/* vgic_inflight.state bits */
#define VGIC_LR_ACTIVE		2

/* An interrupt a vCPU's list register held: what it carried, not how. */
struct vgic_inflight {
	struct vgic_irq_info irq;
	u8 state;		/* VGIC_LR_PENDING and/or VGIC_LR_ACTIVE */
};

/* A vCPU's virtual CPU interface, which the vCPU side owns: its registers
 * and the interrupts in its list registers, in list register order. */
struct vgic_cpuif {
	u32 vmcr;			/* ICH_VMCR_EL2 */
	u32 ap0r[VGIC_NR_APRS], ap1r[VGIC_NR_APRS];
	unsigned int nr_inflight;
	struct vgic_inflight inflight[VGIC_MAX_LRS];
};

/* What the host's CPU interface holds, to refuse a snapshot it cannot. */
struct vgic_cpuif_caps {
	unsigned int nr_lrs;		/* list registers, 1..VGIC_MAX_LRS */
	unsigned int nr_aprs;		/* implemented AP*R words: 1, 2 or 4 */
};

/* The vCPU side hands over vCPU `vcpu`'s CPU interface (save), or takes
 * one to load (load). Thread context; no vgic lock held. */
typedef void (*vgic_cpuif_get_fn)(void *ctx, unsigned int vcpu, struct vgic_cpuif *out);
typedef void (*vgic_cpuif_set_fn)(void *ctx, unsigned int vcpu, const struct vgic_cpuif *in);

/* Writes every field of the arm64-vgicv3 section, tags increasing: the
 * model's state, and each vCPU's CPU interface as get(ctx, v) gives it
 * (it may be asked more than once per vCPU). Errors stay in w. No vCPU
 * runs. Thread context. */
void vgic_snap_save(struct vgic *g, vgic_cpuif_get_fn get, void *ctx,
		    struct snap_tlv_writer *w);

/* Checks every value of section s (check 23) against this vgic (vCPUs,
 * SPIs, frame bases) and caps, then loads the model: route targets are
 * recomputed from IROUTER as a guest write would, line levels become the
 * saved ones, nothing is kicked; then calls set(ctx, v) with vCPU v's CPU
 * interface, for each vCPU in order. 0, or -EINVAL with what is wrong in
 * err, without a prefix ("tag 0x0016 (spi-priority): ..."); then nothing
 * was loaded. No vCPU runs. Thread context. */
int vgic_snap_load(struct vgic *g, const struct snap_section *s,
		   const struct vgic_cpuif_caps *caps, vgic_cpuif_set_fn set, void *ctx,
		   char *err, size_t errlen);

#endif
