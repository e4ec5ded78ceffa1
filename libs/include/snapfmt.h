/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot format codec (docs/snapshot-format.md): header, table of
 * contents, tagged fields, RAM map and whole-file validation, as pure
 * functions over byte buffers (libs/snapfmt.c, snapfmt_write.c, snapfmt_read.c).
 * Every multi-byte value is little endian and assembled byte by byte, so
 * buffers need no alignment and the code runs the same on any host.
 */
#ifndef KESTREL_SNAPFMT_H
#define KESTREL_SNAPFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- the container --------------------------------------------------------- */

#define SNAP_MAGIC		"KSTRSNAP"
#define SNAP_MAGIC_LEN		8
#define SNAP_FORMAT_MAJOR	1
#define SNAP_FORMAT_MINOR	0
#define SNAP_HEADER_SIZE	256		/* what format 1.0 writes */
#define SNAP_HEADER_SIZE_MAX	4096
#define SNAP_SECTIONS_START	0x1000		/* the header block ends here */
#define SNAP_TOC_ENTRY_SIZE	128
#define SNAP_TOC_COUNT_MAX	4096
#define SNAP_NAME_SIZE		96		/* a name: at most 95 characters */
#define SNAP_PRODUCER_SIZE	64
#define SNAP_GUEST_NAME_SIZE	32
#define SNAP_CHUNK_SIZE		0x200000	/* what Kestrel's writer uses */

/* Header flags: bits 2-15 must be clear, bits 16-31 are ignored. */
#define SNAP_HDR_COMPLETE	0x1u
#define SNAP_HDR_STREAM		0x2u
#define SNAP_HDR_REFUSED	0xfffcu

#define SNAP_ARCH_ARM64		1
#define SNAP_ARCH_RISCV64	2
#define SNAP_ARCH_X86_64	3

/* Section types; every type but `host` is written MANDATORY. */
#define SNAP_SEC_CONFIG		0x0001
#define SNAP_SEC_MACHINE	0x0002
#define SNAP_SEC_RAM		0x0003
#define SNAP_SEC_RAM_PAGES	0x0004		/* migration streams only */
#define SNAP_SEC_HOST		0x0005
#define SNAP_SEC_ARM64_VCPU	0x0100
#define SNAP_SEC_ARM64_VGICV3	0x0101
#define SNAP_SEC_PL011		0x1000
#define SNAP_SEC_VIRTIO_NET	0x1101
#define SNAP_SEC_VIRTIO_BLK	0x1102
#define SNAP_SEC_VIRTIO_CONSOLE	0x1103
#define SNAP_SEC_VIRTIO_RNG	0x1104
#define SNAP_SEC_END		0xffff		/* migration streams only */
#define SNAP_SEC_MANDATORY	0x1u		/* table entry flags */

/* --- byte order: little endian, byte by byte (no alignment needed) --------- */

static inline uint16_t snap_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t snap_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t snap_le64(const uint8_t *p)
{
	return (uint64_t)snap_le32(p) | (uint64_t)snap_le32(p + 4) << 32;
}

static inline void snap_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void snap_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void snap_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* --- errors ---------------------------------------------------------------- */

/*
 * Functions return 0 (or a count) on success and a negative -SNAP_ERR_*
 * on failure. The comment names the check of "Reading and validation".
 */
enum snap_error {
	SNAP_ERR_TRUNCATED = 1,		/* 1, 3, 8: fewer bytes than needed */
	SNAP_ERR_MAGIC,			/* 2 */
	SNAP_ERR_HEADER_SIZE,		/* 3 */
	SNAP_ERR_HEADER_CRC,		/* 4 */
	SNAP_ERR_FORMAT,		/* 5: a major version this reader lacks */
	SNAP_ERR_INCOMPLETE,		/* 6: COMPLETE clear */
	SNAP_ERR_STREAM,		/* 6: STREAM set */
	SNAP_ERR_FLAGS,			/* 6: a flag in bits 2-15 */
	SNAP_ERR_ARCH,			/* 7 */
	SNAP_ERR_PAGE_SIZE,		/* 7 */
	SNAP_ERR_TOC,			/* 8: table geometry */
	SNAP_ERR_TOC_CRC,		/* 9 */
	SNAP_ERR_ENTRY,			/* 10: name, offset, length, bounds */
	SNAP_ERR_OVERLAP,		/* 10 */
	SNAP_ERR_DUPLICATE,		/* 11 */
	SNAP_ERR_UNKNOWN_SECTION,	/* 12: mandatory, type unknown */
	SNAP_ERR_SECTION_VERSION,	/* 12: mandatory, version unreadable */
	SNAP_ERR_SECTION_SET,		/* 13 (and the names of known types) */
	SNAP_ERR_SECTION_CRC,		/* 14 */
	SNAP_ERR_FIELD_BOUNDS,		/* 15: field runs past its section */
	SNAP_ERR_FIELD_TAG,		/* 15: tag 0 */
	SNAP_ERR_FIELD_ORDER,		/* 15: tags not strictly increasing */
	SNAP_ERR_FIELD_VTYPE,		/* 15: vtype not 1-4 */
	SNAP_ERR_FIELD_LENGTH,		/* 15: length or array shape wrong for the vtype */
	SNAP_ERR_FIELD_PADDING,		/* 15: padding not zero */
	SNAP_ERR_FIELD_UNKNOWN,		/* 15: mandatory tag unknown */
	SNAP_ERR_FIELD_TYPE,		/* 15: known tag, other vtype, length or count */
	SNAP_ERR_FIELD_MISSING,		/* 15: an M tag absent */
	SNAP_ERR_RAM,			/* 21 (and 18: ram sections vs machine) */
	SNAP_ERR_CHUNK_CRC,		/* 22 */
	SNAP_ERR_OVERFLOW,		/* writer: the buffer is too small */
	SNAP_ERR_INVAL,			/* an encoder or writer was misused */
	SNAP_ERR_COUNT
};

/* The name of a (negative or positive) snap error: "header CRC mismatch". */
const char *snap_strerror(int err);

/* --- header ---------------------------------------------------------------- */

struct snap_header {
	uint16_t format_major, format_minor;
	uint32_t header_size;		/* bytes the CRC covers, 256 to 4096 */
	uint32_t header_crc;		/* decode: as stored; encode: ignored */
	uint32_t flags;			/* SNAP_HDR_* */
	uint16_t arch;			/* SNAP_ARCH_* */
	uint32_t page_size;
	uint64_t toc_offset;
	uint32_t toc_count, toc_entry_size;
	uint64_t toc_length;
	uint32_t toc_crc;
	uint64_t file_length;
	uint64_t created_unix_ns, created_uptime_ns, sequence;
	char producer[SNAP_PRODUCER_SIZE];	/* NUL-padded; decode terminates it */
	char guest_name[SNAP_GUEST_NAME_SIZE];
};

/* Zeroes *h and sets the format 1.0 version, header size, arch and page size. */
void snap_header_init(struct snap_header *h, uint16_t arch, uint32_t page_size);

/*
 * Writes h->header_size bytes into buf (size bytes): the fields, reserved
 * bytes zero, the strings NUL-padded and header_crc computed over them.
 * Returns 0, or -SNAP_ERR_INVAL when header_size is not a multiple of 8
 * from 256 to 4096 or exceeds size, or a string does not fit with its NUL.
 */
int snap_header_encode(const struct snap_header *h, void *buf, size_t size);

/*
 * Reads the 256-byte layout of buf (len bytes). Returns 0,
 * -SNAP_ERR_TRUNCATED (len < 256) or -SNAP_ERR_MAGIC. Checks nothing else:
 * snap_validate does.
 */
int snap_header_decode(const void *buf, size_t len, struct snap_header *h);

/* The CRC32C of header_size bytes at buf, header_crc taken as zero. The
 * caller guarantees header_size (>= 0x14) readable bytes. */
uint32_t snap_header_crc(const void *buf, uint32_t header_size);

/* --- table of contents ------------------------------------------------------ */

struct snap_toc_entry {
	uint16_t type, version, flags;	/* flags: SNAP_SEC_MANDATORY */
	uint64_t offset, length;
	uint32_t crc;
	uint32_t aux;		/* reserved 0x1c: 0 in a file (a stream's record header CRC) */
	char name[SNAP_NAME_SIZE];	/* decode: raw bytes, see snap_name_valid */
};

/* Writes one 128-byte entry. Returns 0, or -SNAP_ERR_INVAL when the name
 * does not fit with its NUL. */
int snap_toc_entry_encode(const struct snap_toc_entry *e, void *buf);

/* Reads one entry from 128 bytes at buf. */
void snap_toc_entry_decode(const void *buf, struct snap_toc_entry *e);

/*
 * True when the size bytes at name hold a NUL-terminated valid name: "/" or
 * "/"-separated components of a-z A-Z 0-9 , . _ + @ -, at most 95
 * characters, no empty component, a unit address ("@...") lowercase hex
 * without leading zeros after a non-empty node name.
 */
bool snap_name_valid(const char *name, size_t size);

/* The unit address of a valid name's last component ("/memory@40000000"
 * gives 0x40000000). False when it has none or it exceeds 64 bits. */
bool snap_name_unit(const char *name, uint64_t *unit);

/* "pl011" for SNAP_SEC_PL011, NULL for a type the format does not define. */
const char *snap_section_type_name(uint16_t type);

/* "arm64" for SNAP_ARCH_ARM64, NULL for an unknown arch. */
const char *snap_arch_name(uint16_t arch);

/* --- tagged fields ---------------------------------------------------------- */

#define SNAP_VT_U32		1
#define SNAP_VT_U64		2
#define SNAP_VT_BYTES		3
#define SNAP_VT_ARRAY		4
#define SNAP_FIELD_MANDATORY	0x1u
#define SNAP_M			SNAP_FIELD_MANDATORY	/* the tables' M and O */
#define SNAP_O			0u
#define SNAP_FIELD_HDR		8
#define SNAP_TAG_MAX		0x7fff		/* 0x8000 up: experiments only */

/* An array's elem_size: 1, 2, 4, 8 or 16. */
static inline bool snap_elem_size_ok(uint32_t es)
{
	return es == 1 || es == 2 || es == 4 || es == 8 || es == 16;
}

/*
 * Builds a payload into a caller buffer. Errors are sticky: after the first,
 * nothing more is written and snap_tlv_finish returns it. When the buffer
 * is too small (-SNAP_ERR_OVERFLOW), `needed` keeps counting the bytes the
 * whole payload takes, so the caller can retry with that size.
 */
struct snap_tlv_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;		/* bytes written */
	size_t needed;		/* bytes the payload takes, written or not */
	uint32_t last_tag;	/* 0 before the first field */
	int error;
	/* an array between snap_tlv_array_begin and its last element */
	uint32_t arr_elem_size, arr_left;
	bool arr_open, arr_skip;
	size_t arr_pad;
};

void snap_tlv_writer_init(struct snap_tlv_writer *w, void *buf, size_t cap);
/* flags: SNAP_M or SNAP_O. Tags must strictly increase, from 1. */
void snap_tlv_put_u32(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags, uint32_t v);
void snap_tlv_put_u64(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags, uint64_t v);
void snap_tlv_put_bytes(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags,
			const void *data, size_t len);
/*
 * An array of count elements of elem_size (1, 2, 4, 8 or 16) bytes. elems
 * holds them as native integers (uint8_t .. uint64_t; a 16-byte element is
 * two uint64_t, low first); they are written little endian.
 */
void snap_tlv_put_array(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags,
			uint32_t elem_size, uint32_t count, const void *elems);
/* The same element by element, for arrays too large for a temporary:
 * begin, exactly count calls of array_elem (array_elem128 for 16-byte
 * elements), then the next put or finish. */
void snap_tlv_array_begin(struct snap_tlv_writer *w, uint16_t tag, uint8_t flags,
			  uint32_t elem_size, uint32_t count);
void snap_tlv_array_elem(struct snap_tlv_writer *w, uint64_t v);
void snap_tlv_array_elem128(struct snap_tlv_writer *w, uint64_t lo, uint64_t hi);
/* 0 with *len the payload's bytes, or the first error. */
int snap_tlv_finish(struct snap_tlv_writer *w, size_t *len);

/* One field as the reader found it; value/elems point into the payload. */
struct snap_field {
	uint16_t tag;
	uint8_t vtype, flags;
	uint32_t length;
	size_t offset;			/* of the field's header in the payload */
	const uint8_t *value;		/* length bytes */
	uint32_t elem_size, count;	/* SNAP_VT_ARRAY */
	const uint8_t *elems;
};

struct snap_tlv_reader {
	const uint8_t *p;
	size_t len;
	size_t pos;		/* the next field; on error, the bad one */
	uint32_t last_tag;
	int error;
};

void snap_tlv_reader_init(struct snap_tlv_reader *r, const void *payload, size_t len);

/*
 * The next field: 1 with *f set, 0 at the end of the payload, or a negative
 * -SNAP_ERR_FIELD_{BOUNDS,TAG,ORDER,VTYPE,LENGTH,PADDING} (sticky; r->pos
 * is the offending field). Every length is checked before use; unknown
 * tags are returned like others, for the caller to skip or refuse.
 */
int snap_tlv_next(struct snap_tlv_reader *r, struct snap_field *f);

/* Finds tag in a payload: 1 found, 0 absent, or the reader's error. */
int snap_tlv_find(const void *payload, size_t len, uint16_t tag, struct snap_field *f);

/* Values of a field the reader returned; 0 when the vtype or index does not fit. */
uint32_t snap_field_u32(const struct snap_field *f);
uint64_t snap_field_u64(const struct snap_field *f);
uint64_t snap_field_elem(const struct snap_field *f, uint32_t i);	/* elem_size <= 8 */
void snap_field_elem128(const struct snap_field *f, uint32_t i, uint64_t *lo, uint64_t *hi);

/* --- section tags ------------------------------------------------------------- */

enum snap_config_tag { SNAP_CONFIG_DTB = 1, SNAP_CONFIG_SOURCE_PATH };
enum snap_machine_tag {
	SNAP_MACHINE_NAME = 1, SNAP_MACHINE_VCPUS, SNAP_MACHINE_RAM_BASE, SNAP_MACHINE_RAM_SIZE,
	SNAP_MACHINE_RUN_STATE, SNAP_MACHINE_COUNTER_FREQ, SNAP_MACHINE_VCOUNTER,
	SNAP_MACHINE_COUNTER_OFFSET, SNAP_MACHINE_BOOTS,
};
enum snap_host_tag { SNAP_HOST_CPU = 1, SNAP_HOST_BOARD, SNAP_HOST_CPUS };
enum snap_ram_tag {
	SNAP_RAM_BASE = 1, SNAP_RAM_SIZE, SNAP_RAM_PAGE_SIZE, SNAP_RAM_CHUNK_SIZE,
	SNAP_RAM_DATA_OFFSET, SNAP_RAM_PRESENT, SNAP_RAM_CHUNK_CRC, SNAP_RAM_PRESENT_COUNT,
};
enum snap_ram_pages_tag { SNAP_RAM_PAGES_GPA = 1, SNAP_RAM_PAGES_DATA, SNAP_RAM_PAGES_ZERO };
enum snap_arm64_vcpu_tag {
	SNAP_VCPU_INDEX = 0x01, SNAP_VCPU_MPIDR, SNAP_VCPU_X, SNAP_VCPU_PC, SNAP_VCPU_PSTATE,
	SNAP_VCPU_POWER_STATE, SNAP_VCPU_ON_ENTRY, SNAP_VCPU_ON_CONTEXT, SNAP_VCPU_VSERROR,
	/* 0x10-0x26: enum arm64_sysreg's registers, in its order today */
	SNAP_VCPU_SCTLR_EL1 = 0x10, SNAP_VCPU_TTBR0_EL1, SNAP_VCPU_TTBR1_EL1, SNAP_VCPU_TCR_EL1,
	SNAP_VCPU_MAIR_EL1, SNAP_VCPU_AMAIR_EL1, SNAP_VCPU_VBAR_EL1, SNAP_VCPU_CONTEXTIDR_EL1,
	SNAP_VCPU_TPIDR_EL0, SNAP_VCPU_TPIDRRO_EL0, SNAP_VCPU_TPIDR_EL1, SNAP_VCPU_SP_EL0,
	SNAP_VCPU_SP_EL1, SNAP_VCPU_ELR_EL1, SNAP_VCPU_SPSR_EL1, SNAP_VCPU_ESR_EL1,
	SNAP_VCPU_FAR_EL1, SNAP_VCPU_AFSR0_EL1, SNAP_VCPU_AFSR1_EL1, SNAP_VCPU_PAR_EL1,
	SNAP_VCPU_CPACR_EL1, SNAP_VCPU_CNTKCTL_EL1, SNAP_VCPU_CSSELR_EL1,
	SNAP_VCPU_MDSCR_EL1 = 0x27,
	SNAP_VCPU_V = 0x30, SNAP_VCPU_FPSR, SNAP_VCPU_FPCR,
	SNAP_VCPU_CNTV_CTL = 0x40, SNAP_VCPU_CNTV_CVAL,
};
enum snap_vgicv3_tag {
	SNAP_VGIC_VCPUS = 0x01, SNAP_VGIC_SPIS, SNAP_VGIC_DIST_BASE, SNAP_VGIC_REDIST_BASE,
	SNAP_VGIC_CTLR,
	SNAP_VGIC_SPI_GROUP = 0x10, SNAP_VGIC_SPI_ENABLE, SNAP_VGIC_SPI_PENDING,
	SNAP_VGIC_SPI_ACTIVE, SNAP_VGIC_SPI_EDGE, SNAP_VGIC_SPI_LINE, SNAP_VGIC_SPI_PRIORITY,
	SNAP_VGIC_SPI_ROUTE,
	SNAP_VGIC_REDIST_WAKER = 0x20, SNAP_VGIC_PRIVATE_GROUP, SNAP_VGIC_PRIVATE_ENABLE,
	SNAP_VGIC_PRIVATE_PENDING, SNAP_VGIC_PRIVATE_ACTIVE, SNAP_VGIC_PRIVATE_EDGE,
	SNAP_VGIC_PRIVATE_LINE, SNAP_VGIC_PRIVATE_PRIORITY,
	SNAP_VGIC_ICH_VMCR = 0x30, SNAP_VGIC_ICH_AP0R, SNAP_VGIC_ICH_AP1R, SNAP_VGIC_INFLIGHT,
};
enum snap_pl011_tag {
	SNAP_PL011_BASE = 1, SNAP_PL011_CR, SNAP_PL011_LCR_H, SNAP_PL011_IBRD, SNAP_PL011_FBRD,
	SNAP_PL011_IFLS, SNAP_PL011_IMSC, SNAP_PL011_RIS, SNAP_PL011_ILPR, SNAP_PL011_DMACR,
	SNAP_PL011_RX_FIFO, SNAP_PL011_LINE,
};
enum snap_virtio_tag {
	SNAP_VIRTIO_BASE = 0x01, SNAP_VIRTIO_DEVICE_ID, SNAP_VIRTIO_STATUS,
	SNAP_VIRTIO_DEVICE_FEATURES, SNAP_VIRTIO_DRIVER_FEATURES, SNAP_VIRTIO_FEATURES,
	SNAP_VIRTIO_DEVICE_FEATURES_SEL, SNAP_VIRTIO_DRIVER_FEATURES_SEL, SNAP_VIRTIO_QUEUE_SEL,
	SNAP_VIRTIO_SHM_SEL, SNAP_VIRTIO_INTERRUPT_STATUS, SNAP_VIRTIO_CONFIG_GENERATION,
	SNAP_VIRTIO_LINE, SNAP_VIRTIO_DRIVER_FEATURES_HIGH,
	SNAP_VIRTIO_QUEUE_NUM = 0x20, SNAP_VIRTIO_QUEUE_READY, SNAP_VIRTIO_QUEUE_DESC,
	SNAP_VIRTIO_QUEUE_DRIVER, SNAP_VIRTIO_QUEUE_DEVICE, SNAP_VIRTIO_QUEUE_LAST_AVAIL,
	SNAP_VIRTIO_QUEUE_USED_IDX, SNAP_VIRTIO_QUEUE_ERROR, SNAP_VIRTIO_QUEUE_AVAIL_IDX,
	SNAP_VIRTIO_QUEUE_SIGNALLED_USED, SNAP_VIRTIO_QUEUE_FLAGS,
	/* type tags, from 0x100 */
	SNAP_VIRTIO_BLK_CAPACITY = 0x100, SNAP_VIRTIO_BLK_BACKEND, SNAP_VIRTIO_BLK_BACKEND_OFFSET,
	SNAP_VIRTIO_BLK_BACKEND_SIZE, SNAP_VIRTIO_BLK_READ_ONLY, SNAP_VIRTIO_BLK_SERIAL,
	SNAP_VIRTIO_NET_MAC = 0x100, SNAP_VIRTIO_NET_SWITCH,
};

/* --- the format 1.0 tables: section types and their tags ---------------------- */

enum snap_req { SNAP_REQ_O, SNAP_REQ_M, SNAP_REQ_M_IF_ON_PENDING };

/* The element count (array) or length (bytes) a field must have. */
enum snap_count {
	SNAP_CNT_ANY,
	SNAP_CNT_FIXED,		/* n */
	SNAP_CNT_SPI_WORDS,	/* ceil(spis / 32), spis from the same section */
	SNAP_CNT_SPIS,		/* spis */
	SNAP_CNT_VCPUS,		/* n per vCPU, vcpus from the same section */
	SNAP_CNT_QUEUES,	/* the virtio type's queue count */
};

struct snap_tag_spec {
	uint16_t tag;
	uint8_t vtype;		/* SNAP_VT_* */
	uint8_t elem;		/* array element size */
	uint8_t req;		/* enum snap_req */
	uint8_t count;		/* enum snap_count */
	uint16_t n;
	const char *name;	/* "cr" */
};

/* The name a section of the type has. */
enum snap_naming {
	SNAP_NAMING_ROOT,	/* "/" */
	SNAP_NAMING_MEMORY,	/* "/memory@<base>" */
	SNAP_NAMING_CPU,	/* "/cpus/cpu@<n>" */
	SNAP_NAMING_VGIC,	/* "/intc@8000000" */
	SNAP_NAMING_DEVICE,	/* "/devices/<node>" */
};

struct snap_type_spec {
	uint16_t type;
	const char *name;		/* "pl011" */
	uint16_t vmin, vmax;		/* the versions this reader reads */
	uint16_t arch;			/* SNAP_ARCH_*, 0: any */
	uint8_t queues;			/* virtio: Q */
	uint8_t naming;			/* enum snap_naming */
	bool stream_only;		/* ram-pages, end: not in a file */
	const struct snap_tag_spec *tags, *tags2;	/* tags2: a virtio type's own */
	uint8_t ntags, ntags2;
};

#define SNAP_TAGS_MAX	64		/* ntags + ntags2 of any type */

/* The spec of a section type the format defines, or NULL. */
const struct snap_type_spec *snap_type_spec(uint16_t type);
/* The spec of a tag of the type, and its index in tags then tags2; NULL if unknown. */
const struct snap_tag_spec *snap_tag_spec(const struct snap_type_spec *ts, uint16_t tag,
					   unsigned int *idx);

/* --- RAM ------------------------------------------------------------------------ */

/* Bytes of the present-page bitmap of size bytes of RAM (0 if page_size is 0). */
uint64_t snap_ram_bitmap_size(uint64_t ram_size, uint32_t page_size);
/* Bit (page mod 8) of byte page / 8; the caller sizes the bitmap. */
void snap_ram_present_set(uint8_t *bitmap, uint64_t page);
bool snap_ram_present_test(const uint8_t *bitmap, uint64_t page);
/* The 1 bits of bytes bytes of bitmap (the `present-count` field). */
uint64_t snap_ram_present_count(const uint8_t *bitmap, size_t bytes);
/* True when size bytes at p are all zero (a page the writer leaves out). */
bool snap_page_is_zero(const void *p, size_t size);
/*
 * The `chunk-crc` of one chunk: CRC32C over its present pages, concatenated
 * in ascending address order. chunk holds the chunk's chunk_size bytes (its
 * RAM, or its slots in the file: both are laid out page by page);
 * first_page is the chunk's first page number in the bitmap. A chunk
 * without present pages gives 0.
 */
uint32_t snap_ram_chunk_crc(const void *chunk, uint32_t chunk_size, uint32_t page_size,
			    const uint8_t *bitmap, uint64_t first_page);

/* --- validation ----------------------------------------------------------------- */

struct snap_validate_opts {
	const char *name;	/* messages start "snapshot <name>: "; NULL: no prefix */
	const char *build;	/* "Kestrel 0.1.0", named when refusing unknown sections */
	uint16_t arch;		/* check 7 against it; 0: any arch (reported in info) */
	uint32_t page_size;	/* likewise; 0: any power of two from 4096 */
	/*
	 * 0: `file` is the whole snapshot. Otherwise the snapshot (its store
	 * extents) holds container_len bytes and `file` only its first len
	 * bytes, the metadata: check 8 compares file_length with
	 * container_len, the table and every section must lie in the bytes
	 * given, and the RAM chunks (check 22) are left to the caller, who
	 * reads them where they go.
	 */
	uint64_t container_len;
	/* Called once per skipped optional section; may be NULL. */
	void (*notice)(void *ctx, const char *msg);
	void *ctx;
};

struct snap_info {
	struct snap_header header;	/* decoded once check 2 passed */
	uint32_t sections;		/* table entries */
	uint32_t skipped;		/* optional sections of unknown type or version */
	uint32_t ram_sections;
	uint64_t present_pages;		/* over every ram section */
};

/*
 * Checks a snapshot file of len bytes as "Reading and validation" says,
 * everything that needs no running build: the container (checks 1-9), the
 * table entries (10-12), the set of sections (13), their CRCs (14), their
 * fields against the format 1.0 tables (15), the ram sections (21, and that
 * they cover the machine's RAM, 18) and every RAM chunk's CRC (22). Not
 * checked: the DTB and the configuration (16-20), values (23).
 *
 * Returns 0 or the first failure's -SNAP_ERR_*, and writes a message naming
 * what was wrong (worded as the spec's error table) into msg (msg_size
 * bytes, may be 0); on success the message is empty. opts and info may be
 * NULL. Reads nothing outside file[0..len).
 */
int snap_validate(const void *file, size_t len, const struct snap_validate_opts *opts,
		  struct snap_info *info, char *msg, size_t msg_size);

#endif
