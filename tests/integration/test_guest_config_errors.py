# SPDX-License-Identifier: GPL-2.0
"""Ten malformed guest nodes (configs/malformed.dts) are each refused at boot
with their own error naming the guest and the property; the one good guest
beside them is created and starts."""

import re

import pytest

EXPECTED = [
    r"guest bad-vcpus: vcpus: 9 is out of range \(1 to 8\)",
    r'guest bad-compat: compatible: must be "kestrel,guest"',
    r"guest bad-size: memory/size: 0x100000 is not a non-zero multiple of 2 MiB",
    r"guest too-big: memory/size: 4096 MiB is more than the host has free \(\d+ MiB\)",
    r"guest no-kernel: boot/kernel: 'nosuch.bin' is not in the payload",
    r'guest unknown-dev: devices/net0: no emulator for compatible "intel,e1000" in this build',
    r"guest overlap: devices/uart1: 'reg' overlaps devices/uart0",
    r"guest typo: node: unknown property 'autostrat'",
    r"guest gic-clash: memory: overlaps the interrupt controller at 0x8000000-0x9000000",
    r"guest bad-affinity: affinity: vCPU 1: host CPU 7 does not exist \(the host has 4\)",
]


@pytest.fixture(scope="module")
def vm(request):
    from kestrel_vm import boot_to_prompt
    vm = boot_to_prompt(boot="direct", smp=4, payload="malformed")
    vm.expect(r"guest: good: created")	# the last node: every guest was tried
    yield vm
    vm.close()


@pytest.mark.parametrize("pattern", EXPECTED, ids=lambda p: p.split(":")[0][6:])
def test_malformed_guest_is_refused_with_its_own_error(vm, pattern):
    assert re.search(r"guest: error: " + pattern, vm.console()), vm.tail(40)


def test_errors_are_distinct_and_the_good_guest_runs(vm):
    errors = re.findall(r"guest: error: (guest [\w-]+: .*)", vm.console())
    assert len(errors) == len(set(errors)) == len(EXPECTED), errors
    listing = vm.run("guest list")
    assert re.search(r"^good\s+running\s", listing, re.M), listing
    assert len(re.findall(r"^\S+\s+(running|stopped|paused)\s", listing, re.M)) == 1
    # A refused guest can be tried again and fails the same way.
    out = vm.run("guest create bad-vcpus")
    assert "error: guest bad-vcpus: vcpus: 9 is out of range (1 to 8)" in out
