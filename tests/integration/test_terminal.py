# SPDX-License-Identifier: GPL-2.0
"""Every terminal command, its output and its errors, on one shared VM."""

import re

COMMANDS = ["blockdev", "devtree", "guest", "heap", "help", "host", "log", "netswitch", "reset",
            "shutdown", "snapshot", "vcpu", "version", "vserial"]


def test_help_lists_every_command_alphabetically(shared_vm):
    out = shared_vm.run("help")
    names = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert names == COMMANDS


def test_help_for_one_command(shared_vm):
    out = shared_vm.run("help host")
    assert "usage: host info|cpus|irqs|mem" in out
    assert shared_vm.run("help nosuch").strip() == "error: help: unknown command 'nosuch'"


def test_version(shared_vm):
    out = shared_vm.run("version")
    assert re.search(r"^Kestrel \d+\.\d+\.\d+ \(arm64, board qemu-virt, EL2\)$", out, re.M)
    assert "built with gcc" in out


def test_host_info(shared_vm):
    out = shared_vm.run("host info")
    assert "cpus:      4 online of 4" in out
    assert "Cortex-A57" in out
    assert "irqchip gicv3" in out and "console pl011" in out
    assert re.search(r"payload:   0x[0-9a-f]+ \(\d+ bytes\): config\.dtb", out)
    assert re.search(r"counter:   62500000 Hz, uptime \d+\.\d{3} s", out)


def test_host_irqs_counts_timer_and_console(shared_vm):
    out = shared_vm.run("host irqs")
    rows = {r.split()[1]: r.split() for r in out.splitlines() if re.match(r"^\d+\s", r)}
    assert rows["hyp-timer"][0] == "26" and rows["hyp-timer"][2] == "per-cpu"
    assert int(rows["hyp-timer"][4]) >= 4, "every CPU's timer self-test fired"
    assert rows["pl011-console"][0] == "33"
    assert int(rows["pl011-console"][4]) > 0, "typing raised console interrupts"
    assert {"ipi-kick", "ipi-stop"} <= rows.keys()


def test_host_mem(shared_vm):
    out = shared_vm.run("host mem")
    assert "0x0040000000-0x0080000000   1024 MiB" in out
    assert re.search(r"0x[0-9a-f]+-0x[0-9a-f]+ image", out)
    assert re.search(r"0x[0-9a-f]+-0x[0-9a-f]+ payload", out)
    total, free = map(int, re.search(r"(\d+) KiB total, (\d+) KiB free", out).groups())
    assert 1000 * 1024 < total <= 1024 * 1024 and 0 < free < total


def test_heap(shared_vm):
    out = shared_vm.run("heap")
    live = int(re.search(r"live objects: (\d+)", out).group(1))
    allocs, frees = map(int, re.search(r"allocs: (\d+)  frees: (\d+)", out).groups())
    assert live == allocs - frees and live > 0
    assert "bad frees: 0" in out


def test_devtree_show(shared_vm):
    out = shared_vm.run("devtree show /psci")
    assert out.startswith("psci {")
    assert 'method = "smc";' in out
    assert "cpu_on = <0xc4000003>;" in out
    whole = shared_vm.run("devtree show")
    assert whole.startswith("/ {") and "cpus {" in whole and "cpu@3 {" in whole
    assert shared_vm.run("devtree show /nope").strip() == \
        "error: devtree show: no node '/nope' in the host device tree"


def test_log_level_and_show(shared_vm):
    assert shared_vm.run("log level").strip() == "log level 6 (info)"
    assert shared_vm.run("log level debug").strip() == "log level 7 (debug)"
    assert shared_vm.run("log level 4").strip() == "log level 4 (warn)"
    assert "error: log level: '9' is not a level" in shared_vm.run("log level 9")
    assert shared_vm.run("log level 6").strip() == "log level 6 (info)"
    assert "smp: 4 of 4 CPU(s) online" in shared_vm.run("log show")


def test_wrong_commands_print_one_error_line(shared_vm):
    cases = {
        "frobnicate": "error: unknown command 'frobnicate' (type 'help' for the list)",
        "host": "error: host: missing subcommand (usage: host info|cpus|irqs|mem)",
        "host bogus": "error: host: unknown subcommand 'bogus' "
                      "(expected info, cpus, irqs or mem)",
        "host info extra": "error: host info: too many arguments",
        "version now": "error: version: takes no arguments",
        "heap x": "error: heap: takes no arguments",
        "log": "error: log: missing subcommand (usage: log level [n] | log show)",
        "devtree list": "error: devtree: unknown subcommand 'list' (expected show)",
        'help "unclosed': "error: unterminated quote",
        "shutdown now": "error: shutdown: takes no arguments",
        "reset now": "error: reset: takes no arguments",
    }
    for command, error in cases.items():
        assert shared_vm.run(command).strip() == error, command


def test_tab_completes_commands_and_subcommands(shared_vm):
    vm = shared_vm
    vm.send("vers\t")
    vm.expect("version ")
    vm.send("\r")
    vm.expect(r"Kestrel \d")
    vm.wait_prompt()
    vm.send("host m\t")
    vm.expect("host mem ")
    vm.send("\r")
    vm.expect("page allocator")
    vm.wait_prompt()
    vm.send("h\t")		# help, heap, host: listed, nothing inserted
    vm.expect(r"(  (help|heap|host)){3}\r*\n")
    vm.send("\x15\r")		# Ctrl-U clears the line
    vm.wait_prompt()


def test_history_and_line_editing(shared_vm):
    vm = shared_vm
    vm.run("version")
    vm.send("\x1b[A\r")		# up arrow recalls "version"
    vm.expect(r"Kestrel \d")
    vm.wait_prompt()
    vm.send("vxersion\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x7f\r")	# fix a typo mid-line
    vm.expect(r"Kestrel \d")
    vm.wait_prompt()
    vm.send("host cpus\x03")	# Ctrl-C discards the line
    vm.expect(r"\^C")
    vm.wait_prompt()
    assert "host cpus" not in vm.run("log level")
