// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU thread: enter the guest, handle the exit, repeat; sleep while
 * the guest waits for an interrupt, while it is powered off and while the
 * hypervisor holds it parked. Requests (park, exit) and kicks from other
 * threads are seen before every entry: a vCPU announces it is about to
 * enter (in_guest) and then checks; a requester sets its request and then
 * checks in_guest, interrupting the CPU if needed. One of the two always
 * sees the other.
 */
#define LOG_PREFIX "vcpu"
#include <arch_guest.h>
#include <arch_irq.h>
#include <arch_cpu.h>
#include <arch_timer.h>
#include <kestrel/guest.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/percpu.h>
#include <kestrel/thread.h>
#include <kestrel/vcpu.h>
#include <printf.h>

static struct vcpu *current_vcpu[CONFIG_NR_CPUS];

struct vcpu *vcpu_current(void)
{
	return current_vcpu[arch_cpu_id()];
}

const char *vcpu_state_name(enum vcpu_state s)
{
	static const char *const names[] = { "off", "running", "waiting", "parked" };

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void set_state(struct vcpu *v, enum vcpu_state s)
{
	if (v->state == s)
		return;
	WRITE_ONCE(v->state, s);
	waitq_wake_all(&v->guest->vcpu_wq);
}

void vcpu_kick(struct vcpu *v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(v->in_guest) && v->host_cpu != arch_cpu_id())
		irq_send_ipi(v->host_cpu, IPI_KICK);
	else
		thread_wake(v->thread);
}

static void request(struct vcpu *v, unsigned long req)
{
	__atomic_or_fetch(&v->requests, req, __ATOMIC_SEQ_CST);
	vcpu_kick(v);
}

static void wait_state(struct vcpu *v, bool (*done)(struct vcpu *v))
{
	for (;;) {
		u64 seq = waitq_prepare(&v->guest->vcpu_wq);

		if (done(v))
			return;
		waitq_wait(&v->guest->vcpu_wq, seq, 0);
	}
}

static bool is_parked(struct vcpu *v)
{
	return READ_ONCE(v->state) == VCPU_PARKED;
}

void vcpu_park(struct vcpu *v)
{
	request(v, VCPU_REQ_PARK);
	wait_state(v, is_parked);
}

void vcpu_unpark(struct vcpu *v)
{
	__atomic_and_fetch(&v->requests, ~VCPU_REQ_PARK, __ATOMIC_SEQ_CST);
	thread_wake(v->thread);
}

int vcpu_power_on(struct vcpu *t, gpa_t entry, u64 arg)
{
	bool expected = false;

	if (READ_ONCE(t->power_on))
		return -EALREADY;
	t->on_entry = entry;
	t->on_arg = arg;
	/* The target's thread does the reset; power_on flips to true here so
	 * a second CPU_ON sees it at once. */
	if (!__atomic_compare_exchange_n(&t->power_on, &expected, true, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return -EALREADY;
	__atomic_or_fetch(&t->requests, VCPU_REQ_POWER_ON, __ATOMIC_SEQ_CST);
	vcpu_kick(t);
	return 0;
}

void vcpu_power_off_self(struct vcpu *v)
{
	WRITE_ONCE(v->power_on, false);
}

static void wake_timer_fn(struct timer_event *ev, void *arg)
{
	struct vcpu *v = arg;

	thread_wake(v->thread);
}

/* Guest waits for an interrupt: sleep until one is pending, a request
 * comes, or its virtual timer's deadline passes. v is put meanwhile. */
static void vcpu_wait(struct vcpu *v)
{
	u64 deadline = arch_vcpu_timer_deadline(v);

	set_state(v, VCPU_WAIT);
	if (deadline)
		timer_event_start_at(&v->wake_timer, deadline);
	while (!READ_ONCE(v->requests) && !arch_vcpu_wakeup_pending(v))
		thread_block();
	timer_event_stop(&v->wake_timer);
	set_state(v, VCPU_RUN);
}

/* Handles park / exit / power requests. Returns false when the thread must
 * end. v is put. */
static bool handle_requests(struct vcpu *v)
{
	for (;;) {
		unsigned long req = READ_ONCE(v->requests);

		if (req & VCPU_REQ_EXIT)
			return false;
		if (req & VCPU_REQ_PARK) {
			set_state(v, VCPU_PARKED);
			thread_block();
			continue;
		}
		if (req & VCPU_REQ_POWER_ON) {
			__atomic_and_fetch(&v->requests, ~VCPU_REQ_POWER_ON, __ATOMIC_SEQ_CST);
			arch_vcpu_reset(v, v->on_entry, v->on_arg);
			continue;
		}
		if (!READ_ONCE(v->power_on)) {
			set_state(v, VCPU_OFF);
			thread_block();
			continue;
		}
		set_state(v, VCPU_RUN);
		return true;
	}
}

static void unload(struct vcpu *v, bool *loaded)
{
	if (!*loaded)
		return;
	arch_vcpu_put(v);
	current_vcpu[v->host_cpu] = NULL;
	*loaded = false;
}

/* Nothing but the guest wants this CPU: no request for the vCPU, still
 * powered on (PSCI CPU_OFF), no reschedule, no interrupt waiting (IRQs are
 * masked). */
static bool guest_only(struct vcpu *v)
{
	return !READ_ONCE(v->requests) && READ_ONCE(v->power_on) && !sched_need_resched() &&
	       !arch_irq_pending();
}

/* Guest entries, for as long as exits are handled in place (a hypercall,
 * an emulated access) and nothing else wants the CPU: the common trap goes
 * back into the guest without leaving this loop. Returns true when the
 * vCPU should give the CPU away. */
static bool run_once(struct vcpu *v, bool *loaded)
{
	enum vcpu_exit e;
	u64 t0;

	arch_irq_disable();
	WRITE_ONCE(v->in_guest, true);
	/* Pairs with vcpu_kick's: a change made before the kick is seen by
	 * the entry, or the kick's IPI ends the run. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(v->requests) || sched_need_resched()) {
		WRITE_ONCE(v->in_guest, false);
		arch_irq_enable();
		return false;
	}
	t0 = arch_counter_read();
	do
		e = arch_vcpu_run(v);
	while (e == VCPU_EXIT_CONTINUE && guest_only(v));
	v->stats.run_ticks += arch_counter_read() - t0;
	WRITE_ONCE(v->in_guest, false);
	arch_irq_enable();	/* the IRQ that ended the run, if any, is taken here */
	if (e == VCPU_EXIT_WFI && !arch_vcpu_wakeup_pending(v)) {
		unload(v, loaded);
		vcpu_wait(v);
	}
	return e == VCPU_EXIT_YIELD;
}

static void vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	bool loaded = false;

	for (;;) {
		bool yield;

		if (READ_ONCE(v->requests) || !READ_ONCE(v->power_on) || v->state != VCPU_RUN) {
			unload(v, &loaded);
			if (!handle_requests(v))
				break;
		}
		if (!loaded) {
			current_vcpu[v->host_cpu] = v;
			arch_vcpu_load(v);
			loaded = true;
		}
		yield = run_once(v, &loaded);
		if (yield || sched_need_resched()) {
			/* Another thread may load its own vCPU here. */
			unload(v, &loaded);
			thread_yield();
		}
	}
	set_state(v, VCPU_OFF);
	/* The last access to v: vcpu_destroy frees it once it sees this. */
	__atomic_store_n(&v->thread_done, true, __ATOMIC_RELEASE);
}

struct vcpu *vcpu_create(struct guest *g, unsigned int id, unsigned int host_cpu)
{
	struct vcpu *v = kzalloc(sizeof(*v));
	char name[16];

	if (!v)
		return NULL;
	v->guest = g;
	v->id = id;
	v->host_cpu = host_cpu;
	v->mpidr = arch_vcpu_mpidr(g, id);
	v->requests = VCPU_REQ_PARK;
	v->state = VCPU_OFF;
	timer_event_init(&v->wake_timer, wake_timer_fn, v);
	if (arch_vcpu_init(v)) {
		kfree(v);
		return NULL;
	}
	snprintf(name, sizeof(name), "%.10s/%u", g->cfg.name, id);
	v->thread = thread_create_prio(name, vcpu_thread, v, host_cpu, g->cfg.priority);
	if (!v->thread) {
		arch_vcpu_destroy(v);
		kfree(v);
		return NULL;
	}
	return v;
}

void vcpu_destroy(struct vcpu *v)
{
	request(v, VCPU_REQ_EXIT);
	/* Polled, not waited for: the thread must not touch v or its guest
	 * after it says it is done, so it cannot also wake anyone. */
	while (!__atomic_load_n(&v->thread_done, __ATOMIC_ACQUIRE))
		thread_sleep_ns(1000000);
	arch_vcpu_destroy(v);
	kfree(v);
}
