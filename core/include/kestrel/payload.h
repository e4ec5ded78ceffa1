/* SPDX-License-Identifier: GPL-2.0 */
/* The payload: a newc cpio handed over as the initrd, holding the
 * configuration DTB and guest images. */
#ifndef KESTREL_PAYLOAD_H
#define KESTREL_PAYLOAD_H

#include <kestrel/types.h>
#include <cpio.h>

enum payload_state { PAYLOAD_NONE, PAYLOAD_BAD, PAYLOAD_OK };

/* Checks the initrd range the boot loader gave and indexes it; logs a clear
 * error for a missing or malformed payload. Boot context. */
int payload_init(bool present, hpa_t start, hpa_t end);

enum payload_state payload_state(void);
const char *payload_error(void);
hpa_t payload_base(void);
u64 payload_size(void);
unsigned int payload_file_count(void);

/* Looks a file up by name. Returns 0 or -ENOENT (or -ENODEV without payload). */
int payload_find(const char *name, struct cpio_file *out);

/* Calls fn for each file. */
void payload_for_each(int (*fn)(const struct cpio_file *f, void *ctx), void *ctx);

/* The configuration DTB (config.dtb) if the payload has a valid one, else NULL. */
const void *payload_config_dtb(void);

#endif
