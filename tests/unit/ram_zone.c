// SPDX-License-Identifier: GPL-2.0
/* A host buffer as the page allocator's only zone, for group setups. */
#include "ram_zone.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kestrel/page_alloc.h>

static void *buffer;

int ram_zone_setup(size_t size)
{
	page_alloc_reset();
	buffer = aligned_alloc(size, size);
	if (!buffer)
		return -1;
	memset(buffer, 0, size);
	return page_zone_add((hpa_t)(uintptr_t)buffer, size, NULL, 0) ? -1 : 0;
}

void ram_zone_teardown(void)
{
	page_alloc_reset();
	free(buffer);
	buffer = NULL;
}

int heap_leak_check(const struct heap_stats *before)
{
	struct heap_stats now;

	heap_get_stats(&now);
	if (now.live_objects == before->live_objects && now.live_bytes == before->live_bytes)
		return 0;
	fprintf(stderr, "leak: %llu live objects, %llu bytes (started with %llu, %llu)\n",
		(unsigned long long)now.live_objects, (unsigned long long)now.live_bytes,
		(unsigned long long)before->live_objects,
		(unsigned long long)before->live_bytes);
	return -1;
}
