// SPDX-License-Identifier: GPL-2.0
/* `reset`: restart the machine through firmware. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <arch_cpu.h>

static int reset_run(int argc, char **argv)
{
	if (argc > 1)
		return term_error("reset: takes no arguments");
	printk("Resetting the system.\n");
	console_flush();
	arch_system_reset();
	return term_error("reset: the firmware did not reset the system");
}

TERM_CMD(cmd_reset) = {
	.name = "reset",
	.summary = "reset the machine",
	.usage = "reset",
	.run = reset_run,
};
