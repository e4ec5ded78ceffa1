// SPDX-License-Identifier: GPL-2.0
/* `heap`: allocation statistics, live objects first (leaks show there). */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/heap.h>
#include <kestrel/page_alloc.h>

static int heap_run(int argc, char **argv)
{
	struct heap_stats st;

	if (argc > 1)
		return term_error("heap: takes no arguments");
	heap_get_stats(&st);
	printk("live objects: %llu (%llu bytes), peak %llu bytes\n",
	       (unsigned long long)st.live_objects, (unsigned long long)st.live_bytes,
	       (unsigned long long)st.peak_bytes);
	printk("allocs: %llu  frees: %llu  failed: %llu  bad frees: %llu\n",
	       (unsigned long long)st.allocs, (unsigned long long)st.frees,
	       (unsigned long long)st.failed, (unsigned long long)st.bad_frees);
	printk("pages: %llu in slabs, %llu in large blocks (%llu KiB)\n",
	       (unsigned long long)st.slab_pages, (unsigned long long)st.large_pages,
	       (unsigned long long)((st.slab_pages + st.large_pages) * PAGE_SIZE / 1024));
	printk("  class   live  slabs\n");
	for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++)
		printk("  %5u %6llu %6llu\n", st.cls[i].size, (unsigned long long)st.cls[i].live,
		       (unsigned long long)st.cls[i].slabs);
	return 0;
}

TERM_CMD(cmd_heap) = {
	.name = "heap",
	.summary = "show heap statistics",
	.usage = "heap",
	.run = heap_run,
};
