/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the validator's files (snapfmt_read.c, snapfmt_read_ram.c) only. */
#ifndef SNAPFMT_PRIV_H
#define SNAPFMT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <snapfmt.h>

/* One validation: the file, the caller's options and outputs, and what the
 * checks so far established. */
struct vctx {
	const uint8_t *p;
	size_t len;
	const struct snap_validate_opts *o;
	struct snap_info *info;
	char *msg;
	size_t msg_size;
	struct snap_header h;
	const uint8_t *toc;
	uint32_t n;		/* entries */
};

/* "/devices/uart0 (pl011 v1)"; without the version: "/devices/uart0 (pl011)".
 * Only for entries whose name passed check 10. */
struct label {
	char s[SNAP_NAME_SIZE + 40];
};

/* Writes "snapshot <name>: " and the message; returns -err. */
__attribute__((format(printf, 3, 4)))
int snapv_fail(struct vctx *c, int err, const char *fmt, ...);
/* A "skipping optional ..." message to the caller's notice callback. */
__attribute__((format(printf, 2, 3)))
void snapv_notice(struct vctx *c, const char *fmt, ...);
/* Table entry i, raw and decoded. */
const uint8_t *snapv_entry_at(const struct vctx *c, uint32_t i);
void snapv_entry(const struct vctx *c, uint32_t i, struct snap_toc_entry *e);
const char *snapv_label(const struct snap_toc_entry *e, bool version, struct label *l);

/* What a reader does with a section: read it, skip it, or refuse (check 12). */
enum { SEC_READ, SEC_SKIP, SEC_REFUSE };
int snapv_classify(const struct vctx *c, const struct snap_toc_entry *e,
		   const struct snap_type_spec **tsp);

/* Checks 21 and 22 (snapfmt_read_ram.c). */
int snapv_check_rams(struct vctx *c);
int snapv_check_chunks(struct vctx *c);

static inline bool snapv_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

static inline bool snapv_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

#endif
