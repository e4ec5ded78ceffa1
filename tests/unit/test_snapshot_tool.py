# SPDX-License-Identifier: GPL-2.0
"""Host tests of kestrel-snapshot (tools/snapshot), without QEMU: the tool is
built into a temporary directory, and the snapshot it reads is the example of
docs/snapshot-format.md ("tiny0-a"), assembled here from the spec's tables
alone, saved into a store on a small MBR disk image as Kestrel lays it out."""

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

SRCTREE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SRCTREE / "tests" / "integration"))
from snapshot_disk import crc32c  # noqa: E402

MIB = 0x100000
UNIT = 2 * MIB
SNAP_LEN = 0x600000

# --- the tagged fields (CRC32C: the integration tests' independent reader) ----


def field(tag, vtype, value, mandatory=True):
    pad = b"\0" * (-len(value) % 8)
    return struct.pack("<HBBI", tag, vtype, 1 if mandatory else 0, len(value)) + value + pad


def u32(tag, v, m=True):
    return field(tag, 1, struct.pack("<I", v), m)


def u64(tag, v, m=True):
    return field(tag, 2, struct.pack("<Q", v), m)


def raw(tag, b, m=True):
    return field(tag, 3, b, m)


def array(tag, elem, values, m=True):
    if elem == 16:
        body = b"".join(struct.pack("<QQ", v & (2**64 - 1), v >> 64) for v in values)
    else:
        body = b"".join(struct.pack("<" + {1: "B", 4: "I", 8: "Q"}[elem], v) for v in values)
    return field(tag, 4, struct.pack("<II", elem, len(values)) + body, m)


# --- the example snapshot -------------------------------------------------------

TINY0_DTS = """/dts-v1/;

/ {
	compatible = "kestrel,guest";
	vcpus = <1>;

	memory {
		size = <0x0 0x00400000>;
	};

	boot {
		kernel = "basic.bin";
	};

	devices {
		uart0 {
			compatible = "arm,pl011";
			reg = <0x0 0x09000000 0x0 0x1000>;
			interrupts = <1>;
		};
	};
};
"""


def page(n):
    """Page 0x40000000 holds i mod 256, page 0x40200000 255 - i mod 256."""
    return bytes((i if n == 0 else 255 - i) & 0xFF for i in range(4096))


def sections(dtb):
    """The example's seven sections: (type, flags, name, payload)."""
    config = raw(1, dtb) + raw(2, b"/guests/tiny0", False)
    # counter-offset and boots are not in the spec: any value will do
    machine = (raw(1, b"tiny0") + u32(2, 1) + u64(3, 0x40000000) + u64(4, 0x400000) +
               u32(5, 1) + u64(6, 62500000) + u64(7, 0x5D75C80) +
               u64(8, 632716049 - 0x5D75C80, False) + u64(9, 1, False))
    host = (raw(1, b"Cortex-A57 r1p0 (MIDR 0x411fd070)", False) + raw(2, b"qemu-virt", False) +
            u32(3, 4, False))
    sysregs = {0x10: 0x30D00800, 0x16: 0x40000800, 0x1C: 0x40010000, 0x24: 0x300000}
    vcpu = (u32(1, 0) + u64(2, 0x80000000) + array(3, 8, [0x40200000] + [0] * 30) +
            u64(4, 0x400010C8) + u64(5, 0x3C5) + u32(6, 1) +
            b"".join(u64(t, sysregs.get(t, 0)) for t in range(0x10, 0x28)) +
            array(0x30, 16, [0] * 32) + u64(0x31, 0) + u64(0x32, 0) + u64(0x40, 1) +
            u64(0x41, 0x5F5E100))
    spis, words = 988, 31
    group = [0xFFFFFFFF] * (words - 1) + [(1 << (spis % 32)) - 1]
    uart_bit = [2] + [0] * (words - 1)
    vgic = (u32(1, 1) + u32(2, spis) + u64(3, 0x08000000) + u64(4, 0x080A0000) + u32(5, 2) +
            array(0x10, 4, group) + array(0x11, 4, uart_bit) + array(0x12, 4, [0] * words) +
            array(0x13, 4, [0] * words) + array(0x14, 4, [0] * words) +
            array(0x15, 4, uart_bit) +
            array(0x16, 1, [0xA0 if j == 1 else 0 for j in range(spis)]) +
            array(0x17, 8, [0] * spis) +
            array(0x20, 4, [0]) + array(0x21, 4, [0xFFFFFFFF]) + array(0x22, 4, [1 << 27]) +
            array(0x23, 4, [0]) + array(0x24, 4, [0]) + array(0x25, 4, [0xFFFF]) +
            array(0x26, 4, [0]) + array(0x27, 1, [0xA0 if i == 27 else 0 for i in range(32)]) +
            array(0x30, 4, [0xF0000002]) + array(0x31, 4, [0] * 4) + array(0x32, 4, [0] * 4) +
            array(0x33, 8, []))
    regs = [0x301, 0x70, 13, 1, 0x12, 0x50, 0, 0, 0]    # cr to dmacr
    uart = (u64(1, 0x09000000) + b"".join(u32(2 + i, v) for i, v in enumerate(regs)) +
            raw(0xB, b"ls\r") + u32(0xC, 1))
    present = bytearray(128)
    present[0] |= 1
    present[64] |= 1                                    # page 512
    ram = (u64(1, 0x40000000) + u64(2, 0x400000) + u32(3, 4096) + u32(4, 0x200000) +
           u64(5, 0x200000) + raw(6, bytes(present)) +
           array(7, 4, [crc32c(page(0)), crc32c(page(1))]) + u64(8, 2, False))
    return [(0x0001, 1, "/", config), (0x0002, 1, "/", machine), (0x0005, 0, "/", host),
            (0x0100, 1, "/cpus/cpu@0", vcpu), (0x0101, 1, "/intc@8000000", vgic),
            (0x1000, 1, "/devices/uart0", uart), (0x0003, 1, "/memory@40000000", ram)]


def build_snapshot(dtb):
    snap = bytearray(SNAP_LEN)
    at, toc = 0x1000, b""
    for stype, flags, name, payload in sections(dtb):
        snap[at:at + len(payload)] = payload
        toc += struct.pack("<HHHHQQII96s", stype, 1, flags, 0, at, len(payload),
                           crc32c(payload), 0, name.encode())
        at += len(payload)
    assert at == 0x4110                                # the spec's layout
    snap[at:at + len(toc)] = toc
    snap[0x200000:0x201000] = page(0)
    snap[0x400000:0x401000] = page(1)
    header = bytearray(struct.pack(
        "<8sHHIIIHHIQIIQIIQQQQ64s32s", b"KSTRSNAP", 1, 0, 256, 0, 1, 1, 0, 4096,
        at, 7, 128, len(toc), crc32c(toc), 0, SNAP_LEN, 0, 10123456789, 1,
        b"Kestrel 0.1.0 (arm64, qemu-virt)", b"tiny0")).ljust(256, b"\0")
    struct.pack_into("<I", header, 0x10, crc32c(header))
    snap[0:256] = header
    return bytes(snap)


# --- the store and the disk ---------------------------------------------------------


def store_copy(generation, nr_units, entries):
    """One metadata copy: entries are (name, state, length, sequence, [(first, n)])."""
    directory = bytearray(64 * 128)
    for i, (name, state, length, seq, extents) in enumerate(entries):
        ext = b"".join(struct.pack("<II", f, n) for f, n in extents).ljust(64, b"\0")
        directory[i * 128:(i + 1) * 128] = struct.pack(
            "<32sIIQQQ", name.encode(), state, len(extents), length, seq, 0) + ext
    sb = bytearray(struct.pack("<8sHHIIIQIIIIII16s", b"KSTRSTOR", 1, 0, 256, 0, 0,
                               generation, UNIT, nr_units, 0x1000, 64, 128,
                               crc32c(directory), bytes(range(16)))).ljust(256, b"\0")
    struct.pack_into("<I", sb, 0x10, crc32c(sb))
    return bytes(sb).ljust(0x1000, b"\0") + bytes(directory)


PART_START, PART_SIZE = 2 * MIB, 16 * MIB              # partition 2: 8 units


def write_store(f, base, copy_a, copy_b, snap):
    f.seek(base)
    f.write(copy_a)
    f.seek(base + MIB)
    f.write(copy_b)
    if snap is not None:
        f.seek(base + UNIT)                             # tiny0-a: units 1-3
        f.write(snap)


def make_disk(path, snap, copy_b=None):
    """An MBR disk: partition 1 (FAT, empty) and partition 2 (type 0xda)
    holding a store whose copy B (generation 2) is current."""
    mbr = bytearray(512)
    struct.pack_into("<B3sB3sII", mbr, 446, 0x80, b"", 0x0C, b"", 2048, 2048)
    struct.pack_into("<B3sB3sII", mbr, 462, 0, b"", 0xDA, b"", PART_START // 512,
                     PART_SIZE // 512)
    mbr[510:512] = b"\x55\xaa"
    if copy_b is None:
        copy_b = store_copy(2, 8, [("tiny0-a", 2, SNAP_LEN, 1, [(1, 3)]),
                                   ("other-b", 1, 0, 0, [(4, 1)])])
    with open(path, "wb") as f:
        f.truncate(PART_START + PART_SIZE)
        f.write(mbr)
        write_store(f, PART_START, store_copy(1, 8, []), copy_b, snap)


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    if shutil.which("dtc") is None:
        pytest.fail("dtc not found (install with: tools/deps.sh test)", pytrace=False)
    out = tmp_path_factory.mktemp("snapshot-tool")
    proc = subprocess.run(["make", "-j4", "-C", str(SRCTREE / "tools/snapshot"), f"O={out}"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout
    return out / "kestrel-snapshot"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    dts = tmp_path_factory.mktemp("dts") / "tiny0.dts"
    dts.write_text(TINY0_DTS)
    dtb = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", str(dts)],
                         stdout=subprocess.PIPE, check=True).stdout
    assert len(dtb) == 336
    return build_snapshot(dtb)


@pytest.fixture
def disk(tmp_path, snapshot):
    path = tmp_path / "disk.img"
    make_disk(path, snapshot)
    return path


def run(tool, *args):
    proc = subprocess.run([str(tool)] + [str(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


# --- tests ---------------------------------------------------------------------------


def test_example_matches_spec(snapshot):
    """The assembled example has the spec's section CRCs (the machine
    section's depends on values the spec leaves open) and chunk CRCs."""
    assert crc32c(b"123456789") == 0xE3069283
    toc = snapshot[0x4110:0x4110 + 7 * 128]
    crcs = [struct.unpack_from("<I", toc, i * 128 + 0x18)[0] for i in range(7)]
    assert crcs[:1] + crcs[2:] == [0x6CFA1BF6, 0xA5EF2A6D, 0x7BF8F9C8, 0xC225C14B,
                                   0x74E3FC81, 0x9CF5D832]
    assert toc[5 * 128:5 * 128 + 0x30] == bytes.fromhex(
        "0010010001000000503f000000000000c00000000000000081fce37400000000"
        "2f646576696365732f75617274300000")


def test_list(tool, disk):
    code, out, err = run(tool, "list", disk)
    assert code == 0, err
    assert ("partition 2 (16 MiB at 2 MiB): store of 8 units, 6 MiB free, "
            "generation 2 (copy B)") in out
    lines = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert lines["tiny0-a"] == ["tiny0-a", "ready", "6", "MiB", "1", "tiny0", "arm64"]
    assert lines["other-b"] == ["other-b", "writing", "2", "MiB", "0", "-", "-"]


def test_show(tool, disk):
    code, out, err = run(tool, "show", disk, "tiny0-a")
    assert code == 0, err
    for want in ("format        1.0", "arch          arm64 (1)", "page size     4096",
                 "producer      Kestrel 0.1.0 (arm64, qemu-virt)", "guest         tiny0",
                 "flags         0x00000001 (complete)", "file length   0x600000 (6 MiB)",
                 "table         7 entries of 128 bytes at 0x4110",
                 "uptime 10.123456789 s, unix time unknown", "sequence      1",
                 "vcpus         1", "memory        4 MiB", "kernel        basic.bin",
                 "RAM           4 MiB at 0x40000000", "run state     running",
                 "counter       62500000 Hz", "cpu           Cortex-A57 r1p0 (MIDR 0x411fd070)",
                 "  /memory@40000000  4 MiB at 0x40000000, data at 0x200000, 2 present pages"):
        assert want in out, want
    toc = {line.split()[-1]: line.split() for line in out.splitlines()
           if line.strip()[:1].isdigit()}
    assert toc["/devices/uart0"] == ["5", "pl011", "1", "M", "0x3f50", "0xc0", "0x74e3fc81",
                                     "ok", "/devices/uart0"]
    assert toc["/memory@40000000"][1:4] == ["ram", "1", "M"]
    assert [line.split()[1:4] for line in out.splitlines() if line.endswith(" /")] == \
        [["config", "1", "M"], ["machine", "1", "M"], ["host", "1", "O"]]
    uart = next(line for line in out.splitlines() if line.strip().startswith("uart0"))
    assert uart.split() == ["uart0", "arm,pl011", "reg", "0x9000000", "size", "0x1000", "SPI",
                            "1", "(INTID", "33)", "state:", "pl011"]


def test_verify_and_export(tool, disk, tmp_path, snapshot):
    code, out, err = run(tool, "verify", disk, "tiny0-a")
    assert (code, out, err) == (0, "ok: 7 sections, 2 present pages, all checksums match\n", "")
    code, out, err = run(tool, "verify", disk, "2:tiny0-a")
    assert code == 0, err
    exported = tmp_path / "tiny0-a.ksnap"
    code, out, err = run(tool, "export", disk, "tiny0-a", exported)
    assert code == 0, err
    assert out == f"exported tiny0-a: {SNAP_LEN} bytes to {exported}\n"
    assert exported.read_bytes() == snapshot
    code, out, err = run(tool, "verify", exported)
    assert code == 0, err
    assert out == "ok: 7 sections, 2 present pages, all checksums match\n"
    code, out, err = run(tool, "show", exported)
    assert code == 0 and "snapshot " + str(exported) in out, err


def test_verify_damaged_ram(tool, disk):
    """Bit 0 of the snapshot's byte 0x400000 (the first byte of page
    0x40200000): the spec's error table gives the message."""
    with open(disk, "r+b") as f:
        at = PART_START + UNIT + 0x400000
        f.seek(at)
        b = f.read(1)[0]
        f.seek(at)
        f.write(bytes([b ^ 1]))
    code, out, err = run(tool, "verify", disk, "tiny0-a")
    assert code == 1
    assert err == ("error: snapshot tiny0-a: RAM chunk 1 (0x40200000-0x403fffff, 1 present page): "
                   "CRC32C mismatch (stored 0x214941a8, computed 0xe3ecf7f6)\n")
    code, out, err = run(tool, "show", disk, "tiny0-a")      # show does not read RAM
    assert code == 0, err


def test_verify_damaged_file(tool, tmp_path, snapshot):
    damaged = bytearray(snapshot)
    damaged[0x48] ^= 1                                  # created_unix_ns
    path = tmp_path / "damaged.ksnap"
    path.write_bytes(damaged)
    code, out, err = run(tool, "verify", path)
    assert code == 1
    assert err.startswith(f"error: snapshot {path}: header CRC32C mismatch (stored 0x")
    code, out, err = run(tool, "show", path)
    assert code == 1 and "MISMATCH" in out
    path.write_bytes(snapshot[:0x3FF000])
    code, out, err = run(tool, "verify", path)
    assert code == 1 and "truncated" in err


def test_stores(tool, tmp_path, snapshot):
    # the partition's bytes alone, as dd copies them out
    part = tmp_path / "vda2.img"
    with open(part, "wb") as f:
        f.truncate(PART_SIZE)
        write_store(f, 0, store_copy(1, 8, [("tiny0-a", 2, SNAP_LEN, 1, [(1, 3)])]),
                    b"", snapshot)
    code, out, err = run(tool, "list", part)
    assert code == 0, err
    assert out.startswith("store (16 MiB at 0 MiB): store of 8 units, 8 MiB free, "
                          "generation 1 (copy A)\n")
    code, out, err = run(tool, "verify", part, "tiny0-a")
    assert code == 0, err

    # a commit into B torn by a power cut: A stays current
    torn = bytearray(store_copy(2, 8, [("tiny0-a", 2, SNAP_LEN, 1, [(1, 3)])]))
    torn[0x1000:] = bytes(len(torn) - 0x1000)
    disk = tmp_path / "torn.img"
    make_disk(disk, snapshot, bytes(torn))
    code, out, err = run(tool, "list", disk)
    assert code == 0, err
    assert "generation 1 (copy A)" in out
    assert "note: copy B: directory CRC32C mismatch" in out and "no snapshots" in out

    # a grown store copied onto a smaller partition: refused
    disk = tmp_path / "small.img"
    make_disk(disk, snapshot, store_copy(2, 16, []))
    code, out, err = run(tool, "list", disk)
    assert code == 1
    assert ("refused: copy B: the store spans 16 units but the partition holds 8: "
            "it was copied onto a smaller partition") in out
    code, out, err = run(tool, "verify", disk, "tiny0-a")
    assert code == 1 and "partition 2: the store is refused: copy B: the store spans 16" in err

    # never formatted
    disk = tmp_path / "zero.img"
    make_disk(disk, None, bytes(0x3000))
    with open(disk, "r+b") as f:
        f.seek(PART_START)
        f.write(bytes(0x3000))
    code, out, err = run(tool, "list", disk)
    assert code == 0, err
    assert "unformatted (no valid metadata copy)" in out


def test_usage_errors(tool, disk, tmp_path):
    for args in ([], ["list"], ["show"], ["frob", disk], ["export", disk, "tiny0-a"],
                 ["verify", disk, "tiny0-a", "extra"]):
        code, out, err = run(tool, *args)
        assert code == 2 and "usage:" in err, args
    code, out, err = run(tool, "verify", tmp_path / "missing.img", "tiny0-a")
    assert code == 2 and "No such file" in err
    code, out, err = run(tool, "verify", disk, "nosuch")
    assert code == 2 and "no snapshot nosuch" in err
    code, out, err = run(tool, "verify", disk)
    assert code == 2 and "name the snapshot" in err
    code, out, err = run(tool, "verify", disk, "3:tiny0-a")
    assert code == 2
    code, out, err = run(tool, "list", tmp_path)             # a directory: read fails
    assert code == 2
    code, out, err = run(tool, "--help")
    assert code == 0 and "usage:" in out
