// SPDX-License-Identifier: GPL-2.0
/* Leveled logging: every line goes to a ring buffer, those at or below the
 * console level also to the console. Errors and warnings say so in the line. */
#include <kestrel/log.h>
#include <kestrel/console.h>
#include <kestrel/spinlock.h>
#include <kestrel/types.h>
#include <printf.h>
#include <string.h>

static const char *const level_names[LOG_LEVELS] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

static int console_level = CONFIG_LOG_DEFAULT_LEVEL;
static spinlock_t ring_lock = SPINLOCK_INIT;
static char ring[CONFIG_LOG_BUFFER_SIZE];
static size_t ring_head;	/* total bytes ever written */

static void ring_append(const char *s, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&ring_lock);

	for (size_t i = 0; i < len; i++)
		ring[(ring_head + i) % sizeof(ring)] = s[i];
	ring_head += len;
	spin_unlock_irqrestore(&ring_lock, flags);
}

size_t log_ring_read(char *buf, size_t len)
{
	unsigned long flags;
	size_t n, start;

	if (!len)
		return 0;
	flags = spin_lock_irqsave(&ring_lock);
	n = MIN(len - 1, MIN(ring_head, sizeof(ring)));
	start = ring_head - n;
	for (size_t i = 0; i < n; i++)
		buf[i] = ring[(start + i) % sizeof(ring)];
	spin_unlock_irqrestore(&ring_lock, flags);
	buf[n] = '\0';
	return n;
}

void log_vprintf(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[320];
	const char *tag = "";
	int n;

	if (level < 0)
		level = 0;
	if (level >= LOG_LEVELS)
		level = LOG_DEBUG;
	if (level <= LOG_CRIT)
		tag = "fatal: ";
	else if (level == LOG_ERR)
		tag = "error: ";
	else if (level == LOG_WARN)
		tag = "warning: ";
	n = snprintf(line, sizeof(line), "%s: %s", prefix, tag);
	if (n < (int)sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	ring_append(line, n);
	if (level <= READ_ONCE(console_level))
		console_write(line, n);
}

void log_printf(int level, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, prefix, fmt, ap);
	va_end(ap);
}

int log_get_level(void)
{
	return READ_ONCE(console_level);
}

int log_set_level(int level)
{
	if (level < 0 || level >= LOG_LEVELS)
		return -1;
	WRITE_ONCE(console_level, level);
	return 0;
}

const char *log_level_name(int level)
{
	return (level >= 0 && level < LOG_LEVELS) ? level_names[level] : "?";
}

int log_level_parse(const char *s)
{
	if (s[0] >= '0' && s[0] <= '9' && s[1] == '\0')
		return s[0] - '0' < LOG_LEVELS ? s[0] - '0' : -1;
	for (int i = 0; i < LOG_LEVELS; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	if (!strcmp(s, "error"))
		return LOG_ERR;
	if (!strcmp(s, "warning"))
		return LOG_WARN;
	return -1;
}
