// SPDX-License-Identifier: GPL-2.0
/*
 * VirtIO-MMIO devices as guest devices: the EMULATOR() registration for
 * compatible "virtio,mmio", the choice of backend by the device node's
 * `type` property, guest RAM and the SPI wired to the transport, and the
 * guest DTB node.
 *
 *   virtio0 { compatible = "virtio,mmio"; type = "rng";
 *             reg = <0x0 0x0a000000 0x0 0x200>; interrupts = <16>; };
 *
 * reg must be 0x200 bytes at a 0x200-aligned base and an interrupt is
 * required (Linux's virtio_mmio driver cannot work without one). An rng
 * takes its bytes from the host's entropy pool (kestrel/entropy.h), so it
 * needs the host's entropy source: without one its node is refused.
 */
#define LOG_PREFIX "virtio"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "virtio_mmio.h"
#include "virtio_net.h"
#include "virtio_rng.h"
#include <kestrel/emulator.h>
#include <kestrel/entropy.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>

/* The GIC binding's "edge, low to high" (QEMU's GIC_FDT_IRQ_FLAGS_EDGE_LO_HI),
 * which QEMU's virt board gives its virtio-mmio transports. emulator.h
 * only names level-high. */
#define FDT_IRQ_EDGE_RISING	1

/* A device type the `type` property may name; create is NULL when the
 * build leaves it out. create gets the device's node in the configuration
 * DTB, to read the type's own properties: those in props (NULL-terminated,
 * or NULL for none), which check (or NULL) has checked. reset (or NULL:
 * virtio_dev_reset) is the guest reset, vCPUs stopped, thread context. */
struct virtio_type {
	const char *name;
	struct virtio_dev *(*create)(const struct virtio_mmio_config *cfg, struct devemu_map *map,
				     const void *fdt, int node);
	void (*destroy)(struct virtio_dev *d);
	const char *const *props;
	int (*check)(const void *fdt, int node, char *err, size_t errlen);
	void (*reset)(struct virtio_dev *d);
};

/* The bytes of a guest's virtio-rng: the host's entropy pool, what it
 * holds now (0 while it refills, the device then holds the request and
 * the guest's notify is retried). Any context, no sleep. */
static size_t host_entropy_fill(void *ctx, u8 *buf, size_t len)
{
	int n = entropy_read(buf, len, false);

	return n > 0 ? (size_t)n : 0;
}

#define RNG_QEMU_HINT	"(QEMU: -device virtio-rng-device)"

/* A guest entropy device needs the host's: there is no made-up fallback.
 * Checked when the configuration is parsed, and again at create. */
static int rng_check(const void *fdt, int node, char *err, size_t errlen)
{
	if (entropy_source_name())
		return 0;
	snprintf(err, errlen, "the host has no entropy source for a virtio rng device "
		 RNG_QEMU_HINT);
	return -EINVAL;
}

static struct virtio_dev *rng_create(const struct virtio_mmio_config *cfg,
				     struct devemu_map *map, const void *fdt, int node)
{
	if (!entropy_source_name()) {
		log_err("%s/%s: the host has no entropy source for this virtio rng device "
			RNG_QEMU_HINT, cfg->guest, cfg->device);
		return NULL;
	}
	return virtio_rng_create(cfg, map, host_entropy_fill, NULL);
}

static const struct virtio_type types[] = {
	{ "rng", IS_ENABLED(CONFIG_EMU_VIRTIO_RNG) ? rng_create : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_RNG) ? virtio_rng_destroy : NULL, NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_RNG) ? rng_check : NULL, NULL },
	{ "net", IS_ENABLED(CONFIG_EMU_VIRTIO_NET) ? virtio_net_create_fdt : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_NET) ? virtio_net_destroy : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_NET) ? virtio_net_props : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_NET) ? virtio_net_check : NULL, NULL },
	{ "blk", IS_ENABLED(CONFIG_EMU_VIRTIO_BLK) ? virtio_blk_create : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_BLK) ? virtio_blk_destroy : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_BLK) ? virtio_blk_props : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_BLK) ? virtio_blk_check : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_BLK) ? virtio_blk_reset : NULL },
	{ "console", IS_ENABLED(CONFIG_EMU_VIRTIO_CONSOLE) ? virtio_console_create : NULL,
	  IS_ENABLED(CONFIG_EMU_VIRTIO_CONSOLE) ? virtio_console_destroy : NULL, NULL, NULL,
	  NULL },
};

/* One guest virtio-mmio device. */
struct virtio_emu {
	struct virtio_dev *vdev;
	const struct virtio_type *type;
	struct guest *g;
	const struct guest_device_config *dev;	/* in g->cfg */
	bool irq_failed;	/* reported once; set_irq calls never overlap */
};

/* Guest RAM for the virtqueues: a 2 MiB chunk at a time. The RAM base is
 * 2 MiB aligned (GUEST_RAM_ALIGN), so chunks end at 2 MiB multiples. */
static void *virtio_emu_map(void *ctx, gpa_t gpa, u64 len, u64 *contig)
{
	u64 n = MIN(len, SZ_2M - (gpa & (SZ_2M - 1)));
	void *p = guest_ram_hva(ctx, gpa, n);

	if (p)
		*contig = n;
	return p;
}

/* The transport's line to the guest's SPI. Any context, no sleep. */
static void virtio_emu_set_irq(void *ctx, bool level)
{
	struct virtio_emu *e = ctx;

	emulator_irq_result(guest_irq_set_level(e->g, e->dev->irq, level), e->g->cfg.name, e->dev,
			    &e->irq_failed);
}

static const struct virtio_type *find_type(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].name, name) && types[i].create)
			return &types[i];
	return NULL;
}

/* The types of this build, "rng, ..." into buf. */
static void type_list(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(types) && n < size; i++)
		if (types[i].create)
			n += snprintf(buf + n, size - n, "%s\"%s\"", n ? ", " : "", types[i].name);
	if (!n)
		snprintf(buf, size, "none");
}

/* The `type` of the node at `node`: the device type, or NULL with what is
 * wrong in err. */
static const struct virtio_type *type_of(const void *fdt, int node, char *err, size_t errlen)
{
	const struct virtio_type *t;
	char known[64];
	int len;
	const char *name = fdt_getprop(fdt, node, "type", &len);

	type_list(known, sizeof(known));
	if (!name) {
		snprintf(err, errlen, "property 'type' missing (the virtio device type: %s)",
			 known);
		return NULL;
	}
	if (len < 1 || name[len - 1] != '\0' || strlen(name) != (size_t)len - 1) {
		snprintf(err, errlen, "'type' must be a single string (%s)", known);
		return NULL;
	}
	t = find_type(name);
	if (!t)
		snprintf(err, errlen, "'type' \"%s\" is not a virtio device type of this build (%s)",
			 name, known);
	return t;
}

/* The node's `type`: the device type. NULL (logged) when missing or bad. */
static const struct virtio_type *device_type(struct guest *g,
					     const struct guest_device_config *dev)
{
	char why[160];
	const struct virtio_type *t = type_of(g->config_fdt, dev->node, why, sizeof(why));

	if (!t)
		log_err("%s/%s: %s", g->cfg.name, dev->name, why);
	return t;
}

/* Whether `name` is in the NULL-terminated list (which may be NULL). */
static bool listed(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* The emulator's check, when the configuration is parsed: a `type` of
 * this build, no property that type does not take, then the type's own. */
static int virtio_emu_check(const void *fdt, int node, char *err, size_t errlen)
{
	static const char *const common[] = { "compatible", "reg", "interrupts", "type",
					      "phandle", NULL };
	const struct virtio_type *t = type_of(fdt, node, err, errlen);
	int prop;

	if (!t)
		return -EINVAL;
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name;
		size_t n;

		fdt_getprop_by_offset(fdt, prop, &name, NULL);
		if (!name || listed(common, name) || listed(t->props, name))
			continue;
		n = snprintf(err, errlen, "unknown property '%s' (a virtio %s device takes "
			     "compatible, reg, interrupts, type", name, t->name);
		for (const char *const *p = t->props; p && *p && n < errlen; p++)
			n += snprintf(err + n, errlen - n, ", %s", *p);
		if (n < errlen)
			snprintf(err + n, errlen - n, ")");
		return -EINVAL;
	}
	return t->check ? t->check(fdt, node, err, errlen) : 0;
}

static int virtio_emu_create(struct guest *g, const struct guest_device_config *dev,
			     void **priv)
{
	const struct virtio_type *t;
	struct virtio_mmio_config vc;
	struct virtio_emu *e;

	if (!dev->has_reg || dev->size != VIRTIO_MMIO_SIZE) {
		log_err("%s/%s: needs a reg of 0x%x bytes", g->cfg.name, dev->name,
			VIRTIO_MMIO_SIZE);
		return -EINVAL;
	}
	if (!dev->has_irq) {
		log_err("%s/%s: needs an interrupt (an SPI number)", g->cfg.name, dev->name);
		return -EINVAL;
	}
	t = device_type(g, dev);
	if (!t)
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e) {
		log_err("%s/%s: out of memory", g->cfg.name, dev->name);
		return -ENOMEM;
	}
	e->g = g;
	e->dev = dev;
	e->type = t;
	vc = (struct virtio_mmio_config){
		.guest = g->cfg.name,
		.device = dev->name,
		.base = dev->base,
		.size = dev->size,
		.mem = { .map = virtio_emu_map, .ctx = g },
		.set_irq = virtio_emu_set_irq,
		.irq_ctx = e,
	};
	e->vdev = t->create(&vc, &g->mmio, g->config_fdt, dev->node);
	if (!e->vdev) {
		kfree(e);
		return -EINVAL;	/* logged: config, overlap, memory */
	}
	*priv = e;
	return 0;
}

static void virtio_emu_destroy(void *priv)
{
	struct virtio_emu *e = priv;

	e->type->destroy(e->vdev);
	kfree(e);
}

static void virtio_emu_reset(void *priv)
{
	struct virtio_emu *e = priv;

	if (e->type->reset)
		e->type->reset(e->vdev);
	else
		virtio_dev_reset(e->vdev);
}

/* ---- snapshots: the transport's, given the guest's interrupt line -------- */

static u16 virtio_emu_snap_type(void *priv)
{
	struct virtio_emu *e = priv;

	return virtio_dev_snap_type(e->vdev);
}

static void virtio_emu_snap_save(void *priv, struct snap_tlv_writer *w)
{
	struct virtio_emu *e = priv;

	virtio_dev_snap_save(e->vdev, w);
}

static int virtio_emu_snap_load(void *priv, const struct snap_section *s, char *err,
				size_t errlen)
{
	struct virtio_emu *e = priv;

	return virtio_dev_snap_load(e->vdev, s, e->dev->irq, guest_irq_line(e->g, e->dev->irq),
				    err, errlen);
}

static void virtio_emu_quiesce(void *priv, bool quiet)
{
	struct virtio_emu *e = priv;

	virtio_dev_quiesce(e->vdev, quiet);
}

static void virtio_emu_snap_resume(void *priv)
{
	struct virtio_emu *e = priv;

	virtio_dev_snap_resume(e->vdev);
}

/* "virtio_mmio@<base>" as QEMU's virt board writes it: compatible, reg,
 * the SPI edge-triggered, dma-coherent (guest RAM is coherent with the
 * device: the hypervisor reads it through the cache). */
static int virtio_emu_fdt_node(void *fdt, int parent, const struct guest_device_config *dev,
			       const struct guest_fdt_refs *refs)
{
	const fdt64_t reg[] = { cpu_to_fdt64(dev->base), cpu_to_fdt64(dev->size) };
	const fdt32_t irq[] = { cpu_to_fdt32(GUEST_FDT_IRQ_SPI), cpu_to_fdt32(dev->irq),
				cpu_to_fdt32(FDT_IRQ_EDGE_RISING) };
	char name[40];
	int node, err;

	if (!dev->has_reg || !dev->has_irq)
		return -FDT_ERR_BADVALUE;
	snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)dev->base);
	node = fdt_add_subnode(fdt, parent, name);
	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "compatible", "virtio,mmio");
	if (!err)
		err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq));
	if (!err)
		err = fdt_setprop(fdt, node, "dma-coherent", NULL, 0);
	return err;
}

static const char *const virtio_emu_compat[] = { "virtio,mmio", NULL };

EMULATOR(virtio_mmio_emulator) = {
	.name = "virtio-mmio",
	.compatible = virtio_emu_compat,
	.create = virtio_emu_create,
	.destroy = virtio_emu_destroy,
	.reset = virtio_emu_reset,
	.fdt_node = virtio_emu_fdt_node,
	.check = virtio_emu_check,
	.snap_type = virtio_emu_snap_type,
	.snap_save = virtio_emu_snap_save,
	.snap_load = virtio_emu_snap_load,
	.quiesce = virtio_emu_quiesce,
	.snap_resume = virtio_emu_snap_resume,
};
