# SPDX-License-Identifier: GPL-2.0
"""One Kestrel boot under QEMU, driven over its serial console with pexpect.

Every VM has a timeout on each wait, is ended by its PID when the test
ends, and a failed wait reports the console's last lines.
"""

import os
import re
import signal
import sys
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import kestrel_qemu  # noqa: E402

BUILD = os.environ.get("KESTREL_BUILD", os.path.join(ROOT, "build"))
PROMPT = "kestrel> "
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class ConsoleError(AssertionError):
    """A wait on the console failed; the message holds its last lines."""


class KestrelVM:
    """A QEMU process running Kestrel, with its console transcript."""

    def __init__(self, boot="direct", smp=1, mem="1G", dtb=None, payload="default",
                 image=None, machine=kestrel_qemu.MACHINE, timeout=90):
        self.timeout = timeout
        image = image or os.path.join(BUILD, "kestrel.bin")
        if payload == "default":
            payload = os.path.join(BUILD, "payload.cpio")
        argv = kestrel_qemu.qemu_argv(
            boot=boot, disk=os.path.join(BUILD, "disk.img"), image=image,
            payload=payload, smp=smp, mem=mem, dtb=dtb, interactive=False,
            machine=machine)
        self.transcript = []
        self.proc = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                                  codec_errors="replace", timeout=timeout,
                                  dimensions=(50, 200))
        self.proc.logfile_read = self

    # pexpect calls these on logfile_read.
    def write(self, data):
        self.transcript.append(data)

    def flush(self):
        pass

    def console(self):
        """Everything the VM printed so far, escape sequences removed."""
        return ANSI.sub("", "".join(self.transcript)).replace("\r", "")

    def tail(self, lines=40):
        return "\n".join(self.console().splitlines()[-lines:])

    def expect(self, pattern, timeout=None):
        """Wait for a regex on the console; fail with its last lines."""
        try:
            self.proc.expect(pattern, timeout=timeout or self.timeout)
        except pexpect.TIMEOUT:
            raise ConsoleError(f"timed out waiting for {pattern!r}; console tail:\n"
                               f"{self.tail()}") from None
        except pexpect.EOF:
            raise ConsoleError(f"QEMU exited while waiting for {pattern!r}; console "
                               f"tail:\n{self.tail()}") from None
        return self.proc.match

    def wait_prompt(self, timeout=None):
        self.expect(re.escape(PROMPT), timeout)

    def run(self, command, timeout=None):
        """Type a command, wait for the next prompt, return what it printed."""
        self.proc.send(command + "\r")
        self.expect(re.escape(command) + r"\r*\n", timeout)
        self.wait_prompt(timeout)
        return ANSI.sub("", self.proc.before).replace("\r", "")

    def send(self, data):
        self.proc.send(data)

    def wait_exit(self, timeout=None):
        """Wait for QEMU to exit by itself; return its exit status."""
        self.expect(pexpect.EOF, timeout)
        self.proc.wait()
        return self.proc.exitstatus

    def close(self):
        """End QEMU by its PID (TERM, then KILL) and reap it."""
        if self.proc.isalive():
            pid = self.proc.pid
            try:
                os.kill(pid, signal.SIGTERM)
                deadline = time.time() + 5
                while self.proc.isalive() and time.time() < deadline:
                    time.sleep(0.05)
                if self.proc.isalive():
                    os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.close(force=True)


def boot_to_prompt(**kwargs):
    """Start a VM and wait for its first prompt; close it on failure."""
    vm = KestrelVM(**kwargs)
    try:
        vm.wait_prompt()
    except Exception:
        vm.close()
        raise
    return vm
