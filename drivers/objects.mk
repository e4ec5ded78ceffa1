# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_SERIAL_PL011) += serial/pl011.o
obj-$(CONFIG_IRQCHIP_GICV3) += irqchip/gicv3.o
obj-$(CONFIG_TIMER_ARM_GENERIC) += timer/arm_generic_timer.o
