// SPDX-License-Identifier: GPL-2.0
/* Fake guest RAM and driver-side ring helpers of the virtio tests. */
#include "virtio_fixture.h"
#include <stdlib.h>
#include <kestrel/entropy.h>

static u8 *pieces[NR_CHUNKS];
unsigned long fake_map_calls;

void *fake_ram_map(void *ctx, gpa_t gpa, u64 len, u64 *contig)
{
	u64 off = gpa - RAM_BASE;

	fake_map_calls++;
	assert_ptr_equal(ctx, pieces);
	assert_true(len > 0);
	if (gpa < RAM_BASE || off >= RAM_SIZE)
		return NULL;
	*contig = MIN(len, CHUNK - off % CHUNK);
	return pieces[off / CHUNK] + off % CHUNK;
}

const struct vq_mem fake_mem = { .map = fake_ram_map, .ctx = pieces };

int fake_ram_setup(void)
{
	/* Allocated in reverse, so neighbours in guest RAM are not in host RAM. */
	for (int i = NR_CHUNKS - 1; i >= 0; i--) {
		pieces[i] = aligned_alloc(CHUNK, CHUNK);
		if (!pieces[i])
			return -1;
		memset(pieces[i], 0, CHUNK);
	}
	fake_map_calls = 0;
	return 0;
}

void fake_ram_teardown(void)
{
	for (unsigned int i = 0; i < NR_CHUNKS; i++) {
		free(pieces[i]);
		pieces[i] = NULL;
	}
}

bool fake_ram_holds(const void *p, u64 len)
{
	const u8 *b = p;

	for (unsigned int i = 0; i < NR_CHUNKS; i++)
		if (b >= pieces[i] && b <= pieces[i] + CHUNK && len <= (u64)(pieces[i] + CHUNK - b))
			return true;
	return false;
}

u8 *ram(gpa_t gpa)
{
	u64 off = gpa - RAM_BASE;

	assert_true(gpa >= RAM_BASE && off < RAM_SIZE);
	return pieces[off / CHUNK] + off % CHUNK;
}

void ram_write(gpa_t gpa, const void *src, size_t len)
{
	const u8 *s = src;

	for (size_t i = 0; i < len; i++)
		*ram(gpa + i) = s[i];
}

void ram_read(gpa_t gpa, void *dst, size_t len)
{
	u8 *d = dst;

	for (size_t i = 0; i < len; i++)
		d[i] = *ram(gpa + i);
}

void ram_fill(gpa_t gpa, int c, size_t len)
{
	for (size_t i = 0; i < len; i++)
		*ram(gpa + i) = (u8)c;
}

u16 ram_r16(gpa_t gpa)
{
	u16 v;

	ram_read(gpa, &v, sizeof(v));
	return v;
}

u32 ram_r32(gpa_t gpa)
{
	u32 v;

	ram_read(gpa, &v, sizeof(v));
	return v;
}

void ram_w16(gpa_t gpa, u16 v)
{
	ram_write(gpa, &v, sizeof(v));
}

void ring_layout(struct ring *r, u16 num, gpa_t base)
{
	r->num = num;
	r->desc = base;
	r->avail = base + 16 * (u64)num;
	r->used = ALIGN_UP(r->avail + 6 + 2 * (u64)num, 4);
	r->avail_idx = 0;
}

void desc_set(gpa_t table, u16 i, u64 addr, u32 len, u16 flags, u16 next)
{
	gpa_t d = table + 16 * (u64)i;

	ram_write(d, &addr, 8);
	ram_write(d + 8, &len, 4);
	ram_write(d + 12, &flags, 2);
	ram_write(d + 14, &next, 2);
}

void ring_post(struct ring *r, u16 head)
{
	ram_w16(r->avail + 4 + 2 * (u64)(r->avail_idx % r->num), head);
	r->avail_idx++;
	ram_w16(r->avail + 2, r->avail_idx);
}

void ring_set_avail_idx(struct ring *r, u16 idx)
{
	r->avail_idx = idx;
	ram_w16(r->avail + 2, idx);
}

void ring_set_avail_flags(struct ring *r, u16 flags)
{
	ram_w16(r->avail, flags);
}

void ring_set_used_event(struct ring *r, u16 v)
{
	ram_w16(r->avail + 4 + 2 * (u64)r->num, v);
}

u16 ring_used_idx(const struct ring *r)
{
	return ram_r16(r->used + 2);
}

u16 ring_used_flags(const struct ring *r)
{
	return ram_r16(r->used);
}

u16 ring_avail_event(const struct ring *r)
{
	return ram_r16(r->used + 4 + 8 * (u64)r->num);
}

void ring_used_elem(const struct ring *r, u16 i, u32 *id, u32 *len)
{
	gpa_t e = r->used + 4 + 8 * (u64)(i % r->num);

	*id = ram_r32(e);
	*len = ram_r32(e + 4);
}

/* Stand-ins for core/entropy.c: a host source that always has bytes, for
 * the tests that link the emulator glue (its rng type reads the pool). */
const char *entropy_source_name(void)
{
	return "test-rng";
}

int entropy_read(void *buf, size_t len, bool wait)
{
	static u8 next;

	for (size_t i = 0; i < len; i++)
		((u8 *)buf)[i] = next++;
	return (int)MIN(len, (size_t)0x7fffffff);
}
