// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the snapshot validator (libs/snapfmt_read.c); built
 * and run by `make -C tests/unit O=<dir> fuzz-snapfmt` when clang is there.
 *
 * Each input is used twice:
 * - as a snapshot file, validated as it is;
 * - as patches to a small valid snapshot built here (every section type,
 *   4 KiB chunks): after a first byte of flags, each 3 bytes are a 16-bit
 *   offset and a byte to XOR there. Random bytes rarely get past the CRCs;
 *   patches do. With flag bit 0 clear, one patch that changes a byte some
 *   CRC covers must be refused, and patches that change no covered byte
 *   must be accepted: a validator that accepts damage, or refuses a file
 *   for bytes it must not read, aborts the run. With bit 0 set, the
 *   section, table and header CRCs are recomputed after patching (as a
 *   hostile writer would), so the patches reach the checks behind them:
 *   table entries, the set of sections, fields, the RAM map.
 *
 * If FUZZ_SNAPFMT_SEED names a file, the valid snapshot is written there at
 * start, so the corpus (the Makefile puts it in the corpus directory)
 * starts from a real snapshot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <crc32c.h>
#include <snapfmt.h>

#define PAGE		4096u
#define RAM_PAGES	3u
#define MAX_SECS	10

struct seed {
	uint8_t *file;
	size_t len;
	uint64_t meta_end;		/* sections and table: 0x1000 up to here */
	uint64_t data_offset;
};

static struct seed seed;

struct sec {
	uint16_t type, flags;
	const char *name;
	uint8_t buf[2048];
	size_t len;
};

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_snapfmt: building the seed: %s\n", what);
		abort();
	}
}

static void done(struct snap_tlv_writer *w, struct sec *s)
{
	check(snap_tlv_finish(w, &s->len) == 0, "a section does not fit");
}

static void virtio(struct snap_tlv_writer *w, uint32_t id, uint32_t queues)
{
	uint64_t q64[2] = { 0x40001000, 0x40002000 };
	uint32_t q32[2] = { 256, 1 };

	snap_tlv_put_u64(w, SNAP_VIRTIO_BASE, SNAP_M, 0x0a000000 + id * 0x200);
	snap_tlv_put_u32(w, SNAP_VIRTIO_DEVICE_ID, SNAP_M, id);
	for (uint16_t t = SNAP_VIRTIO_STATUS; t <= SNAP_VIRTIO_LINE; t++) {
		if (t == SNAP_VIRTIO_DEVICE_FEATURES || t == SNAP_VIRTIO_DRIVER_FEATURES ||
		    t == SNAP_VIRTIO_FEATURES)
			snap_tlv_put_u64(w, t, SNAP_M, 1ull << 32);
		else if (t != SNAP_VIRTIO_SHM_SEL)
			snap_tlv_put_u32(w, t, SNAP_M, 0);
	}
	for (uint16_t t = SNAP_VIRTIO_QUEUE_NUM; t <= SNAP_VIRTIO_QUEUE_ERROR; t++) {
		bool wide = t >= SNAP_VIRTIO_QUEUE_DESC && t <= SNAP_VIRTIO_QUEUE_DEVICE;

		snap_tlv_put_array(w, t, SNAP_M, wide ? 8 : 4, queues, wide ? (void *)q64 : q32);
	}
	snap_tlv_put_array(w, SNAP_VIRTIO_QUEUE_FLAGS, SNAP_O, 4, queues, q32);
}

/* 3 pages in 4 KiB chunks; page 1 present. */
static void put_ram(struct sec *s, const uint8_t *bitmap, const uint32_t *chunk_crc,
		    uint64_t data_offset)
{
	struct snap_tlv_writer w;

	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	snap_tlv_put_u64(&w, SNAP_RAM_BASE, SNAP_M, 0x40000000);
	snap_tlv_put_u64(&w, SNAP_RAM_SIZE, SNAP_M, RAM_PAGES * PAGE);
	snap_tlv_put_u32(&w, SNAP_RAM_PAGE_SIZE, SNAP_M, PAGE);
	snap_tlv_put_u32(&w, SNAP_RAM_CHUNK_SIZE, SNAP_M, PAGE);
	snap_tlv_put_u64(&w, SNAP_RAM_DATA_OFFSET, SNAP_M, data_offset);
	snap_tlv_put_bytes(&w, SNAP_RAM_PRESENT, SNAP_M, bitmap, 1);
	snap_tlv_put_array(&w, SNAP_RAM_CHUNK_CRC, SNAP_M, 4, RAM_PAGES, chunk_crc);
	snap_tlv_put_u64(&w, SNAP_RAM_PRESENT_COUNT, SNAP_O, 1);
	done(&w, s);
}

/* A snapshot with one section of every type a file may hold. */
static void build_seed(void)
{
	static struct sec secs[MAX_SECS];
	uint8_t bitmap[1] = { 0 }, page[PAGE];
	uint32_t chunk_crc[RAM_PAGES] = { 0 }, zeros[32] = { 0 };
	uint64_t at = SNAP_SECTIONS_START, x[31] = { 0 }, v[64] = { 0 };
	struct snap_tlv_writer w;
	struct snap_header h;
	unsigned int n = 0;
	struct sec *s;

	for (unsigned int i = 0; i < PAGE; i++)
		page[i] = (uint8_t)(i * 7);
	snap_ram_present_set(bitmap, 1);
	chunk_crc[1] = crc32c(0, page, PAGE);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_CONFIG, .flags = SNAP_SEC_MANDATORY, .name = "/" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	snap_tlv_put_bytes(&w, SNAP_CONFIG_DTB, SNAP_M, "\xd0\x0d\xfe\xed", 4);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_MACHINE, .flags = SNAP_SEC_MANDATORY, .name = "/" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	snap_tlv_put_bytes(&w, SNAP_MACHINE_NAME, SNAP_M, "fuzz0", 5);
	snap_tlv_put_u32(&w, SNAP_MACHINE_VCPUS, SNAP_M, 1);
	snap_tlv_put_u64(&w, SNAP_MACHINE_RAM_BASE, SNAP_M, 0x40000000);
	snap_tlv_put_u64(&w, SNAP_MACHINE_RAM_SIZE, SNAP_M, RAM_PAGES * PAGE);
	snap_tlv_put_u32(&w, SNAP_MACHINE_RUN_STATE, SNAP_M, 2);
	snap_tlv_put_u64(&w, SNAP_MACHINE_COUNTER_FREQ, SNAP_M, 62500000);
	snap_tlv_put_u64(&w, SNAP_MACHINE_VCOUNTER, SNAP_M, 12345);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_HOST, .name = "/" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	snap_tlv_put_bytes(&w, SNAP_HOST_BOARD, SNAP_O, "qemu-virt", 9);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_ARM64_VCPU, .flags = SNAP_SEC_MANDATORY,
			   .name = "/cpus/cpu@0" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	snap_tlv_put_u32(&w, SNAP_VCPU_INDEX, SNAP_M, 0);
	snap_tlv_put_u64(&w, SNAP_VCPU_MPIDR, SNAP_M, 0x80000000);
	snap_tlv_put_array(&w, SNAP_VCPU_X, SNAP_M, 8, 31, x);
	snap_tlv_put_u64(&w, SNAP_VCPU_PC, SNAP_M, 0x40000000);
	snap_tlv_put_u64(&w, SNAP_VCPU_PSTATE, SNAP_M, 0x3c5);
	snap_tlv_put_u32(&w, SNAP_VCPU_POWER_STATE, SNAP_M, 2);
	snap_tlv_put_u64(&w, SNAP_VCPU_ON_ENTRY, SNAP_M, 0x40000000);
	snap_tlv_put_u64(&w, SNAP_VCPU_ON_CONTEXT, SNAP_M, 0);
	for (uint16_t t = SNAP_VCPU_SCTLR_EL1; t <= SNAP_VCPU_MDSCR_EL1; t++)
		snap_tlv_put_u64(&w, t, SNAP_M, 0);
	snap_tlv_put_array(&w, SNAP_VCPU_V, SNAP_M, 16, 32, v);
	for (uint16_t t = SNAP_VCPU_FPSR; t <= SNAP_VCPU_FPCR; t++)
		snap_tlv_put_u64(&w, t, SNAP_M, 0);
	for (uint16_t t = SNAP_VCPU_CNTV_CTL; t <= SNAP_VCPU_CNTV_CVAL; t++)
		snap_tlv_put_u64(&w, t, SNAP_M, 0);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_ARM64_VGICV3, .flags = SNAP_SEC_MANDATORY,
			   .name = "/intc@8000000" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	snap_tlv_put_u32(&w, SNAP_VGIC_VCPUS, SNAP_M, 1);
	snap_tlv_put_u32(&w, SNAP_VGIC_SPIS, SNAP_M, 32);
	snap_tlv_put_u64(&w, SNAP_VGIC_DIST_BASE, SNAP_M, 0x08000000);
	snap_tlv_put_u64(&w, SNAP_VGIC_REDIST_BASE, SNAP_M, 0x080a0000);
	snap_tlv_put_u32(&w, SNAP_VGIC_CTLR, SNAP_M, 2);
	for (uint16_t t = SNAP_VGIC_SPI_GROUP; t <= SNAP_VGIC_SPI_LINE; t++)
		snap_tlv_put_array(&w, t, SNAP_M, 4, 1, zeros);
	snap_tlv_put_array(&w, SNAP_VGIC_SPI_PRIORITY, SNAP_M, 1, 32, zeros);
	snap_tlv_put_array(&w, SNAP_VGIC_SPI_ROUTE, SNAP_M, 8, 32, v);
	for (uint16_t t = SNAP_VGIC_REDIST_WAKER; t <= SNAP_VGIC_PRIVATE_LINE; t++)
		snap_tlv_put_array(&w, t, SNAP_M, 4, 1, zeros);
	snap_tlv_put_array(&w, SNAP_VGIC_PRIVATE_PRIORITY, SNAP_M, 1, 32, zeros);
	snap_tlv_put_array(&w, SNAP_VGIC_ICH_VMCR, SNAP_M, 4, 1, zeros);
	snap_tlv_put_array(&w, SNAP_VGIC_ICH_AP0R, SNAP_M, 4, 4, zeros);
	snap_tlv_put_array(&w, SNAP_VGIC_ICH_AP1R, SNAP_M, 4, 4, zeros);
	snap_tlv_put_array(&w, SNAP_VGIC_INFLIGHT, SNAP_M, 8, 1, v);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_PL011, .flags = SNAP_SEC_MANDATORY,
			   .name = "/devices/uart0" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	snap_tlv_put_u64(&w, SNAP_PL011_BASE, SNAP_M, 0x09000000);
	for (uint16_t t = SNAP_PL011_CR; t <= SNAP_PL011_DMACR; t++)
		snap_tlv_put_u32(&w, t, SNAP_M, 0);
	snap_tlv_put_bytes(&w, SNAP_PL011_RX_FIFO, SNAP_M, "", 0);
	snap_tlv_put_u32(&w, SNAP_PL011_LINE, SNAP_M, 0);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_VIRTIO_BLK, .flags = SNAP_SEC_MANDATORY,
			   .name = "/devices/disk0" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	virtio(&w, 2, 1);
	snap_tlv_put_u64(&w, SNAP_VIRTIO_BLK_CAPACITY, SNAP_M, 2048);
	snap_tlv_put_bytes(&w, SNAP_VIRTIO_BLK_BACKEND, SNAP_M, "vda3", 4);
	snap_tlv_put_u64(&w, SNAP_VIRTIO_BLK_BACKEND_OFFSET, SNAP_M, 0);
	snap_tlv_put_u64(&w, SNAP_VIRTIO_BLK_BACKEND_SIZE, SNAP_M, 1 << 20);
	snap_tlv_put_u32(&w, SNAP_VIRTIO_BLK_READ_ONLY, SNAP_M, 0);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_VIRTIO_NET, .flags = SNAP_SEC_MANDATORY,
			   .name = "/devices/net0" };
	snap_tlv_writer_init(&w, s->buf, sizeof(s->buf));
	virtio(&w, 1, 2);
	snap_tlv_put_bytes(&w, SNAP_VIRTIO_NET_MAC, SNAP_M, "\x52\x54\x00\x12\x34\x56", 6);
	snap_tlv_put_bytes(&w, SNAP_VIRTIO_NET_SWITCH, SNAP_M, "sw0", 3);
	done(&w, s);

	s = &secs[n++];
	*s = (struct sec){ .type = SNAP_SEC_RAM, .flags = SNAP_SEC_MANDATORY,
			   .name = "/memory@40000000" };
	put_ram(s, bitmap, chunk_crc, 0);			/* its length */
	for (unsigned int i = 0; i < n; i++)
		at += secs[i].len;
	seed.meta_end = at + (uint64_t)n * SNAP_TOC_ENTRY_SIZE;
	seed.data_offset = (seed.meta_end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	put_ram(s, bitmap, chunk_crc, seed.data_offset);

	/* the table right after the sections; padding after it to the RAM */
	seed.len = seed.data_offset + RAM_PAGES * PAGE;
	seed.file = calloc(1, seed.len);
	check(seed.file != NULL, "out of memory");
	at = SNAP_SECTIONS_START;
	for (unsigned int i = 0; i < n; i++) {
		memcpy(seed.file + at, secs[i].buf, secs[i].len);
		at += secs[i].len;
	}
	snap_header_init(&h, SNAP_ARCH_ARM64, PAGE);
	h.toc_offset = at;
	at = SNAP_SECTIONS_START;
	for (unsigned int i = 0; i < n; i++) {
		struct snap_toc_entry e = {
			.type = secs[i].type, .version = 1, .flags = secs[i].flags,
			.offset = at, .length = secs[i].len,
			.crc = crc32c(0, secs[i].buf, secs[i].len),
		};

		strcpy(e.name, secs[i].name);
		check(snap_toc_entry_encode(&e, seed.file + h.toc_offset +
					    (size_t)i * SNAP_TOC_ENTRY_SIZE) == 0, "entry");
		at += secs[i].len;
	}
	memcpy(seed.file + seed.data_offset + PAGE, page, PAGE);
	h.flags = SNAP_HDR_COMPLETE;
	h.toc_count = n;
	h.toc_length = (uint64_t)n * SNAP_TOC_ENTRY_SIZE;
	h.toc_crc = crc32c(0, seed.file + h.toc_offset, h.toc_length);
	h.file_length = seed.len;
	strcpy(h.producer, "fuzz_snapfmt");
	strcpy(h.guest_name, "fuzz0");
	check(snap_header_encode(&h, seed.file, seed.len) == 0, "header");
	check(snap_validate(seed.file, seed.len, NULL, NULL, NULL, 0) == 0, "it does not validate");
}

/* Bytes some CRC covers: the header, the sections and the table, the
 * present page (page 1). */
static int covered(uint64_t off)
{
	return off < SNAP_HEADER_SIZE ||
	       (off >= SNAP_SECTIONS_START && off < seed.meta_end) ||
	       (off >= seed.data_offset + PAGE && off < seed.data_offset + 2 * PAGE);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("FUZZ_SNAPFMT_SEED");

	build_seed();
	if (path) {
		FILE *f = fopen(path, "wb");

		if (!f || fwrite(seed.file, 1, seed.len, f) != seed.len || fclose(f))
			fprintf(stderr, "fuzz_snapfmt: cannot write %s\n", path);
	}
	return 0;
}

/* Recomputes every CRC the patched snapshot's own fields locate (not the
 * RAM chunks'), with bounds checks of its own: the fields are fuzzed too. */
static void reseal(uint8_t *p, size_t len)
{
	uint64_t toc = snap_le64(p + 0x20), toc_len = snap_le64(p + 0x30);
	uint32_t count = snap_le32(p + 0x28), esize = snap_le32(p + 0x2c);
	uint32_t hsize = snap_le32(p + 0x0c);

	if (toc <= len && toc_len <= len - toc && esize >= SNAP_TOC_ENTRY_SIZE &&
	    (uint64_t)count * esize <= toc_len) {
		for (uint32_t i = 0; i < count; i++) {
			uint8_t *e = p + toc + (uint64_t)i * esize;
			uint64_t off = snap_le64(e + 0x08), n = snap_le64(e + 0x10);

			if (off <= len && n <= len - off)
				snap_put_le32(e + 0x18, crc32c(0, p + off, n));
		}
		snap_put_le32(p + 0x38, crc32c(0, p + toc, toc_len));
	}
	if (hsize < 0x14 || hsize > len)
		hsize = SNAP_HEADER_SIZE;
	snap_put_le32(p + 0x10, snap_header_crc(p, hsize));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snap_validate_opts opts = {
		.name = "fuzz", .build = "fuzz", .arch = SNAP_ARCH_ARM64, .page_size = PAGE,
	};
	struct snap_info info;
	size_t patches = size ? (size - 1) / 3 : 0;
	bool resealed = size && (data[0] & 1);
	int hit = 0, ret;
	char msg[256];
	uint8_t *p;

	/* the input as a file (libFuzzer's buffer is exactly size bytes) */
	snap_validate(data, size, &opts, &info, msg, sizeof(msg));
	snap_validate(data, size, NULL, NULL, NULL, 0);

	/* the input as patches to the valid snapshot, in an exact heap copy */
	p = malloc(seed.len);
	if (!p)
		return 0;
	memcpy(p, seed.file, seed.len);
	for (size_t i = 0; i < patches; i++) {
		const uint8_t *r = data + 1 + 3 * i;

		p[(uint64_t)(r[0] | r[1] << 8) % seed.len] ^= r[2];
	}
	if (resealed) {
		reseal(p, seed.len);
		snap_validate(p, seed.len, &opts, &info, msg, sizeof(msg));
		/* As a restore reads it: the metadata only (in an exact heap
		 * copy, so a read past it is caught), the RAM left in a store. */
		opts.container_len = seed.len + (data[0] >> 1) * 4096ull;
		uint8_t *meta = malloc(seed.data_offset);

		if (meta) {
			memcpy(meta, p, seed.data_offset);
			snap_validate(meta, seed.data_offset, &opts, &info, msg, sizeof(msg));
			free(meta);
		}
		free(p);
		return 0;
	}
	/* Patches may cancel each other, or forge a CRC: a covered byte counts
	 * as changed if it differs in the end, and only one patch's damage is
	 * sure to be detected (a CRC32C catches any burst of up to 32 bits). */
	for (size_t i = 0; i < patches; i++) {
		const uint8_t *r = data + 1 + 3 * i;
		uint64_t off = (uint64_t)(r[0] | r[1] << 8) % seed.len;

		hit |= p[off] != seed.file[off] && covered(off);
	}
	ret = snap_validate(p, seed.len, &opts, &info, msg, sizeof(msg));
	if (!hit && ret != 0) {
		fprintf(stderr, "refused for bytes no CRC covers: %s\n", msg);
		abort();
	}
	if (hit && patches == 1 && ret == 0) {
		fprintf(stderr, "accepted a damaged snapshot\n");
		abort();
	}
	free(p);
	return 0;
}
