/* SPDX-License-Identifier: GPL-2.0 */
/* Device register access with the ordering drivers rely on: a write is
 * ordered after earlier memory writes, a read before later memory reads. */
#ifndef ARCH_IO_H
#define ARCH_IO_H

#include <arch_defs.h>	/* arch_io_rmb, arch_io_wmb */

static inline u32 mmio_read32(hva_t addr)
{
	u32 v = *(const volatile u32 *)addr;

	arch_io_rmb();
	return v;
}

static inline u64 mmio_read64(hva_t addr)
{
	u64 v = *(const volatile u64 *)addr;

	arch_io_rmb();
	return v;
}

static inline void mmio_write32(hva_t addr, u32 v)
{
	arch_io_wmb();
	*(volatile u32 *)addr = v;
}

static inline void mmio_write64(hva_t addr, u64 v)
{
	arch_io_wmb();
	*(volatile u64 *)addr = v;
}

#endif
