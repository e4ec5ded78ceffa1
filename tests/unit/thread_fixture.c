// SPDX-License-Identifier: GPL-2.0
/* The scheduler test fixture (see thread_fixture.h). */
#include "thread_fixture.h"
#include <stdlib.h>

char trace[256];

void note(const char *word)
{
	size_t n = strlen(trace), len = strlen(word);

	if (n + 1 + len + 1 > sizeof(trace)) {
		fprintf(stderr, "trace overflow: %s\n", trace);
		abort();
	}
	if (n)
		trace[n++] = ' ';
	memcpy(trace + n, word, len + 1);
}

void cpus_setup(void)
{
	fake_arch_reset();
	stubs_reset();
	memset(cpus, 0, sizeof(cpus));
	nr_cpus = NR_TEST_CPUS;
	for (unsigned int i = 0; i < nr_cpus; i++) {
		struct cpu *c = &cpus[i];

		c->id = i;
		c->state = CPU_ONLINE;
		sched_cpu_init(c);
		spin_lock_init(&c->timer_lock);
		list_init(&c->timers);
		fake_cpu_set(i);
		sched_idle_init();
	}
	fake_cpu_set(0);
	time_init();
	trace[0] = '\0';
}

int cpus_teardown(void)
{
	for (unsigned int i = 0; i < nr_cpus; i++) {
		if (cpus[i].runq_mask || !list_empty(&cpus[i].timers) ||
		    cpus[i].current != cpus[i].idle || fake_irqs_masked(i)) {
			print_error("CPU %u left with runnable threads, armed timers, a "
				    "thread other than idle current or IRQs masked\n", i);
			return -1;
		}
	}
	return arch_cpu_id() == 0 ? 0 : -1;
}

void run_cpu(unsigned int cpu)
{
	fake_cpu_set(cpu);
	thread_yield();
	fake_cpu_set(0);
}

void timer_irq_at(u64 ticks)
{
	unsigned long flags = arch_irq_save();

	fake_counter_set(ticks);
	timer_events_expire();
	arch_irq_restore(flags);
}
