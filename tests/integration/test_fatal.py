# SPDX-License-Identifier: GPL-2.0
"""The hypervisor's own fatal paths: an unexpected exception at EL2 prints a
decoded register dump and a call trace that resolves to the faulting
function, a panic says why, and both halt the system. Uses the build with
the debug command (make debug-build, under $KESTREL_BUILD/debug)."""

import os
import re
import subprocess

import pytest

from kestrel_vm import BUILD

DEBUG = os.path.join(BUILD, "debug")


@pytest.fixture
def debug_vm(vms):
    image = os.path.join(DEBUG, "kestrel.bin")
    if not os.path.isfile(image):
        pytest.fail(f"{image} missing: run 'make debug-build' (make test does)", pytrace=False)
    return vms(boot="direct", smp=4, image=image, payload=os.path.join(DEBUG, "payload.cpio"))


def addr2line(offset):
    out = subprocess.run(["aarch64-linux-gnu-addr2line", "-f", "-e",
                          os.path.join(DEBUG, "kestrel.elf"), hex(offset)],
                         check=True, capture_output=True, text=True).stdout
    return out.splitlines()[0]


def test_unexpected_exception_dumps_registers_and_halts(debug_vm):
    vm = debug_vm
    vm.send("debug fault\r")
    vm.expect("system halted", timeout=20)
    log = vm.console().split("debug fault", 1)[1]
    assert "unexpected synchronous (EL2) exception on CPU 0" in log
    assert re.search(r"ESR_EL2 0x[0-9a-f]{8}: EC 0x25 data abort \(same EL\)", log)
    assert "read at FAR_EL2 0x0000000000000008 (translation fault" in log
    assert re.search(r"PC  0x[0-9a-f]{16}  SP  0x[0-9a-f]{16}  SPSR 0x[0-9a-f]{8}", log)
    for reg in ("x0 ", "x15", "x29", "x30"):
        assert re.search(rf"{reg} 0x[0-9a-f]{{16}}", log), reg
    trace = re.findall(r"\(image offset (0x[0-9a-f]+)\)", log)
    assert addr2line(int(trace[0], 16)) == "debug_run", "first frame is the faulting PC"
    assert "term_execute" in [addr2line(int(t, 16)) for t in trace[1:]]
    assert "PANIC on CPU 0: unhandled exception in the hypervisor" in log


def test_panic_reports_reason_and_stops_the_terminal(debug_vm):
    vm = debug_vm
    vm.send("debug panic\r")
    vm.expect(r"PANIC on CPU 0: requested with 'debug panic'")
    vm.expect("system halted", timeout=20)
    vm.send("help\r")
    with pytest.raises(AssertionError):
        vm.expect("Type 'help <command>'", timeout=3)


def test_debug_command_errors(debug_vm):
    assert debug_vm.run("debug").strip() == \
        "error: debug: expected one subcommand (usage: debug fault|panic)"
    assert debug_vm.run("debug melt").strip() == \
        "error: debug: unknown subcommand 'melt' (expected fault or panic)"


def test_debug_command_is_not_in_the_default_build(vms):
    vm = vms(boot="direct", smp=1)
    assert "error: unknown command 'debug'" in vm.run("debug panic")
