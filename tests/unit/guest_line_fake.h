/* SPDX-License-Identifier: GPL-2.0 */
/* guest_irq_line for tests that link an emulator without core/guest.c: it
 * returns what the test put in fake_irq_lines. */
#ifndef KESTREL_TEST_GUEST_LINE_FAKE_H
#define KESTREL_TEST_GUEST_LINE_FAKE_H

#include <stdbool.h>

#define FAKE_IRQ_LINES	64

/* The vGIC's line of SPI n (false beyond); tests set and clear them. */
extern bool fake_irq_lines[FAKE_IRQ_LINES];

#endif
