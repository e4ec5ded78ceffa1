# SPDX-License-Identifier: GPL-2.0
"""One Kestrel boot under QEMU, driven over its serial console with pexpect.

Every VM has a timeout on each wait, is ended by its PID when the test
ends, and a failed wait reports the console's last lines.
"""

import os
import re
import signal
import subprocess
import sys
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import kestrel_qemu  # noqa: E402

BUILD = os.environ.get("KESTREL_BUILD", os.path.join(ROOT, "build"))
PROMPT = "kestrel> "
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


CONFIGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs")
# A guest that spins in a tight loop: one AArch64 "b ." as a raw image.
SPIN_IMAGE = bytes.fromhex("00000014")
_payloads = {}


def copy_disk(dst):
    """Copies the build's boot disk to dst, keeping it sparse (most of its
    641 MiB are never written): a test that writes the disk uses a copy."""
    subprocess.run(["cp", "--sparse=always", os.path.join(BUILD, "disk.img"), str(dst)],
                   check=True)
    return dst


def make_payload(config, configs=CONFIGS):
    """Builds (once per session) the payload for <configs>/<config>.dts
    (default: tests/integration/configs) with tools/mkpayload.sh: the test
    firmware comes from the build, the Linux guest from $(O)/linux, spin.bin
    is generated; files it cannot find are left out (the configs that name
    them test Kestrel's own check). Returns the cpio's path."""
    if config in _payloads:
        return _payloads[config]
    out_dir = os.path.join(BUILD, "test-payloads", config)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "spin.bin"), "wb") as f:
        f.write(SPIN_IMAGE)
    out = os.path.join(BUILD, "test-payloads", config + ".cpio")
    subprocess.run([os.path.join(ROOT, "tools", "mkpayload.sh"), "--missing-ok", out,
                    os.path.join(configs, config + ".dts"), out_dir,
                    os.path.join(BUILD, "guests"), os.path.join(BUILD, "linux")], check=True)
    _payloads[config] = out
    return out


# A line of the hypervisor's log on the console: "<subsystem>: ..." (every
# LOG_PREFIX in the tree; longer names first so "virtio-net" beats "virtio").
_PREFIXES = ("virtio-console", "virtio-host", "arch-timer", "virtio-blk", "virtio-net",
             "virtio-rng", "netswitch", "blockdev", "entropy", "kestrel", "payload", "vserial",
             "devemu", "driver", "stage2", "vgicv3", "virtio", "vtimer", "arm64", "gicv3",
             "guest", "pl011", "sched", "heap", "page", "psci", "term", "trap", "vcpu", "vgic",
             "irq", "smp")
LOG_LINE = re.compile("(?:" + "|".join(re.escape(p) for p in _PREFIXES) + r"): [^\n]*\n")


def skip_echo(text, command):
    """What follows the echo of command (and its newline) in text, with any
    complete log lines inside the echo skipped; None if the echo is not
    there. The echo starts a line; lines before it (the end of a log line
    already half read) are passed over."""
    start = 0
    while start <= len(text):
        rest = _echo_at(text, start, command)
        if rest is not None:
            return rest
        nl = text.find("\n", start)
        if nl < 0:
            return None
        start = nl + 1
    return None


def _echo_at(text, pos, command):
    for ch in command + "\n":
        while not text.startswith(ch, pos):
            m = LOG_LINE.match(text, pos)
            if not m:
                return None
            pos = m.end()
        pos += 1
    return text[pos:]


class ConsoleError(AssertionError):
    """A wait on the console failed; the message holds its last lines."""


class QemuConsole:
    """A QEMU process under pexpect, with its console transcript: every wait
    has a timeout and fails with the console's last lines, and close() ends
    QEMU by its PID."""

    def __init__(self, argv, timeout=90):
        self.timeout = timeout
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


class KestrelVM(QemuConsole):
    """A QEMU process running Kestrel, driven through its terminal."""

    # payload: "default" (no guests), "build" (the build's own payload, as
    # make run boots it), the name of a config in configs/, a path, or None.
    # extra: more QEMU arguments (the benchmarks add -icount).
    def __init__(self, boot="direct", smp=1, mem="1G", dtb=None, payload="default",
                 image=None, machine=kestrel_qemu.MACHINE, timeout=90, net=True, disk=None,
                 extra=()):
        image = image or os.path.join(BUILD, "kestrel.bin")
        if payload == "default":
            payload = make_payload("empty")
        elif payload == "build":
            payload = os.path.join(BUILD, "payload.cpio")
        elif payload and not os.path.isabs(payload) and "/" not in payload:
            payload = make_payload(payload)
        argv = kestrel_qemu.qemu_argv(
            boot=boot, disk=disk or os.path.join(BUILD, "disk.img"), image=image,
            payload=payload, smp=smp, mem=mem, dtb=dtb, interactive=False,
            machine=machine, net=net, extra=extra)
        super().__init__(argv, timeout)

    def wait_prompt(self, timeout=None):
        self.expect(re.escape(PROMPT), timeout)

    def run(self, command, timeout=None):
        """Type a command, wait for the next prompt, return what it printed.
        Log lines the hypervisor prints meanwhile (a guest's warning, say)
        may split the command's echo; they are stepped over."""
        self.proc.send(command + "\r")
        deadline = time.time() + (timeout or self.timeout)
        while True:
            # A prompt redrawn before the command (after a completion
            # listing, say) ends a chunk without the echo: wait for the next.
            self.wait_prompt(max(deadline - time.time(), 0.1))
            text = ANSI.sub("", self.proc.before).replace("\r", "")
            rest = skip_echo(text, command)
            if rest is not None:
                return rest
            if time.time() >= deadline:
                raise ConsoleError(f"no echo of {command!r} before the prompt; console "
                                   f"tail:\n{self.tail()}")


def boot_to_prompt(**kwargs):
    """Start a VM and wait for its first prompt; close it on failure."""
    vm = KestrelVM(**kwargs)
    try:
        vm.wait_prompt()
    except Exception:
        vm.close()
        raise
    return vm
