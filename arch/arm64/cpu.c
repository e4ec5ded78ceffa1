// SPDX-License-Identifier: GPL-2.0
/* ARMv8 CPU hooks: identity, idle, description. */
#include <arch_cpu.h>
#include <arch_sysreg.h>
#include <printf.h>
#include "arm64.h"

unsigned int arch_cpu_id(void)
{
	return (unsigned int)read_sysreg(tpidr_el2);
}

void arch_cpu_set_id(unsigned int cpu)
{
	write_sysreg(cpu, tpidr_el2);
}

void arch_cpu_relax(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}

void arch_cpu_wait_for_irq(void)
{
	dsb(sy);
	__asm__ __volatile__("wfi" ::: "memory");
}

u64 arch_cpu_hwid(void)
{
	return read_sysreg(mpidr_el1) & 0xff00ffffffUL;
}

void arch_cpu_describe(char *buf, size_t len)
{
	static const struct { u32 part; const char *name; } arm_parts[] = {
		{ 0xd03, "Cortex-A53" }, { 0xd04, "Cortex-A35" }, { 0xd05, "Cortex-A55" },
		{ 0xd07, "Cortex-A57" }, { 0xd08, "Cortex-A72" }, { 0xd09, "Cortex-A73" },
		{ 0xd0a, "Cortex-A75" }, { 0xd0b, "Cortex-A76" }, { 0xd0c, "Neoverse-N1" },
		{ 0xd40, "Neoverse-V1" }, { 0xd49, "Neoverse-N2" }, { 0xd0f, "AEMv8 (max)" },
	};
	u64 midr = read_sysreg(midr_el1);
	u32 impl = (midr >> 24) & 0xff, part = (midr >> 4) & 0xfff;
	const char *name = "unknown";

	if (impl == 0x41)
		for (unsigned int i = 0; i < ARRAY_SIZE(arm_parts); i++)
			if (arm_parts[i].part == part)
				name = arm_parts[i].name;
	snprintf(buf, len, "%s (MIDR 0x%08llx r%llup%llu)", name, (unsigned long long)midr,
		 (unsigned long long)((midr >> 20) & 0xf), (unsigned long long)(midr & 0xf));
}

__noreturn void arch_cpu_halt(void)
{
	__asm__ __volatile__("msr daifset, #0xf" ::: "memory");
	for (;;)
		__asm__ __volatile__("wfi" ::: "memory");
}

const char *arch_name(void)
{
	return "arm64";
}

const char *arch_privilege_level(void)
{
	return "EL2";
}

