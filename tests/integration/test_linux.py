# SPDX-License-Identifier: GPL-2.0
"""The default configuration's Linux guest (Debian's arm64 cloud kernel and
a busybox initramfs, `make linux-guest`), driven through its own shell: the
virtio disk (the boot disk's third partition), the network through the
uplink, the virtio console and entropy. The VM runs on a copy of the boot
disk, so the build's disk.img is never written."""

import hashlib
import re
import struct

import pytest

from guest_console import bind, unbind, written
from kestrel_vm import boot_to_prompt, copy_disk
from linux_shell import attach, sh

PORT = "linux0/uart0"
DISK_MIB = 32


def partition_start(image, n):
    """Byte offset of MBR primary partition n (1-4) of a disk image."""
    with open(image, "rb") as f:
        mbr = f.read(512)
    assert mbr[510:512] == b"\x55\xaa"
    lba = struct.unpack_from("<I", mbr, 446 + 16 * (n - 1) + 8)[0]
    return lba * 512


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    path = tmp_path_factory.mktemp("linux") / "disk.img"
    copy_disk(path)
    return str(path)


@pytest.fixture(scope="module")
def vm(disk):
    vm = boot_to_prompt(boot="direct", smp=4, payload="build", timeout=120, disk=disk)
    try:
        vm.run("log level err")
        attach(vm, PORT)
        yield vm
    except Exception:
        print(vm.tail(80))
        raise
    finally:
        vm.close()


def test_boots_to_a_shell_with_two_cpus(vm):
    status, out = sh(vm, "grep -c ^processor /proc/cpuinfo")
    assert status == 0 and out.strip() == "2", out
    status, out = sh(vm, "cat /proc/device-tree/model")
    assert "Kestrel guest linux0" in out


def test_dmesg_has_no_oops_or_unhandled_lines(vm):
    status, out = sh(vm, "dmesg | grep -iE 'oops|unhandled|bug:' ")
    assert status == 1, out        # grep found nothing
    status, out = sh(vm, "dmesg | grep -E 'PSCIv|GICv3: CPU1|ttyAMA0 at'")
    assert "PSCIv1.0 detected" in out, out
    assert "GICv3: CPU1: found redistributor 1" in out, out
    assert "ttyAMA0 at MMIO 0x9000000" in out, out


def test_virtio_modules_loaded(vm):
    status, out = sh(vm, "lsmod")
    for mod in ("virtio_mmio", "virtio_rng", "virtio_blk", "virtio_net", "virtio_console"):
        assert re.search(rf"^{mod}\s", out, re.M), out


def test_hwrng_returns_data(vm):
    status, out = sh(vm, "cat /sys/class/misc/hw_random/rng_current")
    assert out.strip().startswith("virtio_rng"), out
    status, out = sh(vm, "head -c 64 /dev/hwrng | od -An -tx1 | wc -w")
    assert status == 0 and out.strip() == "64", out


def guest_md5(vm, what):
    status, out = sh(vm, f"{what} | md5sum", timeout=180)
    assert status == 0, out
    return out.split()[0]


def test_disk_data_survives_a_guest_reset_and_reaches_the_image(vm, disk):
    status, out = sh(vm, "cat /sys/block/vda/size")
    assert status == 0 and int(out) >= DISK_MIB * 2048, out
    status, out = sh(vm, f"dd if=/dev/urandom of=/tmp/data bs=1M count={DISK_MIB} 2>&1",
                     timeout=180)
    assert status == 0, out
    data_md5 = guest_md5(vm, "cat /tmp/data")
    status, out = sh(vm, f"dd if=/tmp/data of=/dev/vda bs=1M 2>&1 && sync", timeout=300)
    assert status == 0, out
    sh(vm, "echo 3 > /proc/sys/vm/drop_caches")
    assert guest_md5(vm, f"head -c {DISK_MIB * 1024 * 1024} /dev/vda") == data_md5

    unbind(vm, PORT)
    since = written(vm, PORT)
    assert vm.run("guest reset linux0").strip().endswith("linux0: reset")
    attach(vm, PORT, since=since)
    assert guest_md5(vm, f"head -c {DISK_MIB * 1024 * 1024} /dev/vda") == data_md5

    # The bytes are in the disk image file on the QEMU host, at vda3.
    with open(disk, "rb") as f:
        f.seek(partition_start(disk, 3))
        assert hashlib.md5(f.read(DISK_MIB * 1024 * 1024)).hexdigest() == data_md5


def test_ping_the_gateway_through_the_uplink(vm):
    for cmd in ("ip link set eth0 up", "ip addr add 10.0.2.15/24 dev eth0"):
        status, out = sh(vm, cmd)
        assert status == 0, out
    status, out = sh(vm, "ping -c 3 -W 5 10.0.2.2", timeout=60)
    assert status == 0 and "3 packets received" in out, out


def test_virtio_console_is_a_shell(vm):
    unbind(vm, PORT)
    bind(vm, "linux0/hvc0")
    sh(vm, "true")                 # past the replayed output
    status, out = sh(vm, "tty")
    assert out.strip() == "/dev/hvc0", out
    unbind(vm, "linux0/hvc0")
    attach(vm, PORT)


def test_terminal_shows_disks_switches_and_devices(vm):
    unbind(vm, PORT)
    out = vm.run("blockdev list")
    assert re.search(r"^vda3\s+64\s+partition \(MBR type 0x83\)\s+1\s", out, re.M), out
    out = vm.run("netswitch ports br0")
    assert re.search(r"^br0\s+eth0\s+52:54:00:12:34:56\s+yes\s", out, re.M), out
    assert re.search(r"^br0\s+linux0/net0\s+[0-9a-f:]{17}\s+no\s", out, re.M), out
    out = vm.run("netswitch list")
    assert re.search(r"^br0\s", out, re.M), out
    info = vm.run("guest info linux0")
    for dev in ("rng0", "disk0", "net0", "hvc0"):
        assert re.search(rf"^\s+{dev}\s+virtio,mmio\s+virtio-mmio", info, re.M), info
    attach(vm, PORT)


def test_guest_keeps_running_after_escape(vm):
    unbind(vm, PORT)
    assert re.search(r"^linux0\s+running", vm.run("guest list"), re.M)
    attach(vm, PORT)
    status, out = sh(vm, "echo alive")
    assert out.strip() == "alive"
