// SPDX-License-Identifier: GPL-2.0
/* The management terminal: a hypervisor thread reading the console. */
#define LOG_PREFIX "term"
#include <kestrel/term.h>
#include <kestrel/line_editor.h>
#include <kestrel/console.h>
#include <kestrel/log.h>
#include <kestrel/thread.h>
#include <kestrel/version.h>
#include <string.h>

#define ESC_TIMEOUT_NS 50000000ULL	/* a lone ESC: no sequence after 50 ms */

const char term_prompt[] = "kestrel> ";

static struct line_editor editor;

static void term_out(void *ctx, const char *s, size_t len)
{
	console_write(s, len);
}

static void term_thread(void *arg)
{
	struct line_editor *le = &editor;

	le_init(le, term_prompt, term_out, NULL);
	printk("\nKestrel %s management terminal. Type 'help' for commands.\n",
	       KESTREL_VERSION);
	for (;;) {
		enum le_result r;

		le_start(le);
		do {
			int c = console_getc(le_in_escape(le) ? ESC_TIMEOUT_NS : 0);

			r = le_feed(le, c);
		} while (r == LE_CONTINUE);
		if (r == LE_LINE) {
			char line[TERM_LINE_MAX];

			le_history_add(le, le->buf);
			strlcpy(line, le->buf, sizeof(line));
			term_execute(line);
		}
	}
}

void term_start(void)
{
	if (!thread_create("terminal", term_thread, NULL, 0))
		log_err("cannot start the management terminal");
}
