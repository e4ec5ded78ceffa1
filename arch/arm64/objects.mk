# SPDX-License-Identifier: GPL-2.0
obj-y += head.o vectors.o switch.o setup.o mmu.o cpu.o irq.o counter.o thread.o psci.o \
	exception.o early_uart.o guest_fdt.o
# Guests: entry/exit, stage 2, vCPU context, traps, PSCI, vGIC CPU interface, timer.
obj-y += guest_entry.o fpsimd.o stage2.o guest.o vcpu.o trap.o vpsci.o vgic_cpuif.o \
	vtimer.o
# Snapshots: the vGIC and vCPU sections.
obj-y += snapshot.o vcpu_snap.o
# These run with the MMU off, when memory is Device and must be accessed aligned.
CFLAGS_setup.o := -mstrict-align
CFLAGS_mmu.o := -mstrict-align
CFLAGS_early_uart.o := -mstrict-align
