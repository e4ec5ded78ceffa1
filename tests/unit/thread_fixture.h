/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler test fixture shared by test_thread.c and test_sched.c, which
 * run core/thread.c on the fake arch's ucontext threads. The test itself
 * plays each CPU's idle thread: a thread_yield from it runs that CPU's
 * runnable threads until none is left, as the idle loop would. Threads only
 * record what they did (the trace); cmocka's asserts run on the test's own
 * stack. A timer interrupt is the test moving the fake counter and running
 * the expiry pass, as the timer driver's handler would.
 */
#ifndef KESTREL_TEST_THREAD_FIXTURE_H
#define KESTREL_TEST_THREAD_FIXTURE_H

#include "unit.h"
#include "ram_zone.h"
#include "stubs.h"
#include <kestrel/thread.h>
#include <kestrel/percpu.h>
#include <kestrel/timer.h>
#include <arch_irq.h>

#define MiB		(1024UL * 1024)
#define POOL_SIZE	(4 * MiB)	/* thread structs and stacks, never freed */
#define NR_TEST_CPUS	2
#define TICKS_PER_MS	(FAKE_COUNTER_FREQ / 1000)

/* What the threads did, in order: words separated by spaces. */
extern char trace[256];

/* Appends word to the trace (from a thread: aborts on overflow). */
void note(const char *word);

/* For a test's setup: NR_TEST_CPUS online CPUs whose idle thread is the
 * test, running as CPU 0 at time 0, and an empty trace. */
void cpus_setup(void);
/* For a test's teardown: 0 when every CPU is back in its idle thread with
 * nothing left to run, no timer event armed and IRQs unmasked, and the
 * test runs as CPU 0; else -1. */
int cpus_teardown(void);

/* Runs CPU `cpu`'s runnable threads from its idle thread (the test). */
void run_cpu(unsigned int cpu);
/* The timer interrupt of the current CPU, with the counter at `ticks`. */
void timer_irq_at(u64 ticks);

#endif
