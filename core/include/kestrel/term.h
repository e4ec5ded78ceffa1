/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Management terminal commands. Each command is one file that registers a
 * const descriptor with TERM_CMD(); the terminal finds it by name. A command
 * prints its output with printk and reports a wrong argument with term_error,
 * which prints one line naming what was wrong.
 */
#ifndef KESTREL_TERM_H
#define KESTREL_TERM_H

#include <kestrel/compiler.h>

#define TERM_MAX_ARGS	16
#define TERM_LINE_MAX	256

struct term_cmd {
	const char *name;
	const char *summary;		/* one line, shown by `help` */
	const char *usage;		/* e.g. "host info|cpus|irqs|mem" */
	const char *const *verbs;	/* second words for tab completion, NULL-terminated */
	/* Runs the command; argv[0] is its name. Returns 0 or a negative error
	 * (after printing the reason with term_error). Thread context. */
	int (*run)(int argc, char **argv);
};

#define TERM_CMD(sym) \
	static const struct term_cmd sym __section("kestrel_cmds") __used __aligned(8)

/* Prints "error: <message>" on one line; returns -EINVAL for convenience. */
int term_error(const char *fmt, ...) __printf(1, 2);

/* Command table access (sorted order is the caller's concern). */
const struct term_cmd *term_cmd_find(const char *name);
const struct term_cmd *term_cmd_at(unsigned int i);
unsigned int term_cmd_count(void);

/* Splits line in place into at most max words (double quotes group words,
 * backslash escapes). Returns the word count or -E2BIG / -EINVAL (unclosed quote). */
int term_split(char *line, char **argv, int max);

/* Runs one command line: splits, looks up, calls. Prints an error for an
 * unknown command or a bad line. Returns the command's result. */
int term_execute(char *line);

/* Computes tab completion for the first `len` bytes of line at the cursor:
 * writes the common extension into ext and returns the number of candidates;
 * when there are several, list() is called with each. */
int term_complete(const char *line, unsigned int len, char *ext, unsigned int extlen,
		  void (*list)(const char *cand, void *ctx), void *ctx);

/* Starts the terminal thread on CPU 0. Boot context. */
void term_start(void);

/* Hook for `shutdown`/`reset` etc. to know the terminal prompt state. */
extern const char term_prompt[];

#endif
