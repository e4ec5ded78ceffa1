# SPDX-License-Identifier: GPL-2.0
"""Benchmark figures: one record per measured quantity, the table on stdout
and the JSON file a later run is compared with (docs/performance.md)."""

import json
import os
import platform
import subprocess
import time

SCHEMA = 1


class Figure:
    """One measured quantity, under Kestrel and (where the operation exists
    without a hypervisor) natively.

    id: stable key across runs ("micro.hvc"); name: the table's label;
    unit: of both values; better: "lower" or "higher"; baseline: what the
    native column measured when it is not the same operation (the bare
    exception round trip for a trap, say); target: the ratio (or, without a
    native value, the Kestrel value) the project aims to stay within;
    detail: anything else worth keeping (ticks, samples, runs)."""

    def __init__(self, id, name, unit, kestrel, native=None, better="lower",
                 baseline="", target=None, detail=None):
        self.id = id
        self.name = name
        self.unit = unit
        self.kestrel = kestrel
        self.native = native
        self.better = better
        self.baseline = baseline
        self.target = target
        self.detail = detail or {}

    @property
    def ratio(self):
        """Kestrel / native, or None without both."""
        if self.kestrel is None or not self.native:
            return None
        return self.kestrel / self.native

    def meets_target(self):
        """True or False against the target, None without one."""
        if self.target is None:
            return None
        value = self.ratio if self.native else self.kestrel
        if value is None:
            return None
        return value <= self.target if self.better == "lower" else value >= self.target

    def to_json(self):
        return {"id": self.id, "name": self.name, "unit": self.unit,
                "kestrel": self.kestrel, "native": self.native, "ratio": self.ratio,
                "better": self.better, "baseline": self.baseline,
                "target": self.target, "meets_target": self.meets_target(),
                "detail": self.detail}

    @classmethod
    def from_json(cls, d):
        return cls(d["id"], d["name"], d["unit"], d.get("kestrel"), d.get("native"),
                   d.get("better", "lower"), d.get("baseline", ""), d.get("target"),
                   d.get("detail"))


def fmt(value):
    """A value for the table: 4 significant digits, no exponent."""
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 1000:
        return f"{int(value)}"
    a = abs(value)
    if a >= 100:
        return f"{value:.1f}"
    if a >= 10:
        return f"{value:.2f}"
    return f"{value:.3f}"


def target_text(f):
    if f.target is None:
        return ""
    op = "<=" if f.better == "lower" else ">="
    what = "ratio" if f.native else f.unit
    verdict = {True: "met", False: "MISSED", None: ""}[f.meets_target()]
    return f"{what} {op} {fmt(f.target)} {verdict}".strip()


def table(figures):
    """The figures as a fixed-width text table."""
    rows = [("figure", "unit", "native", "kestrel", "ratio", "target")]
    for f in figures:
        name = f.name + (f" (native: {f.baseline})" if f.baseline else "")
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        rows.append((name, f.unit, fmt(f.native), fmt(f.kestrel), ratio, target_text(f)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:5], widths[2:5])]
        cells.append(r[5])
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths).rstrip())
    return "\n".join(lines)


def _git_describe(root):
    try:
        return subprocess.run(["git", "-C", root, "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _qemu_version():
    try:
        out = subprocess.run(["qemu-system-aarch64", "--version"], capture_output=True,
                             text=True, check=True).stdout
        return out.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def run_info(root, quick, icount):
    """What a reader needs to know to compare two runs."""
    return {"schema": SCHEMA, "kestrel": _git_describe(root),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "quick": quick,
            "icount": icount, "qemu": _qemu_version(), "host_cpus": os.cpu_count(),
            "host": f"{platform.system()} {platform.release()} {platform.machine()}"}


def save(path, info, figures):
    doc = dict(info)
    doc["figures"] = [f.to_json() for f in figures]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


class ResultsError(Exception):
    """A results file that cannot be read or is not one of ours."""


def load(path):
    """Returns (info, figures) from a file save() wrote."""
    try:
        with open(path) as fh:
            doc = json.load(fh)
    except OSError as e:
        raise ResultsError(f"{path}: {e.strerror}") from None
    except ValueError as e:
        raise ResultsError(f"{path}: not JSON ({e})") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or \
            not isinstance(doc.get("figures"), list):
        raise ResultsError(f"{path}: not a Kestrel benchmark result (schema {SCHEMA})")
    try:
        figures = [Figure.from_json(d) for d in doc.pop("figures")]
    except (KeyError, TypeError) as e:
        raise ResultsError(f"{path}: malformed figure ({e})") from None
    return doc, figures
