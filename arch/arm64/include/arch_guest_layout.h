/* SPDX-License-Identifier: GPL-2.0 */
/* Where a guest finds its interrupt controller: QEMU virt's addresses. */
#ifndef ARCH_GUEST_LAYOUT_H
#define ARCH_GUEST_LAYOUT_H

#define ARM64_GUEST_GICD_BASE	0x08000000ULL
#define ARM64_GUEST_GICD_SIZE	0x00010000ULL
#define ARM64_GUEST_GICR_BASE	0x080a0000ULL
#define ARM64_GUEST_GICR_STRIDE	0x00020000ULL

#endif
