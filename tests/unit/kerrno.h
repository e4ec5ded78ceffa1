/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kestrel's error codes for test files. <kestrel/errno.h> declares
 * `const char *strerror(int)`, which clashes with glibc's <string.h>
 * (`char *strerror(int)`), so its declaration is taken under another name;
 * only the E* values are wanted here.
 */
#ifndef KESTREL_TEST_KERRNO_H
#define KESTREL_TEST_KERRNO_H

#define strerror kestrel_strerror_unused
#include <kestrel/errno.h>
#undef strerror

#endif
