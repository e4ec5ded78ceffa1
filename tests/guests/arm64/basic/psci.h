/* SPDX-License-Identifier: GPL-2.0 */
/* PSCI calls through the conduit the DT names (hvc or smc). */
#ifndef BASIC_PSCI_H
#define BASIC_PSCI_H

#include <stdint.h>

#define PSCI_VERSION		0x84000000U
#define PSCI_CPU_ON_64		0xc4000003U
#define PSCI_AFFINITY_INFO_64	0xc4000004U
#define PSCI_SYSTEM_OFF		0x84000008U
#define PSCI_SYSTEM_RESET	0x84000009U
#define PSCI_FEATURES		0x8400000aU

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)

#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1
#define PSCI_AFF_ON_PENDING	2

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
const char *psci_conduit_name(void);
const char *psci_error_name(int64_t ret);

#endif
