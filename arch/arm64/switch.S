/* SPDX-License-Identifier: GPL-2.0 */
/* Hypervisor thread switch: callee-saved registers and the stack pointer. */

	.text
	.global	arch_thread_switch
	/* x0 = prev ctx, x1 = next ctx (struct arch_thread_ctx) */
arch_thread_switch:
	stp	x19, x20, [x0, #16 * 0]
	stp	x21, x22, [x0, #16 * 1]
	stp	x23, x24, [x0, #16 * 2]
	stp	x25, x26, [x0, #16 * 3]
	stp	x27, x28, [x0, #16 * 4]
	stp	x29, x30, [x0, #16 * 5]
	mov	x2, sp
	str	x2, [x0, #16 * 6]
	ldp	x19, x20, [x1, #16 * 0]
	ldp	x21, x22, [x1, #16 * 1]
	ldp	x23, x24, [x1, #16 * 2]
	ldp	x25, x26, [x1, #16 * 3]
	ldp	x27, x28, [x1, #16 * 4]
	ldp	x29, x30, [x1, #16 * 5]
	ldr	x2, [x1, #16 * 6]
	mov	sp, x2
	ret

	/* First run of a thread: x19 = entry, x20 = argument. */
	.global	arm64_thread_start
arm64_thread_start:
	mov	x0, x20
	blr	x19
	b	.
