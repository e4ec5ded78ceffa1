/* SPDX-License-Identifier: GPL-2.0 */
/* A host buffer standing in for a RAM bank, handed to the page allocator. */
#ifndef KESTREL_TEST_RAM_ZONE_H
#define KESTREL_TEST_RAM_ZONE_H

#include <stddef.h>

/* Forgets all zones, then adds a fresh zero-filled buffer of `size` bytes
 * (aligned to `size`, a power of two) as the only one. Returns 0 or -1. */
int ram_zone_setup(size_t size);

/* Forgets the zone and frees its buffer. */
void ram_zone_teardown(void);

#endif
