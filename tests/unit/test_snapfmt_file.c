// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of snap_validate (libs/snapfmt_read.c) on whole files: the
 * example of docs/snapshot-format.md built with the codec's writer and
 * compared with the spec's offsets and CRCs, every corruption case of the
 * spec's error table with its own error and message, the other checks of
 * "Reading and validation", and a deterministic mutation loop: a mutation
 * of a byte some CRC covers is always refused, any other byte never
 * matters, and nothing outside the file is read (ASan, with the tail of a
 * truncated file poisoned).
 */
#include "unit.h"
#include <stdlib.h>
#include <sanitizer/asan_interface.h>
#include <crc32c.h>
#include <snapfmt.h>

/* The example's configuration node as `dtc -I dts -O dtb` (DTC 1.6.1)
 * compiles it: 336 bytes. */
static const uint8_t tiny0_dtb[336] = {
	0xd0, 0x0d, 0xfe, 0xed, 0x00, 0x00, 0x01, 0x50, 0x00, 0x00, 0x00, 0x38,
	0x00, 0x00, 0x01, 0x24, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x11,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c,
	0x00, 0x00, 0x00, 0xec, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0e,
	0x00, 0x00, 0x00, 0x00, 0x6b, 0x65, 0x73, 0x74, 0x72, 0x65, 0x6c, 0x2c,
	0x67, 0x75, 0x65, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x11,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x01, 0x62, 0x6f, 0x6f, 0x74, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x16,
	0x62, 0x61, 0x73, 0x69, 0x63, 0x2e, 0x62, 0x69, 0x6e, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x64, 0x65, 0x76, 0x69,
	0x63, 0x65, 0x73, 0x00, 0x00, 0x00, 0x00, 0x01, 0x75, 0x61, 0x72, 0x74,
	0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x61, 0x72, 0x6d, 0x2c, 0x70, 0x6c, 0x30, 0x31,
	0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x09, 0x63, 0x6f, 0x6d, 0x70, 0x61, 0x74, 0x69, 0x62,
	0x6c, 0x65, 0x00, 0x76, 0x63, 0x70, 0x75, 0x73, 0x00, 0x73, 0x69, 0x7a,
	0x65, 0x00, 0x6b, 0x65, 0x72, 0x6e, 0x65, 0x6c, 0x00, 0x72, 0x65, 0x67,
	0x00, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x72, 0x75, 0x70, 0x74, 0x73, 0x00
};

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

static void finish(struct snap_tlv_writer *w, struct sec *s)
{
	assert_int_equal(snap_tlv_finish(w, &s->len), 0);
}

static void add_sec(struct built *b, uint16_t type, uint16_t flags, const char *name)
{
	struct sec *s = &b->secs[b->n++];

	assert_true(b->n <= MAX_SECS);
	s->type = type;
	s->version = 1;
	s->flags = flags;
	s->name = name;
	s->len = 0;
}

static void put_config(struct built *b)
{
	struct sec *s = &b->secs[b->n - 1];
	struct snap_tlv_writer w;

	snap_tlv_writer_init(&w, s->payload, sizeof(s->payload));
	snap_tlv_put_bytes(&w, SNAP_CONFIG_DTB, SNAP_M, tiny0_dtb, sizeof(tiny0_dtb));
	snap_tlv_put_bytes(&w, SNAP_CONFIG_SOURCE_PATH, SNAP_O, "/guests/tiny0", 13);
	finish(&w, s);
}

/* counter-offset and boots are not given by the spec: see test_example_layout. */
static void put_machine(struct built *b, uint64_t ram_size)
{
	struct sec *s = &b->secs[b->n - 1];
	struct snap_tlv_writer w;

	snap_tlv_writer_init(&w, s->payload, sizeof(s->payload));
	snap_tlv_put_bytes(&w, SNAP_MACHINE_NAME, SNAP_M, "tiny0", 5);
	snap_tlv_put_u32(&w, SNAP_MACHINE_VCPUS, SNAP_M, 1);
	snap_tlv_put_u64(&w, SNAP_MACHINE_RAM_BASE, SNAP_M, 0x40000000);
	snap_tlv_put_u64(&w, SNAP_MACHINE_RAM_SIZE, SNAP_M, ram_size);
	snap_tlv_put_u32(&w, SNAP_MACHINE_RUN_STATE, SNAP_M, 1);
	snap_tlv_put_u64(&w, SNAP_MACHINE_COUNTER_FREQ, SNAP_M, 62500000);
	snap_tlv_put_u64(&w, SNAP_MACHINE_VCOUNTER, SNAP_M, 0x5d75c80);
	snap_tlv_put_u64(&w, SNAP_MACHINE_COUNTER_OFFSET, SNAP_O, 632716049 - 0x5d75c80);
	snap_tlv_put_u64(&w, SNAP_MACHINE_BOOTS, SNAP_O, 1);
	finish(&w, s);
}

static void put_host(struct built *b)
{
	struct sec *s = &b->secs[b->n - 1];
	struct snap_tlv_writer w;
	const char *cpu = "Cortex-A57 r1p0 (MIDR 0x411fd070)";

	snap_tlv_writer_init(&w, s->payload, sizeof(s->payload));
	snap_tlv_put_bytes(&w, SNAP_HOST_CPU, SNAP_O, cpu, strlen(cpu));
	snap_tlv_put_bytes(&w, SNAP_HOST_BOARD, SNAP_O, "qemu-virt", 9);
	snap_tlv_put_u32(&w, SNAP_HOST_CPUS, SNAP_O, 4);
	finish(&w, s);
}

static void put_vcpu(struct built *b, const struct model *m)
{
	struct sec *s = &b->secs[b->n - 1];
	struct snap_tlv_writer w;
	uint64_t x[31] = { 0x40200000 }, sys[SNAP_VCPU_MDSCR_EL1 - SNAP_VCPU_SCTLR_EL1 + 1] = { 0 };

	sys[SNAP_VCPU_SCTLR_EL1 - SNAP_VCPU_SCTLR_EL1] = 0x30d00800;
	sys[SNAP_VCPU_VBAR_EL1 - SNAP_VCPU_SCTLR_EL1] = 0x40000800;
	sys[SNAP_VCPU_SP_EL1 - SNAP_VCPU_SCTLR_EL1] = 0x40010000;
	sys[SNAP_VCPU_CPACR_EL1 - SNAP_VCPU_SCTLR_EL1] = 0x300000;
	snap_tlv_writer_init(&w, s->payload, sizeof(s->payload));
	snap_tlv_put_u32(&w, SNAP_VCPU_INDEX, SNAP_M, 0);
	snap_tlv_put_u64(&w, SNAP_VCPU_MPIDR, SNAP_M, 0x80000000);
	snap_tlv_put_array(&w, SNAP_VCPU_X, SNAP_M, 8, 31, x);
	if (!m->vcpu_without_pc)
		snap_tlv_put_u64(&w, SNAP_VCPU_PC, SNAP_M, 0x400010c8);
	snap_tlv_put_u64(&w, SNAP_VCPU_PSTATE, SNAP_M, 0x3c5);
	snap_tlv_put_u32(&w, SNAP_VCPU_POWER_STATE, SNAP_M, 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(sys); i++)
		snap_tlv_put_u64(&w, (uint16_t)(SNAP_VCPU_SCTLR_EL1 + i), SNAP_M, sys[i]);
	snap_tlv_array_begin(&w, SNAP_VCPU_V, SNAP_M, 16, 32);
	for (int i = 0; i < 32; i++)
		snap_tlv_array_elem128(&w, 0, 0);
	snap_tlv_put_u64(&w, SNAP_VCPU_FPSR, SNAP_M, 0);
	snap_tlv_put_u64(&w, SNAP_VCPU_FPCR, SNAP_M, 0);
	snap_tlv_put_u64(&w, SNAP_VCPU_CNTV_CTL, SNAP_M, 1);
	snap_tlv_put_u64(&w, SNAP_VCPU_CNTV_CVAL, SNAP_M, 0x5f5e100);
	finish(&w, s);
}

/* 988 SPIs, 1 vCPU. The values the spec leaves open (the groups, the
 * private edge bits) are the ones that give its CRC 0xc225c14b. */
static void put_vgic(struct built *b)
{
	struct sec *s = &b->secs[b->n - 1];
	struct snap_tlv_writer w;
	const uint32_t spis = 988, words = (spis + 31) / 32;
	uint32_t zero[4] = { 0 };

	snap_tlv_writer_init(&w, s->payload, sizeof(s->payload));
	snap_tlv_put_u32(&w, SNAP_VGIC_VCPUS, SNAP_M, 1);
	snap_tlv_put_u32(&w, SNAP_VGIC_SPIS, SNAP_M, spis);
	snap_tlv_put_u64(&w, SNAP_VGIC_DIST_BASE, SNAP_M, 0x08000000);
	snap_tlv_put_u64(&w, SNAP_VGIC_REDIST_BASE, SNAP_M, 0x080a0000);
	snap_tlv_put_u32(&w, SNAP_VGIC_CTLR, SNAP_M, 2);
	for (uint16_t tag = SNAP_VGIC_SPI_GROUP; tag <= SNAP_VGIC_SPI_LINE; tag++) {
		snap_tlv_array_begin(&w, tag, SNAP_M, 4, words);
		for (uint32_t k = 0; k < words; k++) {
			uint32_t v = 0;

			if (tag == SNAP_VGIC_SPI_GROUP)		/* every SPI the guest has */
				v = k + 1 < words ? 0xffffffff : (1u << (spis % 32)) - 1;
			else if ((tag == SNAP_VGIC_SPI_ENABLE || tag == SNAP_VGIC_SPI_LINE) && !k)
				v = 1u << 1;			/* SPI 1, the UART */
			snap_tlv_array_elem(&w, v);
		}
	}
	snap_tlv_array_begin(&w, SNAP_VGIC_SPI_PRIORITY, SNAP_M, 1, spis);
	for (uint32_t j = 0; j < spis; j++)
		snap_tlv_array_elem(&w, j == 1 ? 0xa0 : 0);
	snap_tlv_array_begin(&w, SNAP_VGIC_SPI_ROUTE, SNAP_M, 8, spis);
	for (uint32_t j = 0; j < spis; j++)
		snap_tlv_array_elem(&w, 0);
	for (uint16_t tag = SNAP_VGIC_REDIST_WAKER; tag <= SNAP_VGIC_PRIVATE_LINE; tag++) {
		uint32_t v = 0;

		if (tag == SNAP_VGIC_PRIVATE_GROUP)
			v = 0xffffffff;
		else if (tag == SNAP_VGIC_PRIVATE_ENABLE)
			v = 1u << 27;				/* the timer's PPI */
		else if (tag == SNAP_VGIC_PRIVATE_EDGE)
			v = 0xffff;				/* SGIs */
		snap_tlv_put_array(&w, tag, SNAP_M, 4, 1, &v);
	}
	snap_tlv_array_begin(&w, SNAP_VGIC_PRIVATE_PRIORITY, SNAP_M, 1, 32);
	for (uint32_t i = 0; i < 32; i++)
		snap_tlv_array_elem(&w, i == 27 ? 0xa0 : 0);
	snap_tlv_array_begin(&w, SNAP_VGIC_ICH_VMCR, SNAP_M, 4, 1);
	snap_tlv_array_elem(&w, 0xf0000002);
	snap_tlv_put_array(&w, SNAP_VGIC_ICH_AP0R, SNAP_M, 4, 4, zero);
	snap_tlv_put_array(&w, SNAP_VGIC_ICH_AP1R, SNAP_M, 4, 4, zero);
	snap_tlv_put_array(&w, SNAP_VGIC_INFLIGHT, SNAP_M, 8, 0, NULL);
	finish(&w, s);
}

static void put_uart(struct built *b, const struct model *m)
{
	static const uint32_t regs[] = { 0x301, 0x70, 13, 1, 0x12, 0x50, 0, 0, 0 };
	struct sec *s = &b->secs[b->n - 1];
	struct snap_tlv_writer w;

	snap_tlv_writer_init(&w, s->payload, sizeof(s->payload));
	snap_tlv_put_u64(&w, SNAP_PL011_BASE, SNAP_M, 0x09000000);
	if (m->uart_cr_u64)
		snap_tlv_put_u64(&w, SNAP_PL011_CR, SNAP_M, regs[0]);
	else
		snap_tlv_put_u32(&w, SNAP_PL011_CR, SNAP_M, regs[0]);
	for (unsigned int i = 1; i < ARRAY_SIZE(regs); i++)
		snap_tlv_put_u32(&w, (uint16_t)(SNAP_PL011_CR + i), SNAP_M, regs[i]);
	snap_tlv_put_bytes(&w, SNAP_PL011_RX_FIFO, SNAP_M, "ls\r", 3);
	snap_tlv_put_u32(&w, SNAP_PL011_LINE, SNAP_M, 1);
	if (m->uart_tag_0x20)
		snap_tlv_put_u32(&w, 0x20, m->uart_tag_0x20_flags, 7);
	finish(&w, s);
}

/* The RAM's present pages: 0 and 512 in the example (0 and 2 with 4 KiB
 * chunks); page 0 holds i mod 256, the other 255 - i mod 256. */
static uint64_t second_page(const struct built *b)
{
	return b->chunk == 0x200000 ? 512 : 2;
}

static void put_ram(struct built *b, struct sec *s, uint64_t size)
{
	uint8_t bitmap[128] = { 0 }, page[4096];
	uint64_t bytes = snap_ram_bitmap_size(size, 4096);
	uint32_t crcs[3] = { 0 };
	struct snap_tlv_writer w;

	assert_true(bytes <= sizeof(bitmap) && size / b->chunk <= ARRAY_SIZE(crcs));
	snap_ram_present_set(bitmap, 0);
	snap_ram_present_set(bitmap, second_page(b));
	for (int i = 0; i < 4096; i++)
		page[i] = (uint8_t)i;
	crcs[0] = crc32c(0, page, sizeof(page));
	for (int i = 0; i < 4096; i++)
		page[i] = (uint8_t)(255 - i);
	crcs[second_page(b) * 4096 / b->chunk] = crc32c(0, page, sizeof(page));
	snap_tlv_writer_init(&w, s->payload, sizeof(s->payload));
	snap_tlv_put_u64(&w, SNAP_RAM_BASE, SNAP_M, 0x40000000);
	snap_tlv_put_u64(&w, SNAP_RAM_SIZE, SNAP_M, size);
	snap_tlv_put_u32(&w, SNAP_RAM_PAGE_SIZE, SNAP_M, 4096);
	snap_tlv_put_u32(&w, SNAP_RAM_CHUNK_SIZE, SNAP_M, b->chunk);
	snap_tlv_put_u64(&w, SNAP_RAM_DATA_OFFSET, SNAP_M, b->data_offset);
	snap_tlv_put_bytes(&w, SNAP_RAM_PRESENT, SNAP_M, bitmap, bytes);
	snap_tlv_put_array(&w, SNAP_RAM_CHUNK_CRC, SNAP_M, 4, (uint32_t)(size / b->chunk), crcs);
	snap_tlv_put_u64(&w, SNAP_RAM_PRESENT_COUNT, SNAP_O, 2);
	finish(&w, s);
}

/* Recomputes the table's CRC and the header's from the file's own fields. */
static void reseal(uint8_t *file)
{
	uint64_t toc = snap_le64(file + 0x20), toc_len = snap_le64(file + 0x30);

	snap_put_le32(file + 0x38, crc32c(0, file + toc, toc_len));
	snap_put_le32(file + 0x10, snap_header_crc(file, snap_le32(file + 0x0c)));
}

static uint8_t *entry_ptr(uint8_t *file, unsigned int i)
{
	return file + snap_le64(file + 0x20) + (size_t)i * snap_le32(file + 0x2c);
}

/* After a change of section i's payload: its CRC, then the table and header. */
static void reseal_section(uint8_t *file, unsigned int i)
{
	uint8_t *e = entry_ptr(file, i);

	snap_put_le32(e + 0x18, crc32c(0, file + snap_le64(e + 0x08), snap_le64(e + 0x10)));
	reseal(file);
}

static void build(struct built *b, const struct model *m)
{
	uint64_t ram_size = m->ram_size ? m->ram_size : 0x400000, at = SNAP_SECTIONS_START;
	uint32_t esize = m->toc_entry_size ? m->toc_entry_size : SNAP_TOC_ENTRY_SIZE;
	struct snap_header h;
	uint8_t *f;

	memset(b, 0, sizeof(*b));
	b->chunk = m->ram_size ? 4096 : 0x200000;
	add_sec(b, SNAP_SEC_CONFIG, SNAP_SEC_MANDATORY, "/");
	put_config(b);
	add_sec(b, SNAP_SEC_MACHINE, SNAP_SEC_MANDATORY, "/");
	put_machine(b, ram_size);
	add_sec(b, SNAP_SEC_HOST, 0, "/");
	put_host(b);
	add_sec(b, SNAP_SEC_ARM64_VCPU, SNAP_SEC_MANDATORY, "/cpus/cpu@0");
	put_vcpu(b, m);
	add_sec(b, SNAP_SEC_ARM64_VGICV3, SNAP_SEC_MANDATORY, "/intc@8000000");
	put_vgic(b);
	add_sec(b, SNAP_SEC_PL011, SNAP_SEC_MANDATORY, "/devices/uart0");
	put_uart(b, m);
	add_sec(b, SNAP_SEC_RAM, SNAP_SEC_MANDATORY, "/memory@40000000");
	put_ram(b, &b->secs[E_RAM], ram_size);		/* its length; values below */
	if (m->uart_twice) {
		add_sec(b, SNAP_SEC_PL011, SNAP_SEC_MANDATORY, "/devices/uart0");
		put_uart(b, m);
	}
	if (m->gpu0) {
		struct snap_tlv_writer w;

		add_sec(b, 0x1200, SNAP_SEC_MANDATORY, "/devices/gpu0");
		snap_tlv_writer_init(&w, b->secs[b->n - 1].payload, PAYLOAD_MAX);
		snap_tlv_put_u64(&w, 1, SNAP_M, 0x0a000000);
		finish(&w, &b->secs[b->n - 1]);
	}
	if (m->unknown_optional) {
		add_sec(b, 0x0006, 0, "/");
		memset(b->secs[b->n - 1].payload, 0xee, 16);	/* not read: anything */
		b->secs[b->n - 1].len = 16;
	}
	/* the layout: sections from 0x1000, the table, RAM at the next chunk */
	for (unsigned int i = 0; i < b->n; i++) {
		b->off[i] = at;
		at += b->secs[i].len;
	}
	b->toc_offset = at;
	b->toc_length = (uint64_t)b->n * esize;
	b->data_offset = ALIGN_UP(b->toc_offset + b->toc_length, (uint64_t)b->chunk);
	put_ram(b, &b->secs[E_RAM], ram_size);
	b->len = b->data_offset + ram_size;
	f = b->file = calloc(1, b->len);
	assert_non_null(f);
	for (unsigned int i = 0; i < b->n; i++) {
		struct sec *s = &b->secs[i];
		struct snap_toc_entry e = {
			.type = s->type, .version = s->version, .flags = s->flags,
			.offset = b->off[i], .length = s->len, .crc = crc32c(0, s->payload, s->len),
		};

		strcpy(e.name, s->name);
		memcpy(f + b->off[i], s->payload, s->len);
		assert_int_equal(snap_toc_entry_encode(&e, f + b->toc_offset + (size_t)i * esize),
				 0);
	}
	for (int i = 0; i < 4096; i++) {
		f[b->data_offset + i] = (uint8_t)i;
		f[b->data_offset + second_page(b) * 4096 + i] = (uint8_t)(255 - i);
	}
	snap_header_init(&h, SNAP_ARCH_ARM64, 4096);
	h.flags = SNAP_HDR_COMPLETE;
	h.toc_offset = b->toc_offset;
	h.toc_count = b->n;
	h.toc_entry_size = esize;
	h.toc_length = b->toc_length;
	h.toc_crc = crc32c(0, f + b->toc_offset, b->toc_length);
	h.file_length = b->len;
	h.created_uptime_ns = 10123456789ull;
	h.sequence = 1;
	strcpy(h.producer, "Kestrel 0.1.0 (arm64, qemu-virt)");
	strcpy(h.guest_name, "tiny0");
	assert_int_equal(snap_header_encode(&h, f, b->len), 0);
}

static void example(struct built *b)
{
	static const struct model m;

	build(b, &m);
}

/* Makes the example's header and table the spec's, byte for byte: the
 * spec's machine section holds values it does not give (counter-offset,
 * boots), so its CRC, 0x40f85009, is written into the table as the spec
 * has it. The machine section then fails its CRC (check 14), after every
 * check of the header and the table. */
static void spec_metadata(struct built *b)
{
	snap_put_le32(entry_ptr(b->file, E_MACHINE) + 0x18, 0x40f85009);
	reseal(b->file);
	assert_int_equal(snap_le32(b->file + 0x38), 0xa3d4ae2f);
	assert_int_equal(snap_le32(b->file + 0x10), 0x5b3b9ebe);
}

/* Parses the hex digits of s ("4b53 5452 ...", spaces ignored) into out;
 * returns the byte count. The spec's hexdumps are pasted as they are. */
static size_t hex(const char *s, uint8_t *out)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = d;
		} else {
			out[n++] = (uint8_t)(hi << 4 | d);
			hi = -1;
		}
	}
	assert_int_equal(hi, -1);
	return n;
}

/* --- validating ---------------------------------------------------------------- */

static char notices[4][192];
static int nr_notices;

static void collect_notice(void *ctx, const char *msg)
{
	if (nr_notices < 4)
		snprintf(notices[nr_notices], sizeof(notices[0]), "%s", msg);
	nr_notices++;
}

static const struct snap_validate_opts opts = {
	.name = "tiny0-a", .build = "Kestrel 0.1.0", .arch = SNAP_ARCH_ARM64, .page_size = 4096,
	.notice = collect_notice,
};

/* Validates len bytes of file and checks the error and, when want_msg is
 * set, the message; returns the message for further checks. */
static const char *expect_at(const uint8_t *file, size_t len, const struct snap_validate_opts *o,
			     int want, const char *want_msg, const char *where, int line)
{
	static char msg[512];
	struct snap_info info;
	int ret;

	nr_notices = 0;
	memset(msg, 'x', sizeof(msg));
	ret = snap_validate(file, len, o, &info, msg, sizeof(msg));
	if (ret != want || (want_msg && strcmp(msg, want_msg)))
		fail_msg("%s:%d: got %d (%s) \"%s\", want %d%s%s%s", where, line, ret,
			 snap_strerror(ret), msg, want, want_msg ? " \"" : "", want_msg ? want_msg : "",
			 want_msg ? "\"" : "");
	if (!want)
		assert_string_equal(msg, "");
	return msg;
}
#define expect(f, len, want, msg) expect_at((f), (len), &opts, (want), (msg), __FILE__, __LINE__)

/* Points at the value of a field of section i, in the file. */
static uint8_t *field(uint8_t *file, unsigned int i, uint16_t tag)
{
	uint8_t *e = entry_ptr(file, i);
	struct snap_field f;

	assert_int_equal(snap_tlv_find(file + snap_le64(e + 0x08), snap_le64(e + 0x10), tag, &f),
			 1);
	return (uint8_t *)f.value;
}

/* --- the example ------------------------------------------------------------------- */

/* The layout table of the spec's example: offsets, lengths and CRCs. */
static void test_example_layout(void **state)
{
	static const struct {
		uint64_t off, len;
		uint32_t crc;
	} spec[] = {
		[E_CONFIG] = { 0x1000, 0x170, 0x6cfa1bf6 },
		[E_MACHINE] = { 0x1170, 0x090, 0x40f85009 },
		[E_HOST] = { 0x1200, 0x058, 0xa5ef2a6d },
		[E_VCPU] = { 0x1258, 0x528, 0x7bf8f9c8 },
		[E_VGIC] = { 0x1780, 0x27d0, 0xc225c14b },
		[E_UART] = { 0x3f50, 0x0c0, 0x74e3fc81 },
		[E_RAM] = { 0x4010, 0x100, 0x9cf5d832 },
	};
	struct built b;

	example(&b);
	assert_int_equal(b.n, 7);
	for (unsigned int i = 0; i < b.n; i++) {
		assert_int_equal(b.off[i], spec[i].off);
		assert_int_equal(b.secs[i].len, spec[i].len);
		/* The spec gives no counter-offset or boots: the machine
		 * section's CRC cannot be reproduced (see spec_metadata). */
		if (i != E_MACHINE)
			assert_int_equal(crc32c(0, b.secs[i].payload, b.secs[i].len), spec[i].crc);
	}
	assert_int_equal(b.toc_offset, 0x4110);
	assert_int_equal(b.toc_length, 0x380);
	assert_int_equal(b.data_offset, 0x200000);
	assert_int_equal(b.len, EXAMPLE_LEN);
	/* the two present pages, and their chunks' CRCs */
	assert_int_equal(crc32c(0, b.file + 0x200000, 0x1000), 0x9c71fe32);
	assert_int_equal(crc32c(0, b.file + 0x400000, 0x1000), 0x214941a8);
	spec_metadata(&b);
	free(b.file);
}

/* The ram section's bytes as the spec dumps them (its elided lines are zero). */
static void test_example_ram_section(void **state)
{
	static const char dump[] =
		"0100 0201 0800 0000 0000 0040 0000 0000"	/* 0x4010 */
		"0200 0201 0800 0000 0000 4000 0000 0000"
		"0300 0101 0400 0000 0010 0000 0000 0000"
		"0400 0101 0400 0000 0000 2000 0000 0000"
		"0500 0201 0800 0000 0000 2000 0000 0000"
		"0600 0301 8000 0000 0100 0000 0000 0000";	/* 0x4060 */
	static const char tail[] =
		"0000 0000 0000 0000 0700 0401 1000 0000"	/* 0x40e0 */
		"0400 0000 0200 0000 32fe 719c a841 4921"
		"0800 0200 0800 0000 0200 0000 0000 0000";
	uint8_t want[0x100] = { 0 };
	struct built b;

	example(&b);
	assert_int_equal(hex(dump, want), 0x60);
	want[0x40a8 - 0x4010] = 1;				/* page 512: byte 64, bit 0 */
	assert_int_equal(hex(tail, want + 0xd0), 0x30);
	assert_int_equal(b.secs[E_RAM].len, sizeof(want));
	assert_memory_equal(b.secs[E_RAM].payload, want, sizeof(want));
	free(b.file);
}

static void test_example_validates(void **state)
{
	struct snap_validate_opts any = { 0 };
	struct snap_info info;
	struct built b;
	char msg[256];

	example(&b);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(nr_notices, 0);
	assert_int_equal(snap_validate(b.file, b.len, NULL, &info, msg, sizeof(msg)), 0);
	assert_int_equal(info.header.arch, SNAP_ARCH_ARM64);	/* reported */
	assert_int_equal(info.header.page_size, 4096);
	assert_true(info.header.file_length == EXAMPLE_LEN);
	assert_string_equal(info.header.guest_name, "tiny0");
	assert_int_equal(info.sections, 7);
	assert_int_equal(info.skipped, 0);
	assert_int_equal(info.ram_sections, 1);
	assert_int_equal(info.present_pages, 2);
	assert_int_equal(snap_validate(b.file, b.len, &any, NULL, NULL, 0), 0);
	free(b.file);
}

/* A container larger than file_length (a store extent of whole units) is fine. */
static void test_longer_container(void **state)
{
	struct built b;
	uint8_t *big;

	example(&b);
	big = calloc(1, b.len + 0x200000);
	assert_non_null(big);
	memcpy(big, b.file, b.len);
	memset(big + b.len, 0xa5, 0x200000);
	expect(big, b.len + 0x200000, 0, NULL);
	free(big);
	free(b.file);
}

/* --- the error table, case by case --------------------------------------------------- */

static void test_error_header_bits(void **state)
{
	struct built b;

	example(&b);
	spec_metadata(&b);
	b.file[0x48] ^= 1;					/* created_unix_ns */
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC,
	       "snapshot tiny0-a: header CRC32C mismatch (stored 0x5b3b9ebe, computed 0xf0416194): the header is damaged");
	b.file[0x48] ^= 1;
	b.file[0x10] ^= 0x80;					/* header_crc itself */
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC, NULL);
	b.file[0x10] ^= 0x80;
	b.file[0x0c] ^= 1;					/* header_size 257 */
	expect(b.file, b.len, -SNAP_ERR_HEADER_SIZE,
	       "snapshot tiny0-a: header_size 257 is not a multiple of 8 from 256 to 4096: the header is damaged");
	b.file[0x0c] ^= 1;
	b.file[0x0d] ^= 2;					/* header_size 768 */
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC, NULL);
	b.file[0x0d] ^= 2;
	b.file[0x0d] ^= 0x20;					/* 0x2100: past 4096 */
	expect(b.file, b.len, -SNAP_ERR_HEADER_SIZE, NULL);
	b.file[0x0d] ^= 0x20;
	memset(b.file, 0, 8);
	expect(b.file, b.len, -SNAP_ERR_MAGIC,
	       "snapshot tiny0-a: not a Kestrel snapshot (magic 00 00 00 00 00 00 00 00)");
	free(b.file);
}

static void test_error_toc_bits(void **state)
{
	struct built b;

	example(&b);
	spec_metadata(&b);
	b.file[0x43b1] ^= 1;					/* entry 5's name */
	expect(b.file, b.len, -SNAP_ERR_TOC_CRC,
	       "snapshot tiny0-a: table of contents CRC32C mismatch (stored 0xa3d4ae2f, computed 0xea910b5f): the table is damaged");
	free(b.file);
}

static void test_error_device_section_bits(void **state)
{
	struct built b;

	example(&b);
	b.file[0x3ff8] ^= 1;					/* the UART's first FIFO byte */
	expect(b.file, b.len, -SNAP_ERR_SECTION_CRC,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): CRC32C mismatch (stored 0x74e3fc81, computed 0xceac3e0f)");
	free(b.file);
}

static void test_error_ram_chunk_bits(void **state)
{
	struct built b;

	example(&b);
	b.file[0x400000] ^= 1;					/* page 0x40200000, byte 0 */
	expect(b.file, b.len, -SNAP_ERR_CHUNK_CRC,
	       "snapshot tiny0-a: RAM chunk 1 (0x40200000-0x403fffff, 1 present page): CRC32C mismatch (stored 0x214941a8, computed 0xe3ecf7f6)");
	b.file[0x400000] ^= 1;
	b.file[0x200fff] ^= 0x40;
	expect(b.file, b.len, -SNAP_ERR_CHUNK_CRC, NULL);
	b.file[0x200fff] ^= 0x40;
	b.file[0x201000] ^= 0x40;		/* the slot of an absent page: never read */
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

static void test_error_truncated(void **state)
{
	struct built b;
	uint8_t *p;

	example(&b);
	p = malloc(0x3ff000);
	assert_non_null(p);
	memcpy(p, b.file, 0x3ff000);
	expect(p, 0x3ff000, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the header says 0x600000 bytes, the snapshot has 0x3ff000");
	expect(p, 100, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the snapshot has 100 bytes, less than a header");
	expect(p, 0, -SNAP_ERR_TRUNCATED, NULL);
	expect(b.file, b.len - 1, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the header says 0x600000 bytes, the snapshot has 0x5fffff");
	/* a header that says it is longer than the bytes there are */
	snap_put_le32(p + 0x0c, 512);
	snap_put_le32(p + 0x10, snap_header_crc(p, 512));
	expect(p, 300, -SNAP_ERR_TRUNCATED,
	       "snapshot tiny0-a: truncated: the header is 512 bytes, the snapshot has 300");
	free(p);
	free(b.file);
}

static void test_error_incomplete(void **state)
{
	struct built b;

	example(&b);
	b.file[0x14] &= (uint8_t)~SNAP_HDR_COMPLETE;
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_INCOMPLETE,
	       "snapshot tiny0-a: incomplete: its writer did not finish (COMPLETE flag clear); it is never restored");
	/* as written at step 4: no table, no length yet */
	memset(b.file + 0x20, 0, 0x28);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_INCOMPLETE, NULL);
	free(b.file);
}

static void test_error_section_twice(void **state)
{
	struct model m = { .uart_twice = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_DUPLICATE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011) appears twice in the table of contents (entries 5 and 7)");
	free(b.file);
	/* the same entry written twice: also twice, though they overlap */
	example(&b);
	memcpy(entry_ptr(b.file, E_RAM), entry_ptr(b.file, E_UART), SNAP_TOC_ENTRY_SIZE);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_DUPLICATE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011) appears twice in the table of contents (entries 5 and 6)");
	free(b.file);
}

static void test_error_unknown_mandatory_section(void **state)
{
	struct model m = { .gpu0 = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_UNKNOWN_SECTION,
	       "snapshot tiny0-a: section /devices/gpu0: type 0x1200 v1 is mandatory and unknown to this build (Kestrel 0.1.0)");
	free(b.file);
}

static void test_error_section_version(void **state)
{
	struct built b;

	example(&b);
	snap_put_le16(entry_ptr(b.file, E_VCPU) + 2, 3);
	reseal(b.file);
	/* This build reads version 1 only (there is no V - 1 yet). */
	expect(b.file, b.len, -SNAP_ERR_SECTION_VERSION,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu) is version 3; this build reads version 1");
	snap_put_le16(entry_ptr(b.file, E_VCPU) + 2, 0);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_VERSION, NULL);
	free(b.file);
}

static void test_error_unknown_mandatory_field(void **state)
{
	struct model m = { .uart_tag_0x20 = true, .uart_tag_0x20_flags = SNAP_M };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_FIELD_UNKNOWN,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0020 is mandatory and unknown to this build");
	free(b.file);
	m.uart_tag_0x20_flags = SNAP_O;				/* optional: skipped */
	build(&b, &m);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

static void test_error_malformed_field(void **state)
{
	struct model m = { .uart_cr_u64 = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0002 (cr): u64 of 8 bytes, expected u32");
	free(b.file);
}

static void test_error_missing_field(void **state)
{
	struct model m = { .vcpu_without_pc = true };
	struct built b;

	build(&b, &m);
	expect(b.file, b.len, -SNAP_ERR_FIELD_MISSING,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1): tag 0x0004 (pc) missing");
	free(b.file);
	/* on-entry and on-context are M when the vCPU is on-pending */
	example(&b);
	snap_put_le32(field(b.file, E_VCPU, SNAP_VCPU_POWER_STATE), 2);
	reseal_section(b.file, E_VCPU);
	expect(b.file, b.len, -SNAP_ERR_FIELD_MISSING,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1): tag 0x0007 (on-entry) missing");
	free(b.file);
}

static void test_error_format_arch_page_size(void **state)
{
	struct snap_validate_opts any = opts;
	struct built b;

	example(&b);
	snap_put_le16(b.file + 0x08, 2);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_FORMAT,
	       "snapshot tiny0-a: format 2.0 is newer than this build reads (1.x)");
	snap_put_le16(b.file + 0x08, 0);
	snap_put_le16(b.file + 0x0a, 9);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_FORMAT,
	       "snapshot tiny0-a: format 0.9 is older than this build reads (1.x)");
	snap_put_le16(b.file + 0x08, 1);			/* any minor is read */
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	snap_put_le16(b.file + 0x0a, 0);

	snap_put_le16(b.file + 0x18, SNAP_ARCH_RISCV64);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_ARCH,
	       "snapshot tiny0-a: the snapshot is of a riscv64 guest; this hypervisor is arm64");
	/* a reader for any arch takes it, then refuses the arm64 sections */
	any.arch = 0;
	expect_at(b.file, b.len, &any, -SNAP_ERR_SECTION_SET,
		  "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1) holds arm64 state, but the snapshot is of a riscv64 guest",
		  __FILE__, __LINE__);
	snap_put_le16(b.file + 0x18, 7);
	reseal(b.file);
	expect_at(b.file, b.len, &any, -SNAP_ERR_ARCH,
		  "snapshot tiny0-a: arch 7 is not one the format defines", __FILE__, __LINE__);
	snap_put_le16(b.file + 0x18, SNAP_ARCH_ARM64);

	snap_put_le32(b.file + 0x1c, 16384);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_PAGE_SIZE,
	       "snapshot tiny0-a: the snapshot has 16384-byte pages; this build uses 4096");
	any.page_size = 0;		/* then the ram section disagrees with it */
	expect_at(b.file, b.len, &any, -SNAP_ERR_RAM,
		  "snapshot tiny0-a: section /memory@40000000 (ram v1): page-size 4096, the header says 16384",
		  __FILE__, __LINE__);
	snap_put_le32(b.file + 0x1c, 3000);
	reseal(b.file);
	expect_at(b.file, b.len, &any, -SNAP_ERR_PAGE_SIZE, NULL, __FILE__, __LINE__);
	snap_put_le32(b.file + 0x1c, 0);
	reseal(b.file);
	expect_at(b.file, b.len, &any, -SNAP_ERR_PAGE_SIZE, NULL, __FILE__, __LINE__);
	free(b.file);
}

/* --- the other checks -------------------------------------------------------------- */

static void test_header_flags(void **state)
{
	struct built b;

	example(&b);
	snap_put_le32(b.file + 0x14, SNAP_HDR_COMPLETE | SNAP_HDR_STREAM);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_STREAM,
	       "snapshot tiny0-a: a migration stream (STREAM flag set), not a snapshot file");
	for (unsigned int bit = 2; bit < 16; bit++) {
		snap_put_le32(b.file + 0x14, SNAP_HDR_COMPLETE | 1u << bit);
		reseal(b.file);
		expect(b.file, b.len, -SNAP_ERR_FLAGS, NULL);
	}
	for (unsigned int bit = 16; bit < 32; bit++) {		/* ignored */
		snap_put_le32(b.file + 0x14, SNAP_HDR_COMPLETE | 1u << bit);
		reseal(b.file);
		expect(b.file, b.len, 0, NULL);
	}
	/* a longer header: its CRC covers the reserved bytes after 256 too */
	snap_put_le32(b.file + 0x0c, 4096);
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	b.file[4000] = 1;
	expect(b.file, b.len, -SNAP_ERR_HEADER_CRC, NULL);
	snap_put_le32(b.file + 0x0c, 256);		/* then not covered, not read */
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

static void test_toc_geometry(void **state)
{
	static const struct {
		unsigned int off, size;
		uint64_t value;
		const char *msg;
	} cases[] = {
		{ 0x2c, 4, 120, "snapshot tiny0-a: toc_entry_size 120 is not a multiple of 8 of at least 128" },
		{ 0x2c, 4, 132, NULL },
		{ 0x28, 4, 0, "snapshot tiny0-a: toc_count 0 is not 1 to 4096" },
		{ 0x28, 4, 4097, NULL },
		{ 0x28, 4, 6, "snapshot tiny0-a: toc_length 0x380 is not toc_count 6 x toc_entry_size 128" },
		{ 0x30, 8, 0x300, NULL },
		{ 0x30, 8, 0x8000000000000380ull, NULL },
		{ 0x20, 8, 0x4114, "snapshot tiny0-a: toc_offset 0x4114 is not a multiple of 8 at or after 0x1000" },
		{ 0x20, 8, 0xff8, NULL },
		{ 0x20, 8, 0x600000 - 0x378, "snapshot tiny0-a: the table of contents (0x380 bytes at 0x5ffc88) ends past file_length 0x600000" },
		{ 0x20, 8, 0xfffffffffffffff8ull, NULL },
		{ 0x40, 8, 0x4400, NULL },			/* file_length inside the table */
	};
	struct built b;

	example(&b);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t save[8];

		memcpy(save, b.file + cases[i].off, 8);
		if (cases[i].size == 4)
			snap_put_le32(b.file + cases[i].off, (uint32_t)cases[i].value);
		else
			snap_put_le64(b.file + cases[i].off, cases[i].value);
		snap_put_le32(b.file + 0x10, snap_header_crc(b.file, 256));
		expect(b.file, b.len, -SNAP_ERR_TOC, cases[i].msg);
		memcpy(b.file + cases[i].off, save, 8);
	}
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

/* Entries longer than 128 bytes (a later minor version): the rest is ignored. */
static void test_longer_toc_entries(void **state)
{
	struct model m = { .toc_entry_size = 136 };
	struct built b;

	build(&b, &m);
	assert_int_equal(snap_le32(b.file + 0x2c), 136);
	memset(entry_ptr(b.file, E_UART) + 128, 0x77, 8);
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

/* Patches 8 bytes at off of entry i, reseals, expects err (and msg), restores. */
static void entry_case(struct built *b, unsigned int i, unsigned int off, uint64_t v, int err,
		       const char *msg, int line)
{
	uint8_t *e = entry_ptr(b->file, i), save[8];

	memcpy(save, e + off, 8);
	snap_put_le64(e + off, v);
	reseal(b->file);
	expect_at(b->file, b->len, &opts, err, msg, __FILE__, line);
	memcpy(e + off, save, 8);
	reseal(b->file);
}

static void test_entries(void **state)
{
	struct built b;
	uint8_t *e;

	example(&b);
	e = entry_ptr(b.file, E_UART);
	entry_case(&b, E_UART, 0x08, 0x3f54, -SNAP_ERR_ENTRY,
		   "snapshot tiny0-a: section /devices/uart0 (pl011 v1): offset 0x3f54 is not a multiple of 8 at or after 0x1000",
		   __LINE__);
	entry_case(&b, E_UART, 0x08, 0xf00, -SNAP_ERR_ENTRY, NULL, __LINE__);
	entry_case(&b, E_UART, 0x10, 0xc4, -SNAP_ERR_ENTRY,
		   "snapshot tiny0-a: section /devices/uart0 (pl011 v1): length 0xc4 is not a multiple of 8",
		   __LINE__);
	entry_case(&b, E_UART, 0x08, 0x600000 - 0xb8, -SNAP_ERR_ENTRY,
		   "snapshot tiny0-a: section /devices/uart0 (pl011 v1): 0xc0 bytes at 0x5fff48 end past file_length 0x600000",
		   __LINE__);
	entry_case(&b, E_UART, 0x10, 0xfffffffffffffff8ull, -SNAP_ERR_ENTRY, NULL, __LINE__);
	entry_case(&b, E_UART, 0x08, 0x3f48, -SNAP_ERR_OVERLAP,
		   "snapshot tiny0-a: sections /intc@8000000 (arm64-vgicv3 v1) and /devices/uart0 (pl011 v1) overlap (entries 4 and 5)",
		   __LINE__);
	entry_case(&b, E_RAM, 0x08, 0x4018, -SNAP_ERR_OVERLAP,
		   "snapshot tiny0-a: section /memory@40000000 (ram v1) overlaps the table of contents",
		   __LINE__);
	/* an empty section overlaps nothing */
	entry_case(&b, E_HOST, 0x10, 0, -SNAP_ERR_SECTION_CRC, NULL, __LINE__);
	/* names */
	memcpy(e + 0x20 + 14, "/", 2);				/* "/devices/uart0/" */
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_ENTRY,
	       "snapshot tiny0-a: table entry 5: the name is not a valid device-tree path");
	memset(e + 0x20, 'a', SNAP_NAME_SIZE);			/* no NUL */
	e[0x20] = '/';
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_ENTRY, NULL);
	memset(e + 0x20, 0, SNAP_NAME_SIZE);
	strcpy((char *)e + 0x20, "/uart0");			/* valid, wrong for a pl011 */
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: section /uart0 (pl011 v1): a pl011 section is named /devices/<node>");
	free(b.file);
}

static void test_section_set(void **state)
{
	struct model m = { .unknown_optional = true };
	struct built b;
	uint8_t *e;

	/* an unknown optional section is skipped, with a notice */
	build(&b, &m);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(nr_notices, 1);
	assert_string_equal(notices[0], "snapshot tiny0-a: skipping optional section / (type 0x0006 v1)");
	free(b.file);
	/* and so is a known optional one of a version this build does not read */
	example(&b);
	snap_put_le16(entry_ptr(b.file, E_HOST) + 2, 2);
	reseal(b.file);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(nr_notices, 1);
	assert_string_equal(notices[0], "snapshot tiny0-a: skipping optional section / (type 0x0005 v2)");
	snap_put_le16(entry_ptr(b.file, E_HOST) + 2, 1);
	/* the sections a snapshot must have */
	e = entry_ptr(b.file, E_VGIC);
	snap_put_le16(e, 0x0006);				/* unknown, optional */
	snap_put_le16(e + 4, 0);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: no arm64-vgicv3 section /intc@8000000: the snapshot is damaged");
	snap_put_le16(e, SNAP_SEC_ARM64_VGICV3);
	snap_put_le16(e + 4, SNAP_SEC_MANDATORY);
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 4, 0);	/* then config v2 is skipped */
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 2, 2);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: no config section /: the snapshot is damaged");
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 2, 1);
	snap_put_le16(entry_ptr(b.file, E_CONFIG) + 4, SNAP_SEC_MANDATORY);
	/* a stream's record type in a file */
	snap_put_le16(entry_ptr(b.file, E_HOST), SNAP_SEC_RAM_PAGES);
	snap_put_le16(entry_ptr(b.file, E_HOST) + 4, SNAP_SEC_MANDATORY);
	reseal(b.file);
	expect(b.file, b.len, -SNAP_ERR_SECTION_SET,
	       "snapshot tiny0-a: section / (ram-pages v1) is a migration stream record, not part of a snapshot file");
	free(b.file);
}

/* Patches a field's value in a section, reseals its CRC. */
static void test_fields(void **state)
{
	struct built b;
	uint8_t *v, *p;

	example(&b);
	p = b.file + 0x3f50;					/* the pl011 section */
	p[0x3ff8 - 0x3f50 + 3] = 1;				/* the FIFO's padding */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_PADDING,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x000b: padding is not zero");
	p[0x3ff8 - 0x3f50 + 3] = 0;
	p[0x20] = 0x02;						/* tag 3 becomes 2 */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_ORDER,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0002 at offset 0x20 follows tag 0x0002: tags must strictly increase");
	p[0x20] = 0x03;
	p[0x22] = 9;						/* vtype */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_VTYPE,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0003: vtype 9 is not one of 1 to 4");
	p[0x22] = SNAP_VT_U64;					/* u64 of 4 bytes */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_LENGTH,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): tag 0x0003: u64 of length 4");
	p[0x22] = SNAP_VT_U32;
	p[0xb0] = 0;						/* tag 0x000c becomes 0 */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TAG,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): the field at offset 0xb0 has the reserved tag 0");
	p[0xb0] = 0x0c;
	p[0xb4] = 0x0c;						/* line: 12 bytes */
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, -SNAP_ERR_FIELD_BOUNDS,
	       "snapshot tiny0-a: section /devices/uart0 (pl011 v1): the field at offset 0xb0 runs past the section's end");
	p[0xb4] = 4;
	reseal_section(b.file, E_UART);
	expect(b.file, b.len, 0, NULL);

	/* array counts follow the section's own fields: 960 SPIs, 30 words */
	v = field(b.file, E_VGIC, SNAP_VGIC_SPIS);
	snap_put_le32(v, 960);
	reseal_section(b.file, E_VGIC);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /intc@8000000 (arm64-vgicv3 v1): tag 0x0010 (spi-group): array of 31 4-byte elements, expected an array of 30 4-byte elements");
	snap_put_le32(v, 988);
	v = field(b.file, E_VGIC, SNAP_VGIC_VCPUS);
	snap_put_le32(v, 2);
	reseal_section(b.file, E_VGIC);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /intc@8000000 (arm64-vgicv3 v1): tag 0x0020 (redist-waker): array of 1 4-byte elements, expected an array of 2 4-byte elements");
	snap_put_le32(v, 1);
	reseal_section(b.file, E_VGIC);
	expect(b.file, b.len, 0, NULL);
	/* an array of other elements */
	v = field(b.file, E_VCPU, SNAP_VCPU_X);
	snap_put_le32(v, 4);
	snap_put_le32(v + 4, 62);
	reseal_section(b.file, E_VCPU);
	expect(b.file, b.len, -SNAP_ERR_FIELD_TYPE,
	       "snapshot tiny0-a: section /cpus/cpu@0 (arm64-vcpu v1): tag 0x0003 (x): array of 62 4-byte elements, expected an array of 31 8-byte elements");
	free(b.file);
}

static void test_ram_checks(void **state)
{
	struct built b;
	uint8_t *v;

	example(&b);
	v = field(b.file, E_RAM, SNAP_RAM_PRESENT_COUNT);
	snap_put_le64(v, 3);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): present-count 3, but present has 2 bits set");
	snap_put_le64(v, 2);
	v = field(b.file, E_RAM, SNAP_RAM_DATA_OFFSET);
	snap_put_le64(v, 0);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): data-offset 0x0 lies before the end of the sections and the table (0x4490)");
	snap_put_le64(v, 0x400000);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): the RAM data (0x400000 bytes at 0x400000) ends past file_length 0x600000");
	snap_put_le64(v, 0x100000);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM, NULL);
	snap_put_le64(v, 0x200000);
	v = field(b.file, E_RAM, SNAP_RAM_CHUNK_SIZE);
	snap_put_le32(v, 0x300000);
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM, NULL);
	snap_put_le32(v, 0x100000);				/* 4 chunks, 2 CRCs */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): chunk-crc has 2 elements, expected 4");
	snap_put_le32(v, 0x200000);
	v = field(b.file, E_RAM, SNAP_RAM_BASE);
	snap_put_le64(v, 0x40001000);				/* not the name's */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): base 0x40001000 is not a page-aligned address equal to the name's");
	snap_put_le64(v, 0x40000000);
	v = field(b.file, E_RAM, SNAP_RAM_SIZE);
	snap_put_le64(v, 0x200000);				/* 1 chunk, 2 CRCs */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): present has 128 bytes, expected 64");
	snap_put_le64(v, 0x400000);
	reseal_section(b.file, E_RAM);
	/* the ram sections must be the machine's RAM (check 18's part) */
	v = field(b.file, E_MACHINE, SNAP_MACHINE_RAM_SIZE);
	snap_put_le64(v, 0x800000);
	reseal_section(b.file, E_MACHINE);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: the ram sections do not cover exactly the machine's RAM (0x800000 bytes at 0x40000000)");
	snap_put_le64(v, 0x400000);
	reseal_section(b.file, E_MACHINE);
	expect(b.file, b.len, 0, NULL);
	free(b.file);
}

/* 4 KiB chunks: 3 pages, a one-byte bitmap with 5 bits past the last page. */
static void test_small_chunks(void **state)
{
	struct model m = { .ram_size = 3 * 4096 };
	struct snap_info info;
	struct built b;
	uint8_t *v;

	build(&b, &m);
	assert_int_equal(b.len, b.data_offset + 3 * 4096);
	expect(b.file, b.len, 0, NULL);
	assert_int_equal(snap_validate(b.file, b.len, &opts, &info, NULL, 0), 0);
	assert_int_equal(info.present_pages, 2);
	v = field(b.file, E_RAM, SNAP_RAM_PRESENT);
	assert_int_equal(v[0], 0x05);
	v[0] |= 0x08;						/* page 3: there is none */
	reseal_section(b.file, E_RAM);
	expect(b.file, b.len, -SNAP_ERR_RAM,
	       "snapshot tiny0-a: section /memory@40000000 (ram v1): present has bits past the last page");
	v[0] = 0x05;
	reseal_section(b.file, E_RAM);
	b.file[b.data_offset + 2 * 4096 + 7] ^= 4;
	expect(b.file, b.len, -SNAP_ERR_CHUNK_CRC, NULL);
	free(b.file);
}

/* Without a name, messages start with what was wrong. */
static void test_messages_without_name(void **state)
{
	struct snap_validate_opts o = { 0 };
	struct built b;
	char small[16];

	example(&b);
	b.file[0x3ff8] ^= 1;
	expect_at(b.file, b.len, &o, -SNAP_ERR_SECTION_CRC,
		  "section /devices/uart0 (pl011 v1): CRC32C mismatch (stored 0x74e3fc81, computed 0xceac3e0f)",
		  __FILE__, __LINE__);
	/* a short buffer gets the start of the message, terminated */
	assert_int_equal(snap_validate(b.file, b.len, &opts, NULL, small, sizeof(small)),
			 -SNAP_ERR_SECTION_CRC);
	assert_string_equal(small, "snapshot tiny0-");
	assert_int_equal(snap_validate(b.file, b.len, &o, NULL, small, sizeof(small)),
			 -SNAP_ERR_SECTION_CRC);
	assert_string_equal(small, "section /device");
	free(b.file);
}

/* --- mutations ------------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same sequence on every host and run. */
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/* Whether a CRC the validator checks covers the byte at off: the header's
 * 256 bytes, the sections and the table (back to back from 0x1000), and
 * the two present pages. Nothing else is read. */
static bool covered(const struct built *b, uint64_t off)
{
	uint64_t second = b->data_offset + second_page(b) * 4096;

	return off < SNAP_HEADER_SIZE ||
	       (off >= SNAP_SECTIONS_START && off < b->toc_offset + b->toc_length) ||
	       (off >= b->data_offset && off < b->data_offset + 4096) ||
	       (off >= second && off < second + 4096);
}

/* Applies a mutation of n bytes at off, validates, undoes it; checks that
 * the file is refused exactly when a covered byte changed. Returns that. */
static bool mutate(struct built *b, uint64_t off, const uint8_t *x, unsigned int n)
{
	bool hit = false;
	char msg[256];
	int ret;

	for (unsigned int k = 0; k < n && off + k < b->len; k++) {
		b->file[off + k] ^= x[k];
		hit |= x[k] && covered(b, off + k);
	}
	ret = snap_validate(b->file, b->len, &opts, NULL, msg, sizeof(msg));
	for (unsigned int k = 0; k < n && off + k < b->len; k++)
		b->file[off + k] ^= x[k];
	if (hit && ret == 0)
		fail_msg("mutation at 0x%llx (%u bytes) accepted", (unsigned long long)off, n);
	if (!hit && ret != 0)
		fail_msg("mutation at 0x%llx (%u bytes) of bytes no CRC covers refused: %s",
			 (unsigned long long)off, n, msg);
	return hit;
}

/* Every byte of a small snapshot (4 KiB chunks), each flipped in one bit. */
static void test_every_byte_of_a_small_snapshot(void **state)
{
	struct model m = { .ram_size = 3 * 4096 };
	unsigned int refused = 0;
	struct built b;

	build(&b, &m);
	for (uint64_t off = 0; off < b.len; off++) {
		uint8_t x = (uint8_t)(1u << (off % 8));

		refused += mutate(&b, off, &x, 1);
	}
	print_message("      %zu bytes flipped: %u refused (CRC-covered), %zu accepted\n", b.len,
		      refused, b.len - refused);
	assert_int_equal(refused, SNAP_HEADER_SIZE + (b.toc_offset + b.toc_length - 0x1000) +
			 2 * 4096);
	free(b.file);
}

/* 20000 random mutations of one byte, or a burst of up to 4, of the example. */
static void test_random_mutations(void **state)
{
	unsigned int refused = 0, n = 20000;
	struct built b;

	example(&b);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t r = next(), off;
		uint8_t x[4] = { 0 };
		unsigned int len = r & 0x100 ? 1 + (unsigned int)(next() % 4) : 1;

		switch (r % 10) {
		case 0: case 1: case 2: case 3: case 4:		/* the metadata */
			off = next() % 0x4600;
			break;
		case 5: case 6:					/* the present pages */
			off = b.data_offset + (next() % 2) * 512 * 4096 + next() % 4096;
			break;
		case 7:						/* anywhere */
			off = next() % b.len;
			break;
		case 8:						/* reserved bytes */
			off = SNAP_HEADER_SIZE + next() % (SNAP_SECTIONS_START - SNAP_HEADER_SIZE);
			break;
		default:					/* the header */
			off = next() % SNAP_HEADER_SIZE;
			break;
		}
		for (unsigned int k = 0; k < len; k++)
			x[k] = (uint8_t)next();
		x[0] |= 1;					/* something changes */
		refused += mutate(&b, off, x, len);
	}
	print_message("      %u mutations: %u refused (CRC-covered), %u accepted\n", n, refused,
		      n - refused);
	assert_true(refused > n / 2 && refused < n);
	free(b.file);
}

/* Validates the first len bytes with the rest of the file poisoned: ASan
 * reports a read past len as it would past the end of a heap block. */
static int validate_prefix(struct built *b, size_t len)
{
	char msg[256];
	int ret;

	ASAN_POISON_MEMORY_REGION(b->file + len, b->len - len);
	ret = snap_validate(b->file, len, &opts, NULL, msg, sizeof(msg));
	ASAN_UNPOISON_MEMORY_REGION(b->file + len, b->len - len);
	return ret;
}

static void test_truncations(void **state)
{
	struct built b;

	example(&b);
	for (size_t len = 0; len < 0x5000; len++)		/* every cut of the metadata */
		assert_int_equal(validate_prefix(&b, len), -SNAP_ERR_TRUNCATED);
	for (int i = 0; i < 2000; i++)
		assert_int_equal(validate_prefix(&b, (size_t)(next() % b.len)),
				 -SNAP_ERR_TRUNCATED);
	assert_int_equal(validate_prefix(&b, b.len), 0);
	/* a mutation and a cut together */
	for (int i = 0; i < 2000; i++) {
		uint64_t off = next() % 0x4600;
		uint8_t x = (uint8_t)(next() | 1);
		size_t len = (size_t)(next() % (i % 2 ? 0x5000 : b.len));

		b.file[off] ^= x;
		assert_true(validate_prefix(&b, len) < 0);
		b.file[off] ^= x;
	}
	free(b.file);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_example_layout),
	cmocka_unit_test(test_example_ram_section),
	cmocka_unit_test(test_example_validates),
	cmocka_unit_test(test_longer_container),
	cmocka_unit_test(test_error_header_bits),
	cmocka_unit_test(test_error_toc_bits),
	cmocka_unit_test(test_error_device_section_bits),
	cmocka_unit_test(test_error_ram_chunk_bits),
	cmocka_unit_test(test_error_truncated),
	cmocka_unit_test(test_error_incomplete),
	cmocka_unit_test(test_error_section_twice),
	cmocka_unit_test(test_error_unknown_mandatory_section),
	cmocka_unit_test(test_error_section_version),
	cmocka_unit_test(test_error_unknown_mandatory_field),
	cmocka_unit_test(test_error_malformed_field),
	cmocka_unit_test(test_error_missing_field),
	cmocka_unit_test(test_error_format_arch_page_size),
	cmocka_unit_test(test_header_flags),
	cmocka_unit_test(test_toc_geometry),
	cmocka_unit_test(test_longer_toc_entries),
	cmocka_unit_test(test_entries),
	cmocka_unit_test(test_section_set),
	cmocka_unit_test(test_fields),
	cmocka_unit_test(test_ram_checks),
	cmocka_unit_test(test_small_chunks),
	cmocka_unit_test(test_messages_without_name),
	cmocka_unit_test(test_every_byte_of_a_small_snapshot),
	cmocka_unit_test(test_random_mutations),
	cmocka_unit_test(test_truncations),
};

UNIT_MAIN(tests, NULL, NULL)
