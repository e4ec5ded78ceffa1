// SPDX-License-Identifier: GPL-2.0
/* Initial context of a hypervisor thread (switch.S switches them). */
#include <arch_thread.h>
#include <string.h>
#include "arm64.h"

void arch_thread_init(struct arch_thread_ctx *ctx, void *stack_top,
		      void (*entry)(void *), void *arg)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->x19 = (u64)entry;
	ctx->x20 = (u64)arg;
	ctx->lr = (u64)arm64_thread_start;
	ctx->sp = (u64)stack_top & ~15UL;
}
