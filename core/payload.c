// SPDX-License-Identifier: GPL-2.0
/* The payload cpio: validated once, then looked up by file name. */
#define LOG_PREFIX "payload"
#include <kestrel/payload.h>
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include <arch_mmu.h>
#include <libfdt.h>
#include <kestrel/heap.h>
#include <printf.h>
#include <string.h>

#define PAYLOAD_CONFIG_NAME "config.dtb"

static enum payload_state state = PAYLOAD_NONE;
static char error[160] = "no payload: the boot loader passed no initrd";
static const void *base;
static hpa_t base_pa;
static u64 size;
static unsigned int files;
static const void *config_dtb;

int payload_init(bool present, hpa_t start, hpa_t end)
{
	struct cpio_file f;
	size_t bad = 0;
	int n;

	if (!present || end <= start) {
		state = PAYLOAD_NONE;
		snprintf(error, sizeof(error),
			 present ? "empty payload: initrd range is empty"
				 : "no payload: /chosen has no linux,initrd-start/end "
				   "(boot Kestrel with its payload cpio as the initrd)");
		log_err("%s", error);
		return -ENOENT;
	}
	base_pa = start;
	base = (const void *)arch_hpa_to_hva(start);
	size = end - start;
	n = cpio_for_each(base, size, NULL, NULL, &bad);
	if (n < 0) {
		state = PAYLOAD_BAD;
		snprintf(error, sizeof(error),
			 "malformed payload at 0x%llx: not a newc cpio archive "
			 "(bad header at offset %zu of %llu bytes)",
			 (unsigned long long)start, bad, (unsigned long long)size);
		log_err("%s", error);
		return -EINVAL;
	}
	files = n;
	state = PAYLOAD_OK;
	error[0] = '\0';
	if (cpio_find(base, size, PAYLOAD_CONFIG_NAME, &f) == 0) {
		/* cpio aligns data to 4 bytes; libfdt wants 8. */
		void *copy = kmalloc(f.size);
		int r;

		if (!copy) {
			log_err("%s: out of memory for %zu bytes", PAYLOAD_CONFIG_NAME, f.size);
			return -ENOMEM;
		}
		memcpy(copy, f.data, f.size);
		r = fdt_check_header(copy);
		if (r == 0 && fdt_totalsize(copy) <= f.size) {
			config_dtb = copy;
		} else {
			log_err("%s: not a valid device tree blob (%s)", PAYLOAD_CONFIG_NAME,
				r ? fdt_strerror(r) : "truncated");
			kfree(copy);
		}
	} else {
		log_warn("no %s in the payload: no guests configured", PAYLOAD_CONFIG_NAME);
	}
	log_info("%u files, %llu bytes at 0x%llx", files, (unsigned long long)size,
		 (unsigned long long)start);
	return 0;
}

enum payload_state payload_state(void) { return state; }
const char *payload_error(void) { return error; }
hpa_t payload_base(void) { return base_pa; }
u64 payload_size(void) { return size; }
unsigned int payload_file_count(void) { return files; }
const void *payload_config_dtb(void) { return config_dtb; }

int payload_find(const char *name, struct cpio_file *out)
{
	if (state != PAYLOAD_OK)
		return -ENODEV;
	return cpio_find(base, size, name, out);
}

void payload_for_each(int (*fn)(const struct cpio_file *f, void *ctx), void *ctx)
{
	if (state == PAYLOAD_OK)
		cpio_for_each(base, size, fn, ctx, NULL);
}
