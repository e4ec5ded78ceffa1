// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 sections of a guest snapshot (docs/snapshot-format.md): the
 * vGICv3 with every vCPU's CPU interface, then one section per vCPU
 * (vcpu_snap.c). Saved from a paused guest, whose vCPUs are put; loaded
 * into a new, stopped one.
 */
#define LOG_PREFIX "snapshot"
#include <arch_guest_layout.h>
#include <kestrel/errno.h>
#include <kestrel/snapshot.h>
#include <printf.h>
#include <string.h>
#include "guest_arch.h"

#define SECTION_VERSION	1

u16 arch_snap_arch(void)
{
	return SNAP_ARCH_ARM64;
}

/* The names of the sections: paths in the guest's device tree. */
static void vgic_name(char *buf, size_t len)
{
	snprintf(buf, len, "/intc@%llx", ARM64_GUEST_GICD_BASE);
}

static void vcpu_name(unsigned int n, char *buf, size_t len)
{
	snprintf(buf, len, "/cpus/cpu@%x", n);
}

/* The vGIC's view of the vCPUs' CPU interfaces (vgic_cpuif_get_fn/set_fn). */
static void cpuif_get(void *ctx, unsigned int vcpu, struct vgic_cpuif *out)
{
	struct guest *g = ctx;

	arm64_vgic_snap_get(g->vcpus[vcpu], out);
}

static void cpuif_set(void *ctx, unsigned int vcpu, const struct vgic_cpuif *in)
{
	struct guest *g = ctx;

	arm64_vgic_snap_set(g->vcpus[vcpu], in);
}

void arch_snap_save(struct guest *g, struct snap_out *o)
{
	char name[SNAP_NAME_SIZE];
	struct snap_tlv_writer *w;

	vgic_name(name, sizeof(name));
	w = snap_out_begin(o, SNAP_SEC_ARM64_VGICV3, SECTION_VERSION, SNAP_SEC_MANDATORY, name);
	vgic_snap_save(g->arch->vgic, cpuif_get, g, w);
	snap_out_end(o);
	for (unsigned int n = 0; n < g->nr_vcpus; n++) {
		vcpu_name(n, name, sizeof(name));
		w = snap_out_begin(o, SNAP_SEC_ARM64_VCPU, SECTION_VERSION, SNAP_SEC_MANDATORY,
				   name);
		arm64_vcpu_snap_save(g->vcpus[n], w);
		snap_out_end(o);
	}
}

bool arch_snap_owns(struct guest *g, u16 type, const char *name)
{
	char want[SNAP_NAME_SIZE];

	if (type == SNAP_SEC_ARM64_VGICV3) {
		vgic_name(want, sizeof(want));
		return !strcmp(name, want);
	}
	if (type != SNAP_SEC_ARM64_VCPU)
		return false;
	for (unsigned int n = 0; n < g->nr_vcpus; n++) {
		vcpu_name(n, want, sizeof(want));
		if (!strcmp(name, want))
			return true;
	}
	return false;
}

/* Prefixes what the loader wrote into err with the section:
 * "section /cpus/cpu@0 (arm64-vcpu v1): ". */
static int section_error(const struct snap_section *s, const char *what, char *err,
			 size_t errlen)
{
	const char *type = snap_section_type_name(s->type);

	snprintf(err, errlen, "section %s (%s v%u): %s", s->name, type ? type : "?",
		 (unsigned int)s->version, what);
	return -EINVAL;
}

/* The section the guest must have, or an error naming it. */
static const struct snap_section *need_section(const struct snap_in *in, u16 type,
					       const char *name, char *err, size_t errlen)
{
	const struct snap_section *s = snap_in_find(in, type, name);
	const char *tn = snap_section_type_name(type);

	if (!s)
		snprintf(err, errlen, "no section for %s (%s): the snapshot does not match its own configuration",
			 name, tn ? tn : "?");
	return s;
}

int arch_snap_load(struct guest *g, const struct snap_in *in, char *err, size_t errlen)
{
	const struct snap_section *s;
	struct vgic_cpuif_caps caps;
	char name[SNAP_NAME_SIZE];
	char what[256];
	int r;

	/* The vGIC first: the vCPUs take their list registers and timer
	 * level from it. */
	vgic_name(name, sizeof(name));
	s = need_section(in, SNAP_SEC_ARM64_VGICV3, name, err, errlen);
	if (!s)
		return -EINVAL;
	arm64_vgic_caps(&caps);
	r = vgic_snap_load(g->arch->vgic, s, &caps, cpuif_set, g, what, sizeof(what));
	if (r)
		return section_error(s, what, err, errlen);
	for (unsigned int n = 0; n < g->nr_vcpus; n++) {
		vcpu_name(n, name, sizeof(name));
		s = need_section(in, SNAP_SEC_ARM64_VCPU, name, err, errlen);
		if (!s)
			return -EINVAL;
		r = arm64_vcpu_snap_load(g->vcpus[n], s, what, sizeof(what));
		if (r)
			return section_error(s, what, err, errlen);
	}
	return 0;
}
