/* SPDX-License-Identifier: GPL-2.0 */
/* The free-running system counter the core's time is read from. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <kestrel/types.h>

/* Current value of the system counter (CNTPCT_EL0, the time CSR, the TSC).
 * Monotonic and identical on every CPU. Any context. */
u64 arch_counter_read(void);

/* Counter frequency in Hz as firmware programmed it. Any context. */
u64 arch_counter_freq(void);

#endif
