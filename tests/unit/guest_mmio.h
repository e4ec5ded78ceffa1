/* SPDX-License-Identifier: GPL-2.0 */
/* Guest accesses to emulated devices in tests: through devemu_access, as a
 * trapped load or store would reach them. */
#ifndef KESTREL_TEST_GUEST_MMIO_H
#define KESTREL_TEST_GUEST_MMIO_H

#include <kestrel/devemu.h>

/* A load the device must handle; returns the value read. */
static inline u64 mmio_read(struct devemu_map *m, gpa_t addr, unsigned int width)
{
	u64 val = 0xbad;

	assert_int_equal(devemu_access(m, addr, width, false, &val), DEVEMU_HANDLED);
	return val;
}

/* A store the device must handle. */
static inline void mmio_write(struct devemu_map *m, gpa_t addr, unsigned int width, u64 val)
{
	assert_int_equal(devemu_access(m, addr, width, true, &val), DEVEMU_HANDLED);
}

#endif
