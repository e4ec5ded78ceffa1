/* SPDX-License-Identifier: GPL-2.0 */
/* Fake-architecture definitions the arch interface refers to (host unit tests). */
#ifndef ARCH_DEFS_H
#define ARCH_DEFS_H

#include <kestrel/types.h>

/* Callee-saved state of a hypervisor thread. The fake arch cannot switch
 * threads (core/thread.c is not built for the host); this only gives
 * struct thread its size. */
struct arch_thread_ctx {
	u64 callee_saved[10];
	u64 fp, lr, sp;
};

/* A trapped register frame, shaped like the arm64 one so arch_regs_dump
 * has something to print. */
struct arch_regs {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

/* Host "devices" are plain memory: ordering against other memory accesses
 * only needs the compiler not to move them. */
static inline void arch_io_rmb(void) { __asm__ __volatile__("" ::: "memory"); }
static inline void arch_io_wmb(void) { __asm__ __volatile__("" ::: "memory"); }

#endif
