/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual CPUs. Each vCPU is a hypervisor thread pinned to one host CPU that
 * loops: enter the guest, handle the exit, and block when the guest waits
 * for an interrupt or is paused. Other threads steer it with requests and
 * kicks; only its own thread touches its register context.
 */
#ifndef KESTREL_VCPU_H
#define KESTREL_VCPU_H

#include <kestrel/types.h>
#include <kestrel/timer.h>
#include <arch_defs.h>	/* struct arch_vcpu */

struct guest;
struct thread;

enum vcpu_state {
	VCPU_OFF,	/* powered off (never started, or PSCI CPU_OFF) */
	VCPU_RUN,	/* in the guest or handling an exit */
	VCPU_WAIT,	/* the guest waits for an interrupt (WFI) */
	VCPU_PARKED,	/* stopped by the hypervisor (pause, stop, reset) */
};

/* Requests to a vCPU's thread (bits of vcpu.requests). */
#define VCPU_REQ_PARK	BIT(0)	/* stop before the next guest entry */
#define VCPU_REQ_EXIT	BIT(1)	/* end the thread (guest destroy) */
#define VCPU_REQ_POWER_ON BIT(2) /* PSCI CPU_ON: reset to on_entry, on_arg */

struct vcpu_stats {
	u64 entries;		/* guest entries */
	u64 exits_mmio;		/* emulated device accesses */
	u64 exits_hvc;		/* hypercalls (HVC and SMC) */
	u64 exits_sysreg;	/* trapped system register accesses */
	u64 exits_wfx;		/* WFI and WFE */
	u64 exits_irq;		/* physical interrupts */
	u64 exits_other;
	u64 aborts;		/* aborts injected into the guest */
	u64 run_ticks;		/* counter ticks spent in the guest and its exits */
};

struct vcpu {
	struct guest *guest;
	unsigned int id;		/* index in the guest */
	unsigned int host_cpu;		/* the CPU its thread is bound to */
	u64 mpidr;			/* MPIDR the guest reads */
	struct thread *thread;
	unsigned long requests;		/* VCPU_REQ_*, atomic */
	enum vcpu_state state;		/* written by its own thread only */
	bool power_on;			/* PSCI view: on or off */
	bool in_guest;			/* between the last check and exit */
	bool thread_done;		/* its thread has left the loop */
	gpa_t on_entry;			/* CPU_ON entry and context id */
	u64 on_arg;
	struct timer_event wake_timer;	/* its virtual timer while it sleeps */
	struct vcpu_stats stats;
	struct arch_vcpu arch;
};

/* Creates vCPU `id` of g, its thread on host_cpu parked (VCPU_REQ_PARK set).
 * NULL when out of memory (logged). Thread context. */
struct vcpu *vcpu_create(struct guest *g, unsigned int id, unsigned int host_cpu);

/* Ends the vCPU's thread and frees it; waits until the thread is gone.
 * Thread context, not from one of g's vCPUs. */
void vcpu_destroy(struct vcpu *v);

/* Asks the vCPU to stop (park) / go on (unpark). vcpu_park returns once the
 * vCPU is parked (also when it was off). Thread context, not from the vCPU
 * itself. */
void vcpu_park(struct vcpu *v);
void vcpu_unpark(struct vcpu *v);

/* Makes v re-check its state soon: wakes it from WFI, or interrupts its
 * guest when it runs on another CPU. Any context (the vGIC calls it). */
void vcpu_kick(struct vcpu *v);

/* PSCI CPU_ON for target: 0, or -EALREADY when it is on or turning on.
 * The vCPU starts at entry with x0 = arg. Any context. */
int vcpu_power_on(struct vcpu *target, gpa_t entry, u64 arg);
/* PSCI CPU_OFF by the calling vCPU: it stops after this exit. */
void vcpu_power_off_self(struct vcpu *v);

/* The vCPU whose context is loaded on this CPU, or NULL. */
struct vcpu *vcpu_current(void);

const char *vcpu_state_name(enum vcpu_state s);

#endif
