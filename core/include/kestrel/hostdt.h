/* SPDX-License-Identifier: GPL-2.0 */
/* What Kestrel learns from the host DTB, validated once at boot. */
#ifndef KESTREL_HOSTDT_H
#define KESTREL_HOSTDT_H

#include <kestrel/types.h>
#include <kestrel/page_alloc.h>

#define HOSTDT_MAX_RESERVED 16

struct host_info {
	const void *fdt;
	size_t fdt_size;
	char model[64];

	struct page_range mem[PAGE_MAX_ZONES];
	unsigned int nr_mem;
	struct page_range reserved[HOSTDT_MAX_RESERVED];	/* memreserve + /reserved-memory */
	unsigned int nr_reserved;

	u64 cpu_hwid[CONFIG_NR_CPUS];
	bool cpu_psci[CONFIG_NR_CPUS];	/* enable-method = "psci" */
	unsigned int nr_cpus;		/* CPUs used (<= NR_CPUS) */
	unsigned int nr_cpus_dt;	/* CPUs the DT lists */

	bool has_psci;
	char psci_method[8];		/* "smc" or "hvc" */

	bool has_initrd;
	hpa_t initrd_start, initrd_end;
	char bootargs[256];
	int console_node;		/* from /chosen stdout-path, or -1 */
};

extern struct host_info host;

/*
 * Parses and validates the host DTB into hi. On error returns a negative
 * code and writes a message naming the node and property into err.
 */
int hostdt_parse(const void *fdt, struct host_info *hi, char *err, size_t errlen);

/* Reads entry `idx` of node's "reg" using its parent's #address-cells and
 * #size-cells. Returns 0 or -ENOENT/-EINVAL. */
int hostdt_reg(const void *fdt, int node, int idx, u64 *addr, u64 *size);

/* Reads a 1- or 2-cell integer property. Returns 0 or -ENOENT/-EINVAL. */
int hostdt_read_u64(const void *fdt, int node, const char *prop, u64 *val);

/* True when the node's "status" is absent, "okay" or "ok". */
bool hostdt_node_enabled(const void *fdt, int node);

/* Cells of interrupt specifier `idx` of node, in CPU byte order, as its
 * interrupt parent's #interrupt-cells says (interrupt-parent is looked up
 * through the node's ancestors). Their meaning is the interrupt
 * controller's. Returns the cell count (<= max) or -ENOENT / -EINVAL. */
int hostdt_irq_cells(const void *fdt, int node, int idx, u32 *cells, int max);

/* Path of node into buf (for messages). */
const char *hostdt_path(const void *fdt, int node, char *buf, size_t len);

#endif
