/* SPDX-License-Identifier: GPL-2.0 */
/* System register, barrier, MMIO and interrupt-mask helpers. */
#ifndef BASIC_SYSREG_H
#define BASIC_SYSREG_H

#include <stdint.h>

#define read_sysreg(r) ({ uint64_t __v; \
	__asm__ volatile("mrs %0, " #r : "=r"(__v) :: "memory"); __v; })
#define write_sysreg(r, v) \
	__asm__ volatile("msr " #r ", %0" :: "r"((uint64_t)(v)) : "memory")

#define isb()		__asm__ volatile("isb" ::: "memory")
#define dsb(opt)	__asm__ volatile("dsb " #opt ::: "memory")
#define wfi()		__asm__ volatile("wfi" ::: "memory")
#define cpu_relax()	__asm__ volatile("yield" ::: "memory")

static inline void irq_enable(void)  { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline uint64_t irq_save(void) { uint64_t f = read_sysreg(daif); irq_disable(); return f; }
static inline void irq_restore(uint64_t f) { write_sysreg(daif, f); }

/* MPIDR_EL1 affinity fields only (Aff3 in [39:32], Aff2..Aff0 in [23:0]). */
#define MPIDR_AFF_MASK	0xff00ffffffULL
static inline uint64_t this_mpidr(void) { return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK; }
static inline unsigned int this_cpu(void) { return (unsigned int)read_sysreg(tpidr_el1); }

static inline uint32_t mmio_read32(uint64_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

_Noreturn void halt(void);

#endif
