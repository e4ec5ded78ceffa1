# SPDX-License-Identifier: GPL-2.0
"""The Linux guest's busybox shell, reached through `vserial bind`."""

import itertools
import re

from guest_console import bind, wait_output

READY = "kestrel-linux: ready"
_marks = itertools.count(1)
# busybox's ash asks the terminal for the cursor position after its prompt.
NOISE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|\r")


def attach(vm, port="linux0/uart0", timeout=120, since=None):
    """Binds the terminal to the guest's console and waits for its shell.
    After a reboot, pass since = written(vm, port) taken before it: the
    replay would otherwise show the previous boot's ready line."""
    if since is not None:
        wait_output(vm, port, re.escape(READY), timeout, since=since)
    bind(vm, port)
    if since is None:
        vm.expect(re.escape(READY), timeout)
    sh(vm, "true")


def sh(vm, command, timeout=60):
    """Runs command in the guest's shell; returns (exit status, output)."""
    mark = f"kx{next(_marks)}"
    vm.send(f"{command}; echo {mark}=$?\r")
    # The echo of the line ends with "=$?"; the marker line has a number.
    m = vm.expect(rf"{mark}=(\d+)\r*\n", timeout)
    out = NOISE.sub("", vm.proc.before)
    first_nl = out.find("\n")
    return int(m.group(1)), out[first_nl + 1:] if first_nl >= 0 else ""
