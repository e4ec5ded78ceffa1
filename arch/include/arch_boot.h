/* SPDX-License-Identifier: GPL-2.0 */
/* What the arch boot code hands to the core, and the core's entry points. */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#include <kestrel/types.h>

struct boot_info {
	hpa_t image_start;	/* the loaded hypervisor image, bss included */
	hpa_t image_end;
	hpa_t fdt;		/* host DTB as the boot loader passed it */
};

/* Arch early init: exception vectors, MMU for the image and the DTB,
 * relocation done. Called once on the boot CPU before kestrel_main. */
void arch_early_init(struct boot_info *info);

/* Arch init that needs the heap (e.g. per-CPU exception stacks). Boot context. */
int arch_init(void);

/* Per-CPU arch init on a secondary CPU (vectors, traps). Called from the arch's
 * secondary entry before kestrel_secondary_main. */
void arch_secondary_init(unsigned int cpu);

/* Core entry on the boot CPU, never returns. */
__noreturn void kestrel_main(struct boot_info *info);

/* Core entry on a secondary CPU once its MMU and stack are up, never returns. */
__noreturn void kestrel_secondary_main(unsigned int cpu);

#endif
