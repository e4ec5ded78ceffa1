/* SPDX-License-Identifier: GPL-2.0 */
/* The vGICv3 test fixture shared by test_vgicv3_regs.c and
 * test_vgicv3_inject.c: register offsets, a 4-vCPU vgic on a fresh devemu
 * map per test, guest accessors and the kick recorder. */
#ifndef KESTREL_TEST_VGICV3_FIXTURE_H
#define KESTREL_TEST_VGICV3_FIXTURE_H

#include "unit.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include <kestrel/heap.h>
#include "../../emulators/irqchip/vgicv3_priv.h"	/* white-box: checks the state too */

#define POOL_SIZE	(4UL * 1024 * 1024)
#define DIST		0x08000000ULL
#define REDIST		0x080a0000ULL
#define NR_VCPUS	4
#define NR_SPIS		64

/* GICD offsets */
#define CTLR		0x0000
#define TYPER		0x0004
#define IIDR		0x0008
#define TYPER2		0x000c
#define IGROUPR		0x0080
#define ISENABLER	0x0100
#define ICENABLER	0x0180
#define ISPENDR		0x0200
#define ICPENDR		0x0280
#define ISACTIVER	0x0300
#define ICACTIVER	0x0380
#define IPRIORITYR	0x0400
#define ITARGETSR	0x0800
#define ICFGR		0x0c00
#define SGIR		0x0f00
#define IROUTER		0x6000
#define PIDR2		0xffe8
/* GICR offsets, from a vCPU's RD_base */
#define RD(v)		(REDIST + (u64)(v) * VGIC_REDIST_STRIDE)
#define SGI_BASE	0x10000
#define R_TYPER		0x0008
#define R_WAKER		0x0014
#define R_IGROUPR0	(SGI_BASE + 0x080)
#define R_ISENABLER0	(SGI_BASE + 0x100)
#define R_ICENABLER0	(SGI_BASE + 0x180)
#define R_ISPENDR0	(SGI_BASE + 0x200)
#define R_ICPENDR0	(SGI_BASE + 0x280)
#define R_ISACTIVER0	(SGI_BASE + 0x300)
#define R_IPRIORITYR	(SGI_BASE + 0x400)
#define R_ICFGR0	(SGI_BASE + 0xc00)
#define R_ICFGR1	(SGI_BASE + 0xc04)

#define G0		BIT(0)
#define G1		BIT(1)
#define ARE_DS		(BIT(4) | BIT(6))

/* Bit of INTID n in word n / 32 of a distributor bit array. */
#define DW(reg, n)	(DIST + (reg) + 4 * ((n) / 32))
#define DB(n)		((u32)BIT((n) % 32))

extern const u64 mpidrs[NR_VCPUS];
extern struct devemu_map map;
extern struct vgic *g;
extern unsigned int kicked[VGIC_MAX_VCPUS];
extern unsigned int kicks_total;

/* Records a kick; checks it comes without the vgic lock and with IRQs on. */
void kick(void *ctx, unsigned int vcpu);
void kicks_reset(void);
struct vgic_config config(unsigned int nr_vcpus, const u64 *mpidr, unsigned int nr_spis);

/* Per test: a fresh map holding a vgic of NR_VCPUS vCPUs and NR_SPIS SPIs;
 * teardown destroys both and fails on anything left behind. */
int setup(void **state);
int teardown(void **state);

static inline u64 rd(gpa_t addr, unsigned int width)
{
	return mmio_read(&map, addr, width);
}

static inline void wr(gpa_t addr, unsigned int width, u64 val)
{
	mmio_write(&map, addr, width, val);
}

static inline u32 rd32(gpa_t addr)
{
	return (u32)rd(addr, 4);
}

static inline void wr32(gpa_t addr, u32 val)
{
	wr(addr, 4, val);
}

static inline enum devemu_result acc(gpa_t addr, unsigned int width, bool write, u64 *val)
{
	return devemu_access(&map, addr, width, write, val);
}

static inline void enable_groups(u32 grps)
{
	wr32(DIST + CTLR, grps);
}

#endif
