// SPDX-License-Identifier: GPL-2.0
/* The vGICv3 test fixture (see vgicv3_fixture.h). */
#include "vgicv3_fixture.h"
#include <arch_irq.h>

/* Affinities 0.0.0.0, 0.0.0.1, 0.0.1.0 and 0.0.1.17 (Aff0 > 15: needs RS). */
const u64 mpidrs[NR_VCPUS] = { 0x80000000, 0x80000001, 0x80000100, 0x80000111 };

struct devemu_map map;
struct vgic *g;
unsigned int kicked[VGIC_MAX_VCPUS];
unsigned int kicks_total;
static struct heap_stats base;

void kick(void *ctx, unsigned int vcpu)
{
	assert_ptr_equal(ctx, &map);
	assert_true(vcpu < VGIC_MAX_VCPUS);
	/* Never under the vgic lock, and IRQs are back as they were. */
	assert_false(spin_is_locked(&g->lock));
	assert_false(arch_irqs_disabled());
	kicked[vcpu]++;
	kicks_total++;
}

void kicks_reset(void)
{
	memset(kicked, 0, sizeof(kicked));
	kicks_total = 0;
}

struct vgic_config config(unsigned int nr_vcpus, const u64 *mpidr, unsigned int nr_spis)
{
	return (struct vgic_config){ .nr_vcpus = nr_vcpus, .vcpu_mpidr = mpidr,
		.nr_spis = nr_spis, .dist_base = DIST, .redist_base = REDIST, .kick = kick,
		.kick_ctx = &map };
}

int setup(void **state)
{
	struct vgic_config cfg = config(NR_VCPUS, mpidrs, NR_SPIS);

	fake_console_reset();
	heap_get_stats(&base);
	devemu_map_init(&map);
	kicks_reset();
	return vgic_create(&cfg, &map, &g);
}

int teardown(void **state)
{
	vgic_destroy(g);
	g = NULL;
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	return heap_leak_check(&base);
}
