/* SPDX-License-Identifier: GPL-2.0 */
/* The firmware's checks: one "basic: PASS|FAIL|SKIP <name>: <detail>" line each. */
#ifndef BASIC_CHECKS_H
#define BASIC_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

struct check {
	const char *name;
	/* Run once; write a one-line detail (or the failure reason) into d. */
	enum check_result (*run)(char *d, size_t n);
};

extern const struct check check_timer, check_sgi, check_uart, check_memory,
	check_fpsimd, check_abort, check_reset;

/* The memory check's pattern, for the shell's `pattern` command: fills all
 * RAM but the image and DTB (returns the bytes written) / checks it, with
 * the first mismatch described in d. */
uint64_t memory_pattern_fill(uint64_t seed);
bool memory_pattern_verify(uint64_t seed, char *d, size_t n);

/* Run every check and print "basic: N passed, N failed". */
void checks_run_all(void);

/* The shell's `virtio` (not one of the checks above): malformed queues put
 * the first virtio-mmio rng device in DEVICE_NEEDS_RESET, and a reset
 * brings it back. One line per case, then "basic: virtio: N passed, N
 * failed"; "basic: virtio: no virtio-mmio rng device" without one. */
void check_virtio_run(void);

#endif
