# SPDX-License-Identifier: GPL-2.0
"""Kestrel's own footprint and the cost of creating a guest: the image's
size, the memory the hypervisor holds after boot, what a guest and a vCPU
add to it, and how long `guest create` of a 256 MiB guest takes. Boot
creates the configured guests (stopped); each measurement destroys them
first, so "after boot" means with no guests."""

import os
import re
import statistics

import machines
from results import Figure

GUEST_MIB = 256
TARGET_IMAGE_KIB = 500000 / 1024	# "under 0.5 MB"
TARGET_CREATE_S = 0.1
CREATED = re.compile(r"guest: (\S+): created: .* in (\d+) us")
ALLOC = re.compile(r"page allocator: (\d+) KiB total, (\d+) KiB free")
IMAGE = re.compile(r"0x([0-9a-f]+)-0x([0-9a-f]+) image")
HEAP = re.compile(r"live objects: \d+ \((\d+) bytes\)")
HEAP_PAGES = re.compile(r"pages: (\d+) in slabs, (\d+) in large blocks")


def used_kib(vm):
    """KiB the page allocator has handed out (guest RAM, stacks, tables,
    heap pages)."""
    m = machines.search(ALLOC, vm.run("host mem"), "host mem")
    return int(m.group(1)) - int(m.group(2))


def owned_kib(vm):
    """KiB in use: the allocator's pages, with the heap's pages counted by
    the bytes of its live objects instead (the heap keeps empty slabs, so
    its pages say little about one guest)."""
    heap = vm.run("heap")
    live = int(machines.search(HEAP, heap, "heap").group(1))
    slabs, large = (int(x) for x in machines.search(HEAP_PAGES, heap, "heap").groups())
    return used_kib(vm) - (slabs + large) * 4 + live / 1024


def create(vm, name):
    """`guest create name`; returns Kestrel's own time for it in seconds."""
    out = vm.run(f"guest create {name}")
    m = machines.search(CREATED, out, f"guest create {name}")
    return int(m.group(2)) / 1e6


def destroy(vm, name):
    machines.terminal(vm, f"guest destroy {name}")


def image_figures(ctx):
    size = os.path.getsize(ctx.path("kestrel.bin"))
    return [Figure("footprint.image", "hypervisor image (kestrel.bin)", "KiB", size / 1024,
                   target=TARGET_IMAGE_KIB, detail={"bytes": size})]


def memory_figures(ctx):
    """One icount boot: memory after boot, then per guest and per vCPU, and
    the deterministic creation time."""
    vm = machines.kestrel(ctx, "footprint", net=False)
    try:
        # Boot creates every configured guest (stopped): start from none.
        destroy(vm, "one")
        destroy(vm, "two")
        mem = vm.run("host mem")
        start, end = (int(x, 16) for x in machines.search(IMAGE, mem, "host mem").groups())
        heap = int(machines.search(HEAP, vm.run("heap"), "heap").group(1))
        used = used_kib(vm)
        base = owned_kib(vm)
        t_one = create(vm, "one")
        after_one = owned_kib(vm)
        create(vm, "two")
        after_two = owned_kib(vm)
    finally:
        vm.close()
    per_guest = after_one - base - GUEST_MIB * 1024
    per_vcpu = (after_two - after_one) - (after_one - base)
    boot_kib = (end - start) / 1024 + used
    return [
        Figure("footprint.boot_mem", "hypervisor memory after boot", "KiB", boot_kib,
               detail={"image_reserved_kib": (end - start) / 1024,
                       "allocator_used_kib": used, "heap_live_bytes": heap}),
        Figure("footprint.per_guest", "memory per guest (beyond its RAM, 1 vCPU)", "KiB",
               per_guest, detail={"guest_ram_mib": GUEST_MIB}),
        Figure("footprint.per_vcpu", "memory per extra vCPU", "KiB", per_vcpu),
        Figure("create.icount", f"create a {GUEST_MIB} MiB guest (icount)", "s", t_one,
               target=TARGET_CREATE_S),
    ]


def create_wall(ctx):
    """Kestrel's own time for `guest create` without icount (its counter is
    then the host's clock), median over ctx.runs create/destroy rounds."""
    vm = machines.kestrel(ctx, "footprint", icount=False, net=False)
    try:
        times = []
        for _ in range(max(ctx.runs, 3)):
            destroy(vm, "one")
            times.append(create(vm, "one"))
    finally:
        vm.close()
    return [Figure("create.wall", f"create a {GUEST_MIB} MiB guest (wall clock, median)",
                   "s", statistics.median(times), target=TARGET_CREATE_S,
                   detail={"runs": times})]


def run(ctx):
    ctx.log("bench: footprint: image, memory after boot, per guest and per vCPU")
    figs = image_figures(ctx) + memory_figures(ctx)
    ctx.log("bench: footprint: guest creation without icount")
    return figs + create_wall(ctx)
