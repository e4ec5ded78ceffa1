# SPDX-License-Identifier: GPL-2.0
"""Talking to a guest's UART through Kestrel's terminal (vserial bind), and
reading what the test firmware prints."""

import itertools
import re
import time

from kestrel_vm import ConsoleError

ESCAPE = "\x1d"  # Ctrl-]
FIRMWARE_PROMPT = "basic> "
SUMMARY = r"basic: (\d+) passed, (\d+) failed"


def bind(vm, port):
    """Connects the terminal to port; the replay of its output follows."""
    vm.send(f"vserial bind {port}\r")
    vm.expect(re.escape(f"Connected to {port} (escape character is ^])"))


def unbind(vm, port):
    """Ctrl-] back to kestrel> (the guest keeps running)."""
    vm.send(ESCAPE)
    vm.expect(re.escape(f"Disconnected from {port}"))
    vm.wait_prompt()


def written(vm, port):
    """Bytes the guest has written to port so far (`vserial list`)."""
    m = re.search(rf"^{re.escape(port)}\s+(\d+)", vm.run("vserial list"), re.M)
    assert m, f"no port {port}"
    return int(m.group(1))


def wait_output(vm, port, pattern, timeout=60, since=None):
    """Polls `vserial dump port` until pattern appears in its output (only
    what came after byte `since`, from written(), when given); returns the
    match."""
    deadline = time.time() + timeout
    out = ""
    while time.time() < deadline:
        if since is None:
            out = vm.run(f"vserial dump {port}")
        else:
            new = written(vm, port) - since
            out = vm.run(f"vserial dump {port} {new}") if new > 0 else ""
        m = re.search(pattern, out)
        if m:
            return m
        time.sleep(1)
    raise ConsoleError(f"{port} never printed {pattern!r}; its output:\n{out[-3000:]}")


def shell(vm, port, command, pattern, timeout=60):
    """Runs a firmware shell command on a bound port and waits for pattern."""
    vm.send(command + "\r")
    return vm.expect(pattern, timeout)


def run_checks_with_key(vm, port, timeout=90):
    """On a bound port at its shell: `test`, a key for the uart check, and
    the summary. Returns (passed, failed, output)."""
    vm.send("test\r")
    vm.expect(re.escape("basic: type a key for the uart check"), timeout)
    out = vm.proc.before
    vm.send("k")
    m = vm.expect(SUMMARY, timeout)
    return int(m.group(1)), int(m.group(2)), out + vm.proc.before


_syncs = itertools.count(1)


def at_prompt(vm):
    """Brings a bound firmware shell to a fresh prompt past the replayed
    output: a unique word it answers as an unknown command."""
    token = f"sync{next(_syncs)}"
    vm.send(token + "\r")
    vm.expect(re.escape(f"basic: unknown command '{token}'"))
    vm.expect(re.escape(FIRMWARE_PROMPT))
