// SPDX-License-Identifier: GPL-2.0
/* PSCI calls through the conduit the DT names (hvc or smc). */
#include "psci.h"
#include "platform.h"

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC: x4-x17 may be clobbered by the callee. */
	if (plat.psci == PSCI_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				   "x13", "x14", "x15", "x16", "x17", "memory");
	else if (plat.psci == PSCI_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				   "x13", "x14", "x15", "x16", "x17", "memory");
	else
		return PSCI_NOT_SUPPORTED;
	return (int64_t)x0;
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	if (!plat.psci_cpu_on)
		return PSCI_NOT_SUPPORTED;
	return psci_call(plat.psci_cpu_on, mpidr, entry, context);
}

const char *psci_conduit_name(void)
{
	return plat.psci == PSCI_HVC ? "hvc" : plat.psci == PSCI_SMC ? "smc" : "none";
}

const char *psci_error_name(int64_t ret)
{
	switch (ret) {
	case PSCI_SUCCESS: return "SUCCESS";
	case PSCI_NOT_SUPPORTED: return "NOT_SUPPORTED";
	case PSCI_INVALID_PARAMS: return "INVALID_PARAMETERS";
	case PSCI_DENIED: return "DENIED";
	case PSCI_ALREADY_ON: return "ALREADY_ON";
	case PSCI_ON_PENDING: return "ON_PENDING";
	default: return "error";
	}
}
