// SPDX-License-Identifier: GPL-2.0
/* The shell's `bench`: samples of timed batches, reported as median, min and max ticks per operation. */
#include <stdio.h>
#include <string.h>
#include "bench.h"
#include "platform.h"
#include "sysreg.h"
#include "timer.h"
#include "uart.h"

#define SAMPLES_DEFAULT	31
#define SAMPLES_MIN	3
#define SAMPLES_MAX	1001

struct bench {
	const char *name;
	unsigned int k;				/* operations per sample */
	const char *(*prepare)(void);		/* NULL: nothing to prepare */
	bool (*sample)(uint64_t *ticks);	/* ticks of one batch of k */
};

static bool svc_sample(uint64_t *ticks)
{
	*ticks = bench_svc_batch();
	return true;
}

static const char *hvc_prepare(void)
{
	return plat.psci == PSCI_HVC ? NULL : "SKIP the DT's PSCI conduit is not hvc";
}

static bool hvc_sample(uint64_t *ticks)
{
	*ticks = bench_hvc_batch();
	return true;
}

static bool mmio_sample(uint64_t *ticks)
{
	*ticks = bench_mmio_batch(plat.uart.base + UART_FR);
	return true;
}

static bool yield_sample(uint64_t *ticks)
{
	*ticks = bench_yield_batch();
	return true;
}

static const struct bench benches[] = {
	{ "svc", BENCH_BATCH, NULL, svc_sample },
	{ "hvc", BENCH_BATCH, hvc_prepare, hvc_sample },
	{ "mmio", BENCH_BATCH, NULL, mmio_sample },
	{ "sgi", BENCH_SGI_BATCH, bench_sgi_prepare, bench_sgi_sample },
	{ "timer", 1, bench_timer_prepare, bench_timer_sample },
	/* Last, and never in `all`: without Kestrel its HVC is undefined. */
	{ "yield", BENCH_BATCH, hvc_prepare, yield_sample },
};
#define NBENCHES	(sizeof(benches) / sizeof(benches[0]))
#define NALL		(NBENCHES - 1)

static uint64_t samples[SAMPLES_MAX];	/* milli-ticks per operation */

static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j;

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void run(const struct bench *b, int n)
{
	const char *verdict;
	uint64_t ticks, median;

	/* No wake-up an idle wait of the shell left armed may land in a sample. */
	timer_disarm();
	verdict = b->prepare ? b->prepare() : NULL;
	/* One batch first, not counted: first touches of code and data (a
	 * hypervisor's stage 2 faults, QEMU's translation) stay out. */
	if (!verdict && !b->sample(&ticks))
		verdict = bench_error;
	for (int i = 0; !verdict && i < n; i++) {
		if (b->sample(&ticks))
			samples[i] = ticks * 1000 / b->k;
		else
			verdict = bench_error;
	}
	if (verdict) {
		printf("basic: bench %s: %s\n", b->name, verdict);
		return;
	}
	sort(samples, n);
	median = n & 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	printf("basic: bench %s: %lu.%03lu ticks/op, median of %d samples of %u "
	       "(min %lu.%03lu max %lu.%03lu)\n", b->name, median / 1000, median % 1000, n, b->k,
	       samples[0] / 1000, samples[0] % 1000, samples[n - 1] / 1000, samples[n - 1] % 1000);
}

/* The next space-separated word of *p (length in *len), or NULL. */
static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p, *w;

	while (*s == ' ')
		s++;
	for (w = s; *s && *s != ' '; s++)
		;
	*p = s;
	*len = (size_t)(s - w);
	return *len ? w : NULL;
}

static bool word_eq(const char *w, size_t len, const char *lit)
{
	return strlen(lit) == len && !strncmp(w, lit, len);
}

/* A decimal number of at most 6 digits, or -1. */
static int parse_count(const char *w, size_t len)
{
	int v = 0;

	if (len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		v = v * 10 + (w[i] - '0');
	}
	return v;
}

void bench_command(const char *args)
{
	size_t name_len = 0, count_len = 0, extra_len;
	const char *name = next_word(&args, &name_len);
	const char *count = next_word(&args, &count_len);
	int first = 0, last = NALL - 1, n = SAMPLES_DEFAULT;

	if (next_word(&args, &extra_len)) {
		printf("basic: bench: usage: bench [svc|hvc|mmio|sgi|timer|yield|all] [samples]\n");
		return;
	}
	if (name && !word_eq(name, name_len, "all")) {
		for (first = 0; first < (int)NBENCHES; first++)
			if (word_eq(name, name_len, benches[first].name))
				break;
		if (first == (int)NBENCHES) {
			printf("basic: bench: unknown benchmark '%.*s' (expected svc, hvc, mmio, sgi, "
			       "timer, yield or all)\n", (int)name_len, name);
			return;
		}
		last = first;
	}
	if (count) {
		n = parse_count(count, count_len);
		if (n < SAMPLES_MIN || n > SAMPLES_MAX) {
			printf("basic: bench: samples must be %d to %d\n", SAMPLES_MIN, SAMPLES_MAX);
			return;
		}
	}
	printf("basic: bench cntfrq %lu\n", timer_freq());
	for (int i = first; i <= last; i++)
		run(&benches[i], n);
	printf("basic: bench done\n");
}

_Noreturn void bench_partner(void)
{
	printf("basic: bench partner: yielding\n");
	irq_disable();
	/* Each call gives the host CPU back to whoever shares it. */
	for (;;)
		bench_yield();
}
