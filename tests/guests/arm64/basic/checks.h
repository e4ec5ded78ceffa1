/* SPDX-License-Identifier: GPL-2.0 */
/* The firmware's checks: one "basic: PASS|FAIL|SKIP <name>: <detail>" line each. */
#ifndef BASIC_CHECKS_H
#define BASIC_CHECKS_H

#include <stddef.h>

enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

struct check {
	const char *name;
	/* Run once; write a one-line detail (or the failure reason) into d. */
	enum check_result (*run)(char *d, size_t n);
};

extern const struct check check_timer, check_sgi, check_uart, check_memory,
	check_abort, check_reset;

/* Run every check and print "basic: N passed, N failed". */
void checks_run_all(void);

#endif
