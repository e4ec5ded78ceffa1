# SPDX-License-Identifier: GPL-2.0
"""Micro-benchmarks: the test firmware's benchmark mode (`bench` in its
shell, tests/guests/README.md) natively on QEMU and as a Kestrel guest,
both under -icount, so each figure is a count of executed instructions."""

import re

import guest_console
import machines
from results import Figure

PROMPT = re.escape(guest_console.FIRMWARE_PROMPT)
LINE = re.compile(r"basic: bench (\w+): (?:([\d.]+) ticks/op, median of (\d+) samples of "
                  r"(\d+) \(min ([\d.]+) max ([\d.]+)\)|(SKIP|FAIL) (.*))")
CNTFRQ = re.compile(r"basic: bench cntfrq (\d+)")
DONE = "basic: bench done"
TIMEOUT = 900


class BenchError(Exception):
    """The firmware's benchmark run failed or printed something unexpected."""


def parse(text):
    """{name: {ticks, samples, batch, min, max}} and CNTFRQ from the
    firmware's output; a FAIL or a missing CNTFRQ raises."""
    m = CNTFRQ.search(text)
    if not m:
        raise BenchError(f"no 'basic: bench cntfrq' line in:\n{text[-2000:]}")
    out = {}
    for m in LINE.finditer(text.replace("\r", "")):
        name = m.group(1)
        if m.group(7) == "FAIL":
            raise BenchError(f"bench {name} failed: {m.group(8)}")
        if m.group(7) == "SKIP":
            out[name] = None
            continue
        out[name] = {"ticks": float(m.group(2)), "samples": int(m.group(3)),
                     "batch": int(m.group(4)), "min": float(m.group(5)),
                     "max": float(m.group(6))}
    return out, int(CNTFRQ.search(text).group(1))


def _run_bench(console, what, samples):
    """Types `bench what samples` at the firmware's prompt; returns its output."""
    console.send(f"bench {what} {samples}\r")
    console.expect(re.escape(DONE), TIMEOUT)
    return console.proc.before


def run_native(ctx, samples):
    vm = machines.native(ctx.path("guests", "basic.bin"), smp=2, mem="64M",
                         append="kestrel.bench", timeout=TIMEOUT)
    try:
        vm.expect(PROMPT)
        return parse(_run_bench(vm, "all", samples))
    finally:
        vm.close()


def run_kestrel(ctx, samples):
    """Everything on bench0 alone, `yield` (Kestrel's yield hypercall) with
    nothing else on the host CPU, then `yield` again with the partner guest
    started on bench0's first host CPU, so each call switches to it and back.
    The partner is stopped again before anything else is timed."""
    vm = machines.kestrel(ctx, "micro", timeout=TIMEOUT)
    try:
        port = "bench0/uart0"
        guest_console.wait_output(vm, port, re.escape("basic: bench mode"), TIMEOUT)
        guest_console.bind(vm, port)
        guest_console.at_prompt(vm)
        results, cntfrq = parse(_run_bench(vm, "all", samples))
        results.update(parse(_run_bench(vm, "yield", samples))[0])
        guest_console.unbind(vm, port)
        machines.terminal(vm, "guest start partner")
        guest_console.wait_output(vm, "partner/uart0", "bench partner: yielding", TIMEOUT)
        guest_console.bind(vm, port)
        guest_console.at_prompt(vm)
        switched, _ = parse(_run_bench(vm, "yield", samples))
        guest_console.unbind(vm, port)
        machines.terminal(vm, "guest stop partner")
        results["switch"] = switched["yield"]
        return results, cntfrq
    finally:
        vm.close()


def _insns(entry, cntfrq):
    return None if entry is None else entry["ticks"] * machines.insns_per_tick(cntfrq)


def figures(native, kestrel, cntfrq):
    """The micro figures in instructions per operation (ticks in detail)."""
    def detail(*pairs):
        d = {"cntfrq": cntfrq}
        for side, entry in pairs:
            if entry is not None:
                d[side] = entry
        return d

    def fig(id, name, n_entry, k_entry, baseline="", target=None, scale=1.0):
        k = _insns(k_entry, cntfrq)
        return Figure(id, name, "insns/op", None if k is None else k * scale,
                      _insns(n_entry, cntfrq), baseline=baseline, target=target,
                      detail=detail(("native_ticks", n_entry), ("kestrel_ticks", k_entry)))

    svc = native.get("svc")
    return [
        fig("micro.svc", "exception round trip (SVC to own vector)", svc, kestrel.get("svc")),
        fig("micro.hvc", "null hypercall round trip (HVC)", svc, kestrel.get("hvc"),
            baseline="SVC round trip", target=2.0),
        fig("micro.mmio", "emulated MMIO read (PL011 FR)", svc, kestrel.get("mmio"),
            baseline="SVC round trip", target=2.0),
        fig("micro.sgi", "virtual SGI round trip, two vCPUs", native.get("sgi"),
            kestrel.get("sgi")),
        fig("micro.timer", "timer interrupt latency", native.get("timer"),
            kestrel.get("timer")),
        # Each yield with the partner there is one switch to it and one back.
        fig("micro.switch", "vCPU context switch, two guests on a CPU", None,
            kestrel.get("switch"), scale=0.5),
    ]


def run(ctx):
    samples = 9 if ctx.quick else 31
    ctx.log(f"bench: micro: native firmware, {samples} samples each")
    native, cntfrq = run_native(ctx, samples)
    ctx.log(f"bench: micro: firmware under Kestrel, {samples} samples each")
    kestrel, k_cntfrq = run_kestrel(ctx, samples)
    if k_cntfrq != cntfrq:
        raise BenchError(f"CNTFRQ differs: native {cntfrq}, under Kestrel {k_cntfrq}")
    figs = {f.id: f for f in figures(native, kestrel, cntfrq)}
    # Natively QEMU's device model answers a load in one instruction: kept,
    # but the trap is compared with what a trap costs without Kestrel.
    figs["micro.mmio"].detail["native_mmio_ticks"] = native.get("mmio")
    figs["micro.switch"].detail["yield_alone_ticks"] = kestrel.get("yield")
    return list(figs.values())
