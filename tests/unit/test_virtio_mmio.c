// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the VirtIO-MMIO transport (emulators/virtio/virtio_mmio.c)
 * with the rng backend, driven as a guest driver drives them: through
 * devemu accesses, with rings and buffers in fake guest RAM, the rng's
 * bytes from a deterministic test source. Registers, feature negotiation,
 * queue setup, requests end to end (partial fills, a request held while
 * the source has nothing, dropped by a reset), notification
 * suppression, malformed queues (DEVICE_NEEDS_RESET) and recovery, config
 * space and generation, the interrupt line, lifecycle.
 */
#include "virtio_fixture.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include <arch_irq.h>
#include <kestrel/heap.h>
#include "../../emulators/virtio/virtio_mmio.h"
#include "../../emulators/virtio/virtio_rng.h"

#define POOL_SIZE	(4UL * 1024 * 1024)
#define BASE		0x0a000000ULL
#define BASE2		(BASE + VIRTIO_MMIO_SIZE)
#define RING		RAM_BASE
#define TABLE		(RAM_BASE + 4 * CHUNK)
#define BUF		(RAM_BASE + 8 * CHUNK)

#define ACK		VIRTIO_STATUS_ACKNOWLEDGE
#define DRV		VIRTIO_STATUS_DRIVER
#define DRV_OK		VIRTIO_STATUS_DRIVER_OK
#define FEAT_OK		VIRTIO_STATUS_FEATURES_OK
#define NEEDS_RESET	VIRTIO_STATUS_NEEDS_RESET
#define F_V1		VIRTIO_FEATURE(VIRTIO_F_VERSION_1)
#define F_EVENT		VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX)
#define F_INDIRECT	VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC)
#define F_ALL		(F_V1 | F_EVENT | F_INDIRECT)
#define NEEDS_RESET_MSG	"g0/rng0: queue 0: "

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static struct devemu_map map;
static struct virtio_dev *dev;
static struct ring r;
static struct heap_stats heap_base;

/* ---- the interrupt line and the entropy source --------------------------- */

static bool line;
static unsigned int irq_calls;
static bool irq_log[64];

static u32 rd(u32 off);

/* Records a change of the line; checks it is one, and that the device is
 * reachable (no lock held: the read below would spin forever). */
static void set_irq(void *ctx, bool level)
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

static u8 src_next;
static unsigned int src_calls;
static size_t src_left;		/* bytes the source has now (SIZE_MAX: plenty) */

/* A recognisable, deterministic source: 0, 1, 2, ..., as many bytes as
 * asked while src_left lasts, then none (the host pool empty). */
static size_t pattern_source(void *ctx, u8 *buf, size_t len)
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

static struct virtio_mmio_config config(gpa_t base)
{
	return (struct virtio_mmio_config){ .guest = "g0", .device = "rng0", .base = base,
		.size = VIRTIO_MMIO_SIZE, .mem = fake_mem, .set_irq = set_irq, .irq_ctx = &map };
}

static int setup(void **state)
{
	struct virtio_mmio_config cfg = config(BASE);

	if (fake_ram_setup())
		return -1;
	fake_console_reset();
	heap_get_stats(&heap_base);
	devemu_map_init(&map);
	line = false;
	irq_calls = 0;
	src_next = 0;
	src_calls = 0;
	src_left = SIZE_MAX;
	dev = virtio_rng_create(&cfg, &map, pattern_source, &src_next);
	return dev ? 0 : -1;
}

static int teardown(void **state)
{
	virtio_rng_destroy(dev);
	dev = NULL;
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	fake_ram_teardown();
	return heap_leak_check(&heap_base);
}

/* ---- the driver's side --------------------------------------------------- */

static u32 rd(u32 off)
{
	return (u32)mmio_read(&map, BASE + off, 4);
}

static void wr(u32 off, u32 val)
{
	mmio_write(&map, BASE + off, 4, val);
}

static enum devemu_result acc(gpa_t addr, unsigned int width, bool write, u64 *val)
{
	return devemu_access(&map, addr, width, write, val);
}

static void write_features(u64 f)
{
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
}

/* Linux's order: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK. */
static void negotiate(u64 f)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ACK);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	write_features(f);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
}

/* Queue 0 with num entries at RING, zeroed as a driver allocates it. */
static void setup_queue(u16 num)
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

static void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | DRV_OK);
}

/* A driver up with features f and an 8-entry queue 0. */
static void bring_up(u64 f)
{
	negotiate(f);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	setup_queue(8);
	driver_ok();
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK);
}

static void notify(void)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static void ack(u32 bits)
{
	wr(VIRTIO_MMIO_INTERRUPT_ACK, bits);
}

/* Posts one writable buffer as descriptor d. */
static void post_buffer(u16 d, gpa_t addr, u32 len)
{
	desc_set(r.desc, d, addr, len, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, d);
}

static unsigned int occurrences(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void assert_pattern(gpa_t gpa, size_t len, u8 first)
{
	for (size_t i = 0; i < len; i++)
		assert_int_equal(*ram(gpa + i), (u8)(first + i));
}

/* ---- registers ----------------------------------------------------------- */

static void test_identity(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 4);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), 0x5254534b);
	assert_memory_equal(&(u32){ VIRTIO_MMIO_VENDOR }, "KSTR", 4);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_RESET), 0);
	/* No shared memory: length and base -1 for any region id. */
	for (u32 id = 0; id < 300; id += 37) {
		wr(VIRTIO_MMIO_SHM_SEL, id);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_BASE_LOW), 0xffffffff);
		assert_int_equal(rd(VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
	}
	/* Queue 1 does not exist. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(irq_calls, 0);
}

static void test_read_only_and_write_only(void **state)
{
	static const u32 write_only[] = {
		VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
		VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_MMIO_QUEUE_NUM,
		VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_QUEUE_DESC_LOW,
		VIRTIO_MMIO_QUEUE_DEVICE_HIGH, VIRTIO_MMIO_SHM_SEL, 0x028, 0x040, 0x0f8,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(write_only); i++)
		assert_int_equal(rd(write_only[i]), 0);
	/* Writes to read-only registers change nothing. */
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(VIRTIO_MMIO_DEVICE_ID, 9);
	wr(VIRTIO_MMIO_QUEUE_NUM_MAX, 1);
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 3);
	wr(VIRTIO_MMIO_CONFIG_GENERATION, 7);
	wr(VIRTIO_MMIO_SHM_LEN_LOW, 0);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 4);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	assert_int_equal(irq_calls, 0);
}

static void test_access_widths(void **state)
{
	u64 v = 0;

	/* Control registers: aligned 32-bit only. */
	assert_int_equal(acc(BASE, 1, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE, 2, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE, 8, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE + 2, 4, false, &v), DEVEMU_ABORT);
	v = 0;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_STATUS, 1, true, &v), DEVEMU_ABORT);
	v = ACK;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_STATUS, 8, true, &v), DEVEMU_ABORT);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	/* Config space: 1, 2, 4 aligned; nothing there for rng: reads 0. */
	for (unsigned int w = 1; w <= 4; w *= 2) {
		v = 0xbad;
		assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG, w, false, &v), DEVEMU_HANDLED);
		assert_int_equal(v, 0);
		v = 0xff;
		assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG + 4, w, true, &v), DEVEMU_HANDLED);
	}
	v = 0xbad;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_SIZE - 4, 4, false, &v), DEVEMU_HANDLED);
	assert_int_equal(v, 0);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG, 8, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG + 1, 2, false, &v), DEVEMU_ABORT);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_CONFIG + 2, 4, true, &v), DEVEMU_ABORT);
	/* The frame is 0x200 bytes. */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_SIZE, 4, false, &v), DEVEMU_UNHANDLED);
}

/* ---- features and status ------------------------------------------------- */

static void test_device_features(void **state)
{
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), (1U << 28) | (1U << 29));
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1);	/* VERSION_1 */
	for (u32 sel = 2; sel < 6; sel++) {
		wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
		assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	}
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void test_negotiation_accepted(void **state)
{
	negotiate(F_ALL);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	assert_int_equal(virtio_dev_features(dev), F_ALL);
	/* VERSION_1 alone is enough. */
	negotiate(F_V1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	assert_int_equal(virtio_dev_features(dev), F_V1);
	assert_console_lacks("refused");
}

static void test_negotiation_without_version_1(void **state)
{
	/* A legacy driver: FEATURES_OK does not stick, the driver fails. */
	negotiate(F_EVENT | F_INDIRECT);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	assert_int_equal(virtio_dev_features(dev), 0);
	assert_console_contains("g0/rng0: driver features 0x30000000 refused: "
				"VIRTIO_F_VERSION_1 missing");
	/* DRIVER_OK is refused without FEATURES_OK... */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | DRV_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	/* ...and the driver can still go back and try again. */
	write_features(F_V1);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
}

static void test_negotiation_not_offered(void **state)
{
	static const u64 bad[] = {
		F_V1 | 1,			/* rng has no device feature bits */
		F_V1 | (1ULL << 33),		/* VIRTIO_F_ACCESS_PLATFORM: not offered */
		F_V1 | (1ULL << 34),		/* VIRTIO_F_RING_PACKED */
		F_V1 | (1ULL << 63),
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		negotiate(bad[i]);
		assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	}
	assert_console_contains("refused: it asks for features the device does not offer");
	/* A bit in feature word 2 (bits 64-95), which nothing offers. */
	negotiate(F_V1);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	write_features(F_V1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
	/* Zero written there is harmless. */
	negotiate(F_V1);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 7);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	write_features(F_V1);
	wr(VIRTIO_MMIO_STATUS, FEAT_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), FEAT_OK);
}

static void test_features_fixed_after_features_ok(void **state)
{
	negotiate(F_V1 | F_EVENT);
	write_features(F_ALL);
	assert_int_equal(virtio_dev_features(dev), F_V1 | F_EVENT);
	/* Setting FEATURES_OK again changes nothing either. */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(virtio_dev_features(dev), F_V1 | F_EVENT);
}

static void test_status_bits_only_added(void **state)
{
	negotiate(F_V1);
	/* Writing fewer bits clears none of them. */
	wr(VIRTIO_MMIO_STATUS, ACK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	/* DEVICE_NEEDS_RESET is the device's; undefined bits are dropped. */
	wr(VIRTIO_MMIO_STATUS, ACK | NEEDS_RESET | 0x30);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | VIRTIO_STATUS_FAILED);
}

/* ---- queues and requests ------------------------------------------------- */

static void test_rng_fills_buffer(void **state)
{
	u32 id, len;

	bring_up(F_ALL);
	post_buffer(3, BUF, 64);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 64);
	assert_pattern(BUF, 64, 0);
	assert_int_equal(*ram(BUF + 64), 0);
	/* The used buffer interrupt, level high until acknowledged. */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_true(line);
	assert_int_equal(irq_calls, 1);
	ack(VIRTIO_INT_USED);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line);
	/* The next one continues the source; the driver asks to hear about
	 * it (EVENT_IDX: used_event = what it has consumed, as Linux does). */
	ring_set_used_event(&r, 1);
	post_buffer(4, BUF + 100, 8);
	notify();
	assert_pattern(BUF + 100, 8, 64);
	assert_true(line);
	/* A notify with nothing new does nothing. */
	ack(VIRTIO_INT_USED);
	notify();
	assert_int_equal(ring_used_idx(&r), 2);
	assert_false(line);
}

static void test_rng_chains_and_limit(void **state)
{
	u32 id, len;

	bring_up(F_ALL);
	/* Two writable buffers in one chain, one across a RAM piece boundary. */
	desc_set(r.desc, 0, BUF, 10, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc_set(r.desc, 1, BUF + CHUNK - 5, 20, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, 0);
	/* One via an indirect table. */
	desc_set(TABLE, 0, BUF + 2 * CHUNK, 6, VIRTQ_DESC_F_WRITE, 0);
	desc_set(r.desc, 2, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 2);
	/* One larger than a request's limit: only VIRTIO_RNG_MAX_REQUEST given. */
	post_buffer(3, BUF + 4 * CHUNK, 2 * VIRTIO_RNG_MAX_REQUEST);
	notify();
	assert_int_equal(ring_used_idx(&r), 3);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 30);
	assert_pattern(BUF, 10, 0);
	assert_pattern(BUF + CHUNK - 5, 20, 10);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 2);
	assert_int_equal(len, 6);
	assert_pattern(BUF + 2 * CHUNK, 6, 30);
	ring_used_elem(&r, 2, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, VIRTIO_RNG_MAX_REQUEST);
	assert_pattern(BUF + 4 * CHUNK, VIRTIO_RNG_MAX_REQUEST, 36);
	assert_int_equal(*ram(BUF + 4 * CHUNK + VIRTIO_RNG_MAX_REQUEST), 0);
	/* One interrupt for the batch. */
	assert_int_equal(irq_calls, 1);
}

static void test_rng_batch_then_retry(void **state)
{
	u64 v = 0;

	negotiate(F_ALL);
	setup_queue(32);
	driver_ok();
	for (u16 i = 0; i < 20; i++)
		post_buffer(i, BUF + 16 * i, 16);
	/* A bounded batch, then the store is to be run again... */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), VIRTIO_RNG_BATCH);
	assert_true(line);
	/* ...which finishes the work. */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 20);
	assert_pattern(BUF, 16 * 20, 0);
}

static void test_event_idx_suppression(void **state)
{
	bring_up(F_ALL);
	/* Each request taken moves avail_event on: the driver notifies again. */
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(ring_avail_event(&r), 1);
	assert_true(line);
	ack(VIRTIO_INT_USED);
	/* The driver wants an interrupt only when used idx passes 5. */
	ring_set_used_event(&r, 5);
	for (u16 i = 1; i < 4; i++) {
		post_buffer(i, BUF + 8 * i, 4);
		notify();
		assert_int_equal(ring_used_idx(&r), i + 1);
		assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	}
	assert_int_equal(irq_calls, 2);
	post_buffer(4, BUF + 64, 4);
	post_buffer(5, BUF + 72, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 6);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_true(line);
}

static void test_no_interrupt_flag(void **state)
{
	bring_up(F_V1);	/* no EVENT_IDX: the avail flags decide */
	ring_set_avail_flags(&r, VIRTQ_AVAIL_F_NO_INTERRUPT);
	ring_set_used_event(&r, 0);	/* meaningless here */
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	assert_int_equal(ring_avail_event(&r), 0);	/* not written without EVENT_IDX */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq_calls, 0);
	ring_set_avail_flags(&r, 0);
	post_buffer(1, BUF, 4);
	notify();
	assert_true(line);
}

static void test_notify_ignored_until_live(void **state)
{
	negotiate(F_ALL);
	setup_queue(8);
	post_buffer(0, BUF, 4);
	/* Not DRIVER_OK yet: the device must not touch the queue. */
	notify();
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(src_calls, 0);
	/* Queues that do not exist, or are not ready. */
	driver_ok();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	assert_int_equal(src_calls, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	notify();
	assert_int_equal(src_calls, 0);
	/* FAILED: the driver gave up; the device stops too. */
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
	notify();
	assert_int_equal(src_calls, 0);
	assert_int_equal(irq_calls, 0);
}

static void test_queue_registers_locked_while_ready(void **state)
{
	bring_up(F_ALL);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	/* Ignored while ready: the queue keeps working where it was, even
	 * when the driver disables and enables it again. */
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0xdead0000);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, 0xdead0000);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0xdead0000);
	wr(VIRTIO_MMIO_QUEUE_NUM, 2);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

/* ---- malformed queues ---------------------------------------------------- */

/* A guest mistake in queue 0, made before the notify, and what it is. */
struct bad_case {
	const char *name;
	u64 features;
	void (*make)(void);
	enum vq_error error;
};

static void bad_loop(void)
{
	desc_set(r.desc, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc_set(r.desc, 1, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	ring_post(&r, 0);
}

static void bad_index_jump(void)
{
	ring_set_avail_idx(&r, 9);
}

static void bad_head(void)
{
	ring_post(&r, 8);
}

static void bad_next(void)
{
	desc_set(r.desc, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 200);
	ring_post(&r, 0);
}

static void bad_buffer_outside_ram(void)
{
	post_buffer(0, RAM_END - 2, 4);
}

static void bad_indirect_len(void)
{
	desc_set(r.desc, 0, TABLE, 24, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 0);
}

static void bad_indirect_nested(void)
{
	desc_set(TABLE, 0, TABLE + 64, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_set(r.desc, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 0);
}

static void bad_write_then_read(void)
{
	desc_set(r.desc, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc_set(r.desc, 1, BUF + 8, 4, 0, 0);
	ring_post(&r, 0);
}

static void bad_indirect_not_negotiated(void)
{
	desc_set(TABLE, 0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	desc_set(r.desc, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring_post(&r, 0);
}

static const struct bad_case bad_cases[] = {
	{ "loop", F_ALL, bad_loop, VQ_ERR_LOOP },
	{ "index jump", F_ALL, bad_index_jump, VQ_ERR_AVAIL_IDX },
	{ "head", F_ALL, bad_head, VQ_ERR_HEAD },
	{ "next", F_ALL, bad_next, VQ_ERR_NEXT },
	{ "buffer outside RAM", F_ALL, bad_buffer_outside_ram, VQ_ERR_BUF_RANGE },
	{ "indirect length", F_ALL, bad_indirect_len, VQ_ERR_INDIRECT_LEN },
	{ "nested indirect", F_ALL, bad_indirect_nested, VQ_ERR_INDIRECT_NESTED },
	{ "writable then readable", F_ALL, bad_write_then_read, VQ_ERR_WRITE_ORDER },
	{ "indirect not negotiated", F_V1 | F_EVENT, bad_indirect_not_negotiated,
	  VQ_ERR_INDIRECT_FEATURE },
};

/* The device breaks on the bad input, stays broken, and a reset brings it back. */
static void check_bad_case(const struct bad_case *c)
{
	struct virtio_mmio_config cfg = config(BASE);
	char msg[160];
	u32 id, len;

	print_message("case: %s\n", c->name);
	snprintf(msg, sizeof(msg), NEEDS_RESET_MSG "%s; device needs a reset",
		 vq_strerror(c->error));
	/* A fresh device each time: warnings have a budget per device. */
	virtio_rng_destroy(dev);
	dev = virtio_rng_create(&cfg, &map, pattern_source, &src_next);
	assert_non_null(dev);
	bring_up(c->features);
	fake_console_reset();
	irq_calls = 0;
	c->make();
	notify();
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK | DRV_OK | NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(line);
	assert_int_equal(irq_calls, 1);
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 1);
	assert_console_contains(msg);
	assert_int_equal(ring_used_idx(&r), 0);
	/* Nothing more is processed, nor logged, until a reset. */
	post_buffer(5, BUF, 4);
	notify();
	notify();
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(src_calls, 0);
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 1);
	ack(VIRTIO_INT_CONFIG);
	assert_false(line);
	/* The driver resets it and starts over: it works. */
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	bring_up(F_ALL);
	post_buffer(1, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, 4);
	assert_pattern(BUF, 4, src_next - 4);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
	ack(VIRTIO_INT_USED);
	src_calls = 0;
}

static void test_malformed_queues(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_cases); i++)
		check_bad_case(&bad_cases[i]);
}

/* A queue refused at QueueReady: NEEDS_RESET at once, the interrupt when
 * the driver sets DRIVER_OK. */
static void check_ready_fault(const char *why)
{
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	/* Enabling it again is no new fault: one line per reset. */
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line);
	assert_console_contains(why);
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 1);
	driver_ok();
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(line);
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(src_calls, 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_false(line);
	fake_console_reset();
}

static void test_queue_setup_faults(void **state)
{
	/* Enabled before the features were settled. */
	wr(VIRTIO_MMIO_STATUS, ACK | DRV);
	write_features(F_ALL);
	setup_queue(8);
	wr(VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	check_ready_fault(NEEDS_RESET_MSG "enabled before FEATURES_OK");
	/* Sizes. */
	negotiate(F_ALL);
	setup_queue(6);
	check_ready_fault(NEEDS_RESET_MSG "queue size is 0, too large or not a power of 2");
	negotiate(F_ALL);
	setup_queue(128);
	check_ready_fault(NEEDS_RESET_MSG "size 128 is above QueueNumMax 64");
	/* Rings outside RAM or misaligned. */
	negotiate(F_ALL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)(RAM_END - 16));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)RING);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)RING + 0x100);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_ready_fault(NEEDS_RESET_MSG "a ring is outside guest RAM");
	negotiate(F_ALL);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)RING + 8);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)RING + 0x100);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)RING + 0x200);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_ready_fault(NEEDS_RESET_MSG "a ring is misaligned");
	/* Never set up: addresses 0, below RAM. */
	negotiate(F_ALL);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_ready_fault(NEEDS_RESET_MSG "a ring is outside guest RAM");
}

static void test_fault_log_budget(void **state)
{
	/* A guest breaking its device in a loop gets 8 lines, then debug only. */
	for (int i = 0; i < 12; i++) {
		bring_up(F_ALL);
		ring_post(&r, 100);
		notify();
		assert_true(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET);
	}
	assert_int_equal(occurrences(fake_console_output(), "device needs a reset"), 8);
}

/* ---- interrupt, config, reset -------------------------------------------- */

static void test_interrupt_pulse_on_new_event(void **state)
{
	bring_up(F_ALL);
	post_buffer(0, BUF, 4);
	notify();
	assert_int_equal(irq_calls, 1);
	/* A second kind of event while the line is high: a new edge. */
	virtio_dev_config_changed(dev);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED | VIRTIO_INT_CONFIG);
	assert_int_equal(irq_calls, 3);
	assert_true(irq_log[0] && !irq_log[1] && irq_log[2]);
	/* The same kind again: already pending, nothing to show. */
	virtio_dev_config_changed(dev);
	assert_int_equal(irq_calls, 3);
	/* Partial ACK keeps it high; the last bit drops it. */
	ack(VIRTIO_INT_USED);
	assert_true(line);
	assert_int_equal(irq_calls, 3);
	ack(VIRTIO_INT_CONFIG | 0xfc);
	assert_false(line);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* Another used buffer after the ACK: the line rises again. */
	ring_set_used_event(&r, 1);
	post_buffer(1, BUF, 4);
	notify();
	assert_true(line);
	ack(VIRTIO_INT_USED);
	assert_false(line);
	assert_int_equal(irq_calls, 6);
	assert_true(!irq_log[3] && irq_log[4] && !irq_log[5]);
}

static void test_config_generation(void **state)
{
	/* Before DRIVER_OK the generation moves, without an interrupt. */
	virtio_dev_config_changed(dev);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	bring_up(F_ALL);	/* includes a reset: the generation survives it */
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	virtio_dev_config_changed(dev);
	virtio_dev_config_changed(dev);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 3);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(line);
}

static void test_reset_clears_everything(void **state)
{
	bring_up(F_ALL);
	post_buffer(0, BUF, 4);
	notify();
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 5);
	assert_true(line);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_false(line);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(virtio_dev_features(dev), 0);
	/* Selectors back to 0. */
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), (1U << 28) | (1U << 29));
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	/* The guest-reset path does the same. */
	bring_up(F_ALL);
	post_buffer(1, BUF, 4);
	notify();
	assert_true(line);
	virtio_dev_reset(dev);
	assert_false(line);
	assert_int_equal(virtio_dev_status(dev), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	/* And the queue starts from index 0 again. */
	bring_up(F_ALL);
	post_buffer(2, BUF, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
}

/* ---- a backend with config space and two queues -------------------------- */

static u8 cfg_bytes[8];
static unsigned int tb_resets, tb_notifies[2];

static u32 tb_config_read(struct virtio_dev *d, u32 off, unsigned int width)
{
	u32 v = 0;

	assert_true(off + width <= sizeof(cfg_bytes) && width <= 4 && off % width == 0);
	memcpy(&v, cfg_bytes + off, width);
	return v;
}

static void tb_config_write(struct virtio_dev *d, u32 off, unsigned int width, u32 val)
{
	assert_true(off + width <= sizeof(cfg_bytes) && width <= 4 && off % width == 0);
	memcpy(cfg_bytes + off, &val, width);
}

static bool tb_notify(struct virtio_dev *d, unsigned int q)
{
	assert_true(q < 2);
	tb_notifies[q]++;
	return false;
}

static void tb_reset(struct virtio_dev *d)
{
	tb_resets++;
}

static const struct virtio_backend_ops test_ops = {
	.name = "test",
	.device_id = 42,
	.features = (1ULL << 3) | (1ULL << 50),
	.num_queues = 2,
	.queue_max = 16,
	.config_size = sizeof(cfg_bytes),
	.config_read = tb_config_read,
	.config_write = tb_config_write,
	.queue_notify = tb_notify,
	.reset = tb_reset,
};

static void test_backend_config_and_queues(void **state)
{
	struct virtio_mmio_config cfg = config(BASE2);
	struct virtio_dev *d = virtio_dev_create(&cfg, &test_ops, NULL, &map);
	u64 v;

	assert_non_null(d);
	memcpy(cfg_bytes, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_DEVICE_ID, 4), 42);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 0);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES, 4),
			 (1U << 3) | (1U << 28) | (1U << 29));
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 1);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_DEVICE_FEATURES, 4), 1 | (1U << 18));
	/* Config space at 0x100, at its natural widths. */
	assert_int_equal(mmio_read(&map, BASE2 + 0x100, 4), 0x04030201);
	assert_int_equal(mmio_read(&map, BASE2 + 0x106, 2), 0x0807);
	assert_int_equal(mmio_read(&map, BASE2 + 0x105, 1), 0x06);
	assert_int_equal(mmio_read(&map, BASE2 + 0x108, 4), 0);	/* beyond its 8 bytes */
	mmio_write(&map, BASE2 + 0x102, 2, 0xbbaa);
	mmio_write(&map, BASE2 + 0x107, 1, 0xcc);
	mmio_write(&map, BASE2 + 0x108, 4, 0xffffffff);
	assert_memory_equal(cfg_bytes, "\x01\x02\xaa\xbb\x05\x06\x07\xcc", 8);
	v = 0;
	assert_int_equal(acc(BASE2 + 0x104, 8, false, &v), DEVEMU_ABORT);
	/* Two queues of 16. */
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_SEL, 4, 1);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 16);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_SEL, 4, 2);
	assert_int_equal(mmio_read(&map, BASE2 + VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 0);
	/* Notifications reach the backend only when the queue is ready. */
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, ACK | DRV);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_DRIVER_FEATURES, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, ACK | DRV | FEAT_OK);
	ring_layout(&r, 16, RING);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_SEL, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_DESC_LOW, 4, (u32)r.desc);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_DRIVER_LOW, 4, (u32)r.avail);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_DEVICE_LOW, 4, (u32)r.used);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_READY, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, ACK | DRV | FEAT_OK | DRV_OK);
	assert_int_equal(virtio_dev_status(d), ACK | DRV | FEAT_OK | DRV_OK);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 1);
	mmio_write(&map, BASE2 + VIRTIO_MMIO_QUEUE_NOTIFY, 4, 1);
	assert_int_equal(tb_notifies[0], 0);
	assert_int_equal(tb_notifies[1], 2);
	/* Reset reaches the backend. */
	tb_resets = 0;
	mmio_write(&map, BASE2 + VIRTIO_MMIO_STATUS, 4, 0);
	assert_int_equal(tb_resets, 1);
	virtio_dev_reset(d);
	assert_int_equal(tb_resets, 2);
	/* The rng next to it saw none of this. */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(irq_calls, 0);
	virtio_dev_destroy(d);
}

/* ---- lifecycle ----------------------------------------------------------- */

static void test_create_rejects(void **state)
{
	struct virtio_mmio_config cfg = config(BASE2);
	struct virtio_backend_ops ops = test_ops;
	static const struct { u32 queues, max, config; u64 features; } bad[] = {
		{ 0, 16, 8, 0 }, { 9, 16, 8, 0 }, { 1, 0, 8, 0 }, { 1, 3, 8, 0 },
		{ 1, 65536, 8, 0 }, { 1, 16, 257, 0 }, { 1, 16, 8, 1ULL << 28 },
		{ 1, 16, 8, 1ULL << 32 }, { 1, 16, 8, 1ULL << 49 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ops.num_queues = bad[i].queues;
		ops.queue_max = bad[i].max;
		ops.config_size = bad[i].config;
		ops.features = bad[i].features;
		fake_console_reset();
		assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
		assert_console_contains("g0/rng0: backend test is invalid");
	}
	ops = test_ops;
	cfg.base = BASE2 + 0x100;	/* not 0x200 aligned */
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	cfg.base = BASE2;
	cfg.size = 0x1000;
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	cfg = config(BASE);		/* where the rng is */
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	assert_null(virtio_rng_create(&cfg, &map, pattern_source, &src_next));
	cfg = config(BASE2);
	cfg.mem.map = NULL;
	assert_null(virtio_dev_create(&cfg, &ops, NULL, &map));
	assert_int_equal(map.count, 1);
	/* Failures leak nothing: teardown's heap check. */
}

/* ---- the source: partial fills, none now, held requests ------------------ */

static void test_rng_partial_fill(void **state)
{
	u32 id, len;

	bring_up(F_ALL);
	/* 10 bytes for a 64-byte buffer: the request comes back with 10. */
	src_left = 10;
	post_buffer(0, BUF, 64);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 10);
	assert_pattern(BUF, 10, 0);
	assert_int_equal(*ram(BUF + 10), 0);
	/* Across a chain: the first buffer full, the second in part, and the
	 * source is not asked again once it gave less than asked. */
	ack(VIRTIO_INT_USED);
	ring_set_used_event(&r, 1);
	src_left = 15;
	src_calls = 0;
	desc_set(r.desc, 1, BUF + 100, 10, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	desc_set(r.desc, 2, BUF + 200, 20, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	desc_set(r.desc, 3, BUF + 300, 20, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&r, 1);
	notify();
	assert_int_equal(ring_used_idx(&r), 2);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, 15);
	assert_pattern(BUF + 100, 10, 10);
	assert_pattern(BUF + 200, 5, 20);
	assert_int_equal(*ram(BUF + 205), 0);
	assert_int_equal(*ram(BUF + 300), 0);
	assert_int_equal(src_calls, 2);
	assert_true(line);
}

static void test_rng_held_until_the_source_has_bytes(void **state)
{
	u64 v = 0;
	u32 id, len;

	bring_up(F_ALL);
	/* Nothing now: the request is held, not returned, and the notify is
	 * to be retried. No used buffer, no interrupt, no log line. */
	src_left = 0;
	post_buffer(3, BUF, 32);
	fake_console_reset();
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(src_calls, 1);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(ring_avail_event(&r), 1);	/* it was taken */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line);
	assert_int_equal(*ram(BUF), 0);
	/* Retried, still nothing: the same request is asked for again. */
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(src_calls, 2);
	assert_int_equal(ring_used_idx(&r), 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
	assert_string_equal(fake_console_output(), "");
	/* The driver posts another meanwhile; 8 bytes come. The held
	 * request is completed first, with the 8; the next one is taken and
	 * held in its turn. */
	post_buffer(5, BUF + 64, 16);
	src_left = 8;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 8);
	assert_pattern(BUF, 8, 0);
	assert_int_equal(*ram(BUF + 8), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_true(line);
	/* Plenty: the retried store completes it, and the work is done. */
	src_left = SIZE_MAX;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 2);
	ring_used_elem(&r, 1, &id, &len);
	assert_int_equal(id, 5);
	assert_int_equal(len, 16);
	assert_pattern(BUF + 64, 16, 8);
	/* Nothing is left held: a notify with nothing new asks for nothing. */
	src_calls = 0;
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(src_calls, 0);
	assert_int_equal(ring_used_idx(&r), 2);
}

static void test_rng_request_without_room_needs_no_bytes(void **state)
{
	u64 v = 0;
	u32 id, len;

	bring_up(F_ALL);
	/* Only a device-readable buffer: nothing to fill, returned at once
	 * with 0 bytes even though the source is dry. */
	src_left = 0;
	desc_set(r.desc, 0, BUF, 16, 0, 0);
	ring_post(&r, 0);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_HANDLED);
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_int_equal(src_calls, 0);
}

/* Holds a request of descriptor 3 with the source dry. */
static void hold_one(void)
{
	u64 v = 0;

	bring_up(F_ALL);
	src_left = 0;
	post_buffer(3, BUF, 32);
	assert_int_equal(acc(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &v), DEVEMU_RETRY);
	assert_int_equal(ring_used_idx(&r), 0);
}

/* After the held request was dropped: a new request of descriptor 6 is
 * the one completed, and nothing is written for the old one. */
static void check_fresh_request(void)
{
	u8 first = src_next;
	u32 id, len;

	src_left = SIZE_MAX;
	post_buffer(6, BUF + 64, 4);
	notify();
	assert_int_equal(ring_used_idx(&r), 1);
	ring_used_elem(&r, 0, &id, &len);
	assert_int_equal(id, 6);
	assert_int_equal(len, 4);
	assert_pattern(BUF + 64, 4, first);
	assert_int_equal(*ram(BUF), 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

static void test_rng_reset_drops_the_held_request(void **state)
{
	/* The driver resets the device (Status 0). */
	hold_one();
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	bring_up(F_ALL);
	check_fresh_request();
	/* A guest reset. */
	hold_one();
	virtio_dev_reset(dev);
	bring_up(F_ALL);
	check_fresh_request();
	/* The driver sets the queue up again without a reset: the request
	 * belonged to the queue before. */
	hold_one();
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	ram_fill(RING, 0, 2 * CHUNK);
	r.avail_idx = 0;
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	check_fresh_request();
}

static void test_rng_needs_a_source(void **state)
{
	struct virtio_mmio_config cfg = config(BASE2);

	fake_console_reset();
	assert_null(virtio_rng_create(&cfg, &map, NULL, NULL));
	assert_console_contains("g0/rng0: no entropy source for the device");
	assert_int_equal(map.count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_and_write_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negotiation_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negotiation_without_version_1, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_negotiation_not_offered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_fixed_after_features_ok, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_status_bits_only_added, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_fills_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_chains_and_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_batch_then_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_idx_suppression, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_interrupt_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_ignored_until_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_registers_locked_while_ready, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_malformed_queues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_setup_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_log_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_pulse_on_new_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_clears_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_config_and_queues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_partial_fill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_held_until_the_source_has_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rng_request_without_room_needs_no_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rng_reset_drops_the_held_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rng_needs_a_source, setup, teardown),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, group_setup, group_teardown);
}
