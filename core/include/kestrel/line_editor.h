/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Line editor of the management terminal, as a state machine fed one byte
 * at a time: editing keys, ANSI arrow sequences, history and tab completion.
 * It owns no I/O: output goes through a callback, so it runs in host tests.
 */
#ifndef KESTREL_LINE_EDITOR_H
#define KESTREL_LINE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <kestrel/term.h>

#define LE_HISTORY CONFIG_TERMINAL_HISTORY

enum le_result {
	LE_CONTINUE,	/* keep feeding */
	LE_LINE,	/* Enter: le->buf holds the line */
	LE_CANCEL,	/* Ctrl-C: line discarded */
};

struct line_editor {
	const char *prompt;
	void (*out)(void *ctx, const char *s, size_t len);
	void *ctx;
	char buf[TERM_LINE_MAX];
	unsigned int len, cur;
	char hist[LE_HISTORY][TERM_LINE_MAX];
	unsigned int hist_count;	/* entries stored (<= LE_HISTORY) */
	unsigned int hist_next;		/* slot the next entry goes to */
	int hist_pos;			/* -1: editing a new line */
	char draft[TERM_LINE_MAX];	/* the new line while browsing history */
	int esc;			/* escape-sequence parser state */
	char esc_num;
	bool last_cr;
};

/* out receives the echo and redraws; it must turn "\n" into the device's
 * line end, as console_write does. */
void le_init(struct line_editor *le, const char *prompt,
	     void (*out)(void *ctx, const char *s, size_t len), void *ctx);
/* Prints the prompt and starts an empty line. */
void le_start(struct line_editor *le);
/* Feeds one received byte; -1 means "no byte came in time" and ends a lone ESC. */
enum le_result le_feed(struct line_editor *le, int c);
/* True while in the middle of an escape sequence (the caller waits briefly). */
bool le_in_escape(const struct line_editor *le);
/* Adds a line to history (empty lines and repeats of the last are skipped). */
void le_history_add(struct line_editor *le, const char *line);

#endif
