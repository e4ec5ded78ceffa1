// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/hostdt.c on DTBs compiled from tests/unit/fixtures/
 * (the Makefile embeds them as fixture_<name>_start/_end). Each is parsed
 * from a heap copy of exactly its size, so ASan sees reads past the end.
 */
#include "unit.h"
#include "kerrno.h"
#include <stdlib.h>
#include <libfdt.h>
#include <kestrel/hostdt.h>

#define FIXTURES(X) X(qemu_virt) X(uboot) X(many_cpus) X(no_cpus) X(no_memory) \
	X(bad_reg) X(cpu_no_reg) X(initrd_reversed) X(initrd_half) X(initrd_3cells)
#define DECLARE(name) extern const char fixture_##name##_start[], fixture_##name##_end[];
FIXTURES(DECLARE)

static void *blob;			/* the fixture under test, freed by teardown */
static struct host_info hi;
static char err[160];

#define LOAD(name) load(fixture_##name##_start, fixture_##name##_end)
static void *load(const char *start, const char *end)
{
	free(blob);
	blob = malloc(end - start);
	assert_non_null(blob);
	memcpy(blob, start, end - start);
	return blob;
}

static int setup(void **state)
{
	fake_arch_reset();
	memset(&hi, 0xa5, sizeof(hi));		/* hostdt_parse must set it all */
	strcpy(err, "untouched");
	return 0;
}

static int teardown(void **state)
{
	free(blob);
	blob = NULL;
	return 0;
}

/* Parses fdt; on failure shows the message. */
static int parse(const void *fdt)
{
	return hostdt_parse(fdt, &hi, err, sizeof(err));
}

#define assert_err_contains(s) do { \
	if (!strstr(err, (s))) \
		fail_msg("error message \"%s\" lacks \"%s\"", err, (s)); \
} while (0)

static void test_qemu_virt(void **state)
{
	const void *fdt = LOAD(qemu_virt);

	assert_int_equal(parse(fdt), 0);
	assert_ptr_equal(hi.fdt, fdt);
	assert_int_equal(hi.fdt_size, fdt_totalsize(fdt));
	assert_string_equal(hi.model, "linux,dummy-virt");	/* compatible, no model */
	assert_int_equal(hi.nr_mem, 1);
	assert_int_equal(hi.mem[0].base, 0x40000000);
	assert_int_equal(hi.mem[0].size, 0x40000000);
	/* /memreserve/ first, then /reserved-memory children. */
	assert_int_equal(hi.nr_reserved, 2);
	assert_int_equal(hi.reserved[0].base, 0x4f000000);
	assert_int_equal(hi.reserved[0].size, 0x10000);
	assert_int_equal(hi.reserved[1].base, 0x7e000000);
	assert_int_equal(hi.reserved[1].size, 0x200000);
	assert_int_equal(hi.nr_cpus, 4);
	assert_int_equal(hi.nr_cpus_dt, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(hi.cpu_hwid[i], i);
		assert_true(hi.cpu_psci[i]);
	}
	assert_true(hi.has_psci);
	assert_string_equal(hi.psci_method, "smc");
	assert_true(hi.has_initrd);
	assert_int_equal(hi.initrd_start, 0x48000000);
	assert_int_equal(hi.initrd_end, 0x48123456);
	assert_string_equal(hi.bootargs, "console=ttyAMA0");
	/* The ":115200n8" options are not part of the path. */
	assert_int_equal(hi.console_node, fdt_path_offset(fdt, "/pl011@9000000"));
	assert_true(hi.console_node > 0);
}

static void test_uboot_u32_initrd_and_alias(void **state)
{
	const void *fdt = LOAD(uboot);

	assert_int_equal(parse(fdt), 0);
	assert_string_equal(hi.model, "QEMU virt (U-Boot)");
	assert_true(hi.has_initrd);
	assert_int_equal(hi.initrd_start, 0x4a000000);
	assert_int_equal(hi.initrd_end, 0x4a800000);
	assert_string_equal(hi.bootargs, "console=ttyAMA0 earlycon");
	/* "serial0:115200n8" resolves through /aliases. */
	assert_int_equal(hi.console_node, fdt_path_offset(fdt, "/pl011@9000000"));
	assert_true(hi.console_node > 0);
	assert_true(hi.cpu_psci[2]);
	assert_false(hi.cpu_psci[3]);			/* spin-table */
}

static void test_cpus_beyond_nr_cpus(void **state)
{
	const void *fdt = LOAD(many_cpus);

	assert_int_equal(parse(fdt), 0);
	/* 6 enabled CPUs listed, CONFIG_NR_CPUS (4) used; the disabled one
	 * and the cpu-map node are not CPUs. */
	assert_int_equal(CONFIG_NR_CPUS, 4);
	assert_int_equal(hi.nr_cpus_dt, 6);
	assert_int_equal(hi.nr_cpus, 4);
	assert_false(hi.has_psci);
	assert_false(hi.has_initrd);
	assert_int_equal(hi.console_node, -1);
}

static void test_missing_cpus(void **state)
{
	assert_int_equal(parse(LOAD(no_cpus)), -ENOENT);
	assert_err_contains("/cpus");
	assert_err_contains("missing");
}

static void test_missing_memory(void **state)
{
	assert_int_equal(parse(LOAD(no_memory)), -ENOENT);
	assert_err_contains("device_type = \"memory\"");
	assert_err_contains("'reg'");
}

static void test_bad_reg_length(void **state)
{
	assert_int_equal(parse(LOAD(bad_reg)), -EINVAL);
	assert_err_contains("/memory@40000000");
	assert_err_contains("'reg'");
	assert_err_contains("malformed");
}

static void test_cpu_without_reg(void **state)
{
	assert_int_equal(parse(LOAD(cpu_no_reg)), -EINVAL);
	assert_err_contains("/cpus/cpu@2");
	assert_err_contains("'reg'");
}

static void test_initrd_end_below_start(void **state)
{
	assert_int_equal(parse(LOAD(initrd_reversed)), -EINVAL);
	assert_err_contains("/chosen");
	assert_err_contains("'linux,initrd-end' is below 'linux,initrd-start'");
}

static void test_initrd_half_or_malformed(void **state)
{
	assert_int_equal(parse(LOAD(initrd_half)), -EINVAL);
	assert_err_contains("/chosen");
	assert_err_contains("linux,initrd-start");
	assert_err_contains("linux,initrd-end");
	strcpy(err, "");
	assert_int_equal(parse(LOAD(initrd_3cells)), -EINVAL);
	assert_err_contains("/chosen");
	assert_err_contains("linux,initrd-start");
}

static void test_bad_header(void **state)
{
	char *fdt = LOAD(qemu_virt);

	fdt[0] ^= 0xff;					/* magic */
	assert_int_equal(parse(fdt), -EINVAL);
	assert_err_contains("bad header");
	assert_err_contains("FDT_ERR_BADMAGIC");
	fdt[0] ^= 0xff;
	fdt[20] = 0;					/* version 17 -> 0 */
	fdt[21] = 0;
	fdt[22] = 0;
	fdt[23] = 0;
	assert_int_equal(parse(fdt), -EINVAL);
	assert_err_contains("bad header");
}

static void test_error_message_is_truncated_safely(void **state)
{
	char small[8];

	assert_int_equal(hostdt_parse(LOAD(bad_reg), &hi, small, sizeof(small)), -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, "/memory", 7);
}

static void test_property_helpers(void **state)
{
	const void *fdt = LOAD(qemu_virt);
	int uart = fdt_path_offset(fdt, "/pl011@9000000");
	int gic = fdt_path_offset(fdt, "/intc@8000000");
	int timer = fdt_path_offset(fdt, "/timer");
	int chosen = fdt_path_offset(fdt, "/chosen");
	int keys = fdt_path_offset(fdt, "/gpio-keys");
	u32 cells[4];
	u64 addr, size, v;
	char path[32];

	assert_int_equal(hostdt_reg(fdt, uart, 0, &addr, &size), 0);
	assert_int_equal(addr, 0x9000000);
	assert_int_equal(size, 0x1000);
	assert_int_equal(hostdt_reg(fdt, uart, 1, &addr, &size), -ENOENT);
	assert_int_equal(hostdt_reg(fdt, gic, 1, &addr, &size), 0);
	assert_int_equal(addr, 0x80a0000);
	assert_int_equal(size, 0xf60000);
	assert_int_equal(hostdt_reg(fdt, timer, 0, &addr, &size), -ENOENT);
	/* The GIC, inherited from the root's interrupt-parent: 3 cells. */
	assert_int_equal(hostdt_irq_cells(fdt, uart, 0, cells, 4), 3);
	assert_int_equal(cells[0], 0);
	assert_int_equal(cells[1], 1);
	assert_int_equal(cells[2], 4);
	assert_int_equal(hostdt_irq_cells(fdt, timer, 3, cells, 4), 3);
	assert_int_equal(cells[0], 1);
	assert_int_equal(cells[1], 10);
	assert_int_equal(hostdt_irq_cells(fdt, timer, 4, cells, 4), -ENOENT);
	assert_int_equal(hostdt_irq_cells(fdt, timer, -1, cells, 4), -ENOENT);
	assert_int_equal(hostdt_irq_cells(fdt, uart, 0, cells, 2), -EINVAL);	/* no room */
	assert_int_equal(hostdt_irq_cells(fdt, gic, 0, cells, 4), -ENOENT);	/* none */
	/* A node's own interrupt-parent: the GPIO controller's 2 cells. */
	assert_int_equal(hostdt_irq_cells(fdt, keys, 0, cells, 4), 2);
	assert_int_equal(cells[0], 3);
	assert_int_equal(cells[1], 2);
	assert_int_equal(hostdt_read_u64(fdt, chosen, "linux,initrd-end", &v), 0);
	assert_int_equal(v, 0x48123456);
	assert_int_equal(hostdt_read_u64(fdt, chosen, "nonexistent", &v), -ENOENT);
	assert_int_equal(hostdt_read_u64(fdt, uart, "reg", &v), -EINVAL);	/* 16 bytes */
	assert_true(hostdt_node_enabled(fdt, uart));
	assert_false(hostdt_node_enabled(fdt, fdt_path_offset(fdt, "/pl061@9030000")));
	assert_string_equal(hostdt_path(fdt, uart, path, sizeof(path)), "/pl011@9000000");
	assert_string_equal(hostdt_path(fdt, -1, path, sizeof(path)), "<node@-1>");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_qemu_virt),
	T(test_uboot_u32_initrd_and_alias),
	T(test_cpus_beyond_nr_cpus),
	T(test_missing_cpus),
	T(test_missing_memory),
	T(test_bad_reg_length),
	T(test_cpu_without_reg),
	T(test_initrd_end_below_start),
	T(test_initrd_half_or_malformed),
	T(test_bad_header),
	T(test_error_message_is_truncated_safely),
	T(test_property_helpers),
};

UNIT_MAIN(tests, NULL, NULL)
