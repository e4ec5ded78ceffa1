// SPDX-License-Identifier: GPL-2.0
/* Host device tree: validation and the facts the core needs, parsed once. */
#include <kestrel/hostdt.h>
#include <kestrel/errno.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>

struct host_info host = { .console_node = -1 };

static int fail(char *err, size_t len, int code, const char *fmt, ...) __printf(4, 5);
static int fail(char *err, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return code;
}

const char *hostdt_path(const void *fdt, int node, char *buf, size_t len)
{
	if (fdt_get_path(fdt, node, buf, len) < 0)
		snprintf(buf, len, "<node@%d>", node);
	return buf;
}

bool hostdt_node_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

static u64 read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;

	while (cells--)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

int hostdt_read_u64(const void *fdt, int node, const char *prop, u64 *val)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p)
		return -ENOENT;
	if (len != 4 && len != 8)
		return -EINVAL;
	*val = read_cells(p, len / 4);
	return 0;
}

int hostdt_reg(const void *fdt, int node, int idx, u64 *addr, u64 *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len;
	const fdt32_t *p;

	if (parent < 0)
		return -EINVAL;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -EINVAL;
	p = fdt_getprop(fdt, node, "reg", &len);
	if (!p)
		return -ENOENT;
	if (len < 0 || len % (4 * (ac + sc)))
		return -EINVAL;
	if (idx < 0 || idx >= len / (4 * (ac + sc)))
		return -ENOENT;
	p += idx * (ac + sc);
	*addr = read_cells(p, ac);
	*size = sc ? read_cells(p + ac, sc) : 0;
	return 0;
}

static int interrupt_parent(const void *fdt, int node)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		int len;
		const fdt32_t *ph = fdt_getprop(fdt, node, "interrupt-parent", &len);

		if (ph && len == 4)
			return fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*ph));
	}
	return -ENOENT;
}

int hostdt_irq_cells(const void *fdt, int node, int idx, u32 *cells, int max)
{
	int parent = interrupt_parent(fdt, node);
	int len, n;
	const fdt32_t *p, *nc;

	if (parent < 0)
		return -ENOENT;
	nc = fdt_getprop(fdt, parent, "#interrupt-cells", &len);
	if (!nc || len != 4)
		return -EINVAL;
	n = fdt32_to_cpu(*nc);
	if (n < 1 || n > max)
		return -EINVAL;
	p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p)
		return -ENOENT;
	if (len % (4 * n))
		return -EINVAL;
	if (idx < 0 || idx >= len / (4 * n))
		return -ENOENT;
	for (int i = 0; i < n; i++)
		cells[i] = fdt32_to_cpu(p[idx * n + i]);
	return n;
}

static int add_reserved(struct host_info *hi, u64 base, u64 size, char *err, size_t errlen)
{
	if (!size)
		return 0;
	if (hi->nr_reserved >= HOSTDT_MAX_RESERVED)
		return fail(err, errlen, -ENOSPC, "more than %d reserved memory ranges",
			    HOSTDT_MAX_RESERVED);
	hi->reserved[hi->nr_reserved].base = base;
	hi->reserved[hi->nr_reserved].size = size;
	hi->nr_reserved++;
	return 0;
}

static int parse_memory(const void *fdt, struct host_info *hi, char *err, size_t errlen)
{
	char path[96];
	int node, r;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		u64 base, size;

		if (!type || strcmp(type, "memory") || !hostdt_node_enabled(fdt, node))
			continue;
		for (int i = 0; (r = hostdt_reg(fdt, node, i, &base, &size)) == 0; i++) {
			if (!size)
				continue;
			if (hi->nr_mem >= PAGE_MAX_ZONES)
				return fail(err, errlen, -ENOSPC, "%s: more than %d memory banks",
					    hostdt_path(fdt, node, path, sizeof(path)), PAGE_MAX_ZONES);
			hi->mem[hi->nr_mem].base = base;
			hi->mem[hi->nr_mem].size = size;
			hi->nr_mem++;
		}
		if (r != -ENOENT)
			return fail(err, errlen, -EINVAL, "%s: property 'reg' is malformed",
				    hostdt_path(fdt, node, path, sizeof(path)));
	}
	if (!hi->nr_mem)
		return fail(err, errlen, -ENOENT,
			    "no memory: no node with device_type = \"memory\" and a non-empty 'reg'");

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		u64 base, size;

		if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0 &&
		    (r = add_reserved(hi, base, size, err, errlen)))
			return r;
	}
	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0) {
		int child;

		fdt_for_each_subnode(child, fdt, node) {
			u64 base, size;

			if (hostdt_reg(fdt, child, 0, &base, &size) == 0 &&
			    (r = add_reserved(hi, base, size, err, errlen)))
				return r;
		}
	}
	return 0;
}

static int parse_cpus(const void *fdt, struct host_info *hi, char *err, size_t errlen)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	char path[96];
	int node;

	if (cpus < 0)
		return fail(err, errlen, -ENOENT, "/cpus: node missing");
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const char *method;
		u64 hwid, unused;

		if (!type || strcmp(type, "cpu") || !hostdt_node_enabled(fdt, node))
			continue;
		if (hostdt_reg(fdt, node, 0, &hwid, &unused))
			return fail(err, errlen, -EINVAL, "%s: property 'reg' missing or malformed",
				    hostdt_path(fdt, node, path, sizeof(path)));
		hi->nr_cpus_dt++;
		if (hi->nr_cpus >= CONFIG_NR_CPUS)
			continue;
		method = fdt_getprop(fdt, node, "enable-method", NULL);
		hi->cpu_hwid[hi->nr_cpus] = hwid;
		hi->cpu_psci[hi->nr_cpus] = method && !strcmp(method, "psci");
		hi->nr_cpus++;
	}
	if (!hi->nr_cpus)
		return fail(err, errlen, -ENOENT, "/cpus: no cpu node (device_type = \"cpu\")");
	return 0;
}

static void parse_psci(const void *fdt, struct host_info *hi)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
	int node = -1;

	for (unsigned int i = 0; i < ARRAY_SIZE(compat) && node < 0; i++)
		node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
	if (node < 0)
		return;
	const char *method = fdt_getprop(fdt, node, "method", NULL);

	if (!method)
		return;
	hi->has_psci = true;
	strlcpy(hi->psci_method, method, sizeof(hi->psci_method));
}

static int parse_chosen(const void *fdt, struct host_info *hi, char *err, size_t errlen)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *s;
	u64 start, end;
	int rs, re;

	if (chosen < 0)
		return 0;
	s = fdt_getprop(fdt, chosen, "bootargs", NULL);
	if (s)
		strlcpy(hi->bootargs, s, sizeof(hi->bootargs));
	rs = hostdt_read_u64(fdt, chosen, "linux,initrd-start", &start);
	re = hostdt_read_u64(fdt, chosen, "linux,initrd-end", &end);
	if (rs == -EINVAL || re == -EINVAL || (rs == 0) != (re == 0))
		return fail(err, errlen, -EINVAL,
			    "/chosen: properties 'linux,initrd-start'/'linux,initrd-end' malformed");
	if (rs == 0) {
		if (end < start)
			return fail(err, errlen, -EINVAL,
				    "/chosen: 'linux,initrd-end' is below 'linux,initrd-start'");
		hi->has_initrd = true;
		hi->initrd_start = start;
		hi->initrd_end = end;
	}
	s = fdt_getprop(fdt, chosen, "stdout-path", NULL);
	if (s) {
		char path[96];
		const char *colon = strchr(s, ':');
		size_t n = colon ? (size_t)(colon - s) : strlen(s);

		if (n >= sizeof(path))
			n = sizeof(path) - 1;
		memcpy(path, s, n);
		path[n] = '\0';
		hi->console_node = fdt_path_offset(fdt, path);	/* aliases resolve too */
	}
	return 0;
}

int hostdt_parse(const void *fdt, struct host_info *hi, char *err, size_t errlen)
{
	const char *model;
	int r;

	memset(hi, 0, sizeof(*hi));
	hi->console_node = -1;
	r = fdt_check_header(fdt);
	if (r)
		return fail(err, errlen, -EINVAL, "bad header (libfdt: %s)", fdt_strerror(r));
	hi->fdt = fdt;
	hi->fdt_size = fdt_totalsize(fdt);
	r = fdt_path_offset(fdt, "/");
	if (r < 0)
		return fail(err, errlen, -EINVAL, "no root node (libfdt: %s)", fdt_strerror(r));
	model = fdt_getprop(fdt, 0, "model", NULL);
	if (!model)
		model = fdt_getprop(fdt, 0, "compatible", NULL);
	strlcpy(hi->model, model ? model : "unknown", sizeof(hi->model));

	r = parse_memory(fdt, hi, err, errlen);
	if (!r)
		r = parse_cpus(fdt, hi, err, errlen);
	if (!r)
		r = parse_chosen(fdt, hi, err, errlen);
	if (r)
		return r;
	parse_psci(fdt, hi);
	return 0;
}
