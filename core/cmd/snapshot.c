// SPDX-License-Identifier: GPL-2.0
/* `snapshot save|restore|list|verify|delete`: guest snapshots in the store
 * on the host's type-0xda partition (docs/snapshot-format.md). */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/guest.h>
#include <kestrel/snapshot.h>
#include <string.h>

#define SNAPSHOT_USAGE \
	"snapshot save <guest> <name> [stop] | restore <name> [as <guest>] | list | verify <name> | delete <name>"
#define ERR_MAX 320

static const char *const snapshot_verbs[] = {
	"save", "restore", "list", "verify", "delete", NULL
};

static int args(int argc, int min, int max, const char *verb, const char *usage)
{
	if (argc < min)
		return term_error("snapshot %s: missing argument (usage: snapshot %s)", verb, usage);
	if (argc > max)
		return term_error("snapshot %s: too many arguments (usage: snapshot %s)", verb,
				  usage);
	return 0;
}

static int save(int argc, char **argv, char *err)
{
	enum snap_after after = SNAP_AFTER_RESUME;
	struct guest *g;

	if (args(argc, 4, 5, "save", "save <guest> <name> [stop]"))
		return -1;
	if (argc == 5) {
		if (strcmp(argv[4], "stop"))
			return term_error("snapshot save: '%s' is not 'stop' (usage: snapshot save <guest> <name> [stop])",
					  argv[4]);
		after = SNAP_AFTER_STOP;
	}
	g = guest_find(argv[2]);
	if (!g)
		return term_error("snapshot save: no guest named '%s' (see guest list)", argv[2]);
	return snapshot_save(g, argv[3], after, err, ERR_MAX);
}

static int restore(int argc, char **argv, char *err)
{
	if (args(argc, 3, 5, "restore", "restore <name> [as <guest>]"))
		return -1;
	if (argc == 4 || (argc == 5 && strcmp(argv[3], "as")))
		return term_error("snapshot restore: expected 'as <guest>' after the name");
	return snapshot_restore(argv[2], argc == 5 ? argv[4] : NULL, err, ERR_MAX);
}

static int snapshot_run(int argc, char **argv)
{
	static char err[ERR_MAX];
	const char *verb = argc > 1 ? argv[1] : "";
	int r;

	err[0] = '\0';
	if (argc < 2)
		return term_error("snapshot: missing subcommand (usage: %s)", SNAPSHOT_USAGE);
	if (!strcmp(verb, "save")) {
		r = save(argc, argv, err);
	} else if (!strcmp(verb, "restore")) {
		r = restore(argc, argv, err);
	} else if (!strcmp(verb, "list")) {
		r = args(argc, 2, 2, "list", "list");
		if (!r)
			r = snapshot_list(err, ERR_MAX);
	} else if (!strcmp(verb, "verify") || !strcmp(verb, "delete")) {
		bool verify = verb[0] == 'v';

		r = args(argc, 3, 3, verb, verify ? "verify <name>" : "delete <name>");
		if (!r)
			r = verify ? snapshot_verify(argv[2], err, ERR_MAX) :
				     snapshot_delete(argv[2], err, ERR_MAX);
	} else {
		return term_error("snapshot: unknown subcommand '%s' (usage: %s)", verb,
				  SNAPSHOT_USAGE);
	}
	if (r && err[0])
		term_error("%s", err);
	return r;
}

TERM_CMD(cmd_snapshot) = {
	.name = "snapshot",
	.summary = "save, restore, list, verify and delete guest snapshots",
	.usage = SNAPSHOT_USAGE,
	.verbs = snapshot_verbs,
	.run = snapshot_run,
};
