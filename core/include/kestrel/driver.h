/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host drivers register themselves with DRIVER(): a const descriptor with a
 * device-tree compatible table, collected in a linker section. The core asks
 * for a class (console, irqchip, timer) and probes the matching DT node; for
 * DRIVER_DEVICE (disks, NICs, entropy sources) it probes every matching node.
 */
#ifndef KESTREL_DRIVER_H
#define KESTREL_DRIVER_H

#include <kestrel/compiler.h>

enum driver_class { DRIVER_IRQCHIP, DRIVER_TIMER, DRIVER_CONSOLE, DRIVER_DEVICE, DRIVER_CLASSES };

struct driver {
	const char *name;
	enum driver_class cls;
	const char *const *compatible;	/* NULL-terminated */
	/* Probes the device at `node` of the host DTB. Returns 0 or an error. */
	int (*probe)(const void *fdt, int node);
};

#define DRIVER(sym) \
	static const struct driver sym __section("kestrel_drivers") __used __aligned(8)

/* Finds the first driver of `cls` whose compatible matches `node`. */
const struct driver *driver_match(const void *fdt, int node, enum driver_class cls);

/* Probes the first enabled node in the DT that a driver of `cls` matches.
 * Returns 0, -ENODEV when no node matched, or the probe's error; *found names
 * the node and driver for messages. Boot context. */
int driver_probe_class(const void *fdt, enum driver_class cls, const char **drv_name,
		       int *node);

/* Probes every enabled node that a driver of `cls` matches, in DT order
 * (a probe that finds nothing to drive returns 0). A failed probe is logged
 * and the walk goes on. Returns the number of failed probes. Boot context,
 * IRQs enabled: a probe may wait for its device. */
int driver_probe_all(const void *fdt, enum driver_class cls);

/* Calls fn for every registered driver (for `host info`). */
void driver_for_each(void (*fn)(const struct driver *d, void *ctx), void *ctx);

const char *driver_class_name(enum driver_class cls);

#endif
