// SPDX-License-Identifier: GPL-2.0
/* Command lines: splitting into words, lookup, execution, tab completion. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/errno.h>
#include <printf.h>
#include <string.h>
#include <stdarg.h>

extern const struct term_cmd __start_kestrel_cmds[], __stop_kestrel_cmds[];

unsigned int term_cmd_count(void)
{
	return __stop_kestrel_cmds - __start_kestrel_cmds;
}

const struct term_cmd *term_cmd_at(unsigned int i)
{
	return i < term_cmd_count() ? &__start_kestrel_cmds[i] : NULL;
}

const struct term_cmd *term_cmd_find(const char *name)
{
	for (unsigned int i = 0; i < term_cmd_count(); i++)
		if (!strcmp(__start_kestrel_cmds[i].name, name))
			return &__start_kestrel_cmds[i];
	return NULL;
}

int term_error(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("error: %s\n", msg);
	return -EINVAL;
}

int term_split(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		bool quoted = false;

		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = w;
		while (*r && (quoted || (*r != ' ' && *r != '\t'))) {
			if (*r == '"') {
				quoted = !quoted;
				r++;
			} else if (*r == '\\' && r[1]) {
				*w++ = r[1];
				r += 2;
			} else {
				*w++ = *r++;
			}
		}
		if (quoted)
			return -EINVAL;
		if (*r)
			r++;
		*w++ = '\0';
	}
}

int term_execute(char *line)
{
	char *argv[TERM_MAX_ARGS];
	const struct term_cmd *cmd;
	int argc = term_split(line, argv, TERM_MAX_ARGS);

	if (argc == -E2BIG)
		return term_error("too many words (at most %d)", TERM_MAX_ARGS);
	if (argc == -EINVAL)
		return term_error("unterminated quote");
	if (argc == 0)
		return 0;
	cmd = term_cmd_find(argv[0]);
	if (!cmd)
		return term_error("unknown command '%s' (type 'help' for the list)", argv[0]);
	return cmd->run(argc, argv);
}

#define MAX_CANDIDATES 64

struct completion {
	const char *prefix;
	size_t plen;
	const char *cand[MAX_CANDIDATES];
	int count;
};

/* Keeps cand if it extends the prefix, in alphabetical order. */
static void offer(struct completion *c, const char *cand)
{
	int i;

	if (strncmp(cand, c->prefix, c->plen) || c->count == MAX_CANDIDATES)
		return;
	for (i = c->count; i > 0 && strcmp(c->cand[i - 1], cand) > 0; i--)
		c->cand[i] = c->cand[i - 1];
	c->cand[i] = cand;
	c->count++;
}

int term_complete(const char *line, unsigned int len, char *ext, unsigned int extlen,
		  void (*list)(const char *cand, void *ctx), void *ctx)
{
	char words[TERM_LINE_MAX];
	char *argv[TERM_MAX_ARGS];
	struct completion c = { .count = 0 };
	bool new_word = len == 0 || line[len - 1] == ' ';
	int argc, word;

	if (!extlen)
		return 0;
	ext[0] = '\0';
	if (len >= sizeof(words))
		return 0;
	memcpy(words, line, len);
	words[len] = '\0';
	argc = term_split(words, argv, TERM_MAX_ARGS);
	if (argc < 0)
		return 0;
	word = new_word ? argc : argc - 1;
	c.prefix = new_word ? "" : argv[argc - 1];
	c.plen = strlen(c.prefix);

	if (word == 0 || (word == 1 && !strcmp(argv[0], "help"))) {
		for (unsigned int i = 0; i < term_cmd_count(); i++)
			offer(&c, term_cmd_at(i)->name);
	} else if (word == 1) {
		const struct term_cmd *cmd = term_cmd_find(argv[0]);

		for (const char *const *v = cmd ? cmd->verbs : NULL; v && *v; v++)
			offer(&c, *v);
	}
	if (!c.count)
		return 0;
	/* What every candidate adds to the prefix; a unique match ends the word. */
	strlcpy(ext, c.cand[0] + c.plen, extlen);
	for (int i = 1; i < c.count; i++) {
		size_t k = 0;

		while (ext[k] && c.cand[i][c.plen + k] == ext[k])
			k++;
		ext[k] = '\0';
	}
	if (c.count == 1 && strlen(ext) + 1 < extlen) {
		size_t n = strlen(ext);

		ext[n] = ' ';
		ext[n + 1] = '\0';
	}
	for (int i = 0; list && i < c.count; i++)
		list(c.cand[i], ctx);
	return c.count;
}
