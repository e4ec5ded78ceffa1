// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/log.c: console level filtering, the error/warning tags,
 * level names and the ring buffer, with output through core/console.c to
 * the fake early console (or a console driver registered here).
 */
#define LOG_PREFIX "unit"
#include "unit.h"
#include <kestrel/log.h>
#include <kestrel/console.h>
#include <arch_irq.h>

#define RING CONFIG_LOG_BUFFER_SIZE

static char ring[RING + 64];

/* The newest bytes of the log ring, as a string. */
static const char *ring_tail(size_t max)
{
	log_ring_read(ring, max + 1);
	return ring;
}

static int setup(void **state)
{
	fake_arch_reset();
	console_register(NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	log_set_level(CONFIG_LOG_DEFAULT_LEVEL);
	return 0;
}

static void test_default_level(void **state)
{
	assert_int_equal(log_get_level(), CONFIG_LOG_DEFAULT_LEVEL);
	assert_int_equal(log_get_level(), LOG_INFO);
}

static void test_console_filtering(void **state)
{
	log_printf(LOG_INFO, "test", "info %d", 1);
	log_printf(LOG_DEBUG, "test", "debug %d", 2);
	assert_string_equal(fake_console_output(), "test: info 1\n");
	assert_string_equal(ring_tail(27), "test: info 1\ntest: debug 2\n");	/* ring: both */

	assert_int_equal(log_set_level(LOG_DEBUG), 0);
	fake_console_reset();
	log_printf(LOG_DEBUG, "test", "debug %d", 3);
	assert_string_equal(fake_console_output(), "test: debug 3\n");

	assert_int_equal(log_set_level(LOG_ERR), 0);
	fake_console_reset();
	log_printf(LOG_WARN, "test", "hidden");
	log_printf(LOG_NOTICE, "test", "hidden too");
	log_printf(LOG_ERR, "test", "shown");
	assert_string_equal(fake_console_output(), "test: error: shown\n");
	assert_string_equal(ring_tail(19), "test: error: shown\n");
}

static void test_tags_and_prefix(void **state)
{
	static const char *const want[LOG_LEVELS] = {
		"pfx: fatal: m0\n", "pfx: fatal: m1\n", "pfx: fatal: m2\n", "pfx: error: m3\n",
		"pfx: warning: m4\n", "pfx: m5\n", "pfx: m6\n", "pfx: m7\n",
	};

	log_set_level(LOG_DEBUG);
	for (int level = 0; level < LOG_LEVELS; level++) {
		fake_console_reset();
		log_printf(level, "pfx", "m%d", level);
		assert_string_equal(fake_console_output(), want[level]);
	}
	/* The macros use the file's LOG_PREFIX. */
	fake_console_reset();
	log_err("disk %s missing", "vda");
	log_warn("slow");
	log_info("ready");
	assert_string_equal(fake_console_output(),
			    "unit: error: disk vda missing\nunit: warning: slow\nunit: ready\n");
}

static void test_out_of_range_levels_are_clamped(void **state)
{
	log_printf(-5, "pfx", "low");
	assert_string_equal(fake_console_output(), "pfx: fatal: low\n");
	fake_console_reset();
	log_printf(99, "pfx", "high");			/* debug: ring only */
	assert_string_equal(fake_console_output(), "");
	assert_string_equal(ring_tail(10), "pfx: high\n");
}

static void test_level_names_and_parse(void **state)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warn",
					     "notice", "info", "debug" };
	static const char *const bad[] = { "", "8", "9", "10", "-1", "Err", "errx", "in", " 3" };

	for (int i = 0; i < LOG_LEVELS; i++) {
		char digit[2] = { (char)('0' + i), '\0' };

		assert_string_equal(log_level_name(i), names[i]);
		assert_int_equal(log_level_parse(names[i]), i);
		assert_int_equal(log_level_parse(digit), i);
	}
	assert_int_equal(log_level_parse("error"), LOG_ERR);
	assert_int_equal(log_level_parse("warning"), LOG_WARN);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		if (log_level_parse(bad[i]) != -1)
			fail_msg("log_level_parse(\"%s\") = %d, want -1", bad[i],
				 log_level_parse(bad[i]));
	assert_string_equal(log_level_name(-1), "?");
	assert_string_equal(log_level_name(LOG_LEVELS), "?");
	assert_int_equal(log_set_level(-1), -1);
	assert_int_equal(log_set_level(LOG_LEVELS), -1);
	assert_int_equal(log_get_level(), CONFIG_LOG_DEFAULT_LEVEL);	/* unchanged */
}

static void test_ring_wraps_around(void **state)
{
	static char shadow[4 * RING];
	size_t len = 0;

	/* Well over one ring's worth, so its content is all from here. */
	for (int i = 0; len < 2 * RING; i++) {
		char line[200];
		int n = snprintf(line, sizeof(line), "ring: line %05d %.*s\n", i, 100 + i % 50,
				 "................................................................"
				 "................................................................"
				 "..............................");

		log_printf(LOG_DEBUG, "ring", "line %05d %.*s", i, 100 + i % 50,
			   "................................................................"
			   "................................................................"
			   "..............................");
		memcpy(shadow + len, line, n);
		len += n;
	}
	assert_string_equal(fake_console_output(), "");	/* debug: ring only */
	/* A larger buffer gets exactly the ring's size, the newest bytes. */
	assert_int_equal(log_ring_read(ring, sizeof(ring)), RING);
	assert_memory_equal(ring, shadow + len - RING, RING);
	assert_int_equal(ring[RING], '\0');
	/* A smaller one the newest len - 1 bytes, NUL-terminated. */
	assert_int_equal(log_ring_read(ring, 100), 99);
	assert_memory_equal(ring, shadow + len - 99, 99);
	assert_int_equal(ring[99], '\0');
	assert_int_equal(log_ring_read(ring, 1), 0);
	assert_int_equal(ring[0], '\0');
	assert_int_equal(log_ring_read(ring, 0), 0);
}

static void test_long_lines_are_cut_not_overflowed(void **state)
{
	static char msg[1000];
	const char *out;

	memset(msg, 'x', sizeof(msg) - 1);
	log_printf(LOG_INFO, "long", "%s", msg);
	out = fake_console_output();
	/* 320-byte line buffer: 318 bytes of text and the newline. */
	assert_int_equal(strlen(out), 319);
	assert_memory_equal(out, "long: xxx", 9);
	assert_int_equal(out[318], '\n');
	assert_int_equal(log_ring_read(ring, 320), 319);
	assert_string_equal(ring, out);
}

static char con_out[256];
static size_t con_len;
static unsigned int con_flushes;

static void con_putc(void *priv, char c)
{
	assert_ptr_equal(priv, con_out);
	assert_true(con_len + 1 < sizeof(con_out));
	con_out[con_len++] = c;
}

static void con_flush(void *priv)
{
	con_flushes++;
}

static void test_registered_console_gets_crlf(void **state)
{
	static const struct console_ops ops = { "fake-uart", con_putc, con_flush };

	assert_string_equal(console_name(), "early");
	console_register(&ops, con_out);
	assert_string_equal(console_name(), "fake-uart");
	log_printf(LOG_WARN, "uart", "two\nlines");
	assert_int_equal(printk("%s=%d\n", "n", 42), 5);
	console_flush();
	con_out[con_len] = '\0';
	assert_string_equal(con_out, "uart: warning: two\r\nlines\r\nn=42\r\n");
	assert_int_equal(con_flushes, 1);
	assert_string_equal(fake_console_output(), "");	/* not the early console */
	console_register(NULL, NULL);
	assert_false(arch_irqs_disabled());
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_default_level),
	T(test_console_filtering),
	T(test_tags_and_prefix),
	T(test_out_of_range_levels_are_clamped),
	T(test_level_names_and_parse),
	T(test_ring_wraps_around),
	T(test_long_lines_are_cut_not_overflowed),
	T(test_registered_console_gets_crlf),
};

UNIT_MAIN(tests, NULL, NULL)
