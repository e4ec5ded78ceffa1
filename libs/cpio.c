// SPDX-License-Identifier: GPL-2.0
/* newc cpio reader: every field is bounds-checked against the archive. */
#include <cpio.h>
#include <string.h>
#include <kestrel/errno.h>

#define NEWC_HDR_LEN	110
#define S_IFMT		0170000
#define S_IFREG		0100000

static int hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

static const char *strip_dot(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

int cpio_for_each(const void *archive, size_t size,
		  int (*fn)(const struct cpio_file *f, void *ctx), void *ctx,
		  size_t *bad_offset)
{
	const char *base = archive;
	size_t off = 0;
	int count = 0;

	for (;;) {
		uint32_t mode, filesize, namesize;
		const char *h = base + off;
		struct cpio_file f;
		size_t name_off, data_off;

		if (off > size || size - off < NEWC_HDR_LEN || memcmp(h, "070701", 6) ||
		    hex8(h + 14, &mode) || hex8(h + 54, &filesize) ||
		    hex8(h + 94, &namesize) || namesize == 0)
			goto bad;
		name_off = off + NEWC_HDR_LEN;
		if (namesize > size - name_off || base[name_off + namesize - 1] != '\0')
			goto bad;
		data_off = (name_off + namesize + 3) & ~(size_t)3;
		if (data_off > size || filesize > size - data_off)
			goto bad;
		f.name = base + name_off;
		if (!strcmp(f.name, "TRAILER!!!"))
			return count;
		f.data = base + data_off;
		f.size = filesize;
		f.mode = mode;
		if ((mode & S_IFMT) == S_IFREG) {
			f.name = strip_dot(f.name);
			count++;
			if (fn) {
				int r = fn(&f, ctx);

				if (r)
					return r;
			}
		}
		off = (data_off + filesize + 3) & ~(size_t)3;
	}
bad:
	/* An archive cut inside a data padding leaves off past its end. */
	if (bad_offset)
		*bad_offset = MIN(off, size);
	return -EINVAL;
}

struct find_ctx {
	const char *name;
	struct cpio_file *out;
	int found;
};

static int match_name(const struct cpio_file *f, void *ctx)
{
	struct find_ctx *fc = ctx;

	if (strcmp(f->name, fc->name))
		return 0;
	*fc->out = *f;
	fc->found = 1;
	return 1;
}

int cpio_find(const void *archive, size_t size, const char *name, struct cpio_file *out)
{
	struct find_ctx fc = { strip_dot(name), out, 0 };
	int r = cpio_for_each(archive, size, match_name, &fc, NULL);

	if (r < 0)
		return r;
	return fc.found ? 0 : -ENOENT;
}
