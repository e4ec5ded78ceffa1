// SPDX-License-Identifier: GPL-2.0
/* The per-CPU state array. */
#include <kestrel/percpu.h>

struct cpu cpus[CONFIG_NR_CPUS];
unsigned int nr_cpus = 1;

const char *cpu_state_name(enum cpu_state s)
{
	static const char *const names[] = {
		[CPU_ABSENT] = "absent", [CPU_OFFLINE] = "offline",
		[CPU_STARTING] = "starting", [CPU_ONLINE] = "online",
		[CPU_FAILED] = "failed",
	};

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

unsigned int cpus_online(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_cpus; i++)
		n += cpus[i].state == CPU_ONLINE;
	return n;
}
