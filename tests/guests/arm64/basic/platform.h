/* SPDX-License-Identifier: GPL-2.0 */
/* What the firmware knows about its machine, all of it read from the DTB. */
#ifndef BASIC_PLATFORM_H
#define BASIC_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_MEM		8
#define MAX_CPUS	8
#define MAX_REDIST	4
#define MAX_REGIONS	128
#define MAX_VIRTIO	32	/* QEMU's virt board has 32 virtio-mmio transports */

struct region {
	uint64_t base, size;
};

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };

/* What /chosen/bootargs asks for: the checks (no word), the benchmark
 * mode (the word "kestrel.bench") or the partner that only yields
 * ("kestrel.bench=partner"). */
enum boot_mode { BOOT_CHECKS, BOOT_BENCH, BOOT_BENCH_PARTNER };

/* A "virtio,mmio" node: its register frame and first interrupt. */
struct virtio_node {
	struct region reg;
	uint32_t intid;				/* 0: none usable */
};

struct platform {
	const void *dtb;
	uint32_t dtb_size;
	const char *bootargs;			/* /chosen/bootargs in the DTB, or NULL */
	enum boot_mode mode;			/* from bootargs */
	uint64_t image_start, image_end;	/* the firmware incl. .bss and stacks */

	struct region mem[MAX_MEM];		/* /memory reg entries */
	int nmem;

	uint64_t cpu_mpidr[MAX_CPUS];		/* /cpus/cpu@N reg, DT order */
	int ncpus;

	struct region uart;			/* the console PL011 */
	uint32_t uart_intid;			/* 0: no usable interrupt */
	bool uart_level;

	struct region gicd;
	struct region gicr[MAX_REDIST];
	int ngicr;
	uint64_t gicr_stride;			/* 0: from GICR_TYPER */

	uint32_t timer_intid;			/* EL1 virtual timer PPI */

	enum psci_conduit psci;
	bool psci_v02;				/* standard function IDs */
	uint32_t psci_cpu_on;			/* CPU_ON function ID */

	struct virtio_node virtio[MAX_VIRTIO];	/* "virtio,mmio" nodes, DT order */
	int nvirtio;

	/* Every region the DT describes (reg of each node, ranges windows,
	 * memory), for choosing an address that nothing answers. */
	struct region regions[MAX_REGIONS];
	int nregions;

	const char *error;			/* first problem found, or NULL */
};

extern struct platform plat;

/* Fill plat from the DTB; runs with the MMU off. 0 if at least the memory
 * and the console UART were found (plat.error may still name a problem). */
int platform_from_dt(const void *dtb);
/* True if [addr, addr + 1) is in RAM or any DT region. */
bool platform_addr_described(uint64_t addr);
/* An address in the middle of the largest hole below RAM that no DT region
 * covers, with the hole's bounds; 0 if there is none. */
uint64_t platform_find_gap(uint64_t *hole_start, uint64_t *hole_end);
uint64_t platform_ram_end(void);	/* end of the highest /memory region */
uint64_t platform_ram_total(void);

#endif
