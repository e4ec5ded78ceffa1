# SPDX-License-Identifier: GPL-2.0
"""The Linux guest's busybox shell, reached through `vserial bind`."""

import itertools
import re

from guest_console import bind

READY = "kestrel-linux: ready"
_marks = itertools.count(1)
# busybox's ash asks the terminal for the cursor position after its prompt.
NOISE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|\r")


def attach(vm, port="linux0/uart0", timeout=120):
    """Binds the terminal to the guest's console and waits for its shell."""
    bind(vm, port)
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
