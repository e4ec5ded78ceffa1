# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_EMU_VGICV3) += irqchip/vgicv3_dist.o irqchip/vgicv3_redist.o irqchip/vgicv3_snap.o
obj-$(CONFIG_EMU_PL011) += serial/pl011.o serial/pl011_emu.o serial/pl011_snap.o
obj-$(CONFIG_EMU_VIRTIO_MMIO) += virtio/virtio_mmio.o virtio/virtio_mmio_snap.o \
	virtio/virtio_mmio_snap_check.o virtio/virtqueue.o virtio/virtio_emu.o
obj-$(CONFIG_EMU_VIRTIO_RNG) += virtio/virtio_rng.o
obj-$(CONFIG_EMU_VIRTIO_NET) += virtio/virtio_net.o
obj-$(CONFIG_EMU_VIRTIO_BLK) += virtio/virtio_blk.o virtio/virtio_blk_snap.o
obj-$(CONFIG_EMU_VIRTIO_CONSOLE) += virtio/virtio_console.o
