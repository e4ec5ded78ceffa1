/* SPDX-License-Identifier: GPL-2.0 */
/* A host buffer standing in for a RAM bank, handed to the page allocator,
 * and the heap checks of tests that run on it. */
#ifndef KESTREL_TEST_RAM_ZONE_H
#define KESTREL_TEST_RAM_ZONE_H

#include <stddef.h>
#include <kestrel/heap.h>

/* Forgets all zones, then adds a fresh zero-filled buffer of `size` bytes
 * (aligned to `size`, a power of two) as the only one. Returns 0 or -1. */
int ram_zone_setup(size_t size);

/* Forgets the zone and frees its buffer. */
void ram_zone_teardown(void);

/* Resets the fake arch and gives the binary a RAM zone of `size` bytes for
 * its heap: defines the cmocka group_setup and group_teardown. */
#define RAM_ZONE_GROUP_FIXTURES(size) \
	static int group_setup(void **state) \
	{ \
		fake_arch_reset(); \
		return ram_zone_setup(size); \
	} \
	static int group_teardown(void **state) \
	{ \
		ram_zone_teardown(); \
		return 0; \
	}

/* For a test teardown: 0 when the heap holds what it held at `before`,
 * else -1 after printing the leak. */
int heap_leak_check(const struct heap_stats *before);

#endif
