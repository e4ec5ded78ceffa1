// SPDX-License-Identifier: GPL-2.0
/* The check runner: one result line per check, then the "N passed, N failed" summary. */
#include <stdio.h>
#include "checks.h"

static const struct check *const all_checks[] = {
	&check_timer, &check_sgi, &check_uart, &check_memory, &check_fpsimd, &check_abort,
	&check_reset,
};

void checks_run_all(void)
{
	static const char *const word[] = { "PASS", "FAIL", "SKIP" };
	int passed = 0, failed = 0;

	for (size_t i = 0; i < sizeof(all_checks) / sizeof(all_checks[0]); i++) {
		const struct check *c = all_checks[i];
		char detail[320] = "";
		enum check_result r = c->run(detail, sizeof(detail));

		passed += r == CHECK_PASS;
		failed += r == CHECK_FAIL;
		printf("basic: %s %s: %s\n", word[r], c->name, detail);
	}
	printf("basic: %d passed, %d failed\n", passed, failed);
}
