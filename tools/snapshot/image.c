// SPDX-License-Identifier: GPL-2.0
/* kestrel-snapshot: finding the stores of a disk image (type-0xda MBR
 * partitions, or a store copied out whole) and reading snapshots from them. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <snapfmt.h>
#include "tool.h"

#define SECTOR		512
#define MBR_SIG		510
#define MBR_TABLE	446

ssize_t image_pread(const struct image *im, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(im->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Reads len bytes at off, zero past the end of the image. */
static int read_zero_filled(const struct image *im, void *buf, size_t len, uint64_t off)
{
	ssize_t n = image_pread(im, buf, len, off);

	if (n < 0) {
		fprintf(stderr, "%s: %s: read at 0x%llx: %s\n", TOOL_NAME, im->path,
			(unsigned long long)off, strerror(errno));
		return EXIT_USAGE;
	}
	memset((uint8_t *)buf + n, 0, len - (size_t)n);
	return 0;
}

const char *store_label(const struct store *s, char *buf, size_t size)
{
	if (s->partno)
		snprintf(buf, size, "partition %d", s->partno);
	else
		snprintf(buf, size, "store");
	return buf;
}

/* Reads both metadata copies and picks the current one. */
static int open_store(struct image *im, int partno, uint64_t offset, uint64_t size)
{
	static uint8_t a[STORE_META_SIZE], b[STORE_META_SIZE];
	struct store *s = &im->store[im->nr_stores++];
	int ret;

	s->partno = partno;
	s->offset = offset;
	s->size = size;
	ret = read_zero_filled(im, a, sizeof(a), offset);
	if (!ret)
		ret = read_zero_filled(im, b, sizeof(b), offset + STORE_COPY_B);
	if (ret)
		return ret;
	s->copy = store_pick(a, b, size / STORE_UNIT_SIZE, &s->meta, s->why, sizeof(s->why));
	return 0;
}

/* The primary partitions of type 0xda, when the image starts with an MBR. */
static int open_mbr(struct image *im, const uint8_t *mbr)
{
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = mbr + MBR_TABLE + 16 * i;
		uint64_t start = (uint64_t)snap_le32(p + 8) * SECTOR;
		uint64_t size = (uint64_t)snap_le32(p + 12) * SECTOR;
		int ret;

		if (p[4] != MBR_TYPE_STORE || !size)
			continue;
		ret = open_store(im, i + 1, start, size);
		if (ret)
			return ret;
	}
	return 0;
}

int image_open(struct image *im, const char *path)
{
	uint8_t head[SECTOR], at_copy_b[STORE_MAGIC_LEN];
	off_t end;
	int ret;

	memset(im, 0, sizeof(*im));
	im->path = path;
	im->fd = open(path, O_RDONLY);
	if (im->fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, path, strerror(errno));
		return EXIT_USAGE;
	}
	end = lseek(im->fd, 0, SEEK_END);		/* also sizes a block device */
	if (end < 0) {
		fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, path, strerror(errno));
		image_close(im);
		return EXIT_USAGE;
	}
	im->size = (uint64_t)end;
	ret = read_zero_filled(im, head, sizeof(head), 0);
	if (!ret)
		ret = read_zero_filled(im, at_copy_b, sizeof(at_copy_b), STORE_COPY_B);
	if (ret) {
		image_close(im);
		return ret;
	}
	/* A store copied out whole has a copy at 0 or, if A is torn, at 1 MiB;
	 * neither is an MBR (a superblock's bytes 510-511 are zero). */
	if (!memcmp(head, STORE_MAGIC, STORE_MAGIC_LEN) ||
	    (memcmp(head, SNAP_MAGIC, SNAP_MAGIC_LEN) &&
	     !memcmp(at_copy_b, STORE_MAGIC, STORE_MAGIC_LEN)))
		ret = open_store(im, 0, 0, im->size);
	else if (head[MBR_SIG] == 0x55 && head[MBR_SIG + 1] == 0xaa)
		ret = open_mbr(im, head);
	im->snapshot_file = !memcmp(head, SNAP_MAGIC, SNAP_MAGIC_LEN);
	if (ret)
		image_close(im);
	return ret;
}

void image_close(struct image *im)
{
	if (im->fd >= 0)
		close(im->fd);
	im->fd = -1;
}

/* "vda2" and "2" name partition 2; any name does for a store file. */
static bool store_matches(const struct store *s, const char *prefix, size_t len)
{
	size_t digits = 0;

	while (digits < len && isdigit((unsigned char)prefix[len - 1 - digits]))
		digits++;
	if (!s->partno)
		return true;
	return digits && atoi(prefix + len - digits) == s->partno;
}

int image_find(const struct image *im, const char *spec, const struct store **found,
	       int *idx)
{
	const char *colon = strchr(spec, ':'), *name = colon ? colon + 1 : spec;
	unsigned int matches = 0;

	for (unsigned int i = 0; i < im->nr_stores; i++) {
		const struct store *s = &im->store[i];
		int at;

		if (s->copy < 0 || (colon && !store_matches(s, spec, (size_t)(colon - spec))))
			continue;
		at = store_find(&s->meta, name);
		if (at < 0)
			continue;
		if (matches++) {
			fprintf(stderr,
				"%s: %s: %s is in more than one store: name it as <partition>:%s (e.g. %d:%s)\n",
				TOOL_NAME, im->path, name, name, s->partno, name);
			return EXIT_USAGE;
		}
		*found = s;
		*idx = at;
	}
	if (matches)
		return 0;
	if (!im->nr_stores) {
		fprintf(stderr, "%s: %s: no store (no MBR partition of type 0x%02x)\n", TOOL_NAME,
			im->path, MBR_TYPE_STORE);
		return EXIT_USAGE;
	}
	/* A refused store may well hold it: say why it cannot be read. */
	for (unsigned int i = 0; i < im->nr_stores; i++) {
		const struct store *s = &im->store[i];
		char label[32];

		if (s->copy == STORE_PICK_REFUSED) {
			fprintf(stderr, "error: %s: %s: the store is refused: %s\n", im->path,
				store_label(s, label, sizeof(label)), s->why);
			return EXIT_INVALID;
		}
	}
	fprintf(stderr, "%s: %s: no snapshot %s (see: %s list %s)\n", TOOL_NAME, im->path, spec,
		TOOL_NAME, im->path);
	return EXIT_USAGE;
}

/* How many bytes of entry idx are the snapshot. */
static uint64_t entry_length(const struct image *im, const struct store *s,
			     const struct store_entry *e)
{
	uint64_t cap = 0, len;
	uint8_t head[SNAP_HEADER_SIZE];
	struct snap_header h;
	int64_t at;

	for (uint32_t k = 0; k < e->nr_extents; k++)
		cap += (uint64_t)e->ext[k].nr_units * STORE_UNIT_SIZE;
	if (e->state == STORE_READY && e->length && e->length <= cap)
		return e->length;
	/* writing: the header knows, once its writer completed it */
	at = store_map(e, 0, NULL);
	if (at < 0 || image_pread(im, head, sizeof(head), s->offset + (uint64_t)at) !=
	    (ssize_t)sizeof(head) || snap_header_decode(head, sizeof(head), &h))
		return cap;
	len = h.file_length;
	return len && len <= cap ? len : cap;
}

int store_read(const struct image *im, const struct store *s, int idx, uint8_t **buf,
	       size_t *len)
{
	const struct store_entry *e = &s->meta.dir[idx];
	uint64_t want = entry_length(im, s, e), off = 0;
	uint8_t *p;

	if (want > SIZE_MAX || !(p = malloc(want ? want : 1))) {
		fprintf(stderr, "%s: %s: %s: no memory for %llu bytes\n", TOOL_NAME, im->path,
			e->name, (unsigned long long)want);
		return EXIT_USAGE;
	}
	/* Extent by extent; an image that ends early gives a shorter snapshot,
	 * which the validator reports as truncated. */
	while (off < want) {
		uint64_t contig, n;
		int64_t at = store_map(e, off, &contig);
		ssize_t got;

		if (at < 0)
			break;
		n = contig < want - off ? contig : want - off;
		got = image_pread(im, p + off, n, s->offset + (uint64_t)at);
		if (got < 0) {
			fprintf(stderr, "%s: %s: %s: %s\n", TOOL_NAME, im->path, e->name,
				strerror(errno));
			free(p);
			return EXIT_USAGE;
		}
		off += (uint64_t)got;
		if ((uint64_t)got < n)
			break;
	}
	*buf = p;
	*len = off;
	return 0;
}

int file_read(const char *path, uint8_t **buf, size_t *len)
{
	struct image im = { .path = path };
	uint8_t *p;
	ssize_t got;
	off_t end;

	im.fd = open(path, O_RDONLY);
	if (im.fd < 0 || (end = lseek(im.fd, 0, SEEK_END)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, path, strerror(errno));
		image_close(&im);
		return EXIT_USAGE;
	}
	im.size = (uint64_t)end;
	if (im.size > SIZE_MAX || !(p = malloc(im.size ? im.size : 1))) {
		fprintf(stderr, "%s: %s: no memory for %llu bytes\n", TOOL_NAME, path,
			(unsigned long long)im.size);
		image_close(&im);
		return EXIT_USAGE;
	}
	got = image_pread(&im, p, im.size, 0);
	if (got < 0) {
		fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, path, strerror(errno));
		free(p);
		image_close(&im);
		return EXIT_USAGE;
	}
	image_close(&im);
	*buf = p;
	*len = (size_t)got;
	return 0;
}
