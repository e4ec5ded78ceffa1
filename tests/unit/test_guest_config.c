// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/guest_config.c. A valid /guests/basic0 node is built
 * with libfdt; each malformed variant changes one thing and must be
 * rejected with its own message naming the guest and the property.
 */
#include "unit.h"
#include "kerrno.h"
#include <stdlib.h>
#include <libfdt.h>
#include <kestrel/guest_config.h>

#define BLOB_SIZE 8192

static char blob[BLOB_SIZE];
static struct guest_config cfg;
static char err[200];

static bool file_exists(const char *name)
{
	return !strcmp(name, "basic.bin") || !strcmp(name, "rootfs.cpio");
}

static bool device_known(const char *compatible)
{
	return !strcmp(compatible, "arm,pl011") || !strcmp(compatible, "virtio,mmio");
}

static const struct guest_config_env env = {
	.host_cpus = 4,
	.host_ram_free = 512ULL << 20,
	.file_exists = file_exists,
	.device_known = device_known,
};

static void check(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

static int node(const char *path)
{
	int n = fdt_path_offset(blob, path);

	check(n);
	return n;
}

static void set_u64(const char *path, const char *prop, uint64_t v)
{
	check(fdt_setprop_u64(blob, node(path), prop, v));
}

static void set_u32(const char *path, const char *prop, uint32_t v)
{
	check(fdt_setprop_u32(blob, node(path), prop, v));
}

static void set_str(const char *path, const char *prop, const char *s)
{
	check(fdt_setprop_string(blob, node(path), prop, s));
}

static void del(const char *path, const char *prop)
{
	check(fdt_delprop(blob, node(path), prop));
}

static void add_device(const char *name, const char *compat, uint64_t base, uint64_t size,
		       int irq)
{
	int devs = node("/guests/basic0/devices");
	int d = fdt_add_subnode(blob, devs, name);

	check(d);
	check(fdt_setprop_string(blob, d, "compatible", compat));
	if (size) {
		fdt32_t reg[4] = { cpu_to_fdt32(base >> 32), cpu_to_fdt32(base),
				   cpu_to_fdt32(size >> 32), cpu_to_fdt32(size) };

		check(fdt_setprop(blob, d, "reg", reg, sizeof(reg)));
	}
	if (irq >= 0)
		check(fdt_setprop_u32(blob, d, "interrupts", irq));
}

/* /guests/basic0: 2 vCPUs, 256 MiB at 0x40000000, a PL011 at 0x09000000. */
static int setup(void **state)
{
	int guests, g, n;

	fake_arch_reset();
	check(fdt_create_empty_tree(blob, sizeof(blob)));
	guests = fdt_add_subnode(blob, 0, "guests");
	check(guests);
	g = fdt_add_subnode(blob, guests, "basic0");
	check(g);
	check(fdt_setprop_string(blob, g, "compatible", "kestrel,guest"));
	check(fdt_setprop_u32(blob, g, "vcpus", 2));
	check(fdt_setprop(blob, g, "autostart", NULL, 0));
	n = fdt_add_subnode(blob, g, "memory");
	check(n);
	check(fdt_setprop_u64(blob, n, "base", 0x40000000));
	check(fdt_setprop_u64(blob, n, "size", 256 << 20));
	n = fdt_add_subnode(blob, g, "boot");
	check(n);
	check(fdt_setprop_string(blob, n, "kernel", "basic.bin"));
	check(fdt_setprop_string(blob, n, "bootargs", "console=ttyAMA0"));
	n = fdt_add_subnode(blob, g, "devices");
	check(n);
	check(fdt_setprop_u32(blob, n, "#address-cells", 2));
	check(fdt_setprop_u32(blob, n, "#size-cells", 2));
	add_device("uart0", "arm,pl011", 0x09000000, 0x1000, 1);
	memset(&cfg, 0xa5, sizeof(cfg));
	err[0] = '\0';
	return 0;
}

static int parse(void)
{
	return guest_config_parse(blob, node("/guests/basic0"), &env, &cfg, err, sizeof(err));
}

/* The variant must be rejected with exactly this message. */
#define assert_rejected(msg) do { \
	assert_int_equal(parse(), -EINVAL); \
	assert_string_equal(err, (msg)); \
} while (0)

static void test_valid_config(void **state)
{
	const struct guest_device_config *uart;

	assert_int_equal(parse(), 0);
	assert_string_equal(cfg.name, "basic0");
	assert_int_equal(cfg.vcpus, 2);
	assert_int_equal(cfg.affinity[0], -1);
	assert_int_equal(cfg.priority, GUEST_DEFAULT_PRIORITY);
	assert_int_equal(cfg.ram_base, 0x40000000);
	assert_int_equal(cfg.ram_size, 256 << 20);
	assert_string_equal(cfg.kernel, "basic.bin");
	assert_string_equal(cfg.initrd, "");
	assert_string_equal(cfg.bootargs, "console=ttyAMA0");
	assert_true(cfg.autostart);
	assert_int_equal(cfg.nr_devices, 1);
	uart = guest_config_device(&cfg, "uart0");
	assert_non_null(uart);
	assert_string_equal(uart->compatible, "arm,pl011");
	assert_true(uart->has_reg && uart->has_irq);
	assert_int_equal(uart->base, 0x09000000);
	assert_int_equal(uart->size, 0x1000);
	assert_int_equal(uart->irq, 1);
	assert_null(guest_config_device(&cfg, "uart1"));
}

static void test_optional_properties(void **state)
{
	fdt32_t aff[2] = { cpu_to_fdt32(3), cpu_to_fdt32(1) };

	check(fdt_setprop(blob, node("/guests/basic0"), "affinity", aff, sizeof(aff)));
	set_u32("/guests/basic0", "priority", 7);
	del("/guests/basic0/memory", "base");
	del("/guests/basic0", "autostart");
	set_str("/guests/basic0/boot", "initrd", "rootfs.cpio");
	assert_int_equal(parse(), 0);
	assert_int_equal(cfg.affinity[0], 3);
	assert_int_equal(cfg.affinity[1], 1);
	assert_int_equal(cfg.priority, 7);
	assert_int_equal(cfg.ram_base, GUEST_DEFAULT_RAM_BASE);
	assert_false(cfg.autostart);
	assert_string_equal(cfg.initrd, "rootfs.cpio");
}

/* Ten (and more) malformed variants, each with its own clear error. */
static void test_wrong_compatible(void **state)
{
	set_str("/guests/basic0", "compatible", "kestrel,vm");
	assert_rejected("guest basic0: compatible: must be \"kestrel,guest\"");
}

static void test_vcpus_missing(void **state)
{
	del("/guests/basic0", "vcpus");
	assert_rejected("guest basic0: vcpus: missing (how many virtual CPUs, 1 to 8)");
}

static void test_vcpus_out_of_range(void **state)
{
	set_u32("/guests/basic0", "vcpus", 9);
	assert_rejected("guest basic0: vcpus: 9 is out of range (1 to 8)");
	set_u32("/guests/basic0", "vcpus", 0);
	assert_rejected("guest basic0: vcpus: 0 is out of range (1 to 8)");
}

static void test_affinity_wrong(void **state)
{
	fdt32_t one = cpu_to_fdt32(0), two[2] = { cpu_to_fdt32(0), cpu_to_fdt32(4) };

	check(fdt_setprop(blob, node("/guests/basic0"), "affinity", &one, sizeof(one)));
	assert_rejected("guest basic0: affinity: has 1 entries, expected one host CPU per vCPU (2)");
	check(fdt_setprop(blob, node("/guests/basic0"), "affinity", two, sizeof(two)));
	assert_rejected("guest basic0: affinity: vCPU 1: host CPU 4 does not exist (the host has 4)");
}

static void test_priority_out_of_range(void **state)
{
	set_u32("/guests/basic0", "priority", 8);
	assert_rejected("guest basic0: priority: 8 is out of range (0 to 7)");
}

static void test_unknown_property(void **state)
{
	check(fdt_setprop(blob, node("/guests/basic0"), "autostrat", NULL, 0));
	assert_rejected("guest basic0: node: unknown property 'autostrat'");
}

static void test_memory_missing(void **state)
{
	check(fdt_del_node(blob, node("/guests/basic0/memory")));
	assert_rejected("guest basic0: memory: node missing (memory { size = <...>; };)");
}

static void test_memory_unaligned(void **state)
{
	set_u64("/guests/basic0/memory", "size", 0x100000);
	assert_rejected("guest basic0: memory/size: 0x100000 is not a non-zero multiple of 2 MiB");
	set_u64("/guests/basic0/memory", "size", 0x200000);
	set_u64("/guests/basic0/memory", "base", 0x40001000);
	assert_rejected("guest basic0: memory/base: 0x40001000 is not 2 MiB aligned");
}

static void test_memory_beyond_host(void **state)
{
	set_u64("/guests/basic0/memory", "size", 1ULL << 30);
	assert_rejected("guest basic0: memory/size: 1024 MiB is more than the host has free "
			"(512 MiB)");
}

static void test_memory_outside_guest_space(void **state)
{
	set_u64("/guests/basic0/memory", "base", 1ULL << 40);
	assert_rejected("guest basic0: memory: 0x10000000000+0x10000000 ends beyond the 40-bit "
			"guest address space");
}

static void test_memory_over_gic(void **state)
{
	set_u64("/guests/basic0/memory", "base", 0x08000000);
	assert_rejected("guest basic0: memory: overlaps the interrupt controller at "
			"0x8000000-0x9000000");
}

static void test_kernel_missing(void **state)
{
	del("/guests/basic0/boot", "kernel");
	assert_rejected("guest basic0: boot/kernel: missing");
	set_str("/guests/basic0/boot", "kernel", "nosuch.bin");
	assert_rejected("guest basic0: boot/kernel: 'nosuch.bin' is not in the payload");
}

static void test_kernel_not_a_string(void **state)
{
	set_u32("/guests/basic0/boot", "kernel", 7);
	assert_rejected("guest basic0: boot/kernel: must be a single string");
}

static void test_unknown_device(void **state)
{
	add_device("net0", "intel,e1000", 0x0a000000, 0x200, 16);
	assert_rejected("guest basic0: devices/net0: no emulator for compatible \"intel,e1000\" "
			"in this build");
}

static void test_overlapping_devices(void **state)
{
	/* libfdt adds a node first among its siblings: uart1 comes before uart0,
	 * and the later of the two is the one reported. */
	add_device("uart1", "arm,pl011", 0x09000800, 0x1000, 2);
	assert_rejected("guest basic0: devices/uart0: 'reg' overlaps devices/uart1");
}

static void test_device_over_ram_or_gic(void **state)
{
	add_device("uart1", "arm,pl011", 0x40000000, 0x1000, 2);
	assert_rejected("guest basic0: devices/uart1: 'reg' overlaps the guest's memory");
	check(fdt_del_node(blob, node("/guests/basic0/devices/uart1")));
	add_device("uart2", "arm,pl011", 0x08010000, 0x1000, 2);
	assert_rejected("guest basic0: devices/uart2: 'reg' overlaps the interrupt controller "
			"at 0x8000000");
}

static void test_duplicate_interrupt(void **state)
{
	add_device("uart1", "arm,pl011", 0x09001000, 0x1000, 1);
	assert_rejected("guest basic0: devices/uart0: 'interrupts' SPI 1 is also used by "
			"devices/uart1");
}

static void test_device_bad_reg(void **state)
{
	fdt32_t short_reg[2] = { cpu_to_fdt32(0), cpu_to_fdt32(0x09000000) };

	check(fdt_setprop(blob, node("/guests/basic0/devices/uart0"), "reg", short_reg,
			  sizeof(short_reg)));
	assert_rejected("guest basic0: devices/uart0: 'reg' must be one (address, size) pair "
			"of 2+2 cells");
}

static void test_device_irq_out_of_range(void **state)
{
	set_u32("/guests/basic0/devices/uart0", "interrupts", 988);
	assert_rejected("guest basic0: devices/uart0: 'interrupts' SPI 988 is out of range "
			"(0 to 987)");
}

static void test_bad_guest_name(void **state)
{
	int guests = node("/guests");

	check(fdt_set_name(blob, node("/guests/basic0"), "Basic.0"));
	assert_int_equal(guest_config_parse(blob, fdt_first_subnode(blob, guests), &env, &cfg,
					    err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "guest Basic.0: name: must be 1 to 31 characters of a-z, 0-9, "
			    "'-', '_'");
}

static void test_without_env_checks(void **state)
{
	/* NULL env: only the node itself is checked (no payload, no host). */
	set_str("/guests/basic0/boot", "kernel", "nosuch.bin");
	set_u64("/guests/basic0/memory", "size", 1ULL << 30);
	assert_int_equal(guest_config_parse(blob, node("/guests/basic0"), NULL, &cfg, err,
					    sizeof(err)), 0);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)
static const struct CMUnitTest tests[] = {
	T(test_valid_config),
	T(test_optional_properties),
	T(test_wrong_compatible),
	T(test_vcpus_missing),
	T(test_vcpus_out_of_range),
	T(test_affinity_wrong),
	T(test_priority_out_of_range),
	T(test_unknown_property),
	T(test_memory_missing),
	T(test_memory_unaligned),
	T(test_memory_beyond_host),
	T(test_memory_outside_guest_space),
	T(test_memory_over_gic),
	T(test_kernel_missing),
	T(test_kernel_not_a_string),
	T(test_unknown_device),
	T(test_overlapping_devices),
	T(test_device_over_ram_or_gic),
	T(test_duplicate_interrupt),
	T(test_device_bad_reg),
	T(test_device_irq_out_of_range),
	T(test_bad_guest_name),
	T(test_without_env_checks),
};

UNIT_MAIN(tests, NULL, NULL)
