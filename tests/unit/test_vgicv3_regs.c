// SPDX-License-Identifier: GPL-2.0
/* Host tests of the vGICv3 register model (emulators/irqchip): distributor and
 * redistributor registers driven through devemu_access as a guest would. */
#include "vgicv3_fixture.h"
#include "kerrno.h"
#include <stdlib.h>
#include <kestrel/log.h>

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

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
};

UNIT_MAIN(tests, group_setup, group_teardown)
