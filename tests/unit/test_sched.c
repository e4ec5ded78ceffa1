// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/thread.c's priority scheduler: strict priorities,
 * round-robin among equals, wake-up preemption (need_resched and IPI_KICK),
 * time slices and run-time accounting, on the fake arch's ucontext threads.
 *
 * As in test_thread.c, the test plays each CPU's idle thread
 * (thread_fixture.h). Threads only record what they saw (trace, seen[]).
 * An interrupt is whoever takes it calling the handler with IRQs masked: a
 * timer interrupt moves the fake counter and runs the expiry pass, an
 * IPI_KICK calls sched_kick_received. A "vCPU" thread stands for its guest
 * running until the next interrupt by taking that interrupt itself.
 */
#include "thread_fixture.h"
#include <arch_timer.h>

#define SLICE_TICKS	(CONFIG_SCHED_SLICE_MS * TICKS_PER_MS)

/* The scheduler state of one CPU as a thread saw it at some point. */
struct seen {
	bool need_resched;
	bool slice_armed;
	u64 slice_deadline;
	unsigned int kicks;	/* IPI_KICKs sent to that CPU so far */
	u32 runq_mask;
};

static struct seen seen[5];

static void look(struct seen *s, unsigned int cpu)
{
	struct cpu *c = &cpus[cpu];

	s->need_resched = c->need_resched;
	s->slice_armed = timer_event_armed(&c->slice);
	s->slice_deadline = c->slice.deadline;
	s->kicks = stub_ipis[cpu][IPI_KICK];
	s->runq_mask = c->runq_mask;
}

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

/* The fixture's CPUs, and nothing seen yet. */
static int setup(void **state)
{
	cpus_setup();
	memset(seen, 0, sizeof(seen));
	return 0;
}

/* Every test ends back in CPU 0's idle thread with nothing left to run, no
 * timer event (a slice included) armed and IRQs unmasked. */
static int teardown(void **state)
{
	return cpus_teardown();
}

/* --- helpers ------------------------------------------------------------- */

static struct thread *create_on(const char *name, void (*fn)(void *), void *arg,
				unsigned int cpu, unsigned int prio)
{
	struct thread *t = thread_create_prio(name, fn, arg, cpu, prio);

	assert_non_null(t);
	return t;
}

static struct thread *create(const char *name, void (*fn)(void *), unsigned int prio)
{
	return create_on(name, fn, NULL, 0, prio);
}

/* The IPI_KICK handler on the current CPU. */
static void kick_irq(void)
{
	unsigned long flags = arch_irq_save();

	sched_kick_received();
	arch_irq_restore(flags);
}

/* thread_wake(t) as CPU `from` would call it, while the caller runs on. */
static void wake_from(unsigned int from, struct thread *t)
{
	unsigned int self = arch_cpu_id();

	fake_cpu_set(from);
	thread_wake(t);
	fake_cpu_set(self);
}

/* The guest of a vCPU thread runs until the next interrupt: the counter
 * jumps to this CPU's earliest timer event, which fires. False when none is
 * armed: the guest would run on, never interrupted. */
static bool guest_runs_until_timer(void)
{
	struct cpu *c = this_cpu();

	if (list_empty(&c->timers))
		return false;
	timer_irq_at(list_first_entry(&c->timers, struct timer_event, node)->deadline);
	return true;
}

static void note_name(void *unused)
{
	note(thread_current()->name);
}

/* Notes its name, blocks, notes it again once woken. */
static void block_once(void *unused)
{
	note(thread_current()->name);
	thread_block();
	note(thread_current()->name);
}

static void three_rounds(void *unused)
{
	for (int i = 0; i < 3; i++) {
		note(thread_current()->name);
		thread_yield();
	}
}

/* The loop of a vCPU thread, two guest exits long: after each exit it
 * yields if asked to. */
static void vcpu_loop(void *unused)
{
	for (int i = 0; i < 2; i++) {
		note(thread_current()->name);
		if (!guest_runs_until_timer())
			note("alone");
		if (sched_need_resched())
			thread_yield();
	}
}

/* --- priorities ---------------------------------------------------------- */

static void test_highest_priority_runs_first(void **state)
{
	struct thread *low = create("low", note_name, 2);
	struct thread *sys = thread_create("sys", note_name, NULL, 0);
	struct thread *mid = create("mid", note_name, 7);
	struct thread *top = create("top", note_name, THREAD_PRIO_MAX);

	assert_non_null(sys);
	assert_int_equal(sys->prio, THREAD_PRIO_SYSTEM);
	assert_int_equal(cpus[0].runq_mask,
			 BIT(2) | BIT(7) | BIT(THREAD_PRIO_SYSTEM) | BIT(THREAD_PRIO_MAX));
	thread_yield();
	assert_string_equal(trace, "top sys mid low");
	assert_int_equal(low->switches_in, 1);
	assert_int_equal(mid->switches_in, 1);
	assert_int_equal(top->switches_in, 1);
}

static void note_and_look(void *slot)
{
	note(thread_current()->name);
	look(slot, 0);
}

/* The two ends of the bitmap: the pick finds bit 15 above bit 0, then bit 0
 * alone. */
static void test_pick_with_priorities_0_and_15(void **state)
{
	create_on("p0", note_and_look, &seen[1], 0, 0);
	create_on("p15", note_and_look, &seen[0], 0, 15);

	assert_int_equal(cpus[0].runq_mask, BIT(0) | BIT(15));
	thread_yield();
	assert_string_equal(trace, "p15 p0");
	assert_int_equal(seen[0].runq_mask, BIT(0));	/* p15 ran, p0 waited */
	assert_int_equal(seen[1].runq_mask, 0);
}

static void test_create_refuses_priority_above_max(void **state)
{
	assert_null(thread_create_prio("bad", note_name, NULL, 0, THREAD_PRIO_MAX + 1));
	assert_console_contains("thread bad: priority 16 is above 15");
	assert_int_equal(cpus[0].runq_mask, 0);
}

static void test_round_robin_within_priority(void **state)
{
	struct thread *a = create("a", three_rounds, 5);
	struct thread *b = create("b", three_rounds, 5);
	struct thread *c = create("c", three_rounds, 5);
	struct thread *low = create("low", note_name, 4);

	thread_yield();
	assert_string_equal(trace, "a b c a b c a b c low");
	assert_int_equal(a->switches_in, 4);		/* first run and 3 yields */
	assert_int_equal(b->switches_in, 4);
	assert_int_equal(c->switches_in, 4);
	assert_int_equal(low->switches_in, 1);
	assert_int_equal(a->preemptions, 0);		/* nothing asked them to */
}

static void test_yield_never_runs_lower_priority(void **state)
{
	struct thread *lo = create("lo", note_name, 3);
	struct thread *hi = create("hi", three_rounds, 8);

	thread_yield();
	assert_string_equal(trace, "hi hi hi lo");
	assert_int_equal(hi->switches_in, 1);		/* its yields kept the CPU */
	assert_int_equal(lo->switches_in, 1);
}

/* Nothing but a lower priority is runnable: the idle loop does not wait. */
static void test_idle_step_runs_priority_0(void **state)
{
	create("p0", note_name, 0);
	sched_idle_step();
	assert_int_equal(fake_wait_for_irq_calls, 0);
	assert_string_equal(trace, "p0");
	sched_idle_step();
	assert_int_equal(fake_wait_for_irq_calls, 1);
}

/* --- wake-up preemption -------------------------------------------------- */

static struct thread *wakee[3];

/* Wakes wakee[0], looks, yields, notes that it resumed. */
static void wake_look_yield(void *unused)
{
	note("waker");
	thread_wake(wakee[0]);
	look(&seen[0], 0);
	thread_yield();
	note("resumes");
}

static void test_wake_of_higher_priority_sets_need_resched(void **state)
{
	struct thread *waker;

	wakee[0] = create("hi", block_once, 9);
	thread_yield();
	waker = create("waker", wake_look_yield, 5);
	thread_yield();
	assert_string_equal(trace, "hi waker hi resumes");
	assert_true(seen[0].need_resched);
	assert_false(seen[0].slice_armed);
	assert_int_equal(seen[0].kicks, 0);		/* its own CPU: no IPI */
	assert_int_equal(waker->preemptions, 1);
	assert_int_equal(wakee[0]->preemptions, 0);
	assert_false(sched_need_resched());		/* cleared by the switches */
}

static void test_wake_of_lower_priority_does_not_preempt(void **state)
{
	struct thread *waker;

	wakee[0] = create("lo", block_once, 3);
	thread_yield();
	waker = create("waker", wake_look_yield, 9);
	thread_yield();
	assert_string_equal(trace, "lo waker resumes lo");
	assert_false(seen[0].need_resched);
	assert_false(seen[0].slice_armed);
	assert_int_equal(waker->preemptions, 0);
	assert_int_equal(waker->switches_in, 1);
}

/* Wakes two equals a millisecond apart, looking before and after each. */
static void wake_two_equals(void *unused)
{
	look(&seen[0], 0);
	thread_wake(wakee[0]);
	look(&seen[1], 0);
	fake_counter_advance(TICKS_PER_MS);
	thread_wake(wakee[1]);
	look(&seen[2], 0);
	note("waker");
}

static void test_wake_of_equal_priority_arms_one_slice(void **state)
{
	wakee[0] = create("eq1", block_once, 5);
	wakee[1] = create("eq2", block_once, 5);
	thread_yield();
	fake_counter_set(TICKS_PER_MS);
	create("waker", wake_two_equals, 5);
	thread_yield();
	assert_string_equal(trace, "eq1 eq2 waker eq1 eq2");
	assert_false(seen[0].slice_armed);		/* alone at its priority */
	assert_true(seen[1].slice_armed);
	assert_false(seen[1].need_resched);
	assert_int_equal(seen[1].slice_deadline, TICKS_PER_MS + SLICE_TICKS);
	assert_true(seen[2].slice_armed);		/* the same slice, not a longer one */
	assert_int_equal(seen[2].slice_deadline, TICKS_PER_MS + SLICE_TICKS);
	assert_int_equal(seen[2].kicks, 0);
}

/* The current thread of CPU 1, while CPU 0 wakes a lower, an equal and a
 * higher thread of CPU 1, and CPU 1 takes the kick in between. */
static void cpu1_current(void *unused)
{
	wake_from(0, wakee[0]);
	look(&seen[0], 1);
	wake_from(0, wakee[1]);
	look(&seen[1], 1);
	kick_irq();
	look(&seen[2], 1);
	wake_from(0, wakee[2]);
	look(&seen[3], 1);
	thread_yield();
	note("cur");
}

static void test_remote_wakes_kick_only_when_needed(void **state)
{
	struct thread *cur;

	wakee[0] = create_on("lo", block_once, NULL, 1, 3);
	wakee[1] = create_on("eq", block_once, NULL, 1, 5);
	wakee[2] = create_on("hi", block_once, NULL, 1, 8);
	assert_int_equal(stub_ipis[1][IPI_KICK], 3);	/* CPU 1 was idle */
	run_cpu(1);
	stubs_reset();
	fake_counter_set(TICKS_PER_MS);
	cur = create_on("cur", cpu1_current, NULL, 1, 5);
	assert_int_equal(stub_ipis[1][IPI_KICK], 1);
	run_cpu(1);
	assert_string_equal(trace, "hi eq lo hi eq cur lo");

	assert_int_equal(seen[0].kicks, 1);		/* lower: nothing to do */
	assert_false(seen[0].need_resched);
	assert_false(seen[0].slice_armed);
	assert_int_equal(seen[1].kicks, 2);		/* equal: CPU 1 must arm */
	assert_false(seen[1].need_resched);
	assert_false(seen[1].slice_armed);		/* only CPU 1 can */
	assert_true(seen[2].slice_armed);		/* armed by the kick */
	assert_int_equal(seen[2].slice_deadline, TICKS_PER_MS + SLICE_TICKS);
	assert_int_equal(seen[3].kicks, 3);		/* higher: switch */
	assert_true(seen[3].need_resched);
	assert_int_equal(cur->preemptions, 1);
	assert_int_equal(stub_ipis[0][IPI_KICK], 0);
	assert_true(list_empty(&cpus[1].timers));
}

/* An idle CPU is below every thread: a wake always asks it to switch. */
static void test_wake_of_idle_cpu_sets_need_resched(void **state)
{
	create("t", note_name, 0);
	assert_true(sched_need_resched());
	thread_create("remote", note_name, NULL, 1);
	assert_true(cpus[1].need_resched);
	assert_int_equal(stub_ipis[1][IPI_KICK], 1);
	thread_yield();
	assert_string_equal(trace, "t");
	assert_false(sched_need_resched());
	run_cpu(1);
	assert_false(cpus[1].need_resched);
}

/* --- time slices --------------------------------------------------------- */

/* Takes timer interrupts one tick before its slice ends and at its end. */
static void run_out_slice(void *unused)
{
	u64 end;

	note("a");
	look(&seen[0], 0);
	end = cpus[0].slice.deadline;
	timer_irq_at(end - 1);
	look(&seen[1], 0);
	timer_irq_at(end);
	look(&seen[2], 0);
	thread_yield();
	look(&seen[4], 0);
	note("a-again");
}

static void test_slice_expiry_sets_need_resched(void **state)
{
	struct thread *a = create("a", run_out_slice, 5);

	create_on("b", note_and_look, &seen[3], 0, 5);
	thread_yield();
	assert_string_equal(trace, "a b a-again");
	assert_true(seen[0].slice_armed);		/* b waits: a has a slice */
	assert_int_equal(seen[0].slice_deadline, SLICE_TICKS);
	assert_true(seen[1].slice_armed);		/* one tick early: nothing */
	assert_false(seen[1].need_resched);
	assert_false(seen[2].slice_armed);		/* expired */
	assert_true(seen[2].need_resched);
	assert_false(seen[3].need_resched);		/* cleared by the switch */
	assert_true(seen[3].slice_armed);		/* a waits: b has a fresh slice */
	assert_int_equal(seen[3].slice_deadline, 2 * SLICE_TICKS);
	assert_false(seen[4].slice_armed);		/* a alone again: none */
	assert_int_equal(a->preemptions, 1);
}

static void test_slices_share_cpu_between_equals(void **state)
{
	struct thread *a = create("A", vcpu_loop, 5);
	struct thread *b = create("B", vcpu_loop, 5);

	thread_yield();
	assert_string_equal(trace, "A B A B");
	assert_int_equal(arch_counter_read(), 4 * SLICE_TICKS);
	assert_int_equal(a->run_ticks, 2 * SLICE_TICKS);
	assert_int_equal(b->run_ticks, 2 * SLICE_TICKS);
	assert_int_equal(a->preemptions, 2);
	assert_int_equal(b->preemptions, 2);
	assert_int_equal(a->switches_in, 3);		/* two slices, then exit */
}

/* Alone at its priority (a lower one waiting does not count), a thread has
 * no slice: its guest is never interrupted. */
static void test_lone_thread_arms_no_slice(void **state)
{
	struct thread *a = create("A", vcpu_loop, 5);
	struct thread *low = create("low", note_name, 2);

	thread_yield();
	assert_string_equal(trace, "A alone A alone low");
	assert_int_equal(a->preemptions, 0);
	assert_int_equal(a->switches_in, 1);
	assert_int_equal(low->switches_in, 1);
	assert_int_equal(cpus[0].timer_fires, 0);
}

/* Looks while it has an equal waiting, blocks, looks again when it is
 * alone. */
static void look_block_look(void *unused)
{
	look(&seen[0], 0);
	thread_block();
	look(&seen[2], 0);
	note("a");
}

static void look_wake_a(void *a)
{
	look(&seen[1], 0);
	thread_wake(a);
	note("b");
}

/* No slice outlives the switch it was armed for. */
static void test_switch_leaves_no_stale_slice(void **state)
{
	struct thread *a = create("a", look_block_look, 5);

	create_on("b", look_wake_a, a, 0, 5);
	thread_yield();
	assert_string_equal(trace, "b a");
	assert_true(seen[0].slice_armed);
	assert_false(seen[1].slice_armed);		/* a blocked: b is alone */
	assert_false(seen[2].slice_armed);		/* b exited: a is alone */
}

/* --- accounting ---------------------------------------------------------- */

static void run_3ms_block_run_2ms(void *unused)
{
	fake_counter_advance(3 * TICKS_PER_MS);
	thread_block();
	fake_counter_advance(2 * TICKS_PER_MS);
}

/* Only the time a thread is current counts, whatever ends its turn. */
static void test_run_ticks_accumulate(void **state)
{
	struct thread *t = create("t", run_3ms_block_run_2ms, 5);
	u64 idle_before = cpus[0].idle->run_ticks;	/* idle threads outlive tests */

	thread_yield();
	assert_int_equal(t->state, THREAD_BLOCKED);
	assert_int_equal(t->run_ticks, 3 * TICKS_PER_MS);
	fake_counter_advance(5 * TICKS_PER_MS);		/* idle time: not t's */
	thread_wake(t);
	thread_yield();
	assert_int_equal(t->state, THREAD_DEAD);
	assert_int_equal(t->run_ticks, 5 * TICKS_PER_MS);
	assert_int_equal(t->switches_in, 2);
	assert_int_equal(cpus[0].idle->run_ticks - idle_before, 5 * TICKS_PER_MS);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_highest_priority_runs_first, setup, teardown),
	cmocka_unit_test_setup_teardown(test_pick_with_priorities_0_and_15, setup, teardown),
	cmocka_unit_test_setup_teardown(test_create_refuses_priority_above_max, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_round_robin_within_priority, setup, teardown),
	cmocka_unit_test_setup_teardown(test_yield_never_runs_lower_priority, setup, teardown),
	cmocka_unit_test_setup_teardown(test_idle_step_runs_priority_0, setup, teardown),
	cmocka_unit_test_setup_teardown(test_wake_of_higher_priority_sets_need_resched, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_wake_of_lower_priority_does_not_preempt, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_wake_of_equal_priority_arms_one_slice, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_remote_wakes_kick_only_when_needed, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_wake_of_idle_cpu_sets_need_resched, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_slice_expiry_sets_need_resched, setup, teardown),
	cmocka_unit_test_setup_teardown(test_slices_share_cpu_between_equals, setup, teardown),
	cmocka_unit_test_setup_teardown(test_lone_thread_arms_no_slice, setup, teardown),
	cmocka_unit_test_setup_teardown(test_switch_leaves_no_stale_slice, setup, teardown),
	cmocka_unit_test_setup_teardown(test_run_ticks_accumulate, setup, teardown),
};

UNIT_MAIN(tests, group_setup, group_teardown)
