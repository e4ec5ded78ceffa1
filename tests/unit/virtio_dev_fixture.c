// SPDX-License-Identifier: GPL-2.0
/* The devemu map and driver accessors of the virtio device tests (see
 * virtio_dev_fixture.h). */
#include "virtio_dev_fixture.h"

struct devemu_map map;
static struct heap_stats heap_base;

void vdev_map_init(void)
{
	heap_get_stats(&heap_base);
	devemu_map_init(&map);
}

int vdev_setup(void)
{
	if (fake_ram_setup())
		return -1;
	fake_console_reset();
	vdev_map_init();
	return 0;
}

int vdev_teardown(void)
{
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	fake_ram_teardown();
	return heap_leak_check(&heap_base);
}

u32 rd(u32 off)
{
	return (u32)mmio_read(&map, BASE + off, 4);
}

void wr(u32 off, u32 val)
{
	mmio_write(&map, BASE + off, 4, val);
}

u64 features(void)
{
	u64 f;

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (u64)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}
