// SPDX-License-Identifier: GPL-2.0
/*
 * Thread switching of the fake architecture: each hypervisor thread is a
 * ucontext on its own stack (makecontext), all within the test binary's one
 * host thread. A context arch_thread_init did not set up (an idle thread) is
 * whatever called arch_thread_switch on the host thread's own stack: the
 * test itself.
 *
 * ASan is told about every switch (its fiber annotations): it must know
 * which stack is current to check stack accesses and to report on them.
 */
#include <arch_thread.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#define asan_start_switch	__sanitizer_start_switch_fiber
#define asan_finish_switch	__sanitizer_finish_switch_fiber
#else
#define asan_start_switch(fake_stack_save, bottom, size)	do { } while (0)
#define asan_finish_switch(fake_stack, bottom_old, size_old)	do { } while (0)
#endif

/* The context being left and the one being entered by the switch under
 * way (one host thread: one switch at a time). */
static struct arch_thread_ctx *switch_from, *switch_to;

/* Completes a switch, on the stack switched to: ASan takes back this
 * context's fake stack and gives the bounds of the stack just left, which
 * the context left keeps (that is how an idle thread learns its bounds). */
static void switch_finish(void *fake_stack)
{
	asan_finish_switch(fake_stack, &switch_from->stack_bottom, &switch_from->stack_size);
}

/* First code of a new thread, entered from arch_thread_switch. */
static void thread_start(void)
{
	struct arch_thread_ctx *self = switch_to;

	switch_finish(NULL);
	self->entry(self->arg);
	fprintf(stderr, "fake arch: a thread's entry function returned\n");
	abort();
}

/* The interface gives only the top of the stack: thread.c allocates at
 * least CONFIG_STACK_SIZE bytes below it, which is what the thread gets. */
void arch_thread_init(struct arch_thread_ctx *ctx, void *stack_top,
		      void (*entry)(void *), void *arg)
{
	if (getcontext(&ctx->uc)) {
		perror("fake arch: getcontext");
		abort();
	}
	ctx->entry = entry;
	ctx->arg = arg;
	ctx->stack_bottom = (char *)stack_top - CONFIG_STACK_SIZE;
	ctx->stack_size = CONFIG_STACK_SIZE;
	ctx->asan_fake_stack = NULL;
	ctx->uc.uc_stack.ss_sp = (void *)ctx->stack_bottom;
	ctx->uc.uc_stack.ss_size = ctx->stack_size;
	ctx->uc.uc_link = NULL;		/* entry must not return */
	makecontext(&ctx->uc, thread_start, 0);
}

/* getcontext and setcontext rather than swapcontext, which ASan intercepts
 * to warn, once per process, that it "may produce false positives", and to
 * unpoison the whole stack switched to: the fiber annotations make the
 * first untrue and the second unneeded. */
void arch_thread_switch(struct arch_thread_ctx *prev, struct arch_thread_ctx *next)
{
	volatile bool resumed = false;

	switch_from = prev;
	switch_to = next;
	asan_start_switch(&prev->asan_fake_stack, next->stack_bottom, next->stack_size);
	if (getcontext(&prev->uc)) {
		perror("fake arch: getcontext");
		abort();
	}
	if (!resumed) {			/* saved: leave */
		resumed = true;
		setcontext(&next->uc);
		perror("fake arch: setcontext");
		abort();
	}
	/* Back in prev: someone switched to it. */
	switch_finish(prev->asan_fake_stack);
}
