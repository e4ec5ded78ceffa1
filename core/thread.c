// SPDX-License-Identifier: GPL-2.0
/* Hypervisor threads and the per-CPU cooperative scheduler. */
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

static struct thread idle_threads[CONFIG_NR_CPUS];

struct thread *thread_current(void)
{
	return this_cpu()->current;
}

/* Switches away from the current thread. Called with IRQs masked and the
 * CPU's run-queue lock held; returns with the lock dropped. */
static void __schedule(struct cpu *c)
{
	struct thread *prev = c->current, *next;

	if (prev->state == THREAD_RUNNING && prev != c->idle) {
		prev->state = THREAD_RUNNABLE;
		list_add_tail(&prev->rq_node, &c->runq);
	}
	if (list_empty(&c->runq)) {
		next = c->idle;
	} else {
		next = list_first_entry(&c->runq, struct thread, rq_node);
		list_del(&next->rq_node);
	}
	next->state = THREAD_RUNNING;
	if (next == prev) {
		spin_unlock(&c->rq_lock);
		return;
	}
	c->current = next;
	c->switches++;
	next->switches_in++;
	spin_unlock(&c->rq_lock);
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

void thread_wake(struct thread *t)
{
	struct cpu *c = &cpus[t->cpu];
	unsigned long flags = spin_lock_irqsave(&c->rq_lock);
	bool kick = false;

	if (t->state == THREAD_BLOCKED) {
		t->state = THREAD_RUNNABLE;
		list_add_tail(&t->rq_node, &c->runq);
		kick = t->cpu != arch_cpu_id();
	} else if (t->state != THREAD_DEAD) {
		/* Running or runnable: it may block next on the condition this
		 * wake answers. Keep the wake, so that block returns at once. */
		t->wake_pending = true;
	}
	spin_unlock_irqrestore(&c->rq_lock, flags);
	if (kick)
		irq_send_ipi(t->cpu, IPI_KICK);
}

void sched_kick_received(void)
{
	/* Nothing to do here: the interrupted idle loop reschedules. */
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

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg,
			     unsigned int cpu)
{
	unsigned int order = page_order_for(CONFIG_STACK_SIZE);
	struct thread *t;
	hpa_t stack;

	if (cpu >= nr_cpus || cpus[cpu].state != CPU_ONLINE) {
		log_err("thread %s: CPU %u is not online", name, cpu);
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
	if (list_empty(&c->runq)) {
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
