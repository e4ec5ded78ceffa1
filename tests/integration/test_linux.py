# SPDX-License-Identifier: GPL-2.0
"""The default configuration's Linux guest (Debian's arm64 cloud kernel and
a busybox initramfs, `make linux-guest`), driven through its own shell."""

import re

import pytest

from guest_console import unbind
from kestrel_vm import boot_to_prompt
from linux_shell import attach, sh

PORT = "linux0/uart0"


@pytest.fixture(scope="module")
def vm():
    vm = boot_to_prompt(boot="direct", smp=4, payload="build", timeout=120)
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


def test_guest_keeps_running_after_escape(vm):
    unbind(vm, PORT)
    assert re.search(r"^linux0\s+running", vm.run("guest list"), re.M)
    attach(vm, PORT)
    status, out = sh(vm, "echo alive")
    assert out.strip() == "alive"
