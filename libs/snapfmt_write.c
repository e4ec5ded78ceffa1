// SPDX-License-Identifier: GPL-2.0
/* Snapshot format codec: the tagged-field writer over a caller buffer. */
#include <snapfmt.h>
#include <string.h>

void snap_tlv_writer_init(struct snap_tlv_writer *w, void *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
}

static void w_fail(struct snap_tlv_writer *w, int err)
{
	/* A misuse outranks an overflow: retrying with more room cannot fix it. */
	if (!w->error || (w->error == -SNAP_ERR_OVERFLOW && err != -SNAP_ERR_OVERFLOW))
		w->error = err;
}

static void w_bytes(struct snap_tlv_writer *w, const void *p, size_t n)
{
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void w_zeros(struct snap_tlv_writer *w, size_t n)
{
	memset(w->buf + w->len, 0, n);
	w->len += n;
}

/*
 * Starts a field of length value bytes: checks the arguments, counts it in
 * `needed` and, when it fits and no error came before, writes its header.
 * True when the caller is to write the value and the padding.
 */
static bool w_begin(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags, uint8_t vtype,
		    uint64_t length)
{
	uint64_t total = SNAP_FIELD_HDR + ((length + 7) & ~(uint64_t)7);
	uint8_t hdr[SNAP_FIELD_HDR];

	if (w->arr_open || tag == 0 || tag <= w->last_tag ||
	    (flags & ~SNAP_FIELD_MANDATORY) || length > UINT32_MAX) {
		w_fail(w, -SNAP_ERR_INVAL);
		w->arr_open = false;
		return false;
	}
	w->last_tag = tag;
	w->needed += total;
	if (w->error)
		return false;
	if (total > w->cap - w->len) {
		w_fail(w, -SNAP_ERR_OVERFLOW);
		return false;
	}
	snap_put_le16(hdr, tag);
	hdr[2] = vtype;
	hdr[3] = flags;
	snap_put_le32(hdr + 4, (uint32_t)length);
	w_bytes(w, hdr, sizeof(hdr));
	return true;
}

static void w_end(struct snap_tlv_writer *w, uint64_t length)
{
	w_zeros(w, (size_t)(-length & 7));
}

void snap_tlv_put_u32(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags, uint32_t v)
{
	uint8_t b[4];

	if (w_begin(w, tag, flags, SNAP_VT_U32, sizeof(b))) {
		snap_put_le32(b, v);
		w_bytes(w, b, sizeof(b));
		w_end(w, sizeof(b));
	}
}

void snap_tlv_put_u64(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags, uint64_t v)
{
	uint8_t b[8];

	if (w_begin(w, tag, flags, SNAP_VT_U64, sizeof(b))) {
		snap_put_le64(b, v);
		w_bytes(w, b, sizeof(b));
	}
}

void snap_tlv_put_bytes(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags,
			const void *data, size_t len)
{
	if (w_begin(w, tag, flags, SNAP_VT_BYTES, len)) {
		if (len)
			w_bytes(w, data, len);
		w_end(w, len);
	}
}

void snap_tlv_array_begin(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags,
			  uint32_t elem_size, uint32_t count)
{
	uint64_t length = 8 + (uint64_t)elem_size * count;
	uint8_t b[8];
	bool write;

	if (!snap_elem_size_ok(elem_size)) {
		w_fail(w, -SNAP_ERR_INVAL);
		w->arr_open = false;
		return;
	}
	write = w_begin(w, tag, flags, SNAP_VT_ARRAY, length);
	if (w->error && w->error != -SNAP_ERR_OVERFLOW)
		return;
	w->arr_open = true;
	w->arr_skip = !write;
	w->arr_elem_size = elem_size;
	w->arr_left = count;
	w->arr_pad = (size_t)(-length & 7);
	if (write) {
		snap_put_le32(b, elem_size);
		snap_put_le32(b + 4, count);
		w_bytes(w, b, sizeof(b));
	}
	if (!count)
		snap_tlv_array_elem(w, 0);	/* closes it; no element */
}

static void arr_put(struct snap_tlv_writer *w, uint64_t lo, uint64_t hi, bool wide)
{
	uint8_t b[16];

	if (!w->arr_open || (w->arr_elem_size == 16) != wide ||
	    (w->arr_elem_size < 8 && lo >> (8 * w->arr_elem_size))) {
		w_fail(w, -SNAP_ERR_INVAL);
		w->arr_open = false;
		return;
	}
	if (!w->arr_skip) {
		snap_put_le64(b, lo);
		snap_put_le64(b + 8, hi);
		w_bytes(w, b, w->arr_elem_size);
	}
	if (--w->arr_left == 0) {
		if (!w->arr_skip)
			w_zeros(w, w->arr_pad);
		w->arr_open = false;
	}
}

void snap_tlv_array_elem(struct snap_tlv_writer *w, uint64_t v)
{
	if (w->arr_open && w->arr_left == 0) {	/* an empty array: just close it */
		if (!w->arr_skip)
			w_zeros(w, w->arr_pad);
		w->arr_open = false;
		return;
	}
	arr_put(w, v, 0, false);
}

void snap_tlv_array_elem128(struct snap_tlv_writer *w, uint64_t lo, uint64_t hi)
{
	arr_put(w, lo, hi, true);
}

void snap_tlv_put_array(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags,
			uint32_t elem_size, uint32_t count, const void *elems)
{
	const uint8_t *p = elems;

	snap_tlv_array_begin(w, tag, flags, elem_size, count);
	for (uint32_t i = 0; i < count && w->arr_open; i++, p += elem_size) {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64[2];

		switch (elem_size) {
		case 1:
			memcpy(&u8, p, 1);
			snap_tlv_array_elem(w, u8);
			break;
		case 2:
			memcpy(&u16, p, 2);
			snap_tlv_array_elem(w, u16);
			break;
		case 4:
			memcpy(&u32, p, 4);
			snap_tlv_array_elem(w, u32);
			break;
		case 8:
			memcpy(&u64[0], p, 8);
			snap_tlv_array_elem(w, u64[0]);
			break;
		default:
			memcpy(u64, p, 16);
			snap_tlv_array_elem128(w, u64[0], u64[1]);
			break;
		}
	}
}

int snap_tlv_finish(struct snap_tlv_writer *w, size_t *len)
{
	if (w->arr_open)
		w_fail(w, -SNAP_ERR_INVAL);
	if (len)
		*len = w->len;
	return w->error;
}
