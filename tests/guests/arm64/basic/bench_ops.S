/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timed batches of the benchmark mode: BENCH_BATCH copies of one
 * operation, unrolled, between two reads of CNTVCT_EL0 with an ISB on each
 * side, so that nothing but the operations is timed. Each function returns
 * the ticks its batch took. The code is the same natively and as a guest.
 */
#include "bench.h"

.macro	stamp reg
	isb
	mrs	\reg, cntvct_el0
	isb
.endm

	.text
	.balign	4

/* uint64_t bench_svc_batch(void): SVC to our own EL1 vector and back. The
 * vector (vectors.S) saves and restores every register, so x9 survives. */
	.global	bench_svc_batch
	.type	bench_svc_batch, %function
bench_svc_batch:
	stamp	x9
	.rept	BENCH_BATCH
	svc	#0
	.endr
	stamp	x10
	sub	x0, x10, x9
	ret

/* uint64_t bench_hvc_batch(void): PSCI_VERSION by hvc #0. SMCCC lets the
 * callee clobber x0-x17, so the start time lives in x19. */
	.global	bench_hvc_batch
	.type	bench_hvc_batch, %function
bench_hvc_batch:
	str	x19, [sp, #-16]!
	stamp	x19
	.rept	BENCH_BATCH
	mov	w0, #0x84000000		/* PSCI_VERSION */
	hvc	#0
	.endr
	stamp	x10
	sub	x0, x10, x19
	ldr	x19, [sp], #16
	ret

/* uint64_t bench_mmio_batch(uint64_t addr): 32-bit loads from a device
 * register (a guest's access traps and is emulated). */
	.global	bench_mmio_batch
	.type	bench_mmio_batch, %function
bench_mmio_batch:
	stamp	x9
	.rept	BENCH_BATCH
	ldr	w1, [x0]
	.endr
	stamp	x10
	sub	x0, x10, x9
	ret

/* void bench_yield(void): one KESTREL_HVC_YIELD (the partner's loop). */
	.global	bench_yield
	.type	bench_yield, %function
bench_yield:
	movz	w0, #(KESTREL_HVC_YIELD >> 16), lsl #16
	movk	w0, #(KESTREL_HVC_YIELD & 0xffff)
	hvc	#0
	ret

/* uint64_t bench_yield_batch(void): Kestrel's yield hypercall
 * (KESTREL_HVC_YIELD) with IRQs masked: the host CPU goes to another thread
 * of it, if one can run, and comes back. Start time in x19, the function id
 * in x20 and the interrupt mask in x21 (SMCCC keeps x18-x30), so one
 * operation is a move and the HVC. */
	.global	bench_yield_batch
	.type	bench_yield_batch, %function
bench_yield_batch:
	stp	x19, x20, [sp, #-32]!
	str	x21, [sp, #16]
	movz	w20, #(KESTREL_HVC_YIELD >> 16), lsl #16
	movk	w20, #(KESTREL_HVC_YIELD & 0xffff)
	mrs	x21, daif
	msr	daifset, #2
	stamp	x19
	.rept	BENCH_BATCH
	mov	w0, w20
	hvc	#0
	.endr
	stamp	x10
	msr	daif, x21
	sub	x0, x10, x19
	ldr	x21, [sp, #16]
	ldp	x19, x20, [sp], #32
	ret
