// SPDX-License-Identifier: GPL-2.0
/*
 * ARM GICv3 for the hypervisor's own interrupts: distributor for SPIs, one
 * redistributor per CPU for SGIs and PPIs, and the CPU interface through
 * the ICC system registers. Everything is Group 1, one priority.
 */
#define LOG_PREFIX "gicv3"
#include <kestrel/driver.h>
#include <kestrel/errno.h>
#include <kestrel/hostdt.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/percpu.h>
#include <kestrel/timer.h>
#include <arch_cpu.h>
#include <arch_io.h>
#include <arch_mmu.h>
#include <arch_sysreg.h>

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ICPENDR		0x0280
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ENABLE	((1U << 4) | (1U << 1) | (1U << 0))	/* ARE, Grp1, Grp0 */

#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_TYPER_LAST		(1U << 4)
#define GICR_TYPER_VLPIS	(1U << 1)
#define GICR_WAKER_SLEEP	(1U << 1)
#define GICR_WAKER_ASLEEP	(1U << 2)
#define GICR_SGI_OFFSET		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_IPRIORITYR		0x0400
#define GICR_ICFGR0		0x0c00

#define PRIORITY		0xa0
#define MAX_RD_REGIONS		8
#define POLL_LIMIT_NS		100000000ULL

static hva_t gicd;
static unsigned int nr_lines;	/* SPIs + 32 */
static struct { hva_t base; u64 size; } rd_regions[MAX_RD_REGIONS];
static unsigned int nr_rd_regions;
static u64 rd_stride;		/* 0: from GICR_TYPER.VLPIS */
static hva_t rd_base[CONFIG_NR_CPUS];

static bool wait_clear(hva_t reg, u32 bits)
{
	u64 start = time_now_ns();

	while (mmio_read32(reg) & bits)
		if (time_now_ns() - start > POLL_LIMIT_NS)
			return false;
	return true;
}

static inline hva_t rd_sgi(unsigned int cpu)
{
	return rd_base[cpu] + GICR_SGI_OFFSET;
}

static u32 mpidr_to_aff(u64 mpidr)
{
	return (u32)(((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff));
}

static hva_t find_redistributor(u64 mpidr)
{
	u32 aff = mpidr_to_aff(mpidr);

	for (unsigned int r = 0; r < nr_rd_regions; r++) {
		for (u64 off = 0; off + 0x20000 <= rd_regions[r].size;) {
			hva_t rd = rd_regions[r].base + off;
			u64 typer = mmio_read64(rd + GICR_TYPER);

			if ((u32)(typer >> 32) == aff)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			off += rd_stride ? rd_stride :
			       (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
		}
	}
	return 0;
}

static int gic_cpu_init(unsigned int cpu)
{
	hva_t rd = find_redistributor(arch_cpu_hwid());

	if (!rd) {
		log_err("CPU %u: no redistributor for MPIDR 0x%llx", cpu,
			(unsigned long long)arch_cpu_hwid());
		return -ENODEV;
	}
	rd_base[cpu] = rd;
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (!wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP)) {
		log_err("CPU %u: redistributor did not wake up", cpu);
		return -ETIMEDOUT;
	}
	/* SGIs and PPIs: Group 1, all disabled until requested. */
	mmio_write32(rd_sgi(cpu) + GICR_IGROUPR0, ~0U);
	mmio_write32(rd_sgi(cpu) + GICR_ICENABLER0, ~0U);
	wait_clear(rd + GICR_CTLR, GICD_CTLR_RWP);
	for (unsigned int i = 0; i < 32; i += 4)
		mmio_write32(rd_sgi(cpu) + GICR_IPRIORITYR + i, PRIORITY * 0x01010101U);

	/* CPU interface through system registers. */
	write_sysreg_s(read_sysreg_s(ICC_SRE_EL2) | 0xf, ICC_SRE_EL2);	/* SRE, DFB, DIB, Enable */
	isb();
	if (!(read_sysreg_s(ICC_SRE_EL2) & 1)) {
		log_err("CPU %u: system register interface cannot be enabled", cpu);
		return -ENODEV;
	}
	write_sysreg_s(0xff, ICC_PMR_EL1);
	write_sysreg_s(0, ICC_BPR1_EL1);
	write_sysreg_s(0, ICC_CTLR_EL1);	/* EOI both drops priority and deactivates */
	write_sysreg_s(1, ICC_IGRPEN1_EL1);
	isb();
	return 0;
}

static unsigned int gic_ack(void)
{
	unsigned int intid = read_sysreg_s(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	return intid >= 1020 ? IRQ_MAX : intid;
}

static void gic_eoi(unsigned int hwirq)
{
	write_sysreg_s(hwirq, ICC_EOIR1_EL1);
	isb();
}

static void gic_enable(unsigned int hwirq, unsigned int cpu)
{
	if (hwirq < 32) {
		/* Private: the redistributor of the calling CPU. */
		mmio_write32(rd_sgi(arch_cpu_id()) + GICR_ISENABLER0, 1U << hwirq);
		return;
	}
	if (hwirq >= nr_lines)
		return;
	*(volatile u8 *)(gicd + GICD_IPRIORITYR + hwirq) = PRIORITY;
	mmio_write32(gicd + GICD_IGROUPR + (hwirq / 32) * 4,
		     mmio_read32(gicd + GICD_IGROUPR + (hwirq / 32) * 4) | (1U << (hwirq % 32)));
	mmio_write64(gicd + GICD_IROUTER + hwirq * 8,
		     (cpus[cpu].hwid & 0xffffff) | (((cpus[cpu].hwid >> 32) & 0xff) << 32));
	mmio_write32(gicd + GICD_ISENABLER + (hwirq / 32) * 4, 1U << (hwirq % 32));
}

static void gic_disable(unsigned int hwirq)
{
	if (hwirq < 32) {
		mmio_write32(rd_sgi(arch_cpu_id()) + GICR_ICENABLER0, 1U << hwirq);
		wait_clear(rd_base[arch_cpu_id()] + GICR_CTLR, GICD_CTLR_RWP);
	} else if (hwirq < nr_lines) {
		mmio_write32(gicd + GICD_ICENABLER + (hwirq / 32) * 4, 1U << (hwirq % 32));
		wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	}
}

static void gic_set_trigger(unsigned int hwirq, enum irq_trigger t)
{
	hva_t reg;
	u32 v, bit = 2 * (hwirq % 16) + 1;

	if (hwirq < 16)
		return;		/* SGIs are always edge */
	if (hwirq < 32)
		reg = rd_sgi(arch_cpu_id()) + GICR_ICFGR0 + 4;
	else if (hwirq < nr_lines)
		reg = gicd + GICD_ICFGR + (hwirq / 16) * 4;
	else
		return;
	v = mmio_read32(reg);
	v = t == IRQ_TRIGGER_EDGE ? v | (1U << bit) : v & ~(1U << bit);
	mmio_write32(reg, v);
}

static void gic_send_ipi(unsigned int cpu, enum ipi ipi)
{
	u64 mpidr = cpus[cpu].hwid;
	u64 aff0 = mpidr & 0xff;
	u64 v = (1UL << (aff0 % 16)) | ((mpidr >> 8) & 0xff) << 16 | (u64)ipi << 24 |
		((mpidr >> 16) & 0xff) << 32 | (aff0 / 16) << 44 | ((mpidr >> 32) & 0xff) << 48;

	dsb(ishst);	/* make the waker's memory writes visible first */
	write_sysreg_s(v, ICC_SGI1R_EL1);
	isb();
}

static unsigned int gic_ipi_hwirq(enum ipi ipi)
{
	return ipi;	/* SGI n */
}

/* GIC binding: <type number flags>; type 0 SPI (from 32), 1 PPI (from 16);
 * flags 1/2 edge, 4/8 level. */
static int gic_dt_translate(const u32 *cells, int ncells, unsigned int *hwirq,
			    enum irq_trigger *trigger)
{
	if (ncells < 3 || cells[0] > 1)
		return -EINVAL;
	*hwirq = cells[1] + (cells[0] == 0 ? 32 : 16);
	if (*hwirq >= (cells[0] == 0 ? nr_lines : 32))
		return -EINVAL;
	*trigger = (cells[2] & 0x3) ? IRQ_TRIGGER_EDGE : IRQ_TRIGGER_LEVEL;
	return 0;
}

static const struct irqchip_ops gicv3_ops = {
	.name = "gicv3",
	.cpu_init = gic_cpu_init,
	.ack = gic_ack,
	.eoi = gic_eoi,
	.enable = gic_enable,
	.disable = gic_disable,
	.set_trigger = gic_set_trigger,
	.send_ipi = gic_send_ipi,
	.ipi_hwirq = gic_ipi_hwirq,
	.dt_translate = gic_dt_translate,
};

static int gicv3_probe(const void *fdt, int node)
{
	u64 addr, size, regions = 1;
	int r;

	r = hostdt_reg(fdt, node, 0, &addr, &size);
	if (r)
		return r;
	gicd = arch_mmu_map_device(addr, size);
	if (!gicd)
		return -ENOMEM;
	hostdt_read_u64(fdt, node, "#redistributor-regions", &regions);
	hostdt_read_u64(fdt, node, "redistributor-stride", &rd_stride);
	for (unsigned int i = 0; i < regions && i < MAX_RD_REGIONS; i++) {
		r = hostdt_reg(fdt, node, 1 + i, &addr, &size);
		if (r) {
			log_err("'reg' has no redistributor region %u", i);
			return r;
		}
		rd_regions[i].base = arch_mmu_map_device(addr, size);
		rd_regions[i].size = size;
		if (!rd_regions[i].base)
			return -ENOMEM;
		nr_rd_regions++;
	}

	nr_lines = MIN(32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1), 1020U);
	mmio_write32(gicd + GICD_CTLR, 0);
	if (!wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return -ETIMEDOUT;
	for (unsigned int i = 32; i < nr_lines; i += 32) {
		mmio_write32(gicd + GICD_ICENABLER + i / 8, ~0U);
		mmio_write32(gicd + GICD_ICPENDR + i / 8, ~0U);
		mmio_write32(gicd + GICD_IGROUPR + i / 8, ~0U);
	}
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ENABLE);
	if (!wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return -ETIMEDOUT;
	/* The boot CPU's interface comes up before the core requests IPIs. */
	r = gic_cpu_init(arch_cpu_id());
	if (r)
		return r;
	irqchip_register(&gicv3_ops);
	log_info("%u interrupt lines, %u redistributor region(s)", nr_lines, nr_rd_regions);
	return 0;
}

static const char *const gicv3_compat[] = { "arm,gic-v3", NULL };

DRIVER(gicv3_driver) = {
	.name = "gicv3",
	.cls = DRIVER_IRQCHIP,
	.compatible = gicv3_compat,
	.probe = gicv3_probe,
};
