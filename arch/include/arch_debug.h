/* SPDX-License-Identifier: GPL-2.0 */
/* Early output and fault reporting. */
#ifndef ARCH_DEBUG_H
#define ARCH_DEBUG_H

#include <stddef.h>

struct arch_regs;

/* Writes to the board's early console before any driver is probed, or does
 * nothing when the board has none. Polled; any context, even MMU off. */
void arch_early_puts(const char *s, size_t len);

/* Prints a trapped register frame: general registers, PC, status, syndrome
 * and the faulting address, decoded. Exception context. */
void arch_regs_dump(const struct arch_regs *regs);

/* Prints the call chain of the caller using frame records. Any context. */
void arch_backtrace(void);

#endif
