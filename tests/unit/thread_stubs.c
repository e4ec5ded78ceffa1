// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the parts of core/thread.c other sources call (console.c
 * waits on and wakes a wait queue), linked into every test binary that does
 * not link the real core/thread.c (see the Makefile). Without a scheduler a
 * test is one thread that nothing else can wake.
 */
#include <kestrel/thread.h>

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
