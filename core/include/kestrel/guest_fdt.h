/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device tree a guest boots with, generated from its configuration with
 * libfdt: what QEMU's virt board would give the same kernel.
 */
#ifndef KESTREL_GUEST_FDT_H
#define KESTREL_GUEST_FDT_H

#include <kestrel/guest_config.h>
#include <kestrel/emulator.h>

#define GUEST_FDT_MAX	SZ_64K	/* the buffer a guest DTB is built in */

/* Where the boot code put things in guest memory, for /chosen. */
struct guest_fdt_layout {
	gpa_t initrd_start;	/* both 0: no initrd */
	gpa_t initrd_end;
};

/*
 * Builds the guest DTB for cfg into buf (size bytes): root (compatible
 * "linux,dummy-virt", #address-cells = #size-cells = 2), /memory@<base>,
 * the arch nodes (arch_guest_fdt_nodes: cpus, psci, interrupt controller,
 * timer), a fixed 24 MHz clock, one node per configured device (its
 * emulator's fdt_node), /aliases for consoles, and /chosen with bootargs,
 * stdout-path (the first console) and the initrd range. buf is 8-byte
 * aligned, as libfdt wants; layout may be NULL (no initrd). Returns 0 or a
 * negative libfdt error (-FDT_ERR_NOSPACE when buf is too small); the
 * result is packed. Thread context.
 */
int guest_fdt_build(const struct guest_config *cfg, const struct guest_fdt_layout *layout,
		    void *buf, size_t size);

#endif
