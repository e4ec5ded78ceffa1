/* SPDX-License-Identifier: GPL-2.0 */
/* Fatal errors of the hypervisor itself (never for guest mistakes). */
#ifndef KESTREL_PANIC_H
#define KESTREL_PANIC_H

#include <kestrel/compiler.h>

/* Prints the message and a backtrace, stops the other CPUs and halts. Any context. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* A boot-time error that leaves nothing to run: prints "kestrel: fatal: ..."
 * and "system halted" on the console (early console if none yet) and halts. */
__noreturn void boot_fatal(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond) do { if (unlikely(cond)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

#endif
