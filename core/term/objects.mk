# SPDX-License-Identifier: GPL-2.0
obj-y += term.o parse.o line_editor.o
