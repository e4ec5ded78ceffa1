/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points: the arm64 Image header (so booti and QEMU -kernel both load
 * Kestrel), the boot CPU's entry at EL2 with x0 = host DTB, and the entry
 * of secondary CPUs started through PSCI CPU_ON (x0 = logical CPU id).
 * The image is position independent: it applies its own R_AARCH64_RELATIVE
 * relocations before any C code reads a pointer from data.
 */
#include <arch_sysreg.h>

#define R_AARCH64_RELATIVE 1027

	.macro adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	.section .text.head, "ax"
	.global _start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x80000				/* text_offset */
	.long	_kestrel_size_lo		/* image_size, bss included */
	.long	_kestrel_size_hi
	.quad	0x2				/* flags: LE, 4K pages, 2 MiB aligned base */
	.quad	0, 0, 0				/* res2..res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0				/* host DTB */
	adr	x20, _start			/* where we were loaded */
	/* A stack first: even the wrong-EL message is printed from C. */
	msr	spsel, #1
	adr_l	x1, cpu_stacks
	mov	x2, #CONFIG_STACK_SIZE
	add	sp, x1, x2
	mrs	x1, CurrentEL
	ubfx	x1, x1, #2, #2
	cmp	x1, #2
	b.ne	wrong_el
	ldr	x1, =SCTLR_EL2_RES1		/* MMU and caches off, little endian */
	msr	sctlr_el2, x1
	isb

	/* Relocate: *(base + r_offset) = base + r_addend. */
	adr_l	x1, __rela_start
	adr_l	x2, __rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16
	ldr	x5, [x1], #8
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x5, x5, x20
	str	x5, [x3, x20]
	b	1b
2:
	/* Clear bss (never with dc zva: the MMU is off, memory is Device). */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b
4:
	mov	x0, x19
	mov	x1, x20
	adr_l	x2, _end
	bl	arm64_boot_main			/* never returns */
	b	.

wrong_el:
	mov	x0, x1
	bl	arm64_wrong_el			/* prints, halts */
	b	.

	.global arm64_secondary_entry
arm64_secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0				/* logical CPU id */
	msr	spsel, #1
	adr_l	x1, cpu_stacks
	mov	x2, #CONFIG_STACK_SIZE
	madd	x1, x19, x2, x1			/* cpu_stacks + id * size ... */
	add	sp, x1, x2			/* ... + size: top of its stack */
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb
	mov	x0, x19
	bl	arm64_secondary_main		/* never returns */
	b	.

	.ltorg
