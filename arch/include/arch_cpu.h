/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU identity, power and bring-up hooks. Contexts: "any" means thread, IRQ
 * or exception context; "boot" means the boot CPU before the terminal runs.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <kestrel/types.h>

/* Logical id of the calling CPU, 0 for the boot CPU. Any context, no locks. */
unsigned int arch_cpu_id(void);

/* Records the calling CPU's logical id (TPIDR_EL2, tp/sscratch, GS base).
 * Once per CPU at bring-up, before anything calls arch_cpu_id. */
void arch_cpu_set_id(unsigned int cpu);

/* Spin-wait hint (yield/pause). Any context. */
void arch_cpu_relax(void);

/* Sleeps until an interrupt is pending; returns with IRQs still masked as the
 * caller had them, so "check then sleep" cannot miss a wakeup. Any context. */
void arch_cpu_wait_for_irq(void);

/* Starts CPU `cpu` (hardware id `hwid`) at the arch's secondary entry, which
 * later calls kestrel_secondary_main(cpu). Returns 0 once the request was
 * accepted, or a negative error. Boot CPU, thread context. */
int arch_cpu_start(unsigned int cpu, u64 hwid);

/* Hardware id of the calling CPU (MPIDR affinity, hart id, APIC id). Any context. */
u64 arch_cpu_hwid(void);

/* Writes a one-line description of the calling CPU's model to buf. Any context. */
void arch_cpu_describe(char *buf, size_t len);

/* Stops the calling CPU for good with interrupts masked. Any context. */
__noreturn void arch_cpu_halt(void);

/* Powers the machine off or resets it through firmware (PSCI, SBI SRST,
 * ACPI/keyboard controller). Return only if firmware refused: the caller
 * reports it. Thread context. */
void arch_system_off(void);
void arch_system_reset(void);

/* Short names of the architecture and exception level, e.g. "arm64", "EL2". */
const char *arch_name(void);
const char *arch_privilege_level(void);

#endif
