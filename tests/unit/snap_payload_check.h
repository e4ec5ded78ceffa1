/* SPDX-License-Identifier: GPL-2.0 */
/* Checks a section payload a saver wrote against the format's tag table,
 * and patches values in it, for the snapshot tests of the models. */
#ifndef KESTREL_TEST_SNAP_PAYLOAD_CHECK_H
#define KESTREL_TEST_SNAP_PAYLOAD_CHECK_H

#include <kestrel/snapshot.h>

/* Fails the test unless every field of the payload is a tag of `type`'s
 * table with its vtype and element size, tags increase, MANDATORY is set
 * exactly on the M fields (and the on-pending ones), and every M tag is
 * there. */
void assert_payload_matches_table(u16 type, const void *payload, size_t len);

/* Overwrites the value of u32/u64 field `tag`, or element i of an array
 * field, with val (little endian, the field's width). */
void payload_patch(void *payload, size_t len, u16 tag, u32 i, u64 val);

/* A section over the payload, as a restore hands it to its owner. */
struct snap_section payload_section(u16 type, const char *name, const void *payload,
				    size_t len);

#endif
