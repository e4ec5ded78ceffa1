# SPDX-License-Identifier: GPL-2.0
obj-y += help.o version.o
obj-$(CONFIG_CMD_HOST) += host.o
obj-$(CONFIG_CMD_HEAP) += heap.o
obj-$(CONFIG_CMD_DEVTREE) += devtree.o
obj-$(CONFIG_CMD_LOG) += log.o
obj-$(CONFIG_CMD_POWER) += reset.o shutdown.o
obj-$(CONFIG_CMD_GUEST) += guest.o
obj-$(CONFIG_CMD_VCPU) += vcpu.o
obj-$(CONFIG_CMD_VSERIAL) += vserial.o
obj-$(CONFIG_CMD_NETSWITCH) += netswitch.o
obj-$(CONFIG_CMD_DEBUG) += debug.o
obj-$(CONFIG_CMD_BLOCKDEV) += blockdev.o
obj-$(CONFIG_CMD_SNAPSHOT) += snapshot.o
