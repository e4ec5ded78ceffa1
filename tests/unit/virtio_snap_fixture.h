/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the virtio snapshot tests (test_virtio_snap_*.c) share: a device's
 * section saved into memory and checked against the format's tables (each
 * field known, of its vtype and shape, MANDATORY exactly on the M fields,
 * every M field present), patched field by field, and loaded back, with
 * the message of a refused load compared whole.
 */
#ifndef KESTREL_TEST_VIRTIO_SNAP_FIXTURE_H
#define KESTREL_TEST_VIRTIO_SNAP_FIXTURE_H

#include "unit.h"
#include <kestrel/snapshot.h>
#include "../../emulators/virtio/virtio_mmio.h"

#define SNAP_BUF_SIZE	4096

/* One saved section, as a restore hands it to its owner. */
struct snap_buf {
	u8 buf[SNAP_BUF_SIZE] __attribute__((aligned(8)));
	size_t len;
	struct snap_section s;
};

/* Saves d into sb (section type virtio_dev_snap_type, name "/devices/x")
 * and checks the payload against the format's tables. */
void snap_save_dev(struct virtio_dev *d, struct snap_buf *sb);
/* The payload's fields agree with the tables of sb->s.type. */
void snap_check_tables(const struct snap_buf *sb);

/* Field tag of sb; fails the test when it is absent. */
struct snap_field snap_field_of(const struct snap_buf *sb, u16 tag);
u64 snap_value(const struct snap_buf *sb, u16 tag);		/* u32 or u64 */
u64 snap_elem(const struct snap_buf *sb, u16 tag, unsigned int i);
/* Overwrite a value in place. */
void snap_patch(struct snap_buf *sb, u16 tag, u64 v);		/* u32 or u64 */
void snap_patch_elem(struct snap_buf *sb, u16 tag, unsigned int i, u64 v);
void snap_patch_bytes(struct snap_buf *sb, u16 tag, const void *data, size_t len);
/* Removes field tag (the fields after it move up). */
void snap_drop(struct snap_buf *sb, u16 tag);

/* Loading d from sb fails with exactly msg. */
void expect_refused(struct virtio_dev *d, const struct snap_buf *sb, unsigned int spi,
		    bool line, const char *msg);

#endif
