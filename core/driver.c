// SPDX-License-Identifier: GPL-2.0
/* Matching self-registered host drivers against host DT nodes. */
#define LOG_PREFIX "driver"
#include <kestrel/driver.h>
#include <kestrel/hostdt.h>
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include <libfdt.h>

extern const struct driver __start_kestrel_drivers[], __stop_kestrel_drivers[];

static const char *const class_names[DRIVER_CLASSES] = {
	[DRIVER_IRQCHIP] = "irqchip",
	[DRIVER_TIMER] = "timer",
	[DRIVER_CONSOLE] = "console",
	[DRIVER_DEVICE] = "device",
};

const char *driver_class_name(enum driver_class cls)
{
	return cls < DRIVER_CLASSES ? class_names[cls] : "?";
}

const struct driver *driver_match(const void *fdt, int node, enum driver_class cls)
{
	for (const struct driver *d = __start_kestrel_drivers; d < __stop_kestrel_drivers; d++) {
		if (d->cls != cls)
			continue;
		for (const char *const *c = d->compatible; *c; c++)
			if (fdt_node_check_compatible(fdt, node, *c) == 0)
				return d;
	}
	return NULL;
}

static int probe_node(const void *fdt, int node, const struct driver *d, const char **drv_name)
{
	char path[128];
	int err;

	*drv_name = d->name;
	err = d->probe(fdt, node);
	if (err)
		log_err("%s: probe of %s failed (%s)", d->name,
			hostdt_path(fdt, node, path, sizeof(path)), strerror(err));
	return err;
}

int driver_probe_class(const void *fdt, enum driver_class cls, const char **drv_name,
		       int *found)
{
	const struct driver *d;
	int node;

	*drv_name = NULL;
	*found = -1;
	/* The console the firmware chose comes first. */
	if (cls == DRIVER_CONSOLE && host.console_node >= 0) {
		d = driver_match(fdt, host.console_node, cls);
		if (d) {
			*found = host.console_node;
			return probe_node(fdt, host.console_node, d, drv_name);
		}
	}
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		if (!hostdt_node_enabled(fdt, node))
			continue;
		d = driver_match(fdt, node, cls);
		if (d) {
			*found = node;
			return probe_node(fdt, node, d, drv_name);
		}
	}
	return -ENODEV;
}

int driver_probe_all(const void *fdt, enum driver_class cls)
{
	const struct driver *d;
	const char *name;
	int node, failed = 0;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		if (!hostdt_node_enabled(fdt, node))
			continue;
		d = driver_match(fdt, node, cls);
		if (d && probe_node(fdt, node, d, &name))
			failed++;
	}
	return failed;
}

void driver_for_each(void (*fn)(const struct driver *d, void *ctx), void *ctx)
{
	for (const struct driver *d = __start_kestrel_drivers; d < __stop_kestrel_drivers; d++)
		fn(d, ctx);
}
