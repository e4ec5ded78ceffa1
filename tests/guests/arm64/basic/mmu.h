/* SPDX-License-Identifier: GPL-2.0 */
/* Identity map: RAM as normal cacheable memory, everything else as Device. */
#ifndef BASIC_MMU_H
#define BASIC_MMU_H

/* Build the tables from plat (MMU off) and turn the MMU on; 0 on success. */
int mmu_init(void);
/* Turn the MMU on with the tables mmu_init built (secondary CPUs). */
void mmu_enable(void);

#endif
