// SPDX-License-Identifier: GPL-2.0
/* CPU bring-up: every CPU of the host DT is started through the arch hook
 * (PSCI CPU_ON on arm64), proves its timer interrupt works, and goes idle. */
#define LOG_PREFIX "smp"
#include <kestrel/smp.h>
#include <kestrel/hostdt.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/percpu.h>
#include <kestrel/thread.h>
#include <kestrel/timer.h>
#include <kestrel/errno.h>
#include <arch_boot.h>
#include <arch_cpu.h>
#include <arch_irq.h>
#include <arch_timer.h>

#define SELFTEST_NS	1000000ULL	/* 1 ms */
#define SELFTEST_LIMIT	(200 * SELFTEST_NS)
#define START_TIMEOUT_NS 2000000000ULL

static void selftest_fired(struct timer_event *ev, void *arg)
{
	*(volatile u64 *)arg = time_now_ns();
}

/* Arms a one-shot event and sleeps until its interrupt arrives: proves the
 * timer, the interrupt controller and the vectors on this CPU. IRQs on. */
static void timer_selftest(struct cpu *c)
{
	volatile u64 fired_at = 0;
	struct timer_event ev;
	u64 start = time_now_ns();

	timer_event_init(&ev, selftest_fired, (void *)&fired_at);
	timer_event_start(&ev, SELFTEST_NS);
	while (!fired_at && time_now_ns() - start < SELFTEST_LIMIT) {
		arch_irq_disable();
		if (!fired_at)
			arch_cpu_wait_for_irq();
		arch_irq_enable();
	}
	timer_event_stop(&ev);
	c->timer_selftest_ok = fired_at != 0;
	if (fired_at)
		c->timer_selftest_late_ns = fired_at - start - SELFTEST_NS;
	else
		log_err("CPU %u: timer interrupt did not arrive within %llu ms", c->id,
			(unsigned long long)(SELFTEST_LIMIT / 1000000));
}

void smp_init_cpus(void)
{
	nr_cpus = host.nr_cpus;
	for (unsigned int i = 0; i < nr_cpus; i++) {
		struct cpu *c = &cpus[i];

		c->id = i;
		c->hwid = host.cpu_hwid[i];
		c->state = CPU_OFFLINE;
		sched_cpu_init(c);
		spin_lock_init(&c->timer_lock);
		list_init(&c->timers);
	}
	/* The boot CPU is whichever the DT entry matches our own hardware id. */
	if (cpus[0].hwid != arch_cpu_hwid()) {
		for (unsigned int i = 1; i < nr_cpus; i++) {
			if (cpus[i].hwid == arch_cpu_hwid()) {
				bool psci = host.cpu_psci[i];

				cpus[i].hwid = cpus[0].hwid;
				host.cpu_psci[i] = host.cpu_psci[0];
				cpus[0].hwid = arch_cpu_hwid();
				host.cpu_psci[0] = psci;
				break;
			}
		}
	}
	cpus[0].state = CPU_STARTING;
}

void smp_cpu_online(unsigned int cpu)
{
	struct cpu *c = &cpus[cpu];

	timer_selftest(c);
	__atomic_store_n(&c->state, CPU_ONLINE, __ATOMIC_RELEASE);
}

__noreturn void kestrel_secondary_main(unsigned int cpu)
{
	if (irq_cpu_init(cpu)) {
		log_err("CPU %u: interrupt controller interface init failed", cpu);
		__atomic_store_n(&cpus[cpu].state, CPU_FAILED, __ATOMIC_RELEASE);
		arch_cpu_halt();
	}
	arch_irq_enable();
	smp_cpu_online(cpu);
	sched_start_idle();
}

void smp_boot_secondaries(void)
{
	if (!IS_ENABLED(CONFIG_SMP)) {
		if (nr_cpus > 1)
			log_info("SMP disabled in this build: using CPU 0 only");
		nr_cpus = 1;
		return;
	}
	for (unsigned int i = 1; i < nr_cpus; i++) {
		struct cpu *c = &cpus[i];
		u64 start;
		int r;

		if (!host.cpu_psci[i]) {
			log_err("CPU %u (hwid 0x%llx): enable-method is not \"psci\", left offline",
				i, (unsigned long long)c->hwid);
			c->state = CPU_FAILED;
			c->start_error = -ENOSYS;
			continue;
		}
		c->state = CPU_STARTING;
		r = arch_cpu_start(i, c->hwid);
		if (r) {
			log_err("CPU %u (hwid 0x%llx): start refused by firmware (%s)", i,
				(unsigned long long)c->hwid, strerror(r));
			c->state = CPU_FAILED;
			c->start_error = r;
			continue;
		}
		start = time_now_ns();
		while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == CPU_STARTING &&
		       time_now_ns() - start < START_TIMEOUT_NS)
			arch_cpu_relax();
		if (c->state != CPU_ONLINE) {
			log_err("CPU %u (hwid 0x%llx): did not come online within %llu ms", i,
				(unsigned long long)c->hwid,
				(unsigned long long)(START_TIMEOUT_NS / 1000000));
			c->state = CPU_FAILED;
			c->start_error = -ETIMEDOUT;
		}
	}
	log_info("%u of %u CPU(s) online", cpus_online(), nr_cpus);
}
