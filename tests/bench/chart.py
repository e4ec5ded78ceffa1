# SPDX-License-Identifier: GPL-2.0
"""The chart of a run: for each figure with a native value, native (1.0)
against Kestrel as a cost relative to native, drawn by gnuplot as a PNG."""

import os
import subprocess
import tempfile


def relative_cost(f):
    """Kestrel's cost with native as 1: the ratio for a time or a count,
    its inverse for a rate (MiB/s), where more is better."""
    r = f.ratio
    if r is None:
        return None
    return r if f.better == "lower" else 1.0 / r


def _label(f):
    return f.name.replace('"', "'")


def write(path, figures, title):
    """Writes the PNG; returns path, or None when no figure has both sides."""
    rows = [(f, relative_cost(f)) for f in figures if relative_cost(f) is not None]
    if not rows:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "figures.dat")
        with open(data, "w") as fh:
            for f, cost in rows:
                fh.write(f'"{_label(f)}" 1.0 {cost:.4f}\n')
        top = max(cost for _, cost in rows)
        script = f"""
set terminal pngcairo size 1200,{300 + 34 * len(rows)} font "sans,10"
set output "{path}"
set title "{title}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -30 left
set ylabel "cost relative to native (native = 1, lower is better)"
set yrange [0:{top * 1.2:.3f}]
set grid ytics
set key top left
set bmargin 12
set rmargin 22
plot "{data}" using 2:xtic(1) title "native" linecolor rgb "#8c8c8c", \\
     "" using 3 title "Kestrel" linecolor rgb "#1f6fb4", \\
     "" using ($0+0.15):3:(sprintf("%.2fx", $3)) with labels offset 0,0.8 notitle
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       capture_output=True)
    return path
