// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring a guest from a snapshot ("Reading and validation" of
 * docs/snapshot-format.md) and verifying one without restoring it. The
 * guest is created from the stored configuration, stopped; its RAM, the
 * arch state and every device are loaded and checked; only then does it
 * run. Any failure destroys what was built, so no half-restored guest is
 * ever left behind.
 */
#define LOG_PREFIX "snapshot"
#include <arch_guest.h>
#include <arch_timer.h>
#include <kestrel/console.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include <kestrel/timer.h>
#include <printf.h>
#include <string.h>
#include "snapshot_read.h"

/* Check 18: the machine section against the configuration. */
static int check_machine(struct snap_read *r, const struct guest_config *cfg)
{
	u32 vcpus = 0;
	u64 base = 0, size = 0, freq = 0;

	snap_get_u32(r->machine, SNAP_MACHINE_VCPUS, &vcpus);
	snap_get_u64(r->machine, SNAP_MACHINE_RAM_BASE, &base);
	snap_get_u64(r->machine, SNAP_MACHINE_RAM_SIZE, &size);
	snap_get_u64(r->machine, SNAP_MACHINE_COUNTER_FREQ, &freq);
	if (vcpus != cfg->vcpus || base != cfg->ram_base || size != cfg->ram_size)
		return snap_read_fail(r, -EINVAL,
				      "the machine section (%u vCPUs, 0x%llx bytes of RAM at 0x%llx) does not match its own configuration (%u, 0x%llx at 0x%llx)",
				      vcpus, (unsigned long long)size, (unsigned long long)base,
				      cfg->vcpus, (unsigned long long)cfg->ram_size,
				      (unsigned long long)cfg->ram_base);
	if (freq != arch_counter_freq())					/* 20 */
		return snap_read_fail(r, -EINVAL,
				      "the snapshot's counter runs at %llu Hz, this host's at %llu Hz",
				      (unsigned long long)freq,
				      (unsigned long long)arch_counter_freq());
	if (r->chunk_size > SNAP_CHUNK_SIZE || SNAP_CHUNK_SIZE % r->chunk_size)
		return snap_read_fail(r, -ENOSYS,
				      "RAM chunks of 0x%x bytes: this build reads chunks of at most 2 MiB",
				      r->chunk_size);
	return 0;
}

static const struct guest_device *device_named(struct guest *g, const char *path)
{
	if (strncmp(path, "/devices/", 9))
		return NULL;
	for (unsigned int i = 0; i < g->nr_devs; i++)
		if (!strcmp(g->devs[i].cfg->name, path + 9))
			return &g->devs[i];
	return NULL;
}

static const char *type_name(u16 type)
{
	const char *n = snap_section_type_name(type);

	return n ? n : "unknown";
}

/* Check 19: every object of the configuration has its section, and every
 * mandatory section names an object. */
static int check_objects(struct snap_read *r, struct guest *g)
{
	char path[GUEST_NAME_MAX + 16];

	for (unsigned int i = 0; i < g->nr_devs; i++) {
		const struct guest_device *d = &g->devs[i];
		u16 want = d->emu->snap_type ? d->emu->snap_type(d->priv) : 0;
		const struct snap_section *s = NULL;

		snprintf(path, sizeof(path), "/devices/%s", d->cfg->name);
		for (unsigned int j = 0; j < r->in.count && !s; j++)
			if (!strcmp(r->in.sec[j].name, path) && r->in.sec[j].type >= 0x1000)
				s = &r->in.sec[j];
		if (!want || !d->emu->snap_load)
			return snap_read_fail(r, -ENOSYS, "devices/%s: the %s emulator cannot load state",
					      d->cfg->name, d->emu->name);
		if (!s)
			return snap_read_fail(r, -EINVAL,
					      "no section for %s (%s): the snapshot does not match its own configuration",
					      path, type_name(want));
		if (s->type != want)
			return snap_read_fail(r, -EINVAL,
					      "section %s holds %s state, but the configuration makes it a %s",
					      path, type_name(s->type), type_name(want));
	}
	for (unsigned int j = 0; j < r->in.count; j++) {
		const struct snap_section *s = &r->in.sec[j];

		if (s->type == SNAP_SEC_CONFIG || s->type == SNAP_SEC_MACHINE ||
		    s->type == SNAP_SEC_RAM || s->type == SNAP_SEC_HOST)
			continue;
		if (device_named(g, s->name) || arch_snap_owns(g, s->type, s->name))
			continue;
		if (s->flags & SNAP_SEC_MANDATORY)
			return snap_read_fail(r, -EINVAL,
					      "section %s (%s) names nothing in the configuration",
					      s->name, type_name(s->type));
	}
	return 0;
}

static int load_ram(struct snap_read *r, struct guest *g)
{
	struct snap_progress prog;
	u64 chunks = r->ram_size / r->chunk_size;

	snap_progress_start(&prog, r->ram_size);
	for (u64 c = 0; c < chunks; c++) {
		u8 *dst = guest_ram_hva(g, r->ram_base + c * r->chunk_size, r->chunk_size);
		int ret;

		if (!dst)
			return snap_read_fail(r, -EFAULT, "RAM chunk %llu is not the guest's RAM",
					      (unsigned long long)c);
		ret = snap_read_chunk(r, c, dst);
		if (ret)
			return ret;
		snap_progress_add(&prog, r->chunk_size);
	}
	return 0;
}

static int load_devices(struct snap_read *r, struct guest *g)
{
	char path[GUEST_NAME_MAX + 16], why[SNAP_ERR_MAX];

	for (unsigned int i = 0; i < g->nr_devs; i++) {
		const struct guest_device *d = &g->devs[i];
		const struct snap_section *s;

		snprintf(path, sizeof(path), "/devices/%s", d->cfg->name);
		s = snap_in_find(&r->in, d->emu->snap_type(d->priv), path);
		why[0] = '\0';
		if (d->emu->snap_load(d->priv, s, why, sizeof(why)))
			return snap_read_fail(r, -EINVAL, "section %s (%s v%u): %s", path,
					      type_name(s->type), s->version, why);
	}
	return 0;
}

/* Everything after the guest exists; on failure the caller destroys it. */
static int load_guest(struct snap_read *r, struct guest *g)
{
	char why[SNAP_ERR_MAX];
	u64 vcounter = 0, boots = 0;
	u32 run_state = 1;
	int ret;

	ret = check_machine(r, &g->cfg);
	if (!ret)
		ret = check_objects(r, g);
	if (!ret)
		ret = load_ram(r, g);
	if (ret)
		return ret;
	why[0] = '\0';
	if (arch_snap_load(g, &r->in, why, sizeof(why)))
		return snap_read_fail(r, -EINVAL, "%s", why);
	ret = load_devices(r, g);
	if (ret)
		return ret;
	snap_get_u64(r->machine, SNAP_MACHINE_VCOUNTER, &vcounter);
	snap_get_u32(r->machine, SNAP_MACHINE_RUN_STATE, &run_state);
	if (snap_get_u64(r->machine, SNAP_MACHINE_BOOTS, &boots))
		g->boots = boots;
	if (run_state != 1 && run_state != 2)
		return snap_read_fail(r, -EINVAL, "section / (machine v1): run-state %u is not 1 or 2",
				      run_state);
	ret = guest_restored(g, vcounter, run_state == 1, why, sizeof(why));
	return ret ? snap_read_fail(r, ret, "%s", why) : 0;
}

int snapshot_restore(const char *name, const char *as, char *err, size_t errlen)
{
	struct snap_read r = { .name = name, .err = err, .errlen = errlen };
	char gname[GUEST_NAME_MAX], why[SNAP_ERR_MAX];
	const u8 *saved_name;
	size_t len;
	u64 t0 = time_now_ns();
	struct guest *g = NULL;
	int ret;

	ret = snap_read_open(&r);
	if (ret)
		goto out;
	snap_get_bytes(r.machine, SNAP_MACHINE_NAME, &saved_name, &len);
	snprintf(gname, sizeof(gname), "%.*s", (int)len, (const char *)saved_name);
	if (as)
		strlcpy(gname, as, sizeof(gname));
	if (guest_find(gname)) {
		ret = snap_read_fail(&r, -EEXIST,
				     "a guest named %s exists: destroy it, or restore as another name",
				     gname);
		goto out;
	}
	/* The guest keeps a copy of its configuration. */
	ret = guest_create_named(r.dtb, 0, gname, &g, why, sizeof(why));
	if (ret) {
		snap_read_fail(&r, ret, "configuration: %s", why);
		g = NULL;
		goto out;
	}
	printk("snapshot %s: restoring %s (%llu MiB of RAM) from %s\n", name, gname,
	       (unsigned long long)(g->cfg.ram_size >> 20), r.st.bd->name);
	ret = load_guest(&r, g);
	if (ret) {
		guest_destroy(g, why, sizeof(why));
	} else {
		char read[24], secs[24];

		snap_fmt_mib(read, sizeof(read), r.pages_read * PAGE_SIZE);
		snap_fmt_secs(secs, sizeof(secs), time_now_ns() - t0);
		printk("snapshot %s: restored %s: %s of RAM read, %llu of %llu pages zero, %s; %s\n",
		       name, gname, read,
		       (unsigned long long)(r.ram_size / PAGE_SIZE - r.pages_read),
		       (unsigned long long)(r.ram_size / PAGE_SIZE), secs,
		       guest_state_name(g->state));
	}
out:
	if (ret && errlen)
		log_err("%s", err);
	snap_read_close(&r);
	return ret;
}

int snapshot_verify(const char *name, char *err, size_t errlen)
{
	struct snap_read r = { .name = name, .err = err, .errlen = errlen };
	u8 *buf = NULL;
	u64 chunks;
	int ret;

	ret = snap_read_open(&r);
	if (ret)
		goto out;
	buf = kmalloc(r.chunk_size);
	if (!buf) {
		ret = snap_read_fail(&r, -ENOMEM, "out of memory");
		goto out;
	}
	chunks = r.ram_size / r.chunk_size;
	for (u64 c = 0; c < chunks && !ret; c++)
		ret = snap_read_chunk(&r, c, buf);
	if (!ret)
		printk("snapshot %s: ok: %u sections, %llu present pages, every checksum matches (header, table, sections, %llu RAM chunks)\n",
		       name, r.info.sections, (unsigned long long)r.pages_read,
		       (unsigned long long)chunks);
out:
	kfree(buf);
	snap_read_close(&r);
	return ret;
}
