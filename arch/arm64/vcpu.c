// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's EL1 context on the hardware: loaded when its thread starts
 * running it, put back when the thread blocks or yields. Between the two,
 * entries and exits only move the general registers (guest_entry.S).
 */
#define LOG_PREFIX "vcpu"
#include <arch_guest.h>
#include <arch_irq.h>
#include <arch_sysreg.h>
#include <arch_timer.h>
#include <kestrel/console.h>
#include <kestrel/log.h>
#include <kestrel/percpu.h>
#include <printf.h>
#include <string.h>
#include "guest_arch.h"

#define PSTATE_EL1H	0x5UL
#define PSTATE_DAIF	0x3c0UL
#define SCTLR_EL1_RES1	0x30d00800UL	/* ARMv8.0 RES1 bits, MMU and caches off */

/* Physical interrupts and aborts come to EL2; the guest runs AArch64 with
 * stage 2 on; SMC, WFI/WFE, set/way maintenance, auxiliary control and
 * implementation-defined registers trap. */
#define HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_PTW | HCR_FB | HCR_BSU_IS | HCR_FMO | \
			 HCR_IMO | HCR_AMO | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TIDCP | \
			 HCR_TACR | HCR_TSW | HCR_RW)

static struct vcpu *loaded[CONFIG_NR_CPUS];

struct vcpu *arm64_loaded_vcpu(void)
{
	return loaded[arch_cpu_id()];
}

int arch_vcpu_init(struct vcpu *v)
{
	memset(&v->arch, 0, sizeof(v->arch));
	return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
}

void arch_vcpu_reset(struct vcpu *v, gpa_t entry, u64 arg)
{
	struct arch_vcpu *a = &v->arch;

	memset(a->x, 0, sizeof(a->x));
	memset(a->sys, 0, sizeof(a->sys));
	memset(&a->fp, 0, sizeof(a->fp));
	a->x[0] = arg;
	a->pc = entry;
	a->pstate = PSTATE_EL1H | PSTATE_DAIF;
	a->sys[SYS_SCTLR_EL1] = SCTLR_EL1_RES1;
	a->mdscr_el1 = 0;
	a->vserror = false;
	arm64_vtimer_reset(v);
	arm64_vgic_reset(v);
}

/* EL1 system registers in enum arm64_sysreg order. */
#define SYSREGS(X) \
	X(SCTLR_EL1, sctlr_el1) X(TTBR0_EL1, ttbr0_el1) X(TTBR1_EL1, ttbr1_el1) \
	X(TCR_EL1, tcr_el1) X(MAIR_EL1, mair_el1) X(AMAIR_EL1, amair_el1) \
	X(VBAR_EL1, vbar_el1) X(CONTEXTIDR_EL1, contextidr_el1) X(TPIDR_EL0, tpidr_el0) \
	X(TPIDRRO_EL0, tpidrro_el0) X(TPIDR_EL1, tpidr_el1) X(SP_EL0, sp_el0) \
	X(SP_EL1, sp_el1) X(ELR_EL1, elr_el1) X(SPSR_EL1, spsr_el1) X(ESR_EL1, esr_el1) \
	X(FAR_EL1, far_el1) X(AFSR0_EL1, afsr0_el1) X(AFSR1_EL1, afsr1_el1) \
	X(PAR_EL1, par_el1) X(CPACR_EL1, cpacr_el1) X(CNTKCTL_EL1, cntkctl_el1) \
	X(CSSELR_EL1, csselr_el1)

static void sysregs_load(const u64 *sys)
{
#define LOAD(idx, reg) write_sysreg(sys[SYS_##idx], reg);
	SYSREGS(LOAD)
#undef LOAD
}

static void sysregs_save(u64 *sys)
{
#define SAVE(idx, reg) sys[SYS_##idx] = read_sysreg(reg);
	SYSREGS(SAVE)
#undef SAVE
}

void arch_vcpu_load(struct vcpu *v)
{
	struct arch_guest *ag = arm64_guest(v);
	struct arch_vcpu *a = &v->arch;
	unsigned long flags = arch_irq_save();

	write_sysreg(HCR_GUEST | (a->vserror ? HCR_VSE : 0), hcr_el2);
	write_sysreg(ag->vttbr, vttbr_el2);
	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(v->mpidr, vmpidr_el2);
	sysregs_load(a->sys);
	arm64_fpsimd_load(&a->fp);
	arm64_vgic_load(v);
	loaded[arch_cpu_id()] = v;
	a->loaded = true;
	arm64_vtimer_load(v);
	isb();
	arch_irq_restore(flags);
}

void arch_vcpu_put(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long flags = arch_irq_save();

	arm64_vtimer_put(v);
	sysregs_save(a->sys);
	arm64_fpsimd_save(&a->fp);
	arm64_vgic_put(v);
	a->vserror = read_sysreg(hcr_el2) & HCR_VSE;	/* not taken by the guest yet */
	a->loaded = false;
	loaded[arch_cpu_id()] = NULL;
	/* No guest translation regime is left live for speculation. */
	write_sysreg(HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO, hcr_el2);
	isb();
	arch_irq_restore(flags);
}

enum vcpu_exit arch_vcpu_run(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	unsigned int kind;

	arm64_vgic_flush(v);
	v->stats.entries++;
	kind = arm64_guest_enter(a);
	arm64_vgic_sync(v);

	switch (kind) {
	case ARM64_EXIT_SYNC:
		return arm64_handle_sync(v);
	case ARM64_EXIT_IRQ:
	case ARM64_EXIT_FIQ:
		/* Taken by the caller once it unmasks interrupts. */
		v->stats.exits_irq++;
		return VCPU_EXIT_CONTINUE;
	default:
		/* An SError the guest caused (e.g. a bad bus access): it gets
		 * a virtual SError, the hypervisor is not affected. */
		v->stats.exits_other++;
		log_warn("%s vcpu%u: SError (ESR 0x%llx) at pc 0x%llx: injecting a virtual SError",
			 v->guest->cfg.name, v->id, (unsigned long long)a->esr,
			 (unsigned long long)a->pc);
		write_sysreg(read_sysreg(hcr_el2) | HCR_VSE, hcr_el2);
		return VCPU_EXIT_CONTINUE;
	}
}

bool arch_vcpu_wakeup_pending(struct vcpu *v)
{
	struct vgic_irq_info info;

	return arm64_vgic_lr_pending(v) || arm64_vtimer_expired(v) ||
	       !vgic_next_pending(arm64_guest(v)->vgic, v->id, &info);
}

u64 arch_vcpu_timer_deadline(struct vcpu *v)
{
	const struct arch_vcpu *a = &v->arch;

	if ((a->cntv_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
		return 0;
	return a->cntv_cval + arm64_guest(v)->cntvoff;
}

static const char *mode_name(u64 pstate)
{
	static const char *const names[16] = {
		[0x0] = "EL0t", [0x4] = "EL1t", [0x5] = "EL1h",
	};
	const char *n = (pstate & 0x10) ? "AArch32" : names[pstate & 0xf];

	return n ? n : "?";
}

void arch_vcpu_describe(struct vcpu *v, char *buf, size_t len)
{
	const struct arch_vcpu *a = &v->arch;

	snprintf(buf, len, "pc 0x%llx %s%s", (unsigned long long)a->pc, mode_name(a->pstate),
		 (a->sys[SYS_SCTLR_EL1] & SCTLR_M) ? " mmu" : "");
}

void arch_vcpu_dump(struct vcpu *v)
{
	const struct arch_vcpu *a = &v->arch;

	printk("%s vcpu%u: pc %016llx pstate %08llx (%s, DAIF %llx)\n", v->guest->cfg.name,
	       v->id, (unsigned long long)a->pc, (unsigned long long)a->pstate,
	       mode_name(a->pstate), (unsigned long long)(a->pstate >> 6) & 0xf);
	for (unsigned int i = 0; i < 31; i += 2) {
		if (i == 30)
			printk("  x30 %016llx\n", (unsigned long long)a->x[30]);
		else
			printk("  x%-2u %016llx  x%-2u %016llx\n", i, (unsigned long long)a->x[i],
			       i + 1, (unsigned long long)a->x[i + 1]);
	}
	printk("  sp_el1 %016llx  sp_el0 %016llx  elr_el1 %016llx\n",
	       (unsigned long long)a->sys[SYS_SP_EL1], (unsigned long long)a->sys[SYS_SP_EL0],
	       (unsigned long long)a->sys[SYS_ELR_EL1]);
	printk("  sctlr_el1 %016llx  tcr_el1 %016llx  vbar_el1 %016llx\n",
	       (unsigned long long)a->sys[SYS_SCTLR_EL1], (unsigned long long)a->sys[SYS_TCR_EL1],
	       (unsigned long long)a->sys[SYS_VBAR_EL1]);
	printk("  ttbr0_el1 %016llx  ttbr1_el1 %016llx  esr_el1 %016llx\n",
	       (unsigned long long)a->sys[SYS_TTBR0_EL1], (unsigned long long)a->sys[SYS_TTBR1_EL1],
	       (unsigned long long)a->sys[SYS_ESR_EL1]);
	printk("  cntv_ctl %llx  cntv_cval %016llx  last exit ESR_EL2 %08llx\n",
	       (unsigned long long)a->cntv_ctl, (unsigned long long)a->cntv_cval,
	       (unsigned long long)a->esr);
}
