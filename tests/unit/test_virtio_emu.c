// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-mmio guest device (emulators/virtio/virtio_emu.c):
 * its EMULATOR() registration, the `type` property that picks the backend,
 * the checks of reg and interrupts, the guest DTB node, guest RAM in 2 MiB
 * chunks (a buffer across two) and the SPI, the rng's bytes from the host
 * entropy pool (none without a host source, a request held while the pool
 * is empty), against stand-ins for core/guest.c and core/entropy.c.
 */
#include "unit.h"
#include "kerrno.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include <stdlib.h>
#include <libfdt.h>
#include <kestrel/emulator.h>
#include <kestrel/entropy.h>
#include <kestrel/guest.h>
#include "../../emulators/virtio/virtio_mmio.h"

#define POOL_SIZE	(4UL * 1024 * 1024)
#define BASE		0x0a000000ULL
#define SPI		16
#define RAM_BASE	0x40000000ULL
#define RING		RAM_BASE
#define BUF		(RAM_BASE + SZ_2M - 40)		/* across the chunk boundary */

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static struct guest g;
static char config_blob[4096] __attribute__((aligned(8)));
static struct guest_device_config dev;
static const struct emulator *emu;
static void *priv;
static struct heap_stats heap_base;

/* ---- stand-ins for core/guest.c ------------------------------------------ */

static u8 *chunks[2];	/* guest RAM: two 2 MiB chunks, apart in host memory */
static struct {
	unsigned int calls, spi;
	bool level;
	int fail;
} irq;

int guest_irq_set_level(struct guest *gg, unsigned int spi, bool level)
{
	assert_ptr_equal(gg, &g);
	irq.calls++;
	irq.spi = spi;
	irq.level = level;
	return irq.fail;
}

/* As core/guest_mem.c: only within one chunk. */
void *guest_ram_hva(struct guest *gg, gpa_t gpa, u64 len)
{
	u64 off = gpa - RAM_BASE;

	assert_ptr_equal(gg, &g);
	if (gpa < RAM_BASE || off >= 2 * SZ_2M || len > SZ_2M - off % SZ_2M)
		return NULL;
	return chunks[off / SZ_2M] + off % SZ_2M;
}

static u8 *hva(gpa_t gpa)
{
	u8 *p = guest_ram_hva(&g, gpa, 1);

	assert_non_null(p);
	return p;
}

static void put(gpa_t gpa, const void *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		*hva(gpa + i) = ((const u8 *)src)[i];
}

static void put16(gpa_t gpa, u16 v)
{
	put(gpa, &v, 2);
}

/* ---- stand-ins for core/entropy.c ---------------------------------------- */

static struct {
	const char *source;	/* entropy_source_name(); NULL: no host source */
	size_t left;		/* bytes in the pool now */
	u8 next;		/* the pool's bytes: 0x80, 0x81, ... */
	unsigned int reads;
} pool;

const char *entropy_source_name(void)
{
	return pool.source;
}

/* As the real pool without wait: what it holds, -EAGAIN when empty. */
int entropy_read(void *buf, size_t len, bool wait)
{
	size_t n = MIN(len, pool.left);

	assert_false(wait);
	pool.reads++;
	if (!pool.source)
		return -ENODEV;
	if (!n)
		return -EAGAIN;
	for (size_t i = 0; i < n; i++)
		((u8 *)buf)[i] = pool.next++;
	pool.left -= n;
	return (int)n;
}

/* ---- fixture ------------------------------------------------------------- */

static void check(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

/* A configuration DTB with /guests/g0/devices/rng0; `type` as given
 * (len < 0: none). */
static void make_config(const void *type, int len)
{
	int guests, guest, devs, node;

	check(fdt_create_empty_tree(config_blob, sizeof(config_blob)));
	check(guests = fdt_add_subnode(config_blob, 0, "guests"));
	check(guest = fdt_add_subnode(config_blob, guests, "g0"));
	check(devs = fdt_add_subnode(config_blob, guest, "devices"));
	check(node = fdt_add_subnode(config_blob, devs, "rng0"));
	check(fdt_setprop_string(config_blob, node, "compatible", "virtio,mmio"));
	if (len >= 0)
		check(fdt_setprop(config_blob, node, "type", type, len));
	dev.node = node;
	dev.compatible = fdt_getprop(config_blob, node, "compatible", NULL);
}

static int setup(void **state)
{
	fake_console_reset();
	heap_get_stats(&heap_base);
	for (int i = 0; i < 2; i++) {
		chunks[i] = aligned_alloc(SZ_2M, SZ_2M);
		if (!chunks[i])
			return -1;
		memset(chunks[i], 0, SZ_2M);
	}
	memset(&g, 0, sizeof(g));
	strcpy(g.cfg.name, "g0");
	g.config_fdt = config_blob;
	devemu_map_init(&g.mmio);
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.name, "rng0");
	dev.base = BASE;
	dev.size = VIRTIO_MMIO_SIZE;
	dev.has_reg = true;
	dev.irq = SPI;
	dev.has_irq = true;
	make_config("rng", 4);
	memset(&irq, 0, sizeof(irq));
	pool.source = "test-rng";
	pool.left = SIZE_MAX;
	pool.next = 0x80;
	pool.reads = 0;
	priv = NULL;
	emu = emulator_find("virtio,mmio");
	return emu ? 0 : -1;
}

static int teardown(void **state)
{
	if (priv)
		emu->destroy(priv);
	if (g.mmio.count) {
		print_error("%u regions left in the map\n", g.mmio.count);
		return -1;
	}
	devemu_map_destroy(&g.mmio);
	free(chunks[0]);
	free(chunks[1]);
	return heap_leak_check(&heap_base);
}

static u32 rd(u32 off)
{
	return (u32)mmio_read(&g.mmio, BASE + off, 4);
}

static void wr(u32 off, u32 v)
{
	mmio_write(&g.mmio, BASE + off, 4, v);
}

/* ---- tests --------------------------------------------------------------- */

static void test_registered(void **state)
{
	assert_string_equal(emu->name, "virtio-mmio");
	assert_non_null(emu->create);
	assert_non_null(emu->destroy);
	assert_non_null(emu->reset);
	assert_non_null(emu->fdt_node);
	assert_null(emu->alias);
	assert_null(emulator_find("virtio,pci"));
}

static void test_create_rng(void **state)
{
	assert_int_equal(emu->create(&g, &dev, &priv), 0);
	assert_int_equal(g.mmio.count, 1);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 4);
	assert_console_lacks("warning");
	assert_int_equal(pool.reads, 0);	/* nothing taken before a request */
	emu->destroy(priv);
	priv = NULL;
	assert_int_equal(g.mmio.count, 0);
}

static void test_rng_needs_the_host_source(void **state)
{
	char err[160] = "";

	pool.source = NULL;
	/* Refused when the configuration is parsed (the caller adds the
	 * guest and device)... */
	assert_int_equal(emu->check(config_blob, dev.node, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "the host has no entropy source for a virtio rng device "
			    "(QEMU: -device virtio-rng-device)");
	/* ...and at create, naming the device. */
	assert_int_equal(emu->create(&g, &dev, &priv), -EINVAL);
	assert_console_contains("g0/rng0: the host has no entropy source for this virtio rng "
				"device (QEMU: -device virtio-rng-device)");
	assert_int_equal(g.mmio.count, 0);
	assert_int_equal(pool.reads, 0);
	priv = NULL;
	/* With one, the check passes. */
	pool.source = "test-rng";
	assert_int_equal(emu->check(config_blob, dev.node, err, sizeof(err)), 0);
}

static void test_type_property(void **state)
{
	static const struct { const char *val; int len; const char *msg; } bad[] = {
		{ NULL, -1, "g0/rng0: property 'type' missing (the virtio device type: \"rng\")" },
		{ "blk", 4, "g0/rng0: 'type' \"blk\" is not a virtio device type of this build "
			    "(\"rng\")" },
		{ "RNG", 4, "'type' \"RNG\" is not a virtio device type" },
		{ "\0\0\0\1", 4, "g0/rng0: 'type' must be a single string" },
		{ "rng\0blk", 8, "g0/rng0: 'type' must be a single string" },
		{ "", 0, "'type' must be a single string" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		fake_console_reset();
		make_config(bad[i].val, bad[i].len);
		assert_int_equal(emu->create(&g, &dev, &priv), -EINVAL);
		assert_console_contains(bad[i].msg);
		assert_int_equal(g.mmio.count, 0);
	}
	priv = NULL;
}

static void test_reg_and_interrupt_required(void **state)
{
	dev.size = 0x1000;
	assert_int_equal(emu->create(&g, &dev, &priv), -EINVAL);
	assert_console_contains("g0/rng0: needs a reg of 0x200 bytes");
	dev.size = VIRTIO_MMIO_SIZE;
	dev.has_reg = false;
	assert_int_equal(emu->create(&g, &dev, &priv), -EINVAL);
	dev.has_reg = true;
	dev.has_irq = false;
	fake_console_reset();
	assert_int_equal(emu->create(&g, &dev, &priv), -EINVAL);
	assert_console_contains("g0/rng0: needs an interrupt");
	/* A base the transport refuses (not 0x200 aligned). */
	dev.has_irq = true;
	dev.base = BASE + 0x100;
	assert_int_equal(emu->create(&g, &dev, &priv), -EINVAL);
	assert_int_equal(g.mmio.count, 0);
	priv = NULL;
}

static void test_fdt_node(void **state)
{
	static char blob[4096] __attribute__((aligned(8)));
	const struct guest_fdt_refs refs = { .intc_phandle = 1, .clock_phandle = 2 };
	const fdt32_t *irqs;
	const fdt64_t *reg;
	int node, len;

	check(fdt_create_empty_tree(blob, sizeof(blob)));
	check(emu->fdt_node(blob, 0, &dev, &refs));
	node = fdt_path_offset(blob, "/virtio_mmio@a000000");
	check(node);
	assert_int_equal(fdt_node_check_compatible(blob, node, "virtio,mmio"), 0);
	reg = fdt_getprop(blob, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_to_cpu(reg[0]), BASE);
	assert_int_equal(fdt64_to_cpu(reg[1]), 0x200);
	/* <GIC_SPI 16 IRQ_TYPE_EDGE_RISING>, as QEMU's virt board. */
	irqs = fdt_getprop(blob, node, "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_to_cpu(irqs[0]), 0);
	assert_int_equal(fdt32_to_cpu(irqs[1]), SPI);
	assert_int_equal(fdt32_to_cpu(irqs[2]), 1);
	assert_non_null(fdt_getprop(blob, node, "dma-coherent", &len));
	assert_int_equal(len, 0);
	/* The guest's driver needs nothing else: no clocks, no type. */
	assert_null(fdt_getprop(blob, node, "clocks", NULL));
	assert_null(fdt_getprop(blob, node, "type", NULL));
	/* Without an interrupt there is no node to write. */
	dev.has_irq = false;
	assert_int_equal(emu->fdt_node(blob, 0, &dev, &refs), -FDT_ERR_BADVALUE);
}

/* An 8-entry queue 0 at RING: descriptor table, avail ring, used ring. */
#define QNUM		8
#define DESC		RING
#define AVAIL		(RING + 16 * QNUM)
#define USED		(RING + 0x200)

/* The rng device created and brought up as a driver does. */
static void rng_up(void)
{
	assert_int_equal(emu->create(&g, &dev, &priv), 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)DESC);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/* Posts one writable buffer as descriptor i, avail entry i. */
static void post(u16 i, u64 addr, u32 len)
{
	u16 flags = VIRTQ_DESC_F_WRITE, zero = 0;

	put(DESC + 16 * i, &addr, 8);
	put(DESC + 16 * i + 8, &len, 4);
	put(DESC + 16 * i + 12, &flags, 2);
	put(DESC + 16 * i + 14, &zero, 2);
	put16(AVAIL + 4 + 2 * i, i);
	put16(AVAIL + 2, i + 1);
}

static u16 used_idx(void)
{
	return *(u16 *)hva(USED + 2);
}

static u32 used_len(u16 i)
{
	u32 len;

	memcpy(&len, hva(USED + 4 + 8 * i + 4), 4);
	return len;
}

static void test_request_across_ram_chunks(void **state)
{
	rng_up();
	/* One 80-byte buffer: 40 bytes at the end of chunk 0, 40 in chunk 1. */
	post(0, BUF, 80);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used_len(0), 80);
	/* The host pool's bytes, in order, on both sides of the boundary. */
	for (int i = 0; i < 40; i++) {
		assert_int_equal(chunks[0][SZ_2M - 40 + i], 0x80 + i);
		assert_int_equal(chunks[1][i], 0x80 + 40 + i);
	}
	/* The used buffer interrupt went to the guest's SPI. */
	assert_int_equal(irq.calls, 1);
	assert_int_equal(irq.spi, SPI);
	assert_true(irq.level);
	/* A guest reset resets the device and lowers the line. */
	emu->reset(priv);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(irq.calls, 2);
	assert_false(irq.level);
}

static void test_rng_waits_for_the_host_pool(void **state)
{
	u64 v = 0;

	rng_up();
	/* The pool is empty (refilling): the request is held and the guest's
	 * notify is to be run again. */
	pool.left = 0;
	post(0, RING + 0x1000, 64);
	assert_int_equal(devemu_access(&g.mmio, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v),
			 DEVEMU_RETRY);
	assert_int_equal(used_idx(), 0);
	assert_int_equal(pool.reads, 1);
	assert_int_equal(irq.calls, 0);
	/* 20 bytes came: the retried notify returns them, less than asked. */
	pool.left = 20;
	assert_int_equal(devemu_access(&g.mmio, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v),
			 DEVEMU_HANDLED);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used_len(0), 20);
	for (int i = 0; i < 20; i++)
		assert_int_equal(*hva(RING + 0x1000 + i), 0x80 + i);
	assert_int_equal(*hva(RING + 0x1000 + 20), 0);
	assert_true(irq.level);
}

static void test_irq_failure_logged_once(void **state)
{
	irq.fail = -EINVAL;
	assert_int_equal(emu->create(&g, &dev, &priv), 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, 0);
	/* The device needs a reset and says so to the line: it cannot. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);		/* rings at 0: outside RAM */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	assert_int_equal(irq.calls, 2);
	{
		const char *out = fake_console_output();
		const char *first = strstr(out, "g0/rng0: cannot drive SPI 16");

		assert_non_null(first);
		assert_null(strstr(first + strlen("g0/rng0: cannot"), "cannot drive SPI"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_rng, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_needs_the_host_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_property, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reg_and_interrupt_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fdt_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_across_ram_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_waits_for_the_host_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_failure_logged_once, setup, teardown),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, group_setup, group_teardown);
}
