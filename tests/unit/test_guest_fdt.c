// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the guest device tree (core/guest_fdt.c with the arm64 nodes
 * of arch/arm64/guest_fdt.c and the PL011's node) and of the emulator
 * registry (core/emulator.c, emulators/serial/pl011_emu.c). The blob is
 * checked with the host's libfdt, and by dtc, as a guest kernel would read
 * it.
 */
#include "unit.h"
#include "kerrno.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include <stdlib.h>
#include <unistd.h>
#include <libfdt.h>
#include <kestrel/emulator.h>
#include <kestrel/guest.h>
#include <kestrel/guest_fdt.h>
#include "../../emulators/serial/pl011.h"

#define POOL_SIZE	(4UL * 1024 * 1024)
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(128ULL << 20)
#define UART_BASE	0x09000000ULL
#define UART_SPI	1
#define INITRD_START	0x48000000ULL
#define INITRD_END	0x48123400ULL
#define BOOTARGS	"console=ttyAMA0 earlycon"
#define UART_PATH	"/pl011@9000000"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static char blob[GUEST_FDT_MAX] __attribute__((aligned(8)));
static struct guest_config cfg;
static const struct guest_fdt_layout layout = {
	.initrd_start = INITRD_START,
	.initrd_end = INITRD_END,
};

/* ---- stand-in for core/guest.c ---------------------------------------- */

static struct {
	struct guest *g;
	unsigned int spi;
	bool level;
	unsigned int calls;
} irq_seen;

int guest_irq_set_level(struct guest *g, unsigned int spi, bool level)
{
	irq_seen.g = g;
	irq_seen.spi = spi;
	irq_seen.level = level;
	irq_seen.calls++;
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static void check(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

static struct guest_device_config uart(const char *name, uint64_t base, unsigned int spi)
{
	struct guest_device_config d = {
		.compatible = "arm,pl011",
		.base = base,
		.size = VPL011_SIZE,
		.has_reg = true,
		.irq = spi,
		.has_irq = true,
	};

	snprintf(d.name, sizeof(d.name), "%s", name);
	return d;
}

/* basic0: 2 vCPUs, 128 MiB at 0x40000000, uart0 at 0x09000000 on SPI 1. */
static int setup(void **state)
{
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), "basic0");
	cfg.vcpus = 2;
	cfg.ram_base = RAM_BASE;
	cfg.ram_size = RAM_SIZE;
	snprintf(cfg.bootargs, sizeof(cfg.bootargs), BOOTARGS);
	cfg.devices[0] = uart("uart0", UART_BASE, UART_SPI);
	cfg.nr_devices = 1;
	memset(blob, 0xa5, sizeof(blob));
	fake_console_reset();
	return 0;
}

static void build(void)
{
	check(guest_fdt_build(&cfg, &layout, blob, sizeof(blob)));
	check(fdt_check_header(blob));
}

static int node(const char *path)
{
	int n = fdt_path_offset(blob, path);

	check(n);
	return n;
}

static const void *prop(const char *path, const char *name, int *len)
{
	const void *v = fdt_getprop(blob, node(path), name, len);

	if (!v)
		fail_msg("%s has no property %s", path, name);
	return v;
}

static void assert_no_prop(const char *path, const char *name)
{
	assert_null(fdt_getprop(blob, node(path), name, NULL));
}

static void assert_str(const char *path, const char *name, const char *want)
{
	int len;
	const char *s = prop(path, name, &len);

	assert_int_equal(len, strlen(want) + 1);
	assert_string_equal(s, want);
}

/* A property of n cells equal to want[]. */
static void assert_cells(const char *path, const char *name, const uint32_t *want,
			 unsigned int n)
{
	int len;
	const fdt32_t *v = prop(path, name, &len);

	assert_int_equal(len, 4 * n);
	for (unsigned int i = 0; i < n; i++) {
		if (fdt32_to_cpu(v[i]) != want[i])
			fail_msg("%s %s cell %u: 0x%x, want 0x%x", path, name, i,
				 fdt32_to_cpu(v[i]), want[i]);
	}
}

static void assert_u32(const char *path, const char *name, uint32_t want)
{
	assert_cells(path, name, &want, 1);
}

/* A string list property equal to want (its strings NUL-separated). */
static void assert_strings(const char *path, const char *name, const char *want, int len)
{
	int got;
	const char *v = prop(path, name, &got);

	assert_int_equal(got, len);
	assert_memory_equal(v, want, len);
}

static uint32_t phandle_of(const char *path)
{
	uint32_t ph = fdt_get_phandle(blob, node(path));

	assert_int_not_equal(ph, 0);
	return ph;
}

/* ---- the blob ------------------------------------------------------------ */

static void test_root(void **state)
{
	build();
	assert_str("/", "compatible", "linux,dummy-virt");
	assert_str("/", "model", "Kestrel guest basic0");
	assert_u32("/", "#address-cells", 2);
	assert_u32("/", "#size-cells", 2);
	assert_u32("/", "interrupt-parent", phandle_of("/intc@8000000"));
}

static void test_packed(void **state)
{
	build();
	/* Packed: no free space left at the end of the blob. */
	assert_true(fdt_totalsize(blob) < 4096);
	assert_int_equal(fdt_totalsize(blob), fdt_off_dt_strings(blob) + fdt_size_dt_strings(blob));
	assert_int_equal(fdt_num_mem_rsv(blob), 0);
}

static void test_memory(void **state)
{
	const uint32_t reg[] = { 0, 0x40000000, 0, 0x08000000 };

	build();
	assert_str("/memory@40000000", "device_type", "memory");
	assert_cells("/memory@40000000", "reg", reg, 4);
}

static void test_cpus(void **state)
{
	const char *names[] = { "cpu@0", "cpu@1" };
	unsigned int n = 0;
	int cpu;

	build();
	assert_u32("/cpus", "#address-cells", 1);
	assert_u32("/cpus", "#size-cells", 0);
	/* In vCPU order: Linux numbers CPUs in DT order. */
	fdt_for_each_subnode(cpu, blob, node("/cpus")) {
		char path[32];

		assert_true(n < 2);
		assert_string_equal(fdt_get_name(blob, cpu, NULL), names[n]);
		snprintf(path, sizeof(path), "/cpus/%s", names[n]);
		assert_str(path, "device_type", "cpu");
		assert_str(path, "compatible", "arm,armv8");
		assert_u32(path, "reg", n);
		assert_str(path, "enable-method", "psci");
		n++;
	}
	assert_int_equal(cpu, -FDT_ERR_NOTFOUND);
	assert_int_equal(n, 2);
}

static void test_psci(void **state)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	build();
	assert_strings("/psci", "compatible", compat, sizeof(compat));
	assert_str("/psci", "method", "hvc");
}

static void test_gic(void **state)
{
	const uint32_t reg[] = { 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 2 * 0x20000 };
	const uint32_t maint[] = { 1, 9, 4 };
	int len;

	build();
	assert_str("/intc@8000000", "compatible", "arm,gic-v3");
	assert_u32("/intc@8000000", "#interrupt-cells", 3);
	assert_non_null(prop("/intc@8000000", "interrupt-controller", &len));
	assert_int_equal(len, 0);
	assert_u32("/intc@8000000", "#address-cells", 2);
	assert_u32("/intc@8000000", "#size-cells", 2);
	assert_non_null(prop("/intc@8000000", "ranges", &len));
	assert_int_equal(len, 0);
	assert_cells("/intc@8000000", "reg", reg, 8);
	assert_u32("/intc@8000000", "#redistributor-regions", 1);
	assert_cells("/intc@8000000", "interrupts", maint, 3);
}

static void test_gic_redistributors_follow_vcpus(void **state)
{
	const uint32_t reg[] = { 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 8 * 0x20000 };

	cfg.vcpus = 8;
	build();
	assert_cells("/intc@8000000", "reg", reg, 8);
	assert_u32("/cpus/cpu@7", "reg", 7);
}

static void test_timer(void **state)
{
	/* Secure, non-secure physical, virtual (the third: what Linux uses),
	 * hypervisor; GIC_PPI, level high. */
	const uint32_t irqs[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };

	build();
	assert_str("/timer", "compatible", "arm,armv8-timer");
	assert_cells("/timer", "interrupts", irqs, 12);
}

static void test_clock(void **state)
{
	build();
	assert_str("/apb-pclk", "compatible", "fixed-clock");
	assert_u32("/apb-pclk", "#clock-cells", 0);
	assert_u32("/apb-pclk", "clock-frequency", 24000000);
	assert_str("/apb-pclk", "clock-output-names", "clk24mhz");
	assert_int_not_equal(phandle_of("/apb-pclk"), phandle_of("/intc@8000000"));
}

static void test_pl011(void **state)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const uint32_t reg[] = { 0, 0x09000000, 0, 0x1000 };
	const uint32_t irq[] = { 0, UART_SPI, 4 };
	uint32_t clocks[2];

	build();
	clocks[0] = clocks[1] = phandle_of("/apb-pclk");
	assert_strings(UART_PATH, "compatible", compat, sizeof(compat));
	assert_cells(UART_PATH, "reg", reg, 4);
	assert_cells(UART_PATH, "interrupts", irq, 3);
	assert_cells(UART_PATH, "clocks", clocks, 2);
	assert_strings(UART_PATH, "clock-names", clock_names, sizeof(clock_names));
}

static void test_pl011_without_irq(void **state)
{
	cfg.devices[0].has_irq = false;
	build();
	assert_no_prop(UART_PATH, "interrupts");
}

static void test_chosen(void **state)
{
	int len;
	const fdt64_t *v;

	build();
	assert_str("/chosen", "bootargs", BOOTARGS);
	assert_str("/chosen", "stdout-path", UART_PATH);
	assert_int_equal(fdt_path_offset(blob, prop("/chosen", "stdout-path", &len)),
			 node(UART_PATH));
	v = prop("/chosen", "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_ld(v), INITRD_START);
	v = prop("/chosen", "linux,initrd-end", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_ld(v), INITRD_END);
}

static void test_aliases(void **state)
{
	build();
	assert_str("/aliases", "serial0", UART_PATH);
	assert_int_equal(fdt_path_offset(blob, "serial0"), node(UART_PATH));
}

/* Nothing optional configured: /chosen is there but empty, no aliases. */
static void test_minimal(void **state)
{
	int len;

	cfg.nr_devices = 0;
	cfg.bootargs[0] = '\0';
	check(guest_fdt_build(&cfg, NULL, blob, sizeof(blob)));
	node("/chosen");
	assert_int_equal(fdt_first_property_offset(blob, node("/chosen")), -FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(blob, "/aliases"), -FDT_ERR_NOTFOUND);
	assert_non_null(prop("/", "interrupt-parent", &len));
}

/* Two UARTs: numbered and listed in configuration order; the first is the
 * console, wherever it sits. */
static void test_two_uarts(void **state)
{
	int n, i = 0;

	cfg.devices[0] = uart("uart0", 0x09100000, 2);
	cfg.devices[1] = uart("uart1", 0x09000000, 1);
	cfg.nr_devices = 2;
	build();
	assert_str("/aliases", "serial0", "/pl011@9100000");
	assert_str("/aliases", "serial1", "/pl011@9000000");
	assert_str("/chosen", "stdout-path", "/pl011@9100000");
	fdt_for_each_subnode(n, blob, 0) {
		const char *name = fdt_get_name(blob, n, NULL);

		if (!strncmp(name, "pl011@", 6))
			assert_string_equal(name, i++ ? "pl011@9000000" : "pl011@9100000");
	}
	assert_int_equal(i, 2);
}

static void test_initrd_range_checked(void **state)
{
	const struct guest_fdt_layout bad = { .initrd_start = INITRD_END,
					      .initrd_end = INITRD_START };

	const struct guest_fdt_layout empty = { .initrd_start = INITRD_START,
						.initrd_end = INITRD_START };

	assert_int_equal(guest_fdt_build(&cfg, &bad, blob, sizeof(blob)), -FDT_ERR_BADVALUE);
	/* An empty initrd is none. */
	check(guest_fdt_build(&cfg, &empty, blob, sizeof(blob)));
	assert_no_prop("/chosen", "linux,initrd-start");
	assert_no_prop("/chosen", "linux,initrd-end");
}

static void test_no_space(void **state)
{
	size_t need;

	/* Too small for the whole tree, and for a header. */
	assert_int_equal(guest_fdt_build(&cfg, &layout, blob, 512), -FDT_ERR_NOSPACE);
	assert_int_equal(guest_fdt_build(&cfg, &layout, blob, 16), -FDT_ERR_NOSPACE);
	/* Building takes the packed size and a few bytes of slack; less fails
	 * cleanly. */
	build();
	need = fdt_totalsize(blob);
	assert_int_equal(guest_fdt_build(&cfg, &layout, blob, need + 64), 0);
	assert_int_equal(fdt_totalsize(blob), need);
	assert_int_equal(guest_fdt_build(&cfg, &layout, blob, need - 1), -FDT_ERR_NOSPACE);
}

static void test_unknown_device(void **state)
{
	cfg.devices[1] = (struct guest_device_config){ .name = "net0",
		.compatible = "intel,e1000", .base = 0x0a000000, .size = 0x1000, .has_reg = true };
	cfg.nr_devices = 2;
	assert_int_equal(guest_fdt_build(&cfg, &layout, blob, sizeof(blob)), -FDT_ERR_NOTFOUND);
	assert_console_contains("basic0/net0: no emulator for compatible \"intel,e1000\"");
}

/* dtc reads the blob back without a warning (its checks: unit addresses
 * match reg, phandles resolve, interrupt and clock specifiers fit). */
static void test_dtc_accepts(void **state)
{
	char path[] = "/tmp/kestrel-guest-fdt-XXXXXX";
	char cmd[128], out[512] = "";
	int fd, status;
	size_t n;
	FILE *p;

	build();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, fdt_totalsize(blob)), fdt_totalsize(blob));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	unlink(path);
	if (status || n)
		fail_msg("dtc (status %d): %s", status, out);
}

/* ---- the registry and the PL011 emulator --------------------------------- */

static void count(const struct emulator *e, void *ctx)
{
	if (!strcmp(e->name, "pl011"))
		++*(unsigned int *)ctx;
}

static void test_emulator_find(void **state)
{
	const struct emulator *e = emulator_find("arm,pl011");
	unsigned int seen = 0;

	assert_non_null(e);
	assert_string_equal(e->name, "pl011");
	assert_string_equal(e->alias, "serial");
	assert_null(emulator_find("intel,e1000"));
	assert_null(emulator_find("arm,pl01"));
	assert_null(emulator_find(NULL));
	emulator_for_each(count, &seen);
	assert_int_equal(seen, 1);
}

static struct guest g;

static void *pl011_create(const struct guest_device_config *dev, int want)
{
	void *priv = NULL;

	memset(&g, 0, sizeof(g));
	snprintf(g.cfg.name, sizeof(g.cfg.name), "basic0");
	devemu_map_init(&g.mmio);
	assert_int_equal(emulator_find("arm,pl011")->create(&g, dev, &priv), want);
	return priv;
}

/* The UART is on the guest's map and its line reaches the guest's SPI. */
static void test_pl011_create(void **state)
{
	const struct emulator *e = emulator_find("arm,pl011");
	struct guest_device_config dev = uart("uart0", UART_BASE, UART_SPI);
	struct heap_stats before;
	void *priv;

	heap_get_stats(&before);
	memset(&irq_seen, 0, sizeof(irq_seen));
	priv = pl011_create(&dev, 0);
	assert_non_null(devemu_map_find(&g.mmio, UART_BASE, 4));
	mmio_write(&g.mmio, UART_BASE + 0x038, 4, BIT(5));	/* IMSC: TXIM */
	mmio_write(&g.mmio, UART_BASE + 0x000, 4, 'k');		/* DR: TXIS */
	assert_int_equal(irq_seen.calls, 1);
	assert_ptr_equal(irq_seen.g, &g);
	assert_int_equal(irq_seen.spi, UART_SPI);
	assert_true(irq_seen.level);
	e->reset(priv);
	assert_int_equal(irq_seen.calls, 2);
	assert_false(irq_seen.level);
	e->destroy(priv);
	assert_int_equal(g.mmio.count, 0);
	devemu_map_destroy(&g.mmio);
	assert_int_equal(heap_leak_check(&before), 0);
}

static void test_pl011_create_without_irq(void **state)
{
	const struct emulator *e = emulator_find("arm,pl011");
	struct guest_device_config dev = uart("uart0", UART_BASE, UART_SPI);
	void *priv;

	dev.has_irq = false;
	memset(&irq_seen, 0, sizeof(irq_seen));
	priv = pl011_create(&dev, 0);
	mmio_write(&g.mmio, UART_BASE + 0x038, 4, BIT(5));
	mmio_write(&g.mmio, UART_BASE + 0x000, 4, 'k');
	assert_int_equal(irq_seen.calls, 0);
	e->destroy(priv);
	devemu_map_destroy(&g.mmio);
}

static void test_pl011_create_rejects(void **state)
{
	struct guest_device_config dev = uart("uart0", UART_BASE, UART_SPI);

	dev.has_reg = false;
	pl011_create(&dev, -EINVAL);
	assert_console_contains("basic0/uart0: needs a reg of 0x1000 bytes");
	fake_console_reset();
	dev = uart("uart0", UART_BASE, UART_SPI);
	dev.size = 0x2000;
	pl011_create(&dev, -EINVAL);
	assert_console_contains("basic0/uart0: needs a reg of 0x1000 bytes");
	assert_int_equal(g.mmio.count, 0);
	devemu_map_destroy(&g.mmio);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

static const struct CMUnitTest tests[] = {
	T(test_root),
	T(test_packed),
	T(test_memory),
	T(test_cpus),
	T(test_psci),
	T(test_gic),
	T(test_gic_redistributors_follow_vcpus),
	T(test_timer),
	T(test_clock),
	T(test_pl011),
	T(test_pl011_without_irq),
	T(test_chosen),
	T(test_aliases),
	T(test_minimal),
	T(test_two_uarts),
	T(test_initrd_range_checked),
	T(test_no_space),
	T(test_unknown_device),
	T(test_dtc_accepts),
	T(test_emulator_find),
	T(test_pl011_create),
	T(test_pl011_create_without_irq),
	T(test_pl011_create_rejects),
};

UNIT_MAIN(tests, group_setup, group_teardown)
