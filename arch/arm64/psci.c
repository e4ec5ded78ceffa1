// SPDX-License-Identifier: GPL-2.0
/* PSCI calls from EL2: CPU_ON for secondaries, SYSTEM_OFF, SYSTEM_RESET. */
#include <arch_cpu.h>
#include <arch_mmu.h>
#include <kestrel/hostdt.h>
#include <kestrel/errno.h>
#include <string.h>
#include "arm64.h"

#define PSCI_SYSTEM_OFF		0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL
#define PSCI_CPU_ON_64		0xc4000003UL

/* PSCI through the conduit the host DT names. From EL2 only SMC reaches the
 * firmware: an HVC would trap to Kestrel itself. */
static bool conduit_is_smc(void)
{
	return host.has_psci && !strcmp(host.psci_method, "smc");
}

int arm64_psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	if (!conduit_is_smc())
		return -1;	/* NOT_SUPPORTED */
	/* No function call may come between these and the asm. */
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	__asm__ __volatile__("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
			       "x13", "x14", "x15", "x16", "x17", "memory");
	return (int)x0;
}

static int psci_error(int r)
{
	switch (r) {
	case 0: return 0;
	case -1: return -ENOSYS;	/* NOT_SUPPORTED */
	case -2: return -EINVAL;	/* INVALID_PARAMETERS */
	case -3: return -EPERM;		/* DENIED */
	case -4: return -EBUSY;		/* ALREADY_ON */
	case -5: return -EBUSY;		/* ON_PENDING */
	case -9: return -EFAULT;	/* INVALID_ADDRESS */
	default: return r < 0 && r > -100 ? r : -EIO;
	}
}

int arch_cpu_start(unsigned int cpu, u64 hwid)
{
	if (!host.has_psci)
		return -ENOSYS;
	return psci_error(arm64_psci_call(PSCI_CPU_ON_64, hwid,
					  arch_hva_to_hpa((hva_t)arm64_secondary_entry), cpu));
}

void arch_system_off(void)
{
	arm64_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void arch_system_reset(void)
{
	arm64_psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
}
