// SPDX-License-Identifier: GPL-2.0
/* guest_irq_line from fake_irq_lines (see guest_line_fake.h). */
#include "guest_line_fake.h"
#include <kestrel/guest.h>

bool fake_irq_lines[FAKE_IRQ_LINES];

bool guest_irq_line(struct guest *g, unsigned int spi)
{
	return spi < FAKE_IRQ_LINES && fake_irq_lines[spi];
}
