/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Controls of the fake architecture (arch/fake/fake.c), for host unit tests:
 * the calling CPU's id, its interrupt mask, the system counter, the early
 * console and arch_cpu_halt are all plain state a test sets and reads.
 * Single-threaded: a test "runs on" one fake CPU at a time.
 */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <kestrel/types.h>

#define FAKE_COUNTER_FREQ	62500000ULL	/* QEMU virt's CNTFRQ_EL0 */
#define FAKE_CONSOLE_SIZE	65536

/* Back to the start state: CPU 0, IRQs unmasked on every CPU, counter 0 at
 * FAKE_COUNTER_FREQ, console empty, no halt or power request seen. */
void fake_arch_reset(void);

/* Makes the test run as CPU `cpu` (what arch_cpu_id and this_cpu return). */
void fake_cpu_set(unsigned int cpu);

/* True when IRQs are masked on fake CPU `cpu` (arch_irqs_disabled is the
 * calling CPU's view). */
bool fake_irqs_masked(unsigned int cpu);

/* The system counter: it only moves when a test moves it. */
void fake_counter_set(u64 ticks);
void fake_counter_advance(u64 ticks);
/* Frequency arch_counter_freq reports (0 is allowed, to test the fallback). */
void fake_counter_set_freq(u64 hz);

/* Everything written through arch_early_puts since the last reset,
 * NUL-terminated. Output past FAKE_CONSOLE_SIZE - 1 bytes is dropped and
 * counted. Set KESTREL_FAKE_ECHO=1 in the environment to also copy it to
 * stderr while debugging a test. */
const char *fake_console_output(void);
size_t fake_console_dropped(void);
void fake_console_reset(void);

/* arch_cpu_halt longjmps to fake_halt_env when a test armed it with
 * FAKE_HALTS(); unarmed, it reports on stderr and aborts the test binary. */
extern jmp_buf fake_halt_env;
extern bool fake_halt_armed;
extern unsigned int fake_halt_count;

/* Runs `stmt` and evaluates to true when it ended in arch_cpu_halt. */
#define FAKE_HALTS(stmt) ({						\
	volatile bool halted_ = true;					\
	fake_halt_armed = true;						\
	if (setjmp(fake_halt_env) == 0) {				\
		stmt;							\
		halted_ = false;					\
	}								\
	fake_halt_armed = false;					\
	halted_;							\
})

/* Requests seen by the power and CPU bring-up hooks. */
extern unsigned int fake_system_off_calls, fake_system_reset_calls;
extern unsigned int fake_wait_for_irq_calls;
extern bool fake_cpu_started[CONFIG_NR_CPUS];
extern u64 fake_cpu_start_hwid[CONFIG_NR_CPUS];

#endif
