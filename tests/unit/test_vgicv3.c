// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the vGICv3 (emulators/irqchip): the distributor and
 * redistributor register model driven through devemu_access as a guest
 * would, and the injection calls of the vCPU side.
 */
#include "unit.h"
#include "ram_zone.h"
#include "kerrno.h"
#include <stdlib.h>
#include <kestrel/devemu.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <arch_irq.h>
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

/* Affinities 0.0.0.0, 0.0.0.1, 0.0.1.0 and 0.0.1.17 (Aff0 > 15: needs RS). */
static const u64 mpidrs[NR_VCPUS] = { 0x80000000, 0x80000001, 0x80000100, 0x80000111 };

static struct devemu_map map;
static struct vgic *g;
static struct heap_stats base;
static unsigned int kicked[VGIC_MAX_VCPUS];
static unsigned int kicks_total;

static void kick(void *ctx, unsigned int vcpu)
{
	assert_ptr_equal(ctx, &map);
	assert_true(vcpu < VGIC_MAX_VCPUS);
	/* Never under the vgic lock, and IRQs are back as they were. */
	assert_false(spin_is_locked(&g->lock));
	assert_false(arch_irqs_disabled());
	kicked[vcpu]++;
	kicks_total++;
}

static void kicks_reset(void)
{
	memset(kicked, 0, sizeof(kicked));
	kicks_total = 0;
}

static struct vgic_config config(unsigned int nr_vcpus, const u64 *mpidr, unsigned int nr_spis)
{
	return (struct vgic_config){ .nr_vcpus = nr_vcpus, .vcpu_mpidr = mpidr,
		.nr_spis = nr_spis, .dist_base = DIST, .redist_base = REDIST, .kick = kick,
		.kick_ctx = &map };
}

static int group_setup(void **state)
{
	fake_arch_reset();
	return ram_zone_setup(POOL_SIZE);
}

static int group_teardown(void **state)
{
	ram_zone_teardown();
	return 0;
}

static int setup(void **state)
{
	struct vgic_config cfg = config(NR_VCPUS, mpidrs, NR_SPIS);

	fake_console_reset();
	heap_get_stats(&base);
	devemu_map_init(&map);
	kicks_reset();
	return vgic_create(&cfg, &map, &g);
}

/* Destroying the vgic and the map gives everything back. */
static int teardown(void **state)
{
	struct heap_stats st;

	vgic_destroy(g);
	g = NULL;
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	heap_get_stats(&st);
	if (st.live_objects != base.live_objects || st.live_bytes != base.live_bytes) {
		print_error("leak: %llu live objects (started with %llu)\n",
			    (unsigned long long)st.live_objects,
			    (unsigned long long)base.live_objects);
		return -1;
	}
	return 0;
}

/* ---- guest accesses ------------------------------------------------------- */

static enum devemu_result acc(gpa_t addr, unsigned int width, bool write, u64 *val)
{
	return devemu_access(&map, addr, width, write, val);
}

static u64 rd(gpa_t addr, unsigned int width)
{
	u64 val = 0xbad;

	assert_int_equal(acc(addr, width, false, &val), DEVEMU_HANDLED);
	return val;
}

static void wr(gpa_t addr, unsigned int width, u64 val)
{
	assert_int_equal(acc(addr, width, true, &val), DEVEMU_HANDLED);
}

static u32 rd32(gpa_t addr)
{
	return (u32)rd(addr, 4);
}

static void wr32(gpa_t addr, u32 val)
{
	wr(addr, 4, val);
}

/* Bit of INTID n in word n / 32 of a distributor bit array. */
#define DW(reg, n)	(DIST + (reg) + 4 * ((n) / 32))
#define DB(n)		((u32)BIT((n) % 32))

static void enable_groups(u32 grps)
{
	wr32(DIST + CTLR, grps);
}

/* ---- identification ------------------------------------------------------- */

static void test_id_registers(void **state)
{
	u32 typer = rd32(DIST + TYPER);
	static const unsigned int spis[] = { 0, 32, 960, 988 };
	static const u32 lines[] = { 0, 1, 30, 31 };

	assert_int_equal(typer & 0x1f, 2);			/* (32 + 64) / 32 - 1 */
	assert_int_equal((typer >> 5) & 7, NR_VCPUS - 1);	/* CPUNumber */
	assert_int_equal((typer >> 19) & 0x1f, 9);		/* IDbits: 10 bits */
	assert_int_equal(typer & (BIT(16) | BIT(17)), 0);	/* no MBIS, no LPIs */
	assert_int_equal(typer & BIT(25), 0);			/* 1-of-N supported */
	assert_true(typer & BIT(24));				/* A3V */
	assert_true(typer & BIT(26));				/* RSS */
	assert_int_equal(typer & BIT(8), 0);			/* no ESPI */
	assert_int_equal(rd32(DIST + TYPER2), 0);
	assert_int_equal(rd32(DIST + IIDR), VGIC_IIDR);
	assert_int_equal((rd32(DIST + PIDR2) >> 4) & 0xf, 3);	/* ArchRev GICv3 */
	assert_int_equal(rd32(DIST + CTLR), ARE_DS);
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		assert_int_equal((rd32(RD(v) + PIDR2) >> 4) & 0xf, 3);
		assert_int_equal(rd32(RD(v) + 0x4), VGIC_IIDR);		/* GICR_IIDR */
		assert_int_equal(rd32(RD(v) + 0x0), 0);			/* GICR_CTLR */
	}

	/* ITLinesNumber and CPUNumber follow the configuration. */
	for (unsigned int i = 0; i < ARRAY_SIZE(spis); i++) {
		struct vgic_config cfg = config(1, mpidrs, spis[i]);
		struct vgic *h;

		vgic_destroy(g);
		assert_int_equal(vgic_create(&cfg, &map, &h), 0);
		g = h;
		typer = rd32(DIST + TYPER);
		assert_int_equal(typer & 0x1f, lines[i]);
		assert_int_equal((typer >> 5) & 7, 0);
		assert_int_equal(vgic_nr_spis(g), spis[i]);
		assert_int_equal(vgic_nr_vcpus(g), 1);
	}
}

static void test_ctlr(void **state)
{
	wr32(DIST + CTLR, G0 | G1);
	assert_int_equal(rd32(DIST + CTLR), ARE_DS | G0 | G1);
	wr32(DIST + CTLR, 0xffffffff);		/* RWP reads 0, ARE/DS RAO/WI, rest WI */
	assert_int_equal(rd32(DIST + CTLR), ARE_DS | G0 | G1);
	wr32(DIST + CTLR, G1);
	assert_int_equal(rd32(DIST + CTLR), ARE_DS | G1);
	wr32(DIST + CTLR, 0);
	assert_int_equal(rd32(DIST + CTLR), ARE_DS);
}

/* ---- bit-per-interrupt registers ------------------------------------------ */

static void check_set_clear(u32 set, u32 clear, gpa_t word_off)
{
	wr32(DIST + set + word_off, 0x5);
	assert_int_equal(rd32(DIST + set + word_off), 0x5);
	assert_int_equal(rd32(DIST + clear + word_off), 0x5);
	wr32(DIST + set + word_off, 0x80000002);	/* zeros change nothing */
	assert_int_equal(rd32(DIST + set + word_off), 0x80000007);
	wr32(DIST + clear + word_off, 0x1);
	assert_int_equal(rd32(DIST + clear + word_off), 0x80000006);
	wr32(DIST + clear + word_off, 0);
	assert_int_equal(rd32(DIST + set + word_off), 0x80000006);
	wr32(DIST + clear + word_off, 0xffffffff);
	assert_int_equal(rd32(DIST + set + word_off), 0);
}

static void test_enable_pending_active_words(void **state)
{
	static const u32 pairs[][2] = {
		{ ISENABLER, ICENABLER }, { ISPENDR, ICPENDR }, { ISACTIVER, ICACTIVER },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(pairs); i++) {
		check_set_clear(pairs[i][0], pairs[i][1], 4);	/* SPIs 32-63 */
		check_set_clear(pairs[i][0], pairs[i][1], 8);	/* SPIs 64-95 */
		/* Word 0 (SGIs, PPIs) is RAZ/WI under ARE: they live in the GICR. */
		wr32(DIST + pairs[i][0], 0xffffffff);
		assert_int_equal(rd32(DIST + pairs[i][0]), 0);
		assert_int_equal(rd32(RD(0) + R_ISENABLER0 + (pairs[i][0] - ISENABLER)), 0);
		/* INTIDs past the 64 SPIs are RAZ/WI. */
		wr32(DIST + pairs[i][0] + 12, 0xffffffff);
		assert_int_equal(rd32(DIST + pairs[i][0] + 12), 0);
		assert_int_equal(rd32(DIST + pairs[i][0] + 0x7c), 0);
	}
	/* The words are independent. */
	wr32(DW(ISENABLER, 33), DB(33));
	assert_int_equal(rd32(DW(ISENABLER, 33)), DB(33));
	assert_int_equal(rd32(DW(ISENABLER, 64)), 0);
	assert_int_equal(rd32(DW(ISPENDR, 33)), 0);
	assert_int_equal(rd32(DW(ISACTIVER, 33)), 0);
}

static void test_groups(void **state)
{
	/* Reset: every implemented interrupt in Group 1. */
	assert_int_equal(rd32(DIST + IGROUPR + 4), 0xffffffff);
	assert_int_equal(rd32(DIST + IGROUPR + 8), 0xffffffff);
	assert_int_equal(rd32(DIST + IGROUPR + 12), 0);		/* no SPIs there */
	assert_int_equal(rd32(DIST + IGROUPR), 0);		/* RAZ/WI under ARE */
	assert_int_equal(rd32(RD(2) + R_IGROUPR0), 0xffffffff);
	wr32(DIST + IGROUPR + 4, 0x0000ffff);
	assert_int_equal(rd32(DIST + IGROUPR + 4), 0x0000ffff);
	assert_int_equal(rd32(DIST + IGROUPR + 8), 0xffffffff);
	wr32(RD(2) + R_IGROUPR0, 0x1);
	assert_int_equal(rd32(RD(2) + R_IGROUPR0), 0x1);
	assert_int_equal(rd32(RD(1) + R_IGROUPR0), 0xffffffff);	/* banked per vCPU */
}

static void test_priority_byte_and_word(void **state)
{
	u64 val = 0;

	wr32(DIST + IPRIORITYR + 32, 0x44332211);	/* INTIDs 32..35 */
	assert_int_equal(rd32(DIST + IPRIORITYR + 32), 0x40302010);	/* top 5 bits kept */
	assert_int_equal(rd(DIST + IPRIORITYR + 32, 1), 0x10);
	assert_int_equal(rd(DIST + IPRIORITYR + 33, 1), 0x20);
	assert_int_equal(rd(DIST + IPRIORITYR + 34, 1), 0x30);
	assert_int_equal(rd(DIST + IPRIORITYR + 35, 1), 0x40);
	wr(DIST + IPRIORITYR + 33, 1, 0xff);
	assert_int_equal(rd32(DIST + IPRIORITYR + 32), 0x4030f810);
	wr(DIST + IPRIORITYR + 95, 1, 0xa0);		/* last SPI */
	assert_int_equal(rd32(DIST + IPRIORITYR + 92), 0xa0000000);
	/* SGI/PPI priorities are RAZ/WI here; past the SPIs too. */
	wr32(DIST + IPRIORITYR + 16, 0x80808080);
	assert_int_equal(rd32(DIST + IPRIORITYR + 16), 0);
	wr32(DIST + IPRIORITYR + 96, 0x80808080);
	assert_int_equal(rd32(DIST + IPRIORITYR + 96), 0);
	/* Halfword, doubleword and misaligned word accesses abort. */
	assert_int_equal(acc(DIST + IPRIORITYR + 32, 2, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DIST + IPRIORITYR + 32, 8, true, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DIST + IPRIORITYR + 33, 4, false, &val), DEVEMU_ABORT);
	assert_int_equal(rd32(DIST + IPRIORITYR + 32), 0x4030f810);

	/* The redistributor's IPRIORITYR0-7: per vCPU, byte and word. */
	wr32(RD(1) + R_IPRIORITYR + 24, 0x11223344);	/* PPIs 24..27 */
	assert_int_equal(rd32(RD(1) + R_IPRIORITYR + 24), 0x10203040);
	wr(RD(1) + R_IPRIORITYR + 3, 1, 0x88);		/* SGI 3 */
	assert_int_equal(rd32(RD(1) + R_IPRIORITYR), 0x88000000);
	assert_int_equal(rd32(RD(0) + R_IPRIORITYR + 24), 0);
	assert_int_equal(acc(RD(1) + R_IPRIORITYR + 30, 2, true, &val), DEVEMU_ABORT);
	assert_int_equal(rd32(RD(1) + R_IPRIORITYR + 32), 0);	/* past IPRIORITYR7 */
}

static void test_icfgr(void **state)
{
	/* Reset: SPIs level-sensitive. */
	assert_int_equal(rd32(DIST + ICFGR + 8), 0);
	wr32(DIST + ICFGR + 8, 0xffffffff);		/* INTIDs 32..47: bit 2n is RES0 */
	assert_int_equal(rd32(DIST + ICFGR + 8), 0xaaaaaaaa);
	wr32(DIST + ICFGR + 8, 0x55555555);
	assert_int_equal(rd32(DIST + ICFGR + 8), 0);
	wr32(DIST + ICFGR + 12, 0x2 | 0x80000000);	/* INTIDs 48 and 63 edge */
	assert_int_equal(rd32(DIST + ICFGR + 12), 0x80000002);
	assert_int_equal(rd32(DIST + ICFGR + 8), 0);
	/* SGI/PPI words RAZ/WI; no SPIs past 95. */
	wr32(DIST + ICFGR + 4, 0xaaaaaaaa);
	assert_int_equal(rd32(DIST + ICFGR + 4), 0);
	wr32(DIST + ICFGR + 24, 0xaaaaaaaa);
	assert_int_equal(rd32(DIST + ICFGR + 24), 0);

	/* GICR: ICFGR0 (SGIs) always edge, read-only; ICFGR1 (PPIs) writable. */
	assert_int_equal(rd32(RD(0) + R_ICFGR0), 0xaaaaaaaa);
	wr32(RD(0) + R_ICFGR0, 0);
	assert_int_equal(rd32(RD(0) + R_ICFGR0), 0xaaaaaaaa);
	assert_int_equal(rd32(RD(0) + R_ICFGR1), 0);
	wr32(RD(0) + R_ICFGR1, 0x00800000 | 0x1);	/* PPI 27 edge; RES0 bit ignored */
	assert_int_equal(rd32(RD(0) + R_ICFGR1), 0x00800000);
	assert_int_equal(rd32(RD(1) + R_ICFGR1), 0);
}

static void test_irouter_64_and_32_bit(void **state)
{
	gpa_t r33 = DIST + IROUTER + 8 * 33;
	u64 val = 0;

	assert_int_equal(rd(r33, 8), 0);
	wr(r33, 8, 0x0000000500000100ULL);		/* Aff3 5, Aff1 1 */
	assert_int_equal(rd(r33, 8), 0x0000000500000100ULL);
	assert_int_equal(rd(r33, 4), 0x100);
	assert_int_equal(rd(r33 + 4, 4), 0x5);
	wr(r33 + 4, 4, 0x0);				/* high half alone */
	assert_int_equal(rd(r33, 8), 0x100);
	wr(r33, 4, 0x80000000);				/* low half alone: IRM */
	assert_int_equal(rd(r33, 8), 0x80000000);
	wr(r33 + 4, 4, 0x7);
	assert_int_equal(rd(r33, 8), 0x780000000ULL);
	wr(r33, 8, ~0ULL);				/* RES0 bits stay 0 */
	assert_int_equal(rd(r33, 8), 0xff80ffffffULL);
	/* IROUTER0-31 and missing SPIs are RAZ/WI; the last SPI works. */
	wr(DIST + IROUTER + 8 * 31, 8, 0x1);
	assert_int_equal(rd(DIST + IROUTER + 8 * 31, 8), 0);
	wr(DIST + IROUTER + 8 * 96, 8, 0x1);
	assert_int_equal(rd(DIST + IROUTER + 8 * 96, 8), 0);
	wr(DIST + IROUTER + 8 * 95, 8, 0x1);
	assert_int_equal(rd(DIST + IROUTER + 8 * 95, 8), 0x1);
	/* Byte, halfword and misaligned doubleword accesses abort. */
	assert_int_equal(acc(r33, 1, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(r33, 2, true, &val), DEVEMU_ABORT);
	assert_int_equal(acc(r33 + 4, 8, false, &val), DEVEMU_ABORT);
}

/* ---- read-only, reserved and malformed accesses --------------------------- */

static void test_read_only_and_reserved(void **state)
{
	char ring[CONFIG_LOG_BUFFER_SIZE];
	u32 typer = rd32(DIST + TYPER);
	u64 val = 0;

	wr32(DIST + TYPER, 0);
	wr32(DIST + IIDR, 0);
	wr32(DIST + PIDR2, 0);
	assert_int_equal(rd32(DIST + TYPER), typer);
	assert_int_equal(rd32(DIST + IIDR), VGIC_IIDR);
	assert_int_equal(rd32(DIST + PIDR2), VGIC_PIDR2);
	wr(RD(3) + R_TYPER, 8, 0);
	assert_int_equal(rd(RD(3) + R_TYPER, 8), 0x0000011100000310ULL);

	/* Reserved offsets and registers of the modes not modelled: RAZ/WI. */
	static const u32 razwi[] = { 0x0010, 0x0020, 0x0040, 0x0048, 0x0d00, 0x0e00,
				     ITARGETSR + 32, 0x0f10, 0x0f20, 0x1000, 0x5000, 0x8000,
				     0xc000, 0xffd0, 0xfffc };
	for (unsigned int i = 0; i < ARRAY_SIZE(razwi); i++) {
		wr32(DIST + razwi[i], 0xffffffff);
		assert_int_equal(rd32(DIST + razwi[i]), 0);
	}
	assert_int_equal(rd(DIST + 0x5000, 8), 0);
	assert_int_equal(rd(DIST + 0x5001, 1), 0);
	assert_int_equal(rd(DIST + ITARGETSR + 33, 1), 0);	/* byte-accessible, RAZ */
	/* GICD_SGIR is WI under ARE: no SGI becomes pending. */
	wr32(DIST + SGIR, (1U << 24) | 0xf);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		assert_int_equal(rd32(RD(v) + R_ISPENDR0), 0);

	/* Widths a register does not allow, and misaligned accesses, abort. */
	assert_int_equal(acc(DIST + CTLR, 8, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DIST + CTLR, 2, true, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DIST + CTLR, 1, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DIST + ISENABLER + 4, 8, true, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DIST + ISENABLER + 6, 4, true, &val), DEVEMU_ABORT);
	assert_int_equal(acc(DIST + 0x5002, 4, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(RD(0) + R_WAKER, 8, false, &val), DEVEMU_ABORT);
	assert_int_equal(acc(RD(0) + R_TYPER + 4, 8, false, &val), DEVEMU_ABORT);
	assert_int_equal(rd32(DIST + CTLR), ARE_DS);
	assert_int_equal(rd32(DIST + ISENABLER + 4), 0);
	/* Logged at debug level: in the ring, not on the console. */
	log_ring_read(ring, sizeof(ring));
	assert_non_null(strstr(ring, "GICD: 8-byte read of GICD_CTLR (0x0): abort"));
	assert_non_null(strstr(ring, "GICD: misaligned 4-byte write at 0x106: abort"));
	assert_non_null(strstr(ring, "GICD: write 0x0 to GICD_TYPER (0x4) ignored"));
	assert_console_lacks("vgicv3");
	/* Past the last redistributor: no device. */
	assert_int_equal(acc(RD(NR_VCPUS), 4, false, &val), DEVEMU_UNHANDLED);
	assert_int_equal(acc(DIST - 4, 4, false, &val), DEVEMU_UNHANDLED);
}

/* Every width, offset and value a guest may throw: never anything but
 * handled or abort, and the model stays sane (ASan/UBSan watch). */
static void test_hostile_accesses(void **state)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	struct vgic_irq_info info;

	srandom(7);
	for (unsigned int i = 0; i < 200000; i++) {
		bool redist = random() & 1;
		u64 span = redist ? NR_VCPUS * VGIC_REDIST_STRIDE : VGIC_DIST_SIZE;
		u64 off = (u64)random() % span;
		unsigned int width = widths[random() % 4];
		u64 val = (u64)random() << 33 ^ (u64)random();
		enum devemu_result res;

		if (random() & 1)
			off &= ~(u64)(width - 1);
		if (off + width > span)
			continue;
		res = acc((redist ? REDIST : DIST) + off, width, random() & 1, &val);
		assert_true(res == DEVEMU_HANDLED || res == DEVEMU_ABORT);
		if (i % 1000 == 0)
			for (unsigned int v = 0; v < NR_VCPUS; v++)
				if (vgic_next_pending(g, v, &info) == 0)
					assert_int_equal(vgic_ack(g, v, info.intid), 0);
	}
	assert_false(spin_is_locked(&g->lock));
	vgic_reset(g);
	assert_int_equal(rd32(DIST + CTLR), ARE_DS);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		assert_int_equal(vgic_next_pending(g, v, &info), -ENOENT);
}

/* ---- redistributor frame ---------------------------------------------------- */

static void test_redist_typer_affinity_and_last(void **state)
{
	static const u64 mp[3] = { 0x80000000, 0x0000000100020304ULL, 0x81000203 };
	struct vgic_config cfg = config(3, mp, 32);
	struct vgic *h;

	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		u64 typer = rd(RD(v) + R_TYPER, 8);
		u64 aff = mpidrs[v] & 0xffffff;

		assert_int_equal(typer >> 32, aff);
		assert_int_equal((typer >> 8) & 0xffff, v);		/* Processor_Number */
		assert_int_equal(!!(typer & BIT(4)), v == NR_VCPUS - 1);	/* Last */
		assert_int_equal(typer & 0x3, 0);			/* no LPIs */
		assert_int_equal(rd(RD(v) + R_TYPER, 4), (u32)typer);
		assert_int_equal(rd(RD(v) + R_TYPER + 4, 4), typer >> 32);
	}
	/* Aff3 lands in the top byte; MPIDR bits outside affinity are ignored. */
	vgic_destroy(g);
	assert_int_equal(vgic_create(&cfg, &map, &h), 0);
	g = h;
	assert_int_equal(rd(RD(0) + R_TYPER, 8), 0);
	assert_int_equal(rd(RD(1) + R_TYPER, 8), 0x0102030400000100ULL);
	assert_int_equal(rd(RD(2) + R_TYPER, 8), 0x0000020300000210ULL);
}

static void test_waker(void **state)
{
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		assert_int_equal(rd32(RD(v) + R_WAKER), 0x6);	/* asleep at reset */
	wr32(RD(1) + R_WAKER, 0);				/* as Linux does */
	assert_int_equal(rd32(RD(1) + R_WAKER), 0);		/* ChildrenAsleep follows */
	assert_int_equal(rd32(RD(0) + R_WAKER), 0x6);
	wr32(RD(1) + R_WAKER, 0x4 | 0x1 | 0x80000000);		/* RO and IMPDEF bits */
	assert_int_equal(rd32(RD(1) + R_WAKER), 0);
	wr32(RD(1) + R_WAKER, 0x2);
	assert_int_equal(rd32(RD(1) + R_WAKER), 0x6);
}

static void test_redist_banks_per_vcpu(void **state)
{
	wr32(RD(1) + R_ISENABLER0, 0x08000001);		/* SGI 0, PPI 27 */
	assert_int_equal(rd32(RD(1) + R_ISENABLER0), 0x08000001);
	assert_int_equal(rd32(RD(1) + R_ICENABLER0), 0x08000001);
	assert_int_equal(rd32(RD(0) + R_ISENABLER0), 0);
	assert_int_equal(rd32(RD(2) + R_ISENABLER0), 0);
	wr32(RD(1) + R_ICENABLER0, 0x1);
	assert_int_equal(rd32(RD(1) + R_ISENABLER0), 0x08000000);
	wr32(RD(3) + R_ISPENDR0, 0x00010002);
	assert_int_equal(rd32(RD(3) + R_ISPENDR0), 0x00010002);
	wr32(RD(3) + R_ICPENDR0, 0x2);
	assert_int_equal(rd32(RD(3) + R_ICPENDR0), 0x00010000);
	wr32(RD(3) + R_ISACTIVER0, 0x80000000);
	assert_int_equal(rd32(RD(3) + R_ISACTIVER0), 0x80000000);
	/* The extended PPI words after each register are reserved: RAZ/WI. */
	wr32(RD(3) + R_ISENABLER0 + 4, 0xffffffff);
	assert_int_equal(rd32(RD(3) + R_ISENABLER0 + 4), 0);
}

/* ---- injection ------------------------------------------------------------ */

static void test_sgi_generation(void **state)
{
	/* TargetList 0b11 in cluster Aff1 0 from vCPU 0: itself and vCPU 1. */
	u64 sgir = (3ULL << 24) | 0x3;

	assert_int_equal(vgic_sgi_generate(g, 0, sgir, 1), 2);
	assert_int_equal(rd32(RD(0) + R_ISPENDR0), BIT(3));
	assert_int_equal(rd32(RD(1) + R_ISPENDR0), BIT(3));
	assert_int_equal(rd32(RD(2) + R_ISPENDR0), 0);
	/* Aff1 1, TargetList bit 0: vCPU 2 (0.0.1.0) only. */
	assert_int_equal(vgic_sgi_generate(g, 3, (5ULL << 24) | (1ULL << 16) | 0x1, 1), 1);
	assert_int_equal(rd32(RD(2) + R_ISPENDR0), BIT(5));
	/* vCPU 3 is 0.0.1.17: RS 1, bit 1; with RS 0 bit 1 means 0.0.1.1 (none). */
	assert_int_equal(vgic_sgi_generate(g, 0, (6ULL << 24) | (1ULL << 16) | 0x2, 1), 0);
	assert_int_equal(vgic_sgi_generate(g, 0, (6ULL << 24) | (1ULL << 44) | (1ULL << 16) | 0x2,
					   1), 1);
	assert_int_equal(rd32(RD(3) + R_ISPENDR0), BIT(6));
	/* Aff2 or Aff3 that no vCPU has: nobody. */
	assert_int_equal(vgic_sgi_generate(g, 0, (7ULL << 24) | (1ULL << 32) | 0x3, 1), 0);
	assert_int_equal(vgic_sgi_generate(g, 0, (7ULL << 24) | (1ULL << 48) | 0x3, 1), 0);
	/* IRM: everybody but the sender; TargetList and affinity ignored. */
	assert_int_equal(vgic_sgi_generate(g, 2, (9ULL << 24) | BIT(40) | (3ULL << 16), 1), 3);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		assert_int_equal(!!(rd32(RD(v) + R_ISPENDR0) & BIT(9)), v != 2);
	/* Group: an SGI configured Group 0 at the target takes ICC_SGI0R_EL1. */
	wr32(RD(1) + R_IGROUPR0, ~(u32)BIT(10));
	assert_int_equal(vgic_sgi_generate(g, 0, (10ULL << 24) | 0x3, 1), 1);	/* vCPU 0 */
	assert_int_equal(rd32(RD(1) + R_ISPENDR0) & BIT(10), 0);
	assert_int_equal(vgic_sgi_generate(g, 0, (10ULL << 24) | 0x3, 0), 1);	/* vCPU 1 */
	assert_true(rd32(RD(1) + R_ISPENDR0) & BIT(10));
	/* Bad sender or group. */
	assert_int_equal(vgic_sgi_generate(g, NR_VCPUS, sgir, 1), -EINVAL);
	assert_int_equal(vgic_sgi_generate(g, 0, sgir, 2), -EINVAL);
}

static void test_next_pending_priority_and_groups(void **state)
{
	struct vgic_irq_info info;

	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	wr(DIST + IPRIORITYR + 40, 1, 0x80);
	wr(DIST + IPRIORITYR + 41, 1, 0x40);
	wr(RD(0) + R_IPRIORITYR + 27, 1, 0x60);
	wr(RD(0) + R_IPRIORITYR + 1, 1, 0x40);
	wr32(RD(0) + R_IGROUPR0, ~(u32)BIT(1));		/* SGI 1 in Group 0 */
	wr32(RD(0) + R_ICFGR1, 0x00800000);		/* PPI 27 edge */
	wr32(DW(ISPENDR, 40), DB(40) | DB(41));
	wr32(RD(0) + R_ISPENDR0, BIT(1) | BIT(27));
	/* Pending, but nothing enabled. */
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	wr32(DW(ISENABLER, 40), DB(40) | DB(41));
	wr32(RD(0) + R_ISENABLER0, BIT(1) | BIT(27));
	/* Enabled, but no group enabled. */
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	enable_groups(G1);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 41);
	assert_int_equal(info.priority, 0x40);
	assert_int_equal(info.group, 1);
	assert_true(info.level);
	/* Group 0 on: SGI 1 ties at 0x40 and wins with the lower INTID. */
	enable_groups(G0 | G1);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 1);
	assert_int_equal(info.group, 0);
	assert_false(info.level);
	enable_groups(G1);
	wr32(DW(ICENABLER, 41), DB(41));
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 27);
	assert_int_equal(info.priority, 0x60);
	assert_false(info.level);
	wr32(RD(0) + R_ICPENDR0, BIT(27));
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 40);
	/* Other vCPUs see their own private interrupts only (SPI 40 routes to 0). */
	assert_int_equal(vgic_next_pending(g, 1, &info), -ENOENT);
	assert_int_equal(vgic_next_pending(g, NR_VCPUS, &info), -EINVAL);
}

static void test_ack_eoi_edge(void **state)
{
	struct vgic_irq_info info;

	enable_groups(G1);
	wr32(DIST + ICFGR + 8, 0x2);			/* SPI 32 edge */
	wr32(DW(ISENABLER, 32), DB(32));
	assert_int_equal(vgic_set_pending(g, 32, 0), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 32);
	assert_int_equal(vgic_ack(g, 0, 32), 0);
	assert_int_equal(rd32(DW(ISACTIVER, 32)), DB(32));
	assert_int_equal(rd32(DW(ISPENDR, 32)), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);	/* active */
	assert_int_equal(vgic_ack(g, 0, 32), -ENOENT);
	/* A new edge while active: pending and active, not delivered yet. */
	kicks_reset();
	assert_int_equal(vgic_set_pending(g, 32, 3), 0);		/* vcpu ignored */
	assert_int_equal(rd32(DW(ISPENDR, 32)), DB(32));
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	assert_int_equal(kicks_total, 0);
	/* EOI: delivered again. */
	assert_int_equal(vgic_eoi(g, 0, 32), 0);
	assert_int_equal(kicked[0], 1);
	assert_int_equal(rd32(DW(ISACTIVER, 32)), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(vgic_ack(g, 0, 32), 0);
	assert_int_equal(vgic_eoi(g, 0, 32), 0);
	assert_int_equal(vgic_eoi(g, 0, 32), -ENOENT);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	/* Requeue: taken for a list register, never acknowledged, given back. */
	assert_int_equal(vgic_set_pending(g, 32, 0), 0);
	assert_int_equal(vgic_ack(g, 0, 32), 0);
	assert_int_equal(vgic_requeue(g, 0, 32), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 32);
	assert_int_equal(vgic_requeue(g, 0, 32), -ENOENT);
	/* SGIs and PPIs per vCPU. */
	wr32(RD(2) + R_ISENABLER0, BIT(4) | BIT(20));
	assert_int_equal(vgic_set_pending(g, 20, 2), 0);
	assert_int_equal(vgic_set_pending(g, 4, 2), 0);
	assert_int_equal(vgic_next_pending(g, 2, &info), 0);
	assert_int_equal(info.intid, 4);
	assert_int_equal(vgic_ack(g, 1, 4), -ENOENT);		/* not vCPU 1's */
	assert_int_equal(vgic_ack(g, 2, 4), 0);
	assert_int_equal(rd32(RD(2) + R_ISACTIVER0), BIT(4));
	assert_int_equal(vgic_next_pending(g, 2, &info), 0);
	assert_int_equal(info.intid, 20);
	assert_int_equal(vgic_eoi(g, 2, 4), 0);
	/* Bad arguments. */
	assert_int_equal(vgic_set_pending(g, 96, 0), -EINVAL);	/* only 64 SPIs */
	assert_int_equal(vgic_set_pending(g, 1020, 0), -EINVAL);
	assert_int_equal(vgic_set_pending(g, 20, NR_VCPUS), -EINVAL);
	assert_int_equal(vgic_set_level(g, 5000, 0, true), -EINVAL);
	assert_int_equal(vgic_ack(g, NR_VCPUS, 32), -EINVAL);
	assert_int_equal(vgic_ack(g, 0, 96), -EINVAL);
	assert_int_equal(vgic_eoi(g, 0, 2000), -EINVAL);
	assert_int_equal(vgic_requeue(g, 9, 1), -EINVAL);
}

static void test_level_sensitive(void **state)
{
	struct vgic_irq_info info;

	enable_groups(G1);
	wr32(DW(ISENABLER, 33), DB(33));		/* SPI 33, level (reset) */
	assert_int_equal(vgic_set_level(g, 33, 0, true), 0);
	assert_int_equal(rd32(DW(ISPENDR, 33)), DB(33));
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_true(info.level);
	/* Acknowledged with the line still high: active and pending. */
	assert_int_equal(vgic_ack(g, 0, 33), 0);
	assert_int_equal(rd32(DW(ISACTIVER, 33)), DB(33));
	assert_int_equal(rd32(DW(ISPENDR, 33)), DB(33));
	/* Clearing the pending state does not lower a high line. */
	wr32(DW(ICPENDR, 33), DB(33));
	assert_int_equal(rd32(DW(ISPENDR, 33)), DB(33));
	/* EOI with the line high: delivered again (the device still wants service). */
	kicks_reset();
	assert_int_equal(vgic_eoi(g, 0, 33), 0);
	assert_int_equal(kicked[0], 1);
	assert_int_equal(vgic_ack(g, 0, 33), 0);
	/* The device lowers its line, then the guest's EOI: nothing left. */
	assert_int_equal(vgic_set_level(g, 33, 0, false), 0);
	assert_int_equal(rd32(DW(ISPENDR, 33)), 0);
	assert_int_equal(vgic_eoi(g, 0, 33), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	/* Requeued with its line high it stays pending by the line alone, so
	 * lowering the line ends it. */
	assert_int_equal(vgic_set_level(g, 33, 0, true), 0);
	assert_int_equal(vgic_ack(g, 0, 33), 0);
	assert_int_equal(vgic_requeue(g, 0, 33), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(vgic_set_level(g, 33, 0, false), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	/* A guest ISPENDR write latches a level interrupt until ICPENDR or ack. */
	wr32(DW(ISPENDR, 33), DB(33));
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	wr32(DW(ICPENDR, 33), DB(33));
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	/* An edge interrupt latches on a rising line only. */
	wr32(DIST + ICFGR + 8, 0x8);			/* SPI 33 edge */
	wr32(DW(ISENABLER, 34), DB(34));
	assert_int_equal(vgic_set_level(g, 33, 0, true), 0);
	assert_int_equal(vgic_ack(g, 0, 33), 0);
	assert_int_equal(vgic_set_level(g, 33, 0, true), 0);	/* still high: no edge */
	assert_int_equal(vgic_eoi(g, 0, 33), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	assert_int_equal(vgic_set_level(g, 33, 0, false), 0);
	assert_int_equal(vgic_set_level(g, 33, 0, true), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 33);
	assert_false(info.level);
	/* A PPI's line is per vCPU. */
	wr32(RD(1) + R_ISENABLER0, BIT(27));
	assert_int_equal(vgic_set_level(g, 27, 1, true), 0);
	assert_int_equal(rd32(RD(1) + R_ISPENDR0), BIT(27));
	assert_int_equal(rd32(RD(0) + R_ISPENDR0), 0);
}

static void test_spi_routing(void **state)
{
	gpa_t r50 = DIST + IROUTER + 8 * 50;
	struct vgic_irq_info info;

	enable_groups(G1);
	wr32(DW(ISENABLER, 50), DB(50));
	wr(r50, 8, 0x100);				/* vCPU 2 (0.0.1.0) */
	assert_int_equal(vgic_set_pending(g, 50, 0), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	assert_int_equal(vgic_next_pending(g, 2, &info), 0);
	assert_int_equal(info.intid, 50);
	assert_int_equal(vgic_ack(g, 0, 50), -ENOENT);
	/* An affinity nobody has: it waits, pending, for a new route. */
	wr(r50, 8, 0x0000000100000000ULL);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		assert_int_equal(vgic_next_pending(g, v, &info), -ENOENT);
	assert_int_equal(rd32(DW(ISPENDR, 50)), DB(50));
	kicks_reset();
	wr(r50, 8, 0x111);				/* vCPU 3 (0.0.1.17) */
	assert_int_equal(kicked[3], 1);
	assert_int_equal(kicks_total, 1);
	assert_int_equal(vgic_next_pending(g, 3, &info), 0);
	/* IRM = 1: 1-of-N, any vCPU; the first to take it wins. */
	wr(r50, 4, 0x80000000);
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		assert_int_equal(vgic_next_pending(g, v, &info), 0);
		assert_int_equal(info.intid, 50);
	}
	assert_int_equal(vgic_ack(g, 1, 50), 0);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		assert_int_equal(vgic_next_pending(g, v, &info), -ENOENT);
	assert_int_equal(vgic_ack(g, 0, 50), -ENOENT);
	assert_int_equal(vgic_eoi(g, 1, 50), 0);
}

static void test_kicks(void **state)
{
	enable_groups(G1);
	kicks_reset();
	/* Pending but disabled: no kick; enabling it kicks its target once. */
	assert_int_equal(vgic_set_pending(g, 40, 0), 0);
	assert_int_equal(kicks_total, 0);
	wr32(DW(ISENABLER, 40), DB(40));
	assert_int_equal(kicked[0], 1);
	assert_int_equal(kicks_total, 1);
	/* Already deliverable: pending again, enabling again, no new kick. */
	assert_int_equal(vgic_set_pending(g, 40, 0), 0);
	wr32(DW(ISENABLER, 40), DB(40));
	assert_int_equal(kicks_total, 1);
	/* A PPI kicks its own vCPU; an SGI each target. */
	wr32(RD(2) + R_ISENABLER0, BIT(23) | BIT(2));
	wr32(RD(3) + R_ISENABLER0, BIT(2));
	assert_int_equal(vgic_set_pending(g, 23, 2), 0);
	assert_int_equal(kicked[2], 1);
	assert_int_equal(vgic_sgi_generate(g, 0, (2ULL << 24) | BIT(40), 1), 3);
	/* vCPU 2 had PPI 23 already, but SGI 2 may outrank it: kicked again. */
	assert_int_equal(kicked[2], 2);
	assert_int_equal(kicked[3], 1);
	assert_int_equal(kicked[1], 0);				/* SGI 2 disabled there */
	assert_int_equal(kicks_total, 4);
	/* Nothing kicks while the groups are off; turning them on kicks every
	 * vCPU that then has something, once each. */
	kicks_reset();
	enable_groups(0);
	assert_int_equal(vgic_set_pending(g, 41, 0), 0);
	wr32(DW(ISENABLER, 41), DB(41));
	assert_int_equal(kicks_total, 0);
	enable_groups(G1);
	assert_int_equal(kicked[0], 1);
	assert_int_equal(kicked[2], 1);
	assert_int_equal(kicked[3], 1);
	assert_int_equal(kicks_total, 3);
	enable_groups(G1);					/* no change: no kick */
	assert_int_equal(kicks_total, 3);
	/* A 1-of-N SPI kicks every vCPU; a level line rising kicks; a line
	 * that stays high does not. */
	kicks_reset();
	wr(DIST + IROUTER + 8 * 60, 8, 0x80000000);
	wr32(DW(ISENABLER, 60), DB(60));
	assert_int_equal(vgic_set_level(g, 60, 0, true), 0);
	assert_int_equal(kicks_total, NR_VCPUS);
	assert_int_equal(vgic_set_level(g, 60, 0, true), 0);
	assert_int_equal(kicks_total, NR_VCPUS);
	/* Guest ISPENDR and ISACTIVER/ICACTIVER writes. */
	kicks_reset();
	wr32(DW(ISACTIVER, 45), DB(45));
	wr32(DW(ISENABLER, 45), DB(45));
	wr32(DW(ISPENDR, 45), DB(45));
	assert_int_equal(kicks_total, 0);			/* active: not deliverable */
	wr32(DW(ICACTIVER, 45), DB(45));
	assert_int_equal(kicked[0], 1);
	assert_int_equal(kicks_total, 1);
}

static void test_reset(void **state)
{
	struct vgic_irq_info info;

	enable_groups(G0 | G1);
	wr32(DW(ISENABLER, 35), DB(35));
	wr32(DIST + IGROUPR + 4, 0);
	wr(DIST + IPRIORITYR + 35, 1, 0x80);
	wr32(DIST + ICFGR + 8, 0xaaaaaaaa);
	wr(DIST + IROUTER + 8 * 35, 8, 0x100);
	wr32(RD(0) + R_WAKER, 0);
	wr32(RD(0) + R_ISENABLER0, 0xffffffff);
	assert_int_equal(vgic_set_level(g, 35, 0, true), 0);
	assert_int_equal(vgic_next_pending(g, 2, &info), 0);
	vgic_reset(g);
	assert_int_equal(rd32(DIST + CTLR), ARE_DS);
	assert_int_equal(rd32(DW(ISENABLER, 35)), 0);
	assert_int_equal(rd32(DIST + IGROUPR + 4), 0xffffffff);
	assert_int_equal(rd(DIST + IPRIORITYR + 35, 1), 0);
	assert_int_equal(rd32(DIST + ICFGR + 8), 0);
	assert_int_equal(rd(DIST + IROUTER + 8 * 35, 8), 0);
	assert_int_equal(rd32(RD(0) + R_WAKER), 0x6);
	assert_int_equal(rd32(RD(0) + R_ISENABLER0), 0);
	assert_int_equal(rd32(RD(0) + R_ICFGR0), 0xaaaaaaaa);
	/* The device's line is still high: pending, now to vCPU 0 by IROUTER 0. */
	assert_int_equal(rd32(DW(ISPENDR, 35)), DB(35));
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);	/* disabled */
}

static void test_all_spis(void **state)
{
	static const u64 mp8[8] = { 0, 1, 2, 3, 0x100, 0x101, 0x102, 0x103 };
	struct vgic_config cfg = config(8, mp8, VGIC_MAX_SPIS);
	struct vgic_irq_info info;
	struct vgic *h;

	vgic_destroy(g);
	assert_int_equal(vgic_create(&cfg, &map, &h), 0);
	g = h;
	assert_int_equal(rd32(DIST + TYPER) & 0x1f, 31);
	assert_int_equal((rd32(DIST + TYPER) >> 5) & 7, 7);
	/* INTIDs 1020-1023 do not exist. */
	wr32(DIST + ISENABLER + 4 * 31, 0xffffffff);
	assert_int_equal(rd32(DIST + ISENABLER + 4 * 31), 0x0fffffff);
	wr32(DIST + IPRIORITYR + 1016, 0xffffffff);
	assert_int_equal(rd32(DIST + IPRIORITYR + 1016), 0xf8f8f8f8);
	wr32(DIST + IPRIORITYR + 1020, 0xffffffff);
	assert_int_equal(rd32(DIST + IPRIORITYR + 1020), 0);
	wr(DIST + IROUTER + 8 * 1019, 8, 0x103);
	assert_int_equal(rd(DIST + IROUTER + 8 * 1019, 8), 0x103);
	assert_int_equal(vgic_set_pending(g, 1020, 0), -EINVAL);
	assert_int_equal(vgic_set_pending(g, 1019, 0), 0);
	enable_groups(G1);
	assert_int_equal(vgic_next_pending(g, 7, &info), 0);
	assert_int_equal(info.intid, 1019);
	assert_int_equal(kicked[7], 1);
	/* The last vCPU's redistributor says Last. */
	assert_true(rd(RD(7) + R_TYPER, 8) & BIT(4));
	assert_false(rd(RD(6) + R_TYPER, 8) & BIT(4));
	assert_int_equal(rd(RD(7) + R_TYPER, 8) >> 32, 0x103);
}

static void test_create_errors(void **state)
{
	static const u64 dup[2] = { 0x80000001, 0x00000001 };	/* same affinity */
	struct vgic_config cfg;
	struct heap_stats st0, st;
	struct vgic *h = NULL;
	unsigned int count = map.count;

	heap_get_stats(&st0);
	cfg = config(0, mpidrs, 32);
	assert_int_equal(vgic_create(&cfg, &map, &h), -EINVAL);
	cfg = config(VGIC_MAX_VCPUS + 1, mpidrs, 32);
	assert_int_equal(vgic_create(&cfg, &map, &h), -EINVAL);
	cfg = config(1, NULL, 32);
	assert_int_equal(vgic_create(&cfg, &map, &h), -EINVAL);
	static const unsigned int bad_spis[] = { 1, 33, 961, 987, 992, 1000, 100000 };
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_spis); i++) {
		cfg = config(1, mpidrs, bad_spis[i]);
		assert_int_equal(vgic_create(&cfg, &map, &h), -EINVAL);
	}
	cfg = config(2, dup, 32);
	assert_int_equal(vgic_create(&cfg, &map, &h), -EINVAL);
	assert_console_contains("vCPUs 0 and 1 have the same affinity 0x1");
	cfg = config(1, mpidrs, 32);
	cfg.dist_base = 0x1000;
	assert_int_equal(vgic_create(&cfg, &map, &h), -EINVAL);
	/* Where the first vgic already is: refused by devemu, nothing kept. */
	cfg = config(1, mpidrs, 32);
	assert_int_equal(vgic_create(&cfg, &map, &h), -EEXIST);
	assert_console_contains("gicv3-dist [0x8000000-0x800ffff] overlaps gicv3-dist");
	cfg.dist_base = 0x09000000;
	assert_int_equal(vgic_create(&cfg, &map, &h), -EEXIST);	/* the redistributors */
	cfg.redist_base = cfg.dist_base;			/* its own two frames */
	assert_int_equal(vgic_create(&cfg, &map, &h), -EEXIST);
	assert_null(h);
	assert_int_equal(map.count, count);
	heap_get_stats(&st);
	assert_int_equal(st.live_objects, st0.live_objects);
	/* A second guest's vgic elsewhere is fine; destroying it frees it all. */
	cfg.redist_base = 0x090a0000;
	assert_int_equal(vgic_create(&cfg, &map, &h), 0);
	assert_int_equal(map.count, count + 2);
	vgic_destroy(h);
	assert_int_equal(map.count, count);
	heap_get_stats(&st);
	assert_int_equal(st.live_objects, st0.live_objects);
	assert_int_equal(st.live_bytes, st0.live_bytes);
}

static void test_destroy_frees_everything(void **state)
{
	static const u64 mp8[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct vgic_config cfg = config(8, mp8, VGIC_MAX_SPIS);
	struct heap_stats st0, st;
	u64 val = 0;

	vgic_destroy(g);
	g = NULL;
	assert_int_equal(map.count, 0);
	assert_int_equal(acc(DIST, 4, false, &val), DEVEMU_UNHANDLED);
	assert_int_equal(acc(REDIST, 4, false, &val), DEVEMU_UNHANDLED);
	heap_get_stats(&st0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(vgic_create(&cfg, &map, &g), 0);
		heap_get_stats(&st);
		assert_true(st.live_objects > st0.live_objects);
		wr32(DIST + CTLR, G1);
		vgic_destroy(g);
		heap_get_stats(&st);
		assert_int_equal(st.live_objects, st0.live_objects);
		assert_int_equal(st.live_bytes, st0.live_bytes);
	}
	vgic_destroy(NULL);			/* allowed */
	cfg = config(NR_VCPUS, mpidrs, NR_SPIS);
	assert_int_equal(vgic_create(&cfg, &map, &g), 0);	/* for teardown */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_id_registers),
	T(test_ctlr),
	T(test_enable_pending_active_words),
	T(test_groups),
	T(test_priority_byte_and_word),
	T(test_icfgr),
	T(test_irouter_64_and_32_bit),
	T(test_read_only_and_reserved),
	T(test_hostile_accesses),
	T(test_redist_typer_affinity_and_last),
	T(test_waker),
	T(test_redist_banks_per_vcpu),
	T(test_sgi_generation),
	T(test_next_pending_priority_and_groups),
	T(test_ack_eoi_edge),
	T(test_level_sensitive),
	T(test_spi_routing),
	T(test_kicks),
	T(test_reset),
	T(test_all_spis),
	T(test_create_errors),
	T(test_destroy_frees_everything),
};

UNIT_MAIN(tests, group_setup, group_teardown)
