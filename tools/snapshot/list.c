// SPDX-License-Identifier: GPL-2.0
/* kestrel-snapshot list: each store of an image and the snapshots it holds. */
#include <stdio.h>
#include <string.h>
#include <snapfmt.h>
#include "tool.h"

static uint64_t entry_bytes(const struct store_entry *e)
{
	uint64_t bytes = 0;

	for (uint32_t k = 0; k < e->nr_extents; k++)
		bytes += (uint64_t)e->ext[k].nr_units * STORE_UNIT_SIZE;
	return bytes;
}

/* The guest and arch its snapshot header names, "-" when it has none. */
static void entry_header(const struct image *im, const struct store *s,
			 const struct store_entry *e, char *guest, size_t gsize, const char **arch)
{
	uint8_t head[SNAP_HEADER_SIZE];
	struct snap_header h;
	int64_t at = store_map(e, 0, NULL);

	snprintf(guest, gsize, "-");
	*arch = "-";
	if (at < 0 || image_pread(im, head, sizeof(head), s->offset + (uint64_t)at) !=
	    (ssize_t)sizeof(head) || snap_header_decode(head, sizeof(head), &h))
		return;
	if (snap_header_crc(head, SNAP_HEADER_SIZE) != h.header_crc)
		return;
	if (store_name_valid(h.guest_name))
		snprintf(guest, gsize, "%s", h.guest_name);
	*arch = snap_arch_name(h.arch) ? snap_arch_name(h.arch) : "?";
}

static void list_entries(const struct image *im, const struct store *s)
{
	char guest[STORE_DIR_ENTRIES][SNAP_GUEST_NAME_SIZE];
	const char *arch[STORE_DIR_ENTRIES];
	int nw = 4, gw = 5, used = 0;

	for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
		const struct store_entry *e = &s->meta.dir[i];
		int len = (int)strlen(e->name), glen;

		if (!len)
			continue;
		used++;
		entry_header(im, s, e, guest[i], sizeof(guest[i]), &arch[i]);
		glen = (int)strlen(guest[i]);
		nw = len > nw ? len : nw;
		gw = glen > gw ? glen : gw;
	}
	if (!used) {
		printf("  no snapshots\n");
		return;
	}
	printf("  %-*s  %-7s  %8s  %8s  %-*s  %s\n", nw, "NAME", "STATE", "SIZE", "SEQUENCE", gw,
	       "GUEST", "ARCH");
	for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
		const struct store_entry *e = &s->meta.dir[i];
		uint64_t bytes = e->length ? e->length : entry_bytes(e);
		char size[24];

		if (!e->name[0])
			continue;
		snprintf(size, sizeof(size), "%llu MiB",
			 (unsigned long long)((bytes + MIB - 1) / MIB));
		printf("  %-*s  %-7s  %8s  %8llu  %-*s  %s\n", nw, e->name,
		       e->state == STORE_READY ? "ready" : "writing", size,
		       (unsigned long long)e->sequence, gw, guest[i], arch[i]);
	}
}

int list_image(const struct image *im)
{
	int ret = 0;

	if (!im->nr_stores) {
		fprintf(stderr, "%s: %s: no store: neither an MBR partition of type 0x%02x nor a store%s\n",
			TOOL_NAME, im->path, MBR_TYPE_STORE,
			im->snapshot_file ? " (it is a snapshot file: use show or verify)" : "");
		return EXIT_USAGE;
	}
	for (unsigned int i = 0; i < im->nr_stores; i++) {
		const struct store *s = &im->store[i];
		char label[32];

		printf("%s%s (%llu MiB at %llu MiB): ", i ? "\n" : "",
		       store_label(s, label, sizeof(label)), (unsigned long long)(s->size / MIB),
		       (unsigned long long)(s->offset / MIB));
		if (s->copy == STORE_PICK_NONE) {
			printf("unformatted (no valid metadata copy)\n  %s\n", s->why);
			continue;
		}
		if (s->copy == STORE_PICK_REFUSED) {
			printf("refused: %s\n", s->why);
			ret = EXIT_INVALID;
			continue;
		}
		printf("store of %u units, %llu MiB free, generation %llu (copy %c)\n",
		       s->meta.nr_units,
		       (unsigned long long)store_free_units(&s->meta) * STORE_UNIT_SIZE / MIB,
		       (unsigned long long)s->meta.generation, 'A' + s->copy);
		if (s->why[0])
			printf("  note: %s\n", s->why);
		list_entries(im, s);
	}
	return ret;
}
