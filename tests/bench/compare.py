#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-compare OLD=<file> [NEW=<file>]: each figure of two runs of
make bench side by side, with the change in Kestrel's value and whether it
is better or worse (by the figure's own sense: a time down, a rate up)."""

import argparse
import sys

sys.dont_write_bytecode = True
import results  # noqa: E402

NOISE = 0.02	# changes below 2 % are reported as "same"


def verdict(f, old):
    if f.kestrel is None or old.kestrel is None or old.kestrel == 0:
        return "-", ""
    change = (f.kestrel - old.kestrel) / old.kestrel
    if abs(change) < NOISE:
        return f"{change * 100:+.1f}%", "same"
    better = change < 0 if f.better == "lower" else change > 0
    return f"{change * 100:+.1f}%", "better" if better else "WORSE"


def compare(old_figs, new_figs):
    """Rows (figure, unit, old, new, change, verdict), and figures only in one run."""
    old = {f.id: f for f in old_figs}
    rows = [("figure", "unit", "old", "new", "change", "")]
    for f in new_figs:
        o = old.get(f.id)
        if o is None:
            rows.append((f.name, f.unit, "-", results.fmt(f.kestrel), "", "new"))
            continue
        change, word = verdict(f, o)
        rows.append((f.name, f.unit, results.fmt(o.kestrel), results.fmt(f.kestrel),
                     change, word))
    new_ids = {f.id for f in new_figs}
    for f in old_figs:
        if f.id not in new_ids:
            rows.append((f.name, f.unit, results.fmt(f.kestrel), "-", "", "gone"))
    return rows


def render(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:5], widths[2:5])] + [r[5]]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old", help="an earlier run's JSON file")
    ap.add_argument("new", help="the run to compare with it")
    args = ap.parse_args(argv)
    try:
        old_info, old_figs = results.load(args.old)
        new_info, new_figs = results.load(args.new)
    except results.ResultsError as e:
        print(f"bench-compare: {e}", file=sys.stderr)
        return 2
    print(f"old: {args.old} ({old_info.get('kestrel')}, {old_info.get('date')}"
          f"{', quick' if old_info.get('quick') else ''})")
    print(f"new: {args.new} ({new_info.get('kestrel')}, {new_info.get('date')}"
          f"{', quick' if new_info.get('quick') else ''})")
    if old_info.get("icount") != new_info.get("icount"):
        print(f"note: the runs used different -icount settings ({old_info.get('icount')} "
              f"and {new_info.get('icount')}): instruction counts do not compare")
    print(render(compare(old_figs, new_figs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
