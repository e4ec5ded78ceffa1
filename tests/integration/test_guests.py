# SPDX-License-Identifier: GPL-2.0
"""Guests side by side on a 4-CPU host: two test-firmware guests and a
spinner (configs/three-guests.dts). They share one boot, in this order:
the firmware checks, the terminal commands on running guests, isolation,
malformed virtqueues, pause/resume, power off and start, destroy and
re-create."""

import re
import time

import pytest

from guest_console import (SUMMARY, at_prompt, bind, run_checks_with_key, shell, unbind,
                           wait_output, written)
from kestrel_vm import boot_to_prompt

PORTS = ("basic0/uart0", "basic1/uart0")


@pytest.fixture(scope="module")
def vm():
    vm = boot_to_prompt(boot="direct", smp=4, payload="three-guests", timeout=90)
    try:
        # Guest warnings (the firmware's abort check) go to `log show` only.
        vm.run("log level err")
        for name in ("basic0", "basic1", "spin"):
            assert vm.run(f"guest start {name}").strip().endswith(f"{name}: started")
        for port in PORTS:
            wait_output(vm, port, SUMMARY)
        yield vm
    except Exception:
        print(vm.tail(80))
        raise
    finally:
        vm.close()


def guest_row(vm, name):
    m = re.search(rf"^{name}\s+(\w+)\s+(\d+)\s+(\d+) MiB\s+(\d+)", vm.run("guest list"), re.M)
    assert m, f"{name} not in guest list"
    return m.group(1), int(m.group(4))


def test_both_firmware_guests_pass_beside_a_spinner(vm):
    for port in PORTS:
        boot_run = wait_output(vm, port, SUMMARY)
        assert boot_run.group(2) == "0", vm.run(f"vserial dump {port}")
        assert "PASS sgi: cpu1 (mpidr 0x1) started by CPU_ON" in vm.run(f"vserial dump {port}")
        bind(vm, port)
        at_prompt(vm)
        passed, failed, out = run_checks_with_key(vm, port)
        unbind(vm, port)
        assert (passed, failed) == (7, 0), out
        assert "PASS fpsimd: v0-v31 intact" in out
        # The key went in through the emulated PL011's receive interrupt.
        assert "input 0x6b 'k' by rx interrupt (intid 33)" in out
        # The second run finds cpu1 up and SGIs still flowing both ways.
        assert "PASS sgi: cpu1 (mpidr 0x1) already on (CPU_ON: ALREADY_ON)" in out
    # The spinner shares CPU 0 with basic0's vCPU 0 and really runs.
    listing = vm.run("vcpu list")
    assert re.search(r"^spin\s+0\s+0\s+running", listing, re.M), listing
    stats = vm.run("vcpu stats spin")
    m = re.search(r"^spin\s+0\s+(\d+)", stats, re.M)
    assert m and int(m.group(1)) > 0, stats


def test_guest_list_info_and_vserial_list(vm):
    out = vm.run("guest list")
    for name in ("basic0", "basic1", "spin"):
        assert re.search(rf"^{name}\s+running\s+\d+\s+\d+ MiB\s+\d+\s+no", out, re.M), out
    info = vm.run("guest info basic1")
    assert "0x80000000-0x84000000 (64 MiB)" in info
    assert re.search(r"host RAM:\s+0x[0-9a-f]+-0x[0-9a-f]+", info), info
    assert re.search(r"uart0\s+arm,pl011\s+pl011\s+0x09000000\s+0x1000\s+SPI 1", info), info
    assert re.search(r"0x08000000\s+0x10000\s+gicv3-dist", info), info
    ports = vm.run("vserial list")
    for port in PORTS:
        assert port in ports


def test_vcpu_list_and_stats(vm):
    out = vm.run("vcpu list basic0")
    assert re.search(r"^basic0\s+0\s+0\s+\w+\s+on", out, re.M), out
    assert re.search(r"^basic0\s+1\s+1\s+\w+\s+on", out, re.M), out
    stats = vm.run("vcpu stats basic0")
    m = re.search(r"^basic0\s+0\s+(\d+)\s+(\d+)\s+(\d+)", stats, re.M)
    assert m, stats
    entries, mmio, hvc = (int(x) for x in m.groups())
    assert entries > 0 and mmio > 0 and hvc > 0, stats


def test_guest_cannot_reach_another_guest_or_the_hypervisor(vm):
    info = vm.run("guest info basic0")
    basic0_host = int(re.search(r"host RAM:\s+(0x[0-9a-f]+)", info).group(1), 16)
    image = int(re.search(r"image:\s+(0x[0-9a-f]+)", vm.run("host info")).group(1), 16)
    # basic1's RAM is 0x80000000-0x84000000: none of these is its own.
    targets = [basic0_host, basic0_host + 0x100000, 0x40000000, image & ~7]
    assert all(not 0x80000000 <= t < 0x84000000 for t in targets)

    bind(vm, "basic0/uart0")
    at_prompt(vm)
    shell(vm, "basic0/uart0", "pattern fill", r"basic: pattern written over \d+ KiB")
    unbind(vm, "basic0/uart0")

    bind(vm, "basic1/uart0")
    at_prompt(vm)
    for t in targets:
        m = shell(vm, "basic1/uart0", f"poke {t:x}", r"basic: poke 0x[0-9a-f]+: (.*)\r?\n")
        assert m.group(1).strip() == "aborted (EC 0x25 DFSC 0x10)", m.group(0)
    unbind(vm, "basic1/uart0")
    assert re.search(rf"basic1 vcpu\d: write of 8 bytes at IPA 0x{basic0_host:x} .*no memory or "
                     r"device there, injecting an abort", vm.run("log show"))

    bind(vm, "basic0/uart0")
    at_prompt(vm)
    shell(vm, "basic0/uart0", "pattern check", r"basic: pattern intact")
    unbind(vm, "basic0/uart0")
    assert "Kestrel" in vm.run("version")
    assert guest_row(vm, "basic0")[0] == "running"
    assert guest_row(vm, "basic1")[0] == "running"


# The firmware's `virtio` cases and the fault the transport logs for each.
VIRTIO_CASES = (("descriptor outside RAM", "buffer outside guest RAM"),
                ("descriptor loop", "descriptor chain loops"),
                ("avail index jump", "avail idx moved more than the queue size"))


def test_malformed_virtqueues_reset_the_device_not_the_hypervisor(vm):
    bind(vm, "basic0/uart0")
    at_prompt(vm)
    vm.send("virtio\r")
    m = vm.expect(r"basic: virtio: (\d+) passed, (\d+) failed")
    out = vm.proc.before + m.group(0)
    unbind(vm, "basic0/uart0")
    assert re.search(r"basic: virtio: good request: \d+ of 16 bytes", out), out
    for case, _ in VIRTIO_CASES:
        assert f"basic: virtio: {case}: NEEDS_RESET after notify, recovered after reset" in out, out
    assert (m.group(1), m.group(2)) == ("3", "0"), out
    # One warning per fault, naming the guest, the device and the fault.
    log = vm.run("log show")
    for _, fault in VIRTIO_CASES:
        assert re.search(rf"virtio: warning: basic0/rng0: queue 0: {fault}; device needs a reset",
                         log), log
    # The hypervisor and every guest run on; basic1 still answers.
    assert "Kestrel" in vm.run("version")
    for name in ("basic0", "basic1", "spin"):
        assert guest_row(vm, name)[0] == "running"
    first = counter(vm, "basic1/uart0")
    assert counter(vm, "basic1/uart0") > first


def counter(vm, port):
    bind(vm, port)
    at_prompt(vm)
    m = shell(vm, port, "counter", r"basic: counter (\d+) cntvct (\d+)")
    unbind(vm, port)
    return int(m.group(1))


def test_pause_stops_the_guest_and_resume_continues_it(vm):
    before = counter(vm, "basic0/uart0")
    assert vm.run("guest pause basic0").strip().endswith("basic0: paused")
    assert guest_row(vm, "basic0")[0] == "paused"
    assert re.findall(r"^basic0\s+\d\s+\d\s+(\w+)", vm.run("vcpu list basic0"), re.M) == \
        ["parked", "parked"]
    # A paused guest does not move: its registers stay the same.
    first = vm.run("guest dump basic0")
    time.sleep(1)
    assert vm.run("guest dump basic0") == first
    assert re.search(r"x0\s+[0-9a-f]{16}", first), first
    regs = vm.run("vcpu regs basic0 1")
    assert "basic0 vcpu1: pc" in regs
    assert "error: basic0 is paused, not running" in vm.run("guest pause basic0")
    assert vm.run("guest resume basic0").strip().endswith("basic0: resumed")
    after = counter(vm, "basic0/uart0")
    assert after > before
    time.sleep(1)
    assert counter(vm, "basic0/uart0") > after


def test_dump_of_a_running_guest_asks_to_pause_first(vm):
    assert "error: pause basic0 first (guest pause basic0)" in vm.run("guest dump basic0")


def test_wrong_names_and_states_are_errors(vm):
    assert "error: no guest named 'nosuch' (see guest list)" in vm.run("guest info nosuch")
    assert "error: basic0 is running already" in vm.run("guest start basic0")
    assert "error: basic0 is running, not paused" in vm.run("guest resume basic0")
    assert "error: basic0 has 2 vCPUs (0 to 1)" in vm.run("vcpu regs basic0 2")
    assert "error: no vserial port 'basic0/uart9' (see vserial list)" in \
        vm.run("vserial bind basic0/uart9")
    assert "error: no guest node /guests/nosuch in config.dtb" in vm.run("guest create nosuch")
    assert "error: guest basic0 already exists" in vm.run("guest create basic0")


def test_guest_power_off_stops_only_that_guest(vm):
    bind(vm, "basic1/uart0")
    at_prompt(vm)
    shell(vm, "basic1/uart0", "off", r"basic: PSCI SYSTEM_OFF")
    unbind(vm, "basic1/uart0")
    deadline = time.time() + 10
    while guest_row(vm, "basic1")[0] != "stopped" and time.time() < deadline:
        time.sleep(0.5)
    assert guest_row(vm, "basic1")[0] == "stopped"
    assert "powered off by the guest (PSCI SYSTEM_OFF)" in vm.run("guest info basic1")
    assert guest_row(vm, "basic0")[0] == "running"
    boots = guest_row(vm, "basic1")[1]
    since = written(vm, "basic1/uart0")
    assert vm.run("guest start basic1").strip().endswith("basic1: started")
    assert guest_row(vm, "basic1") == ("running", boots + 1)
    wait_output(vm, "basic1/uart0", r"Kestrel arm64 test firmware(.|\n)*" + SUMMARY, since=since)


def test_guest_reset_reboots_it(vm):
    boots = guest_row(vm, "basic1")[1]
    since = written(vm, "basic1/uart0")
    assert vm.run("guest reset basic1").strip().endswith("basic1: reset")
    assert guest_row(vm, "basic1") == ("running", boots + 1)
    wait_output(vm, "basic1/uart0", r"Kestrel arm64 test firmware(.|\n)*" + SUMMARY, since=since)


def memory_state(vm):
    """Free page-allocator KiB and live heap objects."""
    free = int(re.search(r"(\d+) KiB free", vm.run("host mem")).group(1))
    live = int(re.search(r"live objects: (\d+)", vm.run("heap")).group(1))
    return free, live


def settled_memory_state(vm, want, timeout=5):
    """Exited vCPU threads are freed by their CPU's idle loop: wait for it."""
    deadline = time.time() + timeout
    state = memory_state(vm)
    while state != want and time.time() < deadline:
        time.sleep(0.2)
        state = memory_state(vm)
    return state


def test_destroy_and_recreate_loses_no_memory(vm):
    with_guest = memory_state(vm)
    assert vm.run("guest destroy basic1").strip().endswith("basic1: destroyed")
    time.sleep(0.5)
    without = memory_state(vm)
    assert without[0] >= with_guest[0] + 64 * 1024   # its RAM came back
    assert "basic1" not in vm.run("guest list")
    assert "basic1/uart0" not in vm.run("vserial list")
    for _ in range(2):
        assert "basic1: created" in vm.run("guest create basic1")
        assert guest_row(vm, "basic1")[0] == "stopped"
        assert vm.run("guest start basic1").strip().endswith("basic1: started")
        wait_output(vm, "basic1/uart0", SUMMARY)
        assert vm.run("guest destroy basic1").strip().endswith("basic1: destroyed")
        assert settled_memory_state(vm, without) == without
