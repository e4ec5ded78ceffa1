#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: Kestrel's costs against the same work without a hypervisor.

  tests/bench/bench.py --build DIR [--quick] [--runs N] [--only SUITE,...]

Runs each suite (docs/performance.md), prints the table, writes the JSON to
DIR/bench/bench-<time>.json and DIR/bench/latest.json (what make
bench-compare reads) and the chart to DIR/bench/bench.png. A suite that
breaks is reported and the others still run; the exit status is then 1.
Timing never fails a run: targets are reported as met or MISSED.
"""

import argparse
import os
import shutil
import sys
import time
import traceback

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
SUITES = ("footprint", "micro", "linux", "snapshot")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="the build directory (make's O=)")
    ap.add_argument("--quick", action="store_true",
                    help="short setting (CI): fewer samples, one run, smaller transfers")
    ap.add_argument("--runs", type=int, default=3,
                    help="wall-clock runs for medians (default 3; 1 with --quick)")
    ap.add_argument("--only", default=",".join(SUITES),
                    help=f"comma-separated suites (default all: {','.join(SUITES)})")
    ap.add_argument("--out", help="the JSON file (default BUILD/bench/bench-<time>.json)")
    args = ap.parse_args(argv)
    args.build = os.path.abspath(args.build)
    args.only = [s for s in args.only.split(",") if s]
    unknown = [s for s in args.only if s not in SUITES]
    if unknown:
        ap.error(f"unknown suite {unknown[0]!r} (expected {', '.join(SUITES)})")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    return args


def check_inputs(build):
    """The files every suite boots from, built by make bench before this."""
    need = ["kestrel.bin", "disk.img", "guests/basic.bin", "linux/Image", "linux/rootfs.cpio"]
    missing = [n for n in need if not os.path.isfile(os.path.join(build, n))]
    if missing:
        sys.exit(f"bench: {build}/{missing[0]} missing: run 'make bench' (it builds them)")


def main(argv):
    args = parse_args(argv)
    check_inputs(args.build)
    # The harness finds the build through this, read when it is imported.
    os.environ["KESTREL_BUILD"] = args.build
    sys.path.insert(0, HERE)
    import chart
    import machines
    import results

    suites = {"footprint": "footprint", "micro": "micro", "linux": "linux_bench",
              "snapshot": "snapshot_bench"}
    ctx = machines.Context(args.build, quick=args.quick, runs=args.runs,
                           log=lambda msg: print(msg, flush=True))
    figures, failed = [], []
    t0 = time.monotonic()
    for name in args.only:
        t = time.monotonic()
        try:
            module = __import__(suites[name])
            figures += module.run(ctx)
            print(f"bench: {name}: done in {time.monotonic() - t:.0f} s", flush=True)
        except Exception as e:  # a broken suite must not hide the others' figures
            failed.append(name)
            print(f"bench: {name}: FAILED: {e}", flush=True)
            traceback.print_exc()

    out_dir = os.path.join(args.build, "bench")
    os.makedirs(out_dir, exist_ok=True)
    out = args.out or os.path.join(out_dir, time.strftime("bench-%Y%m%d-%H%M%S.json"))
    info = results.run_info(machines.ROOT, args.quick, machines.ICOUNT)
    info["suites"] = args.only
    info["failed_suites"] = failed
    results.save(out, info, figures)
    latest = os.path.join(out_dir, "latest.json")
    if os.path.abspath(out) != latest:
        shutil.copyfile(out, latest)
    title = f"Kestrel {info['kestrel']} under QEMU TCG: cost relative to native"
    png = chart.write(os.path.join(out_dir, "bench.png"), figures, title)

    print()
    print(results.table(figures))
    print()
    print(f"bench: results in {out}" + (f", chart {png}" if png else ""))
    missed = [f.id for f in figures if f.meets_target() is False]
    if missed:
        print(f"bench: targets missed: {', '.join(missed)}")
    print(f"bench: {len(figures)} figures from {len(args.only) - len(failed)} suites, "
          f"{len(failed)} suites failed{' (' + ', '.join(failed) + ')' if failed else ''}, "
          f"{time.monotonic() - t0:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
