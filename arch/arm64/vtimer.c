// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's virtual timer runs on the hardware (CNTV_* with the guest's
 * CNTVOFF_EL2) while its vCPU is loaded; the guest programs it without
 * trapping. Its interrupt (PPI 27) reaches the hypervisor, which turns the
 * timer condition into the level of the vCPU's virtual PPI 27. While that
 * level is high the host PPI is masked, so a condition the guest has not
 * cleared yet does not storm; it is unmasked when the condition goes away.
 * While the vCPU is put, core/vcpu.c sleeps it until
 * arch_vcpu_timer_deadline.
 */
#define LOG_PREFIX "vtimer"
#include <arch_sysreg.h>
#include <arch_timer.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include "guest_arch.h"

static bool condition(u64 ctl, u64 cval, u64 vcount)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE && vcount >= cval;
}

static void set_line(struct vcpu *v, bool level)
{
	struct arch_vcpu *a = &v->arch;

	if (a->timer_line == level)
		return;
	a->timer_line = level;
	vgic_set_level(arm64_guest(v)->vgic, ARM64_VTIMER_INTID, v->id, level);
}

static void host_ppi(bool masked, struct arch_vcpu *a)
{
	if (a->timer_ppi_masked == masked)
		return;
	a->timer_ppi_masked = masked;
	if (masked)
		irq_local_disable(ARM64_VTIMER_INTID);
	else
		irq_local_enable(ARM64_VTIMER_INTID);
}

/* v is loaded on this CPU: sample the hardware timer. */
void arm64_vtimer_sync(struct vcpu *v)
{
	u64 ctl = read_sysreg(cntv_ctl_el0);
	bool level = (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) ==
		     (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);

	set_line(v, level);
	host_ppi(level, &v->arch);
}

static void vtimer_irq(unsigned int hwirq, void *arg)
{
	struct vcpu *v = arm64_loaded_vcpu();

	if (v) {
		arm64_vtimer_sync(v);
		return;
	}
	/* Nobody's timer is loaded: a stale one; silence it. */
	write_sysreg(0, cntv_ctl_el0);
}

int arm64_vtimer_init(void)
{
	return irq_request(ARM64_VTIMER_INTID, "vtimer", vtimer_irq, NULL, IRQ_TRIGGER_LEVEL,
			   true, 0);
}

void arm64_vtimer_load(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	write_sysreg(arm64_guest(v)->cntvoff, cntvoff_el2);
	write_sysreg(a->cntv_cval, cntv_cval_el0);
	write_sysreg(a->cntv_ctl, cntv_ctl_el0);
	isb();
	arm64_vtimer_sync(v);
}

void arm64_vtimer_put(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	a->cntv_ctl = read_sysreg(cntv_ctl_el0) & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
	a->cntv_cval = read_sysreg(cntv_cval_el0);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	host_ppi(false, a);
}

/* v is put: has its timer condition been met? */
bool arm64_vtimer_expired(const struct vcpu *v)
{
	const struct arch_vcpu *a = &v->arch;

	if (a->loaded)
		return a->timer_line;
	return condition(a->cntv_ctl, a->cntv_cval, arch_counter_read() - arm64_guest(v)->cntvoff);
}

/* Power-on state: timer off, its line low (the vGIC keeps line levels
 * across its own reset, so lower it here). v is put. */
void arm64_vtimer_reset(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	a->cntv_ctl = 0;
	a->cntv_cval = 0;
	set_line(v, false);
}
