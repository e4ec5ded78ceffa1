/* SPDX-License-Identifier: GPL-2.0 */
/* Functions shared inside arch/arm64 only. */
#ifndef ARM64_PRIVATE_H
#define ARM64_PRIVATE_H

#include <kestrel/types.h>

void arm64_mmu_build(hpa_t fdt);
void arm64_mmu_enable(void);
void arm64_early_uart_putc(char c);
int arm64_psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
extern char arm64_el2_vectors[];
extern char arm64_secondary_entry[];
extern char arm64_thread_start[];

#endif
