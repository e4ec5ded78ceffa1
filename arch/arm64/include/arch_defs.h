/* SPDX-License-Identifier: GPL-2.0 */
/* ARMv8 definitions the arch interface refers to. */
#ifndef ARCH_DEFS_H
#define ARCH_DEFS_H

#ifndef __ASSEMBLY__
#include <kestrel/types.h>

/* Callee-saved state of a hypervisor thread (AAPCS64). */
struct arch_thread_ctx {
	u64 x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	u64 fp, lr, sp;
};

/* Register frame saved by the EL2 exception vectors. */
struct arch_regs {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

/* EL1 system registers a vCPU owns, saved and restored on switch. */
enum arm64_sysreg {
	SYS_SCTLR_EL1, SYS_TTBR0_EL1, SYS_TTBR1_EL1, SYS_TCR_EL1, SYS_MAIR_EL1,
	SYS_AMAIR_EL1, SYS_VBAR_EL1, SYS_CONTEXTIDR_EL1, SYS_TPIDR_EL0, SYS_TPIDRRO_EL0,
	SYS_TPIDR_EL1, SYS_SP_EL0, SYS_SP_EL1, SYS_ELR_EL1, SYS_SPSR_EL1, SYS_ESR_EL1,
	SYS_FAR_EL1, SYS_AFSR0_EL1, SYS_AFSR1_EL1, SYS_PAR_EL1, SYS_CPACR_EL1,
	SYS_CNTKCTL_EL1, SYS_CSSELR_EL1,
	SYS_NR
};

#define ARM64_MAX_LRS	16

/* A vCPU's architectural state. `x`, `pc` and `pstate` come first: the
 * guest entry code addresses them by the ARM64_VCPU_* offsets below. */
struct arch_vcpu {
	u64 x[31];
	u64 pc;
	u64 pstate;
	u64 esr, far, hpfar;		/* the last exit's syndrome */
	u64 sys[SYS_NR];
	u64 mdscr_el1;			/* debug registers are trapped: kept here */
	u64 cntv_ctl, cntv_cval;	/* virtual timer while put */
	bool timer_line;		/* what the vGIC sees of the timer PPI */
	bool timer_ppi_masked;		/* host PPI masked while the line is high */
	bool loaded;
	bool vserror;			/* a virtual SError waits (HCR_EL2.VSE) */
	u64 lr[ARM64_MAX_LRS];		/* list registers in use (0: free) */
	u64 ich_hcr;			/* ICH_HCR_EL2 as the last entry wrote it */
	u32 lrs_used;			/* LRs the last entry wrote (bit per LR) */
	u32 vmcr;			/* ICH_VMCR_EL2 */
	u32 ap0r[4], ap1r[4];		/* active priorities */
	struct {
		__uint128_t v[32];
		u64 fpsr, fpcr;
	} fp __aligned(16);
};

static inline void arch_io_rmb(void) { __asm__ __volatile__("dmb oshld" ::: "memory"); }
static inline void arch_io_wmb(void) { __asm__ __volatile__("dmb oshst" ::: "memory"); }
#endif

#define ARM64_VCPU_X		0
#define ARM64_VCPU_PC		(31 * 8)
#define ARM64_VCPU_ESR		(33 * 8)
#define ARM64_VCPU_HPFAR	(35 * 8)

/* Why arm64_guest_enter returned. */
#define ARM64_EXIT_SYNC		0
#define ARM64_EXIT_IRQ		1
#define ARM64_EXIT_FIQ		2
#define ARM64_EXIT_SERROR	3

#define ARCH_REGS_SIZE	(36 * 8)
#define ARCH_REGS_SP	(31 * 8)
#define ARCH_REGS_ELR	(32 * 8)
#define ARCH_REGS_SPSR	(33 * 8)
#define ARCH_REGS_ESR	(34 * 8)
#define ARCH_REGS_FAR	(35 * 8)

#endif
