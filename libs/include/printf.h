/* SPDX-License-Identifier: GPL-2.0 */
/* Formatted output into buffers or through a character sink (libs/printf.c). */
#ifndef KESTREL_PRINTF_H
#define KESTREL_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * C99 semantics: writes at most size bytes including the NUL and returns the
 * length the full output would have. Supports %d %i %u %x %X %o %p %s %c %%,
 * the flags - 0 + space #, width and precision (also *), and the length
 * modifiers hh h l ll z t.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats through a sink called once per output chunk. */
typedef void (*printf_sink_t)(void *ctx, const char *s, size_t len);
int vcbprintf(printf_sink_t sink, void *ctx, const char *fmt, va_list ap);

#endif
