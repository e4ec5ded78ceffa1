// SPDX-License-Identifier: GPL-2.0
/*
 * Generating the device tree a guest boots with, from its configuration
 * (what the guest sees: docs/guest-config.md).
 *
 * Built with libfdt's read-write API, which emulators' fdt_node hooks also
 * use. It puts each new node first among its siblings, so the nodes are
 * added in the reverse of the order the blob lists them: memory, chosen,
 * aliases, the devices in configuration order, the clock, the arch nodes.
 * Node offsets move whenever a node is added before them: a node is looked
 * up again (or by path) after anything was added.
 */
#define LOG_PREFIX "guest"
#include <kestrel/guest_fdt.h>
#include <kestrel/emulator.h>
#include <kestrel/log.h>
#include <arch_guest.h>
#include <libfdt.h>
#include <limits.h>
#include <printf.h>
#include <string.h>

#define ROOT			0	/* the root node's offset, fixed */
#define CLOCK_HZ		24000000
#define PATH_MAX_LEN		128	/* a device node's path: "/<name>@<base>" */
#define MODEL_PREFIX		"Kestrel guest "

static int set_root_props(void *fdt, const struct guest_config *cfg)
{
	char model[sizeof(MODEL_PREFIX) + GUEST_NAME_MAX];
	int err;

	snprintf(model, sizeof(model), MODEL_PREFIX "%s", cfg->name);
	err = fdt_setprop_string(fdt, ROOT, "compatible", "linux,dummy-virt");
	if (!err)
		err = fdt_setprop_string(fdt, ROOT, "model", model);
	if (!err)
		err = fdt_setprop_u32(fdt, ROOT, "#address-cells", 2);
	if (!err)
		err = fdt_setprop_u32(fdt, ROOT, "#size-cells", 2);
	return err;
}

/* reg of a root child: one (address, size) pair of 2 + 2 cells. */
static int set_reg(void *fdt, int node, u64 base, u64 size)
{
	const fdt64_t reg[] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
}

static int add_memory(void *fdt, const struct guest_config *cfg)
{
	char name[32];
	int node;
	int err;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)cfg->ram_base);
	node = fdt_add_subnode(fdt, ROOT, name);
	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "device_type", "memory");
	if (!err)
		err = set_reg(fdt, node, cfg->ram_base, cfg->ram_size);
	return err;
}

/* The fixed 24 MHz "apb_pclk" devices name as their clock (QEMU's apb-pclk). */
static int add_clock(void *fdt, u32 *phandle)
{
	int node = fdt_add_subnode(fdt, ROOT, "apb-pclk");
	int err;

	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "compatible", "fixed-clock");
	if (!err)
		err = fdt_setprop_u32(fdt, node, "#clock-cells", 0);
	if (!err)
		err = fdt_setprop_u32(fdt, node, "clock-frequency", CLOCK_HZ);
	if (!err)
		err = fdt_setprop_string(fdt, node, "clock-output-names", "clk24mhz");
	if (!err)
		err = fdt_generate_phandle(fdt, phandle);
	if (!err)
		err = fdt_setprop_u32(fdt, node, "phandle", *phandle);
	return err;
}

/* Each device's node, by its emulator; last to first (see the top). */
static int add_devices(void *fdt, const struct guest_config *cfg,
		       const struct guest_fdt_refs *refs)
{
	for (unsigned int i = cfg->nr_devices; i-- > 0;) {
		const struct guest_device_config *dev = &cfg->devices[i];
		const struct emulator *emu = emulator_find(dev->compatible);
		int err;

		if (!emu) {
			log_err("%s/%s: no emulator for compatible \"%s\"", cfg->name, dev->name,
				dev->compatible ? dev->compatible : "");
			return -FDT_ERR_NOTFOUND;
		}
		err = emu->fdt_node(fdt, ROOT, dev, refs);
		if (err)
			return err;
	}
	return 0;
}

/* True when root child `node` is dev's: at dev's base, or without reg when
 * dev has none. */
static bool node_is_at(const void *fdt, int node, const struct guest_device_config *dev)
{
	int len;
	const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!dev->has_reg)
		return !reg;
	return reg && len >= (int)sizeof(*reg) && fdt64_ld(reg) == dev->base;
}

/* The path of dev's node (the root child its emulator added: dev's
 * compatible, at dev's base) into buf. 0 or a negative libfdt error. */
static int device_path(const void *fdt, const struct guest_device_config *dev, char *buf,
		       int len)
{
	int node;

	fdt_for_each_subnode(node, fdt, ROOT) {
		if (fdt_node_check_compatible(fdt, node, dev->compatible) == 0 &&
		    node_is_at(fdt, node, dev))
			return fdt_get_path(fdt, node, buf, len);
	}
	return node;	/* -FDT_ERR_NOTFOUND, or what stopped the walk */
}

/* How many devices before index i have an emulator with alias `alias`:
 * device i's alias number. */
static unsigned int alias_index(const struct guest_config *cfg, unsigned int i,
				const char *alias)
{
	unsigned int n = 0;

	for (unsigned int j = 0; j < i; j++) {
		const struct emulator *emu = emulator_find(cfg->devices[j].compatible);

		if (emu && emu->alias && !strcmp(emu->alias, alias))
			n++;
	}
	return n;
}

static int add_alias(void *fdt, int *aliases, const struct guest_config *cfg,
		     unsigned int i, const char *alias, const char *path)
{
	char name[32];

	if (*aliases < 0) {
		*aliases = fdt_add_subnode(fdt, ROOT, "aliases");
		if (*aliases < 0)
			return *aliases;
	}
	snprintf(name, sizeof(name), "%s%u", alias, alias_index(cfg, i, alias));
	return fdt_setprop_string(fdt, *aliases, name, path);
}

/*
 * /aliases: "<alias><n>" = the node of each device whose emulator names an
 * alias, numbered per alias in configuration order; no node when there are
 * none. The first "serial" device's path goes to console (else "").
 */
static int add_aliases(void *fdt, const struct guest_config *cfg, char *console, int len)
{
	int aliases = -FDT_ERR_NOTFOUND;	/* added with the first alias */

	console[0] = '\0';
	for (unsigned int i = 0; i < cfg->nr_devices; i++) {
		const struct guest_device_config *dev = &cfg->devices[i];
		const struct emulator *emu = emulator_find(dev->compatible);
		char path[PATH_MAX_LEN];
		int err;

		if (!emu || !emu->alias)
			continue;
		err = device_path(fdt, dev, path, sizeof(path));
		if (!err)
			err = add_alias(fdt, &aliases, cfg, i, emu->alias, path);
		if (err)
			return err;
		if (!console[0] && !strcmp(emu->alias, "serial"))
			strlcpy(console, path, len);
	}
	return 0;
}

static int set_initrd(void *fdt, int chosen, const struct guest_fdt_layout *layout)
{
	int err;

	/* None, or an empty one (an empty initrd file): nothing to describe. */
	if (!layout || layout->initrd_end == layout->initrd_start)
		return 0;
	if (layout->initrd_end < layout->initrd_start)
		return -FDT_ERR_BADVALUE;
	err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", layout->initrd_start);
	if (!err)
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", layout->initrd_end);
	return err;
}

/* /chosen: bootargs, stdout-path (console, a plain node path) and the
 * initrd range, each only when there is one. */
static int add_chosen(void *fdt, const struct guest_config *cfg,
		      const struct guest_fdt_layout *layout, const char *console)
{
	int chosen = fdt_add_subnode(fdt, ROOT, "chosen");
	int err = 0;

	if (chosen < 0)
		return chosen;
	if (cfg->bootargs[0])
		err = fdt_setprop_string(fdt, chosen, "bootargs", cfg->bootargs);
	if (!err && console[0])
		err = fdt_setprop_string(fdt, chosen, "stdout-path", console);
	if (!err)
		err = set_initrd(fdt, chosen, layout);
	return err;
}

/* Everything but the root's own properties, in dependency order: the
 * interrupt controller and the clock before the devices that refer to
 * them, the devices before the aliases and /chosen that name them. */
static int add_nodes(void *fdt, const struct guest_config *cfg,
		     const struct guest_fdt_layout *layout)
{
	struct guest_fdt_refs refs = { 0 };
	char console[PATH_MAX_LEN];
	int err;

	err = arch_guest_fdt_nodes(fdt, ROOT, cfg, &refs);
	if (!err)
		err = fdt_setprop_u32(fdt, ROOT, "interrupt-parent", refs.intc_phandle);
	if (!err)
		err = add_clock(fdt, &refs.clock_phandle);
	if (!err)
		err = add_devices(fdt, cfg, &refs);
	if (!err)
		err = add_aliases(fdt, cfg, console, sizeof(console));
	if (!err)
		err = add_chosen(fdt, cfg, layout, console);
	if (!err)
		err = add_memory(fdt, cfg);
	return err;
}

int guest_fdt_build(const struct guest_config *cfg, const struct guest_fdt_layout *layout,
		    void *buf, size_t size)
{
	int err;

	err = fdt_create_empty_tree(buf, size > INT_MAX ? INT_MAX : (int)size);
	if (!err)
		err = set_root_props(buf, cfg);
	if (!err)
		err = add_nodes(buf, cfg, layout);
	if (!err)
		err = fdt_pack(buf);
	return err;
}
