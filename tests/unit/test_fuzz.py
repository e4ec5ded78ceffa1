# SPDX-License-Identifier: GPL-2.0
"""The snapshot parser's libFuzzer target (tests/unit/fuzz_snapfmt.c), run
briefly on every `make test`: a crash, a sanitizer report or a leak found
in those seconds fails it. Longer runs: make -C tests/unit O=<dir>
fuzz-snapfmt FUZZ_TIME=<seconds>."""

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUZZ_TIME = 15


def test_snapshot_parser_fuzz_run(tmp_path):
    assert shutil.which("clang"), "clang (libFuzzer) missing: tools/deps.sh test installs it"
    build = os.environ.get("KESTREL_BUILD")
    out = Path(build) / "fuzz" if build else tmp_path
    proc = subprocess.run(["make", "-C", str(ROOT / "tests" / "unit"), f"O={out}",
                           "fuzz-snapfmt", f"FUZZ_TIME={FUZZ_TIME}"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:]
    m = re.search(r"stat::number_of_executed_units:\s+(\d+)", proc.stdout)
    assert m and int(m.group(1)) > 1000, proc.stdout[-4000:]
