// SPDX-License-Identifier: GPL-2.0
/* `debug fault|panic`: crash the hypervisor on purpose, to check that an
 * unexpected exception or a panic is reported and stops every CPU. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/panic.h>
#include <string.h>

static const char *const debug_verbs[] = { "fault", "panic", NULL };

/* An address no stage-1 mapping covers: the page at 0 (flash on qemu-virt)
 * is never mapped. Volatile so the compiler cannot see through it. */
static volatile uintptr_t unmapped = 0x8;

static int debug_run(int argc, char **argv)
{
	if (argc != 2)
		return term_error("debug: expected one subcommand (usage: debug fault|panic)");
	if (!strcmp(argv[1], "fault")) {
		printk("debug: reading unmapped address 0x%lx\n", (unsigned long)unmapped);
		return (int)*(volatile u64 *)unmapped;
	}
	if (!strcmp(argv[1], "panic"))
		panic("requested with 'debug panic'");
	return term_error("debug: unknown subcommand '%s' (expected fault or panic)", argv[1]);
}

TERM_CMD(cmd_debug) = {
	.name = "debug",
	.summary = "crash the hypervisor on purpose (testing)",
	.usage = "debug fault|panic",
	.verbs = debug_verbs,
	.run = debug_run,
};
