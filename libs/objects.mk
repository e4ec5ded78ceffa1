# SPDX-License-Identifier: GPL-2.0
obj-y += string.o strtox.o printf.o cpio.o crc32c.o snapfmt.o snapfmt_write.o snapfmt_read.o snapfmt_read_ram.o snapstore.o
# string.c must not have its loops turned back into calls to itself.
CFLAGS_string.o := -fno-tree-loop-distribute-patterns
