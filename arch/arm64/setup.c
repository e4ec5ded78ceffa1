// SPDX-License-Identifier: GPL-2.0
/* From the entry code to the core: EL2 state, vectors, MMU, CPU ids. */
#define LOG_PREFIX "arm64"
#include <arch_boot.h>
#include <arch_cpu.h>
#include <arch_debug.h>
#include <arch_sysreg.h>
#include <kestrel/compiler.h>
#include <kestrel/hostdt.h>
#include <kestrel/log.h>
#include <kestrel/types.h>
#include <string.h>
#include "arm64.h"
#include "guest_arch.h"

/* Boot stacks: CPU n uses cpu_stacks[n] until its idle loop, then for good. */
u8 cpu_stacks[CONFIG_NR_CPUS][CONFIG_STACK_SIZE] __aligned(16);

static void puts_early(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	arch_early_puts(s, n);
}

/* Entered at the wrong exception level: say so and stop. MMU state unknown,
 * no relocation done: only PC-relative data is used. */
__noreturn void arm64_wrong_el(u64 el)
{
	char msg[] = "kestrel: fatal: entered at EL?, but Kestrel must be started at EL2 "
		     "(boot it with virtualization enabled: QEMU -M virt,virtualization=on)\n"
		     "kestrel: system halted\n";

	for (char *p = msg; *p; p++)
		if (*p == '?') {
			*p = '0' + (el & 3);
			break;
		}
	puts_early(msg);
	arch_cpu_halt();
}

static void el2_cpu_setup(unsigned int cpu)
{
	arch_cpu_set_id(cpu);
	write_sysreg((u64)arm64_el2_vectors, vbar_el2);
	/* Physical interrupts are taken to EL2 (IMO/FMO/AMO); lower ELs run
	 * AArch64 and see only virtual interrupts. */
	write_sysreg(HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO, hcr_el2);
	/* Guests read the physical counter but their EL1 physical timer
	 * accesses trap (they use the virtual timer). */
	write_sysreg(CNTHCTL_EL1PCTEN, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	/* Second stage for guests; FP/SIMD usable at EL2 and by guests,
	 * trace registers trapped; debug and PMU registers trapped (emulated
	 * as RAZ/WI), all PMU counters left to EL1. */
	write_sysreg(arm64_vtcr(), vtcr_el2);
	write_sysreg(0, vttbr_el2);
	write_sysreg(CPTR_EL2_RES1 | CPTR_TTA, cptr_el2);
	write_sysreg(MDCR_TDA | MDCR_TDOSA | MDCR_TDRA | MDCR_TPM | MDCR_TPMCR |
		     ((read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK), mdcr_el2);
	isb();
	__asm__ __volatile__("tlbi alle1" ::: "memory");
	dsb(nsh);
	isb();
}

__noreturn void arm64_boot_main(hpa_t fdt, hpa_t image_start, hpa_t image_end)
{
	static struct boot_info info;

	info.fdt = fdt;
	info.image_start = image_start;
	info.image_end = image_end;
	arch_early_init(&info);
	kestrel_main(&info);
}

void arch_early_init(struct boot_info *info)
{
	el2_cpu_setup(0);
	arm64_mmu_build(info->fdt);
	arm64_mmu_enable();
}

int arch_init(void)
{
	/* From EL2 an HVC traps to Kestrel itself: only SMC reaches firmware. */
	if (host.has_psci && strcmp(host.psci_method, "smc"))
		log_warn("PSCI method \"%s\" cannot reach firmware from EL2: "
			 "secondary CPUs, reset and power off are unavailable", host.psci_method);
	return 0;
}

void arch_secondary_init(unsigned int cpu)
{
	arm64_mmu_enable();
	el2_cpu_setup(cpu);
}

__noreturn void arm64_secondary_main(unsigned int cpu)
{
	arch_secondary_init(cpu);
	kestrel_secondary_main(cpu);
}
