// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous exits from a guest, dispatched by exception class through a
 * table: data aborts to the MMIO dispatcher, HVC/SMC to PSCI, WFI/WFE to
 * the scheduler, trapped system registers to their emulation. Anything a
 * guest does wrong ends in an exception injected into the guest and at
 * most a log line: never in the hypervisor stopping.
 */
#define LOG_PREFIX "trap"
#include <arch_sysreg.h>
#include <kestrel/devemu.h>
#include <kestrel/log.h>
#include "guest_arch.h"

#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_IL		BIT(25)
#define ESR_ISS(esr)	((esr) & 0x1ffffff)

#define EC_UNKNOWN	0x00
#define EC_WFX		0x01
#define EC_HVC64	0x16
#define EC_SMC64	0x17
#define EC_SYS64	0x18
#define EC_IABT_LOW	0x20
#define EC_IABT_CUR	0x21
#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25

/* Data abort ISS. */
#define DABT_ISV	BIT(24)
#define DABT_SAS(iss)	(((iss) >> 22) & 3)
#define DABT_SSE	BIT(21)
#define DABT_SRT(iss)	(((iss) >> 16) & 0x1f)
#define DABT_SF		BIT(15)
#define DABT_S1PTW	BIT(7)
#define DABT_WNR	BIT(6)
#define FSC_EXTABT	0x10	/* synchronous external abort */

/* Exception vector offsets from VBAR_EL1. */
#define VEC_CUR_SP0	0x000
#define VEC_CUR_SPX	0x200
#define VEC_LOWER64	0x400

#define PSTATE_MODE	0xfUL
#define PSTATE_EL1H	0x5UL
#define PSTATE_DAIF	0x3c0UL

#define LOG_BUDGET	16	/* warnings per vCPU before they go to debug level */

typedef enum vcpu_exit (*exit_fn)(struct vcpu *v, u64 esr);

/* A guest's mistakes are logged as warnings until it has had LOG_BUDGET
 * exceptions injected, then at debug level: a guest cannot flood the log. */
#define guest_warn(v, fmt, ...)							\
	do {									\
		if ((v)->stats.aborts < LOG_BUDGET)				\
			log_warn("%s vcpu%u: " fmt, (v)->guest->cfg.name, (v)->id,	\
				 ##__VA_ARGS__);					\
		else								\
			log_debug("%s vcpu%u: " fmt, (v)->guest->cfg.name, (v)->id,	\
				  ##__VA_ARGS__);					\
	} while (0)

static void skip_insn(struct vcpu *v)
{
	v->arch.pc += 4;
}

/* Takes the guest into its EL1 vector for a synchronous exception, with
 * syndrome esr and fault address far, as the hardware would. The guest's
 * EL1 registers are live (v is loaded). */
static void inject_sync(struct vcpu *v, u64 esr, u64 far)
{
	struct arch_vcpu *a = &v->arch;
	u64 mode = a->pstate & PSTATE_MODE, off;

	if (a->pstate & 0x10 || mode == 0)
		off = VEC_LOWER64;
	else
		off = mode == PSTATE_EL1H ? VEC_CUR_SPX : VEC_CUR_SP0;
	write_sysreg(a->pc, elr_el1);
	write_sysreg(a->pstate, spsr_el1);
	write_sysreg(esr, esr_el1);
	write_sysreg(far, far_el1);
	a->pc = read_sysreg(vbar_el1) + off;
	a->pstate = PSTATE_EL1H | PSTATE_DAIF;
	v->stats.aborts++;
}

static bool from_el0(const struct vcpu *v)
{
	return (v->arch.pstate & PSTATE_MODE) == 0;
}

void arm64_inject_dabt(struct vcpu *v, u64 far)
{
	u64 ec = from_el0(v) ? EC_DABT_LOW : EC_DABT_CUR;

	inject_sync(v, (ec << 26) | ESR_IL | FSC_EXTABT, far);
}

void arm64_inject_iabt(struct vcpu *v, u64 far)
{
	u64 ec = from_el0(v) ? EC_IABT_LOW : EC_IABT_CUR;

	inject_sync(v, (ec << 26) | ESR_IL | FSC_EXTABT, far);
}

void arm64_inject_undef(struct vcpu *v)
{
	inject_sync(v, ((u64)EC_UNKNOWN << 26) | ESR_IL, 0);
}

static u64 reg_read(const struct vcpu *v, unsigned int rt)
{
	return rt == 31 ? 0 : v->arch.x[rt];
}

static void reg_write(struct vcpu *v, unsigned int rt, u64 val)
{
	if (rt != 31)
		v->arch.x[rt] = val;
}

static enum vcpu_exit handle_dabt(struct vcpu *v, u64 esr)
{
	struct arch_vcpu *a = &v->arch;
	u64 iss = ESR_ISS(esr);
	gpa_t ipa = ((a->hpfar & 0xfffffffff0ULL) << 8) | (a->far & 0xfff);
	unsigned int width = 1U << DABT_SAS(iss), rt = DABT_SRT(iss);
	bool write = iss & DABT_WNR;
	enum devemu_result res;
	u64 val = 0;

	v->stats.exits_mmio++;
	if (!(iss & DABT_ISV) || (iss & DABT_S1PTW)) {
		guest_warn(v, "%s at IPA 0x%llx (pc 0x%llx) cannot be emulated: "
			   "injecting an abort",
			   iss & DABT_S1PTW ? "page table walk" : "load/store pair or "
			   "register writeback", (unsigned long long)ipa,
			   (unsigned long long)a->pc);
		arm64_inject_dabt(v, a->far);
		return VCPU_EXIT_CONTINUE;
	}
	if (write)
		val = reg_read(v, rt);
	res = devemu_access(&v->guest->mmio, ipa, width, write, &val);
	switch (res) {
	case DEVEMU_HANDLED:
		if (!write) {
			if ((iss & DABT_SSE) && width < 8) {
				unsigned int shift = 64 - 8 * width;

				val = (u64)((s64)(val << shift) >> shift);
			}
			if (!(iss & DABT_SF))
				val &= 0xffffffffULL;
			reg_write(v, rt, val);
		}
		skip_insn(v);
		break;
	case DEVEMU_RETRY:
		break;
	case DEVEMU_UNHANDLED:
		guest_warn(v, "%s of %u bytes at IPA 0x%llx (pc 0x%llx): no memory or "
			   "device there, injecting an abort",
			   write ? "write" : "read", width, (unsigned long long)ipa,
			   (unsigned long long)a->pc);
		arm64_inject_dabt(v, a->far);
		break;
	case DEVEMU_ABORT:
		log_debug("%s vcpu%u: device refused a %u-byte %s at IPA 0x%llx",
			  v->guest->cfg.name, v->id, width, write ? "write" : "read",
			  (unsigned long long)ipa);
		arm64_inject_dabt(v, a->far);
		break;
	}
	return VCPU_EXIT_CONTINUE;
}

static enum vcpu_exit handle_iabt(struct vcpu *v, u64 esr)
{
	struct arch_vcpu *a = &v->arch;

	v->stats.exits_other++;
	guest_warn(v, "instruction fetch at IPA 0x%llx (pc 0x%llx) outside its "
		   "memory: injecting an abort",
		   (unsigned long long)(((a->hpfar & 0xfffffffff0ULL) << 8) | (a->far & 0xfff)),
		   (unsigned long long)a->pc);
	arm64_inject_iabt(v, a->far);
	return VCPU_EXIT_CONTINUE;
}

static enum vcpu_exit handle_wfx(struct vcpu *v, u64 esr)
{
	v->stats.exits_wfx++;
	skip_insn(v);
	return (esr & 1) ? VCPU_EXIT_YIELD : VCPU_EXIT_WFI;
}

/* Kestrel's own hypercalls: SMCCC fast calls of the vendor-specific
 * hypervisor service (owner 6), over HVC (docs/architecture.md). */
#define KESTREL_HVC_YIELD	0xc6000001U	/* give the host CPU away; returns 0 */

static enum vcpu_exit handle_hvc(struct vcpu *v, u64 esr)
{
	v->stats.exits_hvc++;
	/* The return address is already past the HVC. */
	if ((u32)v->arch.x[0] == KESTREL_HVC_YIELD) {
		v->arch.x[0] = 0;
		return VCPU_EXIT_YIELD;
	}
	arm64_vpsci_call(v);
	return VCPU_EXIT_CONTINUE;
}

static enum vcpu_exit handle_smc(struct vcpu *v, u64 esr)
{
	v->stats.exits_hvc++;
	skip_insn(v);		/* a trapped SMC returns to the SMC itself */
	arm64_vpsci_call(v);
	return VCPU_EXIT_CONTINUE;
}

/* System register encodings as in the ISS of EC 0x18. */
#define SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define SYS_ICC_SGI1R	SYSREG(3, 0, 12, 11, 5)
#define SYS_ICC_ASGI1R	SYSREG(3, 0, 12, 11, 6)
#define SYS_ICC_SGI0R	SYSREG(3, 0, 12, 11, 7)
#define SYS_MDSCR_EL1	SYSREG(2, 0, 0, 2, 2)
#define SYS_ACTLR_EL1	SYSREG(3, 0, 1, 0, 1)
#define SYS_DC_ISW	SYSREG(1, 0, 7, 6, 2)
#define SYS_DC_CSW	SYSREG(1, 0, 7, 10, 2)
#define SYS_DC_CISW	SYSREG(1, 0, 7, 14, 2)

static bool raz_wi(u32 enc, unsigned int op0, unsigned int op1, unsigned int crn)
{
	/* Set/way maintenance (HCR_EL2.TSW): guest memory is always mapped
	 * write-back cacheable at stage 2 and a vCPU may run on any set of
	 * caches, so a set/way operation has nothing meaningful to do. */
	if (enc == SYS_DC_ISW || enc == SYS_DC_CSW || enc == SYS_DC_CISW)
		return true;
	if (enc == SYS_ACTLR_EL1)
		return true;			/* HCR_EL2.TACR: no implementation controls */
	if (op0 == 2)
		return true;			/* debug and OS lock registers */
	if (op0 == 3 && crn == 9)
		return true;			/* PMU (PMCR_EL0, PMINTEN*, ...) */
	if (op0 == 3 && op1 == 3 && crn == 14)
		return true;			/* EL1 physical timer, PMU event counters */
	return false;
}

static enum vcpu_exit handle_sysreg(struct vcpu *v, u64 esr)
{
	u64 iss = ESR_ISS(esr);
	unsigned int op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
	unsigned int crn = (iss >> 10) & 0xf, crm = (iss >> 1) & 0xf, rt = (iss >> 5) & 0x1f;
	bool read = iss & 1;
	u32 enc = SYSREG(op0, op1, crn, crm, op2);
	struct vgic *g = arm64_guest(v)->vgic;

	v->stats.exits_sysreg++;
	if (!read && (enc == SYS_ICC_SGI1R || enc == SYS_ICC_SGI0R)) {
		vgic_sgi_generate(g, v->id, reg_read(v, rt), enc == SYS_ICC_SGI1R);
	} else if (enc == SYS_ICC_ASGI1R) {
		/* One security state: the other state's SGIs go nowhere. */
		if (read)
			reg_write(v, rt, 0);
	} else if (enc == SYS_MDSCR_EL1) {
		if (read)
			reg_write(v, rt, v->arch.mdscr_el1);
		else
			v->arch.mdscr_el1 = reg_read(v, rt);
	} else if (raz_wi(enc, op0, op1, crn)) {
		if (read)
			reg_write(v, rt, 0);
	} else {
		guest_warn(v, "%s of system register S%u_%u_C%u_C%u_%u at pc 0x%llx "
			   "is not emulated: injecting an undefined instruction",
			   read ? "read" : "write", op0, op1, crn,
			   crm, op2, (unsigned long long)v->arch.pc);
		arm64_inject_undef(v);
		return VCPU_EXIT_CONTINUE;
	}
	skip_insn(v);
	return VCPU_EXIT_CONTINUE;
}

static enum vcpu_exit handle_unknown(struct vcpu *v, u64 esr)
{
	v->stats.exits_other++;
	guest_warn(v, "unexpected exit (EC 0x%02llx, ESR 0x%llx) at pc 0x%llx: "
		   "injecting an undefined instruction",
		   (unsigned long long)ESR_EC(esr), (unsigned long long)esr,
		   (unsigned long long)v->arch.pc);
	arm64_inject_undef(v);
	return VCPU_EXIT_CONTINUE;
}

static const exit_fn exit_handlers[64] = {
	[EC_WFX] = handle_wfx,
	[EC_HVC64] = handle_hvc,
	[EC_SMC64] = handle_smc,
	[EC_SYS64] = handle_sysreg,
	[EC_IABT_LOW] = handle_iabt,
	[EC_DABT_LOW] = handle_dabt,
};

enum vcpu_exit arm64_handle_sync(struct vcpu *v)
{
	u64 esr = v->arch.esr;
	exit_fn fn = exit_handlers[ESR_EC(esr)];

	return (fn ? fn : handle_unknown)(v, esr);
}
