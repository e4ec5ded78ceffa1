// SPDX-License-Identifier: GPL-2.0
/* The terminal's line editor (see line_editor.h). Typing at the end of the
 * line echoes just the byte; edits elsewhere redraw the line. Line ends are
 * written as "\n": the output sink (the console) turns them into CR LF. */
#include <kestrel/line_editor.h>
#include <printf.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_CSI_NUM };

static void put(struct line_editor *le, const char *s)
{
	le->out(le->ctx, s, strlen(s));
}

static void redraw(struct line_editor *le)
{
	char seq[16];

	put(le, "\r");
	put(le, le->prompt);
	le->out(le->ctx, le->buf, le->len);
	put(le, "\x1b[K");
	if (le->len > le->cur) {
		snprintf(seq, sizeof(seq), "\x1b[%uD", le->len - le->cur);
		put(le, seq);
	}
}

void le_init(struct line_editor *le, const char *prompt,
	     void (*out)(void *ctx, const char *s, size_t len), void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->prompt = prompt;
	le->out = out;
	le->ctx = ctx;
	le->hist_pos = -1;
}

void le_start(struct line_editor *le)
{
	le->len = le->cur = 0;
	le->buf[0] = '\0';
	le->hist_pos = -1;
	le->esc = ESC_NONE;
	put(le, le->prompt);
}

bool le_in_escape(const struct line_editor *le)
{
	return le->esc != ESC_NONE;
}

void le_history_add(struct line_editor *le, const char *line)
{
	unsigned int last = (le->hist_next + LE_HISTORY - 1) % LE_HISTORY;

	if (!line[0] || (le->hist_count && !strcmp(le->hist[last], line)))
		return;
	strlcpy(le->hist[le->hist_next], line, TERM_LINE_MAX);
	le->hist_next = (le->hist_next + 1) % LE_HISTORY;
	if (le->hist_count < LE_HISTORY)
		le->hist_count++;
}

static void set_line(struct line_editor *le, const char *s)
{
	strlcpy(le->buf, s, sizeof(le->buf));
	le->len = le->cur = strlen(le->buf);
	redraw(le);
}

/* dir -1: older, +1: newer. */
static void history_move(struct line_editor *le, int dir)
{
	int pos = le->hist_pos;

	if (dir < 0) {
		if (pos + 1 >= (int)le->hist_count)
			return;
		if (pos < 0) {
			le->buf[le->len] = '\0';
			strlcpy(le->draft, le->buf, sizeof(le->draft));
		}
		pos++;
	} else {
		if (pos < 0)
			return;
		pos--;
	}
	le->hist_pos = pos;
	if (pos < 0)
		set_line(le, le->draft);
	else
		set_line(le, le->hist[(le->hist_next + LE_HISTORY - 1 - pos) % LE_HISTORY]);
}

static void insert(struct line_editor *le, const char *s, unsigned int n)
{
	if (n > sizeof(le->buf) - 1 - le->len)
		n = sizeof(le->buf) - 1 - le->len;
	if (!n)
		return;
	memmove(le->buf + le->cur + n, le->buf + le->cur, le->len - le->cur);
	memcpy(le->buf + le->cur, s, n);
	le->len += n;
	le->cur += n;
	le->buf[le->len] = '\0';
	if (le->cur == le->len)
		le->out(le->ctx, s, n);
	else
		redraw(le);
}

static void delete_range(struct line_editor *le, unsigned int from, unsigned int to)
{
	bool backspace_at_end = to == le->len && to - from == 1 && le->cur == to;

	if (from >= to)
		return;
	memmove(le->buf + from, le->buf + to, le->len - to);
	le->len -= to - from;
	le->buf[le->len] = '\0';
	le->cur = from;
	if (backspace_at_end)
		put(le, "\b \b");
	else
		redraw(le);
}

static void move_to(struct line_editor *le, unsigned int pos)
{
	if (pos > le->len || pos == le->cur)
		return;
	le->cur = pos;
	redraw(le);
}

static void list_candidate(const char *cand, void *ctx)
{
	struct line_editor *le = ctx;

	put(le, "  ");
	put(le, cand);
}

static void complete(struct line_editor *le)
{
	char ext[TERM_LINE_MAX];
	int n;

	le->buf[le->len] = '\0';
	n = term_complete(le->buf, le->cur, ext, sizeof(ext), NULL, NULL);
	if (n <= 0)
		return;
	if (ext[0]) {
		insert(le, ext, strlen(ext));
		return;
	}
	if (n > 1) {	/* nothing in common to add: show the choices */
		put(le, "\n");
		term_complete(le->buf, le->cur, ext, sizeof(ext), list_candidate, le);
		put(le, "\n");
		redraw(le);
	}
}

static enum le_result feed_escape(struct line_editor *le, int c)
{
	if (le->esc == ESC_START) {
		le->esc = (c == '[' || c == 'O') ? ESC_CSI : ESC_NONE;
		return LE_CONTINUE;
	}
	if (le->esc == ESC_CSI && c >= '0' && c <= '9') {
		le->esc = ESC_CSI_NUM;
		le->esc_num = (char)c;
		return LE_CONTINUE;
	}
	if (le->esc == ESC_CSI_NUM) {
		if ((c >= '0' && c <= '9') || c == ';') {
			/* More parameters (F5 "ESC[15~", Ctrl-Right "ESC[1;5C"):
			 * a key the editor does not use, swallowed to its end. */
			le->esc_num = 0;
			return LE_CONTINUE;
		}
		le->esc = ESC_NONE;
		if (c == '~') {
			if (le->esc_num == '3' && le->cur < le->len)
				delete_range(le, le->cur, le->cur + 1);
			else if (le->esc_num == '1' || le->esc_num == '7')
				move_to(le, 0);
			else if (le->esc_num == '4' || le->esc_num == '8')
				move_to(le, le->len);
		}
		return LE_CONTINUE;
	}
	le->esc = ESC_NONE;
	switch (c) {
	case 'A': history_move(le, -1); break;
	case 'B': history_move(le, 1); break;
	case 'C': move_to(le, le->cur + 1); break;
	case 'D': if (le->cur) move_to(le, le->cur - 1); break;
	case 'H': move_to(le, 0); break;
	case 'F': move_to(le, le->len); break;
	default: break;
	}
	return LE_CONTINUE;
}

enum le_result le_feed(struct line_editor *le, int c)
{
	bool after_cr = le->last_cr;

	le->last_cr = false;
	if (c < 0) {		/* timeout: a lone ESC means nothing */
		le->esc = ESC_NONE;
		return LE_CONTINUE;
	}
	if (le->esc != ESC_NONE)
		return feed_escape(le, c);

	switch (c) {
	case '\r':
	case '\n':
		if (c == '\n' && after_cr)
			return LE_CONTINUE;	/* the \n of a \r\n pair */
		le->last_cr = c == '\r';
		le->buf[le->len] = '\0';
		put(le, "\n");
		return LE_LINE;
	case 0x1b:
		le->esc = ESC_START;
		return LE_CONTINUE;
	case 0x7f:
	case CTRL('H'):
		if (le->cur)
			delete_range(le, le->cur - 1, le->cur);
		return LE_CONTINUE;
	case CTRL('D'):
		if (le->cur < le->len)
			delete_range(le, le->cur, le->cur + 1);
		return LE_CONTINUE;
	case CTRL('A'): move_to(le, 0); return LE_CONTINUE;
	case CTRL('E'): move_to(le, le->len); return LE_CONTINUE;
	case CTRL('B'): if (le->cur) move_to(le, le->cur - 1); return LE_CONTINUE;
	case CTRL('F'): move_to(le, le->cur + 1); return LE_CONTINUE;
	case CTRL('K'): delete_range(le, le->cur, le->len); return LE_CONTINUE;
	case CTRL('U'): delete_range(le, 0, le->cur); return LE_CONTINUE;
	case CTRL('W'): {
		unsigned int p = le->cur;

		while (p && le->buf[p - 1] == ' ')
			p--;
		while (p && le->buf[p - 1] != ' ')
			p--;
		delete_range(le, p, le->cur);
		return LE_CONTINUE;
	}
	case CTRL('P'): history_move(le, -1); return LE_CONTINUE;
	case CTRL('N'): history_move(le, 1); return LE_CONTINUE;
	case CTRL('L'):
		put(le, "\x1b[H\x1b[2J");
		redraw(le);
		return LE_CONTINUE;
	case CTRL('C'):
		put(le, "^C\n");
		le->len = le->cur = 0;
		le->buf[0] = '\0';
		return LE_CANCEL;
	case '\t':
		complete(le);
		return LE_CONTINUE;
	default:
		if (c >= 0x20 && c < 0x7f) {
			char ch = (char)c;

			insert(le, &ch, 1);
		}
		return LE_CONTINUE;
	}
}
