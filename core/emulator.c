// SPDX-License-Identifier: GPL-2.0
/* Looking up the self-registered guest device emulators (EMULATOR()). */
#include <kestrel/emulator.h>
#include <string.h>

/* Bounds of the "kestrel_emulators" section: the linker script on the
 * hypervisor, the linker's own __start_/__stop_ symbols on the host. */
extern const struct emulator __start_kestrel_emulators[], __stop_kestrel_emulators[];

static bool emulator_lists(const struct emulator *e, const char *compatible)
{
	for (const char *const *c = e->compatible; *c; c++)
		if (!strcmp(*c, compatible))
			return true;
	return false;
}

const struct emulator *emulator_find(const char *compatible)
{
	if (!compatible)
		return NULL;
	for (const struct emulator *e = __start_kestrel_emulators; e < __stop_kestrel_emulators;
	     e++)
		if (emulator_lists(e, compatible))
			return e;
	return NULL;
}

void emulator_for_each(void (*fn)(const struct emulator *e, void *ctx), void *ctx)
{
	for (const struct emulator *e = __start_kestrel_emulators; e < __stop_kestrel_emulators;
	     e++)
		fn(e, ctx);
}
