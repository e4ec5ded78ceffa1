// SPDX-License-Identifier: GPL-2.0
/* Host tests of core/vserial.c: naming, output ring and replay, listeners,
 * input routing, and that destroying ports returns their memory. */
#include "unit.h"
#include "ram_zone.h"
#include "kerrno.h"
#include <kestrel/vserial.h>
#include <kestrel/heap.h>

static char heard[4 * VSERIAL_RING_SIZE];
static size_t heard_len;
static char rx_fifo[16];
static size_t rx_len;

static void listen(struct vserial *vs, const char *buf, size_t len, void *ctx)
{
	assert_ptr_equal(ctx, &heard);
	assert_true(heard_len + len <= sizeof(heard));
	memcpy(heard + heard_len, buf, len);
	heard_len += len;
}

/* A guest UART whose receive FIFO holds 16 bytes. */
static size_t fifo_rx(struct vserial *vs, const char *buf, size_t len)
{
	size_t n = MIN(len, sizeof(rx_fifo) - rx_len);

	memcpy(rx_fifo + rx_len, buf, n);
	rx_len += n;
	return n;
}

static const struct vserial_ops fifo_ops = { .rx = fifo_rx };

RAM_ZONE_GROUP_FIXTURES(4 << 20)

static int setup(void **state)
{
	heard_len = 0;
	rx_len = 0;
	return 0;
}

static void write_str(struct vserial *vs, const char *s)
{
	vserial_write(vs, s, strlen(s));
}

static void test_names_are_unique_and_found(void **state)
{
	struct vserial *a = vserial_create("basic0", "uart0", &fifo_ops, NULL);
	struct vserial *b = vserial_create("basic1", "uart0", &fifo_ops, NULL);
	char longname[80];

	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->name, "basic0/uart0");
	assert_ptr_equal(vserial_find("basic1/uart0"), b);
	assert_null(vserial_find("basic2/uart0"));
	assert_null(vserial_create("basic0", "uart0", &fifo_ops, NULL));	/* taken */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_null(vserial_create("basic0", longname, &fifo_ops, NULL));	/* too long */
	vserial_destroy(a);
	assert_null(vserial_find("basic0/uart0"));
	vserial_destroy(b);
}

static void test_bind_replays_then_streams(void **state)
{
	struct vserial *vs = vserial_create("g", "uart0", &fifo_ops, NULL);

	write_str(vs, "boot line 1\n");
	write_str(vs, "boot line 2\n");
	assert_int_equal(vserial_bind(vs, listen, &heard, 12), 0);
	assert_int_equal(heard_len, 12);
	assert_memory_equal(heard, "boot line 2\n", 12);	/* only the newest 12 */
	write_str(vs, "live");
	assert_int_equal(heard_len, 16);
	assert_memory_equal(heard + 12, "live", 4);
	assert_int_equal(vserial_bind(vs, listen, &heard, 0), -EBUSY);
	vserial_unbind(vs);
	write_str(vs, "unheard");
	assert_int_equal(heard_len, 16);
	vserial_destroy(vs);
}

static void test_ring_keeps_the_newest_output(void **state)
{
	struct vserial *vs = vserial_create("g", "uart0", &fifo_ops, NULL);
	static char big[VSERIAL_RING_SIZE + 1000], recent[VSERIAL_RING_SIZE + 1];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	vserial_write(vs, big, sizeof(big));
	assert_int_equal(vserial_read_recent(vs, recent, sizeof(recent)), VSERIAL_RING_SIZE);
	assert_memory_equal(recent, big + 1000, VSERIAL_RING_SIZE);
	assert_int_equal(vserial_read_recent(vs, recent, 5), 5);
	assert_memory_equal(recent, big + sizeof(big) - 5, 5);
	/* A bind asking for more than is kept replays all that is kept, in order. */
	assert_int_equal(vserial_bind(vs, listen, &heard, 1 << 20), 0);
	assert_int_equal(heard_len, VSERIAL_RING_SIZE);
	assert_memory_equal(heard, big + 1000, VSERIAL_RING_SIZE);
	vserial_destroy(vs);
}

static void test_input_goes_to_the_uart(void **state)
{
	struct vserial *vs = vserial_create("g", "uart0", &fifo_ops, NULL);
	struct vserial *mute = vserial_create("g", "uart1", NULL, NULL);

	assert_int_equal(vserial_input(vs, "hello", 5), 5);
	assert_memory_equal(rx_fifo, "hello", 5);
	assert_int_equal(vserial_input(vs, "0123456789abcdef", 16), 11);	/* FIFO full */
	assert_int_equal(vs->rx_bytes, 16);
	assert_int_equal(vs->rx_dropped, 5);
	assert_int_equal(vserial_input(mute, "x", 1), 0);	/* no rx: dropped */
	assert_int_equal(mute->rx_dropped, 1);
	vserial_destroy(vs);
	vserial_destroy(mute);
}

static void count_port(struct vserial *vs, void *ctx)
{
	(*(int *)ctx)++;
}

static void test_for_each_and_no_leak(void **state)
{
	struct heap_stats before, after;
	struct vserial *p[3];
	int n = 0;

	heap_get_stats(&before);
	p[0] = vserial_create("a", "uart0", &fifo_ops, NULL);
	p[1] = vserial_create("b", "uart0", &fifo_ops, NULL);
	p[2] = vserial_create("c", "uart0", &fifo_ops, NULL);
	vserial_for_each(count_port, &n);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++)
		vserial_destroy(p[i]);
	n = 0;
	vserial_for_each(count_port, &n);
	assert_int_equal(n, 0);
	heap_get_stats(&after);
	assert_int_equal(after.live_objects, before.live_objects);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)
static const struct CMUnitTest tests[] = {
	T(test_names_are_unique_and_found),
	T(test_bind_replays_then_streams),
	T(test_ring_keeps_the_newest_output),
	T(test_input_goes_to_the_uart),
	T(test_for_each_and_no_leak),
};

UNIT_MAIN(tests, group_setup, group_teardown)
