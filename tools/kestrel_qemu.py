# SPDX-License-Identifier: GPL-2.0
"""Builds the qemu-system-aarch64 command lines that boot Kestrel.

Used by tools/run.py (interactive) and by the pytest integration tests.
Pure standard library.

Boot modes (same entry contract: Kestrel at EL2, x0 = DTB, payload = initrd):
  'uboot'  U-Boot (Debian qemu_arm64) as firmware; its distro boot finds
           boot.scr on the virtio disk made by tools/mkbootdisk.sh.
  'direct' QEMU's own loader: -kernel IMAGE -initrd PAYLOAD.
"""

import os
import shutil
import subprocess

QEMU_NAME = "qemu-system-aarch64"
# The host NIC's address (user-mode network, QEMU's default range).
NIC_MAC = "52:54:00:12:34:56"
UBOOT_BIN = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
MACHINE = "virt,virtualization=on,gic-version=3"
CPU = "cortex-a57"
BOOT_MODES = ("uboot", "direct")


class QemuSetupError(Exception):
    """A tool or input file that a QEMU run needs is missing or wrong."""


def find_qemu():
    """Return the path of qemu-system-aarch64, or raise QemuSetupError."""
    path = shutil.which(QEMU_NAME)
    if path is None:
        raise QemuSetupError(
            f"{QEMU_NAME} not found on PATH (install with: tools/deps.sh run)")
    return path


def find_uboot():
    """Return the path of Debian's qemu_arm64 u-boot.bin, or raise."""
    if not os.path.isfile(UBOOT_BIN):
        raise QemuSetupError(
            f"U-Boot firmware {UBOOT_BIN} not found (install with: tools/deps.sh run)")
    return UBOOT_BIN


def _need_file(path, what):
    """Raise QemuSetupError unless path names an existing file."""
    if not path:
        raise QemuSetupError(f"{what} is required")
    if not os.path.isfile(path):
        raise QemuSetupError(f"{what} '{path}' not found")


def qemu_argv(boot="uboot", disk=None, image=None, payload=None, smp=1,
              mem="1G", dtb=None, interactive=True, extra=(),
              machine_opts="", machine=MACHINE, net=True):
    """Return the QEMU argv list (argv[0] included) for one boot.

    boot: 'uboot' (needs disk) or 'direct' (needs image; payload and disk
    optional). interactive=True puts the monitor on the serial console
    (muxed on stdio, Ctrl-A X quits, Ctrl-C reaches Kestrel); False gives tests a plain '-serial stdio
    -monitor none'. dtb: a DTB file QEMU hands over instead of its own.
    extra: more QEMU arguments, appended last. machine_opts: appended to
    the -M value (e.g. 'dumpdtb=FILE'). machine: the -M base value
    (tests drop virtualization=on to check the wrong-EL message).

    Devices for Kestrel itself, all virtio-mmio (modern: force-legacy=false,
    as Kestrel drives register layout version 2 only): the disk as
    virtio-blk (when given), a virtio-rng, and with net=True a virtio-net
    card on a user-mode network (MAC NIC_MAC). net=False gives '-nic none'
    instead: without an explicit NIC virt adds virtio-net-pci, whose option
    ROM (efi-virtio.rom, package ipxe-qemu) QEMU refuses to start without;
    the MMIO card needs no ROM.
    """
    if boot not in BOOT_MODES:
        raise QemuSetupError(f"boot mode '{boot}' is not one of {BOOT_MODES}")
    machine = machine + ("," + machine_opts if machine_opts else "")
    argv = [find_qemu(), "-M", machine, "-cpu", CPU, "-smp", str(smp),
            "-m", str(mem), "-nographic", "-global", "virtio-mmio.force-legacy=false"]
    # signal=off: Ctrl-C goes to Kestrel's terminal instead of killing QEMU.
    if interactive:
        argv += ["-chardev", "stdio,id=console,mux=on,signal=off",
                 "-serial", "chardev:console", "-mon", "chardev=console"]
    else:
        argv += ["-chardev", "stdio,id=console,signal=off",
                 "-serial", "chardev:console", "-monitor", "none"]

    if boot == "uboot":
        _need_file(disk, "boot disk (--disk)")
        argv += ["-bios", find_uboot()]
    else:
        _need_file(image, "Kestrel image (--image)")
        argv += ["-kernel", image]
        if payload:
            _need_file(payload, "payload")
            argv += ["-initrd", payload]
        if disk:
            _need_file(disk, "disk")
    if disk:
        argv += ["-drive", f"if=none,file={disk},format=raw,id=hd0",
                 "-device", "virtio-blk-device,drive=hd0"]
    argv += ["-device", "virtio-rng-device"]
    if net:
        argv += ["-netdev", "user,id=net0",
                 "-device", f"virtio-net-device,netdev=net0,mac={NIC_MAC}"]
    else:
        argv += ["-nic", "none"]
    if dtb:
        _need_file(dtb, "DTB")
        argv += ["-dtb", dtb]
    argv += list(extra)
    return argv


def dump_dtb(out, smp=1, mem="1G", image=None, payload=None, timeout=30):
    """Write QEMU's own DTB for the same machine to out; return out.

    The DTB depends on -smp and -m, so pass the values of the run it stands
    for. Without image it is the DTB firmware (U-Boot) gets, with no
    /chosen; with image (and payload) it is the one 'direct' mode hands
    over, /chosen holding bootargs and the linux,initrd-start/end range.
    """
    opts = f"dumpdtb={out}"
    if image:
        argv = qemu_argv("direct", image=image, payload=payload, smp=smp,
                         mem=mem, interactive=False, machine_opts=opts)
    else:
        argv = [find_qemu(), "-M", f"{MACHINE},{opts}", "-cpu", CPU,
                "-smp", str(smp), "-m", str(mem), "-nographic", "-nic", "none",
                "-serial", "none", "-monitor", "none"]
    if os.path.exists(out):
        os.unlink(out)
    res = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=timeout, check=False)
    if not os.path.isfile(out) or os.path.getsize(out) == 0:
        raise QemuSetupError(
            f"QEMU did not dump its DTB to {out} (rc={res.returncode}): "
            f"{res.stderr.strip()}")
    return out
