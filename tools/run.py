#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Boots Kestrel under qemu-system-aarch64 with the console on stdio.

Prints the QEMU command ("run: ...") and execs it. Ctrl-A X quits QEMU.

  tools/run.py --disk build/disk.img --image build/kestrel.bin \\
      --payload build/payload.cpio --boot uboot --smp 2 [--extra -d int]
"""

import argparse
import os
import shlex
import sys

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kestrel_qemu  # noqa: E402


def parse_args(argv):
    """Parse the command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--boot", choices=kestrel_qemu.BOOT_MODES, default="uboot",
                    help="uboot: U-Boot distro boot from --disk; "
                         "direct: QEMU -kernel/-initrd (default: uboot)")
    ap.add_argument("--disk", help="boot disk from tools/mkbootdisk.sh "
                    "(needed for uboot, attached in direct mode too)")
    ap.add_argument("--image", help="Kestrel arm64 Image (direct mode boots it)")
    ap.add_argument("--payload", help="payload newc cpio (direct mode: the initrd)")
    ap.add_argument("--smp", type=int, default=1, help="CPU count (default 1)")
    ap.add_argument("--mem", default="1G", help="RAM size (default 1G)")
    ap.add_argument("--dtb", help="hand this DTB over instead of QEMU's own")
    ap.add_argument("--no-net", dest="net", action="store_false",
                    help="no network card (default: virtio-net on a user-mode network)")
    ap.add_argument("--extra", nargs=argparse.REMAINDER, default=[],
                    help="remaining arguments go to QEMU as they are")
    return ap.parse_args(argv)


def main(argv=None):
    """Build the QEMU command and exec it; return non-zero on error."""
    args = parse_args(argv)
    # Every file named on the command line must exist, even those the
    # chosen mode does not pass to QEMU: a typo should not go unnoticed.
    for what, path in (("disk", args.disk), ("image", args.image),
                       ("payload", args.payload), ("dtb", args.dtb)):
        if path and not os.path.isfile(path):
            print(f"run: {what} '{path}' not found", file=sys.stderr)
            return 1
    if args.boot == "uboot" and args.disk and args.image:
        newer = [p for p in (args.image, args.payload)
                 if p and os.path.getmtime(p) > os.path.getmtime(args.disk)]
        if newer:
            print(f"run: warning: {', '.join(newer)} newer than {args.disk}; "
                  "rerun tools/mkbootdisk.sh", file=sys.stderr)
    try:
        qemu = kestrel_qemu.qemu_argv(
            boot=args.boot, disk=args.disk, image=args.image,
            payload=args.payload, smp=args.smp, mem=args.mem, dtb=args.dtb,
            interactive=True, extra=args.extra, net=args.net)
    except kestrel_qemu.QemuSetupError as err:
        print(f"run: {err}", file=sys.stderr)
        return 1
    print("run: " + shlex.join(qemu), flush=True)
    os.execvp(qemu[0], qemu)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
