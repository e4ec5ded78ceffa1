// SPDX-License-Identifier: GPL-2.0
/*
 * kestrel-snapshot: reads Kestrel guest snapshots (docs/snapshot-format.md)
 * on the host, from a disk image's snapshot stores or from a snapshot
 * file: lists stores, shows and verifies snapshots, exports them as files.
 * Exit status: 0 ok, 1 the snapshot or store is invalid, 2 usage or I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <snapfmt.h>
#include "tool.h"

#define EXPORT_BLOCK	0x10000		/* zero blocks of this size become holes */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s list <image>\n"
		"       %s show <image> <name>      or  show <file>\n"
		"       %s verify <image> <name>    or  verify <file>\n"
		"       %s export <image> <name> <out-file>\n"
		"\n"
		"<image> is a disk image whose MBR partitions of type 0xda are snapshot stores,\n"
		"or one store (a partition's bytes). <name> is a snapshot in it, or\n"
		"<partition>:<name> (vda2:tiny0-a, 2:tiny0-a) when several stores hold that name.\n"
		"<file> is a snapshot outside a store, such as an export.\n"
		"Exit status: 0 ok, 1 the snapshot or store is invalid, 2 usage or I/O error.\n",
		TOOL_NAME, TOOL_NAME, TOOL_NAME, TOOL_NAME);
}

/*
 * The snapshot args name: a file (one argument) or a store's entry (an
 * image and a name). *what is what messages call it.
 */
static int load(int argc, char **argv, const char **what, uint8_t **buf, size_t *len)
{
	const struct store *s;
	struct image im;
	int ret, idx;

	ret = image_open(&im, argv[0]);
	if (ret)
		return ret;
	if (argc == 1) {
		bool stores = im.nr_stores > 0;

		image_close(&im);
		if (stores) {
			fprintf(stderr, "%s: %s holds snapshot stores: name the snapshot (%s list %s)\n",
				TOOL_NAME, argv[0], TOOL_NAME, argv[0]);
			return EXIT_USAGE;
		}
		*what = argv[0];
		return file_read(argv[0], buf, len);
	}
	ret = image_find(&im, argv[1], &s, &idx);
	if (!ret) {
		/* the entry's name, from argv: the image is closed below */
		*what = strchr(argv[1], ':') ? strchr(argv[1], ':') + 1 : argv[1];
		ret = store_read(&im, s, idx, buf, len);
	}
	image_close(&im);
	return ret;
}

static void notice(void *ctx, const char *msg)
{
	printf("notice: %s\n", msg);
}

static int cmd_verify(const char *what, const uint8_t *buf, size_t len)
{
	struct snap_validate_opts o = { .name = what, .build = TOOL_NAME, .notice = notice };
	struct snap_info info;
	char msg[512];

	if (snap_validate(buf, len, &o, &info, msg, sizeof(msg))) {
		fprintf(stderr, "error: %s\n", msg);
		return EXIT_INVALID;
	}
	printf("ok: %u sections, %llu present pages, all checksums match\n", info.sections,
	       (unsigned long long)info.present_pages);
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The bytes as one file; zero blocks (unwritten RAM slots) become holes. */
static int cmd_export(const char *what, const uint8_t *buf, size_t len, const char *out)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t off = 0;

	if (fd < 0)
		goto fail;
	while (off < len) {
		size_t n = len - off < EXPORT_BLOCK ? len - off : EXPORT_BLOCK;

		if (all_zero(buf + off, n)) {
			if (lseek(fd, (off_t)n, SEEK_CUR) < 0)
				goto fail;
			off += n;
			continue;
		}
		while (n) {
			ssize_t w = write(fd, buf + off, n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto fail;
			off += (size_t)w;
			n -= (size_t)w;
		}
	}
	if (ftruncate(fd, (off_t)len) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	printf("exported %s: %zu bytes to %s\n", what, len, out);
	return 0;
fail:
	fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, out, strerror(errno));
	if (fd >= 0)
		close(fd);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "", *what = NULL;
	int nargs = argc - 2, ret;
	uint8_t *buf = NULL;
	size_t len = 0;

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "list") && nargs == 1) {
		struct image im;

		ret = image_open(&im, argv[2]);
		if (!ret) {
			ret = list_image(&im);
			image_close(&im);
		}
		return ret;
	}
	if (!((!strcmp(cmd, "show") || !strcmp(cmd, "verify")) && (nargs == 1 || nargs == 2)) &&
	    !(!strcmp(cmd, "export") && nargs == 3)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	ret = load(!strcmp(cmd, "export") ? 2 : nargs, argv + 2, &what, &buf, &len);
	if (ret)
		return ret;
	if (!strcmp(cmd, "show"))
		ret = show_snapshot(what, buf, len);
	else if (!strcmp(cmd, "verify"))
		ret = cmd_verify(what, buf, len);
	else
		ret = cmd_export(what, buf, len, argv[4]);
	free(buf);
	return ret;
}
