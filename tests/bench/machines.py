# SPDX-License-Identifier: GPL-2.0
"""The machines a benchmark runs on: QEMU without a hypervisor (the native
side of each figure) and Kestrel under QEMU, both with the same CPU model
and, for the deterministic figures, the same -icount setting."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import kestrel_qemu  # noqa: E402
import kestrel_vm  # noqa: E402

CONFIGS = os.path.join(HERE, "configs")
# One instruction is one nanosecond of QEMU's virtual clock; an idle machine
# jumps to its next timer deadline at once. At CNTFRQ 62.5 MHz a counter
# tick is then 16 instructions, whatever the host's speed or load.
ICOUNT_SHIFT = 0
ICOUNT = f"shift={ICOUNT_SHIFT},sleep=off"
ICOUNT_ARGS = ("-icount", ICOUNT)
NATIVE_MACHINE = "virt,gic-version=3"


class Context:
    """What every suite gets: where the build is, how long to measure, a
    scratch directory, and a log for progress lines."""

    def __init__(self, build, quick=False, runs=3, workdir=None, log=print):
        self.build = build
        self.quick = quick
        self.runs = 1 if quick else runs
        self.workdir = workdir or os.path.join(build, "bench", "work")
        self.log = log
        os.makedirs(self.workdir, exist_ok=True)

    def path(self, *parts):
        return os.path.join(self.build, *parts)


class OutputError(Exception):
    """A terminal command or guest did not answer as the docs say it does."""


def search(rx, text, what):
    """rx's match in what a command printed, or OutputError naming it."""
    m = rx.search(text)
    if not m:
        raise OutputError(f"{what}: unexpected output:\n{text}")
    return m


def terminal(vm, command):
    """Runs a terminal command that prints nothing on success; its error
    line raises OutputError."""
    out = vm.run(command)
    if "error" in out:
        raise OutputError(f"{command}: {out.strip()}")
    return out


def insns_per_tick(cntfrq):
    """Instructions QEMU counts per counter tick under ICOUNT."""
    return 1e9 / cntfrq / (1 << ICOUNT_SHIFT)


def native_argv(kernel, smp=2, mem="256M", append=None, initrd=None, icount=True,
                devices=(), net=False):
    """qemu-system-aarch64 booting kernel at EL1 without a hypervisor, the
    console on stdio. devices: extra -device/-drive arguments (a virtio-mmio
    disk, say; modern transport as under Kestrel). net: QEMU's user network on
    a virtio-net-device, else no NIC at all."""
    argv = [kestrel_qemu.find_qemu(), "-M", NATIVE_MACHINE, "-cpu", kestrel_qemu.CPU,
            "-smp", str(smp), "-m", str(mem), "-nographic",
            "-global", "virtio-mmio.force-legacy=false",
            "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
            "-monitor", "none", "-kernel", kernel]
    if initrd:
        argv += ["-initrd", initrd]
    if append:
        argv += ["-append", append]
    if icount:
        argv += list(ICOUNT_ARGS)
    argv += list(devices)
    if net:
        argv += ["-netdev", "user,id=net0",
                 "-device", f"virtio-net-device,netdev=net0,mac={kestrel_qemu.NIC_MAC}"]
    else:
        argv += ["-nic", "none"]
    return argv


def native(kernel, timeout=300, **kwargs):
    """A native QEMU (see native_argv) under pexpect; close() it when done."""
    return kestrel_vm.QemuConsole(native_argv(kernel, **kwargs), timeout)


def kestrel(ctx, config, smp=2, mem="1G", icount=True, disk=None, timeout=300, net=True):
    """Kestrel booted directly by QEMU with the guests of configs/<config>.dts,
    at its first prompt; close() it when done. disk: a copy of the boot disk
    (the build's own is used read-only otherwise)."""
    payload = kestrel_vm.make_payload(config, configs=CONFIGS)
    extra = ICOUNT_ARGS if icount else ()
    return kestrel_vm.boot_to_prompt(boot="direct", smp=smp, mem=mem, payload=payload,
                                     extra=extra, disk=disk, timeout=timeout, net=net)
