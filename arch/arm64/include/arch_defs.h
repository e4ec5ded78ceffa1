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

static inline void arch_io_rmb(void) { __asm__ __volatile__("dmb oshld" ::: "memory"); }
static inline void arch_io_wmb(void) { __asm__ __volatile__("dmb oshst" ::: "memory"); }
#endif

#define ARCH_REGS_SIZE	(36 * 8)
#define ARCH_REGS_SP	(31 * 8)
#define ARCH_REGS_ELR	(32 * 8)
#define ARCH_REGS_SPSR	(33 * 8)
#define ARCH_REGS_ESR	(34 * 8)
#define ARCH_REGS_FAR	(35 * 8)

#endif
