// SPDX-License-Identifier: GPL-2.0
/* The VirtIO-MMIO transport test fixture (see virtio_mmio_fixture.h). */
#include "virtio_mmio_fixture.h"
#include <arch_irq.h>

struct virtio_dev *dev;
struct ring r;

/* ---- the interrupt line and the entropy source --------------------------- */

bool line;
unsigned int irq_calls;
bool irq_log[64];

/* Records a change of the line; checks it is one, and that the device is
 * reachable (no lock held: the read below would spin forever). */
void set_irq(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &map);
	assert_true(level != line);
	assert_false(arch_irqs_disabled());
	if (level)
		assert_int_not_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_true(irq_calls < ARRAY_SIZE(irq_log));
	irq_log[irq_calls++] = level;
	line = level;
}

u8 src_next;
unsigned int src_calls;
size_t src_left;		/* bytes the source has now (SIZE_MAX: plenty) */

/* A recognisable, deterministic source: 0, 1, 2, ..., as many bytes as
 * asked while src_left lasts, then none (the host pool empty). */
size_t pattern_source(void *ctx, u8 *buf, size_t len)
{
	size_t n = MIN(len, src_left);

	assert_ptr_equal(ctx, &src_next);
	assert_true(len > 0);
	assert_true(fake_ram_holds(buf, len));
	for (size_t i = 0; i < n; i++)
		buf[i] = src_next++;
	if (src_left != SIZE_MAX)
		src_left -= n;
	src_calls++;
	return n;
}

struct virtio_mmio_config config(gpa_t base)
{
	return (struct virtio_mmio_config){ .guest = "g0", .device = "rng0", .base = base,
		.size = VIRTIO_MMIO_SIZE, .mem = fake_mem, .set_irq = set_irq, .irq_ctx = &map };
}

int setup(void **state)
{
	struct virtio_mmio_config cfg = config(BASE);

	if (vdev_setup())
		return -1;
	line = false;
	irq_calls = 0;
	src_next = 0;
	src_calls = 0;
	src_left = SIZE_MAX;
	dev = virtio_rng_create(&cfg, &map, pattern_source, &src_next);
	return dev ? 0 : -1;
}

int teardown(void **state)
{
	virtio_rng_destroy(dev);
	dev = NULL;
	return vdev_teardown();
}

/* ---- the driver's side --------------------------------------------------- */

enum devemu_result acc(gpa_t addr, unsigned int width, bool write, u64 *val)
{
	return devemu_access(&map, addr, width, write, val);
}

void write_features(u64 f)
{
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
}

void negotiate(u64 f)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ACK);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	write_features(f);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
}

void setup_queue(u16 num)
{
	ram_fill(RING, 0, 2 * CHUNK);
	ring_layout(&r, num, RING);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)r.desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(r.desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)r.avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(r.avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)r.used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(r.used >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | DRV_OK);
}

void bring_up(u64 f)
{
	negotiate(f);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	setup_queue(8);
	driver_ok();
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK);
}

void notify(void)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

void ack(u32 bits)
{
	wr(VIRTIO_MMIO_INTERRUPT_ACK, bits);
}

void post_buffer(u16 d, gpa_t addr, u32 len)
{
	desc_set(r.desc, d, addr, len, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, d);
}

unsigned int occurrences(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

void assert_pattern(gpa_t gpa, size_t len, u8 first)
{
	for (size_t i = 0; i < len; i++)
		assert_int_equal(*ram(gpa + i), (u8)(first + i));
}
