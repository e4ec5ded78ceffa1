/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points: the Image header's branch, the boot CPU's entry at EL1 with
 * x0 = DTB (self-relocation, .bss, stack, C), and the secondary CPU's entry
 * from PSCI CPU_ON (always CPU 1; x0 = context id, checked in C). Entered at
 * EL2 instead (QEMU virtualization=on, U-Boot booti), a CPU drops to EL1 first.
 */
#define R_AARCH64_RELATIVE	1027
/* SCTLR_EL1 RES1 bits of ARMv8.0, MMU and caches off, little endian. */
#define SCTLR_EL1_MMU_OFF	0x30d00800
#define CPACR_EL1_FPEN		(3 << 20)

	.section .text.head, "ax"
	.global	_start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1; the linker script adds the rest */

	.section .text.boot, "ax"
primary_entry:
	msr	daifset, #0xf
	mov	x19, x0			/* DTB */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	0f
	bl	el2_to_el1
0:	mrs	x1, CurrentEL
	cmp	x1, #(1 << 2)
	b.ne	halt			/* EL3: nothing we can report on */
	bl	cpu_basic_setup

	/* Apply R_AARCH64_RELATIVE relocations: linked at 0, running at x20. */
	adr	x20, _start
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16	/* r_offset, r_info */
	ldr	x5, [x1], #8		/* r_addend */
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	halt
	add	x5, x5, x20
	str	x5, [x20, x3]
	b	1b

	/* Zero .bss (page aligned at both ends). */
2:	adrp	x1, __bss_start
	adrp	x2, __bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

4:	adrp	x1, __stack0_top
	mov	sp, x1
	msr	tpidr_el1, xzr		/* CPU index 0 */
	mov	x0, x19
	bl	boot_main
	b	halt

	.global	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mrs	x1, CurrentEL		/* QEMU starts it at EL2 if it has one */
	cmp	x1, #(2 << 2)
	b.ne	0f
	bl	el2_to_el1
0:	bl	cpu_basic_setup
	mov	x1, #1
	msr	tpidr_el1, x1		/* CPU index 1 */
	adrp	x1, __stack1_top
	mov	sp, x1
	mov	x0, x19
	bl	secondary_main
	b	halt

/* From EL2: an AArch64 EL1 with its timer and GIC system registers, no
 * stage 2 and no traps; returns to the caller at EL1h, interrupts masked. */
el2_to_el1:
	mov	x1, #(1 << 31)		/* HCR_EL2.RW */
	msr	hcr_el2, x1
	mrs	x1, cnthctl_el2
	orr	x1, x1, #3		/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mov	x1, #0x33ff		/* CPTR_EL2: RES1 bits, no FP trap */
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	mrs	x1, midr_el1
	msr	vpidr_el2, x1
	mrs	x1, mpidr_el1
	msr	vmpidr_el2, x1
	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #24, #4		/* GIC system registers implemented? */
	cbz	x1, 1f
	mrs	x1, S3_4_C12_C9_5	/* ICC_SRE_EL2 */
	mov	x2, #0x9		/* SRE | Enable: EL1 may use ICC_SRE_EL1 */
	orr	x1, x1, x2
	msr	S3_4_C12_C9_5, x1
1:	mov	x1, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x1
	msr	elr_el2, x30
	isb
	eret

/* Known SCTLR_EL1 (MMU off), FP/SIMD enabled, exceptions on SP_EL1. */
cpu_basic_setup:
	mov	x1, #(SCTLR_EL1_MMU_OFF & 0xffff)
	movk	x1, #(SCTLR_EL1_MMU_OFF >> 16), lsl #16
	msr	sctlr_el1, x1
	mov	x1, #CPACR_EL1_FPEN
	msr	cpacr_el1, x1
	msr	spsel, #1
	isb
	ret

	.global	halt
halt:
	msr	daifset, #0xf
5:	wfi
	b	5b
