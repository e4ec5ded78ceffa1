// SPDX-License-Identifier: GPL-2.0
/* Host tests of the vGICv3 snapshot section: the payload against the
 * format's table, save -> load -> save byte for byte, the loaded model
 * behaving as the saved one, and every refused value with its message. */
#include "vgicv3_fixture.h"
#include "snap_payload_check.h"
#include "kerrno.h"

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

#define BUF_SIZE	16384
#define VGIC_NAME	"/intc@8000000"

static u8 buf_a[BUF_SIZE], buf_b[BUF_SIZE];
/* The CPU interfaces the vCPU side hands over, and those a load gives back. */
static struct vgic_cpuif cpus[VGIC_MAX_VCPUS], loaded[VGIC_MAX_VCPUS];
static unsigned int set_calls;
static const struct vgic_cpuif_caps caps = { .nr_lrs = 4, .nr_aprs = 1 };

static void cpuif_get(void *ctx, unsigned int vcpu, struct vgic_cpuif *out)
{
	const struct vgic_cpuif *c = ctx;

	*out = c[vcpu];
}

static void cpuif_set(void *ctx, unsigned int vcpu, const struct vgic_cpuif *in)
{
	struct vgic_cpuif *c = ctx;

	assert_true(vcpu < VGIC_MAX_VCPUS);
	c[vcpu] = *in;
	set_calls++;
}

static size_t save(struct vgic *vg, const struct vgic_cpuif *c, u8 *buf)
{
	struct snap_tlv_writer w;
	size_t len;

	snap_tlv_writer_init(&w, buf, BUF_SIZE);
	vgic_snap_save(vg, cpuif_get, (void *)c, &w);
	assert_int_equal(snap_tlv_finish(&w, &len), 0);
	return len;
}

static int load(struct vgic *vg, const u8 *buf, size_t len, char *err, size_t errlen)
{
	struct snap_section s = payload_section(SNAP_SEC_ARM64_VGICV3, VGIC_NAME, buf, len);

	set_calls = 0;
	memset(loaded, 0, sizeof(loaded));
	return vgic_snap_load(vg, &s, &caps, cpuif_set, loaded, err, errlen);
}

/* A second vgic like the fixture's, on its own map, without kicks. */
static struct devemu_map map2;

static struct vgic *fresh_vgic(unsigned int nr_vcpus, unsigned int nr_spis)
{
	struct vgic_config cfg = config(nr_vcpus, mpidrs, nr_spis);
	struct vgic *vg;

	cfg.kick = NULL;
	devemu_map_init(&map2);
	assert_int_equal(vgic_create(&cfg, &map2, &vg), 0);
	return vg;
}

static void drop_vgic(struct vgic *vg)
{
	vgic_destroy(vg);
	devemu_map_destroy(&map2);
}

static struct vgic_inflight inflight(unsigned int intid, u8 prio, u8 group, bool level,
				     u8 state)
{
	return (struct vgic_inflight){ .irq = { .intid = intid, .priority = prio,
		.group = group, .level = level }, .state = state };
}

/* The fixture's vgic with a bit of everything, and CPU interfaces to go
 * with it: SPI 50 and vCPU 2's PPI 30 are active in list registers. */
static void configure(void)
{
	enable_groups(G0 | G1);
	wr32(DW(ISENABLER, 40), DB(40) | DB(41) | DB(45));
	wr32(DW(ISENABLER, 60), DB(60));
	wr32(DW(ISPENDR, 40), DB(40));
	wr32(DW(ISACTIVER, 50), DB(50));
	wr32(DW(IGROUPR, 42), ~DB(42));
	wr32(DIST + ICFGR + 4 * (63 / 16), 2U << (2 * (63 % 16)));	/* SPI 63 edge */
	wr(DIST + IPRIORITYR + 40, 1, 0x80);
	wr(DIST + IPRIORITYR + 41, 1, 0x40);
	wr(DIST + IPRIORITYR + 95, 1, 0xff);			/* keeps 0xf8 */
	wr(DIST + IROUTER + 8 * 40, 8, 0x100);			/* vCPU 2 */
	wr(DIST + IROUTER + 8 * 41, 8, BIT(31));		/* any vCPU */
	wr(DIST + IROUTER + 8 * 42, 8, 0x111);			/* vCPU 3 */
	wr(DIST + IROUTER + 8 * 43, 8, 0x5);			/* nobody */
	wr(DIST + IROUTER + 8 * 60, 8, 0x1);			/* vCPU 1 */
	assert_int_equal(vgic_set_level(g, 45, 0, true), 0);
	assert_int_equal(vgic_set_level(g, 60, 0, true), 0);
	/* Private: vCPU 1's timer PPI high and enabled, an SGI pending on
	 * vCPU 0, PPI 30 active on vCPU 2, PPI 20 edge on vCPU 3. */
	wr32(RD(1) + R_ISENABLER0, BIT(27));
	wr(RD(1) + R_IPRIORITYR + 27, 1, 0x60);
	assert_int_equal(vgic_set_level(g, 27, 1, true), 0);
	assert_int_equal(vgic_sgi_generate(g, 1, (3ULL << 24) | 0x1, 1), 1);
	wr32(RD(2) + R_ISACTIVER0, BIT(30));
	wr32(RD(3) + R_ICFGR1, 2U << (2 * 4));
	wr32(RD(0) + R_WAKER, 0);
	wr32(RD(1) + R_WAKER, 0);
	kicks_reset();

	memset(cpus, 0, sizeof(cpus));
	cpus[0].vmcr = 0xf0000003;
	cpus[0].ap1r[0] = BIT(16);
	cpus[0].nr_inflight = 1;
	cpus[0].inflight[0] = inflight(50, 0x80, 1, true, VGIC_LR_ACTIVE);
	cpus[2].vmcr = 0x08040201;
	cpus[2].ap0r[0] = 1;
	cpus[2].nr_inflight = 1;
	cpus[2].inflight[0] = inflight(30, 0x00, 0, false, VGIC_LR_ACTIVE | VGIC_LR_PENDING);
}

static void test_payload_matches_the_table(void **state)
{
	size_t len;
	struct snap_field f;

	configure();
	len = save(g, cpus, buf_a);
	assert_payload_matches_table(SNAP_SEC_ARM64_VGICV3, buf_a, len);
	/* Spot checks of the encoding. */
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_CTLR, &f), 1);
	assert_int_equal(snap_field_u32(&f), 0x53);	/* G0, G1, ARE, DS */
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_SPI_PRIORITY, &f), 1);
	assert_int_equal(f.count, NR_SPIS);
	assert_int_equal(snap_field_elem(&f, 95 - 32), 0xf8);
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_SPI_ENABLE, &f), 1);
	assert_int_equal(f.count, NR_SPIS / 32);
	assert_int_equal(snap_field_elem(&f, 0), DB(40) | DB(41) | DB(45) | DB(60));
	assert_int_equal(snap_field_elem(&f, 1), 0);
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_PRIVATE_LINE, &f), 1);
	assert_int_equal(snap_field_elem(&f, 1), BIT(27));
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_PRIVATE_EDGE, &f), 1);
	assert_int_equal(snap_field_elem(&f, 3), 0xffff | BIT(20));
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_ICH_AP1R, &f), 1);
	assert_int_equal(f.count, 4 * NR_VCPUS);
	assert_int_equal(snap_field_elem(&f, 0), BIT(16));
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_INFLIGHT, &f), 1);
	assert_int_equal(f.count, 2);
	/* INTID 50, priority 0x80, Group 1, level, active, vCPU 0. */
	assert_int_equal(snap_field_elem(&f, 0), 50 | 0x80 << 16 | BIT(24) | BIT(25) | 2 << 28);
	/* INTID 30, Group 0, edge, active and pending, vCPU 2. */
	assert_int_equal(snap_field_elem(&f, 1), 30 | 3 << 28 | 2ULL << 32);
}

static void test_round_trip(void **state)
{
	struct vgic *g2 = fresh_vgic(NR_VCPUS, NR_SPIS);
	size_t len_a, len_b;
	char err[256] = "";

	configure();
	len_a = save(g, cpus, buf_a);
	assert_int_equal(load(g2, buf_a, len_a, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(set_calls, NR_VCPUS);
	len_b = save(g2, loaded, buf_b);
	assert_int_equal(len_b, len_a);
	assert_memory_equal(buf_b, buf_a, len_a);
	assert_int_equal(kicks_total, 0);

	/* The CPU interfaces came back as they went. */
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		assert_int_equal(loaded[v].vmcr, cpus[v].vmcr);
		assert_memory_equal(loaded[v].ap0r, cpus[v].ap0r, sizeof(cpus[v].ap0r));
		assert_memory_equal(loaded[v].ap1r, cpus[v].ap1r, sizeof(cpus[v].ap1r));
		assert_int_equal(loaded[v].nr_inflight, cpus[v].nr_inflight);
	}
	assert_int_equal(loaded[2].inflight[0].irq.intid, 30);
	assert_int_equal(loaded[2].inflight[0].state, VGIC_LR_ACTIVE | VGIC_LR_PENDING);
	assert_false(loaded[2].inflight[0].irq.level);
	assert_true(loaded[0].inflight[0].irq.level);
	assert_int_equal(loaded[0].inflight[0].irq.group, 1);

	/* Routes recomputed as a guest write would, lines loaded. */
	for (unsigned int j = 0; j < NR_SPIS; j++)
		assert_int_equal(g2->routes[j].targets, g->routes[j].targets);
	assert_int_equal(g2->routes[40 - 32].targets, BIT(2));
	assert_int_equal(g2->routes[43 - 32].targets, 0);
	assert_true(vgic_line(g2, 45, 0));
	assert_true(vgic_line(g2, 27, 1));
	assert_false(vgic_line(g2, 27, 0));
	assert_false(vgic_line(g2, 46, 0));
	assert_false(vgic_line(g2, 32 + NR_SPIS, 0));

	/* It delivers what the saved one would, to the same vCPUs. */
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		struct vgic_irq_info a = { 0 }, b = { 0 };
		int ra = vgic_next_pending(g, v, &a), rb = vgic_next_pending(g2, v, &b);

		assert_int_equal(rb, ra);
		assert_int_equal(b.intid, a.intid);
		assert_int_equal(b.priority, a.priority);
	}
	/* A level line the device lowers after the restore: no longer pending. */
	assert_int_equal(vgic_set_level(g2, 45, 0, false), 0);
	assert_false(vgic_line(g2, 45, 0));
	drop_vgic(g2);
}

/* One refused value: where it goes and the message it gives. */
struct refusal {
	u16 tag;
	u32 idx;
	u64 val;
	const char *msg;
};

static const struct refusal refusals[] = {
	{ SNAP_VGIC_VCPUS, 0, 2, "tag 0x0001 (vcpus): 2 vCPUs; the guest has 4" },
	{ SNAP_VGIC_SPIS, 0, 96, "tag 0x0002 (spis): 96 SPIs; the guest has 64" },
	{ SNAP_VGIC_DIST_BASE, 0, 0x08010000,
	  "tag 0x0003 (dist-base): 0x8010000; this build's distributor is at 0x8000000" },
	{ SNAP_VGIC_REDIST_BASE, 0, 0x080c0000,
	  "tag 0x0004 (redist-base): 0x80c0000; this build's redistributors are at 0x80a0000" },
	{ SNAP_VGIC_CTLR, 0, 0x80000053,
	  "tag 0x0005 (ctlr): 0x80000053 sets bits 0x80000000; GICD_CTLR has EnableGrp0, EnableGrp1, ARE and DS" },
	{ SNAP_VGIC_PRIVATE_EDGE, 1, 0xfffe,
	  "tag 0x0025 (private-edge): vCPU 1: 0x0000fffe makes an SGI level-sensitive; SGIs are always edge-triggered" },
	{ SNAP_VGIC_SPI_PRIORITY, 3, 0x81,
	  "tag 0x0016 (spi-priority): INTID 35: 0x81 sets bits below the 5 the model keeps (0xf8)" },
	{ SNAP_VGIC_PRIVATE_PRIORITY, 32 + 27, 0x07,
	  "tag 0x0027 (private-priority): vCPU 1 INTID 27: 0x07 sets bits below the 5 the model keeps (0xf8)" },
	{ SNAP_VGIC_SPI_ROUTE, 8, 1ULL << 40,
	  "tag 0x0017 (spi-route): INTID 40: 0x10000000000 sets bits outside Aff3, IRM, Aff2, Aff1 and Aff0" },
	{ SNAP_VGIC_REDIST_WAKER, 2, 0x2,
	  "tag 0x0020 (redist-waker): vCPU 2: 0x2; the model's GICR_WAKER is 0 or 0x6 (ProcessorSleep and ChildrenAsleep together)" },
	{ SNAP_VGIC_REDIST_WAKER, 0, 0x1,
	  "tag 0x0020 (redist-waker): vCPU 0: 0x1; the model's GICR_WAKER is 0 or 0x6 (ProcessorSleep and ChildrenAsleep together)" },
	{ SNAP_VGIC_ICH_VMCR, 0, 0xf0000023,
	  "tag 0x0030 (ich-vmcr): vCPU 0: 0xf0000023 sets undefined bits 0x00000020" },
	{ SNAP_VGIC_ICH_AP0R, 4 * 1 + 1, 1,
	  "tag 0x0031 (ich-ap0r): vCPU 1: ICH_AP0R1_EL2 is 0x00000001, a word this host's CPU interface lacks (it has 1)" },
	{ SNAP_VGIC_ICH_AP1R, 4 * 3 + 3, 0x80000000,
	  "tag 0x0032 (ich-ap1r): vCPU 3: ICH_AP1R3_EL2 is 0x80000000, a word this host's CPU interface lacks (it has 1)" },
	{ SNAP_VGIC_INFLIGHT, 0, 50 | 0x80 << 16 | BIT(24) | 2 << 28 | BIT(26),
	  "tag 0x0033 (inflight): element 0: 0x25800032 sets reserved bits 0x4000000" },
	{ SNAP_VGIC_INFLIGHT, 1, 30 | 3 << 28 | 4ULL << 32,
	  "tag 0x0033 (inflight): element 1: vCPU 4; the guest has 4" },
	{ SNAP_VGIC_INFLIGHT, 0, 96 | 2 << 28,
	  "tag 0x0033 (inflight): element 0: INTID 96; the guest has 64 SPIs" },
	{ SNAP_VGIC_INFLIGHT, 0, 50 | 2 << 28 | 0x81 << 16,
	  "tag 0x0033 (inflight): element 0: priority 0x81 sets bits below the 5 the model keeps" },
	{ SNAP_VGIC_INFLIGHT, 0, 50,
	  "tag 0x0033 (inflight): element 0: INTID 50 of vCPU 0 in state 0, neither pending nor active" },
	{ SNAP_VGIC_INFLIGHT, 0, 41 | 2 << 28,
	  "tag 0x0033 (inflight): element 0: INTID 41 of vCPU 0 is not active in the *-active bits" },
	/* PPI 30 is active on vCPU 2, not on vCPU 0. */
	{ SNAP_VGIC_INFLIGHT, 1, 30 | 2 << 28,
	  "tag 0x0033 (inflight): element 1: INTID 30 of vCPU 0 is not active in the *-active bits" },
	{ SNAP_VGIC_INFLIGHT, 1, 50 | 2 << 28,
	  "tag 0x0033 (inflight): INTID 50 of vCPU 0 twice (elements 0 and 1)" },
	{ SNAP_VGIC_INFLIGHT, 1, 50 | 2 << 28 | 2ULL << 32,
	  "tag 0x0033 (inflight): SPI INTID 50 on vCPUs 0 and 2" },
};

static void test_refused_values(void **state)
{
	struct vgic *g2 = fresh_vgic(NR_VCPUS, NR_SPIS);
	static const struct vgic_cpuif none[NR_VCPUS];
	size_t len, len_fresh;
	char err[256];

	configure();
	len = save(g, cpus, buf_a);
	len_fresh = save(g2, none, buf_b);
	for (unsigned int i = 0; i < ARRAY_SIZE(refusals); i++) {
		const struct refusal *r = &refusals[i];
		static u8 bad[BUF_SIZE], after[BUF_SIZE];

		memcpy(bad, buf_a, len);
		payload_patch(bad, len, r->tag, r->idx, r->val);
		err[0] = 0;
		assert_int_equal(load(g2, bad, len, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, r->msg);
		assert_int_equal(set_calls, 0);
		/* Refused: nothing reached the model. */
		assert_int_equal(save(g2, none, after), len_fresh);
		assert_memory_equal(after, buf_b, len_fresh);
	}
	drop_vgic(g2);
}

/* Check 20: more interrupts in a vCPU's list registers than the host has. */
static void test_too_many_inflight(void **state)
{
	struct vgic *g2 = fresh_vgic(NR_VCPUS, NR_SPIS);
	char err[256];
	size_t len;

	configure();
	wr32(DW(ISACTIVER, 32), 0x1f);		/* SPIs 32-36 active */
	cpus[1].nr_inflight = 5;
	for (unsigned int i = 0; i < 5; i++)
		cpus[1].inflight[i] = inflight(32 + i, 0xa0, 1, false, VGIC_LR_ACTIVE);
	len = save(g, cpus, buf_a);
	assert_int_equal(load(g2, buf_a, len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "tag 0x0033 (inflight): vCPU 1 has 5 interrupts in list registers; this host's GIC has 4");
	/* Four fit; in array order, as the list registers get them. */
	cpus[1].nr_inflight = 4;
	len = save(g, cpus, buf_a);
	assert_int_equal(load(g2, buf_a, len, err, sizeof(err)), 0);
	assert_int_equal(loaded[1].nr_inflight, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(loaded[1].inflight[i].irq.intid, 32 + i);
	drop_vgic(g2);
}

/* A guest with 988 SPIs: INTIDs 1020-1023 do not exist. */
static void test_intids_the_guest_lacks(void **state)
{
	struct vgic *big = fresh_vgic(2, VGIC_MAX_SPIS);
	struct vgic_cpuif none[2] = { 0 };
	struct snap_field f;
	char err[256];
	size_t len;

	len = save(big, none, buf_a);
	assert_payload_matches_table(SNAP_SEC_ARM64_VGICV3, buf_a, len);
	assert_int_equal(snap_tlv_find(buf_a, len, SNAP_VGIC_SPI_GROUP, &f), 1);
	assert_int_equal(f.count, 31);
	assert_int_equal(snap_field_elem(&f, 30), BIT(28) - 1);	/* Group 1 */
	assert_int_equal(load(big, buf_a, len, err, sizeof(err)), 0);
	payload_patch(buf_a, len, SNAP_VGIC_SPI_PENDING, 30, BIT(28) | 1);
	assert_int_equal(load(big, buf_a, len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "tag 0x0012 (spi-pending): word 30: 0x10000001 sets bits 0x10000000, INTIDs the guest lacks (it has 988 SPIs)");
	drop_vgic(big);
}

static void test_line_getter(void **state)
{
	assert_false(vgic_line(g, 40, 0));
	assert_int_equal(vgic_set_level(g, 40, 0, true), 0);
	assert_true(vgic_line(g, 40, 3));	/* vcpu ignored for SPIs */
	assert_int_equal(vgic_set_level(g, 27, 2, true), 0);
	assert_true(vgic_line(g, 27, 2));
	assert_false(vgic_line(g, 27, 1));
	assert_false(vgic_line(g, 27, NR_VCPUS));
	assert_false(vgic_line(g, 1020, 0));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_payload_matches_the_table),
	T(test_round_trip),
	T(test_refused_values),
	T(test_too_many_inflight),
	T(test_intids_the_guest_lacks),
	T(test_line_getter),
};

UNIT_MAIN(tests, group_setup, group_teardown)
