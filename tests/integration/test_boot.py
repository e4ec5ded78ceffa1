# SPDX-License-Identifier: GPL-2.0
"""Kestrel boots from U-Boot and directly, with 1 and 4 CPUs, brings every
CPU online, and powers off or resets on command."""

import re

import pytest

from kestrel_vm import copy_disk
from linux_shell import attach, sh


@pytest.mark.parametrize("boot", ["uboot", "direct"])
@pytest.mark.parametrize("smp", [1, 4])
def test_boots_with_all_cpus_online(vms, boot, smp):
    vm = vms(boot=boot, smp=smp)
    log = vm.console()
    if boot == "uboot":
        assert "Kestrel: booting from virtio" in log, "U-Boot did not run boot.scr"
    assert "starting at EL2" in log
    assert f"smp: {smp} of {smp} CPU(s) online" in log
    assert "error" not in log.split("starting at EL2", 1)[1]

    out = vm.run("host cpus")
    rows = [line.split() for line in out.splitlines() if re.match(r"^\d+\s", line)]
    assert [int(r[0]) for r in rows] == list(range(smp))
    for row in rows:
        assert row[2] == "online", f"CPU {row[0]} is {row[2]}"
        assert row[3] == "ok", f"CPU {row[0]} timer self-test: {row[3]}"


def test_uboot_boots_the_linux_guest_to_its_shell(vms, tmp_path):
    """What make run does: U-Boot, Kestrel, and with no keypress the
    default configuration's Linux guest at its busybox shell."""
    disk = tmp_path / "disk.img"
    copy_disk(disk)
    vm = vms(boot="uboot", smp=4, disk=str(disk), timeout=180)
    vm.run("log level err")
    attach(vm, "linux0/uart0", timeout=180)
    status, out = sh(vm, "uname -m; grep -c ^processor /proc/cpuinfo")
    assert status == 0 and out.split() == ["aarch64", "2"], out


def test_shutdown_ends_qemu(vms):
    vm = vms(boot="direct", smp=2)
    vm.send("shutdown\r")
    vm.expect("Powering off")
    assert vm.wait_exit(timeout=30) == 0


def test_reset_restarts_kestrel(vms):
    vm = vms(boot="direct", smp=2)
    vm.send("reset\r")
    vm.expect("Resetting the system")
    vm.expect("starting at EL2")
    vm.wait_prompt()
    assert "2 of 2 CPU(s) online" in vm.run("log show")
