/* SPDX-License-Identifier: GPL-2.0 */
/* The snapshot codec tests' fixture (snapfmt_fixture.c). */
#ifndef SNAPFMT_FIXTURE_H
#define SNAPFMT_FIXTURE_H

#include "unit.h"
#include <stdlib.h>
#include <crc32c.h>
#include <snapfmt.h>

#define PAYLOAD_MAX	0x3000
#define MAX_SECS	12
#define EXAMPLE_LEN	0x600000

/* Entries of the example's table, in its order. */
enum { E_CONFIG, E_MACHINE, E_HOST, E_VCPU, E_VGIC, E_UART, E_RAM, E_EXTRA };

struct sec {
	uint16_t type, version, flags;
	const char *name;
	uint8_t payload[PAYLOAD_MAX];
	size_t len;
};

/* What to build: the example, or a variant of it. */
struct model {
	bool uart_twice;		/* the pl011 section again, as entry 7 */
	bool gpu0;			/* an unknown mandatory section, as entry 7 */
	bool unknown_optional;		/* an unknown optional section, as entry 7 */
	bool uart_tag_0x20;		/* an unknown field in the pl011 section */
	uint8_t uart_tag_0x20_flags;
	bool uart_cr_u64;		/* cr written as a u64 */
	bool vcpu_without_pc;
	uint32_t toc_entry_size;	/* 0: 128 */
	uint64_t ram_size;		/* 0: 4 MiB; else with 4 KiB chunks */
};

struct built {
	uint8_t *file;			/* exactly len bytes */
	size_t len;
	struct sec secs[MAX_SECS];
	unsigned int n;
	uint64_t off[MAX_SECS];
	uint64_t toc_offset, toc_length, data_offset;
	uint32_t chunk;
};

/* The example's configuration node as `dtc -I dts -O dtb` (DTC 1.6.1)
 * compiles it: 336 bytes. */
extern const uint8_t tiny0_dtb[336];

/* The page of the example's RAM that is present after the first one. */
uint64_t second_page(const struct built *b);
/* Recomputes the table's and the header's CRCs after an edit. */
void reseal(uint8_t *file);
/* Entry i of the table of contents, in the file. */
uint8_t *entry_ptr(uint8_t *file, unsigned int i);
/* Recomputes section i's CRC, then reseal. */
void reseal_section(uint8_t *file, unsigned int i);
/* Builds the file for model m into b (b->file is malloc'ed). */
void build(struct built *b, const struct model *m);
/* The spec's example, and its header metadata as the spec gives it. */
void example(struct built *b);
void spec_metadata(struct built *b);
/* Parses the hex digits of s (spaces ignored) into out; the byte count. */
size_t hex(const char *s, uint8_t *out);

/* Notices of skipped optional sections from the last validation. */
extern char notices[4][192];
extern int nr_notices;
void collect_notice(void *ctx, const char *msg);
extern const struct snap_validate_opts opts;

/* Validates len bytes of file and checks the error and, when want_msg is
 * set, the message; returns the message for further checks. */
const char *expect_at(const uint8_t *file, size_t len, const struct snap_validate_opts *o,
		      int want, const char *want_msg, const char *where, int line);
#define expect(f, len, want, msg) expect_at((f), (len), &opts, (want), (msg), __FILE__, __LINE__)

/* Points at the value of a field of section i, in the file. */
uint8_t *field(uint8_t *file, unsigned int i, uint16_t tag);

#endif
