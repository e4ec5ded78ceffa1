# SPDX-License-Identifier: GPL-2.0
"""Fixtures for QEMU integration tests: VMs are always closed, and a failed
test prints the console of every VM it started."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kestrel_vm import BUILD, KestrelVM, boot_to_prompt  # noqa: E402


def pytest_sessionstart(session):
    for name in ("kestrel.bin", "payload.cpio", "disk.img"):
        if not os.path.isfile(os.path.join(BUILD, name)):
            pytest.exit(f"{BUILD}/{name} missing: run 'make test' (or 'make disk') first",
                        returncode=2)


@pytest.fixture
def vms(request):
    """Factory: vms(**KestrelVM kwargs) starts a VM; all are closed at the end."""
    started = []

    def start(wait_prompt=True, **kwargs):
        vm = boot_to_prompt(**kwargs) if wait_prompt else KestrelVM(**kwargs)
        started.append(vm)
        return vm

    yield start
    failed = getattr(request.node, "rep_call", None)
    for vm in started:
        if failed is not None and failed.failed:
            sys.stderr.write(f"\n--- console of {vm.proc.args[0].decode()} ---\n{vm.tail(60)}\n")
        vm.close()


@pytest.fixture(scope="module")
def shared_vm():
    """One 4-CPU VM (direct boot) shared by a module's read-only command tests."""
    vm = boot_to_prompt(boot="direct", smp=4)
    yield vm
    vm.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
