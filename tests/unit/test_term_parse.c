// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/term/parse.c: splitting, dispatch and tab completion,
 * with commands registered here through TERM_CMD like core/cmd/ does.
 */
#include "unit.h"
#include "kerrno.h"
#include <kestrel/term.h>

static int last_argc;
static char last_argv[TERM_MAX_ARGS][32];
static int host_result;

static int record(int argc, char **argv)
{
	last_argc = argc;
	for (int i = 0; i < argc && i < TERM_MAX_ARGS; i++)
		snprintf(last_argv[i], sizeof(last_argv[i]), "%s", argv[i]);
	return 0;
}

static int run_host(int argc, char **argv)
{
	record(argc, argv);
	return host_result;
}

static int run_heap(int argc, char **argv)
{
	return term_error("heap takes no argument, got %d", argc - 1);
}

static const char *const host_verbs[] = { "info", "cpus", "irqs", "mem", NULL };

TERM_CMD(cmd_host) = { "host", "host facts", "host info|cpus|irqs|mem", host_verbs, run_host };
TERM_CMD(cmd_heap) = { "heap", "heap statistics", "heap", NULL, run_heap };
TERM_CMD(cmd_help) = { "help", "list commands", "help [command]", NULL, record };
TERM_CMD(cmd_guest) = { "guest", "guests", "guest list", NULL, record };
TERM_CMD(cmd_guestctl) = { "guestctl", "guest control", "guestctl", NULL, record };

static int setup(void **state)
{
	fake_arch_reset();
	last_argc = -1;
	host_result = 0;
	return 0;
}

/* Splits a copy of s; returns the count and leaves the words in argv. */
static char line[TERM_LINE_MAX];
static char *argv[TERM_MAX_ARGS + 1];
static int split(const char *s, int max)
{
	snprintf(line, sizeof(line), "%s", s);
	return term_split(line, argv, max);
}

static void test_split_words(void **state)
{
	assert_int_equal(split("host info", TERM_MAX_ARGS), 2);
	assert_string_equal(argv[0], "host");
	assert_string_equal(argv[1], "info");
	assert_int_equal(split("  leading\t and   trailing  ", TERM_MAX_ARGS), 3);
	assert_string_equal(argv[0], "leading");
	assert_string_equal(argv[1], "and");
	assert_string_equal(argv[2], "trailing");
	assert_int_equal(split("", TERM_MAX_ARGS), 0);
	assert_int_equal(split(" \t  ", TERM_MAX_ARGS), 0);
}

static void test_split_quotes_and_escapes(void **state)
{
	assert_int_equal(split("guest create \"my guest\" x", TERM_MAX_ARGS), 4);
	assert_string_equal(argv[2], "my guest");
	assert_string_equal(argv[3], "x");
	assert_int_equal(split("a\"b c\"d", TERM_MAX_ARGS), 1);	/* quotes inside a word */
	assert_string_equal(argv[0], "ab cd");
	assert_int_equal(split("\"\" x", TERM_MAX_ARGS), 2);		/* an empty word */
	assert_string_equal(argv[0], "");
	assert_int_equal(split("a\\ b \\\"q\\\" c\\\\d", TERM_MAX_ARGS), 3);
	assert_string_equal(argv[0], "a b");
	assert_string_equal(argv[1], "\"q\"");
	assert_string_equal(argv[2], "c\\d");
	assert_int_equal(split("\"a \\\" b\"", TERM_MAX_ARGS), 1);	/* escape in quotes */
	assert_string_equal(argv[0], "a \" b");
	assert_int_equal(split("end\\", TERM_MAX_ARGS), 1);		/* lone trailing backslash */
	assert_string_equal(argv[0], "end\\");
}

static void test_split_errors(void **state)
{
	assert_int_equal(split("echo \"abc", TERM_MAX_ARGS), -EINVAL);
	assert_int_equal(split("\"", TERM_MAX_ARGS), -EINVAL);
	assert_int_equal(split("a b c", 2), -E2BIG);
	assert_int_equal(split("a b   ", 2), 2);			/* trailing blanks are fine */
	assert_int_equal(split("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", TERM_MAX_ARGS), 16);
	assert_string_equal(argv[15], "16");
	assert_int_equal(split("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", TERM_MAX_ARGS),
			 -E2BIG);
}

static void test_command_table(void **state)
{
	assert_int_equal(term_cmd_count(), 5);
	assert_ptr_equal(term_cmd_find("host"), &cmd_host);
	assert_ptr_equal(term_cmd_find("guestctl"), &cmd_guestctl);
	assert_null(term_cmd_find("hos"));
	assert_null(term_cmd_find(""));
	for (unsigned int i = 0; i < term_cmd_count(); i++)
		assert_ptr_equal(term_cmd_find(term_cmd_at(i)->name), term_cmd_at(i));
	assert_null(term_cmd_at(term_cmd_count()));
}

static void test_execute_dispatches_with_argv(void **state)
{
	char l1[] = "  host   irqs  \"cpu 1\"";
	char l2[] = "host";

	assert_int_equal(term_execute(l1), 0);
	assert_int_equal(last_argc, 3);
	assert_string_equal(last_argv[0], "host");
	assert_string_equal(last_argv[1], "irqs");
	assert_string_equal(last_argv[2], "cpu 1");
	host_result = -ENOSPC;				/* the command's result comes back */
	assert_int_equal(term_execute(l2), -ENOSPC);
	assert_int_equal(last_argc, 1);
	assert_string_equal(fake_console_output(), "");
}

static void test_execute_errors_are_printed(void **state)
{
	char unknown[] = "nosuch arg", heap[] = "heap now", quote[] = "host \"info";
	char empty[] = "   ";
	char many[] = "host 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16";

	assert_int_equal(term_execute(unknown), -EINVAL);
	assert_string_equal(fake_console_output(),
			    "error: unknown command 'nosuch' (type 'help' for the list)\n");
	fake_console_reset();
	assert_int_equal(term_execute(heap), -EINVAL);
	assert_string_equal(fake_console_output(), "error: heap takes no argument, got 1\n");
	fake_console_reset();
	assert_int_equal(term_execute(quote), -EINVAL);
	assert_console_contains("error: unterminated quote");
	fake_console_reset();
	assert_int_equal(term_execute(many), -EINVAL);
	assert_console_contains("error: too many words (at most 16)");
	assert_int_equal(last_argc, -1);		/* nothing ran */
	fake_console_reset();
	assert_int_equal(term_execute(empty), 0);
	assert_string_equal(fake_console_output(), "");
}

/* Candidates as " a b c " (in table order, which is unspecified). */
struct listed {
	char all[256];
	int n;
};

static void list_cb(const char *cand, void *ctx)
{
	struct listed *l = ctx;

	strncat(l->all, cand, sizeof(l->all) - strlen(l->all) - 2);
	strcat(l->all, " ");
	l->n++;
}

/* Completes s at its end; returns the candidate count, ext and list filled. */
static char ext[TERM_LINE_MAX];
static struct listed listed;
static int complete(const char *s)
{
	memset(&listed, 0, sizeof(listed));
	listed.all[0] = ' ';
	return term_complete(s, strlen(s), ext, sizeof(ext), list_cb, &listed);
}

static bool was_listed(const char *cand)
{
	char word[40];

	snprintf(word, sizeof(word), " %s ", cand);
	return strstr(listed.all, word) != NULL;
}

static void test_complete_command_names(void **state)
{
	assert_int_equal(complete(""), 5);
	assert_string_equal(ext, "");
	assert_int_equal(listed.n, 5);
	assert_true(was_listed("host") && was_listed("heap") && was_listed("help") &&
		    was_listed("guest") && was_listed("guestctl"));
	assert_int_equal(complete("ho"), 1);
	assert_string_equal(ext, "st ");			/* unique: the word ends */
	assert_int_equal(complete("gu"), 2);
	assert_string_equal(ext, "est");			/* common prefix only */
	assert_int_equal(complete("guest"), 2);
	assert_string_equal(ext, "");
	assert_int_equal(listed.n, 2);
	assert_true(was_listed("guest") && was_listed("guestctl"));
	assert_int_equal(complete("he"), 2);
	assert_string_equal(ext, "");
	assert_int_equal(complete("x"), 0);
	assert_string_equal(ext, "");
	assert_int_equal(complete("host"), 1);			/* complete word: a space */
	assert_string_equal(ext, " ");
}

static void test_complete_verbs_and_help(void **state)
{
	assert_int_equal(complete("host "), 4);
	assert_string_equal(listed.all, " cpus info irqs mem ");	/* listed alphabetically */
	assert_string_equal(ext, "");
	assert_int_equal(complete("host c"), 1);
	assert_string_equal(ext, "pus ");
	assert_int_equal(complete("host i"), 2);
	assert_string_equal(ext, "");
	assert_int_equal(complete("host info "), 0);		/* no third word */
	assert_int_equal(complete("heap "), 0);			/* no verbs */
	assert_int_equal(complete("nosuch "), 0);
	assert_int_equal(complete("help "), 5);			/* help <command> */
	assert_true(was_listed("heap") && !was_listed("info"));
	assert_int_equal(complete("help gues"), 2);
	assert_string_equal(ext, "t");
	assert_int_equal(complete("help ho"), 1);
	assert_string_equal(ext, "st ");
}

static void test_complete_edge_cases(void **state)
{
	char small[3];
	static char longline[TERM_LINE_MAX + 8];

	/* Only the first len bytes count: the cursor may be mid-line. */
	assert_int_equal(term_complete("host info", 2, ext, sizeof(ext), NULL, NULL), 1);
	assert_string_equal(ext, "st ");
	/* No room for the trailing space, or for anything. */
	assert_int_equal(term_complete("ho", 2, small, sizeof(small), NULL, NULL), 1);
	assert_string_equal(small, "st");
	assert_int_equal(term_complete("ho", 2, small, 0, NULL, NULL), 0);
	assert_int_equal(complete("host \"in"), 0);		/* unterminated quote */
	memset(longline, 'h', sizeof(longline) - 1);
	assert_int_equal(complete(longline), 0);
	assert_string_equal(ext, "");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)
static const struct CMUnitTest tests[] = {
	T(test_split_words),
	T(test_split_quotes_and_escapes),
	T(test_split_errors),
	T(test_command_table),
	T(test_execute_dispatches_with_argv),
	T(test_execute_errors_are_printed),
	T(test_complete_command_names),
	T(test_complete_verbs_and_help),
	T(test_complete_edge_cases),
};

UNIT_MAIN(tests, NULL, NULL)
