# SPDX-License-Identifier: GPL-2.0
"""Two Linux guests on one virtual switch (configs/two-linux.dts) reach each
other: addresses set in each guest's shell, then pings both ways."""

import pytest

from guest_console import unbind
from kestrel_vm import boot_to_prompt
from linux_shell import attach, sh

ADDRS = {"linux0": "192.168.50.1", "linux1": "192.168.50.2"}


@pytest.fixture(scope="module")
def vm():
    vm = boot_to_prompt(boot="direct", smp=4, payload="two-linux", timeout=120, net=False)
    try:
        vm.run("log level err")
        yield vm
    except Exception:
        print(vm.tail(80))
        raise
    finally:
        vm.close()


def configure(vm, guest):
    attach(vm, f"{guest}/uart0")
    for cmd in ("ip link set eth0 up", f"ip addr add {ADDRS[guest]}/24 dev eth0"):
        status, out = sh(vm, cmd)
        assert status == 0, out


def test_two_linux_guests_ping_each_other(vm):
    configure(vm, "linux1")
    unbind(vm, "linux1/uart0")
    configure(vm, "linux0")
    status, out = sh(vm, f"ping -c 3 -W 5 {ADDRS['linux1']}", timeout=60)
    assert status == 0 and "3 packets received" in out, out
    unbind(vm, "linux0/uart0")
    attach(vm, "linux1/uart0")
    status, out = sh(vm, f"ping -c 3 -W 5 {ADDRS['linux0']}", timeout=60)
    assert status == 0 and "3 packets received" in out, out
    unbind(vm, "linux1/uart0")
    ports = vm.run("netswitch ports lan0")
    assert "linux0/net0" in ports and "linux1/net0" in ports, ports
