// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the snapshot codec's tests: the example of
 * docs/snapshot-format.md (and variants of it) built with the codec's
 * writer, the spec's hexdumps parsed, and snap_validate called with the
 * error and message checked.
 */
#include "snapfmt_fixture.h"

/* The example's configuration node as `dtc -I dts -O dtb` (DTC 1.6.1)
 * compiles it: 336 bytes. */
const uint8_t tiny0_dtb[336] = {
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
uint64_t second_page(const struct built *b)
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
void reseal(uint8_t *file)
{
	uint64_t toc = snap_le64(file + 0x20), toc_len = snap_le64(file + 0x30);

	snap_put_le32(file + 0x38, crc32c(0, file + toc, toc_len));
	snap_put_le32(file + 0x10, snap_header_crc(file, snap_le32(file + 0x0c)));
}

uint8_t *entry_ptr(uint8_t *file, unsigned int i)
{
	return file + snap_le64(file + 0x20) + (size_t)i * snap_le32(file + 0x2c);
}

/* After a change of section i's payload: its CRC, then the table and header. */
void reseal_section(uint8_t *file, unsigned int i)
{
	uint8_t *e = entry_ptr(file, i);

	snap_put_le32(e + 0x18, crc32c(0, file + snap_le64(e + 0x08), snap_le64(e + 0x10)));
	reseal(file);
}

void build(struct built *b, const struct model *m)
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

void example(struct built *b)
{
	static const struct model m;

	build(b, &m);
}

/* Makes the example's header and table the spec's, byte for byte: the
 * spec's machine section holds values it does not give (counter-offset,
 * boots), so its CRC, 0x40f85009, is written into the table as the spec
 * has it. The machine section then fails its CRC (check 14), after every
 * check of the header and the table. */
void spec_metadata(struct built *b)
{
	snap_put_le32(entry_ptr(b->file, E_MACHINE) + 0x18, 0x40f85009);
	reseal(b->file);
	assert_int_equal(snap_le32(b->file + 0x38), 0xa3d4ae2f);
	assert_int_equal(snap_le32(b->file + 0x10), 0x5b3b9ebe);
}

/* Parses the hex digits of s ("4b53 5452 ...", spaces ignored) into out;
 * returns the byte count. The spec's hexdumps are pasted as they are. */
size_t hex(const char *s, uint8_t *out)
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

char notices[4][192];
int nr_notices;

void collect_notice(void *ctx, const char *msg)
{
	if (nr_notices < 4)
		snprintf(notices[nr_notices], sizeof(notices[0]), "%s", msg);
	nr_notices++;
}

const struct snap_validate_opts opts = {
	.name = "tiny0-a", .build = "Kestrel 0.1.0", .arch = SNAP_ARCH_ARM64, .page_size = 4096,
	.notice = collect_notice,
};

/* Validates len bytes of file and checks the error and, when want_msg is
 * set, the message; returns the message for further checks. */
const char *expect_at(const uint8_t *file, size_t len, const struct snap_validate_opts *o,
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

/* Points at the value of a field of section i, in the file. */
uint8_t *field(uint8_t *file, unsigned int i, uint16_t tag)
{
	uint8_t *e = entry_ptr(file, i);
	struct snap_field f;

	assert_int_equal(snap_tlv_find(file + snap_le64(e + 0x08), snap_le64(e + 0x10), tag, &f),
			 1);
	return (uint8_t *)f.value;
}

/* --- the example ------------------------------------------------------------------- */
