/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering a guest and coming back. arm64_guest_enter saves the host's
 * callee-saved registers on the vCPU thread's stack, loads the guest's
 * general registers from struct arch_vcpu and erets. An exception from the
 * guest arrives at a lower-EL vector with SP_EL2 where the entry left it,
 * so the vector finds the vCPU pointer there, stores the guest registers
 * and the syndrome, and returns from arm64_guest_enter with the exit kind.
 */
#include <arch_defs.h>

#define HOST_FRAME	(13 * 8 + 8)	/* x19-x30, the vCPU pointer, padding */
#define HOST_VCPU	(12 * 8)

	.text
	.balign	4
	/* unsigned int arm64_guest_enter(struct arch_vcpu *v): returns
	 * ARM64_EXIT_SYNC, _IRQ, _FIQ or _SERROR. IRQs masked. */
	.global	arm64_guest_enter
	.type	arm64_guest_enter, %function
arm64_guest_enter:
	sub	sp, sp, #HOST_FRAME
	stp	x19, x20, [sp, #16 * 0]
	stp	x21, x22, [sp, #16 * 1]
	stp	x23, x24, [sp, #16 * 2]
	stp	x25, x26, [sp, #16 * 3]
	stp	x27, x28, [sp, #16 * 4]
	stp	x29, x30, [sp, #16 * 5]
	str	x0, [sp, #HOST_VCPU]

	ldp	x1, x2, [x0, #ARM64_VCPU_PC]	/* pc, pstate */
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	ldr	x30, [x0, #16 * 15]
	ldp	x0, x1, [x0, #16 * 0]
	eret
	dsb	nsh				/* no speculation past the eret */
	isb
	.size	arm64_guest_enter, . - arm64_guest_enter

	/* Common exit path: the guest's x0 and x1 are pushed, x1 = exit kind. */
	.global	arm64_guest_exit
	.type	arm64_guest_exit, %function
arm64_guest_exit:
	ldr	x0, [sp, #16 + HOST_VCPU]
	stp	x2, x3, [x0, #16 * 1]
	stp	x4, x5, [x0, #16 * 2]
	stp	x6, x7, [x0, #16 * 3]
	stp	x8, x9, [x0, #16 * 4]
	stp	x10, x11, [x0, #16 * 5]
	stp	x12, x13, [x0, #16 * 6]
	stp	x14, x15, [x0, #16 * 7]
	stp	x16, x17, [x0, #16 * 8]
	stp	x18, x19, [x0, #16 * 9]
	stp	x20, x21, [x0, #16 * 10]
	stp	x22, x23, [x0, #16 * 11]
	stp	x24, x25, [x0, #16 * 12]
	stp	x26, x27, [x0, #16 * 13]
	stp	x28, x29, [x0, #16 * 14]
	str	x30, [x0, #16 * 15]
	ldp	x2, x3, [sp], #16		/* the guest's x0, x1 */
	stp	x2, x3, [x0, #16 * 0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #ARM64_VCPU_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #ARM64_VCPU_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #ARM64_VCPU_HPFAR]

	mov	x0, x1
	ldp	x19, x20, [sp, #16 * 0]
	ldp	x21, x22, [sp, #16 * 1]
	ldp	x23, x24, [sp, #16 * 2]
	ldp	x25, x26, [sp, #16 * 3]
	ldp	x27, x28, [sp, #16 * 4]
	ldp	x29, x30, [sp, #16 * 5]
	add	sp, sp, #HOST_FRAME
	ret
	.size	arm64_guest_exit, . - arm64_guest_exit
