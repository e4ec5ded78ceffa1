# SPDX-License-Identifier: GPL-2.0
"""Runs each host unit-test binary (tests/unit, built by `make -C tests/unit
O=$KESTREL_BUILD/unit build-only`) as its own pytest test, so unit tests
reach CI through `make test`. A binary is a cmocka group: exit code 0 means
every case passed and no ASan/UBSan report was raised."""

import os
import subprocess
from pathlib import Path

import pytest

BUILD_HINT = ("build them with `make -C tests/unit O=<abs dir>/unit build-only` "
              "and set KESTREL_BUILD=<abs dir> (the top-level `make test` does both)")


def _unit_dir():
    build = os.environ.get("KESTREL_BUILD")
    return Path(build) / "unit" if build else None


def _binaries():
    unit = _unit_dir()
    if unit is None or not unit.is_dir():
        return []
    return sorted(p for p in unit.glob("test_*")
                  if p.is_file() and not p.suffix and os.access(p, os.X_OK))


BINARIES = _binaries()


@pytest.mark.parametrize("binary", BINARIES or [None],
                         ids=[b.name for b in BINARIES] or ["no-binaries"])
def test_unit(binary):
    if binary is None:
        unit = _unit_dir()
        where = ("KESTREL_BUILD is not set" if unit is None
                 else f"no executable test_* in {unit}")
        pytest.fail(f"no unit test binaries: {where}; {BUILD_HINT}", pytrace=False)

    env = dict(os.environ)
    # Sanitizer reports are fatal (the binaries are built with
    # -fno-sanitize-recover); make sure a report also names its source line.
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    try:
        proc = subprocess.run([str(binary)], cwd=binary.parent, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors="replace", timeout=300)
    except subprocess.TimeoutExpired as e:
        out = e.stdout or ""
        if isinstance(out, bytes):
            out = out.decode(errors="replace")
        pytest.fail(f"{binary.name} did not finish in {e.timeout} s; output so far:\n{out}",
                    pytrace=False)
    if proc.returncode != 0:
        how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"exit code {proc.returncode}")
        pytest.fail(f"{binary.name} failed ({how}); its output:\n{proc.stdout}",
                    pytrace=False)
