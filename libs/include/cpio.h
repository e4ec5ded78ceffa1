/* SPDX-License-Identifier: GPL-2.0 */
/* Reader for newc ("070701") cpio archives, the payload format. */
#ifndef KESTREL_CPIO_H
#define KESTREL_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_file {
	const char *name;	/* NUL-terminated, inside the archive */
	const void *data;
	size_t size;
	uint32_t mode;
};

/*
 * Calls fn for each regular file until the TRAILER!!! entry. Returns the
 * number of files, or a negative error: -EINVAL with *bad_offset set when
 * a header is malformed or runs past the archive's end.
 */
int cpio_for_each(const void *archive, size_t size,
		  int (*fn)(const struct cpio_file *f, void *ctx), void *ctx,
		  size_t *bad_offset);

/* Finds one file by name ("./" prefixes are ignored). Returns 0 or -ENOENT/-EINVAL. */
int cpio_find(const void *archive, size_t size, const char *name, struct cpio_file *out);

#endif
