// SPDX-License-Identifier: GPL-2.0
/* GICv3: distributor, this CPU's redistributor, ICC system registers at EL1. */
#include "gic.h"
#include "platform.h"
#include "sysreg.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE		(1U << 4)
#define GICD_CTLR_G1A		(1U << 1)
#define GICD_CTLR_G1		(1U << 0)
#define GICD_TYPER		0x0004
#define GICD_IGROUPR(n)		(0x0080 + 4 * ((n) / 32))
#define GICD_ISENABLER(n)	(0x0100 + 4 * ((n) / 32))
#define GICD_ICENABLER(n)	(0x0180 + 4 * ((n) / 32))
#define GICD_IPRIORITYR(n)	(0x0400 + (n))
#define GICD_ICFGR(n)		(0x0c00 + 4 * ((n) / 16))
#define GICD_IROUTER(n)		(0x6000 + 8 * (n))
#define GICD_PIDR2		0xffe8

#define GICR_CTLR		0x0000
#define GICR_CTLR_RWP		(1U << 3)
#define GICR_TYPER		0x0008
#define GICR_TYPER_VLPIS	(1ULL << 1)
#define GICR_TYPER_LAST		(1ULL << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1U << 1)
#define GICR_WAKER_ASLEEP	(1U << 2)
#define GICR_SGI		0x10000		/* SGI_base frame */
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_IPRIORITYR(n)	(GICR_SGI + 0x0400 + (n))
#define GICR_ICFGR1		(GICR_SGI + 0x0c04)
#define GICR_IGRPMODR0		(GICR_SGI + 0x0d00)

#define PRIO_DEFAULT		0xa0
#define SPIN_LIMIT		10000000

const char *gic_error;
static uint64_t redist[2];		/* per CPU index (0 and 1 run code) */
static struct { uint32_t intid; irq_handler_t fn; } handlers[16];

static bool wait_clear(uint64_t reg, uint32_t bit)
{
	for (int i = 0; i < SPIN_LIMIT; i++)
		if (!(mmio_read32(reg) & bit))
			return true;
	return false;
}

uint64_t gic_redist_base(unsigned int cpu)
{
	return cpu < 2 ? redist[cpu] : 0;
}

int gic_init_dist(void)
{
	uint64_t d = plat.gicd.base;
	uint32_t arch = (mmio_read32(d + GICD_PIDR2) >> 4) & 0xf;

	if (arch != 3 && arch != 4) {
		gic_error = "GICD_PIDR2 says this is not a GICv3/v4 distributor";
		return -1;
	}
	mmio_write32(d + GICD_CTLR, 0);
	if (!wait_clear(d + GICD_CTLR, GICD_CTLR_RWP))
		goto rwp;
	/* ARE first, then the group enables (the order Linux uses). */
	mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE);
	if (!wait_clear(d + GICD_CTLR, GICD_CTLR_RWP))
		goto rwp;
	mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_G1A | GICD_CTLR_G1);
	if (!wait_clear(d + GICD_CTLR, GICD_CTLR_RWP))
		goto rwp;
	if (!(mmio_read32(d + GICD_CTLR) & GICD_CTLR_ARE)) {
		gic_error = "GICD_CTLR.ARE does not stick: no affinity routing";
		return -1;
	}
	return 0;
rwp:
	gic_error = "GICD_CTLR.RWP never cleared";
	return -1;
}

static uint64_t find_redist(uint64_t mpidr)
{
	uint32_t aff = (uint32_t)((mpidr >> 8) & 0xff000000) | (uint32_t)(mpidr & 0xffffff);

	for (int i = 0; i < plat.ngicr; i++) {
		uint64_t base = plat.gicr[i].base, end = base + plat.gicr[i].size;

		for (uint64_t rd = base; rd + 0x20000 <= end;) {
			uint64_t typer = mmio_read64(rd + GICR_TYPER);

			if ((uint32_t)(typer >> 32) == aff)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			rd += plat.gicr_stride ? plat.gicr_stride :
			      (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
		}
	}
	return 0;
}

int gic_init_cpu(void)
{
	unsigned int cpu = this_cpu();
	uint64_t rd = find_redist(this_mpidr());

	if (!rd || cpu > 1) {
		gic_error = "no redistributor matches this CPU's MPIDR";
		return -1;
	}
	redist[cpu] = rd;

	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (!wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP)) {
		gic_error = "GICR_WAKER.ChildrenAsleep never cleared";
		return -1;
	}
	/* All SGIs and PPIs: disabled, non-secure group 1, default priority. */
	mmio_write32(rd + GICR_ICENABLER0, 0xffffffff);
	if (!wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP)) {
		gic_error = "GICR_CTLR.RWP never cleared";
		return -1;
	}
	mmio_write32(rd + GICR_IGROUPR0, 0xffffffff);
	mmio_write32(rd + GICR_IGRPMODR0, 0);
	for (int i = 0; i < 32; i += 4)
		mmio_write32(rd + GICR_IPRIORITYR(i), PRIO_DEFAULT * 0x01010101U);

	/* CPU interface through system registers. */
	write_sysreg(S3_0_C12_C12_5, read_sysreg(S3_0_C12_C12_5) | 1);	/* ICC_SRE_EL1.SRE */
	isb();
	if (!(read_sysreg(S3_0_C12_C12_5) & 1)) {
		gic_error = "ICC_SRE_EL1.SRE does not stick: no system register interface";
		return -1;
	}
	write_sysreg(S3_0_C4_C6_0, 0xf0);	/* ICC_PMR_EL1: let priorities < 0xf0 in */
	write_sysreg(S3_0_C12_C12_3, 0);	/* ICC_BPR1_EL1 */
	write_sysreg(S3_0_C12_C12_4, 0);	/* ICC_CTLR_EL1: EOImode 0 */
	write_sysreg(S3_0_C12_C12_7, 1);	/* ICC_IGRPEN1_EL1 */
	isb();
	return 0;
}

void gic_enable_irq(uint32_t intid, bool level)
{
	if (intid < 32) {
		uint64_t rd = redist[this_cpu() & 1];

		if (intid >= 16) {	/* PPI trigger (often read-only) */
			uint32_t cfg = mmio_read32(rd + GICR_ICFGR1);
			uint32_t bit = 2U << (2 * (intid - 16));

			mmio_write32(rd + GICR_ICFGR1, level ? cfg & ~bit : cfg | bit);
		}
		mmio_write32(rd + GICR_ISENABLER0, 1U << intid);
		return;
	}
	uint64_t d = plat.gicd.base;
	uint32_t cfg = mmio_read32(d + GICD_ICFGR(intid));
	uint32_t bit = 2U << (2 * (intid % 16));
	uint32_t prio = mmio_read32(d + GICD_IPRIORITYR(intid & ~3U));
	uint32_t shift = 8 * (intid & 3);

	mmio_write32(d + GICD_ICENABLER(intid), 1U << (intid % 32));
	wait_clear(d + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(d + GICD_IGROUPR(intid), mmio_read32(d + GICD_IGROUPR(intid)) |
		     1U << (intid % 32));
	mmio_write32(d + GICD_IPRIORITYR(intid & ~3U),
		     (prio & ~(0xffU << shift)) | (uint32_t)PRIO_DEFAULT << shift);
	mmio_write32(d + GICD_ICFGR(intid), level ? cfg & ~bit : cfg | bit);
	mmio_write64(d + GICD_IROUTER(intid), this_mpidr());
	mmio_write32(d + GICD_ISENABLER(intid), 1U << (intid % 32));
}

void gic_set_handler(uint32_t intid, irq_handler_t fn)
{
	for (unsigned int i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (!handlers[i].fn || handlers[i].intid == intid) {
			handlers[i].intid = intid;
			handlers[i].fn = fn;
			return;
		}
	}
}

void gic_send_sgi(uint64_t mpidr, uint32_t sgi)
{
	uint64_t aff0 = mpidr & 0xff;
	uint64_t v = ((mpidr >> 32) & 0xff) << 48 | ((mpidr >> 16) & 0xff) << 32 |
		     ((mpidr >> 8) & 0xff) << 16 | (aff0 / 16) << 44 |
		     (uint64_t)(sgi & 0xf) << 24 | 1ULL << (aff0 % 16);

	dsb(ishst);			/* data written before the SGI is visible */
	write_sysreg(S3_0_C12_C11_5, v);	/* ICC_SGI1R_EL1 */
	isb();
}

void gic_handle_irq(void)
{
	for (;;) {
		uint64_t iar = read_sysreg(S3_0_C12_C12_0);	/* ICC_IAR1_EL1 */
		uint32_t intid = iar & 0xffffff;

		if (intid >= 1020)
			break;
		for (unsigned int i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
			if (handlers[i].fn && handlers[i].intid == intid)
				handlers[i].fn(intid);
		write_sysreg(S3_0_C12_C12_1, iar);	/* ICC_EOIR1_EL1 */
	}
}
