/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor threads and the per-CPU scheduler. Threads run at the
 * hypervisor's privilege level and are switched cooperatively: a thread runs
 * until it blocks or yields. The highest runnable priority runs; equals take
 * turns. Preemption is a request: wakes of a higher priority and expired time
 * slices set the CPU's need_resched flag, and vCPU threads, whose guest
 * leaves on every interrupt, yield when they see it.
 */
#ifndef KESTREL_THREAD_H
#define KESTREL_THREAD_H

#include <kestrel/types.h>
#include <kestrel/spinlock.h>
#include <arch_thread.h>
#include <list.h>

struct cpu;

/* Priorities, 0 (lowest) .. THREAD_PRIO_MAX. The idle thread is below all. */
#define THREAD_PRIO_MAX		15
#define THREAD_PRIO_SYSTEM	12	/* hypervisor service threads (the terminal) */
#define THREAD_PRIO_GUEST_MAX	7	/* guest vCPUs use 0 .. THREAD_PRIO_GUEST_MAX */
#define THREAD_NR_PRIOS		(THREAD_PRIO_MAX + 1)

enum thread_state { THREAD_RUNNABLE, THREAD_RUNNING, THREAD_BLOCKED, THREAD_DEAD };

struct thread {
	struct arch_thread_ctx ctx;	/* first: switched by arch code */
	char name[16];
	enum thread_state state;
	unsigned int cpu;
	unsigned int prio;
	struct list_head rq_node;
	void (*fn)(void *arg);
	void *arg;
	void *stack;
	size_t stack_size;
	u64 switches_in;
	u64 run_ticks;		/* counter ticks as current, counted at switch-out */
	u64 preemptions;	/* switched out while runnable, on need_resched */
	bool wake_pending;	/* a wake raced with blocking: do not sleep */
};

/* Creates a thread of priority `prio` (at most THREAD_PRIO_MAX) bound to
 * `cpu` and makes it runnable; NULL if an argument is invalid or memory is
 * short. Thread or boot context. */
struct thread *thread_create_prio(const char *name, void (*fn)(void *), void *arg,
				  unsigned int cpu, unsigned int prio);

/* thread_create_prio at THREAD_PRIO_SYSTEM. Thread or boot context. */
static inline struct thread *thread_create(const char *name, void (*fn)(void *), void *arg,
					   unsigned int cpu)
{
	return thread_create_prio(name, fn, arg, cpu, THREAD_PRIO_SYSTEM);
}

/* Sets up the scheduler state of c: empty run queues, no exited threads, no
 * slice armed. Boot context, before any thread is created on c. */
void sched_cpu_init(struct cpu *c);

/* Makes the calling CPU's boot context its idle thread and enters the
 * scheduler loop: runs runnable threads, else waits for interrupts. */
__noreturn void sched_start_idle(void);
/* Its two parts, which host unit tests call on their own: making the boot
 * context the CPU's idle thread, and one pass of the idle loop (wait for an
 * interrupt if nothing is runnable, then run what is until none is left). */
void sched_idle_init(void);
void sched_idle_step(void);

/* Gives the CPU to the next runnable thread of this CPU of the same or a
 * higher priority, if any (the caller goes behind its equals); else returns
 * at once. A lower priority never runs because of a yield. Thread context. */
void thread_yield(void);

/* True when the current thread of this CPU should yield: a higher priority
 * was woken, or its time slice expired. Cleared by every switch decision.
 * Any context. */
bool sched_need_resched(void);

/* Blocks the calling thread until thread_wake. A wake that came while the
 * thread ran or waited to run is not lost: the next block returns at once.
 * So a block may also return for an older wake; callers re-check their
 * condition in a loop. Thread context, no spinlocks held. */
void thread_block(void);

/* Makes t runnable on its CPU. If t outranks that CPU's current thread (or
 * the CPU is idle), sets its need_resched; if they are equals, makes sure the
 * current thread's time slice runs. Another CPU is kicked when it has to act.
 * t must not have exited (the idle loop frees exited threads). Any context. */
void thread_wake(struct thread *t);

struct thread *thread_current(void);

/* Called from the IPI handler of a kicked CPU: arms the time slice a wake
 * from another CPU asked for. IRQ context. */
void sched_kick_received(void);

/*
 * Wait queue. A waiter reads the queue's sequence number, checks its
 * condition, and sleeps only if no wake happened since: no lost wakeups.
 *
 *	for (;;) {
 *		u64 seq = waitq_prepare(&wq);
 *		if (condition)
 *			break;
 *		waitq_wait(&wq, seq, 0);
 *	}
 */
struct waitq {
	spinlock_t lock;
	struct list_head waiters;
	u64 seq;
};
#define WAITQ_INIT(wq) { SPINLOCK_INIT, LIST_HEAD_INIT((wq).waiters), 0 }

static inline void waitq_init(struct waitq *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
	wq->seq = 0;
}

/* Returns the sequence number to pass to waitq_wait. Any context. */
static inline u64 waitq_prepare(struct waitq *wq)
{
	return __atomic_load_n(&wq->seq, __ATOMIC_ACQUIRE);
}

/* Sleeps unless wq was woken after `seq` was read; wakes on waitq_wake_all
 * or after timeout_ns (0: no timeout). Returns false on timeout. Thread
 * context, no spinlocks held. */
bool waitq_wait(struct waitq *wq, u64 seq, u64 timeout_ns);
/* Wakes every thread sleeping on wq. Any context. */
void waitq_wake_all(struct waitq *wq);

/* Sleeps the calling thread for ns. Thread context. */
void thread_sleep_ns(u64 ns);

#endif
