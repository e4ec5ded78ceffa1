/* SPDX-License-Identifier: GPL-2.0 */
/* What the IPI stand-in of tests/unit/stubs.c recorded, for tests to check. */
#ifndef KESTREL_TEST_STUBS_H
#define KESTREL_TEST_STUBS_H

#include <kestrel/irq.h>

/* IPIs sent through irq_send_ipi, per target CPU and kind. */
extern unsigned int stub_ipis[CONFIG_NR_CPUS][IPI_COUNT];

void stubs_reset(void);

#endif
