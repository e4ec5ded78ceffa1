/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest snapshots (docs/snapshot-format.md): how the arch and the device
 * emulators hand their state to a snapshot being written, and get it back
 * from one being restored. The format itself (header, table, tagged
 * fields, RAM map) is libs/snapfmt; the store and the save/restore
 * sequence are core/snapshot*.c.
 *
 * Saving: the guest is paused (every vCPU parked, hence put) and its
 * devices quiesced; each owner of state opens a section with
 * snap_out_begin, writes its fields in increasing tag order through the
 * returned writer (snap_tlv_put_*), and closes it with snap_out_end.
 *
 * Restoring: every section has passed the container and field checks of
 * snap_validate (checks 1-15: known tags have the vtype and length of the
 * tables, mandatory tags are present) before an owner sees it. The owner
 * still checks every value (check 23) before it reaches a model and
 * reports what is wrong in err, without a prefix: the caller adds
 * "snapshot <name>: section <path> (<type> v<n>): ". A failed load leaves
 * the new guest in any state: the caller destroys it.
 */
#ifndef KESTREL_SNAPSHOT_H
#define KESTREL_SNAPSHOT_H

#include <kestrel/types.h>
#include <snapfmt.h>
#include <stdarg.h>

/* --- saving: the sections of one snapshot, built in memory ---------------- */

#define SNAP_OUT_MAX_SECTIONS	64

struct snap_out {
	u8 *buf;			/* the metadata area: sections from offset 0 */
	size_t cap, len;
	u64 base;			/* file offset of buf[0] (SNAP_SECTIONS_START) */
	unsigned int count;
	struct snap_toc_entry toc[SNAP_OUT_MAX_SECTIONS];
	struct snap_tlv_writer w;	/* the open section's */
	bool open;
	int error;			/* first error, sticky: -SNAP_ERR_* */
};

/* An empty set of sections over buf (cap bytes), the first at file offset base. */
void snap_out_init(struct snap_out *o, void *buf, size_t cap, u64 base);
/* Opens section (type, name), mandatory or not (SNAP_SEC_MANDATORY or 0),
 * version `version`; returns the writer for its fields. On an earlier error
 * the writer discards what it is given. */
struct snap_tlv_writer *snap_out_begin(struct snap_out *o, u16 type, u16 version, u16 flags,
				       const char *name);
/* Closes the open section: its length and CRC32C go into its table entry. */
void snap_out_end(struct snap_out *o);
/* 0, or the first error (-SNAP_ERR_OVERFLOW: cap too small, -SNAP_ERR_INVAL). */
int snap_out_error(const struct snap_out *o);

/* --- restoring: the sections of a validated snapshot ---------------------- */

struct snap_section {
	u16 type, version, flags;
	const char *name;		/* NUL-terminated, valid (check 10) */
	const void *payload;
	size_t len;
};

/* The sections of the snapshot being restored. */
struct snap_in {
	const struct snap_section *sec;
	unsigned int count;
};

/* The section of that type and name, or NULL. */
const struct snap_section *snap_in_find(const struct snap_in *in, u16 type, const char *name);

/*
 * Field accessors for loaders. Each returns true and sets *v when the
 * field is present, false when it is absent (an O field: the caller uses
 * the table's default). The vtype and length were checked by the validator.
 */
bool snap_get_u32(const struct snap_section *s, u16 tag, u32 *v);
bool snap_get_u64(const struct snap_section *s, u16 tag, u64 *v);
/* bytes: *data points into the payload, *len its length. */
bool snap_get_bytes(const struct snap_section *s, u16 tag, const u8 **data, size_t *len);
/* array: *f describes it; read elements with snap_field_elem(). */
bool snap_get_array(const struct snap_section *s, u16 tag, struct snap_field *f);

/*
 * A loader's refusal: writes "tag 0x0002 (cr): <what>" into err, the tag
 * named from the format's tables for section type `type`; returns -EINVAL.
 * snap_missing writes "tag 0x0004 (pc) missing".
 */
int snap_refuse(char *err, size_t errlen, u16 type, u16 tag, const char *fmt, ...)
	__printf(5, 6);
int snap_vrefuse(char *err, size_t errlen, u16 type, u16 tag, const char *fmt, va_list ap);
int snap_missing(char *err, size_t errlen, u16 type, u16 tag);

/* --- the operations (core/snapshot_*.c; the terminal's `snapshot`) ------- */

struct guest;

/* What a saved guest does afterwards: run on as before (a paused one stays
 * paused), or stop. */
enum snap_after { SNAP_AFTER_RESUME, SNAP_AFTER_STOP };

/* Each prints its progress and a summary line with printk and returns 0,
 * or a negative error with "snapshot <name>: <what was wrong>" in err.
 * Thread context; one at a time (the terminal's thread). */
int snapshot_save(struct guest *g, const char *name, enum snap_after after, char *err,
		  size_t errlen);
/* Creates guest `as` (NULL: the saved guest's name) from the snapshot. */
int snapshot_restore(const char *name, const char *as, char *err, size_t errlen);
int snapshot_verify(const char *name, char *err, size_t errlen);
int snapshot_delete(const char *name, char *err, size_t errlen);
int snapshot_list(char *err, size_t errlen);

#endif
