/* SPDX-License-Identifier: GPL-2.0 */
/* Benchmark mode: the shell's `bench`, its timed operations, the partner that only yields. */
#ifndef BASIC_BENCH_H
#define BASIC_BENCH_H

/* Operations per sample of svc, hvc, mmio and yield (unrolled in bench_ops.S). */
#define BENCH_BATCH	64
/* Kestrel's own hypercall that gives the host CPU away (SMCCC vendor-specific
 * hypervisor service); without Kestrel the HVC is undefined. */
#define KESTREL_HVC_YIELD	0xc6000001

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* SGI round trips per sample of sgi. */
#define BENCH_SGI_BATCH	16

/* The shell's `bench [name] [samples]`; args is what follows the word. */
void bench_command(const char *args);
/* kestrel.bench=partner: one line, then the yield hypercall forever with
 * IRQs masked. */
_Noreturn void bench_partner(void);

/* bench_ops.S: BENCH_BATCH operations between two CNTVCT_EL0 reads; each
 * returns the ticks the batch took. */
uint64_t bench_svc_batch(void);		/* svc #0 to our own vector */
uint64_t bench_hvc_batch(void);		/* PSCI_VERSION by hvc #0 */
uint64_t bench_mmio_batch(uint64_t addr);	/* 32-bit loads from addr */
uint64_t bench_yield_batch(void);	/* KESTREL_HVC_YIELD, IRQs masked */
/* One KESTREL_HVC_YIELD. */
void bench_yield(void);

/* bench_irq.c. A prepare returns NULL when the benchmark can run, else its
 * verdict and reason ("SKIP ...", "FAIL ..."). A sample returns true with
 * the ticks of one batch in *ticks, or false with the verdict in
 * bench_error. */
const char *bench_sgi_prepare(void);
const char *bench_timer_prepare(void);
bool bench_sgi_sample(uint64_t *ticks);		/* BENCH_SGI_BATCH round trips */
bool bench_timer_sample(uint64_t *ticks);	/* one interrupt's latency */
extern const char *bench_error;
#endif

#endif
