# SPDX-License-Identifier: GPL-2.0
"""Kestrel's own virtio devices under QEMU: the boot disk as vda with the
three partitions tools/mkbootdisk.sh makes, the entropy source, and the NIC
as eth0 on switch br0."""

import re

import pytest

from kestrel_qemu import NIC_MAC
from kestrel_vm import boot_to_prompt

# tools/mkbootdisk.sh: 1 MiB, then partitions of 64, 512 and 64 MiB.
DISK = {"vda": (641, "virtio-blk"),
        "vda1": (64, "partition (MBR type 0x0e)"),
        "vda2": (512, "partition (MBR type 0xda)"),
        "vda3": (64, "partition (MBR type 0x83)")}


# First: QEMU locks the disk image, so this VM must be gone before the
# module's shared one starts.
def test_without_network(vms):
    vm = vms(boot="direct", smp=1, net=False)
    log = vm.console()
    assert "eth0" not in log
    assert "blockdev: vda3:" in log
    assert "error" not in log.split("starting at EL2", 1)[1]
    vm.close()


@pytest.fixture(scope="module")
def vm():
    vm = boot_to_prompt(boot="direct", smp=2)
    yield vm
    vm.close()


def blockdevs(out):
    """NAME -> (size MiB, kind, users, reads, writes, errors) from `blockdev list`."""
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)  (.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), m.group(3)) + tuple(map(int, m.groups()[3:]))
    return rows


def test_blockdev_list_shows_disk_and_partitions(vm):
    out = vm.run("blockdev list")
    assert out.splitlines()[0].split() == ["NAME", "SIZE(MiB)", "KIND", "USERS", "READS",
                                           "WRITES", "ERRORS"]
    rows = blockdevs(out)
    assert list(rows) == list(DISK), out
    for name, (size, kind) in DISK.items():
        assert rows[name][:2] == (size, kind), out
        assert rows[name][2] == 0 and rows[name][5] == 0, out      # no users, no errors
    assert rows["vda"][3] >= 1, "the partition table was read from vda"


def test_boot_log_names_disk_and_partitions(vm):
    log = vm.console()
    assert re.search(r"virtio-host: vda: virtio-blk at 0x[0-9a-f]+, irq \d+:", log)
    assert "blockdev: vda: 641 MiB (1312768 sectors), virtio-blk" in log
    assert "blockdev: vda3: 64 MiB at sector 1181696 of vda, MBR type 0x83" in log
    assert "error" not in log.split("starting at EL2", 1)[1]


def test_entropy_source(vm):
    out = vm.run("host info")
    m = re.search(r"^entropy:   virtio-rng, (\d+) bytes read$", out, re.M)
    assert m, out
    assert int(m.group(1)) >= 512, "the pool was filled at boot"
    assert "virtio-mmio (device)" in out


def test_nic_is_uplink_of_br0(vm):
    log = vm.console()
    assert re.search(rf"virtio-host: eth0: virtio-net at 0x[0-9a-f]+, irq \d+, MAC {NIC_MAC}, "
                     r"uplink of switch br0", log), log


def test_device_interrupts(vm):
    out = vm.run("host irqs")
    rows = {r.split()[1]: r.split() for r in out.splitlines() if re.match(r"^\d+\s", r)}
    for name in ("virtio-blk0", "virtio-net0", "virtio-rng0"):
        assert rows[name][2:4] == ["shared", "edge"], out
    assert int(rows["virtio-blk0"][4]) >= 1 and int(rows["virtio-rng0"][4]) >= 1, out


def test_blockdev_errors(vm):
    assert vm.run("blockdev").strip() == \
        "error: blockdev: missing subcommand (usage: blockdev list)"
    assert vm.run("blockdev show").strip() == \
        "error: blockdev: unknown subcommand 'show' (expected list)"
    assert vm.run("blockdev list x").strip() == "error: blockdev list: too many arguments"
