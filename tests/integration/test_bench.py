# SPDX-License-Identifier: GPL-2.0
"""`make bench QUICK=1` runs to the end and leaves every figure it promises
(docs/performance.md), the chart and a JSON file bench-compare reads. Only
that it works is tested: its times never fail anything."""

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from kestrel_vm import BUILD, ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
import compare  # noqa: E402

TIMEOUT = 2400
# Every figure, and whether it has a native side.
FIGURES = {
    "footprint.image": False, "footprint.boot_mem": False, "footprint.per_guest": False,
    "footprint.per_vcpu": False, "create.icount": False, "create.wall": False,
    "micro.svc": True, "micro.hvc": True, "micro.mmio": True, "micro.sgi": True,
    "micro.timer": True, "micro.switch": False,
    "linux.boot": True, "linux.boot_wall": True, "linux.blk_read": True,
    "linux.blk_write": True, "linux.net": True,
    "snapshot.written": True, "snapshot.save": False, "snapshot.restore": False,
}


@pytest.fixture(scope="module")
def quick_run():
    """One `make bench QUICK=1` for the module: (exit status, output)."""
    proc = subprocess.Popen(["make", "-s", "-C", ROOT, f"O={BUILD}", "bench", "QUICK=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        # The whole group: make, the harness and any QEMU it started.
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        pytest.fail(f"make bench QUICK=1 still running after {TIMEOUT} s; its output:\n"
                    f"{out[-4000:]}")
    return proc.returncode, out


def test_quick_bench_runs_to_the_end(quick_run):
    status, out = quick_run
    assert status == 0, out[-4000:]
    last = out.strip().splitlines()[-1]
    assert re.match(r"bench: \d+ figures from 4 suites, 0 suites failed, \d+ s$", last), \
        out[-4000:]


def test_every_figure_is_measured(quick_run):
    with open(os.path.join(BUILD, "bench", "latest.json")) as fh:
        doc = json.load(fh)
    assert doc["quick"] is True and doc["failed_suites"] == []
    assert doc["icount"].startswith("shift=")
    figs = {f["id"]: f for f in doc["figures"]}
    assert sorted(figs) == sorted(FIGURES)
    for id, has_native in FIGURES.items():
        f = figs[id]
        assert isinstance(f["kestrel"], (int, float)) and f["kestrel"] > 0, f
        if has_native:
            assert f["native"] > 0, f
            assert f["ratio"] == pytest.approx(f["kestrel"] / f["native"]), f
        else:
            assert f["native"] is None and f["ratio"] is None, f
    # Instruction counts come with the counter ticks they were derived from.
    for id in ("micro.svc", "micro.hvc", "micro.mmio", "micro.sgi", "micro.timer"):
        d = figs[id]["detail"]
        assert d["kestrel_ticks"]["ticks"] * 1e9 / d["cntfrq"] == \
            pytest.approx(figs[id]["kestrel"]), id
    # A snapshot writes the guest's non-zero pages and nothing else.
    assert figs["snapshot.written"]["ratio"] == pytest.approx(1.0, abs=0.01)


def test_chart_is_a_png(quick_run):
    with open(os.path.join(BUILD, "bench", "bench.png"), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_bench_compare(quick_run, tmp_path):
    latest = os.path.join(BUILD, "bench", "latest.json")
    out = subprocess.run(["make", "-s", "-C", ROOT, f"O={BUILD}", "bench-compare",
                          f"OLD={latest}"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines()[4:] if line.strip()]
    assert len(rows) == len(FIGURES) and all(r.endswith("same") for r in rows), out.stdout

    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": 99, "figures": []}')
    out = subprocess.run([sys.executable, compare.__file__, str(bad), latest],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "not a Kestrel benchmark result" in out.stderr

    out = subprocess.run(["make", "-s", "-C", ROOT, f"O={BUILD}", "bench-compare"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "usage: make bench-compare OLD=<file>" in out.stderr
