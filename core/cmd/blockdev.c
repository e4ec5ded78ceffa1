// SPDX-License-Identifier: GPL-2.0
/* `blockdev list`: the host's disks and partitions, their users and counters. */
#include <kestrel/term.h>
#include <kestrel/blockdev.h>
#include <kestrel/console.h>
#include <string.h>

static const char *const blockdev_verbs[] = { "list", NULL };

static void print_dev(struct blockdev *bd, void *ctx)
{
	(*(unsigned int *)ctx)++;
	printk("%-8s %9llu  %-26s %-6u %-9llu %-9llu %llu\n", bd->name,
	       (unsigned long long)(bd->sectors * BLOCK_SECTOR / SZ_1M), bd->kind, bd->users,
	       (unsigned long long)bd->reads, (unsigned long long)bd->writes,
	       (unsigned long long)bd->errors);
}

static int blockdev_run(int argc, char **argv)
{
	unsigned int n = 0;

	if (argc < 2)
		return term_error("blockdev: missing subcommand (usage: blockdev list)");
	if (strcmp(argv[1], "list"))
		return term_error("blockdev: unknown subcommand '%s' (expected list)", argv[1]);
	if (argc > 2)
		return term_error("blockdev %s: too many arguments", argv[1]);
	printk("NAME     SIZE(MiB)  KIND                       USERS  READS     WRITES    ERRORS\n");
	blockdev_for_each(print_dev, &n);
	if (!n)
		printk("(no block devices)\n");
	return 0;
}

TERM_CMD(cmd_blockdev) = {
	.name = "blockdev",
	.summary = "list the host's disks and partitions",
	.usage = "blockdev list",
	.verbs = blockdev_verbs,
	.run = blockdev_run,
};
