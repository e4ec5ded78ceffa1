# SPDX-License-Identifier: GPL-2.0
"""The Linux guest survives a power cycle in a snapshot: a file is written
in its RAM filesystem, the guest is saved and stopped, QEMU quits, a new
QEMU boots Kestrel from the same disk image, the snapshot is restored, and
the shell answers with the file intact and its clock not gone back."""

import re

import pytest

from guest_console import bind
from kestrel_vm import boot_to_prompt, copy_disk
from linux_shell import attach, sh

PORT = "linux0/uart0"


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    return str(copy_disk(tmp_path_factory.mktemp("snaplinux") / "disk.img"))


def boot(disk):
    vm = boot_to_prompt(boot="direct", smp=4, payload="build", timeout=120, disk=disk)
    vm.run("log level err")
    return vm


def uptime(vm):
    status, out = sh(vm, "cat /proc/uptime")
    assert status == 0, out
    return float(out.split()[0])


def test_linux_survives_a_power_cycle_in_a_snapshot(disk):
    vm = boot(disk)
    try:
        attach(vm, PORT)
        status, out = sh(vm, "head -c 4194304 /dev/urandom > /root/data && md5sum /root/data")
        assert status == 0, out
        md5 = out.split()[0]
        before = uptime(vm)
        vm.send("\x1d")
        vm.expect(re.escape(f"Disconnected from {PORT}"))
        vm.wait_prompt()
        out = vm.run("snapshot save linux0 lx-a stop", timeout=600)
        assert re.search(r"snapshot lx-a: saved linux0: 258\.0 MiB snapshot, [\d.]+ MiB of RAM "
                         r"written, \d+ of 65536 pages zero \(skipped\)", out), out
        assert re.search(r"^linux0\s+stopped\s", vm.run("guest list"), re.M)
    except Exception:
        print(vm.tail(80))
        raise
    finally:
        vm.close()

    vm = boot(disk)
    try:
        assert vm.run("guest destroy linux0").strip().endswith("linux0: destroyed")
        out = vm.run("snapshot restore lx-a", timeout=600)
        assert re.search(r"snapshot lx-a: restored linux0: .*; running", out), out
        bind(vm, PORT)
        sh(vm, "true")                  # past the bind's replay: the shell answers
        status, out = sh(vm, "md5sum /root/data")
        assert status == 0 and out.split()[0] == md5, out
        after = uptime(vm)
        assert after >= before, (before, after)
        status, out = sh(vm, "grep -c ^processor /proc/cpuinfo")
        assert out.strip() == "2", out
    except Exception:
        print(vm.tail(80))
        raise
    finally:
        vm.close()
