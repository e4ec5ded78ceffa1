// SPDX-License-Identifier: GPL-2.0
/* Check: PSCI SYSTEM_RESET is offered (it runs only on the shell's `reset`). */
#include <stdio.h>
#include "checks.h"
#include "platform.h"
#include "psci.h"

static enum check_result run(char *d, size_t n)
{
	if (!plat.psci_v02) {
		snprintf(d, n, "psci 0.1 (DT) has no SYSTEM_RESET");
		return CHECK_FAIL;
	}
	int64_t ver = psci_call(PSCI_VERSION, 0, 0, 0);

	if (ver < 0) {
		snprintf(d, n, "PSCI_VERSION via %s returned %ld", psci_conduit_name(), ver);
		return CHECK_FAIL;
	}
	unsigned int major = (ver >> 16) & 0x7fff, minor = ver & 0xffff;
	const char *how = "psci >= 0.2";

	if (major >= 1) {
		int64_t f = psci_call(PSCI_FEATURES, PSCI_SYSTEM_RESET, 0, 0);

		if (f < 0) {
			snprintf(d, n, "psci %u.%u: PSCI_FEATURES(SYSTEM_RESET) returned %ld",
				 major, minor, f);
			return CHECK_FAIL;
		}
		how = "PSCI_FEATURES";
	}
	snprintf(d, n, "psci %u.%u via %s: SYSTEM_RESET available (%s); run it with the shell "
		 "command 'reset'", major, minor, psci_conduit_name(), how);
	return CHECK_PASS;
}

const struct check check_reset = { "reset", run };
