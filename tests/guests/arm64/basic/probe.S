/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe accesses for the abort check: one load or store at a known address
 * (probe_load_insn / probe_store_insn) that the sync handler may skip.
 */
	.text
	.global	probe_load64, probe_load_insn
/* uint64_t probe_load64(uint64_t addr): x0 stays 0xdeadbeef if skipped. */
probe_load64:
	mov	x1, x0
	mov	x0, #0xbeef
	movk	x0, #0xdead, lsl #16
probe_load_insn:
	ldr	x0, [x1]
	ret

	.global	probe_store64, probe_store_insn
/* void probe_store64(uint64_t addr, uint64_t value) */
probe_store64:
probe_store_insn:
	str	x1, [x0]
	ret
