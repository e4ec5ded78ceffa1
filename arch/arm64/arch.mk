# SPDX-License-Identifier: GPL-2.0
# ARMv8 toolchain and flags. EL2 code never touches FP/SIMD registers, so
# guest FP state can be switched lazily. Atomics are inlined (exclusive
# load/store pairs): the out-of-line helpers a Linux toolchain defaults to
# test for LSE at every lock and counter, on the trap path too.
CROSS_COMPILE ?= aarch64-linux-gnu-
ARCH_CFLAGS := -mgeneral-regs-only -mcmodel=small -march=armv8-a -mno-outline-atomics
ARCH_LDFLAGS := -nostdlib -static -pie --no-dynamic-linker -z text -z norelro \
	-z max-page-size=4096 --gc-sections --build-id=none
