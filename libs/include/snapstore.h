/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot store codec (docs/snapshot-format.md, "Store layout"): the
 * superblock and directory of one metadata copy, the choice between the
 * A and B copies, and the allocation of units to snapshots, as pure
 * functions over byte buffers (libs/snapstore.c). Nothing here does I/O:
 * the caller reads and writes the copies and the extents.
 */
#ifndef KESTREL_SNAPSTORE_H
#define KESTREL_SNAPSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_MAGIC		"KSTRSTOR"
#define STORE_MAGIC_LEN		8
#define STORE_MAJOR		1
#define STORE_MINOR		0
#define STORE_UNIT_SIZE		0x200000u
#define STORE_COPY_B		0x100000u	/* metadata copy B's offset in the partition */
#define STORE_SB_SIZE		256
#define STORE_DIR_OFFSET	0x1000u
#define STORE_DIR_ENTRIES	64
#define STORE_DIR_ENTRY_SIZE	128
/* Bytes of one copy: superblock, zero up to the directory, the directory. */
#define STORE_META_SIZE		(STORE_DIR_OFFSET + STORE_DIR_ENTRIES * STORE_DIR_ENTRY_SIZE)
#define STORE_MAX_EXTENTS	8
#define STORE_NAME_SIZE		32		/* a name: at most 31 characters */

enum store_state { STORE_FREE = 0, STORE_WRITING = 1, STORE_READY = 2 };

/*
 * What store_meta_decode refuses. The first three are what a torn or
 * never written copy shows; the others are copies a store really holds
 * that this build must not use (nor format over).
 */
enum store_error {
	STORE_ERR_MAGIC = 1,	/* not a store copy */
	STORE_ERR_SB_CRC,	/* superblock damaged */
	STORE_ERR_DIR_CRC,	/* directory damaged, or torn from its superblock */
	STORE_ERR_VERSION,	/* a store_major this build does not read */
	STORE_ERR_GEOMETRY,	/* unit size or directory shape not this layout's */
	STORE_ERR_SPAN,		/* nr_units past the partition's end */
	STORE_ERR_ENTRY,	/* a directory entry is invalid */
	STORE_ERR_INVAL,	/* a caller's argument */
};

/* Return values of store_pick besides the copy's index. */
#define STORE_PICK_NONE		(-1)	/* no copy is valid: an unformatted store */
#define STORE_PICK_REFUSED	(-2)	/* the newest intact copy cannot be used */

struct store_extent {
	uint32_t first_unit, nr_units;
};

/* A directory entry; a free one is all zero. */
struct store_entry {
	char name[STORE_NAME_SIZE];	/* NUL-padded */
	uint32_t state, nr_extents;	/* enum store_state; 1 to 8 when used */
	uint64_t length, sequence;	/* the snapshot's file_length and sequence */
	struct store_extent ext[STORE_MAX_EXTENTS];
};

/* One copy's contents, decoded. */
struct store_meta {
	uint64_t generation;
	uint32_t nr_units;		/* unit 0 (the metadata) included */
	uint8_t uuid[16];
	struct store_entry dir[STORE_DIR_ENTRIES];
};

/* True when name is 1 to 31 characters of a-z 0-9 - _. */
bool store_name_valid(const char *name);

/* A new store of nr_units units: empty directory, generation 1. */
void store_format(struct store_meta *m, uint32_t nr_units, const uint8_t uuid[16]);

/*
 * Writes one copy (STORE_META_SIZE bytes) into buf, CRCs computed. Returns
 * 0, or -1 when m is not what store_meta_decode would accept back (with
 * the partition taken as nr_units long): a copy that cannot be read is
 * never written.
 */
int store_meta_encode(const struct store_meta *m, void *buf);

/*
 * Decodes and validates one copy (STORE_META_SIZE bytes at buf): magic,
 * sb_crc, version, geometry, dir_crc, nr_units within part_units (the
 * units the partition holds), and each entry: name valid and unique,
 * state 1 or 2, 1 to 8 extents within units 1 to nr_units - 1, no unit in
 * two extents, a ready entry's length within its extents, free entries all
 * zero. Returns 0, or -STORE_ERR_* with a message naming what is wrong in
 * msg (msgsize bytes, may be 0).
 */
int store_meta_decode(const void *buf, uint64_t part_units, struct store_meta *m, char *msg,
		      size_t msgsize);

/*
 * Picks the current copy of the two (each STORE_META_SIZE bytes): the
 * valid one with the higher generation, A on a tie. Returns 0 (A) or 1 (B)
 * with *m decoded; msg is then empty, or says why the other copy was not
 * valid. STORE_PICK_NONE (-1): neither copy is valid, the store is
 * unformatted; msg says why for each copy. STORE_PICK_REFUSED (-2): a copy
 * is intact but refused (newer version, spans past the partition, bad
 * entry) and no valid copy is newer: the store must be left alone, not
 * formatted; msg says why.
 */
int store_pick(const void *a, const void *b, uint64_t part_units, struct store_meta *m,
	       char *msg, size_t msgsize);

/*
 * The offset in the partition the next commit is written to: the copy
 * that is not current_copy (0 A, 1 B), so a torn write leaves the current
 * one in force. Formatting (current_copy < 0) writes A first.
 */
uint32_t store_copy_offset_for(const struct store_meta *m, int current_copy);

/* The index of the entry named name, or -1. */
int store_find(const struct store_meta *m, const char *name);
/* The index of the first free entry, or -1 when the directory is full. */
int store_free_slot(const struct store_meta *m);
/* Units no entry holds, among units 1 to nr_units - 1. */
uint32_t store_free_units(const struct store_meta *m);
/* Units length bytes take: ceil(length / STORE_UNIT_SIZE), at most UINT32_MAX. */
uint32_t store_units_for(uint64_t length);

/*
 * Gives entry idx extents for length bytes. Keeps its extents when they
 * hold exactly that many units (a re-save in place of the same guest);
 * otherwise the entry's units are given up and store_units_for(length)
 * units allocated first-fit, one extent if a free run is long enough, else
 * in address order, else from the 8 longest free runs. Only ext and
 * nr_extents change: name, state, length and sequence are the caller's.
 * Returns 0, or -1 with "the store has N MiB free, the snapshot needs M
 * MiB" in msg and the entry unchanged (N counts the entry's own units).
 */
int store_alloc(struct store_meta *m, int idx, uint64_t length, char *msg, size_t msgsize);

/* Frees entry idx: zeroes it, so its units are free. */
void store_entry_free(struct store_meta *m, int idx);

/*
 * Maps offset off of entry e's snapshot to a byte offset in the partition;
 * *contig (may be NULL) is the bytes contiguous from there to the end of
 * the extent. -1 when off lies past the extents.
 */
int64_t store_map(const struct store_entry *e, uint64_t off, uint64_t *contig);

/* Raises nr_units to part_units when the partition is larger ("Growing");
 * true if it grew. */
bool store_grow(struct store_meta *m, uint64_t part_units);

#endif
