// SPDX-License-Identifier: GPL-2.0
/* The host's virtio-mmio devices: probe, feature and status handshake, queues, interrupt. */
#define LOG_PREFIX "virtio-host"
#include "virtio_host.h"
#include <kestrel/driver.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/hostdt.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include <arch_io.h>
#include <arch_mmu.h>
#include <printf.h>
#include <string.h>

/* Registers (4.2.2). */
#define VMMIO_MAGIC		0x000
#define VMMIO_VERSION		0x004
#define VMMIO_DEVICE_ID		0x008
#define VMMIO_DEV_FEATURES	0x010
#define VMMIO_DEV_FEATURES_SEL	0x014
#define VMMIO_DRV_FEATURES	0x020
#define VMMIO_DRV_FEATURES_SEL	0x024
#define VMMIO_QUEUE_SEL		0x030
#define VMMIO_QUEUE_NUM_MAX	0x034
#define VMMIO_QUEUE_NUM		0x038
#define VMMIO_QUEUE_READY	0x044
#define VMMIO_QUEUE_NOTIFY	0x050
#define VMMIO_INT_STATUS	0x060
#define VMMIO_INT_ACK		0x064
#define VMMIO_STATUS		0x070
#define VMMIO_QUEUE_DESC_LO	0x080
#define VMMIO_QUEUE_DESC_HI	0x084
#define VMMIO_QUEUE_DRIVER_LO	0x090
#define VMMIO_QUEUE_DRIVER_HI	0x094
#define VMMIO_QUEUE_DEVICE_LO	0x0a0
#define VMMIO_QUEUE_DEVICE_HI	0x0a4
#define VMMIO_CONFIG_GEN	0x0fc
#define VMMIO_CONFIG		0x100
#define VMMIO_SIZE		0x200

#define VMMIO_MAGIC_VALUE	0x74726976	/* "virt" */

/* Device status (2.1). */
#define STATUS_ACKNOWLEDGE	0x01
#define STATUS_DRIVER		0x02
#define STATUS_DRIVER_OK	0x04
#define STATUS_FEATURES_OK	0x08
#define STATUS_FAILED		0x80

#define INT_USED		0x1
#define INT_CONFIG		0x2

/* The device types of this build; NULL where a symbol leaves one out. */
static const struct virtio_host_type *const types[] = {
	IS_ENABLED(CONFIG_DRIVER_VIRTIO_NET) ? &virtio_net_host_type : NULL,
	IS_ENABLED(CONFIG_DRIVER_VIRTIO_BLK) ? &virtio_blk_host_type : NULL,
	IS_ENABLED(CONFIG_DRIVER_VIRTIO_RNG) ? &virtio_rng_host_type : NULL,
};
static unsigned int units[ARRAY_SIZE(types)];

static const char *const known_ids[] = {
	[1] = "network card", [2] = "block device", [3] = "console", [4] = "entropy source",
	[5] = "memory balloon", [8] = "SCSI host", [9] = "9P transport", [16] = "GPU",
	[18] = "input device", [19] = "socket device", [26] = "file system",
};

static u32 rd(struct virtio_host_dev *d, u32 off)
{
	return mmio_read32(d->regs + off);
}

static void wr(struct virtio_host_dev *d, u32 off, u32 v)
{
	mmio_write32(d->regs + off, v);
}

static void set_status(struct virtio_host_dev *d, u32 bits)
{
	wr(d, VMMIO_STATUS, rd(d, VMMIO_STATUS) | bits);
}

/* Writing 0 resets; the device reads 0 once the reset is complete. */
static void reset(struct virtio_host_dev *d)
{
	wr(d, VMMIO_STATUS, 0);
	for (unsigned int i = 0; i < 1000000 && rd(d, VMMIO_STATUS); i++)
		;
}

/* ---- config space --------------------------------------------------------- */

/* Config bytes are read as aligned 32-bit words: QEMU's virtio-mmio takes
 * any width, and words keep the accesses uniform. */
static u32 config_word(struct virtio_host_dev *d, u32 off)
{
	return rd(d, VMMIO_CONFIG + (off & ~3U));
}

u8 virtio_config_read8(struct virtio_host_dev *d, u32 off)
{
	return (u8)(config_word(d, off) >> (8 * (off & 3)));
}

u16 virtio_config_read16(struct virtio_host_dev *d, u32 off)
{
	if ((off & 3) == 3)
		return (u16)(virtio_config_read8(d, off) | virtio_config_read8(d, off + 1) << 8);
	return (u16)(config_word(d, off) >> (8 * (off & 3)));
}

u32 virtio_config_read32(struct virtio_host_dev *d, u32 off)
{
	if (off & 3)
		return virtio_config_read16(d, off) | (u32)virtio_config_read16(d, off + 2) << 16;
	return config_word(d, off);
}

u64 virtio_config_read64(struct virtio_host_dev *d, u32 off)
{
	u32 gen, lo, hi;

	do {
		gen = rd(d, VMMIO_CONFIG_GEN);
		lo = virtio_config_read32(d, off);
		hi = virtio_config_read32(d, off + 4);
	} while (rd(d, VMMIO_CONFIG_GEN) != gen);
	return lo | (u64)hi << 32;
}

/* ---- queues ----------------------------------------------------------------- */

static void wr64(struct virtio_host_dev *d, u32 lo, u64 v)
{
	wr(d, lo, (u32)v);
	wr(d, lo + 4, (u32)(v >> 32));
}

int virtio_queue_setup(struct virtio_host_dev *d, unsigned int index, u16 want,
		       virtio_queue_done_fn done)
{
	struct virtio_host_queue *q;
	u32 max, num;
	hpa_t pa;
	void **cookies;
	int r;

	if (index >= VIRTIO_HOST_MAX_QUEUES || !want)
		return -EINVAL;
	wr(d, VMMIO_QUEUE_SEL, index);
	if (rd(d, VMMIO_QUEUE_READY)) {
		log_err("%s at 0x%llx: queue %u is already in use after reset", d->type->name,
			(unsigned long long)d->phys, index);
		return -EIO;
	}
	max = rd(d, VMMIO_QUEUE_NUM_MAX);
	if (!max)
		return -ENODEV;
	num = MIN((u32)want, MIN(max, (u32)VQD_MAX_SIZE));
	while (num & (num - 1))
		num &= num - 1;		/* down to a power of 2 */

	q = &d->queues[index];
	memset(q, 0, sizeof(*q));
	spin_lock_init(&q->lock);
	q->dev = d;
	q->index = index;
	q->done = done;
	q->ring_order = page_order_for(vqd_ring_size((u16)num));
	pa = page_alloc(q->ring_order);
	cookies = kzalloc(sizeof(void *) * num);
	if (!pa || !cookies) {
		if (pa)
			page_free(pa, q->ring_order);
		kfree(cookies);
		return -ENOMEM;
	}
	q->ring = (void *)arch_hpa_to_hva(pa);
	r = vqd_init(&q->vq, (u16)num, q->ring, pa, cookies);
	if (r) {
		page_free(pa, q->ring_order);
		kfree(cookies);
		q->ring = NULL;
		return r;
	}
	wr(d, VMMIO_QUEUE_NUM, num);
	wr64(d, VMMIO_QUEUE_DESC_LO, q->vq.desc_pa);
	wr64(d, VMMIO_QUEUE_DRIVER_LO, q->vq.avail_pa);
	wr64(d, VMMIO_QUEUE_DEVICE_LO, q->vq.used_pa);
	wr(d, VMMIO_QUEUE_READY, 1);
	if (index >= d->nr_queues)
		d->nr_queues = index + 1;
	return 0;
}

/* Frees every queue's memory. The device must be reset (it no longer
 * touches the rings). */
static void free_queues(struct virtio_host_dev *d)
{
	for (unsigned int i = 0; i < d->nr_queues; i++) {
		struct virtio_host_queue *q = &d->queues[i];

		if (!q->ring)
			continue;
		page_free(arch_hva_to_hpa((hva_t)q->ring), q->ring_order);
		kfree(q->vq.cookie);
		q->ring = NULL;
	}
	d->nr_queues = 0;
}

void virtio_queue_kick(struct virtio_host_queue *q)
{
	if (!vqd_kick_needed(&q->vq))
		return;
	q->kicks++;
	/* mmio_write32 orders the ring stores before the notification. */
	wr(q->dev, VMMIO_QUEUE_NOTIFY, q->index);
}

/* ---- interrupt ---------------------------------------------------------------- */

static void virtio_host_irq(unsigned int hwirq, void *arg)
{
	struct virtio_host_dev *d = arg;
	u32 isr = rd(d, VMMIO_INT_STATUS);

	/* Acknowledge before looking at the rings: a completion after this
	 * raises the line again, so nothing waits unseen. */
	if (isr)
		wr(d, VMMIO_INT_ACK, isr);
	if (isr & INT_USED)
		for (unsigned int i = 0; i < d->nr_queues; i++)
			if (d->queues[i].ring && d->queues[i].done)
				d->queues[i].done(&d->queues[i]);
	if ((isr & INT_CONFIG) && d->type->config_changed)
		d->type->config_changed(d);
}

/* ---- probe ---------------------------------------------------------------------- */

static const struct virtio_host_type *find_type(u32 id, unsigned int *slot)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i] && types[i]->device_id == id) {
			*slot = i;
			return types[i];
		}
	return NULL;
}

static u64 read_features(struct virtio_host_dev *d)
{
	wr(d, VMMIO_DEV_FEATURES_SEL, 1);
	u64 hi = rd(d, VMMIO_DEV_FEATURES);

	wr(d, VMMIO_DEV_FEATURES_SEL, 0);
	return hi << 32 | rd(d, VMMIO_DEV_FEATURES);
}

static void write_features(struct virtio_host_dev *d, u64 f)
{
	wr(d, VMMIO_DRV_FEATURES_SEL, 1);
	wr(d, VMMIO_DRV_FEATURES, (u32)(f >> 32));
	wr(d, VMMIO_DRV_FEATURES_SEL, 0);
	wr(d, VMMIO_DRV_FEATURES, (u32)f);
}

/* Features, init, interrupt, DRIVER_OK, start. */
static int bring_up(struct virtio_host_dev *d, const void *fdt, int node)
{
	enum irq_trigger trigger;
	bool inited = false;
	int r;

	reset(d);
	set_status(d, STATUS_ACKNOWLEDGE);
	set_status(d, STATUS_DRIVER);
	d->offered = read_features(d);
	if (!(d->offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1))) {
		log_err("%s at 0x%llx does not offer VIRTIO_F_VERSION_1", d->type->name,
			(unsigned long long)d->phys);
		r = -ENODEV;
		goto fail;
	}
	d->features = d->offered & (d->type->features | VIRTIO_FEATURE(VIRTIO_F_VERSION_1));
	write_features(d, d->features);
	set_status(d, STATUS_FEATURES_OK);
	if (!(rd(d, VMMIO_STATUS) & STATUS_FEATURES_OK)) {
		log_err("%s at 0x%llx refused features 0x%llx", d->type->name,
			(unsigned long long)d->phys, (unsigned long long)d->features);
		r = -ENODEV;
		goto fail;
	}
	r = d->type->init(d);
	if (r)
		goto fail;
	inited = true;

	r = irq_from_dt(fdt, node, 0, &d->hwirq, &trigger);
	if (r) {
		log_err("%s at 0x%llx: no usable interrupt (%s)", d->type->name,
			(unsigned long long)d->phys, strerror(r));
		goto fail;
	}
	r = irq_request(d->hwirq, d->irq_name, virtio_host_irq, d, trigger, false, 0);
	if (r)
		goto fail;
	d->irq_on = true;
	set_status(d, STATUS_DRIVER_OK);
	r = d->type->start(d);
	if (r)
		goto fail_irq;
	return 0;

fail_irq:
	/* The handler stays installed (irq.c has no free); with the device
	 * reset and d kept, it reads an InterruptStatus of 0. */
	reset(d);
	if (d->type->cleanup)
		d->type->cleanup(d);
	free_queues(d);
	return r;
fail:
	reset(d);
	set_status(d, STATUS_FAILED);
	if (inited && d->type->cleanup)
		d->type->cleanup(d);
	free_queues(d);
	return r;
}

static int virtio_host_probe(const void *fdt, int node)
{
	const struct virtio_host_type *type;
	struct virtio_host_dev *d;
	unsigned int slot;
	u64 addr, size;
	hva_t regs;
	u32 magic, version, id;
	int r;

	r = hostdt_reg(fdt, node, 0, &addr, &size);
	if (r)
		return r;
	regs = arch_mmu_map_device(addr, size ? size : VMMIO_SIZE);
	if (!regs)
		return -ENOMEM;
	magic = mmio_read32(regs + VMMIO_MAGIC);
	version = mmio_read32(regs + VMMIO_VERSION);
	id = mmio_read32(regs + VMMIO_DEVICE_ID);
	if (magic != VMMIO_MAGIC_VALUE) {
		log_warn("0x%llx: not a virtio-mmio device (magic 0x%08x): skipped",
			 (unsigned long long)addr, magic);
		return 0;
	}
	if (!id)
		return 0;	/* an empty slot: QEMU virt has 32 */
	if (version != 2) {
		log_warn("0x%llx: virtio-mmio version %u (device id %u): only version 2 is "
			 "supported (QEMU: -global virtio-mmio.force-legacy=false); skipped",
			 (unsigned long long)addr, version, id);
		return 0;
	}
	type = find_type(id, &slot);
	if (!type) {
		log_info("0x%llx: virtio device id %u (%s) has no driver in this build: skipped",
			 (unsigned long long)addr, id,
			 id < ARRAY_SIZE(known_ids) && known_ids[id] ? known_ids[id] : "unknown");
		return 0;
	}
	d = kzalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->type = type;
	d->regs = regs;
	d->phys = addr;
	d->device_id = id;
	d->unit = units[slot];
	snprintf(d->irq_name, sizeof(d->irq_name), "%s%u", type->name, d->unit);
	r = bring_up(d, fdt, node);
	if (r) {
		/* Kept when the interrupt handler is installed (see bring_up). */
		if (!d->irq_on)
			kfree(d);
		return r;
	}
	units[slot]++;
	return 0;
}

static const char *const virtio_host_compat[] = { "virtio,mmio", NULL };

DRIVER(virtio_host_driver) = {
	.name = "virtio-mmio",
	.cls = DRIVER_DEVICE,
	.compatible = virtio_host_compat,
	.probe = virtio_host_probe,
};
