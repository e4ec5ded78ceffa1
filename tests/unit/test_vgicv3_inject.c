// SPDX-License-Identifier: GPL-2.0
/* Host tests of the vGICv3 injection calls the vCPU side makes: SGIs, next
 * pending, ack/EOI, level lines, SPI routing, kicks, reset, lifecycle. */
#include "vgicv3_fixture.h"
#include "kerrno.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

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
	/* A new edge while active: pending and active, not delivered yet,
	 * but its vCPU is kicked to report the end it may have seen. */
	kicks_reset();
	assert_int_equal(vgic_set_pending(g, 32, 3), 0);		/* vcpu ignored */
	assert_int_equal(rd32(DW(ISPENDR, 32)), DB(32));
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	assert_int_equal(kicks_total, 1);
	/* EOI: delivered again. */
	assert_int_equal(vgic_eoi(g, 0, 32), 0);
	assert_int_equal(kicked[0], 2);
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
	assert_int_equal(kicks_total, 1);	/* active: not deliverable, but kicked */
	wr32(DW(ICACTIVER, 45), DB(45));
	assert_int_equal(kicked[0], 2);
	assert_int_equal(kicks_total, 2);
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

/* The scan for the next pending interrupt only looks at SPI banks where an
 * interrupt became ready since it last found them empty: every way in must
 * mark the bank (pending, enable, group, level, end of an active one). */
static void test_scan_finds_every_way_in(void **state)
{
	static const u64 mp1[1] = { 0 };
	struct vgic_config cfg = config(1, mp1, VGIC_MAX_SPIS);
	struct vgic_irq_info info;
	struct vgic *h;

	vgic_destroy(g);
	assert_int_equal(vgic_create(&cfg, &map, &h), 0);
	g = h;
	enable_groups(G1);
	/* Pending while disabled, then enabled: found in the last bank. */
	assert_int_equal(vgic_set_pending(g, 1000, 0), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	wr32(DW(ISENABLER, 1000), DB(1000));
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 1000);
	/* Taken and ended: the bank is empty and the scan forgets it. */
	assert_int_equal(vgic_ack(g, 0, 1000), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	assert_int_equal(vgic_eoi(g, 0, 1000), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	/* Then pending again by a register write. */
	wr32(DW(ISPENDR, 1000), DB(1000));
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 1000);
	wr32(DW(ICPENDR, 1000), DB(1000));
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	/* A level line in a middle bank, while groups are off, then on. */
	enable_groups(0);
	wr32(DW(ISENABLER, 500), DB(500));
	assert_int_equal(vgic_set_level(g, 500, 0, true), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	enable_groups(G1);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 500);
	/* Active and pending again: ready once it ends (requeued). */
	assert_int_equal(vgic_ack(g, 0, 500), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), -ENOENT);
	assert_int_equal(vgic_requeue(g, 0, 500), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 500);
	/* Two banks: the higher priority wins, a tie goes to the lower INTID. */
	wr32(DW(ISENABLER, 40), DB(40));
	assert_int_equal(vgic_set_pending(g, 40, 0), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 40);
	wr(DIST + IPRIORITYR + 40, 1, 0x80);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(info.intid, 500);
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

/* An edge interrupt the vCPU side holds active (in a list register the
 * guest may already have ended without an exit) kicks its target when it
 * becomes pending again: only an exit lets the model see the end. A level
 * line rising while active kicks too; pending again while already pending
 * and active does not. */
static void test_kick_for_pending_while_active(void **state)
{
	struct vgic_irq_info info;

	enable_groups(G1);
	wr32(RD(1) + R_ISENABLER0, BIT(2));
	assert_int_equal(vgic_sgi_generate(g, 0, (2ULL << 24) | BIT(1), 1), 1);
	assert_int_equal(vgic_next_pending(g, 1, &info), 0);
	assert_int_equal(vgic_ack(g, 1, 2), 0);
	kicks_reset();
	assert_int_equal(vgic_sgi_generate(g, 0, (2ULL << 24) | BIT(1), 1), 1);
	assert_int_equal(kicked[1], 1);
	assert_int_equal(kicks_total, 1);
	assert_int_equal(vgic_next_pending(g, 1, &info), -ENOENT);	/* still active */
	assert_int_equal(vgic_sgi_generate(g, 0, (2ULL << 24) | BIT(1), 1), 1);
	assert_int_equal(kicks_total, 1);			/* nothing new */
	assert_int_equal(vgic_eoi(g, 1, 2), 0);
	assert_int_equal(vgic_next_pending(g, 1, &info), 0);
	assert_int_equal(info.intid, 2);

	wr32(DW(ISENABLER, 45), DB(45));
	assert_int_equal(vgic_set_level(g, 45, 0, true), 0);
	assert_int_equal(vgic_next_pending(g, 0, &info), 0);
	assert_int_equal(vgic_ack(g, 0, 45), 0);
	assert_int_equal(vgic_set_level(g, 45, 0, false), 0);
	kicks_reset();
	assert_int_equal(vgic_set_level(g, 45, 0, true), 0);
	assert_int_equal(kicked[0], 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_sgi_generation),
	T(test_next_pending_priority_and_groups),
	T(test_ack_eoi_edge),
	T(test_level_sensitive),
	T(test_spi_routing),
	T(test_kicks),
	T(test_kick_for_pending_while_active),
	T(test_reset),
	T(test_all_spis),
	T(test_scan_finds_every_way_in),
	T(test_create_errors),
	T(test_destroy_frees_everything),
};

UNIT_MAIN(tests, group_setup, group_teardown)
