# SPDX-License-Identifier: GPL-2.0
obj-y += main.o smp.o log.o console.o panic.o errno.o percpu.o page_alloc.o heap.o \
	guest_config.o guest_fdt.o emulator.o \
	thread.o timer.o irq.o driver.o hostdt.o payload.o devemu.o \
	vserial.o guest.o guest_mem.o vcpu.o blockdev.o entropy.o \
	snap_sections.o
obj-$(CONFIG_NETSWITCH) += netswitch.o
obj-$(CONFIG_SNAPSHOT) += snapshot_common.o snapshot_store.o snapshot_save.o \
	snapshot_read.o snapshot_restore.o snapshot_list.o
