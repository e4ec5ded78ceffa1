# SPDX-License-Identifier: GPL-2.0
"""Snapshots of the test firmware (configs/snapshot.dts) in the store on a
copy of the boot disk: save, destroy, restore and carry on; two saves of
an unchanged guest agree; every kind of damage is refused with its own
error and restores nothing. The store is read and damaged from the host
through snapshot_disk.py, an independent reader of the format."""

import re
import struct

import pytest

from guest_console import SUMMARY, at_prompt, bind, shell, unbind, wait_output
from kestrel_vm import boot_to_prompt, copy_disk
from snapshot_disk import Snapshot, Store

PORT = "basic0/uart0"
COUNTER = r"basic: counter (\d+) cntvct (\d+)"


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    return str(copy_disk(tmp_path_factory.mktemp("snapshot") / "disk.img"))


@pytest.fixture(scope="module")
def vm(disk):
    vm = boot_to_prompt(boot="direct", smp=2, payload="snapshot", timeout=90, disk=disk)
    try:
        vm.run("log level err")
        wait_output(vm, PORT, SUMMARY)
        yield vm
    except Exception:
        print(vm.tail(80))
        raise
    finally:
        vm.close()


def firmware(vm, command, pattern):
    """Runs a firmware shell command through vserial bind; returns the match."""
    bind(vm, PORT)
    at_prompt(vm)
    m = shell(vm, PORT, command, pattern)
    unbind(vm, PORT)
    return m


def counter(vm):
    m = firmware(vm, "counter", COUNTER)
    return int(m.group(1)), int(m.group(2))


def guest_names(vm):
    return re.findall(r"^(\S+)\s+(?:running|paused|stopped)\s", vm.run("guest list"), re.M)


def test_save_destroy_restore_continues(vm):
    assert "pattern written" in firmware(vm, "pattern fill", r"basic: pattern written.*").group(0)
    count, cntvct = counter(vm)
    assert count > 0
    out = vm.run("snapshot save basic0 fw-a", timeout=300)
    assert "snapshot fw-a: saving basic0 (64 MiB of RAM) to vda2" in out, out
    assert re.search(r"^\s+100%\s+64\.0 MiB of 64\.0 MiB\s+[\d.]+ MiB/s", out, re.M), out
    m = re.search(r"snapshot fw-a: saved basic0: 66\.0 MiB snapshot, ([\d.]+) MiB of RAM "
                  r"written, (\d+) of 16384 pages zero \(skipped\), [\d.]+ s", out)
    assert m, out
    saved_count, _ = counter(vm)            # it ran on after the save
    assert saved_count > count

    assert vm.run("guest destroy basic0").strip().endswith("basic0: destroyed")
    out = vm.run("snapshot restore fw-a", timeout=300)
    assert re.search(r"snapshot fw-a: restored basic0: [\d.]+ MiB of RAM read, \d+ of 16384 "
                     r"pages zero, [\d.]+ s; running", out), out
    # The second vCPU's loop carries on from where the save froze it: not
    # from 0, and its virtual counter did not go back.
    after, after_cntvct = counter(vm)
    assert after > count, (count, after)
    assert after_cntvct > cntvct
    assert firmware(vm, "pattern check", r"basic: pattern (intact|damaged.*)").group(1) == \
        "intact"
    listing = vm.run("snapshot list")
    assert re.search(r"^fw-a\s+ready\s+66\.0 MiB\s+1\s+basic0\s", listing, re.M), listing
    assert "every checksum matches" in vm.run("snapshot verify fw-a", timeout=300)


def test_saving_twice_unchanged_gives_the_same_sections(vm, disk):
    assert vm.run("guest pause basic0").strip().endswith("basic0: paused")
    for name in ("tw-a", "tw-b"):
        assert f"snapshot {name}: saved basic0" in vm.run(f"snapshot save basic0 {name}",
                                                          timeout=300)
    assert vm.run("guest resume basic0").strip().endswith("basic0: resumed")
    store = Store(disk)
    a, b = Snapshot(store, "tw-a"), Snapshot(store, "tw-b")
    assert a.toc == b.toc                    # offsets, lengths and every CRC
    assert a.toc_crc == b.toc_crc
    # The headers differ in the creation time and the header CRC only.
    diff = [i for i in range(256) if a.header[i] != b.header[i]]
    assert diff and all(0x10 <= i < 0x14 or 0x50 <= i < 0x58 for i in diff), diff
    names = [s["name"] for s in a.sections]
    for want in ("/", "/cpus/cpu@0", "/cpus/cpu@1", "/intc@8000000", "/devices/uart0",
                 "/devices/rng0", "/memory@40000000"):
        assert want in names, names
    for name in ("tw-a", "tw-b"):
        assert f"snapshot {name}: deleted" in vm.run(f"snapshot delete {name}")


def refused(vm, expect):
    out = vm.run("snapshot restore cx-a as cx0", timeout=300)
    assert re.search(r"error: snapshot cx-a: " + expect, out), out
    assert "cx0" not in guest_names(vm)
    return out


def test_damage_is_refused_and_restores_nothing(vm, disk):
    assert "snapshot cx-a: saved basic0" in vm.run("snapshot save basic0 cx-a", timeout=300)
    store = Store(disk)
    snap = Snapshot(store, "cx-a")
    uart = snap.section("/devices/uart0")

    # A bit of the header (created_unix_ns), of the table, of a device section.
    for off, expect in ((0x48, r"header CRC32C mismatch \(stored 0x[0-9a-f]{8}, computed "
                                r"0x[0-9a-f]{8}\): the header is damaged"),
                        (snap.toc_offset + 0x30, r"table of contents CRC32C mismatch"),
                        (uart["offset"] + 8, r"section /devices/uart0 \(pl011 v1\): CRC32C "
                                             r"mismatch")):
        orig = store.flip("cx-a", off)
        refused(vm, expect)
        store.write("cx-a", off, orig)

    # A bit of the first present RAM page: its chunk's CRC.
    ram = snap.section("/memory@40000000")
    present = store.read("cx-a", ram["offset"], ram["length"])
    bitmap_at = present.index(struct.pack("<HBBI", 6, 3, 1, 16384 // 8)) + 8
    first = next(i * 8 + b for i, byte in enumerate(present[bitmap_at:bitmap_at + 2048])
                 for b in range(8) if byte >> b & 1)
    orig = store.flip("cx-a", 0x200000 + first * 4096 + 100)
    refused(vm, rf"RAM chunk {first // 512} \(0x[0-9a-f]+-0x[0-9a-f]+, \d+ present pages?\): "
                r"CRC32C mismatch")
    store.write("cx-a", 0x200000 + first * 4096 + 100, orig)

    # Truncated: the store entry holds one 2 MiB unit less than the header says.
    units = store.entries["cx-a"]["extents"][-1][1]
    store.set_extent_units("cx-a", units - 1)
    refused(vm, r"truncated: the header says 0x4200000 bytes, the snapshot has 0x4000000")
    store.set_extent_units("cx-a", units)

    # A section listed twice: the UART's entry appended to the table again.
    index = snap.sections.index(uart)
    snap.write_toc(snap.toc + snap.toc[index * 128:(index + 1) * 128])
    refused(vm, rf"section /devices/uart0 \(pl011\) appears twice in the table of contents "
                rf"\(entries {index} and {snap.toc_count}\)")
    snap.restore_original()

    # An unknown mandatory section: the optional host section made type 0x1200, mandatory.
    toc = bytearray(snap.toc)
    host = snap.sections.index(snap.section("/", 0x0005))
    struct.pack_into("<HHH", toc, host * 128, 0x1200, 1, 1)
    snap.write_toc(toc)
    refused(vm, r"section /: type 0x1200 v1 is mandatory and unknown to this build "
                r"\(Kestrel [\d.]+\)")
    snap.restore_original()

    # Intact again: it verifies and restores under another name.
    assert "every checksum matches" in vm.run("snapshot verify cx-a", timeout=300)


def test_terminal_errors(vm):
    for cmd, err in (
            ("snapshot", "snapshot: missing subcommand"),
            ("snapshot frobnicate", "snapshot: unknown subcommand 'frobnicate'"),
            ("snapshot save basic0", "snapshot save: missing argument"),
            ("snapshot save nosuch x", "snapshot save: no guest named 'nosuch'"),
            ("snapshot save basic0 Bad!", "snapshot Bad!: a snapshot name is 1 to 31"),
            ("snapshot save basic0 x later", "snapshot save: 'later' is not 'stop'"),
            ("snapshot restore nosuch", "snapshot nosuch: no such snapshot in vda2"),
            ("snapshot restore fw-a as", "snapshot restore: expected 'as <guest>'"),
            ("snapshot restore fw-a", "snapshot fw-a: a guest named basic0 exists"),
            ("snapshot delete nosuch", "snapshot nosuch: no such snapshot in vda2")):
        out = vm.run(cmd)
        assert f"error: {err}" in out, (cmd, out)
    # The guest ran on through all of it.
    assert ("basic0", ) == tuple(n for n in guest_names(vm) if n == "basic0")
