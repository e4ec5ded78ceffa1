/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal read-only flattened device tree walker (picolibc has no libfdt). */
#ifndef BASIC_FDT_H
#define BASIC_FDT_H

#include <stdbool.h>
#include <stdint.h>

#define FDT_MAX_DEPTH	12
#define FDT_PATH_MAX	256

struct fdt_node {
	const char *name;		/* "pl011@9000000"; "" for the root */
	const char *path;		/* full path, valid during the visit only */
	int depth;			/* 0 for the root */
	const struct fdt_node *parent;	/* NULL for the root */
	const uint8_t *props;		/* first token after FDT_BEGIN_NODE */
};

/* Called for each node after all its children (bottom-up, in DT order). */
typedef void (*fdt_visit_fn)(const void *fdt, const struct fdt_node *node, void *ctx);

/* 0 if fdt is a well-formed v16+ blob; its total size in *size. */
int fdt_check(const void *fdt, uint32_t *size);
int fdt_walk(const void *fdt, fdt_visit_fn visit, void *ctx);

const void *fdt_prop(const void *fdt, const struct fdt_node *n, const char *name, uint32_t *len);
bool fdt_prop_is(const void *fdt, const struct fdt_node *n, const char *name, const char *str);
bool fdt_compatible(const void *fdt, const struct fdt_node *n, const char *compat);
bool fdt_enabled(const void *fdt, const struct fdt_node *n);
/* #address-cells / #size-cells that n gives its children (defaults 2 and 1). */
uint32_t fdt_addr_cells(const void *fdt, const struct fdt_node *n);
uint32_t fdt_size_cells(const void *fdt, const struct fdt_node *n);
/* An integer of ncells big-endian cells (1 or 2). */
uint64_t fdt_cells(const void *p, uint32_t ncells);
uint32_t fdt_be32(const void *p);
/* A u32 property, or def when absent or malformed. */
uint32_t fdt_u32(const void *fdt, const struct fdt_node *n, const char *name, uint32_t def);
/* Entry idx of n's reg (cells from the parent); false if absent. */
bool fdt_reg(const void *fdt, const struct fdt_node *n, int idx, uint64_t *base, uint64_t *size);

/* Tiny string helpers usable with the MMU off (no picolibc). */
bool fdt_streq(const char *a, const char *b);
uint32_t fdt_strlen(const char *s);

#endif
