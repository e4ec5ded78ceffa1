# SPDX-License-Identifier: GPL-2.0
"""Reads and damages snapshots in the store on a boot disk image, from the
host, following docs/snapshot-format.md (an independent reader of the
format: it shares no code with Kestrel)."""

import struct

UNIT = 0x200000
COPY_B = 0x100000
DIR_OFFSET = 0x1000
DIR_ENTRIES = 64
ENTRY_SIZE = 128
META_SIZE = DIR_OFFSET + DIR_ENTRIES * ENTRY_SIZE


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def partition_start(image, n):
    """Byte offset of MBR primary partition n (1-4) of a disk image."""
    with open(image, "rb") as f:
        mbr = f.read(512)
    assert mbr[510:512] == b"\x55\xaa"
    return struct.unpack_from("<I", mbr, 446 + 16 * (n - 1) + 8)[0] * 512


class Store:
    """The store on partition 2 of a disk image: the copy in force and its
    directory, and the bytes of each snapshot through its extents."""

    def __init__(self, image):
        self.image = image
        self.base = partition_start(image, 2)
        best = None
        for off in (0, COPY_B):
            meta = self._read(self.base + off, META_SIZE)
            if meta[:8] != b"KSTRSTOR":
                continue
            sb = bytearray(meta[:256])
            sb[0x10:0x14] = b"\0\0\0\0"
            if crc32c(sb) != struct.unpack_from("<I", meta, 0x10)[0]:
                continue
            gen = struct.unpack_from("<Q", meta, 0x18)[0]
            if best is None or gen > best[0]:
                best = (gen, off, meta)
        assert best, "no valid store copy"
        self.generation, self.copy_off, self.meta = best
        self.entries = {}
        for i in range(DIR_ENTRIES):
            e = self.meta[DIR_OFFSET + i * ENTRY_SIZE:DIR_OFFSET + (i + 1) * ENTRY_SIZE]
            name = e[:32].rstrip(b"\0").decode()
            if not name:
                continue
            state, nr, length, seq = struct.unpack_from("<IIQQ", e, 0x20)
            ext = [struct.unpack_from("<II", e, 0x40 + 8 * k) for k in range(nr)]
            self.entries[name] = {"index": i, "state": state, "length": length,
                                  "sequence": seq, "extents": ext}

    def _read(self, off, n):
        with open(self.image, "rb") as f:
            f.seek(off)
            return f.read(n)

    def _disk_offset(self, name, off):
        for first, count in self.entries[name]["extents"]:
            if off < count * UNIT:
                return self.base + first * UNIT + off
            off -= count * UNIT
        raise ValueError(f"offset past the extents of {name}")

    def read(self, name, off, n):
        """n bytes of snapshot `name` at offset off (within one extent)."""
        return self._read(self._disk_offset(name, off), n)

    def write(self, name, off, data):
        with open(self.image, "r+b") as f:
            f.seek(self._disk_offset(name, off))
            f.write(data)

    def flip(self, name, off, bit=0):
        """Flips one bit of snapshot `name`; returns the original byte."""
        b = self.read(name, off, 1)
        self.write(name, off, bytes([b[0] ^ (1 << bit)]))
        return b

    def set_extent_units(self, name, units):
        """Shortens (or lengthens) the snapshot's last extent in the copy in
        force, with its CRCs fixed: a truncated snapshot in a sound store."""
        e = self.entries[name]
        meta = bytearray(self.meta)
        at = DIR_OFFSET + e["index"] * ENTRY_SIZE + 0x40 + 8 * (len(e["extents"]) - 1) + 4
        struct.pack_into("<I", meta, at, units)
        dir_bytes = meta[DIR_OFFSET:META_SIZE]
        struct.pack_into("<I", meta, 0x34, crc32c(dir_bytes))
        struct.pack_into("<I", meta, 0x10, 0)
        struct.pack_into("<I", meta, 0x10, crc32c(meta[:256]))
        with open(self.image, "r+b") as f:
            f.seek(self.base + self.copy_off)
            f.write(meta)


class Snapshot:
    """The header, table of contents and sections of one snapshot."""

    def __init__(self, store, name):
        self.store, self.name = store, name
        self.header = store.read(name, 0, 256)
        (self.toc_offset, self.toc_count, self.toc_entry_size, self.toc_length,
         self.toc_crc) = struct.unpack_from("<QIIQI", self.header, 0x20)
        self.toc = store.read(name, self.toc_offset, self.toc_length)
        self.sections = []
        for i in range(self.toc_count):
            e = self.toc[i * 128:(i + 1) * 128]
            typ, ver, flags = struct.unpack_from("<HHH", e, 0)
            off, length, crc = struct.unpack_from("<QQI", e, 8)
            self.sections.append({"type": typ, "version": ver, "flags": flags, "offset": off,
                                  "length": length, "crc": crc,
                                  "name": e[0x20:].rstrip(b"\0").decode()})

    def section(self, name, typ=None):
        for s in self.sections:
            if s["name"] == name and (typ is None or s["type"] == typ):
                return s
        raise KeyError(name)

    def write_toc(self, toc):
        """Writes a new table (at the same offset) and fixes the header."""
        hdr = bytearray(self.header)
        struct.pack_into("<IIQI", hdr, 0x28, len(toc) // 128, 128, len(toc), crc32c(toc))
        struct.pack_into("<I", hdr, 0x10, 0)
        struct.pack_into("<I", hdr, 0x10, crc32c(hdr))
        self.store.write(self.name, self.toc_offset, bytes(toc))
        self.store.write(self.name, 0, bytes(hdr))

    def restore_original(self):
        self.store.write(self.name, self.toc_offset, self.toc)
        self.store.write(self.name, 0, self.header)
