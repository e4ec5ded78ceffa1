# SPDX-License-Identifier: GPL-2.0
# QEMU virt needs no board code: everything comes from its device tree.
obj-y +=
