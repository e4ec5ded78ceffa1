// SPDX-License-Identifier: GPL-2.0
/* Host tests of core/panic.c: what a fatal error prints, which CPUs it
 * stops, and that it ends in arch_cpu_halt (caught by the fake arch). */
#include "unit.h"
#include "stubs.h"
#include <kestrel/panic.h>
#include <kestrel/percpu.h>
#include <arch_irq.h>

static int setup(void **state)
{
	fake_arch_reset();
	stubs_reset();
	nr_cpus = 4;
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		cpus[i].state = CPU_ONLINE;
	cpus[3].state = CPU_FAILED;
	return 0;
}

static void test_panic_prints_stops_others_and_halts(void **state)
{
	assert_true(FAKE_HALTS(panic("boom %d", 7)));
	assert_int_equal(fake_halt_count, 1);
	assert_console_contains("\nkestrel: PANIC on CPU 0: boom 7\n");
	assert_console_contains("backtrace: not available on the fake arch\n");
	assert_console_contains("kestrel: system halted\n");
	assert_true(fake_irqs_masked(0));
	/* Online CPUs other than this one get IPI_STOP; a failed one does not. */
	assert_int_equal(stub_ipis[0][IPI_STOP], 0);
	assert_int_equal(stub_ipis[1][IPI_STOP], 1);
	assert_int_equal(stub_ipis[2][IPI_STOP], 1);
	assert_int_equal(stub_ipis[3][IPI_STOP], 0);
	assert_int_equal(stub_ipis[1][IPI_KICK], 0);
}

static void test_panic_names_the_calling_cpu(void **state)
{
	fake_cpu_set(2);
	assert_true(FAKE_HALTS(panic("on a secondary")));
	assert_console_contains("PANIC on CPU 2: on a secondary");
	assert_int_equal(stub_ipis[0][IPI_STOP], 1);
	assert_int_equal(stub_ipis[2][IPI_STOP], 0);
	assert_true(fake_irqs_masked(2));
	assert_false(fake_irqs_masked(0));
}

static void test_boot_fatal(void **state)
{
	nr_cpus = 1;
	assert_true(FAKE_HALTS(boot_fatal("no memory node in the %s", "host DT")));
	assert_string_equal(fake_console_output(),
			    "kestrel: fatal: no memory node in the host DT\n"
			    "kestrel: system halted\n");
	assert_int_equal(stub_ipis[1][IPI_STOP], 0);	/* not brought up yet */
}

static void test_bug_on(void **state)
{
	char want[128];
	int line;

	assert_false(FAKE_HALTS(BUG_ON(1 + 1 == 3)));
	assert_string_equal(fake_console_output(), "");
	line = __LINE__ + 1;
	assert_true(FAKE_HALTS(BUG_ON(2 + 2 == 4)));
	snprintf(want, sizeof(want), "BUG at %s:%d: 2 + 2 == 4", __FILE__, line);
	assert_console_contains(want);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)
static const struct CMUnitTest tests[] = {
	T(test_panic_prints_stops_others_and_halts),
	T(test_panic_names_the_calling_cpu),
	T(test_boot_fatal),
	T(test_bug_on),
};

UNIT_MAIN(tests, NULL, NULL)
