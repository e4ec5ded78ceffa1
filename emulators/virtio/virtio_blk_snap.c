// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk's own snapshot fields (docs/snapshot-format.md, "Type tags"):
 * which disk the guest had, so a restore onto another one is refused (the
 * snapshot does not hold the disk's contents), and the serial it read.
 */
#define LOG_PREFIX "virtio-blk"
#include "virtio_blk_priv.h"
#include <kestrel/errno.h>
#include <kestrel/snapshot.h>
#include <string.h>

static size_t serial_len(const struct virtio_blk *blk)
{
	return strnlen(blk->id, VIRTIO_BLK_ID_BYTES);
}

void virtio_blk_snap_save(struct virtio_dev *d, struct snap_tlv_writer *w)
{
	struct virtio_blk *blk = virtio_dev_priv(d);

	snap_tlv_put_u64(w, SNAP_VIRTIO_BLK_CAPACITY, SNAP_M, blk->capacity);
	snap_tlv_put_bytes(w, SNAP_VIRTIO_BLK_BACKEND, SNAP_M, blk->bd->name,
			   strlen(blk->bd->name));
	snap_tlv_put_u64(w, SNAP_VIRTIO_BLK_BACKEND_OFFSET, SNAP_M, blk->start * BLOCK_SECTOR);
	snap_tlv_put_u64(w, SNAP_VIRTIO_BLK_BACKEND_SIZE, SNAP_M, blk->capacity * BLOCK_SECTOR);
	snap_tlv_put_u32(w, SNAP_VIRTIO_BLK_READ_ONLY, SNAP_M, blk->read_only);
	snap_tlv_put_bytes(w, SNAP_VIRTIO_BLK_SERIAL, SNAP_O, blk->id, serial_len(blk));
}

/* The disk fields: the restored device must be the same disk. */
static int check_disk(const struct virtio_blk *blk, const struct snap_section *s, char *err,
		      size_t errlen)
{
	const char *bd = blk->bd->name;
	u64 capacity, offset, size;
	const u8 *name;
	size_t len;
	u32 ro;

	if (!snap_get_u64(s, SNAP_VIRTIO_BLK_CAPACITY, &capacity))
		return virtio_snap_missing(err, errlen, s->type, SNAP_VIRTIO_BLK_CAPACITY);
	if (!snap_get_bytes(s, SNAP_VIRTIO_BLK_BACKEND, &name, &len))
		return virtio_snap_missing(err, errlen, s->type, SNAP_VIRTIO_BLK_BACKEND);
	if (!snap_get_u64(s, SNAP_VIRTIO_BLK_BACKEND_OFFSET, &offset))
		return virtio_snap_missing(err, errlen, s->type, SNAP_VIRTIO_BLK_BACKEND_OFFSET);
	if (!snap_get_u64(s, SNAP_VIRTIO_BLK_BACKEND_SIZE, &size))
		return virtio_snap_missing(err, errlen, s->type, SNAP_VIRTIO_BLK_BACKEND_SIZE);
	if (!snap_get_u32(s, SNAP_VIRTIO_BLK_READ_ONLY, &ro))
		return virtio_snap_missing(err, errlen, s->type, SNAP_VIRTIO_BLK_READ_ONLY);

	if (len != strlen(bd) || memcmp(name, bd, len)) {
		char saved[BLOCKDEV_NAME_MAX];

		virtio_snap_printable(saved, sizeof(saved), name, len);
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_BACKEND, "\"%s\", "
					  "but the disk is on %s", saved, bd);
	}
	if (offset != blk->start * BLOCK_SECTOR)
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_BACKEND_OFFSET,
					  "0x%llx, but the disk starts at 0x%llx of %s",
					  (unsigned long long)offset,
					  (unsigned long long)(blk->start * BLOCK_SECTOR), bd);
	if (capacity != blk->capacity)
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_CAPACITY, "%llu "
					  "sectors, the disk on %s now has %llu",
					  (unsigned long long)capacity, bd,
					  (unsigned long long)blk->capacity);
	if (size != blk->capacity * BLOCK_SECTOR)
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_BACKEND_SIZE,
					  "0x%llx bytes, but the disk covers 0x%llx of %s",
					  (unsigned long long)size,
					  (unsigned long long)(blk->capacity * BLOCK_SECTOR), bd);
	if (ro > 1)
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_READ_ONLY,
					  "%u is not 0 or 1", ro);
	if (ro != blk->read_only)
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_READ_ONLY,
					  "%u, but the disk on %s is %s now", ro, bd,
					  blk->read_only ? "read-only" : "read-write");
	return 0;
}

/* The serial the guest read stays, under whatever name the restored guest
 * has (a default one would be derived from the new name). */
int virtio_blk_snap_load(struct virtio_dev *d, const struct snap_section *s, char *err,
			 size_t errlen)
{
	struct virtio_blk *blk = virtio_dev_priv(d);
	const u8 *serial;
	size_t len;
	int r = check_disk(blk, s, err, errlen);

	if (r || !snap_get_bytes(s, SNAP_VIRTIO_BLK_SERIAL, &serial, &len))
		return r;
	if (!len || len > VIRTIO_BLK_ID_BYTES)
		return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_SERIAL,
					  "%zu bytes, expected 1 to %u", len, VIRTIO_BLK_ID_BYTES);
	for (size_t i = 0; i < len; i++)
		if (serial[i] < 0x20 || serial[i] >= 0x7f)
			return virtio_snap_refuse(err, errlen, s->type, SNAP_VIRTIO_BLK_SERIAL,
						  "byte %zu is 0x%02x, not printable ASCII", i,
						  serial[i]);
	/* The guest is stopped: no GET_ID reads it now. */
	memset(blk->id, 0, sizeof(blk->id));
	memcpy(blk->id, serial, len);
	return 0;
}
