# SPDX-License-Identifier: GPL-2.0
"""Snapshot save and restore of a 256 MiB Linux guest at its shell: what is
written against the guest's non-zero RAM, and how long each takes. Without
icount: the disk's speed is part of the answer, and Kestrel's own timing
(its counter is then the host's clock) is the figure."""

import os
import re

import guest_console
import kestrel_vm
import linux_shell
import machines
from results import Figure

NAME = "bench-snap"
SAVED = re.compile(r"saved (\S+): ([\d.]+) MiB snapshot, ([\d.]+) MiB of RAM written, "
                   r"(\d+) of (\d+) pages zero \(skipped\), ([\d.]+) s")
RESTORED = re.compile(r"restored (\S+): ([\d.]+) MiB of RAM read, (\d+) of (\d+) pages zero, "
                      r"([\d.]+) s; running")
PAGE = 4096
TIMEOUT = 600



def measure(ctx, vm, guest):
    """Saves the running guest (stopping it), destroys it, restores it and
    checks its shell answers. vm is at the `kestrel> ` prompt."""
    ctx.log(f"bench: snapshot: save {guest}")
    saved = machines.search(SAVED, vm.run(f"snapshot save {guest} {NAME} stop", TIMEOUT),
                   "snapshot save")
    machines.terminal(vm, f"guest destroy {guest}")
    ctx.log(f"bench: snapshot: restore {NAME}")
    restored = machines.search(RESTORED, vm.run(f"snapshot restore {NAME}", TIMEOUT),
                      "snapshot restore")
    guest_console.bind(vm, f"{guest}/uart0")
    status, text = linux_shell.sh(vm, "echo restored-ok")
    if status != 0 or "restored-ok" not in text:
        raise machines.OutputError(f"the restored guest's shell did not answer:\n{vm.tail()}")
    guest_console.unbind(vm, f"{guest}/uart0")

    pages, zero = int(saved.group(5)), int(saved.group(4))
    nonzero_mib = (pages - zero) * PAGE / (1 << 20)
    ram_mib = pages * PAGE >> 20
    written = float(saved.group(3))
    detail = {"snapshot_mib": float(saved.group(2)), "pages": pages, "zero_pages": zero,
              "restore_read_mib": float(restored.group(2))}
    return [
        Figure("snapshot.written", f"snapshot save, {ram_mib} MiB guest: RAM written", "MiB",
               written, nonzero_mib, baseline="non-zero guest RAM", target=1.01,
               detail=detail),
        Figure("snapshot.save", f"snapshot save, {ram_mib} MiB Linux guest", "s",
               float(saved.group(6)), detail={"rate_mib_s": written / float(saved.group(6))}),
        Figure("snapshot.restore", f"snapshot restore, {ram_mib} MiB Linux guest", "s",
               float(restored.group(5)),
               detail={"rate_mib_s": float(restored.group(2)) / float(restored.group(5))}),
    ]


def run(ctx):
    """One Kestrel boot (no icount) with the Linux guest on a copy of the
    boot disk, whose second partition is the snapshot store."""
    disk = kestrel_vm.copy_disk(os.path.join(ctx.workdir, "snapshot-disk.img"))
    vm = machines.kestrel(ctx, "linux", icount=False, disk=disk, timeout=TIMEOUT)
    try:
        linux_shell.attach(vm, timeout=TIMEOUT)
        guest_console.unbind(vm, "linux0/uart0")
        return measure(ctx, vm, "linux0")
    finally:
        vm.close()
        os.unlink(disk)
