/* SPDX-License-Identifier: GPL-2.0 */
/* kestrel-snapshot, the host snapshot tool: what its files share. */
#ifndef KESTREL_SNAPSHOT_TOOL_H
#define KESTREL_SNAPSHOT_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <snapstore.h>

#define TOOL_NAME	"kestrel-snapshot"

/* Exit codes: the snapshot or store is invalid; the command could not run. */
#define EXIT_INVALID	1
#define EXIT_USAGE	2

#define MIB		0x100000ull
#define MBR_TYPE_STORE	0xda
#define MAX_STORES	4		/* an MBR has four primary partitions */

/* One store found in the image. */
struct store {
	int partno;			/* MBR partition number; 0: the whole file */
	uint64_t offset, size;		/* its bytes in the image */
	int copy;			/* store_pick: 0 A, 1 B, or STORE_PICK_* */
	char why[640];			/* store_pick's message */
	struct store_meta meta;		/* when copy >= 0 */
};

struct image {
	const char *path;
	int fd;
	uint64_t size;
	bool snapshot_file;		/* starts with KSTRSNAP */
	unsigned int nr_stores;
	struct store store[MAX_STORES];
};

/* image.c: the file, its stores and their snapshots. Functions that fail
 * print why (to stderr) and return an exit code. */
int image_open(struct image *im, const char *path);
void image_close(struct image *im);
/* "partition 2" or "store"; the prefix a snapshot is named with ("vda2:"). */
const char *store_label(const struct store *s, char *buf, size_t size);
/* Finds "name", or "<store>:name" where <store> ends in the partition
 * number ("vda2", "2"), among the image's formatted stores. */
int image_find(const struct image *im, const char *spec, const struct store **s, int *idx);
/* The bytes of entry idx, malloc'ed: its length when ready, else its
 * header's file_length, at most what its extents hold. */
int store_read(const struct image *im, const struct store *s, int idx, uint8_t **buf,
	       size_t *len);
/* Reads up to len bytes at off of the image; the bytes read, short at
 * its end, or -1 (errno set). */
ssize_t image_pread(const struct image *im, void *buf, size_t len, uint64_t off);
/* A whole snapshot file, malloc'ed. */
int file_read(const char *path, uint8_t **buf, size_t *len);

/* show.c: a snapshot's header, table of contents, devices and machine. */
int show_snapshot(const char *what, const uint8_t *buf, size_t len);

/* list.c: the stores of an image and their entries. */
int list_image(const struct image *im);

#endif
