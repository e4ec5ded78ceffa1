/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU state of the hypervisor, indexed by logical CPU id. */
#ifndef KESTREL_PERCPU_H
#define KESTREL_PERCPU_H

#include <kestrel/types.h>
#include <kestrel/spinlock.h>
#include <kestrel/thread.h>
#include <kestrel/timer.h>
#include <arch_cpu.h>
#include <list.h>

enum cpu_state { CPU_ABSENT, CPU_OFFLINE, CPU_STARTING, CPU_ONLINE, CPU_FAILED };

struct cpu {
	unsigned int id;
	u64 hwid;
	enum cpu_state state;
	int start_error;

	/* Scheduler (core/thread.c), under rq_lock unless noted. runq[p] holds
	 * the runnable threads of priority p in FIFO order; bit p of runq_mask
	 * is set when runq[p] is not empty. */
	spinlock_t rq_lock;
	struct list_head runq[THREAD_NR_PRIOS];
	u32 runq_mask;
	struct thread *current;
	struct thread *idle;
	struct list_head dead;		/* exited threads the idle loop frees */
	bool need_resched;	/* current should yield; read without the lock */
	bool slice_on;		/* current was granted a slice: armed, or about to be */
	struct timer_event slice;	/* current's round-robin slice; this CPU arms it */
	u64 run_since;		/* counter value when current was switched in */
	bool in_idle;
	u64 idle_since;		/* counter value when the current idle wait began */

	/* Timer events armed on this CPU, sorted by deadline. */
	spinlock_t timer_lock;
	struct list_head timers;

	/* Statistics for `host cpus` and `host irqs`. */
	u64 irqs;
	u64 ipis;
	u64 timer_fires;
	u64 switches;
	u64 idle_ticks;		/* counter ticks spent waiting for interrupts */
	bool timer_selftest_ok;
	u64 timer_selftest_late_ns;
};

extern struct cpu cpus[CONFIG_NR_CPUS];
extern unsigned int nr_cpus;	/* CPUs listed by the host DT (and <= NR_CPUS) */

static inline struct cpu *this_cpu(void)
{
	return &cpus[arch_cpu_id()];
}

const char *cpu_state_name(enum cpu_state s);
unsigned int cpus_online(void);

#endif
