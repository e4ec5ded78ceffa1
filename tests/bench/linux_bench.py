# SPDX-License-Identifier: GPL-2.0
"""The Linux figures of make bench: the same kernel and initramfs (the build's
linux/Image and linux/rootfs.cpio, docs/linux-guest.md) booted natively by
QEMU and as linux0 under Kestrel (configs/linux.dts), with the same devices:
a PL011, virtio-rng, a 64 MiB virtio-blk disk and virtio-net on QEMU's user
network (under Kestrel: Kestrel's own devices, backed by QEMU's).

The guest times itself with /bin/kestrel-cntvct, which prints the virtual
counter and its frequency; /init prints it in its ready line. The counter
starts at 0 at QEMU's reset natively and when the guest is created under
Kestrel, so the ready line gives the guest's own boot time.

- linux.boot: under -icount (machines.ICOUNT_ARGS), from the ready line: as
  repeatable as an instruction count.
- linux.boot_wall and the transfers: without -icount, median of ctx.runs
  boots a side. The transfers wait for QEMU's I/O, which under -icount
  sleep=off counts nothing while the guest idles: the clock jumps to the
  guest's next timer instead, so the same 32 MiB dd took from 0.4 million to
  1.8 billion ticks natively (Kestrel's idle host CPUs jump far less).
  Without -icount the counter follows the host's clock and the transfers
  take real time.
"""

import os
import re
import selectors
import socket
import statistics
import threading
import time

import guest_console
import kestrel_vm
import linux_shell
import machines
import results

PORT = "linux0/uart0"
READY = r"kestrel-linux: ready \(cntvct (\d+) (\d+)\)"
SIDES = ("native", "kestrel")
BOOT_TIMEOUT = 600     # an -icount boot takes about 5 s here, a plain one 3 to 9 s
CMD_TIMEOUT = 600      # one transfer: under a second here
BLK_REPEATS = 3        # each dd, per boot (a fraction of a second each)
NET_SAMPLES = 3        # transfers over all the boots of a side (seconds each)
DISK_MIB = 64          # the guest's disk: vda3 under Kestrel, a file natively
MIB = 1 << 20
NATIVE_DISK = "linux-native.img"    # in ctx.workdir, as is Kestrel's disk.img


def sizes(ctx):
    """MiB per dd and per network transfer."""
    return (8, 2) if ctx.quick else (32, 16)


class LinuxBenchError(Exception):
    """A measurement failed; the message ends with the console's tail."""


def fail(con, what):
    raise LinuxBenchError(f"{what}; console tail:\n{con.tail()}")


# --- booting -----------------------------------------------------------------

class Booted:
    """A guest at its shell: con (send/expect/tail/close), the counter
    (ticks, frequency) in its ready line, and wall seconds from spawning
    QEMU to that line."""

    def __init__(self, con, ticks, freq, wall):
        self.con, self.ticks, self.freq, self.wall = con, ticks, freq, wall

    @property
    def seconds(self):
        return self.ticks / self.freq


def boot(ctx, side, icount):
    """Boots the guest on one side to its shell; close() its con when done."""
    if side == "native":
        disk = os.path.join(ctx.workdir, NATIVE_DISK)
        with open(disk, "wb") as f:        # 64 MiB of zeros, sparse like vda3
            f.truncate(DISK_MIB * MIB)
        start = time.monotonic()
        con = machines.native(
            ctx.path("linux", "Image"), initrd=ctx.path("linux", "rootfs.cpio"),
            append="console=ttyAMA0", smp=2, mem="256M", icount=icount, net=True,
            timeout=BOOT_TIMEOUT,
            devices=["-device", "virtio-rng-device",
                     "-drive", f"if=none,file={disk},format=raw,id=hd0",
                     "-device", "virtio-blk-device,drive=hd0"])
    else:
        disk = kestrel_vm.copy_disk(os.path.join(ctx.workdir, "disk.img"))
        start = time.monotonic()
        con = machines.kestrel(ctx, "linux", smp=2, icount=icount, disk=disk,
                               timeout=BOOT_TIMEOUT)
    try:
        if side == "kestrel":
            # linux0 is created just after the prompt: its ready line comes
            # live, not from the replay.
            guest_console.bind(con, PORT)
        m = con.expect(READY, BOOT_TIMEOUT)
        wall = time.monotonic() - start
        linux_shell.sh(con, "true")        # past the banner, at a fresh prompt
        return Booted(con, int(m.group(1)), int(m.group(2)), wall)
    except Exception:
        con.close()
        raise


# --- measurements in the guest -----------------------------------------------

def timed(con, command):
    """Runs command in the guest's shell between two kestrel-cntvct; returns
    (seconds by the guest's counter, the command's output)."""
    status, out = linux_shell.sh(
        con, f'a=$(kestrel-cntvct) && {command} && b=$(kestrel-cntvct) && echo "t $a $b"',
        CMD_TIMEOUT)
    m = re.search(r"^t (\d+) (\d+) (\d+) \d+$", out, re.M)
    if status != 0 or not m:
        fail(con, f"{command!r} failed (status {status}):\n{out}")
    return (int(m.group(3)) - int(m.group(1))) / int(m.group(2)), out[:m.start()]


def dd_rate(con, mib, write):
    """MiB/s of one dd of mib MiB to or from /dev/vda, O_DIRECT (busybox
    1.35's dd has iflag=direct and oflag=direct), so no page cache."""
    if write:
        cmd = f"dd if=/dev/zero of=/dev/vda bs=1M count={mib} oflag=direct 2>&1"
    else:
        cmd = f"dd if=/dev/vda of=/dev/null bs=1M count={mib} iflag=direct 2>&1"
    seconds, _ = timed(con, cmd)
    return mib / seconds


class EchoServer:
    """A TCP server on 127.0.0.1 (the guest's 10.0.2.2 on QEMU's user network)
    that sends every byte back. It never stops reading while it has bytes to
    send, so the guest's nc, which blocks in its writes, cannot deadlock with
    it. After the client's half-close it sends what is left and closes."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.echoed = 0
        self.error = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="echo", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)
        self.sock.close()

    def _serve(self):
        sel = selectors.DefaultSelector()
        sel.register(self.sock, selectors.EVENT_READ)
        conns = {}                         # socket -> [bytes to send, EOF seen]
        try:
            while not self._stop.is_set():
                for key, events in sel.select(0.2):
                    if key.fileobj is self.sock:
                        c, _ = self.sock.accept()
                        c.setblocking(False)
                        conns[c] = [bytearray(), False]
                        sel.register(c, selectors.EVENT_READ)
                    else:
                        self._step(sel, conns, key.fileobj, events)
        except OSError as e:
            self.error = e
        finally:
            for c in conns:
                c.close()
            sel.close()

    def _step(self, sel, conns, c, events):
        state = conns[c]
        if events & selectors.EVENT_READ:
            data = c.recv(1 << 16)
            state[0] += data
            state[1] = not data
        if events & selectors.EVENT_WRITE and state[0]:
            n = c.send(state[0])
            del state[0][:n]
            self.echoed += n
        if state[1] and not state[0]:
            sel.unregister(c)
            del conns[c]
            c.close()
            return
        sel.modify(c, (0 if state[1] else selectors.EVENT_READ) |
                   (selectors.EVENT_WRITE if state[0] else 0))


def net_up(con):
    """eth0 on QEMU's user network, as docs/linux-guest.md does it."""
    for cmd in ("ip link set eth0 up", "ip addr add 10.0.2.15/24 dev eth0"):
        status, out = linux_shell.sh(con, cmd)
        if status != 0:
            fail(con, f"{cmd!r} failed (status {status}):\n{out}")


def net_rate(con, mib):
    """MiB/s each way of mib MiB sent through busybox's nc to the echo server
    and received back (nc half-closes at the end of its input and exits at
    the server's close); the guest counts what comes back."""
    sent = mib * MIB
    with EchoServer() as server:
        seconds, out = timed(con, f"dd if=/dev/zero bs=64k count={mib * 16} 2>/dev/null"
                                  f" | nc 10.0.2.2 {server.port} | wc -c")
    got = re.findall(r"^(\d+)$", out, re.M)
    if not got or int(got[-1]) != sent:
        fail(con, f"nc got {got[-1] if got else 'nothing'} bytes back of {sent} "
                  f"(the server echoed {server.echoed}, error {server.error})")
    return mib / seconds


# --- sessions ----------------------------------------------------------------

def icount_session(ctx, side):
    """The -icount boot: returns its Booted (already closed)."""
    ctx.log(f"bench: linux: {side} boot (icount) ...")
    b = boot(ctx, side, icount=True)
    b.con.close()
    return b


def wall_session(ctx, side, n):
    """A boot without -icount, BLK_REPEATS of each dd and this boot's share
    of NET_SAMPLES. Returns (Booted, {figure id: [MiB/s, ...]})."""
    ctx.log(f"bench: linux: {side} boot {n}/{ctx.runs} (wall clock) ...")
    b = boot(ctx, side, icount=False)
    blk_mib, net_mib = sizes(ctx)
    rates = {"linux.blk_read": [], "linux.blk_write": [], "linux.net": []}
    try:
        net_up(b.con)
        # Untimed: the first read and write after a boot ran 2 to 4 times
        # slower than the next ones, on both sides.
        dd_rate(b.con, blk_mib, write=False)
        dd_rate(b.con, blk_mib, write=True)
        for _ in range(BLK_REPEATS):
            rates["linux.blk_read"].append(dd_rate(b.con, blk_mib, write=False))
            rates["linux.blk_write"].append(dd_rate(b.con, blk_mib, write=True))
        for _ in range(max(1, NET_SAMPLES // ctx.runs)):
            rates["linux.net"].append(net_rate(b.con, net_mib))
        return b, rates
    finally:
        b.con.close()


def run(ctx):
    try:
        icount = {side: icount_session(ctx, side) for side in SIDES}
        wall = {side: [wall_session(ctx, side, n + 1) for n in range(ctx.runs)]
                for side in SIDES}
    finally:
        for name in (NATIVE_DISK, "disk.img"):
            if os.path.exists(os.path.join(ctx.workdir, name)):
                os.unlink(os.path.join(ctx.workdir, name))
    return figures(ctx, icount, wall)


def figures(ctx, icount, wall):
    """The results.Figure list from the sessions' measurements."""
    nat, kes = icount["native"], icount["kestrel"]
    out = [results.Figure(
        "linux.boot", "Linux boot to shell (icount)", "s", kes.seconds, nat.seconds,
        target=1.15, detail={"native_cntvct": nat.ticks, "kestrel_cntvct": kes.ticks,
                             "cntfrq": nat.freq})]
    walls = {side: [b.wall for b, _ in wall[side]] for side in SIDES}
    out.append(results.Figure(
        "linux.boot_wall", f"Linux boot to shell (wall clock, median of {ctx.runs})", "s",
        statistics.median(walls["kestrel"]), statistics.median(walls["native"]),
        detail={"native_s": walls["native"], "kestrel_s": walls["kestrel"],
                "kestrel_guest_s": [b.seconds for b, _ in wall["kestrel"]],
                "note": "from QEMU's start: under Kestrel that includes Kestrel's "
                        "own boot and the guest's creation (kestrel_guest_s: the "
                        "guest's own boot, by its counter)"}))
    blk_mib, net_mib = sizes(ctx)
    for fid, name, mib in (("linux.blk_read", "virtio-blk read (dd)", blk_mib),
                           ("linux.blk_write", "virtio-blk write (dd)", blk_mib),
                           ("linux.net", "virtio-net loopback transfer", net_mib)):
        samples = {side: [r for _, rates in wall[side] for r in rates[fid]]
                   for side in SIDES}
        out.append(results.Figure(
            fid, name, "MiB/s", statistics.median(samples["kestrel"]),
            statistics.median(samples["native"]), better="higher",
            detail={"mib": mib, "clock": "wall (no icount), median",
                    "native": samples["native"], "kestrel": samples["kestrel"]}))
    return out
