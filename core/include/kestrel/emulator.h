/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest device emulators register themselves with EMULATOR(): a const
 * descriptor with the compatible strings it models, collected in a linker
 * section. The guest manager creates one instance per device node of a
 * guest's configuration whose compatible an emulator lists; core/ never
 * names a device.
 */
#ifndef KESTREL_EMULATOR_H
#define KESTREL_EMULATOR_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>
#include <kestrel/guest_config.h>
#include <kestrel/log.h>

struct guest;
struct snap_section;
struct snap_tlv_writer;

/* Cells of a 3-cell GIC interrupt specifier (type, number, flags), as the
 * guest's interrupt controller binding defines them. */
#define GUEST_FDT_IRQ_SPI		0	/* number = SPI (INTID - 32) */
#define GUEST_FDT_IRQ_PPI		1	/* number = PPI (INTID - 16) */
#define GUEST_FDT_IRQ_LEVEL_HIGH	4

/* What a device's DTB node may refer to, filled by the guest DTB builder. */
struct guest_fdt_refs {
	u32 intc_phandle;	/* the interrupt controller (3-cell GIC specifier) */
	u32 clock_phandle;	/* a fixed 24 MHz "apb_pclk" clock */
};

struct emulator {
	const char *name;
	const char *const *compatible;	/* NULL-terminated */
	/* Creates the device `dev` of guest g: adds its MMIO regions to
	 * g->mmio and may raise its interrupt with guest_irq_set_level. 0 and
	 * *priv, or a negative error (logged, naming the device). Thread
	 * context. */
	int (*create)(struct guest *g, const struct guest_device_config *dev, void **priv);
	/* Removes the regions and frees the instance. The guest's vCPUs are
	 * stopped. Thread context. */
	void (*destroy)(void *priv);
	/* Back to the power-on state (guest reset). vCPUs stopped. */
	void (*reset)(void *priv);
	/* Adds the device's node to the guest's DTB as a child of `parent`
	 * (the root, #address-cells = #size-cells = 2), named
	 * "<node-name>@<base>" with reg, interrupts and what the guest's
	 * driver needs. 0 or a negative libfdt error. */
	int (*fdt_node)(void *fdt, int parent, const struct guest_device_config *dev,
			const struct guest_fdt_refs *refs);
	/* Optional: the /aliases entry and the stdout-path prefix for a
	 * console ("serial"), or NULL. */
	const char *alias;
	/* Optional: checks the device node's own properties (beyond
	 * compatible, reg and interrupts) when the configuration is parsed,
	 * before anything is created: 0, or -EINVAL with what is wrong in err
	 * ("'type' \"foo\" is not one of: rng, blk"); the caller prefixes
	 * the guest and device. */
	int (*check)(const void *fdt, int node, char *err, size_t errlen);

	/*
	 * Snapshots (kestrel/snapshot.h, docs/snapshot-format.md). A guest
	 * with a device whose emulator lacks snap_type cannot be saved.
	 */
	/* The section type the device's state is saved as (SNAP_SEC_*). */
	u16 (*snap_type)(void *priv);
	/* Writes the device's fields, tags increasing. The guest is paused
	 * and the device quiesced. Thread context. */
	void (*snap_save)(void *priv, struct snap_tlv_writer *w);
	/* Checks every value of the section, then loads it into the device
	 * of a new, stopped guest whose vGIC is already loaded (its line
	 * must equal guest_irq_line(); the line is not driven). 0, or
	 * -EINVAL with what is wrong in err, no prefix ("tag 0x0002 (cr):
	 * 0x12345 is wider than 16 bits"). Thread context. */
	int (*snap_load)(void *priv, const struct snap_section *s, char *err, size_t errlen);
	/* quiet: stop taking host input for the guest (terminal input waits,
	 * frames are dropped and counted) and wait until requests in flight
	 * are done, so that nothing changes the guest's RAM or the device's
	 * state; !quiet: take input again. Thread context. */
	void (*quiesce)(void *priv, bool quiet);
	/* After a restore, before the vCPUs run: as if the driver had written
	 * QueueNotify once for every ready queue. Thread context. */
	void (*snap_resume)(void *priv);
};

#define EMULATOR(sym) \
	static const struct emulator sym __section("kestrel_emulators") __used __aligned(8)

/*
 * For an emulator's set_irq callback, given err from its
 * guest_irq_set_level(g, dev->irq, level): a failure is logged once per
 * device ("<guest>/<device>: cannot drive SPI <n>", with the emulator's
 * LOG_PREFIX), *reported remembering it; a device's set_irq calls never
 * overlap. Any context, no sleep.
 */
static inline void emulator_irq_result(int err, const char *guest,
				       const struct guest_device_config *dev, bool *reported)
{
	if (!err || *reported)
		return;
	*reported = true;
	log_err("%s/%s: cannot drive SPI %u", guest, dev->name, dev->irq);
}

/* The emulator listing `compatible`, or NULL. Any context. */
const struct emulator *emulator_find(const char *compatible);

/* Calls fn for each registered emulator (for `host info`). */
void emulator_for_each(void (*fn)(const struct emulator *e, void *ctx), void *ctx);

#endif
