// SPDX-License-Identifier: GPL-2.0
/* Snapshot store codec: superblock and directory of a metadata copy, the
 * A/B choice, and the allocation of units to snapshots. */
#include <snapstore.h>
#include <snapfmt.h>		/* snap_le*, snap_put_le*: byte-by-byte little endian */
#include <crc32c.h>
#include <printf.h>
#include <stdarg.h>
#include <string.h>

/* Superblock fields (offsets in the copy). */
#define SB_MAGIC		0x00
#define SB_MAJOR		0x08
#define SB_MINOR		0x0a
#define SB_SIZE			0x0c
#define SB_CRC			0x10
#define SB_FLAGS		0x14
#define SB_GENERATION		0x18
#define SB_UNIT_SIZE		0x20
#define SB_NR_UNITS		0x24
#define SB_DIR_OFFSET		0x28
#define SB_DIR_ENTRIES		0x2c
#define SB_DIR_ENTRY_SIZE	0x30
#define SB_DIR_CRC		0x34
#define SB_UUID			0x38

/* Directory entry fields. */
#define DE_NAME			0x00
#define DE_STATE		0x20
#define DE_NR_EXTENTS		0x24
#define DE_LENGTH		0x28
#define DE_SEQUENCE		0x30
#define DE_EXTENTS		0x40

#define DIR_BYTES		(STORE_DIR_ENTRIES * STORE_DIR_ENTRY_SIZE)
#define UNIT_MIB		(STORE_UNIT_SIZE >> 20)

__attribute__((format(printf, 4, 5)))
static int fail(char *msg, size_t size, int err, const char *fmt, ...)
{
	va_list ap;

	if (size) {
		va_start(ap, fmt);
		vsnprintf(msg, size, fmt, ap);
		va_end(ap);
	}
	return -err;
}

static void msg_clear(char *msg, size_t size)
{
	if (size)
		msg[0] = '\0';
}

bool store_name_valid(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (i >= STORE_NAME_SIZE - 1)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return i > 0;
}

void store_format(struct store_meta *m, uint32_t nr_units, const uint8_t uuid[16])
{
	memset(m, 0, sizeof(*m));
	m->generation = 1;
	m->nr_units = nr_units;
	memcpy(m->uuid, uuid, sizeof(m->uuid));
}

/* --- checks shared by decode and encode ------------------------------------ */

static uint32_t entry_nr_extents(const struct store_entry *e)
{
	return e->nr_extents < STORE_MAX_EXTENTS ? e->nr_extents : STORE_MAX_EXTENTS;
}

/* Units the entry's extents hold (64-bit: garbage cannot wrap it). */
static uint64_t entry_units(const struct store_entry *e)
{
	uint64_t units = 0;

	for (uint32_t k = 0; k < entry_nr_extents(e); k++)
		units += e->ext[k].nr_units;
	return units;
}

static bool entry_is_zero(const struct store_entry *e)
{
	for (int i = 0; i < STORE_NAME_SIZE; i++)
		if (e->name[i])
			return false;
	for (int k = 0; k < STORE_MAX_EXTENTS; k++)
		if (e->ext[k].first_unit || e->ext[k].nr_units)
			return false;
	return !e->state && !e->nr_extents && !e->length && !e->sequence;
}

static bool entry_used(const struct store_entry *e)
{
	return e->name[0] != '\0';
}

static int check_entry(const struct store_meta *m, int i, char *msg, size_t size)
{
	const struct store_entry *e = &m->dir[i];

	if (!entry_used(e)) {
		if (!entry_is_zero(e))
			return fail(msg, size, STORE_ERR_ENTRY,
				    "entry %d is free (no name) but not all zero", i);
		return 0;
	}
	if (strnlen(e->name, STORE_NAME_SIZE) == STORE_NAME_SIZE || !store_name_valid(e->name))
		return fail(msg, size, STORE_ERR_ENTRY,
			    "entry %d: the name is not 1 to 31 characters of a-z, 0-9, -, _", i);
	for (int j = 0; j < i; j++)
		if (!strcmp(m->dir[j].name, e->name))
			return fail(msg, size, STORE_ERR_ENTRY,
				    "entries %d and %d are both named %s", j, i, e->name);
	if (e->state != STORE_WRITING && e->state != STORE_READY)
		return fail(msg, size, STORE_ERR_ENTRY,
			    "entry %d (%s): state %u (1 writing or 2 ready expected)", i, e->name,
			    e->state);
	if (e->nr_extents < 1 || e->nr_extents > STORE_MAX_EXTENTS)
		return fail(msg, size, STORE_ERR_ENTRY, "entry %d (%s): %u extents (1 to %d)", i,
			    e->name, e->nr_extents, STORE_MAX_EXTENTS);
	for (uint32_t k = 0; k < STORE_MAX_EXTENTS; k++) {
		const struct store_extent *x = &e->ext[k];

		if (k >= e->nr_extents) {
			if (x->first_unit || x->nr_units)
				return fail(msg, size, STORE_ERR_ENTRY,
					    "entry %d (%s): unused extent %u is not zero", i,
					    e->name, k);
			continue;
		}
		if (!x->nr_units || !x->first_unit ||
		    (uint64_t)x->first_unit + x->nr_units > m->nr_units)
			return fail(msg, size, STORE_ERR_ENTRY,
				    "entry %d (%s): extent %u (%u units from unit %u) is not within units 1 to %u",
				    i, e->name, k, x->nr_units, x->first_unit, m->nr_units - 1);
	}
	/* A ready entry longer than its extents is not the store's damage but
	 * that snapshot's: reading it fails as truncated (check 8) and the
	 * other snapshots stay usable. */
	return 0;
}

#define DIR_EXTENTS	(STORE_DIR_ENTRIES * STORE_MAX_EXTENTS)

/* Extent g of the directory (entry g / 8, its extent g % 8); NULL if unused. */
static const struct store_extent *extent_at(const struct store_meta *m, int g)
{
	const struct store_entry *e = &m->dir[g / STORE_MAX_EXTENTS];
	uint32_t k = g % STORE_MAX_EXTENTS;

	return entry_used(e) && k < e->nr_extents ? &e->ext[k] : NULL;
}

/* Two extents sharing a unit: pairwise, as the directory has at most 512
 * extents and this runs once per open or commit. The extents are known to
 * lie within the store, so their ends do not wrap. */
static int check_overlaps(const struct store_meta *m, char *msg, size_t size)
{
	for (int g = 0; g < DIR_EXTENTS; g++) {
		const struct store_extent *x = extent_at(m, g);
		const char *xname = m->dir[g / STORE_MAX_EXTENTS].name;

		for (int h = g + 1; x && h < DIR_EXTENTS; h++) {
			const struct store_extent *y = extent_at(m, h);
			const char *yname = m->dir[h / STORE_MAX_EXTENTS].name;
			uint32_t unit;

			if (!y || x->first_unit >= y->first_unit + y->nr_units ||
			    y->first_unit >= x->first_unit + x->nr_units)
				continue;
			unit = x->first_unit > y->first_unit ? x->first_unit : y->first_unit;
			if (g / STORE_MAX_EXTENTS == h / STORE_MAX_EXTENTS)
				return fail(msg, size, STORE_ERR_ENTRY,
					    "entry %d (%s): extents %d and %d both hold unit %u",
					    g / STORE_MAX_EXTENTS, xname, g % STORE_MAX_EXTENTS,
					    h % STORE_MAX_EXTENTS, unit);
			return fail(msg, size, STORE_ERR_ENTRY,
				    "entries %d (%s) and %d (%s) both hold unit %u",
				    g / STORE_MAX_EXTENTS, xname, h / STORE_MAX_EXTENTS, yname,
				    unit);
		}
	}
	return 0;
}

/* Everything of a decoded copy that its bytes' layout does not already say. */
static int check_meta(const struct store_meta *m, uint64_t part_units, char *msg, size_t size)
{
	int ret;

	if (!m->nr_units)
		return fail(msg, size, STORE_ERR_GEOMETRY, "the store spans no units");
	if (m->nr_units > part_units)
		return fail(msg, size, STORE_ERR_SPAN,
			    "the store spans %u units but the partition holds %llu: it was copied onto a smaller partition",
			    m->nr_units, (unsigned long long)part_units);
	for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
		ret = check_entry(m, i, msg, size);
		if (ret)
			return ret;
	}
	return check_overlaps(m, msg, size);
}

/* --- encode and decode ------------------------------------------------------- */

static uint32_t sb_crc(const uint8_t *p)
{
	static const uint8_t zero[4];
	uint32_t crc = crc32c(0, p, SB_CRC);

	crc = crc32c(crc, zero, sizeof(zero));
	return crc32c(crc, p + SB_CRC + 4, STORE_SB_SIZE - SB_CRC - 4);
}

int store_meta_encode(const struct store_meta *m, void *buf)
{
	uint8_t *p = buf, *dir = p + STORE_DIR_OFFSET;

	/* Never write a copy that a reader would refuse: torn or not, it
	 * could become the current one. */
	if (check_meta(m, m->nr_units, NULL, 0))
		return -1;
	memset(p, 0, STORE_META_SIZE);
	for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
		const struct store_entry *e = &m->dir[i];
		uint8_t *d = dir + i * STORE_DIR_ENTRY_SIZE;

		if (!entry_used(e))
			continue;
		memcpy(d + DE_NAME, e->name, strnlen(e->name, STORE_NAME_SIZE));
		snap_put_le32(d + DE_STATE, e->state);
		snap_put_le32(d + DE_NR_EXTENTS, e->nr_extents);
		snap_put_le64(d + DE_LENGTH, e->length);
		snap_put_le64(d + DE_SEQUENCE, e->sequence);
		for (uint32_t k = 0; k < e->nr_extents; k++) {
			snap_put_le32(d + DE_EXTENTS + 8 * k, e->ext[k].first_unit);
			snap_put_le32(d + DE_EXTENTS + 8 * k + 4, e->ext[k].nr_units);
		}
	}
	memcpy(p + SB_MAGIC, STORE_MAGIC, STORE_MAGIC_LEN);
	snap_put_le16(p + SB_MAJOR, STORE_MAJOR);
	snap_put_le16(p + SB_MINOR, STORE_MINOR);
	snap_put_le32(p + SB_SIZE, STORE_SB_SIZE);
	snap_put_le64(p + SB_GENERATION, m->generation);
	snap_put_le32(p + SB_UNIT_SIZE, STORE_UNIT_SIZE);
	snap_put_le32(p + SB_NR_UNITS, m->nr_units);
	snap_put_le32(p + SB_DIR_OFFSET, STORE_DIR_OFFSET);
	snap_put_le32(p + SB_DIR_ENTRIES, STORE_DIR_ENTRIES);
	snap_put_le32(p + SB_DIR_ENTRY_SIZE, STORE_DIR_ENTRY_SIZE);
	snap_put_le32(p + SB_DIR_CRC, crc32c(0, dir, DIR_BYTES));
	memcpy(p + SB_UUID, m->uuid, sizeof(m->uuid));
	snap_put_le32(p + SB_CRC, sb_crc(p));
	return 0;
}

/* One entry's bytes: the name NUL-padded, a free entry all zero. */
static int decode_entry(const uint8_t *d, int i, struct store_entry *e, char *msg, size_t size)
{
	size_t len = strnlen((const char *)d + DE_NAME, STORE_NAME_SIZE);

	if (!len) {
		for (int b = 0; b < STORE_DIR_ENTRY_SIZE; b++)
			if (d[b])
				return fail(msg, size, STORE_ERR_ENTRY,
					    "entry %d is free (no name) but not all zero", i);
		memset(e, 0, sizeof(*e));
		return 0;
	}
	for (size_t b = len; b < STORE_NAME_SIZE; b++)
		if (d[DE_NAME + b])
			return fail(msg, size, STORE_ERR_ENTRY,
				    "entry %d: the name is not NUL-terminated and NUL-padded", i);
	memcpy(e->name, d + DE_NAME, STORE_NAME_SIZE);
	e->state = snap_le32(d + DE_STATE);
	e->nr_extents = snap_le32(d + DE_NR_EXTENTS);
	e->length = snap_le64(d + DE_LENGTH);
	e->sequence = snap_le64(d + DE_SEQUENCE);
	for (int k = 0; k < STORE_MAX_EXTENTS; k++) {
		e->ext[k].first_unit = snap_le32(d + DE_EXTENTS + 8 * k);
		e->ext[k].nr_units = snap_le32(d + DE_EXTENTS + 8 * k + 4);
	}
	return 0;
}

int store_meta_decode(const void *buf, uint64_t part_units, struct store_meta *m, char *msg,
		      size_t msgsize)
{
	const uint8_t *p = buf, *dir = p + STORE_DIR_OFFSET;
	uint32_t stored, computed;
	int ret;

	msg_clear(msg, msgsize);
	if (memcmp(p + SB_MAGIC, STORE_MAGIC, STORE_MAGIC_LEN))
		return fail(msg, msgsize, STORE_ERR_MAGIC,
			    "not a store (magic %02x %02x %02x %02x %02x %02x %02x %02x)",
			    p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
	stored = snap_le32(p + SB_CRC);
	computed = sb_crc(p);
	if (stored != computed)
		return fail(msg, msgsize, STORE_ERR_SB_CRC,
			    "superblock CRC32C mismatch (stored 0x%08x, computed 0x%08x)", stored,
			    computed);
	/* Any minor is read: a minor only gives reserved bytes a meaning. */
	if (snap_le16(p + SB_MAJOR) != STORE_MAJOR)
		return fail(msg, msgsize, STORE_ERR_VERSION,
			    "store format %u.%u; this build reads %d.x", snap_le16(p + SB_MAJOR),
			    snap_le16(p + SB_MINOR), STORE_MAJOR);
	if (snap_le32(p + SB_SIZE) != STORE_SB_SIZE ||
	    snap_le32(p + SB_UNIT_SIZE) != STORE_UNIT_SIZE ||
	    snap_le32(p + SB_DIR_OFFSET) != STORE_DIR_OFFSET ||
	    snap_le32(p + SB_DIR_ENTRIES) != STORE_DIR_ENTRIES ||
	    snap_le32(p + SB_DIR_ENTRY_SIZE) != STORE_DIR_ENTRY_SIZE)
		return fail(msg, msgsize, STORE_ERR_GEOMETRY,
			    "superblock of %u bytes, units of 0x%x bytes, %u directory entries of %u bytes at 0x%x; this build reads %d, 0x%x, %d of %d at 0x%x",
			    snap_le32(p + SB_SIZE), snap_le32(p + SB_UNIT_SIZE),
			    snap_le32(p + SB_DIR_ENTRIES), snap_le32(p + SB_DIR_ENTRY_SIZE),
			    snap_le32(p + SB_DIR_OFFSET), STORE_SB_SIZE, STORE_UNIT_SIZE,
			    STORE_DIR_ENTRIES, STORE_DIR_ENTRY_SIZE, STORE_DIR_OFFSET);
	stored = snap_le32(p + SB_DIR_CRC);
	computed = crc32c(0, dir, DIR_BYTES);
	if (stored != computed)
		return fail(msg, msgsize, STORE_ERR_DIR_CRC,
			    "directory CRC32C mismatch (stored 0x%08x, computed 0x%08x)", stored,
			    computed);
	m->generation = snap_le64(p + SB_GENERATION);
	m->nr_units = snap_le32(p + SB_NR_UNITS);
	memcpy(m->uuid, p + SB_UUID, sizeof(m->uuid));
	for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
		ret = decode_entry(dir + i * STORE_DIR_ENTRY_SIZE, i, &m->dir[i], msg, msgsize);
		if (ret)
			return ret;
	}
	return check_meta(m, part_units, msg, msgsize);
}

/* --- choosing the current copy ------------------------------------------------ */

/* A copy that failed after its superblock proved intact: a store really
 * holds it, so it is refused, never mistaken for unformatted space. */
static bool refused(int ret)
{
	return ret == -STORE_ERR_VERSION || ret == -STORE_ERR_GEOMETRY ||
	       ret == -STORE_ERR_SPAN || ret == -STORE_ERR_ENTRY;
}

int store_pick(const void *a, const void *b, uint64_t part_units, struct store_meta *m,
	       char *msg, size_t msgsize)
{
	const void *copy[2] = { a, b };
	char why[2][192];
	int ret[2], pick = -1;
	uint64_t gen[2];

	for (int c = 0; c < 2; c++) {
		ret[c] = store_meta_decode(copy[c], part_units, m, why[c], sizeof(why[c]));
		gen[c] = snap_le64((const uint8_t *)copy[c] + SB_GENERATION);
	}
	if (!ret[0] && !ret[1])
		pick = gen[1] > gen[0] ? 1 : 0;
	else if (!ret[0] || !ret[1])
		pick = ret[0] ? 1 : 0;
	/* A newer copy that is intact but refused holds the store's real
	 * state: falling back to an older copy would lose it. */
	for (int c = 0; c < 2; c++) {
		if (refused(ret[c]) && (pick < 0 || gen[c] > gen[pick])) {
			fail(msg, msgsize, 0, "copy %c: %s", 'A' + c, why[c]);
			return STORE_PICK_REFUSED;
		}
	}
	if (pick < 0) {
		fail(msg, msgsize, 0, "copy A: %s; copy B: %s", why[0], why[1]);
		return STORE_PICK_NONE;
	}
	/* m holds the copy decoded last: B's. */
	if (pick == 0)
		store_meta_decode(a, part_units, m, why[0], sizeof(why[0]));
	if (ret[!pick])
		fail(msg, msgsize, 0, "copy %c: %s", 'A' + !pick, why[!pick]);
	else
		msg_clear(msg, msgsize);
	return pick;
}

uint32_t store_copy_offset_for(const struct store_meta *m, int current_copy)
{
	return current_copy == 0 ? STORE_COPY_B : 0;
}

/* --- the directory -------------------------------------------------------------- */

int store_find(const struct store_meta *m, const char *name)
{
	if (!name[0] || strnlen(name, STORE_NAME_SIZE) == STORE_NAME_SIZE)
		return -1;
	for (int i = 0; i < STORE_DIR_ENTRIES; i++)
		if (!strncmp(m->dir[i].name, name, STORE_NAME_SIZE))
			return i;
	return -1;
}

int store_free_slot(const struct store_meta *m)
{
	for (int i = 0; i < STORE_DIR_ENTRIES; i++)
		if (!entry_used(&m->dir[i]) && !m->dir[i].nr_extents)
			return i;
	return -1;
}

void store_entry_free(struct store_meta *m, int idx)
{
	if (idx >= 0 && idx < STORE_DIR_ENTRIES)
		memset(&m->dir[idx], 0, sizeof(m->dir[idx]));
}

uint32_t store_units_for(uint64_t length)
{
	uint64_t units = length / STORE_UNIT_SIZE + (length % STORE_UNIT_SIZE != 0);

	return units > UINT32_MAX ? UINT32_MAX : (uint32_t)units;
}

/* Units held by entries other than skip (-1: none skipped). */
static uint64_t held_units(const struct store_meta *m, int skip)
{
	uint64_t held = 0;

	for (int i = 0; i < STORE_DIR_ENTRIES; i++)
		if (i != skip)
			held += entry_units(&m->dir[i]);
	return held;
}

uint32_t store_free_units(const struct store_meta *m)
{
	uint64_t held = held_units(m, -1);

	if (m->nr_units < 1 || held >= m->nr_units - 1)
		return 0;
	return (uint32_t)(m->nr_units - 1 - held);
}

/* --- allocation ------------------------------------------------------------------ */

/*
 * The first run of free units at or after unit from, counting the units of
 * entry skip as free (a re-save gives them up). The directory is the
 * allocation map: runs are found by scanning the extents, without a bitmap
 * (nr_units is unbounded, the extents are at most 512).
 */
static bool free_run(const struct store_meta *m, int skip, uint64_t from,
		     struct store_extent *run)
{
	uint64_t p = from < 1 ? 1 : from, end = m->nr_units;
	bool moved;

	do {
		moved = false;
		for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
			const struct store_entry *e = &m->dir[i];

			for (uint32_t k = 0; i != skip && k < entry_nr_extents(e); k++) {
				uint64_t first = e->ext[k].first_unit;
				uint64_t last = first + e->ext[k].nr_units;

				if (p >= first && p < last) {
					p = last;
					moved = true;
				}
			}
		}
	} while (moved);
	if (p >= end)
		return false;
	for (int i = 0; i < STORE_DIR_ENTRIES; i++) {
		const struct store_entry *e = &m->dir[i];

		for (uint32_t k = 0; i != skip && k < entry_nr_extents(e); k++)
			if (e->ext[k].nr_units && e->ext[k].first_unit > p &&
			    e->ext[k].first_unit < end)
				end = e->ext[k].first_unit;
	}
	run->first_unit = (uint32_t)p;
	run->nr_units = (uint32_t)(end - p);
	return true;
}

/* One extent: the first free run long enough. */
static int alloc_one(const struct store_meta *m, int skip, uint32_t need,
		     struct store_extent *out)
{
	struct store_extent run;

	for (uint64_t at = 1; free_run(m, skip, at, &run);
	     at = (uint64_t)run.first_unit + run.nr_units) {
		if (run.nr_units >= need) {
			out[0].first_unit = run.first_unit;
			out[0].nr_units = need;
			return 1;
		}
	}
	return -1;
}

/* Free runs in address order, as many as it takes, up to 8. */
static int alloc_first_fit(const struct store_meta *m, int skip, uint32_t need,
			   struct store_extent *out)
{
	struct store_extent run;
	int n = 0;

	for (uint64_t at = 1; n < STORE_MAX_EXTENTS && free_run(m, skip, at, &run);
	     at = (uint64_t)run.first_unit + run.nr_units) {
		out[n].first_unit = run.first_unit;
		out[n].nr_units = run.nr_units < need ? run.nr_units : need;
		need -= out[n++].nr_units;
		if (!need)
			return n;
	}
	return -1;
}

/* The 8 longest free runs, used in address order: when first-fit needs more
 * than 8, these may still hold the snapshot. */
static int alloc_longest(const struct store_meta *m, int skip, uint32_t need,
			 struct store_extent *out)
{
	struct store_extent run, best[STORE_MAX_EXTENTS];
	uint64_t sum = 0;
	int n = 0, used = 0;

	for (; n < STORE_MAX_EXTENTS; n++) {
		best[n].nr_units = 0;
		for (uint64_t at = 1; free_run(m, skip, at, &run);
		     at = (uint64_t)run.first_unit + run.nr_units) {
			bool taken = false;

			for (int t = 0; t < n; t++)
				taken |= best[t].first_unit == run.first_unit;
			if (!taken && run.nr_units > best[n].nr_units)
				best[n] = run;
		}
		if (!best[n].nr_units)
			break;
		sum += best[n].nr_units;
	}
	if (sum < need)
		return -1;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && best[j - 1].first_unit > best[j].first_unit; j--) {
			run = best[j];
			best[j] = best[j - 1];
			best[j - 1] = run;
		}
	for (int i = 0; i < n && need; i++) {
		out[used] = best[i];
		if (out[used].nr_units > need)
			out[used].nr_units = need;
		need -= out[used++].nr_units;
	}
	return used;
}

int store_alloc(struct store_meta *m, int idx, uint64_t length, char *msg, size_t msgsize)
{
	struct store_extent got[STORE_MAX_EXTENTS];
	struct store_entry *e;
	uint64_t avail;
	uint32_t need;
	int n;

	msg_clear(msg, msgsize);
	if (idx < 0 || idx >= STORE_DIR_ENTRIES)
		return fail(msg, msgsize, 1, "no directory entry %d", idx);
	e = &m->dir[idx];
	need = store_units_for(length);
	if (!need)
		return fail(msg, msgsize, 1, "a snapshot of 0 bytes cannot be stored");
	if (e->nr_extents >= 1 && e->nr_extents <= STORE_MAX_EXTENTS && entry_units(e) == need)
		return 0;
	n = alloc_one(m, idx, need, got);
	if (n < 0)
		n = alloc_first_fit(m, idx, need, got);
	if (n < 0)
		n = alloc_longest(m, idx, need, got);
	if (n < 0) {
		avail = m->nr_units > 1 ? m->nr_units - 1 - held_units(m, idx) : 0;
		return fail(msg, msgsize, 1,
			    "the store has %llu MiB free, the snapshot needs %llu MiB%s",
			    (unsigned long long)(avail * UNIT_MIB),
			    (unsigned long long)need * UNIT_MIB,
			    avail >= need ? ": the free space is in more than 8 pieces" : "");
	}
	memset(e->ext, 0, sizeof(e->ext));
	memcpy(e->ext, got, n * sizeof(got[0]));
	e->nr_extents = (uint32_t)n;
	return 0;
}

/* --- mapping ---------------------------------------------------------------------- */

int64_t store_map(const struct store_entry *e, uint64_t off, uint64_t *contig)
{
	uint64_t at = 0;

	for (uint32_t k = 0; k < entry_nr_extents(e); k++) {
		uint64_t bytes = (uint64_t)e->ext[k].nr_units * STORE_UNIT_SIZE;

		if (off - at < bytes) {
			if (contig)
				*contig = bytes - (off - at);
			return (int64_t)((uint64_t)e->ext[k].first_unit * STORE_UNIT_SIZE +
					 (off - at));
		}
		at += bytes;
	}
	return -1;
}

bool store_grow(struct store_meta *m, uint64_t part_units)
{
	uint32_t units = part_units > UINT32_MAX ? UINT32_MAX : (uint32_t)part_units;

	if (units <= m->nr_units)
		return false;
	m->nr_units = units;
	return true;
}
