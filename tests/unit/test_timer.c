// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of core/timer.c: time conversions on the fake counter, and the
 * per-CPU event queues against a fake clockevent that records what each
 * CPU's hardware timer was programmed to.
 */
#include "unit.h"
#include <kestrel/timer.h>
#include <kestrel/percpu.h>
#include <arch_irq.h>

#define NS_PER_S 1000000000ULL

/* The fake hardware timer of each CPU. */
static struct {
	bool armed;
	u64 deadline;
	unsigned int programs, stops;
} hw[CONFIG_NR_CPUS];

static void hw_set_deadline(u64 deadline)
{
	hw[arch_cpu_id()].armed = true;
	hw[arch_cpu_id()].deadline = deadline;
	hw[arch_cpu_id()].programs++;
}

static void hw_stop(void)
{
	hw[arch_cpu_id()].armed = false;
	hw[arch_cpu_id()].stops++;
}

static const struct clockevent_ops fake_clockevent = {
	.name = "fake-timer", .set_deadline = hw_set_deadline, .stop = hw_stop,
};

/* Which events fired, in order, as letters. */
static char fired[64];

static void record(struct timer_event *ev, void *arg)
{
	size_t n = strlen(fired);

	assert_false(timer_event_armed(ev));	/* disarmed before its call */
	assert_true(n + 1 < sizeof(fired));
	fired[n] = *(const char *)arg;
	fired[n + 1] = '\0';
}

static struct timer_event ev_a, ev_b, ev_c;

static int setup(void **state)
{
	fake_arch_reset();
	memset(hw, 0, sizeof(hw));
	memset(cpus, 0, sizeof(cpus));
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++) {
		cpus[i].id = i;
		spin_lock_init(&cpus[i].timer_lock);
		list_init(&cpus[i].timers);
	}
	fired[0] = '\0';
	time_init();
	clockevent_register(&fake_clockevent);
	timer_event_init(&ev_a, record, "A");
	timer_event_init(&ev_b, record, "B");
	timer_event_init(&ev_c, record, "C");
	return 0;
}

/* Moves the counter to `ticks` and runs the expiry pass of the current CPU. */
static void expire_at(u64 ticks)
{
	fake_counter_set(ticks);
	timer_events_expire();
}

static void test_conversions_at_62_5_mhz(void **state)
{
	assert_int_equal(time_ticks_to_ns(1), 16);
	assert_int_equal(time_ns_to_ticks(16), 1);
	assert_int_equal(time_ns_to_ticks(15), 0);
	assert_int_equal(time_ticks_to_ns(FAKE_COUNTER_FREQ), NS_PER_S);
	/* Exact both ways (16 ns per tick), up to a century of uptime. */
	for (u64 t = 1; t < (1ULL << 58); t = t * 3 + 7) {
		assert_int_equal(time_ns_to_ticks(time_ticks_to_ns(t)), t);
		assert_int_equal(time_ticks_to_ns(t), t * 16);
	}
	assert_int_equal(time_ticks_to_ns(FAKE_COUNTER_FREQ * 3600 * 24 * 365 * 100),
			 3600ULL * 24 * 365 * 100 * NS_PER_S);
}

static void test_conversions_at_other_frequencies(void **state)
{
	static const u64 freqs[] = { 24000000, 19200000, 1000000000, 1000000, 32768 };

	for (unsigned int i = 0; i < ARRAY_SIZE(freqs); i++) {
		u64 period_ns = (NS_PER_S + freqs[i] - 1) / freqs[i];

		fake_counter_set_freq(freqs[i]);
		time_init();
		assert_int_equal(time_ticks_to_ns(freqs[i]), NS_PER_S);
		assert_int_equal(time_ns_to_ticks(NS_PER_S), freqs[i]);
		/* Any count of ticks or ns within a century of uptime. */
		for (u64 x = 1; x < freqs[i] * 3600 * 24 * 365 * 100; x = x * 5 + 3) {
			u64 back = time_ticks_to_ns(time_ns_to_ticks(x));
			u64 t = time_ns_to_ticks(time_ticks_to_ns(x));

			/* Both round down: never more, and less by under a tick. */
			assert_true(back <= x && x - back < period_ns);
			assert_true(t <= x && x - t <= 1);
		}
	}
	fake_counter_set_freq(0);		/* firmware left it unset: 1 Hz */
	time_init();
	assert_int_equal(time_ticks_to_ns(5), 5 * NS_PER_S);
}

static void test_time_since_boot(void **state)
{
	fake_counter_set(123456);
	time_init();
	assert_int_equal(time_now_ns(), 0);
	fake_counter_advance(62500);
	assert_int_equal(time_now_ns(), 1000000);
	assert_string_equal(clockevent_name(), "fake-timer");
}

static void test_events_fire_in_deadline_order(void **state)
{
	timer_event_start_at(&ev_a, 300);
	assert_int_equal(hw[0].deadline, 300);
	timer_event_start_at(&ev_b, 100);
	assert_int_equal(hw[0].deadline, 100);
	timer_event_start_at(&ev_c, 200);
	assert_int_equal(hw[0].deadline, 100);
	assert_true(timer_event_armed(&ev_a) && timer_event_armed(&ev_b));
	expire_at(99);				/* early interrupt: nothing due */
	assert_string_equal(fired, "");
	expire_at(250);
	assert_string_equal(fired, "BC");
	assert_true(hw[0].armed);
	assert_int_equal(hw[0].deadline, 300);
	expire_at(300);				/* due exactly at the deadline */
	assert_string_equal(fired, "BCA");
	assert_false(hw[0].armed);		/* nothing left: timer stopped */
	assert_int_equal(cpus[0].timer_fires, 3);
	assert_false(timer_event_armed(&ev_a));
	assert_false(arch_irqs_disabled());
}

static void test_stop_removes(void **state)
{
	timer_event_start_at(&ev_a, 100);
	timer_event_start_at(&ev_b, 200);
	assert_true(timer_event_stop(&ev_a));
	assert_false(timer_event_armed(&ev_a));
	assert_int_equal(hw[0].deadline, 200);
	assert_false(timer_event_stop(&ev_a));		/* not armed any more */
	expire_at(1000);
	assert_string_equal(fired, "B");
	assert_false(timer_event_stop(&ev_b));		/* fired: not armed */
	assert_false(timer_event_stop(&ev_c));		/* never armed */
}

static void test_rearm_moves(void **state)
{
	timer_event_start_at(&ev_a, 100);
	timer_event_start_at(&ev_b, 200);
	timer_event_start_at(&ev_a, 300);		/* later */
	assert_int_equal(hw[0].deadline, 200);
	expire_at(250);
	assert_string_equal(fired, "B");
	timer_event_start_at(&ev_a, 50);		/* earlier, already due */
	assert_int_equal(hw[0].deadline, 50);
	expire_at(260);
	assert_string_equal(fired, "BA");		/* once, not twice */
	assert_false(hw[0].armed);
}

/* Arms, re-arms and stops at pseudo-random: the hardware always holds the
 * earliest armed deadline, or is stopped when none is armed. */
static void test_programmed_deadline_is_the_earliest(void **state)
{
	struct timer_event ev[8];
	u32 rnd = 12345;

	for (unsigned int i = 0; i < ARRAY_SIZE(ev); i++)
		timer_event_init(&ev[i], record, "x");
	for (unsigned int step = 0; step < 2000; step++) {
		unsigned int i;
		u64 earliest = UINT64_MAX;

		rnd = rnd * 1103515245 + 12345;
		i = (rnd >> 16) % ARRAY_SIZE(ev);
		if ((rnd >> 8) % 3 == 0)
			timer_event_stop(&ev[i]);
		else
			timer_event_start_at(&ev[i], 1000 + (rnd >> 4) % 5000);
		for (unsigned int j = 0; j < ARRAY_SIZE(ev); j++)
			if (timer_event_armed(&ev[j]) && ev[j].deadline < earliest)
				earliest = ev[j].deadline;
		if (earliest == UINT64_MAX) {
			assert_false(hw[0].armed);
		} else {
			assert_true(hw[0].armed);
			assert_int_equal(hw[0].deadline, earliest);
		}
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(ev); i++)
		timer_event_stop(&ev[i]);
	assert_false(hw[0].armed);
}

static unsigned int periodic_runs;

static void periodic(struct timer_event *ev, void *arg)
{
	periodic_runs++;
	if (periodic_runs == 2)
		timer_event_start_at(&ev_c, 0);	/* already due: runs in this pass */
	timer_event_start_at(ev, ev->deadline + 100);
}

static void test_callbacks_may_arm_events(void **state)
{
	struct timer_event tick;

	periodic_runs = 0;
	timer_event_init(&tick, periodic, NULL);
	timer_event_start_at(&tick, 100);
	for (u64 t = 100; t <= 500; t += 100) {
		expire_at(t);
		assert_int_equal(periodic_runs, t / 100);	/* once per pass */
		assert_int_equal(hw[0].deadline, t + 100);
	}
	assert_string_equal(fired, "C");
	assert_true(timer_event_stop(&tick));
}

static void test_relative_start_never_fires_early(void **state)
{
	static const u64 freqs[] = { FAKE_COUNTER_FREQ, 24000000, 19200000, 32768 };

	fake_counter_set(1000);
	timer_event_start(&ev_a, 100);		/* 6.25 ticks: 7, not 6 */
	assert_int_equal(ev_a.deadline, 1000 + 7);
	timer_event_start(&ev_a, 160);		/* exactly 10 ticks */
	assert_int_equal(ev_a.deadline, 1000 + 10);
	for (unsigned int i = 0; i < ARRAY_SIZE(freqs); i++) {
		fake_counter_set_freq(freqs[i]);
		time_init();
		for (u64 ns = 1; ns < 10 * NS_PER_S; ns = ns * 3 + 1) {
			u64 ticks;

			timer_event_start(&ev_a, ns);
			ticks = ev_a.deadline - 1000;
			/* ticks / freq >= ns / 1e9, and one tick fewer is not. */
			assert_true((unsigned __int128)ticks * NS_PER_S >=
				    (unsigned __int128)ns * freqs[i]);
			assert_true((unsigned __int128)(ticks - 1) * NS_PER_S <
				    (unsigned __int128)ns * freqs[i]);
		}
	}
	timer_event_stop(&ev_a);
}

static void test_queues_are_per_cpu(void **state)
{
	timer_event_start_at(&ev_a, 500);		/* on CPU 0 */
	fake_cpu_set(1);
	timer_event_start_at(&ev_b, 100);
	assert_int_equal(ev_b.cpu, 1);
	assert_int_equal(hw[1].deadline, 100);
	assert_int_equal(hw[0].deadline, 500);
	fake_cpu_set(0);
	expire_at(200);					/* CPU 0: B is not its event */
	assert_string_equal(fired, "");
	/* Stopping CPU 1's event from CPU 0 leaves CPU 0's hardware alone. */
	unsigned int programs = hw[0].programs, stops = hw[0].stops;

	assert_true(timer_event_stop(&ev_b));
	assert_int_equal(hw[0].programs, programs);
	assert_int_equal(hw[0].stops, stops);
	fake_cpu_set(1);
	expire_at(300);					/* the stale deadline: nothing */
	assert_string_equal(fired, "");
	assert_false(hw[1].armed);
	fake_cpu_set(0);
	expire_at(500);
	assert_string_equal(fired, "A");
}

static void test_without_a_clockevent(void **state)
{
	clockevent_register(NULL);
	assert_string_equal(clockevent_name(), "none");
	timer_event_start_at(&ev_a, 10);
	expire_at(10);
	assert_string_equal(fired, "A");
	assert_int_equal(hw[0].programs, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)
static const struct CMUnitTest tests[] = {
	T(test_conversions_at_62_5_mhz),
	T(test_conversions_at_other_frequencies),
	T(test_time_since_boot),
	T(test_events_fire_in_deadline_order),
	T(test_stop_removes),
	T(test_rearm_moves),
	T(test_programmed_deadline_is_the_earliest),
	T(test_callbacks_may_arm_events),
	T(test_relative_start_never_fires_early),
	T(test_queues_are_per_cpu),
	T(test_without_a_clockevent),
};

UNIT_MAIN(tests, NULL, NULL)
