# SPDX-License-Identifier: GPL-2.0
"""Bad boot input gives a clear error, never a silent hang: a malformed
host DTB, a missing or corrupt payload, the wrong exception level."""

import os
import re
import subprocess

import pytest

from kestrel_vm import BUILD, kestrel_qemu


def dtb_variant(tmp_path, edit, smp=2):
    """QEMU's own DTB for this machine, edited as DTS text, recompiled."""
    dtb = str(tmp_path / "qemu.dtb")
    kestrel_qemu.dump_dtb(dtb, smp=smp)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], check=True,
                         capture_output=True, text=True).stdout
    out = str(tmp_path / "bad.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, "-"],
                   input=edit(dts), check=True, text=True)
    return out


def drop_node(dts, name):
    """Removes the top-level node `name` (e.g. 'cpus') from DTS text."""
    lines, out, depth, skipping = dts.splitlines(), [], 0, False
    for line in lines:
        stripped = line.strip()
        if not skipping and stripped.startswith(name + " {") and line.startswith("\t") \
                and not line.startswith("\t\t"):
            skipping, depth = True, 0
        if skipping:
            depth += line.count("{") - line.count("}")
            if depth == 0 and "}" in line:
                skipping = False
            continue
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("edit, message", [
    (lambda d: drop_node(d, "cpus"), "/cpus: node missing"),
    (lambda d: d.replace('"arm,gic-v3"', '"arm,gic-v9"'),
     "host DT: no supported interrupt controller (this build has drivers for: arm,gic-v3)"),
    (lambda d: re.sub(r'compatible = "arm,armv8-timer[^;]*;',
                      'compatible = "vendor,other-timer";', d),
     "host DT: no supported timer (this build has drivers for: arm,armv8-timer, "
     "arm,armv7-timer)"),
], ids=["no-cpus", "unknown-irqchip", "unknown-timer"])
def test_malformed_host_dtb_is_reported(vms, tmp_path, edit, message):
    vm = vms(boot="direct", smp=2, dtb=dtb_variant(tmp_path, edit), wait_prompt=False)
    vm.expect("kestrel: fatal: ")
    vm.expect("system halted", timeout=10)
    line = [l for l in vm.console().splitlines() if "kestrel: fatal:" in l][0]
    assert message in line, line


def test_missing_payload_is_reported_and_terminal_still_works(vms):
    vm = vms(boot="direct", smp=1, payload=None)
    assert "payload: error: no payload: /chosen has no linux,initrd-start/end" in vm.console()
    assert "payload:   error: no payload" in vm.run("host info")


def test_corrupt_payload_is_reported(vms, tmp_path):
    bad = tmp_path / "bad.cpio"
    bad.write_bytes(b"this is not a cpio archive" * 40)
    vm = vms(boot="direct", smp=1, payload=str(bad))
    assert "payload: error: malformed payload at 0x" in vm.console()
    assert "not a newc cpio archive (bad header at offset 0" in vm.console()


def test_wrong_exception_level_is_reported(vms):
    vm = vms(boot="direct", smp=1, machine="virt,gic-version=3", wait_prompt=False)
    vm.expect("kestrel: fatal: entered at EL1, but Kestrel must be started at EL2")
    vm.expect("system halted", timeout=10)


def test_payload_in_build_is_a_cpio_with_the_config():
    with open(os.path.join(BUILD, "payload.cpio"), "rb") as f:
        assert f.read(6) == b"070701"
