# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_SERIAL_PL011) += serial/pl011.o
obj-$(CONFIG_IRQCHIP_GICV3) += irqchip/gicv3.o
obj-$(CONFIG_TIMER_ARM_GENERIC) += timer/arm_generic_timer.o
obj-$(CONFIG_DRIVER_VIRTIO) += virtio/virtio_host.o virtio/virtqueue_drv.o
obj-$(CONFIG_DRIVER_VIRTIO_BLK) += virtio/virtio_blk_host.o
obj-$(CONFIG_DRIVER_VIRTIO_NET) += virtio/virtio_net_host.o
obj-$(CONFIG_DRIVER_VIRTIO_RNG) += virtio/virtio_rng_host.o
