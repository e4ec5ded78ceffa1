// SPDX-License-Identifier: GPL-2.0
/* `version`: what this Kestrel is and how it was built. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/version.h>
#include <arch_cpu.h>

static int version_run(int argc, char **argv)
{
	if (argc > 1)
		return term_error("version: takes no arguments");
	printk("Kestrel %s (%s, board %s, %s)\n", KESTREL_VERSION, arch_name(),
	       CONFIG_BOARD_NAME, arch_privilege_level());
	printk("built with gcc %s\n", __VERSION__);
	return 0;
}

TERM_CMD(cmd_version) = {
	.name = "version",
	.summary = "show the Kestrel version and build",
	.usage = "version",
	.run = version_run,
};
