// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for core/thread.c, which the host build leaves out (it switches
 * stacks through arch hooks the fake arch does not provide), and for
 * core/irq.c's IPIs. A host test is one thread that nothing else can wake.
 */
#include <kestrel/thread.h>
#include "stubs.h"
#include <string.h>

unsigned int stub_ipis[CONFIG_NR_CPUS][IPI_COUNT];

void stubs_reset(void)
{
	memset(stub_ipis, 0, sizeof(stub_ipis));
}

/* Records the IPI; nothing runs on the target CPU. */
void irq_send_ipi(unsigned int cpu, enum ipi ipi)
{
	if (cpu < CONFIG_NR_CPUS && ipi < IPI_COUNT)
		stub_ipis[cpu][ipi]++;
}

/* Nobody else runs, so waiting could only end by timeout: reports one at
 * once (false) unless a wake already came, so console_getc returns -1
 * instead of hanging the test. */
bool waitq_wait(struct waitq *wq, u64 seq, u64 timeout_ns)
{
	return __atomic_load_n(&wq->seq, __ATOMIC_ACQUIRE) != seq;
}

/* Advances the sequence number: a later waitq_wait sees the wake. */
void waitq_wake_all(struct waitq *wq)
{
	__atomic_add_fetch(&wq->seq, 1, __ATOMIC_RELEASE);
}

/* Makes t runnable: there is no scheduler, so it only records the state. */
void thread_wake(struct thread *t)
{
	t->state = THREAD_RUNNABLE;
}
