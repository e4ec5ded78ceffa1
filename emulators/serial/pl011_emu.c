// SPDX-License-Identifier: GPL-2.0
/* The PL011 UART as a guest device: its EMULATOR() registration, DTB node
 * and snapshot hooks. */
#define LOG_PREFIX "pl011"
#include "pl011.h"
#include <kestrel/emulator.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/snapshot.h>
#include <libfdt.h>
#include <printf.h>

/* One guest UART: the device model and where its line goes. */
struct pl011_emu {
	struct vpl011 *uart;
	struct guest *g;
	const struct guest_device_config *dev;	/* in g->cfg */
	bool irq_failed;	/* reported once; set_irq calls never overlap */
};

/* The UART's line to the guest's SPI; the vpl011_irq_fn of a device with
 * an interrupt. Any context, no sleep. */
static void pl011_emu_set_irq(void *ctx, bool level)
{
	struct pl011_emu *e = ctx;

	emulator_irq_result(guest_irq_set_level(e->g, e->dev->irq, level), e->g->cfg.name, e->dev,
			    &e->irq_failed);
}

static int pl011_emu_create(struct guest *g, const struct guest_device_config *dev,
			    void **priv)
{
	struct vpl011_config uc;
	struct pl011_emu *e;

	if (!dev->has_reg || dev->size != VPL011_SIZE) {
		log_err("%s/%s: needs a reg of 0x%lx bytes", g->cfg.name, dev->name, VPL011_SIZE);
		return -EINVAL;
	}
	e = kzalloc(sizeof(*e));
	if (!e) {
		log_err("%s/%s: out of memory", g->cfg.name, dev->name);
		return -ENOMEM;
	}
	e->g = g;
	e->dev = dev;
	uc = (struct vpl011_config){
		.guest = g->cfg.name,
		.device = dev->name,
		.base = dev->base,
		.size = dev->size,
		.set_irq = dev->has_irq ? pl011_emu_set_irq : NULL,
		.irq_ctx = e,
	};
	e->uart = vpl011_create(&uc, &g->mmio);
	if (!e->uart) {
		kfree(e);
		return -EINVAL;	/* logged by vpl011_create: config, name, overlap */
	}
	*priv = e;
	return 0;
}

static void pl011_emu_destroy(void *priv)
{
	struct pl011_emu *e = priv;

	vpl011_destroy(e->uart);
	kfree(e);
}

static void pl011_emu_reset(void *priv)
{
	struct pl011_emu *e = priv;

	vpl011_reset(e->uart);
}

static u16 pl011_emu_snap_type(void *priv)
{
	return SNAP_SEC_PL011;
}

static void pl011_emu_snap_save(void *priv, struct snap_tlv_writer *w)
{
	struct pl011_emu *e = priv;

	vpl011_snap_save(e->uart, w);
}

/* The vGIC is loaded first: its level for the UART's SPI is the one the
 * saved UART drove. */
static int pl011_emu_snap_load(void *priv, const struct snap_section *s, char *err,
			       size_t errlen)
{
	struct pl011_emu *e = priv;
	bool line;

	if (!e->dev->has_irq)
		return vpl011_snap_load(e->uart, s, NULL, err, errlen);
	line = guest_irq_line(e->g, e->dev->irq);
	return vpl011_snap_load(e->uart, s, &line, err, errlen);
}

static void pl011_emu_quiesce(void *priv, bool quiet)
{
	struct pl011_emu *e = priv;

	vpl011_quiesce(e->uart, quiet);
}

/* What Linux's amba-pl011 driver and earlycon need: the PrimeCell
 * compatible (AMBA probing), reg, the SPI, and both AMBA clocks. */
static int pl011_emu_fdt_props(void *fdt, int node, const struct guest_device_config *dev,
			       const struct guest_fdt_refs *refs)
{
	static const char compatible[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const fdt64_t reg[] = { cpu_to_fdt64(dev->base), cpu_to_fdt64(dev->size) };
	const fdt32_t irq[] = { cpu_to_fdt32(GUEST_FDT_IRQ_SPI), cpu_to_fdt32(dev->irq),
				cpu_to_fdt32(GUEST_FDT_IRQ_LEVEL_HIGH) };
	const fdt32_t clocks[] = { cpu_to_fdt32(refs->clock_phandle),
				   cpu_to_fdt32(refs->clock_phandle) };
	int err;

	err = fdt_setprop(fdt, node, "compatible", compatible, sizeof(compatible));
	if (!err)
		err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
	if (!err && dev->has_irq)
		err = fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq));
	if (!err)
		err = fdt_setprop(fdt, node, "clocks", clocks, sizeof(clocks));
	if (!err)
		err = fdt_setprop(fdt, node, "clock-names", clock_names, sizeof(clock_names));
	return err;
}

/* "pl011@<base>" under parent (2 address and 2 size cells). */
static int pl011_emu_fdt_node(void *fdt, int parent, const struct guest_device_config *dev,
			      const struct guest_fdt_refs *refs)
{
	char name[32];
	int node;

	if (!dev->has_reg)
		return -FDT_ERR_BADVALUE;
	snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)dev->base);
	node = fdt_add_subnode(fdt, parent, name);
	if (node < 0)
		return node;
	return pl011_emu_fdt_props(fdt, node, dev, refs);
}

static const char *const pl011_emu_compat[] = { "arm,pl011", NULL };

EMULATOR(pl011_emulator) = {
	.name = "pl011",
	.compatible = pl011_emu_compat,
	.create = pl011_emu_create,
	.destroy = pl011_emu_destroy,
	.reset = pl011_emu_reset,
	.fdt_node = pl011_emu_fdt_node,
	.alias = "serial",
	.snap_type = pl011_emu_snap_type,
	.snap_save = pl011_emu_snap_save,
	.snap_load = pl011_emu_snap_load,
	.quiesce = pl011_emu_quiesce,
};
