// SPDX-License-Identifier: GPL-2.0
/* Snapshot format codec: header, table entries, names, the format 1.0 tables,
 * the tagged-field reader, the RAM map. */
#include <snapfmt.h>
#include <crc32c.h>
#include <string.h>

static const char *const snap_error_names[SNAP_ERR_COUNT] = {
	[0] = "success",
	[SNAP_ERR_TRUNCATED] = "truncated",
	[SNAP_ERR_MAGIC] = "not a snapshot",
	[SNAP_ERR_HEADER_SIZE] = "bad header size",
	[SNAP_ERR_HEADER_CRC] = "header CRC mismatch",
	[SNAP_ERR_FORMAT] = "unreadable format version",
	[SNAP_ERR_INCOMPLETE] = "incomplete",
	[SNAP_ERR_STREAM] = "a migration stream",
	[SNAP_ERR_FLAGS] = "unknown header flag",
	[SNAP_ERR_ARCH] = "architecture mismatch",
	[SNAP_ERR_PAGE_SIZE] = "page size mismatch",
	[SNAP_ERR_TOC] = "bad table of contents",
	[SNAP_ERR_TOC_CRC] = "table of contents CRC mismatch",
	[SNAP_ERR_ENTRY] = "bad table entry",
	[SNAP_ERR_OVERLAP] = "sections overlap",
	[SNAP_ERR_DUPLICATE] = "section twice",
	[SNAP_ERR_UNKNOWN_SECTION] = "unknown mandatory section",
	[SNAP_ERR_SECTION_VERSION] = "unreadable section version",
	[SNAP_ERR_SECTION_SET] = "wrong set of sections",
	[SNAP_ERR_SECTION_CRC] = "section CRC mismatch",
	[SNAP_ERR_FIELD_BOUNDS] = "field past its section",
	[SNAP_ERR_FIELD_TAG] = "reserved field tag",
	[SNAP_ERR_FIELD_ORDER] = "field tags out of order",
	[SNAP_ERR_FIELD_VTYPE] = "bad field vtype",
	[SNAP_ERR_FIELD_LENGTH] = "bad field length",
	[SNAP_ERR_FIELD_PADDING] = "field padding not zero",
	[SNAP_ERR_FIELD_UNKNOWN] = "unknown mandatory field",
	[SNAP_ERR_FIELD_TYPE] = "malformed field",
	[SNAP_ERR_FIELD_MISSING] = "missing field",
	[SNAP_ERR_RAM] = "bad RAM map",
	[SNAP_ERR_CHUNK_CRC] = "RAM chunk CRC mismatch",
	[SNAP_ERR_OVERFLOW] = "buffer too small",
	[SNAP_ERR_INVAL] = "invalid argument",
};

const char *snap_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= SNAP_ERR_COUNT)
		return "unknown error";
	return snap_error_names[err];
}

/* --- header -------------------------------------------------------------------- */

void snap_header_init(struct snap_header *h, uint16_t arch, uint32_t page_size)
{
	memset(h, 0, sizeof(*h));
	h->format_major = SNAP_FORMAT_MAJOR;
	h->format_minor = SNAP_FORMAT_MINOR;
	h->header_size = SNAP_HEADER_SIZE;
	h->arch = arch;
	h->page_size = page_size;
	h->toc_entry_size = SNAP_TOC_ENTRY_SIZE;
}

uint32_t snap_header_crc(const void *buf, uint32_t header_size)
{
	static const uint8_t zero[4];
	const uint8_t *p = buf;
	uint32_t crc;

	crc = crc32c(0, p, 0x10);
	crc = crc32c(crc, zero, sizeof(zero));
	return crc32c(crc, p + 0x14, header_size - 0x14);
}

static bool header_size_ok(uint32_t size)
{
	return size >= SNAP_HEADER_SIZE && size <= SNAP_HEADER_SIZE_MAX && size % 8 == 0;
}

int snap_header_encode(const struct snap_header *h, void *buf, size_t size)
{
	size_t producer = strnlen(h->producer, sizeof(h->producer));
	size_t guest = strnlen(h->guest_name, sizeof(h->guest_name));
	uint8_t *p = buf;

	if (!header_size_ok(h->header_size) || h->header_size > size ||
	    producer == sizeof(h->producer) || guest == sizeof(h->guest_name))
		return -SNAP_ERR_INVAL;
	memset(p, 0, h->header_size);
	memcpy(p, SNAP_MAGIC, SNAP_MAGIC_LEN);
	snap_put_le16(p + 0x08, h->format_major);
	snap_put_le16(p + 0x0a, h->format_minor);
	snap_put_le32(p + 0x0c, h->header_size);
	snap_put_le32(p + 0x14, h->flags);
	snap_put_le16(p + 0x18, h->arch);
	snap_put_le32(p + 0x1c, h->page_size);
	snap_put_le64(p + 0x20, h->toc_offset);
	snap_put_le32(p + 0x28, h->toc_count);
	snap_put_le32(p + 0x2c, h->toc_entry_size);
	snap_put_le64(p + 0x30, h->toc_length);
	snap_put_le32(p + 0x38, h->toc_crc);
	snap_put_le64(p + 0x40, h->file_length);
	snap_put_le64(p + 0x48, h->created_unix_ns);
	snap_put_le64(p + 0x50, h->created_uptime_ns);
	snap_put_le64(p + 0x58, h->sequence);
	memcpy(p + 0x60, h->producer, producer);
	memcpy(p + 0xa0, h->guest_name, guest);
	snap_put_le32(p + 0x10, snap_header_crc(p, h->header_size));
	return 0;
}

int snap_header_decode(const void *buf, size_t len, struct snap_header *h)
{
	const uint8_t *p = buf;

	if (len < SNAP_HEADER_SIZE)
		return -SNAP_ERR_TRUNCATED;
	if (memcmp(p, SNAP_MAGIC, SNAP_MAGIC_LEN))
		return -SNAP_ERR_MAGIC;
	h->format_major = snap_le16(p + 0x08);
	h->format_minor = snap_le16(p + 0x0a);
	h->header_size = snap_le32(p + 0x0c);
	h->header_crc = snap_le32(p + 0x10);
	h->flags = snap_le32(p + 0x14);
	h->arch = snap_le16(p + 0x18);
	h->page_size = snap_le32(p + 0x1c);
	h->toc_offset = snap_le64(p + 0x20);
	h->toc_count = snap_le32(p + 0x28);
	h->toc_entry_size = snap_le32(p + 0x2c);
	h->toc_length = snap_le64(p + 0x30);
	h->toc_crc = snap_le32(p + 0x38);
	h->file_length = snap_le64(p + 0x40);
	h->created_unix_ns = snap_le64(p + 0x48);
	h->created_uptime_ns = snap_le64(p + 0x50);
	h->sequence = snap_le64(p + 0x58);
	/* A damaged string loses its last byte rather than its terminator. */
	memcpy(h->producer, p + 0x60, sizeof(h->producer));
	h->producer[sizeof(h->producer) - 1] = '\0';
	memcpy(h->guest_name, p + 0xa0, sizeof(h->guest_name));
	h->guest_name[sizeof(h->guest_name) - 1] = '\0';
	return 0;
}

/* --- table of contents --------------------------------------------------------- */

int snap_toc_entry_encode(const struct snap_toc_entry *e, void *buf)
{
	size_t name = strnlen(e->name, sizeof(e->name));
	uint8_t *p = buf;

	if (name == sizeof(e->name))
		return -SNAP_ERR_INVAL;
	memset(p, 0, SNAP_TOC_ENTRY_SIZE);
	snap_put_le16(p + 0x00, e->type);
	snap_put_le16(p + 0x02, e->version);
	snap_put_le16(p + 0x04, e->flags);
	snap_put_le64(p + 0x08, e->offset);
	snap_put_le64(p + 0x10, e->length);
	snap_put_le32(p + 0x18, e->crc);
	snap_put_le32(p + 0x1c, e->aux);
	memcpy(p + 0x20, e->name, name);
	return 0;
}

void snap_toc_entry_decode(const void *buf, struct snap_toc_entry *e)
{
	const uint8_t *p = buf;

	e->type = snap_le16(p + 0x00);
	e->version = snap_le16(p + 0x02);
	e->flags = snap_le16(p + 0x04);
	e->offset = snap_le64(p + 0x08);
	e->length = snap_le64(p + 0x10);
	e->crc = snap_le32(p + 0x18);
	e->aux = snap_le32(p + 0x1c);
	memcpy(e->name, p + 0x20, sizeof(e->name));
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == ',' || c == '.' || c == '_' || c == '+' || c == '@' || c == '-';
}

/* A unit address: lowercase hex digits, no leading zero unless it is "0". */
static bool unit_ok(const char *s, size_t n)
{
	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

bool snap_name_valid(const char *name, size_t size)
{
	size_t len = strnlen(name, size);
	size_t i = 1;

	if (len == size || len == 0 || len > SNAP_NAME_SIZE - 1 || name[0] != '/')
		return false;
	if (len == 1)
		return true;
	for (;;) {
		size_t start = i, at = 0;

		for (; i < len && name[i] != '/'; i++) {
			if (!name_char(name[i]))
				return false;
			if (name[i] == '@') {
				if (at)
					return false;
				at = i;
			}
		}
		if (i == start || at == start)	/* an empty component or node name */
			return false;
		if (at && !unit_ok(name + at + 1, i - at - 1))
			return false;
		if (i == len)
			return true;
		i++;				/* the '/'; a trailing one ends empty */
	}
}

bool snap_name_unit(const char *name, uint64_t *unit)
{
	const char *last = strrchr(name, '/');
	const char *at = strchr(last ? last : name, '@');
	uint64_t v = 0;
	size_t n;

	if (!at)
		return false;
	n = strlen(at + 1);
	if (!unit_ok(at + 1, n) || n > 16)
		return false;
	for (size_t i = 1; i <= n; i++) {
		char c = at[i];

		v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	*unit = v;
	return true;
}

const char *snap_section_type_name(uint16_t type)
{
	const struct snap_type_spec *ts = snap_type_spec(type);

	return ts ? ts->name : NULL;
}

const char *snap_arch_name(uint16_t arch)
{
	switch (arch) {
	case SNAP_ARCH_ARM64:	return "arm64";
	case SNAP_ARCH_RISCV64:	return "riscv64";
	case SNAP_ARCH_X86_64:	return "x86_64";
	default:		return NULL;
	}
}

/* --- the format 1.0 tables ---------------------------------------------------------- */

/* The spec's tables, row by row: tag, vtype, M or O, name, and for arrays
 * and sized bytes the element size and count. */
#define SCALAR(t, vt, r, nm) \
	{ .tag = (t), .vtype = SNAP_VT_##vt, .req = SNAP_REQ_##r, .name = (nm) }
#define U32(t, r, nm)	SCALAR(t, U32, r, nm)
#define U64(t, r, nm)	SCALAR(t, U64, r, nm)
#define BYTES(t, r, nm)	SCALAR(t, BYTES, r, nm)

static const struct snap_tag_spec config_tags[] = {
	BYTES(SNAP_CONFIG_DTB, M, "dtb"),
	BYTES(SNAP_CONFIG_SOURCE_PATH, O, "source-path"),
};

static const struct snap_tag_spec machine_tags[] = {
	BYTES(SNAP_MACHINE_NAME, M, "name"),
	U32(SNAP_MACHINE_VCPUS, M, "vcpus"),
	U64(SNAP_MACHINE_RAM_BASE, M, "ram-base"),
	U64(SNAP_MACHINE_RAM_SIZE, M, "ram-size"),
	U32(SNAP_MACHINE_RUN_STATE, M, "run-state"),
	U64(SNAP_MACHINE_COUNTER_FREQ, M, "counter-freq"),
	U64(SNAP_MACHINE_VCOUNTER, M, "vcounter"),
	U64(SNAP_MACHINE_COUNTER_OFFSET, O, "counter-offset"),
	U64(SNAP_MACHINE_BOOTS, O, "boots"),
};

static const struct snap_tag_spec host_tags[] = {
	BYTES(SNAP_HOST_CPU, O, "host-cpu"),
	BYTES(SNAP_HOST_BOARD, O, "board"),
	U32(SNAP_HOST_CPUS, O, "host-cpus"),
};

/* The present bitmap's and chunk-crc's sizes are checked with the RAM (21). */
static const struct snap_tag_spec ram_tags[] = {
	U64(SNAP_RAM_BASE, M, "base"),
	U64(SNAP_RAM_SIZE, M, "size"),
	U32(SNAP_RAM_PAGE_SIZE, M, "page-size"),
	U32(SNAP_RAM_CHUNK_SIZE, M, "chunk-size"),
	U64(SNAP_RAM_DATA_OFFSET, M, "data-offset"),
	BYTES(SNAP_RAM_PRESENT, M, "present"),
	{ .tag = SNAP_RAM_CHUNK_CRC, .vtype = SNAP_VT_ARRAY, .elem = 4, .req = SNAP_REQ_M,
	  .name = "chunk-crc" },
	U64(SNAP_RAM_PRESENT_COUNT, O, "present-count"),
};

static const struct snap_tag_spec vcpu_tags[] = {
	U32(SNAP_VCPU_INDEX, M, "index"),
	U64(SNAP_VCPU_MPIDR, M, "mpidr"),
	{ .tag = SNAP_VCPU_X, .vtype = SNAP_VT_ARRAY, .elem = 8, .req = SNAP_REQ_M,
	  .count = SNAP_CNT_FIXED, .n = 31, .name = "x" },
	U64(SNAP_VCPU_PC, M, "pc"),
	U64(SNAP_VCPU_PSTATE, M, "pstate"),
	U32(SNAP_VCPU_POWER_STATE, M, "power-state"),
	U64(SNAP_VCPU_ON_ENTRY, M_IF_ON_PENDING, "on-entry"),
	U64(SNAP_VCPU_ON_CONTEXT, M_IF_ON_PENDING, "on-context"),
	U32(SNAP_VCPU_VSERROR, O, "vserror"),
	U64(SNAP_VCPU_SCTLR_EL1, M, "sctlr-el1"),
	U64(SNAP_VCPU_TTBR0_EL1, M, "ttbr0-el1"),
	U64(SNAP_VCPU_TTBR1_EL1, M, "ttbr1-el1"),
	U64(SNAP_VCPU_TCR_EL1, M, "tcr-el1"),
	U64(SNAP_VCPU_MAIR_EL1, M, "mair-el1"),
	U64(SNAP_VCPU_AMAIR_EL1, M, "amair-el1"),
	U64(SNAP_VCPU_VBAR_EL1, M, "vbar-el1"),
	U64(SNAP_VCPU_CONTEXTIDR_EL1, M, "contextidr-el1"),
	U64(SNAP_VCPU_TPIDR_EL0, M, "tpidr-el0"),
	U64(SNAP_VCPU_TPIDRRO_EL0, M, "tpidrro-el0"),
	U64(SNAP_VCPU_TPIDR_EL1, M, "tpidr-el1"),
	U64(SNAP_VCPU_SP_EL0, M, "sp-el0"),
	U64(SNAP_VCPU_SP_EL1, M, "sp-el1"),
	U64(SNAP_VCPU_ELR_EL1, M, "elr-el1"),
	U64(SNAP_VCPU_SPSR_EL1, M, "spsr-el1"),
	U64(SNAP_VCPU_ESR_EL1, M, "esr-el1"),
	U64(SNAP_VCPU_FAR_EL1, M, "far-el1"),
	U64(SNAP_VCPU_AFSR0_EL1, M, "afsr0-el1"),
	U64(SNAP_VCPU_AFSR1_EL1, M, "afsr1-el1"),
	U64(SNAP_VCPU_PAR_EL1, M, "par-el1"),
	U64(SNAP_VCPU_CPACR_EL1, M, "cpacr-el1"),
	U64(SNAP_VCPU_CNTKCTL_EL1, M, "cntkctl-el1"),
	U64(SNAP_VCPU_CSSELR_EL1, M, "csselr-el1"),
	U64(SNAP_VCPU_MDSCR_EL1, M, "mdscr-el1"),
	{ .tag = SNAP_VCPU_V, .vtype = SNAP_VT_ARRAY, .elem = 16, .req = SNAP_REQ_M,
	  .count = SNAP_CNT_FIXED, .n = 32, .name = "v" },
	U64(SNAP_VCPU_FPSR, M, "fpsr"),
	U64(SNAP_VCPU_FPCR, M, "fpcr"),
	U64(SNAP_VCPU_CNTV_CTL, M, "cntv-ctl"),
	U64(SNAP_VCPU_CNTV_CVAL, M, "cntv-cval"),
};

#define VGIC_ARRAY(t, es, c, per, nm) \
	{ .tag = (t), .vtype = SNAP_VT_ARRAY, .elem = (es), .req = SNAP_REQ_M, .count = (c), \
	  .n = (per), .name = (nm) }
static const struct snap_tag_spec vgic_tags[] = {
	U32(SNAP_VGIC_VCPUS, M, "vcpus"),
	U32(SNAP_VGIC_SPIS, M, "spis"),
	U64(SNAP_VGIC_DIST_BASE, M, "dist-base"),
	U64(SNAP_VGIC_REDIST_BASE, M, "redist-base"),
	U32(SNAP_VGIC_CTLR, M, "ctlr"),
	VGIC_ARRAY(SNAP_VGIC_SPI_GROUP, 4, SNAP_CNT_SPI_WORDS, 0, "spi-group"),
	VGIC_ARRAY(SNAP_VGIC_SPI_ENABLE, 4, SNAP_CNT_SPI_WORDS, 0, "spi-enable"),
	VGIC_ARRAY(SNAP_VGIC_SPI_PENDING, 4, SNAP_CNT_SPI_WORDS, 0, "spi-pending"),
	VGIC_ARRAY(SNAP_VGIC_SPI_ACTIVE, 4, SNAP_CNT_SPI_WORDS, 0, "spi-active"),
	VGIC_ARRAY(SNAP_VGIC_SPI_EDGE, 4, SNAP_CNT_SPI_WORDS, 0, "spi-edge"),
	VGIC_ARRAY(SNAP_VGIC_SPI_LINE, 4, SNAP_CNT_SPI_WORDS, 0, "spi-line"),
	VGIC_ARRAY(SNAP_VGIC_SPI_PRIORITY, 1, SNAP_CNT_SPIS, 0, "spi-priority"),
	VGIC_ARRAY(SNAP_VGIC_SPI_ROUTE, 8, SNAP_CNT_SPIS, 0, "spi-route"),
	VGIC_ARRAY(SNAP_VGIC_REDIST_WAKER, 4, SNAP_CNT_VCPUS, 1, "redist-waker"),
	VGIC_ARRAY(SNAP_VGIC_PRIVATE_GROUP, 4, SNAP_CNT_VCPUS, 1, "private-group"),
	VGIC_ARRAY(SNAP_VGIC_PRIVATE_ENABLE, 4, SNAP_CNT_VCPUS, 1, "private-enable"),
	VGIC_ARRAY(SNAP_VGIC_PRIVATE_PENDING, 4, SNAP_CNT_VCPUS, 1, "private-pending"),
	VGIC_ARRAY(SNAP_VGIC_PRIVATE_ACTIVE, 4, SNAP_CNT_VCPUS, 1, "private-active"),
	VGIC_ARRAY(SNAP_VGIC_PRIVATE_EDGE, 4, SNAP_CNT_VCPUS, 1, "private-edge"),
	VGIC_ARRAY(SNAP_VGIC_PRIVATE_LINE, 4, SNAP_CNT_VCPUS, 1, "private-line"),
	VGIC_ARRAY(SNAP_VGIC_PRIVATE_PRIORITY, 1, SNAP_CNT_VCPUS, 32, "private-priority"),
	VGIC_ARRAY(SNAP_VGIC_ICH_VMCR, 4, SNAP_CNT_VCPUS, 1, "ich-vmcr"),
	VGIC_ARRAY(SNAP_VGIC_ICH_AP0R, 4, SNAP_CNT_VCPUS, 4, "ich-ap0r"),
	VGIC_ARRAY(SNAP_VGIC_ICH_AP1R, 4, SNAP_CNT_VCPUS, 4, "ich-ap1r"),
	VGIC_ARRAY(SNAP_VGIC_INFLIGHT, 8, SNAP_CNT_ANY, 0, "inflight"),
};

static const struct snap_tag_spec pl011_tags[] = {
	U64(SNAP_PL011_BASE, M, "base"),
	U32(SNAP_PL011_CR, M, "cr"),
	U32(SNAP_PL011_LCR_H, M, "lcr-h"),
	U32(SNAP_PL011_IBRD, M, "ibrd"),
	U32(SNAP_PL011_FBRD, M, "fbrd"),
	U32(SNAP_PL011_IFLS, M, "ifls"),
	U32(SNAP_PL011_IMSC, M, "imsc"),
	U32(SNAP_PL011_RIS, M, "ris"),
	U32(SNAP_PL011_ILPR, M, "ilpr"),
	U32(SNAP_PL011_DMACR, M, "dmacr"),
	BYTES(SNAP_PL011_RX_FIFO, M, "rx-fifo"),
	U32(SNAP_PL011_LINE, M, "line"),
};

#define QUEUE_ARRAY(t, es, r, nm) \
	{ .tag = (t), .vtype = SNAP_VT_ARRAY, .elem = (es), .req = SNAP_REQ_##r, \
	  .count = SNAP_CNT_QUEUES, .name = (nm) }
static const struct snap_tag_spec virtio_tags[] = {
	U64(SNAP_VIRTIO_BASE, M, "base"),
	U32(SNAP_VIRTIO_DEVICE_ID, M, "device-id"),
	U32(SNAP_VIRTIO_STATUS, M, "status"),
	U64(SNAP_VIRTIO_DEVICE_FEATURES, M, "device-features"),
	U64(SNAP_VIRTIO_DRIVER_FEATURES, M, "driver-features"),
	U64(SNAP_VIRTIO_FEATURES, M, "features"),
	U32(SNAP_VIRTIO_DEVICE_FEATURES_SEL, M, "device-features-sel"),
	U32(SNAP_VIRTIO_DRIVER_FEATURES_SEL, M, "driver-features-sel"),
	U32(SNAP_VIRTIO_QUEUE_SEL, M, "queue-sel"),
	U32(SNAP_VIRTIO_SHM_SEL, O, "shm-sel"),
	U32(SNAP_VIRTIO_INTERRUPT_STATUS, M, "interrupt-status"),
	U32(SNAP_VIRTIO_CONFIG_GENERATION, M, "config-generation"),
	U32(SNAP_VIRTIO_LINE, M, "line"),
	U32(SNAP_VIRTIO_DRIVER_FEATURES_HIGH, O, "driver-features-high"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_NUM, 4, M, "queue-num"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_READY, 4, M, "queue-ready"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_DESC, 8, M, "queue-desc"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_DRIVER, 8, M, "queue-driver"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_DEVICE, 8, M, "queue-device"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_LAST_AVAIL, 4, M, "queue-last-avail"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_USED_IDX, 4, M, "queue-used-idx"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_ERROR, 4, M, "queue-error"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_AVAIL_IDX, 4, O, "queue-avail-idx"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_SIGNALLED_USED, 4, O, "queue-signalled-used"),
	QUEUE_ARRAY(SNAP_VIRTIO_QUEUE_FLAGS, 4, O, "queue-flags"),
};

static const struct snap_tag_spec virtio_blk_tags[] = {
	U64(SNAP_VIRTIO_BLK_CAPACITY, M, "capacity"),
	BYTES(SNAP_VIRTIO_BLK_BACKEND, M, "backend"),
	U64(SNAP_VIRTIO_BLK_BACKEND_OFFSET, M, "backend-offset"),
	U64(SNAP_VIRTIO_BLK_BACKEND_SIZE, M, "backend-size"),
	U32(SNAP_VIRTIO_BLK_READ_ONLY, M, "read-only"),
	BYTES(SNAP_VIRTIO_BLK_SERIAL, O, "serial"),
};

static const struct snap_tag_spec virtio_net_tags[] = {
	{ .tag = SNAP_VIRTIO_NET_MAC, .vtype = SNAP_VT_BYTES, .req = SNAP_REQ_M,
	  .count = SNAP_CNT_FIXED, .n = 6, .name = "mac" },
	BYTES(SNAP_VIRTIO_NET_SWITCH, M, "switch"),
};

/* Every type is at version 1: there is no V - 1 to read yet. */
#define V1		.vmin = 1, .vmax = 1
#define TAGS(t)		.tags = (t), .ntags = sizeof(t) / sizeof((t)[0])
#define TAGS2(t)	.tags2 = (t), .ntags2 = sizeof(t) / sizeof((t)[0])
static const struct snap_type_spec type_specs[] = {
	{ V1, .type = SNAP_SEC_CONFIG, .name = "config", .naming = SNAP_NAMING_ROOT,
	  TAGS(config_tags) },
	{ V1, .type = SNAP_SEC_MACHINE, .name = "machine", .naming = SNAP_NAMING_ROOT,
	  TAGS(machine_tags) },
	{ V1, .type = SNAP_SEC_RAM, .name = "ram", .naming = SNAP_NAMING_MEMORY, TAGS(ram_tags) },
	{ V1, .type = SNAP_SEC_RAM_PAGES, .name = "ram-pages", .naming = SNAP_NAMING_MEMORY,
	  .stream_only = true },
	{ V1, .type = SNAP_SEC_HOST, .name = "host", .naming = SNAP_NAMING_ROOT, TAGS(host_tags) },
	{ V1, .type = SNAP_SEC_ARM64_VCPU, .name = "arm64-vcpu", .arch = SNAP_ARCH_ARM64,
	  .naming = SNAP_NAMING_CPU, TAGS(vcpu_tags) },
	{ V1, .type = SNAP_SEC_ARM64_VGICV3, .name = "arm64-vgicv3", .arch = SNAP_ARCH_ARM64,
	  .naming = SNAP_NAMING_VGIC, TAGS(vgic_tags) },
	{ V1, .type = SNAP_SEC_PL011, .name = "pl011", .naming = SNAP_NAMING_DEVICE,
	  TAGS(pl011_tags) },
	{ V1, .type = SNAP_SEC_VIRTIO_NET, .name = "virtio-net", .naming = SNAP_NAMING_DEVICE,
	  .queues = 2, TAGS(virtio_tags), TAGS2(virtio_net_tags) },
	{ V1, .type = SNAP_SEC_VIRTIO_BLK, .name = "virtio-blk", .naming = SNAP_NAMING_DEVICE,
	  .queues = 1, TAGS(virtio_tags), TAGS2(virtio_blk_tags) },
	{ V1, .type = SNAP_SEC_VIRTIO_CONSOLE, .name = "virtio-console",
	  .naming = SNAP_NAMING_DEVICE, .queues = 2, TAGS(virtio_tags) },
	{ V1, .type = SNAP_SEC_VIRTIO_RNG, .name = "virtio-rng", .naming = SNAP_NAMING_DEVICE,
	  .queues = 1, TAGS(virtio_tags) },
	{ V1, .type = SNAP_SEC_END, .name = "end", .naming = SNAP_NAMING_ROOT,
	  .stream_only = true },
};
#define NR_TYPE_SPECS	(sizeof(type_specs) / sizeof(type_specs[0]))

const struct snap_type_spec *snap_type_spec(uint16_t type)
{
	for (size_t i = 0; i < NR_TYPE_SPECS; i++) {
		if (type_specs[i].type == type)
			return &type_specs[i];
	}
	return NULL;
}

const struct snap_tag_spec *snap_tag_spec(const struct snap_type_spec *ts, uint16_t tag,
					   unsigned int *idx)
{
	for (unsigned int i = 0; i < ts->ntags; i++) {
		if (ts->tags[i].tag == tag) {
			*idx = i;
			return &ts->tags[i];
		}
	}
	for (unsigned int i = 0; i < ts->ntags2; i++) {
		if (ts->tags2[i].tag == tag) {
			*idx = ts->ntags + i;
			return &ts->tags2[i];
		}
	}
	return NULL;
}


/* --- tagged fields: reader ---------------------------------------------------- */

void snap_tlv_reader_init(struct snap_tlv_reader *r, const void *payload, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->p = payload;
	r->len = len;
}

static int r_fail(struct snap_tlv_reader *r, int err)
{
	r->error = err;
	return err;
}

int snap_tlv_next(struct snap_tlv_reader *r, struct snap_field *f)
{
	const uint8_t *h = r->p + r->pos;
	size_t left = r->len - r->pos;
	uint64_t padded;
	uint32_t length;
	uint16_t tag;
	uint8_t vtype;

	if (r->error)
		return r->error;
	if (left == 0)
		return 0;
	if (left < SNAP_FIELD_HDR)
		return r_fail(r, -SNAP_ERR_FIELD_BOUNDS);
	tag = snap_le16(h);
	vtype = h[2];
	length = snap_le32(h + 4);
	if (tag == 0)
		return r_fail(r, -SNAP_ERR_FIELD_TAG);
	if (tag <= r->last_tag)
		return r_fail(r, -SNAP_ERR_FIELD_ORDER);
	if (vtype < SNAP_VT_U32 || vtype > SNAP_VT_ARRAY)
		return r_fail(r, -SNAP_ERR_FIELD_VTYPE);
	padded = ((uint64_t)length + 7) & ~(uint64_t)7;
	if (padded > left - SNAP_FIELD_HDR)
		return r_fail(r, -SNAP_ERR_FIELD_BOUNDS);
	f->tag = tag;
	f->vtype = vtype;
	f->flags = h[3];
	f->length = length;
	f->offset = r->pos;
	f->value = h + SNAP_FIELD_HDR;
	f->elem_size = 0;
	f->count = 0;
	f->elems = NULL;
	switch (vtype) {
	case SNAP_VT_U32:
		if (length != 4)
			return r_fail(r, -SNAP_ERR_FIELD_LENGTH);
		break;
	case SNAP_VT_U64:
		if (length != 8)
			return r_fail(r, -SNAP_ERR_FIELD_LENGTH);
		break;
	case SNAP_VT_ARRAY:
		if (length < 8)
			return r_fail(r, -SNAP_ERR_FIELD_LENGTH);
		f->elem_size = snap_le32(f->value);
		f->count = snap_le32(f->value + 4);
		f->elems = f->value + 8;
		if (!snap_elem_size_ok(f->elem_size) ||
		    (uint64_t)f->elem_size * f->count != (uint64_t)length - 8)
			return r_fail(r, -SNAP_ERR_FIELD_LENGTH);
		break;
	}
	for (uint64_t i = length; i < padded; i++) {
		if (f->value[i])
			return r_fail(r, -SNAP_ERR_FIELD_PADDING);
	}
	r->pos += SNAP_FIELD_HDR + (size_t)padded;
	r->last_tag = tag;
	return 1;
}

int snap_tlv_find(const void *payload, size_t len, uint16_t tag, struct snap_field *f)
{
	struct snap_tlv_reader r;
	int ret;

	snap_tlv_reader_init(&r, payload, len);
	while ((ret = snap_tlv_next(&r, f)) > 0) {
		if (f->tag == tag)
			return 1;
		if (f->tag > tag)
			return 0;
	}
	return ret;
}

uint32_t snap_field_u32(const struct snap_field *f)
{
	return f->vtype == SNAP_VT_U32 ? snap_le32(f->value) : 0;
}

uint64_t snap_field_u64(const struct snap_field *f)
{
	return f->vtype == SNAP_VT_U64 ? snap_le64(f->value) : 0;
}

uint64_t snap_field_elem(const struct snap_field *f, uint32_t i)
{
	const uint8_t *p;
	uint64_t v = 0;

	if (f->vtype != SNAP_VT_ARRAY || i >= f->count || f->elem_size > 8)
		return 0;
	p = f->elems + (size_t)i * f->elem_size;
	for (uint32_t b = 0; b < f->elem_size; b++)
		v |= (uint64_t)p[b] << (8 * b);
	return v;
}

void snap_field_elem128(const struct snap_field *f, uint32_t i, uint64_t *lo, uint64_t *hi)
{
	const uint8_t *p;

	*lo = *hi = 0;
	if (f->vtype != SNAP_VT_ARRAY || i >= f->count || f->elem_size != 16)
		return;
	p = f->elems + (size_t)i * 16;
	*lo = snap_le64(p);
	*hi = snap_le64(p + 8);
}

/* --- RAM ------------------------------------------------------------------------ */

uint64_t snap_ram_bitmap_size(uint64_t ram_size, uint32_t page_size)
{
	uint64_t pages;

	if (!page_size)
		return 0;
	pages = ram_size / page_size + (ram_size % page_size != 0);
	return pages / 8 + (pages % 8 != 0);
}

void snap_ram_present_set(uint8_t *bitmap, uint64_t page)
{
	bitmap[page / 8] |= (uint8_t)(1u << (page % 8));
}

bool snap_ram_present_test(const uint8_t *bitmap, uint64_t page)
{
	return bitmap[page / 8] >> (page % 8) & 1;
}

uint64_t snap_ram_present_count(const uint8_t *bitmap, size_t bytes)
{
	uint64_t n = 0;

	/* No __builtin_popcount: without SIMD it may call into libgcc. */
	for (size_t i = 0; i < bytes; i++) {
		for (unsigned int b = bitmap[i]; b; b &= b - 1)
			n++;
	}
	return n;
}

bool snap_page_is_zero(const void *p, size_t size)
{
	const uint8_t *b = p;
	uint8_t acc = 0;
	size_t i = 0;

	/* OR a run of bytes before each test: the common case is all zeros. */
	for (; size - i >= 64; i += 64) {
		for (size_t j = 0; j < 64; j++)
			acc |= b[i + j];
		if (acc)
			return false;
	}
	for (; i < size; i++)
		acc |= b[i];
	return acc == 0;
}

uint32_t snap_ram_chunk_crc(const void *chunk, uint32_t chunk_size, uint32_t page_size,
			    const uint8_t *bitmap, uint64_t first_page)
{
	const uint8_t *p = chunk;
	uint32_t pages = page_size ? chunk_size / page_size : 0;
	uint32_t crc = 0;

	for (uint32_t i = 0; i < pages; i++) {
		if (snap_ram_present_test(bitmap, first_page + i))
			crc = crc32c(crc, p + (size_t)i * page_size, page_size);
	}
	return crc;
}
