// SPDX-License-Identifier: GPL-2.0
/* `log level [n]` and `log show`: the console log threshold and the ring. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/log.h>
#include <string.h>

static const char *const log_verbs[] = { "level", "show", NULL };

static int log_run(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "level")) {
		int level;

		if (argc == 2) {
			level = log_get_level();
			printk("log level %d (%s)\n", level, log_level_name(level));
			return 0;
		}
		if (argc > 3)
			return term_error("log level: too many arguments (usage: log level [0-7|name])");
		level = log_level_parse(argv[2]);
		if (level < 0)
			return term_error("log level: '%s' is not a level (0-7, or emerg, alert, "
					  "crit, err, warn, notice, info, debug)", argv[2]);
		log_set_level(level);
		printk("log level %d (%s)\n", level, log_level_name(level));
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "show")) {
		if (argc > 2)
			return term_error("log show: takes no arguments");

		static char buf[CONFIG_LOG_BUFFER_SIZE];
		size_t n = log_ring_read(buf, sizeof(buf));

		console_write(buf, n);
		return 0;
	}
	if (argc < 2)
		return term_error("log: missing subcommand (usage: log level [n] | log show)");
	return term_error("log: unknown subcommand '%s' (expected level or show)", argv[1]);
}

TERM_CMD(cmd_log) = {
	.name = "log",
	.summary = "show or set the console log level, show the log",
	.usage = "log level [0-7|name] | log show",
	.verbs = log_verbs,
	.run = log_run,
};
