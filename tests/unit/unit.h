/* SPDX-License-Identifier: GPL-2.0 */
/* Common includes and helpers of the host unit tests (cmocka). */
#ifndef KESTREL_TEST_UNIT_H
#define KESTREL_TEST_UNIT_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <fake_arch.h>

/* Fails the test, showing the captured console, unless it contains `needle`. */
#define assert_console_contains(needle) \
	console_check(strstr(fake_console_output(), (needle)) != NULL, (needle), true, \
			__FILE__, __LINE__)
#define assert_console_lacks(needle) \
	console_check(strstr(fake_console_output(), (needle)) == NULL, (needle), false, \
			__FILE__, __LINE__)

static inline void console_check(bool ok, const char *needle, bool want, const char *file,
				   int line)
{
	if (!ok) {
		print_error("console %s \"%s\"; it holds:\n%s\n",
			    want ? "lacks" : "contains", needle, fake_console_output());
		_fail(file, line);
	}
}

/* Runs the group under the name of the binary and returns its failure count. */
#define UNIT_MAIN(tests, setup, teardown) \
	int main(void) \
	{ \
		return cmocka_run_group_tests_name(__FILE__, tests, setup, teardown); \
	}

#endif
