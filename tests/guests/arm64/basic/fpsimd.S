/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uint64_t fpsimd_hold(const uint8_t in[512], uint8_t out[512], uint64_t until)
 *
 * Loads v0-v31 from in, then sleeps in WFI with interrupts masked until
 * CNTVCT reaches `until` (the caller armed the virtual timer for it, which
 * wakes the WFI), then stores v0-v31 to out. Nothing else runs on this CPU
 * in between, so out == in unless the hypervisor lost the registers while
 * another vCPU used the host CPU. Returns how many WFIs it took.
 */
	.arch_extension fp
	.arch_extension simd
	.text
	.balign	4
	.global	fpsimd_hold
	.type	fpsimd_hold, %function
fpsimd_hold:
	mrs	x9, daif
	msr	daifset, #3
	ld1	{v0.16b-v3.16b}, [x0], #64
	ld1	{v4.16b-v7.16b}, [x0], #64
	ld1	{v8.16b-v11.16b}, [x0], #64
	ld1	{v12.16b-v15.16b}, [x0], #64
	ld1	{v16.16b-v19.16b}, [x0], #64
	ld1	{v20.16b-v23.16b}, [x0], #64
	ld1	{v24.16b-v27.16b}, [x0], #64
	ld1	{v28.16b-v31.16b}, [x0], #64
	mov	x10, #0
1:	wfi
	add	x10, x10, #1
	isb
	mrs	x11, cntvct_el0
	cmp	x11, x2
	b.lo	1b
	st1	{v0.16b-v3.16b}, [x1], #64
	st1	{v4.16b-v7.16b}, [x1], #64
	st1	{v8.16b-v11.16b}, [x1], #64
	st1	{v12.16b-v15.16b}, [x1], #64
	st1	{v16.16b-v19.16b}, [x1], #64
	st1	{v20.16b-v23.16b}, [x1], #64
	st1	{v24.16b-v27.16b}, [x1], #64
	st1	{v28.16b-v31.16b}, [x1], #64
	msr	daif, x9
	mov	x0, x10
	ret
	.size	fpsimd_hold, . - fpsimd_hold
