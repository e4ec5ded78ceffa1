// SPDX-License-Identifier: GPL-2.0
/* The `basic> ` shell on the console: test, counter, reset, off, poke, pattern, virtio, bench, help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "checks.h"
#include "exc.h"
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
	       "  poke A   store to address A (hex) and report whether it aborted\n"
	       "  pattern fill|check  write / verify a pattern over all free RAM\n"
	       "  virtio   malformed queues put the virtio rng in NEEDS_RESET; reset recovers\n"
	       "  bench [svc|hvc|mmio|sgi|timer|yield|all] [samples]  time traps (ticks/op)\n"
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

static void cmd_poke(const char *arg)
{
	char *end;
	uint64_t addr = strtoull(arg, &end, 16);
	struct probe_result r;

	if (!*arg || *end || (addr & 7)) {
		printf("basic: poke: '%s' is not an 8-byte aligned hex address\n", arg);
		return;
	}
	probe_store(addr, 0xdeadbeefcafef00dULL, &r);
	if (r.aborted)
		printf("basic: poke 0x%lx: aborted (EC 0x%lx DFSC 0x%lx)\n", addr, (r.esr >> 26) & 0x3f,
		       r.esr & 0x3f);
	else if (r.serror)
		printf("basic: poke 0x%lx: SError (ESR 0x%lx)\n", addr, r.esr);
	else
		printf("basic: poke 0x%lx: stored\n", addr);
}

/* The seed the last `pattern fill` used. */
static uint64_t pattern_seed;

static void cmd_pattern(const char *arg)
{
	char detail[160];

	if (!strcmp(arg, "fill")) {
		pattern_seed = now_ticks() * 0x2545f4914f6cdd1dULL | 1;
		printf("basic: pattern written over %lu KiB\n", memory_pattern_fill(pattern_seed) >> 10);
	} else if (!strcmp(arg, "check")) {
		if (!pattern_seed)
			printf("basic: pattern check: run 'pattern fill' first\n");
		else if (memory_pattern_verify(pattern_seed, detail, sizeof(detail)))
			printf("basic: pattern intact\n");
		else
			printf("basic: pattern damaged: %s\n", detail);
	} else {
		printf("basic: pattern: use 'pattern fill' or 'pattern check'\n");
	}
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
		else if (!strncmp(cmd, "poke ", 5))
			cmd_poke(cmd + 5);
		else if (!strncmp(cmd, "pattern ", 8))
			cmd_pattern(cmd + 8);
		else if (!strcmp(cmd, "virtio"))
			check_virtio_run();
		else if (!strcmp(cmd, "bench") || !strncmp(cmd, "bench ", 6))
			bench_command(cmd + 5);
		else
			printf("basic: unknown command '%s' (try help)\n", cmd);
	}
}
