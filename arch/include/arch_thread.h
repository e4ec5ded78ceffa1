/* SPDX-License-Identifier: GPL-2.0 */
/* Hypervisor thread contexts: only callee-saved state, switched cooperatively. */
#ifndef ARCH_THREAD_H
#define ARCH_THREAD_H

#include <arch_defs.h>	/* struct arch_thread_ctx */

/* Prepares ctx so that the first switch to it calls entry(arg) on the stack
 * ending at stack_top. entry must never return. Any context. */
void arch_thread_init(struct arch_thread_ctx *ctx, void *stack_top,
		      void (*entry)(void *), void *arg);

/* Saves the caller's callee-saved registers and stack in prev and resumes
 * next. Called by the scheduler with its run-queue lock dropped and IRQs
 * masked; returns when something switches back to prev. */
void arch_thread_switch(struct arch_thread_ctx *prev, struct arch_thread_ctx *next);

#endif
