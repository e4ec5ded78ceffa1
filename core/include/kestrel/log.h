/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging with levels and a subsystem prefix. A file defines LOG_PREFIX
 * before including this header; messages go to the console and a ring buffer.
 */
#ifndef KESTREL_LOG_H
#define KESTREL_LOG_H

#include <kestrel/compiler.h>
#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR, LOG_WARN, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
	LOG_LEVELS
};

#ifndef LOG_PREFIX
#define LOG_PREFIX "kestrel"
#endif

/* Logs one line at `level` as "prefix: message". Any context. */
void log_printf(int level, const char *prefix, const char *fmt, ...) __printf(3, 4);
void log_vprintf(int level, const char *prefix, const char *fmt, va_list ap);

/* The console threshold: messages above it are kept in the ring only. */
int log_get_level(void);
int log_set_level(int level);
const char *log_level_name(int level);
/* Parses "3" or "err" into a level; -1 if neither. */
int log_level_parse(const char *s);

/* Copies the newest up to `len` bytes of the log ring into buf (NUL-terminated). */
size_t log_ring_read(char *buf, size_t len);

#define log_err(...)	log_printf(LOG_ERR, LOG_PREFIX, __VA_ARGS__)
#define log_warn(...)	log_printf(LOG_WARN, LOG_PREFIX, __VA_ARGS__)
#define log_notice(...)	log_printf(LOG_NOTICE, LOG_PREFIX, __VA_ARGS__)
#define log_info(...)	log_printf(LOG_INFO, LOG_PREFIX, __VA_ARGS__)
#define log_debug(...)	log_printf(LOG_DEBUG, LOG_PREFIX, __VA_ARGS__)

#endif
