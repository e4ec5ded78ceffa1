// SPDX-License-Identifier: GPL-2.0
/* `shutdown`: power the machine off through firmware. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <arch_cpu.h>

static int shutdown_run(int argc, char **argv)
{
	if (argc > 1)
		return term_error("shutdown: takes no arguments");
	printk("Powering off.\n");
	console_flush();
	arch_system_off();
	return term_error("shutdown: the firmware did not power the system off");
}

TERM_CMD(cmd_shutdown) = {
	.name = "shutdown",
	.summary = "power the machine off",
	.usage = "shutdown",
	.run = shutdown_run,
};
