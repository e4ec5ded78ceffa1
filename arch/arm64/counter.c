// SPDX-License-Identifier: GPL-2.0
/* The ARMv8 system counter (CNTPCT_EL0), the same on every CPU. */
#include <arch_timer.h>
#include <arch_sysreg.h>

u64 arch_counter_read(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

u64 arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}
