// SPDX-License-Identifier: GPL-2.0
/*
 * kestrel-snapshot show: a snapshot's header, table of contents, the
 * devices of its configuration DTB and its machine state. Everything is
 * read as untrusted: offsets are checked against the buffer before use and
 * strings are printed with non-printable bytes replaced. The header, table
 * and section CRCs shown are checked; the RAM is left to verify.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <crc32c.h>
#include <snapfmt.h>
#include "tool.h"

struct view {
	const uint8_t *buf;
	size_t len;
	struct snap_header h;
	bool toc_in_file;
	bool damaged;		/* a CRC shown did not match */
};

static bool in_file(const struct view *v, uint64_t off, uint64_t n)
{
	return off <= v->len && n <= v->len - off;
}

/* At most n bytes of s up to its NUL, non-printable bytes as '?'. */
static const char *clean(const void *s, size_t n, char *out, size_t size)
{
	const uint8_t *p = s;
	size_t i;

	for (i = 0; i < n && i + 1 < size && p[i]; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[i] = '\0';
	return out;
}

static const char *ok(bool good)
{
	return good ? "ok" : "MISMATCH";
}

/* --- header and table ------------------------------------------------------- */

static void show_header(struct view *v)
{
	const struct snap_header *h = &v->h;
	const char *arch = snap_arch_name(h->arch);
	bool hdr_ok = h->header_size >= SNAP_HEADER_SIZE &&
		      h->header_size <= SNAP_HEADER_SIZE_MAX && h->header_size % 8 == 0 &&
		      h->header_size <= v->len &&
		      snap_header_crc(v->buf, h->header_size) == h->header_crc;
	bool toc_ok = v->toc_in_file &&
		      crc32c(0, v->buf + h->toc_offset, h->toc_length) == h->toc_crc;
	char s[SNAP_PRODUCER_SIZE];

	v->damaged |= !hdr_ok || (v->toc_in_file && !toc_ok);
	printf("header\n");
	printf("  format        %u.%u\n", h->format_major, h->format_minor);
	printf("  arch          %s (%u)\n", arch ? arch : "unknown", h->arch);
	printf("  page size     %u\n", h->page_size);
	printf("  producer      %s\n", clean(h->producer, sizeof(h->producer), s, sizeof(s)));
	printf("  guest         %s\n", clean(h->guest_name, sizeof(h->guest_name), s, sizeof(s)));
	printf("  flags         0x%08x (%s%s%s)\n", h->flags,
	       h->flags & SNAP_HDR_COMPLETE ? "complete" : "incomplete",
	       h->flags & SNAP_HDR_STREAM ? ", stream" : "",
	       h->flags & ~(SNAP_HDR_COMPLETE | SNAP_HDR_STREAM) ? ", unknown flags" : "");
	printf("  header        %u bytes, CRC 0x%08x %s\n", h->header_size, h->header_crc,
	       ok(hdr_ok));
	printf("  file length   0x%llx (%llu MiB)%s\n", (unsigned long long)h->file_length,
	       (unsigned long long)((h->file_length + MIB - 1) / MIB),
	       h->file_length > v->len ? ", more than the snapshot holds" : "");
	printf("  table         %u entries of %u bytes at 0x%llx, CRC 0x%08x %s\n", h->toc_count,
	       h->toc_entry_size, (unsigned long long)h->toc_offset, h->toc_crc,
	       v->toc_in_file ? ok(toc_ok) : "(outside the snapshot)");
	printf("  created       uptime %llu.%09llu s, unix time ",
	       (unsigned long long)(h->created_uptime_ns / 1000000000u),
	       (unsigned long long)(h->created_uptime_ns % 1000000000u));
	if (h->created_unix_ns)
		printf("%llu.%09llu s\n", (unsigned long long)(h->created_unix_ns / 1000000000u),
		       (unsigned long long)(h->created_unix_ns % 1000000000u));
	else
		printf("unknown\n");
	printf("  sequence      %llu\n", (unsigned long long)h->sequence);
}

static void entry(const struct view *v, uint32_t i, struct snap_toc_entry *e)
{
	snap_toc_entry_decode(v->buf + v->h.toc_offset + (uint64_t)i * v->h.toc_entry_size, e);
}

static void show_toc(struct view *v)
{
	printf("\nsections\n");
	if (!v->toc_in_file) {
		printf("  the table of contents lies outside the snapshot\n");
		return;
	}
	printf("  %3s  %-14s  %3s  %3s  %-10s  %-10s  %-10s  %-8s  %s\n", "#", "TYPE", "VER", "M/O",
	       "OFFSET", "LENGTH", "CRC", "CHECK", "NAME");
	for (uint32_t i = 0; i < v->h.toc_count; i++) {
		const char *tn, *check;
		struct snap_toc_entry e;
		char type[16], name[SNAP_NAME_SIZE];

		entry(v, i, &e);
		tn = snap_section_type_name(e.type);
		if (!tn) {
			snprintf(type, sizeof(type), "0x%04x", e.type);
			tn = type;
		}
		if (!in_file(v, e.offset, e.length)) {
			check = "outside";
			v->damaged = true;
		} else {
			bool good = crc32c(0, v->buf + e.offset, e.length) == e.crc;

			check = ok(good);
			v->damaged |= !good;
		}
		printf("  %3u  %-14s  %3u  %-3s  0x%-8llx  0x%-8llx  0x%08x  %-8s  %s\n", i, tn,
		       e.version, e.flags & SNAP_SEC_MANDATORY ? "M" : "O",
		       (unsigned long long)e.offset, (unsigned long long)e.length, e.crc, check,
		       clean(e.name, sizeof(e.name), name, sizeof(name)));
	}
}

/* --- sections and fields ------------------------------------------------------ */

/* The payload of the first section of that type and name, if in the file. */
static bool section(const struct view *v, uint16_t type, const char *name, const uint8_t **p,
		    size_t *n)
{
	for (uint32_t i = 0; v->toc_in_file && i < v->h.toc_count; i++) {
		struct snap_toc_entry e;

		entry(v, i, &e);
		if (e.type != type || strncmp(e.name, name, sizeof(e.name)) ||
		    !in_file(v, e.offset, e.length))
			continue;
		*p = v->buf + e.offset;
		*n = (size_t)e.length;
		return true;
	}
	return false;
}

/* The type of the section named name, whatever it is; NULL if none. */
static const char *section_type_named(const struct view *v, const char *name)
{
	for (uint32_t i = 0; v->toc_in_file && i < v->h.toc_count; i++) {
		struct snap_toc_entry e;

		entry(v, i, &e);
		if (!strncmp(e.name, name, sizeof(e.name)))
			return snap_section_type_name(e.type) ? snap_section_type_name(e.type)
							      : "unknown type";
	}
	return NULL;
}

static bool get_u64(const uint8_t *p, size_t n, uint16_t tag, uint64_t *val)
{
	struct snap_field f;

	if (snap_tlv_find(p, n, tag, &f) != 1)
		return false;
	if (f.vtype == SNAP_VT_U32)
		*val = snap_field_u32(&f);
	else if (f.vtype == SNAP_VT_U64)
		*val = snap_field_u64(&f);
	else
		return false;
	return true;
}

static const char *get_str(const uint8_t *p, size_t n, uint16_t tag, char *out, size_t size)
{
	struct snap_field f;

	if (snap_tlv_find(p, n, tag, &f) != 1 || f.vtype != SNAP_VT_BYTES)
		return NULL;
	return clean(f.value, f.length, out, size);
}

/* --- the configuration's devices ---------------------------------------------- */

static uint64_t cells(const fdt32_t *c, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(c[i]);
	return v;
}

static int cells_of(const void *fdt, int node, const char *prop)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, prop, &len);

	return c && len == 4 && fdt32_to_cpu(*c) >= 1 && fdt32_to_cpu(*c) <= 2 ?
		(int)fdt32_to_cpu(*c) : 2;
}

/* A stringlist property as "a, b", or NULL. */
static const char *strings(const void *fdt, int node, const char *prop, char *out, size_t size)
{
	const char *s;
	size_t at = 0;
	int len;

	s = fdt_getprop(fdt, node, prop, &len);
	if (!s || len <= 0)
		return NULL;
	for (int i = 0; i < len && at + 3 < size; i++) {
		if (!s[i] && i + 1 < len) {
			out[at++] = ',';
			out[at++] = ' ';
		} else if (s[i]) {
			out[at++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
		}
	}
	out[at] = '\0';
	return out;
}

static void show_device(const struct view *v, const void *fdt, int node, int ac, int sc)
{
	const char *name = fdt_get_name(fdt, node, NULL), *state;
	char compat[96], type[32], path[SNAP_NAME_SIZE], clean_name[40];
	const fdt32_t *c;
	int len;

	clean(name ? name : "?", 32, clean_name, sizeof(clean_name));
	if (!strings(fdt, node, "compatible", compat, sizeof(compat)))
		snprintf(compat, sizeof(compat), "(no compatible)");
	printf("  %-10s  %-14s", clean_name, compat);
	if (strings(fdt, node, "type", type, sizeof(type)))
		printf("  type %s", type);
	c = fdt_getprop(fdt, node, "reg", &len);
	if (c && len >= 4 * (ac + sc))
		printf("  reg 0x%llx size 0x%llx", (unsigned long long)cells(c, ac),
		       (unsigned long long)cells(c + ac, sc));
	c = fdt_getprop(fdt, node, "interrupts", &len);
	if (c && len >= 4)
		printf("  SPI %u (INTID %u)", fdt32_to_cpu(*c), fdt32_to_cpu(*c) + 32);
	snprintf(path, sizeof(path), "/devices/%s", clean_name);
	state = section_type_named(v, path);
	printf("  state: %s\n", state ? state : "no section");
}

static void show_devices(const struct view *v, const void *fdt)
{
	int node = fdt_subnode_offset(fdt, 0, "devices"), ac, sc, dev;

	printf("devices\n");
	if (node < 0) {
		printf("  none\n");
		return;
	}
	ac = cells_of(fdt, node, "#address-cells");
	sc = cells_of(fdt, node, "#size-cells");
	fdt_for_each_subnode(dev, fdt, node)
		show_device(v, fdt, dev, ac, sc);
}

static void show_config(const struct view *v)
{
	const uint8_t *p;
	struct snap_field f;
	size_t n;
	const void *fdt;
	const fdt32_t *c;
	int node, len;
	char s[64];

	printf("\nconfiguration\n");
	if (!section(v, SNAP_SEC_CONFIG, "/", &p, &n) ||
	    snap_tlv_find(p, n, SNAP_CONFIG_DTB, &f) != 1 || f.vtype != SNAP_VT_BYTES) {
		printf("  no configuration DTB\n");
		return;
	}
	fdt = f.value;
	if (f.length < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) != f.length) {
		printf("  the configuration DTB is damaged (%u bytes)\n", f.length);
		return;
	}
	if (get_str(p, n, SNAP_CONFIG_SOURCE_PATH, s, sizeof(s)))
		printf("  from          %s\n", s);
	c = fdt_getprop(fdt, 0, "vcpus", &len);
	if (c && len == 4)
		printf("  vcpus         %u\n", fdt32_to_cpu(*c));
	node = fdt_subnode_offset(fdt, 0, "memory");
	c = node >= 0 ? fdt_getprop(fdt, node, "size", &len) : NULL;
	if (c && (len == 4 || len == 8))
		printf("  memory        %llu MiB\n", (unsigned long long)(cells(c, len / 4) / MIB));
	node = fdt_subnode_offset(fdt, 0, "boot");
	if (node >= 0 && strings(fdt, node, "kernel", s, sizeof(s)))
		printf("  kernel        %s\n", s);
	show_devices(v, fdt);
}

/* --- machine, host and RAM ---------------------------------------------------- */

static void show_machine(const struct view *v)
{
	static const char *const run_states[] = { "?", "running", "paused" };
	uint64_t vcpus, base, size, run, freq, vcounter, boots;
	const uint8_t *p;
	size_t n;
	char s[64];

	printf("\nmachine\n");
	if (!section(v, SNAP_SEC_MACHINE, "/", &p, &n)) {
		printf("  no machine section\n");
		return;
	}
	if (get_str(p, n, SNAP_MACHINE_NAME, s, sizeof(s)))
		printf("  name          %s\n", s);
	if (get_u64(p, n, SNAP_MACHINE_VCPUS, &vcpus))
		printf("  vcpus         %llu\n", (unsigned long long)vcpus);
	if (get_u64(p, n, SNAP_MACHINE_RAM_BASE, &base) &&
	    get_u64(p, n, SNAP_MACHINE_RAM_SIZE, &size))
		printf("  RAM           %llu MiB at 0x%llx\n", (unsigned long long)(size / MIB),
		       (unsigned long long)base);
	if (get_u64(p, n, SNAP_MACHINE_RUN_STATE, &run))
		printf("  run state     %s\n", run_states[run <= 2 ? run : 0]);
	if (get_u64(p, n, SNAP_MACHINE_COUNTER_FREQ, &freq))
		printf("  counter       %llu Hz\n", (unsigned long long)freq);
	if (get_u64(p, n, SNAP_MACHINE_VCOUNTER, &vcounter))
		printf("  vcounter      0x%llx\n", (unsigned long long)vcounter);
	if (get_u64(p, n, SNAP_MACHINE_BOOTS, &boots))
		printf("  boots         %llu\n", (unsigned long long)boots);
	if (section(v, SNAP_SEC_HOST, "/", &p, &n)) {
		uint64_t cpus;

		printf("host\n");
		if (get_str(p, n, SNAP_HOST_CPU, s, sizeof(s)))
			printf("  cpu           %s\n", s);
		if (get_str(p, n, SNAP_HOST_BOARD, s, sizeof(s)))
			printf("  board         %s\n", s);
		if (get_u64(p, n, SNAP_HOST_CPUS, &cpus))
			printf("  cpus          %llu\n", (unsigned long long)cpus);
	}
}

static void show_ram(const struct view *v)
{
	printf("\nRAM\n");
	for (uint32_t i = 0; v->toc_in_file && i < v->h.toc_count; i++) {
		uint64_t base = 0, size = 0, data = 0;
		struct snap_toc_entry e;
		struct snap_field f;
		const uint8_t *p;
		char name[SNAP_NAME_SIZE];

		entry(v, i, &e);
		if (e.type != SNAP_SEC_RAM || !in_file(v, e.offset, e.length))
			continue;
		p = v->buf + e.offset;
		get_u64(p, e.length, SNAP_RAM_BASE, &base);
		get_u64(p, e.length, SNAP_RAM_SIZE, &size);
		get_u64(p, e.length, SNAP_RAM_DATA_OFFSET, &data);
		printf("  %s  %llu MiB at 0x%llx, data at 0x%llx",
		       clean(e.name, sizeof(e.name), name, sizeof(name)),
		       (unsigned long long)(size / MIB), (unsigned long long)base,
		       (unsigned long long)data);
		if (snap_tlv_find(p, e.length, SNAP_RAM_PRESENT, &f) == 1 &&
		    f.vtype == SNAP_VT_BYTES)
			printf(", %llu present pages",
			       (unsigned long long)snap_ram_present_count(f.value, f.length));
		printf("\n");
	}
}

int show_snapshot(const char *what, const uint8_t *buf, size_t len)
{
	struct view v = { .buf = buf, .len = len };
	const struct snap_header *h = &v.h;

	if (snap_header_decode(buf, len, &v.h)) {
		if (len < SNAP_HEADER_SIZE)
			fprintf(stderr, "error: snapshot %s: truncated: %zu bytes, less than a header\n",
				what, len);
		else
			fprintf(stderr,
				"error: snapshot %s: not a Kestrel snapshot (magic %02x %02x %02x %02x %02x %02x %02x %02x)\n",
				what, buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]);
		return EXIT_INVALID;
	}
	v.toc_in_file = h->toc_entry_size >= SNAP_TOC_ENTRY_SIZE &&
			h->toc_count <= SNAP_TOC_COUNT_MAX &&
			h->toc_length == (uint64_t)h->toc_count * h->toc_entry_size &&
			in_file(&v, h->toc_offset, h->toc_length);
	printf("snapshot %s\n\n", what);
	show_header(&v);
	show_toc(&v);
	show_config(&v);
	show_machine(&v);
	show_ram(&v);
	return v.damaged || !v.toc_in_file ? EXIT_INVALID : 0;
}
