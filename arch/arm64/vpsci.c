// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.0 for guests, over HVC and SMC (SMCCC: function id in x0,
 * arguments in x1-x3, result in x0): VERSION, FEATURES, CPU_ON, CPU_OFF,
 * AFFINITY_INFO, CPU_SUSPEND (as a standby), MIGRATE_INFO_TYPE, SYSTEM_OFF
 * (the guest stops; the host carries on) and SYSTEM_RESET (the guest
 * reboots). Anything else answers NOT_SUPPORTED.
 */
#define LOG_PREFIX "psci"
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include "guest_arch.h"

#define PSCI_VERSION		0x84000000U
#define PSCI_CPU_SUSPEND_32	0x84000001U
#define PSCI_CPU_SUSPEND_64	0xc4000001U
#define PSCI_CPU_OFF		0x84000002U
#define PSCI_CPU_ON_32		0x84000003U
#define PSCI_CPU_ON_64		0xc4000003U
#define PSCI_AFFINITY_INFO_32	0x84000004U
#define PSCI_AFFINITY_INFO_64	0xc4000004U
#define PSCI_MIGRATE_INFO_TYPE	0x84000006U
#define PSCI_SYSTEM_OFF		0x84000008U
#define PSCI_SYSTEM_RESET	0x84000009U
#define PSCI_FEATURES		0x8400000aU

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMS	-2
#define PSCI_ALREADY_ON		-4
#define PSCI_INVALID_ADDRESS	-9

#define PSCI_1_0		0x10000
#define MIGRATE_NOT_REQUIRED	2
#define MPIDR_AFF_MASK		0xff00ffffffULL

static bool supported(u32 fn)
{
	switch (fn) {
	case PSCI_VERSION: case PSCI_CPU_SUSPEND_32: case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF: case PSCI_CPU_ON_32: case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32: case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return true;
	default:
		return false;
	}
}

static struct vcpu *vcpu_by_mpidr(struct guest *g, u64 mpidr)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if ((g->vcpus[i]->mpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return g->vcpus[i];
	return NULL;
}

static s64 cpu_on(struct vcpu *v, u64 target, u64 entry, u64 ctx)
{
	struct guest *g = v->guest;
	struct vcpu *t = vcpu_by_mpidr(g, target);
	int r;

	if (!t)
		return PSCI_INVALID_PARAMS;
	if (entry < g->ram.base || entry - g->ram.base >= g->ram.size || (entry & 3))
		return PSCI_INVALID_ADDRESS;
	r = vcpu_power_on(t, entry, ctx);
	if (r == -EALREADY)
		return PSCI_ALREADY_ON;
	return r ? PSCI_INVALID_PARAMS : PSCI_SUCCESS;
}

static s64 affinity_info(struct vcpu *v, u64 target, u64 level)
{
	struct vcpu *t;

	if (level != 0)
		return PSCI_INVALID_PARAMS;
	t = vcpu_by_mpidr(v->guest, target);
	if (!t)
		return PSCI_INVALID_PARAMS;
	return READ_ONCE(t->power_on) ? 0 : 1;	/* ON, OFF */
}

void arm64_vpsci_call(struct vcpu *v)
{
	u64 *x = v->arch.x;
	u32 fn = (u32)x[0];
	bool is32 = !(fn & 0x40000000U);
	u64 a1 = is32 ? (u32)x[1] : x[1], a2 = is32 ? (u32)x[2] : x[2];
	u64 a3 = is32 ? (u32)x[3] : x[3];
	s64 ret;

	if ((x[0] >> 32) && !is32)
		fn = ~0U;	/* SMC64 ids are 32 bits wide: the top half must be 0 */
	switch (fn) {
	case PSCI_VERSION:
		ret = PSCI_1_0;
		break;
	case PSCI_FEATURES:
		ret = supported((u32)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		ret = PSCI_SUCCESS;	/* a standby: returns like a WFI that woke */
		break;
	case PSCI_CPU_OFF:
		vcpu_power_off_self(v);
		ret = PSCI_SUCCESS;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = cpu_on(v, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = affinity_info(v, a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = MIGRATE_NOT_REQUIRED;
		break;
	case PSCI_SYSTEM_OFF:
		log_info("%s: powered off by the guest (PSCI SYSTEM_OFF)", v->guest->cfg.name);
		guest_request(v->guest, GUEST_REQ_OFF);
		ret = PSCI_SUCCESS;
		break;
	case PSCI_SYSTEM_RESET:
		log_info("%s: reset by the guest (PSCI SYSTEM_RESET)", v->guest->cfg.name);
		guest_request(v->guest, GUEST_REQ_RESET);
		ret = PSCI_SUCCESS;
		break;
	default:
		log_debug("%s vcpu%u: unknown SMCCC function 0x%x", v->guest->cfg.name, v->id, fn);
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	x[0] = is32 ? (u64)(u32)ret : (u64)ret;
}
