// SPDX-License-Identifier: GPL-2.0
/* The `basic> ` shell on the console: test, counter, reset, off, help. */
#include <stdio.h>
#include <string.h>
#include "checks.h"
#include "psci.h"
#include "shell.h"
#include "smp.h"
#include "timer.h"
#include "uart.h"

#define LINE_MAX	64

static bool input_ready(void *unused)
{
	(void)unused;
	/* The RX interrupt fills the ring; polling the FIFO is the fallback. */
	return uart_rx_ready(0) || uart_rx_poll();
}

static int getc_wait(void)
{
	wait_until(input_ready, 0, 0);
	return uart_rx_pop();
}

static void readline(char *buf, size_t size)
{
	static bool last_cr;
	size_t len = 0;

	for (;;) {
		int c = getc_wait();

		if (c == '\n' && last_cr) {	/* the LF of a CR LF */
			last_cr = false;
			continue;
		}
		last_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			printf("\n");
			buf[len] = 0;
			return;
		}
		if ((c == 0x7f || c == 0x08) && len) {
			len--;
			printf("\b \b");
		} else if (c >= 0x20 && c < 0x7f && len < size - 1) {
			buf[len++] = (char)c;
			putchar(c);
		}
	}
}

static void cmd_help(void)
{
	printf("basic: commands:\n"
	       "  test     run all checks again\n"
	       "  counter  show the second vCPU's counter and CNTVCT\n"
	       "  reset    PSCI SYSTEM_RESET\n"
	       "  off      PSCI SYSTEM_OFF\n"
	       "  help     this list\n");
}

static void cmd_counter(void)
{
	if (cpu1_state != CPU1_UP)
		printf("basic: counter: cpu1 is not running\n");
	else
		printf("basic: counter %lu cntvct %lu\n", cpu1_counter, now_ticks());
}

static void cmd_psci(const char *what, uint32_t fn)
{
	printf("basic: PSCI %s\n", what);
	int64_t ret = psci_call(fn, 0, 0, 0);

	printf("basic: PSCI %s returned %ld (%s)\n", what, ret, psci_error_name(ret));
}

void shell_run(void)
{
	char line[LINE_MAX];

	for (;;) {
		printf("basic> ");
		readline(line, sizeof(line));

		char *cmd = line;

		while (*cmd == ' ')
			cmd++;
		for (char *e = cmd + strlen(cmd); e > cmd && e[-1] == ' '; )
			*--e = 0;
		if (!*cmd)
			continue;
		if (!strcmp(cmd, "help"))
			cmd_help();
		else if (!strcmp(cmd, "test"))
			checks_run_all();
		else if (!strcmp(cmd, "counter"))
			cmd_counter();
		else if (!strcmp(cmd, "reset"))
			cmd_psci("SYSTEM_RESET", PSCI_SYSTEM_RESET);
		else if (!strcmp(cmd, "off"))
			cmd_psci("SYSTEM_OFF", PSCI_SYSTEM_OFF);
		else
			printf("basic: unknown command '%s' (try help)\n", cmd);
	}
}
