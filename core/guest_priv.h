/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the guest manager's files only. */
#ifndef KESTREL_GUEST_PRIV_H
#define KESTREL_GUEST_PRIV_H

#include <kestrel/guest.h>

/* Allocates, zeroes and maps the guest's RAM (cfg.ram_base/size). On error
 * what was allocated stays in g->ram for guest_ram_free. */
int guest_ram_alloc(struct guest *g);
void guest_ram_free(struct guest *g);

/* Copies the kernel, the initrd and a freshly built DTB into guest RAM and
 * sets g->entry and g->dtb. Error message in err. */
int guest_load_images(struct guest *g, char *err, size_t errlen);

#endif
