/* SPDX-License-Identifier: GPL-2.0 */
/* Fake-architecture definitions the arch interface refers to (host unit tests). */
#ifndef ARCH_DEFS_H
#define ARCH_DEFS_H

#include <kestrel/types.h>

#include <ucontext.h>

/* A hypervisor thread on the host: a ucontext (arch/fake/thread.c). The
 * stack bounds and fake stack are what ASan needs to follow the switches; a
 * context that was never set up by arch_thread_init (an idle thread: the
 * test's own host thread) learns its bounds the first time it is switched
 * away from. */
struct arch_thread_ctx {
	ucontext_t uc;
	void (*entry)(void *arg);
	void *arg;
	const void *stack_bottom;
	size_t stack_size;
	void *asan_fake_stack;	/* ASan's state of the suspended context */
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

/* A fake vCPU context: what host unit tests of the core look at. */
struct arch_vcpu {
	u64 x[31];
	u64 pc;
	bool loaded;
};

/* Host "devices" are plain memory: ordering against other memory accesses
 * only needs the compiler not to move them. */
static inline void arch_io_rmb(void) { __asm__ __volatile__("" ::: "memory"); }
static inline void arch_io_wmb(void) { __asm__ __volatile__("" ::: "memory"); }

#endif
