// SPDX-License-Identifier: GPL-2.0
/*
 * One vCPU as an arm64-vcpu snapshot section (docs/snapshot-format.md):
 * the registers of a put vCPU, its virtual timer and its PSCI power state.
 * Its list registers travel in the vGIC's section (snapshot.c).
 */
#define LOG_PREFIX "snapshot"
#include <arch_sysreg.h>
#include <kestrel/errno.h>
#include <kestrel/snapshot.h>
#include <printf.h>
#include <stdarg.h>
#include "guest_arch.h"

#define PSTATE_M		0x1fULL		/* M[4:0] */
#define PSTATE_M_AARCH32	0x10ULL
#define PSTATE_BITS		0xffffffffULL	/* SPSR_EL2 holds no more for a guest */
#define CNTV_CTL_BITS		(CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)

/* power-state */
enum { POWER_OFF, POWER_ON, POWER_ON_PENDING };

/* The EL1 system registers by the format's tag numbers (not the enum's). */
static const struct {
	u16 tag;
	u8 sys;		/* enum arm64_sysreg */
} sysregs[] = {
	{ SNAP_VCPU_SCTLR_EL1, SYS_SCTLR_EL1 }, { SNAP_VCPU_TTBR0_EL1, SYS_TTBR0_EL1 },
	{ SNAP_VCPU_TTBR1_EL1, SYS_TTBR1_EL1 }, { SNAP_VCPU_TCR_EL1, SYS_TCR_EL1 },
	{ SNAP_VCPU_MAIR_EL1, SYS_MAIR_EL1 }, { SNAP_VCPU_AMAIR_EL1, SYS_AMAIR_EL1 },
	{ SNAP_VCPU_VBAR_EL1, SYS_VBAR_EL1 }, { SNAP_VCPU_CONTEXTIDR_EL1, SYS_CONTEXTIDR_EL1 },
	{ SNAP_VCPU_TPIDR_EL0, SYS_TPIDR_EL0 }, { SNAP_VCPU_TPIDRRO_EL0, SYS_TPIDRRO_EL0 },
	{ SNAP_VCPU_TPIDR_EL1, SYS_TPIDR_EL1 }, { SNAP_VCPU_SP_EL0, SYS_SP_EL0 },
	{ SNAP_VCPU_SP_EL1, SYS_SP_EL1 }, { SNAP_VCPU_ELR_EL1, SYS_ELR_EL1 },
	{ SNAP_VCPU_SPSR_EL1, SYS_SPSR_EL1 }, { SNAP_VCPU_ESR_EL1, SYS_ESR_EL1 },
	{ SNAP_VCPU_FAR_EL1, SYS_FAR_EL1 }, { SNAP_VCPU_AFSR0_EL1, SYS_AFSR0_EL1 },
	{ SNAP_VCPU_AFSR1_EL1, SYS_AFSR1_EL1 }, { SNAP_VCPU_PAR_EL1, SYS_PAR_EL1 },
	{ SNAP_VCPU_CPACR_EL1, SYS_CPACR_EL1 }, { SNAP_VCPU_CNTKCTL_EL1, SYS_CNTKCTL_EL1 },
	{ SNAP_VCPU_CSSELR_EL1, SYS_CSSELR_EL1 },
};
_Static_assert(ARRAY_SIZE(sysregs) == SYS_NR, "a tag for every switched register");

/* The PSCI view. The vCPU is parked, so a CPU_ON is not half done. */
static u32 power_state(const struct vcpu *v)
{
	if (!READ_ONCE(v->power_on))
		return POWER_OFF;
	return (READ_ONCE(v->requests) & VCPU_REQ_POWER_ON) ? POWER_ON_PENDING : POWER_ON;
}

void arm64_vcpu_snap_save(struct vcpu *v, struct snap_tlv_writer *w)
{
	const struct arch_vcpu *a = &v->arch;
	u32 power = power_state(v);

	snap_tlv_put_u32(w, SNAP_VCPU_INDEX, SNAP_M, v->id);
	snap_tlv_put_u64(w, SNAP_VCPU_MPIDR, SNAP_M, v->mpidr);
	snap_tlv_put_array(w, SNAP_VCPU_X, SNAP_M, 8, 31, a->x);
	snap_tlv_put_u64(w, SNAP_VCPU_PC, SNAP_M, a->pc);
	snap_tlv_put_u64(w, SNAP_VCPU_PSTATE, SNAP_M, a->pstate);
	snap_tlv_put_u32(w, SNAP_VCPU_POWER_STATE, SNAP_M, power);
	/* Meaningful, and mandatory, only while a CPU_ON waits. */
	if (power == POWER_ON_PENDING) {
		snap_tlv_put_u64(w, SNAP_VCPU_ON_ENTRY, SNAP_M, v->on_entry);
		snap_tlv_put_u64(w, SNAP_VCPU_ON_CONTEXT, SNAP_M, v->on_arg);
	}
	snap_tlv_put_u32(w, SNAP_VCPU_VSERROR, SNAP_O, a->vserror);
	for (unsigned int i = 0; i < ARRAY_SIZE(sysregs); i++)
		snap_tlv_put_u64(w, sysregs[i].tag, SNAP_M, a->sys[sysregs[i].sys]);
	snap_tlv_put_u64(w, SNAP_VCPU_MDSCR_EL1, SNAP_M, a->mdscr_el1);
	snap_tlv_array_begin(w, SNAP_VCPU_V, SNAP_M, 16, 32);
	for (unsigned int i = 0; i < 32; i++)
		snap_tlv_array_elem128(w, (u64)a->fp.v[i], (u64)(a->fp.v[i] >> 64));
	snap_tlv_put_u64(w, SNAP_VCPU_FPSR, SNAP_M, a->fp.fpsr);
	snap_tlv_put_u64(w, SNAP_VCPU_FPCR, SNAP_M, a->fp.fpcr);
	snap_tlv_put_u64(w, SNAP_VCPU_CNTV_CTL, SNAP_M, a->cntv_ctl);
	snap_tlv_put_u64(w, SNAP_VCPU_CNTV_CVAL, SNAP_M, a->cntv_cval);
}

/* ---- load ---------------------------------------------------------------- */

static __printf(3, 4) int refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A mandatory field (the validator made sure of it; a loader does not
 * trust that alone). */
static const char *tag_name(u16 tag)
{
	const struct snap_tag_spec *sp;
	unsigned int idx;

	sp = snap_tag_spec(snap_type_spec(SNAP_SEC_ARM64_VCPU), tag, &idx);
	return sp ? sp->name : "?";
}

static int need_u64(const struct snap_section *s, u16 tag, u64 *v, char *err, size_t errlen)
{
	if (snap_get_u64(s, tag, v))
		return 0;
	return refuse(err, errlen, "tag 0x%04x (%s) missing", tag, tag_name(tag));
}

static int need_u32(const struct snap_section *s, u16 tag, u32 *v, char *err, size_t errlen)
{
	if (snap_get_u32(s, tag, v))
		return 0;
	return refuse(err, errlen, "tag 0x%04x (%s) missing", tag, tag_name(tag));
}

static int need_array(const struct snap_section *s, u16 tag, u32 es, u32 count,
		      struct snap_field *f, char *err, size_t errlen)
{
	if (!snap_get_array(s, tag, f))
		return refuse(err, errlen, "tag 0x%04x (%s) missing", tag, tag_name(tag));
	if (f->elem_size != es || f->count != count)
		return refuse(err, errlen, "%s: %u elements of %u bytes, expected %u of %u",
			      tag_name(tag), f->count, f->elem_size, count, es);
	return 0;
}

static int check_pstate(u64 pstate, char *err, size_t errlen)
{
	static const char *const modes[16] = {
		[0x8] = "EL2t", [0x9] = "EL2h", [0xc] = "EL3t", [0xd] = "EL3h",
	};
	unsigned int m = pstate & 0xf;

	if (pstate & ~PSTATE_BITS)
		return refuse(err, errlen, "pstate 0x%llx sets bits above 31, which SPSR_EL2 does not hold for a guest",
			      (unsigned long long)pstate);
	if (pstate & PSTATE_M_AARCH32)
		return refuse(err, errlen, "pstate 0x%llx is an AArch32 mode; a guest runs AArch64 at EL1 or EL0",
			      (unsigned long long)pstate);
	if (m == 0x0 || m == 0x4 || m == 0x5)	/* EL0t, EL1t, EL1h */
		return 0;
	if (modes[m])
		return refuse(err, errlen, "pstate 0x%llx is %s; a guest runs at EL1 or EL0",
			      (unsigned long long)pstate, modes[m]);
	return refuse(err, errlen, "pstate 0x%llx has the reserved mode M[3:0] = 0x%x; a guest runs at EL1 or EL0",
		      (unsigned long long)pstate, m);
}

/* What a section says beyond the plain registers. */
struct vcpu_fields {
	u32 index, power, vserror;
	u64 mpidr, pc, pstate, on_entry, on_arg, fpsr, fpcr, cntv_ctl;
};

static int check_power(struct vcpu *v, const struct snap_section *s, struct vcpu_fields *f,
		       char *err, size_t errlen)
{
	const struct guest_ram *ram = &v->guest->ram;
	int r;

	if (f->power > POWER_ON_PENDING)
		return refuse(err, errlen, "power-state %u is not 0 (off), 1 (on) or 2 (on-pending)",
			      f->power);
	if (f->power != POWER_ON_PENDING)
		return 0;
	r = need_u64(s, SNAP_VCPU_ON_ENTRY, &f->on_entry, err, errlen);
	if (!r)
		r = need_u64(s, SNAP_VCPU_ON_CONTEXT, &f->on_arg, err, errlen);
	if (r)
		return r;
	/* As PSCI CPU_ON checks it (vpsci.c). */
	if (f->on_entry < ram->base || f->on_entry - ram->base >= ram->size)
		return refuse(err, errlen, "on-entry 0x%llx is not in the guest's RAM (0x%llx-0x%llx)",
			      (unsigned long long)f->on_entry, (unsigned long long)ram->base,
			      (unsigned long long)(ram->base + ram->size - 1));
	if (f->on_entry & 3)
		return refuse(err, errlen, "on-entry 0x%llx is not 4-byte aligned",
			      (unsigned long long)f->on_entry);
	return 0;
}

static int check_fields(struct vcpu *v, const struct snap_section *s, struct vcpu_fields *f,
			char *err, size_t errlen)
{
	u64 mpidr = arch_vcpu_mpidr(v->guest, v->id);
	int r;

	if ((r = need_u32(s, SNAP_VCPU_INDEX, &f->index, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_MPIDR, &f->mpidr, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_PC, &f->pc, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_PSTATE, &f->pstate, err, errlen)) ||
	    (r = need_u32(s, SNAP_VCPU_POWER_STATE, &f->power, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_FPSR, &f->fpsr, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_FPCR, &f->fpcr, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_CNTV_CTL, &f->cntv_ctl, err, errlen)))
		return r;
	if (f->index != v->id)
		return refuse(err, errlen, "index %u, but the section is vCPU %u's", f->index, v->id);
	if (f->mpidr != mpidr)
		return refuse(err, errlen, "mpidr 0x%llx; vCPU %u's is 0x%llx",
			      (unsigned long long)f->mpidr, v->id, (unsigned long long)mpidr);
	r = check_pstate(f->pstate, err, errlen);
	if (r)
		return r;
	r = check_power(v, s, f, err, errlen);
	if (r)
		return r;
	if (!snap_get_u32(s, SNAP_VCPU_VSERROR, &f->vserror))
		f->vserror = 0;		/* O: default 0 */
	if (f->vserror > 1)
		return refuse(err, errlen, "vserror %u is not 0 or 1", f->vserror);
	if (f->fpsr >> 32)
		return refuse(err, errlen, "fpsr 0x%llx is wider than 32 bits",
			      (unsigned long long)f->fpsr);
	if (f->fpcr >> 32)
		return refuse(err, errlen, "fpcr 0x%llx is wider than 32 bits",
			      (unsigned long long)f->fpcr);
	if (f->cntv_ctl & ~(u64)CNTV_CTL_BITS)
		return refuse(err, errlen, "cntv-ctl 0x%llx sets bits other than ENABLE, IMASK and ISTATUS",
			      (unsigned long long)f->cntv_ctl);
	return 0;
}

int arm64_vcpu_snap_load(struct vcpu *v, const struct snap_section *s, char *err,
			 size_t errlen)
{
	struct arch_vcpu *a = &v->arch;
	struct snap_field x, vregs;
	struct vcpu_fields f = { 0 };
	u64 sys[SYS_NR], mdscr, cval;
	int r;

	if ((r = check_fields(v, s, &f, err, errlen)) ||
	    (r = need_array(s, SNAP_VCPU_X, 8, 31, &x, err, errlen)) ||
	    (r = need_array(s, SNAP_VCPU_V, 16, 32, &vregs, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_MDSCR_EL1, &mdscr, err, errlen)) ||
	    (r = need_u64(s, SNAP_VCPU_CNTV_CVAL, &cval, err, errlen)))
		return r;
	for (unsigned int i = 0; i < ARRAY_SIZE(sysregs); i++) {
		r = need_u64(s, sysregs[i].tag, &sys[sysregs[i].sys], err, errlen);
		if (r)
			return r;
	}

	/* Checked: load. The vCPU is put, so all of it lives in *a. */
	for (unsigned int i = 0; i < 31; i++)
		a->x[i] = snap_field_elem(&x, i);
	a->pc = f.pc;
	a->pstate = f.pstate;
	for (unsigned int i = 0; i < SYS_NR; i++)
		a->sys[i] = sys[i];
	a->mdscr_el1 = mdscr;
	for (unsigned int i = 0; i < 32; i++) {
		u64 lo, hi;

		snap_field_elem128(&vregs, i, &lo, &hi);
		a->fp.v[i] = (__uint128_t)hi << 64 | lo;
	}
	a->fp.fpsr = f.fpsr;
	a->fp.fpcr = f.fpcr;
	a->cntv_ctl = f.cntv_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK);	/* ISTATUS recomputed */
	a->cntv_cval = cval;
	a->vserror = f.vserror;
	/* The vGIC was loaded first: its level of the timer PPI is the one
	 * this vCPU's timer drove, so set_line() must not toggle it again. */
	a->timer_line = vgic_line(arm64_guest(v)->vgic, ARM64_VTIMER_INTID, v->id);
	a->timer_ppi_masked = false;

	v->on_entry = f.power == POWER_ON_PENDING ? f.on_entry : 0;
	v->on_arg = f.power == POWER_ON_PENDING ? f.on_arg : 0;
	if (f.power == POWER_ON_PENDING)
		__atomic_or_fetch(&v->requests, VCPU_REQ_POWER_ON, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(&v->requests, ~VCPU_REQ_POWER_ON, __ATOMIC_SEQ_CST);
	WRITE_ONCE(v->power_on, f.power != POWER_OFF);
	return 0;
}
