// SPDX-License-Identifier: GPL-2.0
/* A minimal read-only flattened device tree walker (picolibc has no libfdt). */
#include "fdt.h"

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

struct fdt_header {
	uint32_t magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap;
	uint32_t version, last_comp_version, boot_cpuid_phys;
	uint32_t size_dt_strings, size_dt_struct;
};

#define HDR(fdt, field) fdt_be32((const uint8_t *)(fdt) + \
	__builtin_offsetof(struct fdt_header, field))
#define ALIGN4(x) (((x) + 3) & ~3U)

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_cells(const void *p, uint32_t ncells)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < ncells; i++)
		v = v << 32 | fdt_be32((const uint8_t *)p + 4 * i);
	return v;
}

bool fdt_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

uint32_t fdt_strlen(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

int fdt_check(const void *fdt, uint32_t *size)
{
	if (!fdt || ((uintptr_t)fdt & 7) || HDR(fdt, magic) != FDT_MAGIC)
		return -1;
	if (HDR(fdt, version) < 16 || HDR(fdt, last_comp_version) > 17)
		return -1;
	uint32_t total = HDR(fdt, totalsize);
	if (HDR(fdt, off_dt_struct) + HDR(fdt, size_dt_struct) > total ||
	    HDR(fdt, off_dt_strings) + HDR(fdt, size_dt_strings) > total)
		return -1;
	*size = total;
	return 0;
}

int fdt_walk(const void *fdt, fdt_visit_fn visit, void *ctx)
{
	const uint8_t *p = (const uint8_t *)fdt + HDR(fdt, off_dt_struct);
	const uint8_t *end = p + HDR(fdt, size_dt_struct);
	struct fdt_node stack[FDT_MAX_DEPTH];
	uint32_t path_len[FDT_MAX_DEPTH];
	char path[FDT_PATH_MAX];
	int depth = -1;

	while (p + 4 <= end) {
		uint32_t tok = fdt_be32(p);

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			const char *name = (const char *)p;
			uint32_t len = fdt_strlen(name);

			p += ALIGN4(len + 1);
			if (++depth >= FDT_MAX_DEPTH)
				return -1;
			/* Path: "/" for the root, parent path + "/" + name below. */
			uint32_t at = depth ? path_len[depth - 1] : 0;
			if (depth > 1)
				path[at++] = '/';
			if (at + len + 2 > FDT_PATH_MAX)
				return -1;
			if (depth == 0)
				path[at++] = '/';
			for (uint32_t i = 0; i < len; i++)
				path[at++] = name[i];
			path[at] = 0;
			path_len[depth] = at;
			stack[depth] = (struct fdt_node){
				.name = name, .path = path, .depth = depth,
				.parent = depth ? &stack[depth - 1] : 0, .props = p,
			};
			break;
		}
		case FDT_END_NODE:
			if (depth < 0)
				return -1;
			path[path_len[depth]] = 0;
			visit(fdt, &stack[depth], ctx);
			depth--;
			if (depth >= 0)
				path[path_len[depth]] = 0;
			break;
		case FDT_PROP:
			if (p + 8 > end)
				return -1;
			p += 8 + ALIGN4(fdt_be32(p));
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == -1 ? 0 : -1;
		default:
			return -1;
		}
	}
	return -1;
}

const void *fdt_prop(const void *fdt, const struct fdt_node *n, const char *name, uint32_t *len)
{
	const char *strings = (const char *)fdt + HDR(fdt, off_dt_strings);
	uint32_t strings_size = HDR(fdt, size_dt_strings);
	const uint8_t *p = n->props;

	for (;;) {
		uint32_t tok = fdt_be32(p);

		if (tok == FDT_NOP) {
			p += 4;
			continue;
		}
		if (tok != FDT_PROP)
			return 0;
		uint32_t plen = fdt_be32(p + 4), nameoff = fdt_be32(p + 8);
		if (nameoff < strings_size && fdt_streq(strings + nameoff, name)) {
			if (len)
				*len = plen;
			return p + 12;
		}
		p += 12 + ALIGN4(plen);
	}
}

bool fdt_prop_is(const void *fdt, const struct fdt_node *n, const char *name, const char *str)
{
	uint32_t len;
	const char *v = fdt_prop(fdt, n, name, &len);

	return v && len == fdt_strlen(str) + 1 && fdt_streq(v, str);
}

bool fdt_compatible(const void *fdt, const struct fdt_node *n, const char *compat)
{
	uint32_t len;
	const char *v = fdt_prop(fdt, n, "compatible", &len);

	/* A stringlist: "a\0b\0". */
	for (uint32_t off = 0; v && off < len; off += fdt_strlen(v + off) + 1)
		if (fdt_streq(v + off, compat))
			return true;
	return false;
}

bool fdt_enabled(const void *fdt, const struct fdt_node *n)
{
	uint32_t len;

	if (!fdt_prop(fdt, n, "status", &len))
		return true;
	return fdt_prop_is(fdt, n, "status", "okay") || fdt_prop_is(fdt, n, "status", "ok");
}

uint32_t fdt_u32(const void *fdt, const struct fdt_node *n, const char *name, uint32_t def)
{
	uint32_t len;
	const void *v = fdt_prop(fdt, n, name, &len);

	return v && len == 4 ? fdt_be32(v) : def;
}

uint32_t fdt_addr_cells(const void *fdt, const struct fdt_node *n)
{
	return fdt_u32(fdt, n, "#address-cells", 2);
}

uint32_t fdt_size_cells(const void *fdt, const struct fdt_node *n)
{
	return fdt_u32(fdt, n, "#size-cells", 1);
}

bool fdt_reg(const void *fdt, const struct fdt_node *n, int idx, uint64_t *base, uint64_t *size)
{
	uint32_t len;
	const uint8_t *v = fdt_prop(fdt, n, "reg", &len);

	if (!v || !n->parent)
		return false;
	uint32_t ac = fdt_addr_cells(fdt, n->parent), sc = fdt_size_cells(fdt, n->parent);
	uint32_t entry = 4 * (ac + sc);
	if (ac < 1 || ac > 2 || sc > 2 || (uint32_t)(idx + 1) * entry > len)
		return false;
	*base = fdt_cells(v + idx * entry, ac);
	*size = sc ? fdt_cells(v + idx * entry + 4 * ac, sc) : 0;
	return true;
}
