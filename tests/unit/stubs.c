// SPDX-License-Identifier: GPL-2.0
/* Stand-in for core/irq.c's IPIs: records them for tests to check. */
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
