/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EL2 exception vectors. Every entry saves a full struct arch_regs frame on
 * the current stack and calls C; IRQs from EL2 return to the interrupted
 * context, anything unexpected ends in a register dump. Exceptions from
 * a guest (lower EL) return to the vCPU's run loop (guest_entry.S).
 */
#include <arch_defs.h>

	.macro	save_frame
	sub	sp, sp, #ARCH_REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	add	x0, sp, #ARCH_REGS_SIZE
	stp	x30, x0, [sp, #16 * 15]		/* x30, sp before the exception */
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #ARCH_REGS_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #ARCH_REGS_ESR]
	mov	x0, sp
	.endm

	.macro	restore_frame_eret
	ldp	x0, x1, [sp, #ARCH_REGS_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #ARCH_REGS_SIZE
	eret
	.endm

	/* One vector slot: 0x80 bytes, so it only branches. */
	.macro	vector, target
	.balign	0x80
	b	\target
	.endm

	.macro	unexpected, name, kind
\name:
	save_frame
	mov	x1, #\kind
	bl	arm64_unexpected_exception
	b	.
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	arm64_el2_vectors
arm64_el2_vectors:
	vector	el2t_sync			/* current EL, SP_EL0 */
	vector	el2t_irq
	vector	el2t_fiq
	vector	el2t_serror
	vector	el2h_sync			/* current EL, SP_EL2 */
	vector	el2h_irq
	vector	el2h_fiq
	vector	el2h_serror
	vector	lower64_sync			/* lower EL, AArch64 */
	vector	lower64_irq
	vector	lower64_fiq
	vector	lower64_serror
	vector	lower32_sync			/* lower EL, AArch32 */
	vector	lower32_irq
	vector	lower32_fiq
	vector	lower32_serror

el2h_sync:
	save_frame
	bl	arm64_sync_exception		/* dumps and halts */
	b	.

el2h_irq:
	save_frame
	bl	arm64_irq_exception
	restore_frame_eret

	unexpected el2t_sync, 0
	unexpected el2t_irq, 1
	unexpected el2t_fiq, 2
	unexpected el2t_serror, 3
	unexpected el2h_fiq, 6
	unexpected el2h_serror, 7
	/* From a guest: back to arm64_guest_enter's caller (guest_entry.S). */
	.macro	guest_exit, name, kind
\name:
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	arm64_guest_exit
	.endm

	guest_exit lower64_sync, ARM64_EXIT_SYNC
	guest_exit lower64_irq, ARM64_EXIT_IRQ
	guest_exit lower64_fiq, ARM64_EXIT_FIQ
	guest_exit lower64_serror, ARM64_EXIT_SERROR
	guest_exit lower32_sync, ARM64_EXIT_SYNC
	guest_exit lower32_irq, ARM64_EXIT_IRQ
	guest_exit lower32_fiq, ARM64_EXIT_FIQ
	guest_exit lower32_serror, ARM64_EXIT_SERROR
