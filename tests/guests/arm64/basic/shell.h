/* SPDX-License-Identifier: GPL-2.0 */
/* The `basic> ` shell on the console: test, counter, reset, off, help. */
#ifndef BASIC_SHELL_H
#define BASIC_SHELL_H

_Noreturn void shell_run(void);

#endif
