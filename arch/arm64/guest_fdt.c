// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 nodes of a guest DTB: the vCPUs, PSCI, the GICv3 and the generic
 * timer, as QEMU's virt board (gic-version=3) describes them. Only libfdt
 * here, no system registers, so the host unit tests build this file too.
 *
 * libfdt's read-write API puts a new node first among its siblings, so nodes
 * whose order means something (the cpus: Linux numbers them in DT order)
 * are added last to first.
 */
#include <arch_guest.h>
#include <arch_guest_layout.h>
#include <kestrel/guest_config.h>
#include <libfdt.h>
#include <printf.h>

#define GUEST_CPU_COMPATIBLE	"arm,armv8"
/* The MPIDR affinity (Aff3..Aff0) of vCPU n, its cpu node's reg: Aff0 = n,
 * as guest.c sets VMPIDR_EL2 (which adds the RES1 bit 31). */
#define GUEST_CPU_AFF(n)	((u32)(n))

/* Generic timer PPIs, in the order of the arm,armv8-timer binding: secure
 * and non-secure physical, virtual (the one Linux uses), hypervisor. */
static const u32 timer_ppis[] = { 13, 14, 11, 10 };

/* PPI 9: the GIC maintenance interrupt, as QEMU lists it. */
#define GIC_MAINT_PPI		9

static int add_cpu(void *fdt, int cpus, unsigned int n)
{
	char name[16];
	int node;
	int err;

	snprintf(name, sizeof(name), "cpu@%x", GUEST_CPU_AFF(n));
	node = fdt_add_subnode(fdt, cpus, name);
	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "device_type", "cpu");
	if (!err)
		err = fdt_setprop_string(fdt, node, "compatible", GUEST_CPU_COMPATIBLE);
	if (!err)
		err = fdt_setprop_u32(fdt, node, "reg", GUEST_CPU_AFF(n));
	if (!err)
		err = fdt_setprop_string(fdt, node, "enable-method", "psci");
	return err;
}

/* /cpus with one cpu@<aff> per vCPU, in vCPU order. */
static int add_cpus(void *fdt, int root, unsigned int vcpus)
{
	int cpus = fdt_add_subnode(fdt, root, "cpus");
	int err;

	if (cpus < 0)
		return cpus;
	err = fdt_setprop_u32(fdt, cpus, "#address-cells", 1);
	if (!err)
		err = fdt_setprop_u32(fdt, cpus, "#size-cells", 0);
	for (unsigned int n = vcpus; !err && n-- > 0;)
		err = add_cpu(fdt, cpus, n);
	return err;
}

/* PSCI 1.0 (0.2 compatible) through HVC: the calls the hypervisor handles. */
static int add_psci(void *fdt, int root)
{
	static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2";
	int node = fdt_add_subnode(fdt, root, "psci");
	int err;

	if (node < 0)
		return node;
	err = fdt_setprop(fdt, node, "compatible", compatible, sizeof(compatible));
	if (!err)
		err = fdt_setprop_string(fdt, node, "method", "hvc");
	return err;
}

static int add_gic_props(void *fdt, int node, unsigned int vcpus)
{
	const fdt64_t reg[] = {
		cpu_to_fdt64(ARM64_GUEST_GICD_BASE), cpu_to_fdt64(ARM64_GUEST_GICD_SIZE),
		cpu_to_fdt64(ARM64_GUEST_GICR_BASE),
		cpu_to_fdt64(vcpus * ARM64_GUEST_GICR_STRIDE),	/* one frame pair each */
	};
	const fdt32_t maint[] = {
		cpu_to_fdt32(GUEST_FDT_IRQ_PPI), cpu_to_fdt32(GIC_MAINT_PPI),
		cpu_to_fdt32(GUEST_FDT_IRQ_LEVEL_HIGH),
	};
	int err;

	err = fdt_setprop_string(fdt, node, "compatible", "arm,gic-v3");
	if (!err)
		err = fdt_setprop_u32(fdt, node, "#interrupt-cells", 3);
	if (!err)
		err = fdt_setprop_empty(fdt, node, "interrupt-controller");
	if (!err)
		err = fdt_setprop_u32(fdt, node, "#address-cells", 2);
	if (!err)
		err = fdt_setprop_u32(fdt, node, "#size-cells", 2);
	if (!err)
		err = fdt_setprop_empty(fdt, node, "ranges");
	if (!err)
		err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_setprop_u32(fdt, node, "#redistributor-regions", 1);
	if (!err)
		err = fdt_setprop(fdt, node, "interrupts", maint, sizeof(maint));
	return err;
}

/* The GICv3 at ARM64_GUEST_GICD_BASE, its phandle in *phandle. */
static int add_gic(void *fdt, int root, unsigned int vcpus, u32 *phandle)
{
	char name[32];
	int node;
	int err;

	snprintf(name, sizeof(name), "intc@%llx", ARM64_GUEST_GICD_BASE);
	node = fdt_add_subnode(fdt, root, name);
	if (node < 0)
		return node;
	err = add_gic_props(fdt, node, vcpus);
	if (!err)
		err = fdt_generate_phandle(fdt, phandle);
	if (!err)
		err = fdt_setprop_u32(fdt, node, "phandle", *phandle);
	return err;
}

/* The generic timer's four PPIs, level high. No CPU mask in the flags:
 * that is GICv2's; the GICv3 binding (and QEMU with a GICv3) leave it 0. */
static int add_timer(void *fdt, int root)
{
	fdt32_t irqs[3 * ARRAY_SIZE(timer_ppis)];
	int node = fdt_add_subnode(fdt, root, "timer");
	int err;

	if (node < 0)
		return node;
	for (unsigned int i = 0; i < ARRAY_SIZE(timer_ppis); i++) {
		irqs[3 * i] = cpu_to_fdt32(GUEST_FDT_IRQ_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(timer_ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(GUEST_FDT_IRQ_LEVEL_HIGH);
	}
	err = fdt_setprop_string(fdt, node, "compatible", "arm,armv8-timer");
	if (!err)
		err = fdt_setprop(fdt, node, "interrupts", irqs, sizeof(irqs));
	return err;
}

int arch_guest_fdt_nodes(void *fdt, int root, const struct guest_config *cfg,
			 struct guest_fdt_refs *refs)
{
	int err;

	/* Last to first, so the blob lists cpus, psci, intc, timer. */
	err = add_timer(fdt, root);
	if (!err)
		err = add_gic(fdt, root, cfg->vcpus, &refs->intc_phandle);
	if (!err)
		err = add_psci(fdt, root);
	if (!err)
		err = add_cpus(fdt, root, cfg->vcpus);
	return err;
}
