// SPDX-License-Identifier: GPL-2.0
/* Per-CPU thread-local storage for picolibc (errno etc.): TPIDR_EL0 setup. */
#include <stdint.h>
#include <string.h>
#include "smp.h"
#include "sysreg.h"

extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[];
extern char __tls_cpu0[], __tls_cpu1[];

void tls_init(unsigned int cpu)
{
	char *block = cpu ? __tls_cpu1 : __tls_cpu0;

	/* AArch64 TLS variant 1: TP points at a 16-byte TCB, the TLS block
	 * (.tdata image, then zeroed .tbss) follows it. */
	memcpy(block + 16, __tdata_start, __tdata_end - __tdata_start);
	memset(block + 16 + (__tbss_start - __tdata_start), 0, __tbss_end - __tbss_start);
	write_sysreg(tpidr_el0, (uint64_t)block);
}
