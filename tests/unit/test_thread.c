// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/thread.c: the per-CPU scheduler, blocking and waking,
 * wait queues and sleeping, on the fake arch's ucontext threads.
 *
 * The test itself plays each CPU's idle thread (thread_fixture.h): threads
 * record what they did in the trace and a few variables.
 */
#include "thread_fixture.h"
#include <kestrel/page_alloc.h>
#include <kestrel/heap.h>

#define MS		1000000ULL	/* ns */

static struct waitq wq;

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* The fixture's CPUs, and an empty wait queue. */
static int setup(void **state)
{
	cpus_setup();
	waitq_init(&wq);
	return 0;
}

/* Every test ends back in CPU 0's idle thread with nothing left to run, no
 * timer event armed (they live on thread stacks), IRQs unmasked and no
 * waiter on the wait queue. */
static int teardown(void **state)
{
	if (cpus_teardown())
		return -1;
	return list_empty(&wq.waiters) ? 0 : -1;
}

/* --- helpers ------------------------------------------------------------- */

static bool runq_holds(unsigned int cpu, const struct thread *t)
{
	struct list_head *pos;

	list_for_each(pos, &cpus[cpu].runq[t->prio])
		if (list_entry(pos, struct thread, rq_node) == t)
			return true;
	return false;
}

static unsigned int list_count(const struct list_head *h)
{
	unsigned int n = 0;

	for (const struct list_head *pos = h->next; pos != h; pos = pos->next)
		n++;
	return n;
}

static struct thread *create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = thread_create(name, fn, arg, 0);

	assert_non_null(t);
	return t;
}

/* --- creating and running ------------------------------------------------ */

/* What record_self saw while it ran. */
static struct thread *ran_as;
static unsigned int ran_on;
static bool ran_irqs_masked;
static char *ran_stack;

static void record_self(void *word)
{
	ran_as = thread_current();
	ran_on = arch_cpu_id();
	ran_irqs_masked = arch_irqs_disabled();
	ran_stack = __builtin_frame_address(0);
	note(word);
}

static void test_create_runs_on_yield(void **state)
{
	struct thread *t = create("worker", record_self, "ran");

	assert_string_equal(t->name, "worker");
	assert_int_equal(t->cpu, 0);
	assert_int_equal(t->state, THREAD_RUNNABLE);
	assert_true(runq_holds(0, t));
	assert_true(t->stack_size >= CONFIG_STACK_SIZE);
	assert_int_equal(stub_ipis[0][IPI_KICK], 0);	/* its own CPU: no kick */
	assert_string_equal(trace, "");			/* created, not run */

	thread_yield();
	assert_string_equal(trace, "ran");
	assert_ptr_equal(ran_as, t);
	assert_int_equal(ran_on, 0);
	assert_false(ran_irqs_masked);			/* threads run with IRQs on */
	assert_true(ran_stack > (char *)t->stack &&
		    ran_stack < (char *)t->stack + t->stack_size);	/* its own stack */
	assert_int_equal(t->state, THREAD_DEAD);
	assert_ptr_equal(thread_current(), cpus[0].idle);
	assert_int_equal(t->switches_in, 1);
	assert_int_equal(cpus[0].switches, 2);		/* idle -> worker -> idle */
	assert_console_contains("thread worker exited");
	assert_false(arch_irqs_disabled());
}

static void test_create_refuses_cpu_not_online(void **state)
{
	cpus[1].state = CPU_OFFLINE;
	assert_null(thread_create("off", record_self, "off", 1));
	assert_console_contains("thread off: CPU 1 is not online");
	assert_null(thread_create("absent", record_self, "absent", NR_TEST_CPUS));
	assert_int_equal(cpus[1].runq_mask, 0);
	thread_yield();
	assert_string_equal(trace, "");
}

static void three_rounds(void *name)
{
	for (int i = 0; i < 3; i++) {
		note(name);
		thread_yield();
	}
}

static void test_round_robin(void **state)
{
	struct thread *a = create("a", three_rounds, "a");
	struct thread *b = create("b", three_rounds, "b");
	struct thread *c = create("c", three_rounds, "c");

	thread_yield();
	assert_string_equal(trace, "a b c a b c a b c");
	assert_int_equal(a->state, THREAD_DEAD);
	assert_int_equal(b->state, THREAD_DEAD);
	assert_int_equal(c->state, THREAD_DEAD);
	assert_int_equal(a->switches_in, 4);		/* first run and 3 yields */
}

/* A lone thread that yields keeps the CPU: the idle thread is not in the
 * rotation, it runs only when nothing else can. */
static void test_lone_thread_yields_to_itself(void **state)
{
	struct thread *a = create("a", three_rounds, "a");

	thread_yield();
	assert_string_equal(trace, "a a a");
	assert_int_equal(a->switches_in, 1);
	assert_int_equal(cpus[0].switches, 2);
}

static void test_dead_thread_never_runs_again(void **state)
{
	struct thread *a = create("a", record_self, "a");

	thread_yield();
	assert_int_equal(a->state, THREAD_DEAD);
	thread_wake(a);					/* ignored */
	assert_int_equal(a->state, THREAD_DEAD);
	assert_false(a->wake_pending);
	assert_false(runq_holds(0, a));
	create("b", record_self, "b");
	thread_yield();
	thread_yield();
	assert_string_equal(trace, "a b");
	assert_int_equal(a->switches_in, 1);
	sched_idle_step();				/* frees a and b */
}

/* An exited thread's struct and stack go back once the idle loop runs. */
static void test_exited_threads_are_freed(void **state)
{
	struct heap_stats before, after;
	struct page_stats pbefore, pafter;
	struct thread *t;

	heap_get_stats(&before);
	page_get_stats(&pbefore);
	t = create("t", record_self, "t");
	thread_yield();
	assert_int_equal(t->state, THREAD_DEAD);
	assert_int_equal(list_count(&cpus[0].dead), 1);
	sched_idle_step();
	assert_true(list_empty(&cpus[0].dead));
	heap_get_stats(&after);
	page_get_stats(&pafter);
	assert_int_equal(after.live_objects, before.live_objects);
	assert_int_equal(pafter.live_blocks, pbefore.live_blocks);
}

/* One pass of the idle loop waits for an interrupt only when nothing is
 * runnable, then runs whatever is. */
static void test_idle_step(void **state)
{
	sched_idle_step();
	assert_int_equal(fake_wait_for_irq_calls, 1);
	assert_false(cpus[0].in_idle);

	create("a", record_self, "a");
	sched_idle_step();
	assert_int_equal(fake_wait_for_irq_calls, 1);
	assert_string_equal(trace, "a");
	assert_false(arch_irqs_disabled());
}

/* --- blocking and waking ------------------------------------------------- */

static void block_once(void *unused)
{
	note("blocks");
	thread_block();
	note("woken");
}

static void test_block_and_wake(void **state)
{
	struct thread *t = create("t", block_once, NULL);

	thread_yield();
	assert_string_equal(trace, "blocks");
	assert_int_equal(t->state, THREAD_BLOCKED);
	assert_false(runq_holds(0, t));
	thread_yield();					/* nothing to run */
	assert_string_equal(trace, "blocks");
	assert_int_equal(t->switches_in, 1);

	thread_wake(t);
	assert_int_equal(t->state, THREAD_RUNNABLE);
	assert_true(runq_holds(0, t));
	thread_yield();
	assert_string_equal(trace, "blocks woken");
	assert_int_equal(t->state, THREAD_DEAD);
	assert_int_equal(stub_ipis[0][IPI_KICK], 0);
}

static bool pending_seen;

/* Yields to the waker, which wakes it while it is still runnable; then
 * blocks twice: the first returns on the pending wake, the second sleeps. */
static void block_after_wake(void *unused)
{
	note("yields");
	thread_yield();
	thread_block();
	note("passed");
	thread_block();
	note("woken");
}

static void wake_arg(void *t)
{
	note("wakes");
	thread_wake(t);
	pending_seen = ((struct thread *)t)->wake_pending;
}

static void test_wake_before_block_is_not_lost(void **state)
{
	struct thread *t = create("t", block_after_wake, NULL);

	pending_seen = false;
	create("waker", wake_arg, t);
	thread_yield();
	assert_true(pending_seen);
	assert_string_equal(trace, "yields wakes passed");
	assert_int_equal(t->state, THREAD_BLOCKED);	/* the second block sleeps */
	assert_false(t->wake_pending);			/* consumed by the first */

	thread_wake(t);
	thread_yield();
	assert_string_equal(trace, "yields wakes passed woken");
	assert_int_equal(t->state, THREAD_DEAD);
}

/* --- wait queues --------------------------------------------------------- */

static bool wait_result[3];

/* Waits on wq with the timeout in ns its argument points to (0: none). */
static void wait_on_wq(void *timeout)
{
	unsigned int i = thread_current()->name[0] - '0';
	u64 seq = waitq_prepare(&wq);

	wait_result[i] = waitq_wait(&wq, seq, *(u64 *)timeout);
	note(thread_current()->name);
}

static void prepare_yield_wait(void *unused)
{
	u64 seq = waitq_prepare(&wq);

	thread_yield();					/* the waker runs here */
	wait_result[0] = waitq_wait(&wq, seq, 0);
	note("returned");
}

static void wake_wq(void *unused)
{
	note("wakes");
	waitq_wake_all(&wq);
}

static void test_waitq_wake_after_prepare_is_not_lost(void **state)
{
	struct thread *t = create("t", prepare_yield_wait, NULL);

	wait_result[0] = false;
	create("waker", wake_wq, NULL);
	thread_yield();
	assert_string_equal(trace, "wakes returned");	/* did not sleep */
	assert_true(wait_result[0]);
	assert_int_equal(t->state, THREAD_DEAD);
	assert_int_equal(t->switches_in, 2);		/* first run, after its yield */
	assert_int_equal(wq.seq, 1);
}

static void test_waitq_blocks_until_wake_all(void **state)
{
	static u64 no_timeout;
	struct thread *t[3];

	t[0] = create("0", wait_on_wq, &no_timeout);
	t[1] = create("1", wait_on_wq, &no_timeout);
	t[2] = create("2", wait_on_wq, &no_timeout);
	memset(wait_result, 0, sizeof(wait_result));
	thread_yield();
	assert_string_equal(trace, "");
	assert_int_equal(list_count(&wq.waiters), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(t[i]->state, THREAD_BLOCKED);
	thread_yield();					/* still nothing to run */
	assert_string_equal(trace, "");

	waitq_wake_all(&wq);
	for (int i = 0; i < 3; i++)
		assert_true(runq_holds(0, t[i]));
	thread_yield();
	assert_string_equal(trace, "0 1 2");		/* in the order they waited */
	for (int i = 0; i < 3; i++) {
		assert_true(wait_result[i]);
		assert_int_equal(t[i]->state, THREAD_DEAD);
	}
	assert_true(list_empty(&wq.waiters));
}

static void test_waitq_wait_times_out(void **state)
{
	static u64 timeout = 2 * MS;
	struct thread *t = create("0", wait_on_wq, &timeout);

	wait_result[0] = true;
	thread_yield();
	assert_int_equal(t->state, THREAD_BLOCKED);
	assert_false(list_empty(&cpus[0].timers));
	assert_int_equal(list_first_entry(&cpus[0].timers, struct timer_event, node)->deadline,
			 2 * TICKS_PER_MS);

	timer_irq_at(2 * TICKS_PER_MS - 1);		/* one tick early */
	assert_int_equal(t->state, THREAD_BLOCKED);
	thread_yield();
	assert_string_equal(trace, "");

	timer_irq_at(2 * TICKS_PER_MS);
	assert_int_equal(t->state, THREAD_RUNNABLE);
	thread_yield();
	assert_string_equal(trace, "0");
	assert_false(wait_result[0]);
	assert_true(list_empty(&wq.waiters));
	assert_true(list_empty(&cpus[0].timers));
}

/* Woken in time: true, and the timeout (on the waiter's stack) is stopped. */
static void test_waitq_wake_before_timeout(void **state)
{
	static u64 timeout = 2 * MS;
	struct thread *t = create("0", wait_on_wq, &timeout);

	wait_result[0] = false;
	thread_yield();
	fake_counter_set(TICKS_PER_MS);
	waitq_wake_all(&wq);
	thread_yield();
	assert_string_equal(trace, "0");
	assert_true(wait_result[0]);
	assert_true(list_empty(&cpus[0].timers));
	timer_irq_at(10 * TICKS_PER_MS);		/* nothing left to fire */
	assert_int_equal(t->state, THREAD_DEAD);
	assert_int_equal(t->switches_in, 2);
}

static u64 slept_until;

static void sleep_3ms(void *unused)
{
	thread_sleep_ns(3 * MS);
	slept_until = time_now_ns();
	note("awake");
}

static void test_sleep_survives_stray_wake(void **state)
{
	struct thread *t = create("sleeper", sleep_3ms, NULL);

	thread_yield();
	assert_int_equal(t->state, THREAD_BLOCKED);

	fake_counter_set(TICKS_PER_MS);
	thread_wake(t);					/* stray: not the timeout */
	thread_yield();
	assert_int_equal(t->switches_in, 2);		/* ran, and slept again */
	assert_int_equal(t->state, THREAD_BLOCKED);
	assert_string_equal(trace, "");
	assert_int_equal(list_first_entry(&cpus[0].timers, struct timer_event, node)->deadline,
			 3 * TICKS_PER_MS);		/* the same end */

	timer_irq_at(3 * TICKS_PER_MS - 1);
	thread_yield();
	assert_string_equal(trace, "");
	timer_irq_at(3 * TICKS_PER_MS);
	thread_yield();
	assert_string_equal(trace, "awake");
	assert_int_equal(slept_until, 3 * MS);
	assert_int_equal(t->state, THREAD_DEAD);
}

/* --- other CPUs ---------------------------------------------------------- */

static void block_twice(void *unused)
{
	ran_on = arch_cpu_id();
	note("runs");
	thread_block();
	note("woken");
	thread_block();
	note("again");
}

static void test_wake_on_other_cpu_kicks_it(void **state)
{
	struct thread *t = thread_create("remote", block_twice, NULL, 1);

	/* Created from CPU 0: queued on CPU 1, which is kicked. */
	assert_non_null(t);
	assert_int_equal(t->cpu, 1);
	assert_true(runq_holds(1, t));
	assert_false(runq_holds(0, t));
	assert_int_equal(stub_ipis[1][IPI_KICK], 1);
	thread_yield();					/* CPU 0 has nothing to run */
	assert_string_equal(trace, "");

	run_cpu(1);
	assert_string_equal(trace, "runs");
	assert_int_equal(ran_on, 1);
	assert_int_equal(t->state, THREAD_BLOCKED);

	thread_wake(t);					/* from CPU 0 */
	assert_true(runq_holds(1, t));
	assert_int_equal(stub_ipis[1][IPI_KICK], 2);
	assert_int_equal(stub_ipis[0][IPI_KICK], 0);
	run_cpu(1);
	assert_string_equal(trace, "runs woken");

	fake_cpu_set(1);
	thread_wake(t);					/* from its own CPU: no kick */
	thread_yield();
	fake_cpu_set(0);
	assert_string_equal(trace, "runs woken again");
	assert_int_equal(stub_ipis[1][IPI_KICK], 2);
	assert_int_equal(t->state, THREAD_DEAD);
	assert_int_equal(cpus[0].switches, 0);		/* never ran on CPU 0 */
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_create_runs_on_yield, setup, teardown),
	cmocka_unit_test_setup_teardown(test_create_refuses_cpu_not_online, setup, teardown),
	cmocka_unit_test_setup_teardown(test_round_robin, setup, teardown),
	cmocka_unit_test_setup_teardown(test_lone_thread_yields_to_itself, setup, teardown),
	cmocka_unit_test_setup_teardown(test_dead_thread_never_runs_again, setup, teardown),
	cmocka_unit_test_setup_teardown(test_exited_threads_are_freed, setup, teardown),
	cmocka_unit_test_setup_teardown(test_idle_step, setup, teardown),
	cmocka_unit_test_setup_teardown(test_block_and_wake, setup, teardown),
	cmocka_unit_test_setup_teardown(test_wake_before_block_is_not_lost, setup, teardown),
	cmocka_unit_test_setup_teardown(test_waitq_wake_after_prepare_is_not_lost, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_waitq_blocks_until_wake_all, setup, teardown),
	cmocka_unit_test_setup_teardown(test_waitq_wait_times_out, setup, teardown),
	cmocka_unit_test_setup_teardown(test_waitq_wake_before_timeout, setup, teardown),
	cmocka_unit_test_setup_teardown(test_sleep_survives_stray_wake, setup, teardown),
	cmocka_unit_test_setup_teardown(test_wake_on_other_cpu_kicks_it, setup, teardown),
};

UNIT_MAIN(tests, group_setup, group_teardown)
