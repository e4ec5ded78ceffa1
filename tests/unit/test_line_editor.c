// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/term/line_editor.c: byte sequences in, line buffer,
 * cursor and terminal output checked. Completion goes through the real
 * core/term/parse.c with the commands registered below.
 */
#include "unit.h"
#include <kestrel/line_editor.h>

#define PROMPT	"kestrel> "
#define ESC	"\x1b"
#define CTRL(c)	((c) & 0x1f)

static int run_nothing(int argc, char **argv)
{
	return 0;
}

static const char *const host_verbs[] = { "info", "cpus", "irqs", "mem", NULL };
TERM_CMD(cmd_host) = { "host", "host facts", "host info|cpus|irqs|mem", host_verbs,
		       run_nothing };
TERM_CMD(cmd_heap) = { "heap", "heap statistics", "heap", NULL, run_nothing };
TERM_CMD(cmd_help) = { "help", "list commands", "help [command]", NULL, run_nothing };

static struct line_editor le;
static char out[8192];
static size_t out_len;

static void capture(void *ctx, const char *s, size_t len)
{
	assert_ptr_equal(ctx, &le);
	assert_true(out_len + len < sizeof(out));
	memcpy(out + out_len, s, len);
	out_len += len;
	out[out_len] = '\0';
}

static void clear_output(void)
{
	out_len = 0;
	out[0] = '\0';
}

static int setup(void **state)
{
	le_init(&le, PROMPT, capture, &le);
	clear_output();
	le_start(&le);
	return 0;
}

/* Feeds every byte of s; returns the result of the last one. */
static enum le_result feed(const char *s)
{
	enum le_result r = LE_CONTINUE;

	for (; *s; s++)
		r = le_feed(&le, (unsigned char)*s);
	return r;
}

/* Types s, then forgets the output it caused. */
static void typed(const char *s)
{
	assert_int_equal(feed(s), LE_CONTINUE);
	clear_output();
}

#define assert_line(text, cursor) do { \
	assert_string_equal(le.buf, (text)); \
	assert_int_equal(le.len, strlen(text)); \
	assert_int_equal(le.cur, (cursor)); \
} while (0)

static void test_start_and_typing(void **state)
{
	assert_string_equal(out, PROMPT);
	clear_output();
	assert_int_equal(feed("host"), LE_CONTINUE);
	assert_line("host", 4);
	assert_string_equal(out, "host");		/* at the end: plain echo */
	feed("\x07\x80\xff");				/* bell and non-ASCII: ignored */
	assert_line("host", 4);
	assert_string_equal(out, "host");
}

static void test_backspace(void **state)
{
	typed("abc");
	feed("\x7f");
	assert_line("ab", 2);
	assert_string_equal(out, "\b \b");
	feed("\b");					/* Ctrl-H */
	assert_line("a", 1);
	feed("\x7f\x7f");				/* the second has nothing to delete */
	assert_line("", 0);
	assert_string_equal(out, "\b \b\b \b\b \b");
}

static void test_home_end_and_insert_in_the_middle(void **state)
{
	typed("abc");
	feed((char[]){ CTRL('A'), 0 });
	assert_line("abc", 0);
	assert_string_equal(out, "\r" PROMPT "abc" ESC "[K" ESC "[3D");
	clear_output();
	feed("X");
	assert_line("Xabc", 1);
	assert_string_equal(out, "\r" PROMPT "Xabc" ESC "[K" ESC "[3D");
	clear_output();
	feed((char[]){ CTRL('E'), 0 });
	assert_line("Xabc", 4);
	assert_string_equal(out, "\r" PROMPT "Xabc" ESC "[K");
	clear_output();
	feed((char[]){ CTRL('E'), 0 });			/* already there: no output */
	assert_string_equal(out, "");
	feed(ESC "[H");
	assert_int_equal(le.cur, 0);
	feed(ESC "[F");
	assert_int_equal(le.cur, 4);
	feed(ESC "[1~");
	assert_int_equal(le.cur, 0);
	feed(ESC "[4~");
	assert_int_equal(le.cur, 4);
}

static void test_kill_keys(void **state)
{
	typed("hello world" ESC "[D" ESC "[D" ESC "[D" ESC "[D" ESC "[D");
	assert_int_equal(le.cur, 6);
	feed((char[]){ CTRL('K'), 0 });
	assert_line("hello ", 6);
	feed("world" ESC "[D" ESC "[D" ESC "[D" ESC "[D" ESC "[D");
	feed((char[]){ CTRL('U'), 0 });
	assert_line("world", 0);
	setup(state);
	typed("guest start  linux0");
	feed((char[]){ CTRL('W'), 0 });
	assert_line("guest start  ", 13);
	feed((char[]){ CTRL('W'), 0 });			/* blanks, then the word */
	assert_line("guest ", 6);
	feed((char[]){ CTRL('W'), CTRL('W'), 0 });
	assert_line("", 0);
}

static void test_arrows_and_delete(void **state)
{
	typed("abc");
	feed(ESC "[C");					/* right at the end: nothing */
	assert_string_equal(out, "");
	feed(ESC "[D" ESC "OD");			/* CSI and SS3 forms */
	assert_line("abc", 1);
	feed((char[]){ CTRL('B'), 0 });
	assert_int_equal(le.cur, 0);
	clear_output();
	feed(ESC "[D");					/* left at the start: nothing */
	assert_string_equal(out, "");
	feed(ESC "[3~");
	assert_line("bc", 0);
	feed((char[]){ CTRL('D'), 0 });
	assert_line("c", 0);
	feed((char[]){ CTRL('F'), 0 });
	assert_int_equal(le.cur, 1);
	clear_output();
	feed(ESC "[3~");				/* nothing under the cursor */
	feed((char[]){ CTRL('D'), 0 });
	assert_line("c", 1);
	assert_string_equal(out, "");
}

static void test_other_sequences_insert_nothing(void **state)
{
	typed("ab");
	/* Ctrl-Right, F5, Alt-x, and a sequence with an unknown final byte. */
	feed(ESC "[1;5C" ESC "[15~" ESC "x" ESC "[Z");
	assert_line("ab", 2);
	assert_false(le_in_escape(&le));
	feed("c");
	assert_line("abc", 3);
}

static void test_history(void **state)
{
	le_history_add(&le, "host info");
	le_history_add(&le, "heap");
	le_history_add(&le, "heap");			/* a repeat is kept once */
	le_history_add(&le, "");			/* empty lines are not kept */
	le_history_add(&le, "guest list");
	typed("dra");
	feed(ESC "[A");
	assert_line("guest list", 10);
	feed(ESC "[A");
	assert_line("heap", 4);
	feed((char[]){ CTRL('P'), 0 });
	assert_line("host info", 9);
	feed(ESC "[A");					/* the oldest: stays */
	assert_line("host info", 9);
	feed(ESC "[B");
	assert_line("heap", 4);
	feed((char[]){ CTRL('N'), 0 });
	assert_line("guest list", 10);
	feed(ESC "[B");					/* back to the draft */
	assert_line("dra", 3);
	feed(ESC "[B");
	assert_line("dra", 3);
}

static void test_history_keeps_the_newest(void **state)
{
	char line[16];

	for (int i = 0; i < LE_HISTORY + 2; i++) {
		snprintf(line, sizeof(line), "cmd %d", i);
		le_history_add(&le, line);
	}
	for (int i = 0; i < LE_HISTORY + 3; i++)
		feed(ESC "[A");
	snprintf(line, sizeof(line), "cmd %d", 2);	/* 0 and 1 were dropped */
	assert_string_equal(le.buf, line);
}

static void test_enter(void **state)
{
	typed("host");
	assert_int_equal(feed("\r"), LE_LINE);
	assert_string_equal(le.buf, "host");
	assert_string_equal(out, "\n");
	le_start(&le);
	clear_output();
	/* The \n of a \r\n pair is not a second, empty line. */
	assert_int_equal(le_feed(&le, '\n'), LE_CONTINUE);
	assert_string_equal(out, "");
	assert_int_equal(feed("x\n"), LE_LINE);		/* a lone \n ends a line too */
	assert_string_equal(le.buf, "x");
	le_start(&le);
	assert_int_equal(feed("\r"), LE_LINE);
	le_start(&le);
	assert_int_equal(feed("\r"), LE_LINE);		/* \r\r: two empty lines */
	assert_string_equal(le.buf, "");
}

static void test_ctrl_c_cancels(void **state)
{
	typed("guest destroy");
	assert_int_equal(feed((char[]){ CTRL('C'), 0 }), LE_CANCEL);
	assert_string_equal(out, "^C\n");
	assert_line("", 0);
}

static void test_ctrl_l_redraws(void **state)
{
	typed("abc" ESC "[D");
	feed((char[]){ CTRL('L'), 0 });
	assert_string_equal(out, ESC "[H" ESC "[2J\r" PROMPT "abc" ESC "[K" ESC "[1D");
	assert_line("abc", 2);
}

static void test_tab_completion(void **state)
{
	typed("ho");
	feed("\t");
	assert_line("host ", 5);
	assert_string_equal(out, "st ");
	clear_output();
	feed("c\t");
	assert_line("host cpus ", 10);
	assert_string_equal(out, "cpus ");
	setup(state);
	typed("he");
	feed("\t");					/* heap, help: nothing shared */
	assert_line("he", 2);
	assert_true(strstr(out, "  heap") && strstr(out, "  help"));
	assert_memory_equal(out, "\n", 1);
	assert_non_null(strstr(out, "\n\r" PROMPT "he" ESC "[K"));	/* prompt again */
	setup(state);
	typed("hoXY" ESC "[D" ESC "[D");
	feed("\t");					/* at the cursor */
	assert_line("host XY", 5);
	setup(state);
	typed("zz");
	feed("\t");					/* no candidate */
	assert_line("zz", 2);
	assert_string_equal(out, "");
}

static void test_lone_escape_times_out(void **state)
{
	typed("ab");
	le_feed(&le, 0x1b);
	assert_true(le_in_escape(&le));
	assert_int_equal(le_feed(&le, -1), LE_CONTINUE);
	assert_false(le_in_escape(&le));
	feed("[D");					/* ordinary text now */
	assert_line("ab[D", 4);
	assert_int_equal(le_feed(&le, -1), LE_CONTINUE);	/* timeout when idle */
	assert_line("ab[D", 4);
}

static void test_line_is_bounded(void **state)
{
	for (int i = 0; i < TERM_LINE_MAX + 20; i++)
		le_feed(&le, 'a' + i % 26);
	assert_int_equal(le.len, TERM_LINE_MAX - 1);
	assert_int_equal(le.cur, TERM_LINE_MAX - 1);
	assert_int_equal(strlen(le.buf), TERM_LINE_MAX - 1);
	feed((char[]){ CTRL('A'), 0 });
	feed("Z");					/* full: inserting does nothing */
	assert_int_equal(le.buf[0], 'a');
	assert_int_equal(le.len, TERM_LINE_MAX - 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)
static const struct CMUnitTest tests[] = {
	T(test_start_and_typing),
	T(test_backspace),
	T(test_home_end_and_insert_in_the_middle),
	T(test_kill_keys),
	T(test_arrows_and_delete),
	T(test_other_sequences_insert_nothing),
	T(test_history),
	T(test_history_keeps_the_newest),
	T(test_enter),
	T(test_ctrl_c_cancels),
	T(test_ctrl_l_redraws),
	T(test_tab_completion),
	T(test_lone_escape_times_out),
	T(test_line_is_bounded),
};

UNIT_MAIN(tests, NULL, NULL)
