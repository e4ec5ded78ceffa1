/* SPDX-License-Identifier: GPL-2.0 */
/* Bringing CPUs online, and the timer self-test each one runs. */
#ifndef KESTREL_SMP_H
#define KESTREL_SMP_H

/* Fills cpus[] from the host DT. Boot CPU, before drivers. */
void smp_init_cpus(void);
/* Marks the calling CPU online after its timer self-test. */
void smp_cpu_online(unsigned int cpu);
/* Starts every other CPU the host DT lists and waits for each. Boot CPU. */
void smp_boot_secondaries(void);

#endif
