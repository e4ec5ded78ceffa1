// SPDX-License-Identifier: GPL-2.0
/* A guest's ARMv8 state: VMID, stage-2 table, vGICv3, virtual counter offset. */
#define LOG_PREFIX "guest"
#include <arch_guest.h>
#include <arch_guest_layout.h>
#include <arch_sysreg.h>
#include <arch_timer.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include "guest_arch.h"

#define VTTBR_VMID_SHIFT	48

int arch_virt_init(void)
{
	int r = arm64_vgic_cpuif_init();

	return r ? r : arm64_vtimer_init();
}

/* vCPU n's MPIDR: Aff0 = n, as QEMU's virt board numbers up to 8 CPUs;
 * bit 31 is RES1. */
static u64 vcpu_mpidr(unsigned int n)
{
	return BIT(31) | n;
}

int arch_guest_init(struct guest *g)
{
	struct arch_guest *ag = kzalloc(sizeof(*ag));
	struct vgic_config vc = { 0 };
	int vmid, r;

	if (!ag)
		return -ENOMEM;
	vmid = arm64_vmid_alloc();
	if (vmid < 0) {
		log_err("%s: no VMID left (at most 255 guests)", g->cfg.name);
		kfree(ag);
		return vmid;
	}
	ag->vmid = vmid;
	r = arm64_s2_init(&ag->s2);
	if (r)
		goto fail_vmid;
	ag->vttbr = ((u64)vmid << VTTBR_VMID_SHIFT) | ag->s2.root_pa;
	for (unsigned int i = 0; i < g->cfg.vcpus; i++)
		ag->mpidr[i] = vcpu_mpidr(i);
	vc.nr_vcpus = g->cfg.vcpus;
	vc.vcpu_mpidr = ag->mpidr;
	vc.nr_spis = VGIC_MAX_SPIS;
	vc.dist_base = ARM64_GUEST_GICD_BASE;
	vc.redist_base = ARM64_GUEST_GICR_BASE;
	vc.kick = arm64_vgic_kick;
	vc.kick_ctx = g;
	r = vgic_create(&vc, &g->mmio, &ag->vgic);
	if (r)
		goto fail_s2;
	ag->cntvoff = arch_counter_read();
	g->arch = ag;
	return 0;

fail_s2:
	arm64_s2_free(&ag->s2);
fail_vmid:
	arm64_vmid_free(ag->vmid, ag->vttbr);
	kfree(ag);
	return r;
}

void arch_guest_destroy(struct guest *g)
{
	struct arch_guest *ag = g->arch;

	if (!ag)
		return;
	vgic_destroy(ag->vgic);
	arm64_vmid_free(ag->vmid, ag->vttbr);	/* TLBs first, then the tables */
	arm64_s2_free(&ag->s2);
	kfree(ag);
	g->arch = NULL;
}

int arch_guest_map_ram(struct guest *g, gpa_t gpa, hpa_t hpa, u64 size)
{
	return arm64_s2_map(&g->arch->s2, gpa, hpa, size);
}

void arch_guest_reset(struct guest *g)
{
	vgic_reset(g->arch->vgic);
	g->arch->cntvoff = arch_counter_read();
}

int arch_guest_irq_level(struct guest *g, unsigned int spi, bool level)
{
	return vgic_set_level(g->arch->vgic, 32 + spi, 0, level);
}

bool arch_guest_irq_line(struct guest *g, unsigned int spi)
{
	struct vgic *vg = g->arch->vgic;

	/* Checked here: 32 + spi must not wrap into the private INTIDs. */
	return spi < vgic_nr_spis(vg) && vgic_line(vg, 32 + spi, 0);
}

/* The guest's virtual counter is the host's minus CNTVOFF_EL2. */
u64 arch_guest_vcounter(struct guest *g)
{
	return arch_counter_read() - g->arch->cntvoff;
}

/* Loaded into CNTVOFF_EL2 when each vCPU is next loaded. */
void arch_guest_set_vcounter(struct guest *g, u64 vcounter)
{
	g->arch->cntvoff = arch_counter_read() - vcounter;
}

u64 arch_vcpu_mpidr(struct guest *g, unsigned int n)
{
	return g->arch->mpidr[n];
}

/* The arm64 Image header (Documentation/arch/arm64/booting.rst). */
struct image_header {
	u32 code0, code1;
	u64 text_offset;
	u64 image_size;
	u64 flags;
	u64 res2, res3, res4;
	u32 magic;		/* "ARM\x64" */
	u32 res5;
};

#define IMAGE_MAGIC	0x644d5241U

void arch_guest_image_layout(const void *img, size_t size, u64 *offset, u64 *mem_size)
{
	const struct image_header *h = img;

	*offset = 0;
	*mem_size = size;
	if (size < sizeof(*h) || h->magic != IMAGE_MAGIC)
		return;
	*offset = h->text_offset;
	if (h->image_size > size)
		*mem_size = h->image_size;
}
