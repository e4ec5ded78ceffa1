// SPDX-License-Identifier: GPL-2.0
/* Hypervisor threads and the per-CPU priority scheduler. */
#define LOG_PREFIX "sched"
#include <kestrel/thread.h>
#include <kestrel/percpu.h>
#include <kestrel/heap.h>
#include <kestrel/page_alloc.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/panic.h>
#include <kestrel/timer.h>
#include <arch_mmu.h>
#include <arch_timer.h>
#include <string.h>

/* One bit per priority in runq_mask. */
_Static_assert(THREAD_NR_PRIOS <= 32, "runq_mask is a u32");

#define SLICE_NS	((u64)CONFIG_SCHED_SLICE_MS * 1000000)

static struct thread idle_threads[CONFIG_NR_CPUS];

struct thread *thread_current(void)
{
	return this_cpu()->current;
}

bool sched_need_resched(void)
{
	return READ_ONCE(this_cpu()->need_resched);
}

/* --- run queue (rq_lock held) --------------------------------------------- */

static void runq_add(struct cpu *c, struct thread *t)
{
	list_add_tail(&t->rq_node, &c->runq[t->prio]);
	c->runq_mask |= 1u << t->prio;
}

static bool runq_has(const struct cpu *c, unsigned int prio)
{
	return c->runq_mask & (1u << prio);
}

/* Takes the first thread of the highest non-empty priority, or returns the
 * idle thread when nothing is runnable. */
static struct thread *runq_pop(struct cpu *c)
{
	unsigned int prio;
	struct thread *t;

	if (!c->runq_mask)
		return c->idle;
	prio = 31 - __builtin_clz(c->runq_mask);
	t = list_first_entry(&c->runq[prio], struct thread, rq_node);
	list_del(&t->rq_node);
	if (list_empty(&c->runq[prio]))
		c->runq_mask &= ~(1u << prio);
	return t;
}

/* --- time slices ----------------------------------------------------------- */

/* The slice timer's handler: the current thread has had its turn. */
static void slice_expired(struct timer_event *ev, void *arg)
{
	struct cpu *c = arg;
	unsigned long flags = spin_lock_irqsave(&c->rq_lock);

	c->need_resched = true;
	spin_unlock_irqrestore(&c->rq_lock, flags);
}

/* Starts a fresh slice for the thread switching in, or stops the one of the
 * thread switching out. On c with IRQs masked and rq_lock dropped: timer
 * calls are never made under rq_lock, so the two locks never nest. */
static void slice_set(struct cpu *c, bool on)
{
	if (on)
		timer_event_start(&c->slice, SLICE_NS);
	else
		timer_event_stop(&c->slice);
}

/* Arms the slice a wake granted the current thread (slice_on) if it is not
 * running yet. One that expired has set need_resched, and is not renewed
 * before the next switch. On c, rq_lock not held. */
static void slice_catch_up(struct cpu *c)
{
	unsigned long flags = spin_lock_irqsave(&c->rq_lock);
	bool arm = c->slice_on && !c->need_resched && !timer_event_armed(&c->slice);

	spin_unlock(&c->rq_lock);
	if (arm)
		timer_event_start(&c->slice, SLICE_NS);
	arch_irq_restore(flags);
}

void sched_cpu_init(struct cpu *c)
{
	spin_lock_init(&c->rq_lock);
	for (unsigned int prio = 0; prio < THREAD_NR_PRIOS; prio++)
		list_init(&c->runq[prio]);
	c->runq_mask = 0;
	list_init(&c->dead);
	c->need_resched = false;
	c->slice_on = false;
	timer_event_init(&c->slice, slice_expired, c);
}

/* --- switching --------------------------------------------------------------- */

/* Charges the outgoing thread for its time as current; `asked` is whether
 * need_resched was set, which makes a still runnable thread preempted. */
static void account_switch_out(struct cpu *c, struct thread *prev, bool asked)
{
	u64 now = arch_counter_read();

	prev->run_ticks += now - c->run_since;
	c->run_since = now;
	if (asked && prev->state == THREAD_RUNNABLE)
		prev->preemptions++;
}

/* Switches to the highest-priority runnable thread of c; a current thread
 * still running competes too, behind its equals. The chosen one gets a
 * slice when equals wait for it. Called with IRQs masked and the CPU's
 * run-queue lock held; returns with the lock dropped. */
static void __schedule(struct cpu *c)
{
	struct thread *prev = c->current, *next;
	bool asked = c->need_resched;
	bool slice;

	c->need_resched = false;
	if (prev->state == THREAD_RUNNING && prev != c->idle) {
		prev->state = THREAD_RUNNABLE;
		runq_add(c, prev);
	}
	next = runq_pop(c);
	next->state = THREAD_RUNNING;
	slice = next != c->idle && runq_has(c, next->prio);
	c->slice_on = slice;
	if (next == prev) {
		spin_unlock(&c->rq_lock);
		slice_set(c, slice);
		return;
	}
	account_switch_out(c, prev, asked);
	c->current = next;
	c->switches++;
	next->switches_in++;
	spin_unlock(&c->rq_lock);
	slice_set(c, slice);
	/* Threads are bound to their CPU and only this CPU dequeues them, so
	 * prev cannot run elsewhere before the switch completes. */
	arch_thread_switch(&prev->ctx, &next->ctx);
}

static void schedule(void)
{
	unsigned long flags = arch_irq_save();
	struct cpu *c = this_cpu();

	spin_lock(&c->rq_lock);
	__schedule(c);
	arch_irq_restore(flags);
}

void thread_yield(void)
{
	schedule();
}

void thread_block(void)
{
	unsigned long flags = arch_irq_save();
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	if (unlikely(!t || t == c->idle))
		panic("thread_block on CPU %u outside a thread (scheduler not started, "
		      "or from the idle loop)", c->id);
	spin_lock(&c->rq_lock);
	if (t->wake_pending) {
		t->wake_pending = false;
		spin_unlock(&c->rq_lock);
	} else {
		t->state = THREAD_BLOCKED;
		__schedule(c);
	}
	arch_irq_restore(flags);
}

/* Records what the wake of t, just queued on c, asks of c: a switch when t
 * outranks the current thread (or c is idle or not started yet), a slice for
 * the current thread when they are equals and it has none. True when c has
 * something to do about it. rq_lock held. */
static bool wake_asks_cpu(struct cpu *c, const struct thread *t)
{
	const struct thread *cur = c->current;

	if (!cur || cur == c->idle || t->prio > cur->prio) {
		c->need_resched = true;
		return true;
	}
	if (t->prio == cur->prio && !c->slice_on) {
		c->slice_on = true;
		return true;
	}
	return false;
}

void thread_wake(struct thread *t)
{
	struct cpu *c = &cpus[t->cpu];
	unsigned long flags = spin_lock_irqsave(&c->rq_lock);
	bool act = false;

	if (t->state == THREAD_BLOCKED) {
		t->state = THREAD_RUNNABLE;
		runq_add(c, t);
		act = wake_asks_cpu(c, t);
	} else if (t->state != THREAD_DEAD) {
		/* Running or runnable: it may block next on the condition this
		 * wake answers. Keep the wake, so that block returns at once. */
		t->wake_pending = true;
	}
	spin_unlock_irqrestore(&c->rq_lock, flags);
	if (!act)
		return;
	/* A slice timer is armed by its own CPU: another CPU is asked to. */
	if (t->cpu != arch_cpu_id())
		irq_send_ipi(t->cpu, IPI_KICK);
	else
		slice_catch_up(c);
}

void sched_kick_received(void)
{
	/* A wake may have granted the current thread a slice. A switch needs
	 * nothing here: the interrupted idle loop or vCPU loop makes it. */
	slice_catch_up(this_cpu());
}

static __noreturn void thread_trampoline(void *arg)
{
	struct thread *t = arg;

	arch_irq_enable();
	t->fn(t->arg);
	log_info("thread %s exited", t->name);
	arch_irq_disable();
	spin_lock(&this_cpu()->rq_lock);
	t->state = THREAD_DEAD;
	/* Its stack is in use until the switch away: the idle loop frees it. */
	list_add_tail(&t->rq_node, &this_cpu()->dead);
	__schedule(this_cpu());
	panic("dead thread %s was scheduled", t->name);
}

struct thread *thread_create_prio(const char *name, void (*fn)(void *), void *arg,
				  unsigned int cpu, unsigned int prio)
{
	unsigned int order = page_order_for(CONFIG_STACK_SIZE);
	struct thread *t;
	hpa_t stack;

	if (cpu >= nr_cpus || cpus[cpu].state != CPU_ONLINE) {
		log_err("thread %s: CPU %u is not online", name, cpu);
		return NULL;
	}
	if (prio > THREAD_PRIO_MAX) {
		log_err("thread %s: priority %u is above %u", name, prio, THREAD_PRIO_MAX);
		return NULL;
	}
	t = kzalloc(sizeof(*t));
	stack = page_alloc(order);
	if (!t || !stack) {
		log_err("thread %s: out of memory", name);
		kfree(t);
		if (stack)
			page_free(stack, order);
		return NULL;
	}
	strlcpy(t->name, name, sizeof(t->name));
	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	t->prio = prio;
	t->stack = (void *)arch_hpa_to_hva(stack);
	t->stack_size = PAGE_SIZE << order;
	list_init(&t->rq_node);
	arch_thread_init(&t->ctx, (char *)t->stack + t->stack_size, thread_trampoline, t);
	t->state = THREAD_BLOCKED;
	thread_wake(t);
	return t;
}

void sched_idle_init(void)
{
	struct cpu *c = this_cpu();
	struct thread *idle = &idle_threads[c->id];

	strlcpy(idle->name, "idle", sizeof(idle->name));
	idle->cpu = c->id;
	idle->state = THREAD_RUNNING;
	list_init(&idle->rq_node);
	c->idle = idle;
	c->current = idle;
	c->run_since = arch_counter_read();
}

/* Frees threads that exited on this CPU; they have switched away for good. */
static void reap_dead(struct cpu *c)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&c->rq_lock);
		struct thread *t = NULL;

		if (!list_empty(&c->dead)) {
			t = list_first_entry(&c->dead, struct thread, rq_node);
			list_del(&t->rq_node);
		}
		spin_unlock_irqrestore(&c->rq_lock, flags);
		if (!t)
			return;
		page_free(arch_hva_to_hpa((hva_t)t->stack), page_order_for(t->stack_size));
		kfree(t);
	}
}

void sched_idle_step(void)
{
	struct cpu *c = this_cpu();

	reap_dead(c);
	arch_irq_disable();
	if (!READ_ONCE(c->runq_mask)) {
		c->idle_since = arch_counter_read();
		WRITE_ONCE(c->in_idle, true);
		arch_cpu_wait_for_irq();
		WRITE_ONCE(c->in_idle, false);
		c->idle_ticks += arch_counter_read() - c->idle_since;
	}
	arch_irq_enable();	/* the pending interrupt is taken here */
	schedule();
}

__noreturn void sched_start_idle(void)
{
	sched_idle_init();
	for (;;)
		sched_idle_step();
}

/* --- wait queues --------------------------------------------------------- */

struct waiter {
	struct list_head node;
	struct thread *thread;
	bool timed_out;
};

static void waiter_timeout(struct timer_event *ev, void *arg)
{
	struct waiter *w = arg;

	w->timed_out = true;
	thread_wake(w->thread);
}

bool waitq_wait(struct waitq *wq, u64 seq, u64 timeout_ns)
{
	struct waiter w = { .thread = thread_current() };
	struct timer_event timeout;
	unsigned long flags;

	flags = spin_lock_irqsave(&wq->lock);
	if (wq->seq != seq) {
		spin_unlock_irqrestore(&wq->lock, flags);
		return true;
	}
	list_add_tail(&w.node, &wq->waiters);
	spin_unlock_irqrestore(&wq->lock, flags);

	if (timeout_ns) {
		timer_event_init(&timeout, waiter_timeout, &w);
		timer_event_start(&timeout, timeout_ns);
	}
	thread_block();
	if (timeout_ns)
		timer_event_stop(&timeout);

	flags = spin_lock_irqsave(&wq->lock);
	list_del(&w.node);
	spin_unlock_irqrestore(&wq->lock, flags);
	return !w.timed_out || wq->seq != seq;
}

void waitq_wake_all(struct waitq *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct list_head *pos;

	__atomic_add_fetch(&wq->seq, 1, __ATOMIC_RELEASE);
	list_for_each(pos, &wq->waiters)
		thread_wake(list_entry(pos, struct waiter, node)->thread);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void thread_sleep_ns(u64 ns)
{
	u64 end = time_now_ns() + ns;
	struct waitq wq;

	waitq_init(&wq);
	/* Nothing wakes wq: only the timeout (or a stray wake) ends a wait. */
	for (u64 now = time_now_ns(); now < end; now = time_now_ns())
		waitq_wait(&wq, 0, end - now);
}
