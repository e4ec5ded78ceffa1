// SPDX-License-Identifier: GPL-2.0
/* `help [command]`: the command list, or one command's usage. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <string.h>

static int help_run(int argc, char **argv)
{
	unsigned int n = term_cmd_count();
	const char *last = "";

	if (argc > 2)
		return term_error("help: too many arguments (usage: help [command])");
	if (argc == 2) {
		const struct term_cmd *cmd = term_cmd_find(argv[1]);

		if (!cmd)
			return term_error("help: unknown command '%s'", argv[1]);
		printk("%s - %s\nusage: %s\n", cmd->name, cmd->summary, cmd->usage);
		return 0;
	}
	/* Alphabetical: pick the next name after the last one printed. */
	for (unsigned int done = 0; done < n; done++) {
		const struct term_cmd *next = NULL;

		for (unsigned int i = 0; i < n; i++) {
			const struct term_cmd *c = term_cmd_at(i);

			if (strcmp(c->name, last) > 0 && (!next || strcmp(c->name, next->name) < 0))
				next = c;
		}
		if (!next)
			break;
		printk("  %-10s %s\n", next->name, next->summary);
		last = next->name;
	}
	printk("Type 'help <command>' for its usage.\n");
	return 0;
}

TERM_CMD(cmd_help) = {
	.name = "help",
	.summary = "list commands, or show how to use one",
	.usage = "help [command]",
	.run = help_run,
};
