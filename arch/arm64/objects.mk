# SPDX-License-Identifier: GPL-2.0
obj-y += head.o vectors.o switch.o setup.o mmu.o cpu.o irq.o counter.o thread.o psci.o \
	exception.o early_uart.o
# These run with the MMU off, when memory is Device and must be accessed aligned.
CFLAGS_setup.o := -mstrict-align
CFLAGS_mmu.o := -mstrict-align
CFLAGS_early_uart.o := -mstrict-align
