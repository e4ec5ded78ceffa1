// SPDX-License-Identifier: GPL-2.0
/* Reading and validating a /guests/<name> node (schema: docs/guest-config.md). */
#include <kestrel/guest_config.h>
#include <kestrel/errno.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>

#define GUEST_IPA_LIMIT		(1ULL << 40)	/* 40-bit guest physical space */
#define VGIC_RESERVED_BASE	0x08000000ULL	/* GIC distributor + redistributors */
#define VGIC_RESERVED_SIZE	0x01000000ULL
#define MAX_SPI			988

struct parse {
	const void *fdt;
	struct guest_config *cfg;
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *prop, const char *fmt, ...) __printf(3, 4);
static int fail(struct parse *p, const char *prop, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "guest %s: %s: ", p->cfg->name, prop);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A u32 property; -ENOENT when absent. */
static int read_u32(struct parse *p, int node, const char *path, const char *prop, u32 *v)
{
	int len;
	const fdt32_t *val = fdt_getprop(p->fdt, node, prop, &len);

	if (!val)
		return -ENOENT;
	if (len != 4)
		return fail(p, path, "must be one 32-bit cell, not %d bytes", len);
	*v = fdt32_to_cpu(*val);
	return 0;
}

/* A 1- or 2-cell number; -ENOENT when absent. */
static int read_u64(struct parse *p, int node, const char *path, const char *prop, u64 *v)
{
	int len;
	const fdt32_t *val = fdt_getprop(p->fdt, node, prop, &len);

	if (!val)
		return -ENOENT;
	if (len == 4)
		*v = fdt32_to_cpu(val[0]);
	else if (len == 8)
		*v = ((u64)fdt32_to_cpu(val[0]) << 32) | fdt32_to_cpu(val[1]);
	else
		return fail(p, path, "must be one or two 32-bit cells, not %d bytes", len);
	return 0;
}

/* A string property copied into buf; -ENOENT when absent. */
static int read_string(struct parse *p, int node, const char *path, const char *prop,
		       char *buf, size_t size)
{
	int len;
	const char *s = fdt_getprop(p->fdt, node, prop, &len);

	if (!s)
		return -ENOENT;
	if (len < 1 || s[len - 1] != '\0' || strlen(s) != (size_t)len - 1)
		return fail(p, path, "must be a single string");
	if ((size_t)len > size)
		return fail(p, path, "longer than %zu characters", size - 1);
	memcpy(buf, s, len);
	return 0;
}

static bool name_ok(const char *name)
{
	if (!name[0])
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_'))
			return false;
	return true;
}

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static int check_props(struct parse *p, int node, const char *where,
		       const char *const *allowed)
{
	int prop;

	fdt_for_each_property_offset(prop, p->fdt, node) {
		const char *name;
		bool ok = false;

		fdt_getprop_by_offset(p->fdt, prop, &name, NULL);
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(*a, name);
		if (!ok)
			return fail(p, where, "unknown property '%s'", name);
	}
	return 0;
}

static int parse_cpus(struct parse *p, int node, const struct guest_config_env *env)
{
	struct guest_config *cfg = p->cfg;
	const fdt32_t *aff;
	u32 v;
	int r, len;

	r = read_u32(p, node, "vcpus", "vcpus", &v);
	if (r == -ENOENT)
		return fail(p, "vcpus", "missing (how many virtual CPUs, 1 to %d)",
			    GUEST_MAX_VCPUS);
	if (r)
		return r;
	if (v < 1 || v > GUEST_MAX_VCPUS)
		return fail(p, "vcpus", "%u is out of range (1 to %d)", v, GUEST_MAX_VCPUS);
	cfg->vcpus = v;

	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++)
		cfg->affinity[i] = -1;
	aff = fdt_getprop(p->fdt, node, "affinity", &len);
	if (aff) {
		if (len != (int)(4 * cfg->vcpus))
			return fail(p, "affinity", "has %d entries, expected one host CPU per vCPU (%u)",
				    len / 4, cfg->vcpus);
		for (unsigned int i = 0; i < cfg->vcpus; i++) {
			u32 cpu = fdt32_to_cpu(aff[i]);

			if (env && env->host_cpus && cpu >= env->host_cpus)
				return fail(p, "affinity", "vCPU %u: host CPU %u does not exist "
					    "(the host has %u)", i, cpu, env->host_cpus);
			cfg->affinity[i] = cpu;
		}
	}

	cfg->priority = GUEST_DEFAULT_PRIORITY;
	r = read_u32(p, node, "priority", "priority", &v);
	if (r == 0 && v > GUEST_MAX_PRIORITY)
		return fail(p, "priority", "%u is out of range (0 to %d)", v, GUEST_MAX_PRIORITY);
	if (r == 0)
		cfg->priority = v;
	return r == -ENOENT ? 0 : r;
}

static int parse_memory(struct parse *p, int node, const struct guest_config_env *env)
{
	static const char *const allowed[] = { "base", "size", NULL };
	struct guest_config *cfg = p->cfg;
	int mem = fdt_subnode_offset(p->fdt, node, "memory");
	int r;

	if (mem < 0)
		return fail(p, "memory", "node missing (memory { size = <...>; };)");
	r = check_props(p, mem, "memory", allowed);
	if (r)
		return r;
	r = read_u64(p, mem, "memory/size", "size", &cfg->ram_size);
	if (r == -ENOENT)
		return fail(p, "memory/size", "missing");
	if (r)
		return r;
	cfg->ram_base = GUEST_DEFAULT_RAM_BASE;
	r = read_u64(p, mem, "memory/base", "base", &cfg->ram_base);
	if (r && r != -ENOENT)
		return r;
	if (!cfg->ram_size || !IS_ALIGNED(cfg->ram_size, GUEST_RAM_ALIGN))
		return fail(p, "memory/size", "0x%llx is not a non-zero multiple of 2 MiB",
			    (unsigned long long)cfg->ram_size);
	if (!IS_ALIGNED(cfg->ram_base, GUEST_RAM_ALIGN))
		return fail(p, "memory/base", "0x%llx is not 2 MiB aligned",
			    (unsigned long long)cfg->ram_base);
	if (cfg->ram_base >= GUEST_IPA_LIMIT || cfg->ram_size > GUEST_IPA_LIMIT - cfg->ram_base)
		return fail(p, "memory", "0x%llx+0x%llx ends beyond the 40-bit guest address space",
			    (unsigned long long)cfg->ram_base, (unsigned long long)cfg->ram_size);
	if (overlaps(cfg->ram_base, cfg->ram_size, VGIC_RESERVED_BASE, VGIC_RESERVED_SIZE))
		return fail(p, "memory", "overlaps the interrupt controller at 0x%llx-0x%llx",
			    VGIC_RESERVED_BASE, VGIC_RESERVED_BASE + VGIC_RESERVED_SIZE);
	if (env && env->host_ram_free && cfg->ram_size > env->host_ram_free)
		return fail(p, "memory/size", "%llu MiB is more than the host has free (%llu MiB)",
			    (unsigned long long)(cfg->ram_size >> 20),
			    (unsigned long long)(env->host_ram_free >> 20));
	return 0;
}

static int parse_boot(struct parse *p, int node, const struct guest_config_env *env)
{
	static const char *const allowed[] = { "kernel", "initrd", "bootargs", NULL };
	struct guest_config *cfg = p->cfg;
	int boot = fdt_subnode_offset(p->fdt, node, "boot");
	int r;

	if (boot < 0)
		return fail(p, "boot", "node missing (boot { kernel = \"<payload file>\"; };)");
	r = check_props(p, boot, "boot", allowed);
	if (r)
		return r;
	r = read_string(p, boot, "boot/kernel", "kernel", cfg->kernel, sizeof(cfg->kernel));
	if (r == -ENOENT)
		return fail(p, "boot/kernel", "missing");
	if (r)
		return r;
	if (env && env->file_exists && !env->file_exists(cfg->kernel))
		return fail(p, "boot/kernel", "'%s' is not in the payload", cfg->kernel);
	r = read_string(p, boot, "boot/initrd", "initrd", cfg->initrd, sizeof(cfg->initrd));
	if (r && r != -ENOENT)
		return r;
	if (!r && env && env->file_exists && !env->file_exists(cfg->initrd))
		return fail(p, "boot/initrd", "'%s' is not in the payload", cfg->initrd);
	r = read_string(p, boot, "boot/bootargs", "bootargs", cfg->bootargs,
			sizeof(cfg->bootargs));
	return r == -ENOENT ? 0 : r;
}

static int parse_device(struct parse *p, int devs, int node, const struct guest_config_env *env)
{
	struct guest_config *cfg = p->cfg;
	struct guest_device_config *d = &cfg->devices[cfg->nr_devices];
	const char *name = fdt_get_name(p->fdt, node, NULL);
	char path[GUEST_NAME_MAX + 16];
	const fdt32_t *reg;
	int len, ac, sc;
	u32 irq;
	int r;

	memset(d, 0, sizeof(*d));
	snprintf(path, sizeof(path), "devices/%s", name);
	if (strlen(name) >= sizeof(d->name) || !name_ok(name))
		return fail(p, path, "node name must be 1 to %d characters of a-z, 0-9, '-', '_'",
			    GUEST_NAME_MAX - 1);
	strlcpy(d->name, name, sizeof(d->name));
	d->node = node;
	d->compatible = fdt_getprop(p->fdt, node, "compatible", &len);
	if (!d->compatible || len < 2)
		return fail(p, path, "property 'compatible' missing");
	if (env && env->device_known && !env->device_known(d->compatible))
		return fail(p, path, "no emulator for compatible \"%s\" in this build",
			    d->compatible);
	if (env && env->device_check) {
		char why[160] = "";

		if (env->device_check(d->compatible, p->fdt, node, why, sizeof(why)))
			return fail(p, path, "%s", why);
	}

	/* Unlike plain DT (2 and 1), both default to 2 here: guest
	 * addresses and sizes are 64-bit (docs/guest-config.md). */
	ac = fdt_getprop(p->fdt, devs, "#address-cells", NULL) ? fdt_address_cells(p->fdt, devs) : 2;
	sc = fdt_getprop(p->fdt, devs, "#size-cells", NULL) ? fdt_size_cells(p->fdt, devs) : 2;
	reg = fdt_getprop(p->fdt, node, "reg", &len);
	if (reg) {
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len != 4 * (ac + sc))
			return fail(p, path, "'reg' must be one (address, size) pair of %d+%d cells",
				    ac, sc);
		d->base = fdt32_to_cpu(reg[0]);
		if (ac == 2)
			d->base = (d->base << 32) | fdt32_to_cpu(reg[1]);
		d->size = fdt32_to_cpu(reg[ac]);
		if (sc == 2)
			d->size = (d->size << 32) | fdt32_to_cpu(reg[ac + 1]);
		if (!d->size || d->base >= GUEST_IPA_LIMIT || d->size > GUEST_IPA_LIMIT - d->base)
			return fail(p, path, "'reg' 0x%llx+0x%llx is empty or outside the guest "
				    "address space", (unsigned long long)d->base,
				    (unsigned long long)d->size);
		d->has_reg = true;
	}
	r = read_u32(p, node, path, "interrupts", &irq);
	if (r == 0) {
		if (irq >= MAX_SPI)
			return fail(p, path, "'interrupts' SPI %u is out of range (0 to %d)", irq,
				    MAX_SPI - 1);
		d->irq = irq;
		d->has_irq = true;
	} else if (r != -ENOENT) {
		return r;
	}
	return 0;
}

static int check_device_conflicts(struct parse *p)
{
	struct guest_config *cfg = p->cfg;

	for (unsigned int i = 0; i < cfg->nr_devices; i++) {
		const struct guest_device_config *a = &cfg->devices[i];
		char path[GUEST_NAME_MAX + 16];

		snprintf(path, sizeof(path), "devices/%s", a->name);
		if (a->has_reg && overlaps(a->base, a->size, cfg->ram_base, cfg->ram_size))
			return fail(p, path, "'reg' overlaps the guest's memory");
		if (a->has_reg && overlaps(a->base, a->size, VGIC_RESERVED_BASE, VGIC_RESERVED_SIZE))
			return fail(p, path, "'reg' overlaps the interrupt controller at 0x%llx",
				    VGIC_RESERVED_BASE);
		for (unsigned int j = 0; j < i; j++) {
			const struct guest_device_config *b = &cfg->devices[j];

			if (a->has_reg && b->has_reg && overlaps(a->base, a->size, b->base, b->size))
				return fail(p, path, "'reg' overlaps devices/%s", b->name);
			if (a->has_irq && b->has_irq && a->irq == b->irq)
				return fail(p, path, "'interrupts' SPI %u is also used by devices/%s",
					    a->irq, b->name);
		}
	}
	return 0;
}

static int parse_devices(struct parse *p, int node, const struct guest_config_env *env)
{
	int devs = fdt_subnode_offset(p->fdt, node, "devices");
	int child, r;

	if (devs < 0)
		return 0;
	fdt_for_each_subnode(child, p->fdt, devs) {
		if (p->cfg->nr_devices == GUEST_MAX_DEVICES)
			return fail(p, "devices", "more than %d devices", GUEST_MAX_DEVICES);
		r = parse_device(p, devs, child, env);
		if (r)
			return r;
		p->cfg->nr_devices++;
	}
	return check_device_conflicts(p);
}

int guest_config_parse(const void *fdt, int node, const struct guest_config_env *env,
		       struct guest_config *cfg, char *err, size_t errlen)
{
	static const char *const allowed[] = {
		"compatible", "vcpus", "affinity", "priority", "autostart", "phandle", NULL
	};
	struct parse p = { fdt, cfg, err, errlen };
	const char *name = env && env->name ? env->name : fdt_get_name(fdt, node, NULL);
	int r;

	memset(cfg, 0, sizeof(*cfg));
	strlcpy(cfg->name, name ? name : "?", sizeof(cfg->name));
	if (!name || strlen(name) >= sizeof(cfg->name) || !name_ok(name))
		return fail(&p, "name", "must be 1 to %d characters of a-z, 0-9, '-', '_'",
			    GUEST_NAME_MAX - 1);
	if (fdt_node_check_compatible(fdt, node, "kestrel,guest"))
		return fail(&p, "compatible", "must be \"kestrel,guest\"");
	r = check_props(&p, node, "node", allowed);
	if (!r)
		r = parse_cpus(&p, node, env);
	if (!r)
		r = parse_memory(&p, node, env);
	if (!r)
		r = parse_boot(&p, node, env);
	if (!r)
		r = parse_devices(&p, node, env);
	if (r)
		return r;
	cfg->autostart = fdt_getprop(fdt, node, "autostart", NULL) != NULL;
	return 0;
}

const struct guest_device_config *guest_config_device(const struct guest_config *cfg,
						      const char *name)
{
	for (unsigned int i = 0; i < cfg->nr_devices; i++)
		if (!strcmp(cfg->devices[i].name, name))
			return &cfg->devices[i];
	return NULL;
}
