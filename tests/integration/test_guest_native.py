# SPDX-License-Identifier: GPL-2.0
"""The test-firmware guest on plain QEMU at EL1, without Kestrel: the
baseline its runs under Kestrel are compared with. Every check passes, the
shell answers, and 'off' powers QEMU down."""

import os
import re

import pytest

from kestrel_vm import BUILD, KestrelVM

IMAGE = os.path.join(BUILD, "guests", "basic.bin")


@pytest.fixture
def native(request):
    if not os.path.isfile(IMAGE):
        pytest.fail(f"{IMAGE} missing: run 'make guests' (make test does)", pytrace=False)
    vm = KestrelVM(boot="direct", smp=2, mem="128M", image=IMAGE, payload=None,
                   machine="virt,gic-version=3")
    yield vm
    vm.close()


def test_all_checks_pass_natively(native):
    vm = native
    vm.expect("basic: type a key for the uart check")
    vm.send("k")
    vm.expect(r"basic: (\d+) passed, (\d+) failed\r")
    passed, failed = map(int, vm.proc.match.groups())
    log = vm.console()
    assert failed == 0, log
    assert passed == 7
    for check in ("timer", "sgi", "uart", "memory", "fpsimd", "abort", "reset"):
        assert re.search(rf"^basic: PASS {check}: ", log, re.M), check
    assert "input 0x6b 'k' by rx interrupt" in log


def test_shell_counter_and_power_off(native):
    vm = native
    vm.expect("basic: type a key for the uart check")
    vm.send("k")
    vm.expect("basic> ")
    counts = []
    for _ in range(2):
        vm.send("counter\r")
        vm.expect(r"basic: counter (\d+) cntvct (\d+)\r")
        counts.append(int(vm.proc.match.group(1)))
        vm.expect("basic> ")
    assert counts[1] > counts[0], "the second vCPU keeps counting"
    vm.send("off\r")
    assert vm.wait_exit(timeout=30) == 0
