// SPDX-License-Identifier: GPL-2.0
/* The guest PL011 test fixture (see vpl011_fixture.h). */
#include "vpl011_fixture.h"
#include <arch_irq.h>

const gpa_t bases[2] = { BASE, BASE + VPL011_SIZE };

struct devemu_map map;
struct vpl011 *uart;
struct vserial *port;
static struct heap_stats base;

bool line;
unsigned int irq_calls;
bool irq_log[64];
void (*irq_hook)(void);

char out[256];
size_t out_len;

void set_irq(void *ctx, bool level)
{
	const gpa_t *at = ctx;
	u64 mis = 0;
	void (*hook)(void) = irq_hook;

	assert_true(at == &bases[0] || at == &bases[1]);
	/* Only changes are reported, and never under the UART lock: IRQs are
	 * unmasked again, and a guest access from here (which takes the lock)
	 * goes through and sees the level being reported. */
	assert_true(level != line);
	assert_false(arch_irqs_disabled());
	assert_int_equal(devemu_access(&map, *at + MIS, 4, false, &mis), DEVEMU_HANDLED);
	if (!hook)
		assert_int_equal(mis != 0, level);
	assert_true(irq_calls < ARRAY_SIZE(irq_log));
	irq_log[irq_calls++] = level;
	line = level;
	irq_hook = NULL;
	if (hook)
		hook();
}

static void listen(struct vserial *vs, const char *buf, size_t len, void *ctx)
{
	u64 fr = 0;

	assert_ptr_equal(ctx, out);
	assert_true(out_len + len <= sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	/* Output is sent after the UART lock is dropped: this access would
	 * spin forever otherwise. */
	assert_int_equal(acc(FR, 4, false, &fr), DEVEMU_HANDLED);
	assert_true(fr & FR_TXFE);
}

void irq_reset(void)
{
	irq_calls = 0;
	irq_hook = NULL;
}

struct vpl011_config config(const char *device, const gpa_t *at)
{
	return (struct vpl011_config){ .guest = "g0", .device = device, .base = *at,
		.size = VPL011_SIZE, .set_irq = set_irq, .irq_ctx = (void *)at };
}

int setup(void **state)
{
	struct vpl011_config cfg = config("uart0", &bases[0]);

	fake_console_reset();
	heap_get_stats(&base);
	devemu_map_init(&map);
	line = false;
	irq_reset();
	out_len = 0;
	uart = vpl011_create(&cfg, &map);
	if (!uart)
		return -1;
	port = vpl011_port(uart);
	return vserial_bind(port, listen, out, 0);
}

int teardown(void **state)
{
	vpl011_destroy(uart);
	uart = NULL;
	if (vserial_find("g0/uart0")) {
		print_error("the vserial port outlived its UART\n");
		return -1;
	}
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	return heap_leak_check(&base);
}
