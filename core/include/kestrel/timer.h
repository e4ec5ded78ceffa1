/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time and one-shot timer events. Tickless: the hardware timer of each CPU
 * is programmed for that CPU's earliest armed event only.
 */
#ifndef KESTREL_TIMER_H
#define KESTREL_TIMER_H

#include <kestrel/types.h>
#include <list.h>

struct timer_event;
typedef void (*timer_fn_t)(struct timer_event *ev, void *arg);

struct timer_event {
	struct list_head node;
	u64 deadline;		/* counter ticks */
	timer_fn_t fn;
	void *arg;
	int cpu;		/* CPU whose queue holds it, -1 when not armed */
};

/* A hardware timer able to interrupt one CPU at an absolute counter value. */
struct clockevent_ops {
	const char *name;
	/* Programs the calling CPU's timer; interrupt at or after `deadline`. */
	void (*set_deadline)(u64 deadline);
	/* Disarms the calling CPU's timer. */
	void (*stop)(void);
};

/* Registers the hardware timer. Boot context. */
void clockevent_register(const struct clockevent_ops *ops);
const char *clockevent_name(void);

/* Monotonic time since boot. Any context. */
u64 time_now_ns(void);
u64 time_ticks_to_ns(u64 ticks);
u64 time_ns_to_ticks(u64 ns);
/* Records the counter value that is time zero. Boot context. */
void time_init(void);

void timer_event_init(struct timer_event *ev, timer_fn_t fn, void *arg);
/* Arms ev on the calling CPU to fire after `ns`; re-arms if already armed.
 * fn later runs in IRQ context on this CPU. Any context. */
void timer_event_start(struct timer_event *ev, u64 ns);
/* Same with an absolute deadline in counter ticks. */
void timer_event_start_at(struct timer_event *ev, u64 deadline);
/* Disarms ev; returns true when it was armed. Must run on the CPU that armed it. */
bool timer_event_stop(struct timer_event *ev);
bool timer_event_armed(const struct timer_event *ev);

/* Runs expired events of the calling CPU and reprograms its timer.
 * Called by the timer driver's interrupt handler. IRQ context. */
void timer_events_expire(void);

#endif
