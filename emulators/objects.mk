# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_EMU_VGICV3) += irqchip/vgicv3_dist.o irqchip/vgicv3_redist.o
obj-$(CONFIG_EMU_PL011) += serial/pl011.o serial/pl011_emu.o
