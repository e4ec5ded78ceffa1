// SPDX-License-Identifier: GPL-2.0
/* Time since boot and per-CPU one-shot timer events (tickless). */
#include <kestrel/timer.h>
#include <kestrel/percpu.h>
#include <kestrel/spinlock.h>
#include <arch_timer.h>

static const struct clockevent_ops *clockevent;
static u64 boot_ticks;
static u64 freq_hz = 1;

void clockevent_register(const struct clockevent_ops *ops)
{
	clockevent = ops;
}

const char *clockevent_name(void)
{
	return clockevent ? clockevent->name : "none";
}

void time_init(void)
{
	freq_hz = arch_counter_freq() ? arch_counter_freq() : 1;
	boot_ticks = arch_counter_read();
}

u64 time_ticks_to_ns(u64 ticks)
{
	return (ticks / freq_hz) * 1000000000ULL + (ticks % freq_hz) * 1000000000ULL / freq_hz;
}

u64 time_ns_to_ticks(u64 ns)
{
	return (ns / 1000000000ULL) * freq_hz + (ns % 1000000000ULL) * freq_hz / 1000000000ULL;
}

u64 time_now_ns(void)
{
	return time_ticks_to_ns(arch_counter_read() - boot_ticks);
}

void timer_event_init(struct timer_event *ev, timer_fn_t fn, void *arg)
{
	list_init(&ev->node);
	ev->fn = fn;
	ev->arg = arg;
	ev->deadline = 0;
	ev->cpu = -1;
}

bool timer_event_armed(const struct timer_event *ev)
{
	return READ_ONCE(ev->cpu) >= 0;
}

/* Programs the calling CPU's hardware for its earliest event. Lock held. */
static void reprogram(struct cpu *c)
{
	if (!clockevent)
		return;
	if (list_empty(&c->timers))
		clockevent->stop();
	else
		clockevent->set_deadline(
			list_first_entry(&c->timers, struct timer_event, node)->deadline);
}

bool timer_event_stop(struct timer_event *ev)
{
	for (;;) {
		int cpu = READ_ONCE(ev->cpu);
		struct cpu *c;
		unsigned long flags;

		if (cpu < 0)
			return false;
		c = &cpus[cpu];
		flags = spin_lock_irqsave(&c->timer_lock);
		if (ev->cpu == cpu) {
			list_del(&ev->node);
			ev->cpu = -1;
			/* A stale hardware deadline on another CPU only causes a
			 * spurious expiry pass there, which reprograms. */
			if (cpu == (int)arch_cpu_id())
				reprogram(c);
			spin_unlock_irqrestore(&c->timer_lock, flags);
			return true;
		}
		spin_unlock_irqrestore(&c->timer_lock, flags);
	}
}

void timer_event_start_at(struct timer_event *ev, u64 deadline)
{
	struct cpu *c;
	struct list_head *pos;
	unsigned long flags;

	timer_event_stop(ev);
	flags = arch_irq_save();
	c = this_cpu();
	spin_lock(&c->timer_lock);
	ev->deadline = deadline;
	/* Few events are armed per CPU; insertion keeps the list sorted. */
	list_for_each(pos, &c->timers)
		if (list_entry(pos, struct timer_event, node)->deadline > deadline)
			break;
	list_add_tail(&ev->node, pos);
	ev->cpu = c->id;
	if (c->timers.next == &ev->node)
		reprogram(c);
	spin_unlock(&c->timer_lock);
	arch_irq_restore(flags);
}

void timer_event_start(struct timer_event *ev, u64 ns)
{
	u64 ticks = time_ns_to_ticks(ns);

	/* Rounded up, so the event never fires before ns have passed. */
	if (time_ticks_to_ns(ticks) < ns)
		ticks++;
	timer_event_start_at(ev, arch_counter_read() + ticks);
}

void timer_events_expire(void)
{
	struct cpu *c = this_cpu();

	spin_lock(&c->timer_lock);
	c->timer_fires++;
	while (!list_empty(&c->timers)) {
		struct timer_event *ev = list_first_entry(&c->timers, struct timer_event, node);

		if (ev->deadline > arch_counter_read())
			break;
		list_del(&ev->node);
		ev->cpu = -1;
		spin_unlock(&c->timer_lock);
		ev->fn(ev, ev->arg);
		spin_lock(&c->timer_lock);
	}
	reprogram(c);
	spin_unlock(&c->timer_lock);
}
