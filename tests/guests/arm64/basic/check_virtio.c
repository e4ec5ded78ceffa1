// SPDX-License-Identifier: GPL-2.0
/*
 * The shell's `virtio`: a malformed virtqueue puts the virtio-mmio rng
 * device in DEVICE_NEEDS_RESET, and a reset brings it back.
 *
 * A modern driver (VirtIO 1.2, 4.2.3) for the first "virtio,mmio" node
 * whose DeviceID is 4, with queue 0 of QSIZE entries in a static buffer of
 * this image (identity mapped, so its addresses are guest-physical; RAM is
 * normal cacheable memory, coherent with the device: barriers order the
 * ring writes against the MMIO notify). One good request, then three
 * malformed ones, each followed by a reset and a good request again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "checks.h"
#include "platform.h"
#include "sysreg.h"
#include "timer.h"

/* virtio-mmio registers (4.2.2). */
#define VIRTIO_MAGIC_VALUE	0x000
#define VIRTIO_VERSION		0x004
#define VIRTIO_DEVICE_ID	0x008
#define VIRTIO_VENDOR_ID	0x00c
#define VIRTIO_DEV_FEATURES	0x010
#define VIRTIO_DEV_FEATURES_SEL	0x014
#define VIRTIO_DRV_FEATURES	0x020
#define VIRTIO_DRV_FEATURES_SEL	0x024
#define VIRTIO_QUEUE_SEL	0x030
#define VIRTIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_QUEUE_NUM	0x038
#define VIRTIO_QUEUE_READY	0x044
#define VIRTIO_QUEUE_NOTIFY	0x050
#define VIRTIO_INT_STATUS	0x060
#define VIRTIO_INT_ACK		0x064
#define VIRTIO_STATUS		0x070
#define VIRTIO_QUEUE_DESC_LO	0x080
#define VIRTIO_QUEUE_DESC_HI	0x084
#define VIRTIO_QUEUE_DRIVER_LO	0x090
#define VIRTIO_QUEUE_DRIVER_HI	0x094
#define VIRTIO_QUEUE_DEVICE_LO	0x0a0
#define VIRTIO_QUEUE_DEVICE_HI	0x0a4

#define MAGIC			0x74726976	/* "virt" */
#define DEVICE_ID_RNG		4

#define ST_ACKNOWLEDGE		0x01
#define ST_DRIVER		0x02
#define ST_DRIVER_OK		0x04
#define ST_FEATURES_OK		0x08
#define ST_NEEDS_RESET		0x40

#define INT_USED		0x1
#define INT_CONFIG		0x2

#define DESC_F_NEXT		1
#define DESC_F_WRITE		2

#define QSIZE			8
#define BUF_SIZE		16
#define TIMEOUT_MS		1000

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vring_avail {
	uint16_t flags, idx;
	uint16_t ring[QSIZE];
	uint16_t used_event;
};

struct vring_used {
	uint16_t flags, idx;
	struct { uint32_t id, len; } ring[QSIZE];
	uint16_t avail_event;
};

/* Queue 0's memory: descriptor table (16-byte aligned), driver area
 * (2), device area (4), and the request buffer. */
static struct {
	struct vring_desc desc[QSIZE];
	struct vring_avail avail __attribute__((aligned(16)));
	struct vring_used used __attribute__((aligned(16)));
	uint8_t buf[BUF_SIZE] __attribute__((aligned(16)));
} ring __attribute__((aligned(4096)));

static uint64_t base;			/* the device's register frame */
static uint16_t avail_idx;		/* the driver's next avail idx */
static uint16_t used_seen;		/* used entries consumed */
static char why[160];			/* what went wrong, for the failure line */

static uint32_t rd(uint32_t off)
{
	return mmio_read32(base + off);
}

/* A register write, after every ring write before it has completed. */
static void wr(uint32_t off, uint32_t v)
{
	dsb(sy);
	mmio_write32(base + off, v);
	dsb(sy);
}

static uint16_t used_idx(void)
{
	dsb(sy);
	return *(volatile uint16_t *)&ring.used.idx;
}

/* Polls register off until (value & mask) == want; false after TIMEOUT_MS.
 * The device may act later than the notify (natively, QEMU does). */
static bool wait_reg(uint32_t off, uint32_t mask, uint32_t want)
{
	uint64_t deadline = now_ticks() + ms_to_ticks(TIMEOUT_MS);

	while ((rd(off) & mask) != want)
		if (now_ticks() > deadline)
			return false;
	return true;
}

static bool fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

/* Reset, then the modern init sequence (3.1.1) with VERSION_1 only and
 * queue 0 over `ring`, up to DRIVER_OK. */
static bool setup(void)
{
	wr(VIRTIO_STATUS, 0);
	if (!wait_reg(VIRTIO_STATUS, ~0U, 0))
		return fail("Status 0x%x after the reset, not 0", rd(VIRTIO_STATUS));
	wr(VIRTIO_STATUS, ST_ACKNOWLEDGE);
	wr(VIRTIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
	wr(VIRTIO_DEV_FEATURES_SEL, 1);
	if (!(rd(VIRTIO_DEV_FEATURES) & 1))
		return fail("the device does not offer VIRTIO_F_VERSION_1 (features[1] 0x%x)",
			    rd(VIRTIO_DEV_FEATURES));
	wr(VIRTIO_DRV_FEATURES_SEL, 0);
	wr(VIRTIO_DRV_FEATURES, 0);
	wr(VIRTIO_DRV_FEATURES_SEL, 1);
	wr(VIRTIO_DRV_FEATURES, 1);		/* VIRTIO_F_VERSION_1 (bit 32) */
	wr(VIRTIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
	if (!(rd(VIRTIO_STATUS) & ST_FEATURES_OK))
		return fail("FEATURES_OK refused (Status 0x%x)", rd(VIRTIO_STATUS));
	wr(VIRTIO_QUEUE_SEL, 0);
	if (rd(VIRTIO_QUEUE_READY))
		return fail("queue 0 ready after a reset");
	if (rd(VIRTIO_QUEUE_NUM_MAX) < QSIZE)
		return fail("queue 0 has QueueNumMax %u, below %d", rd(VIRTIO_QUEUE_NUM_MAX), QSIZE);
	memset(&ring, 0, sizeof(ring));
	avail_idx = 0;
	used_seen = 0;
	wr(VIRTIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_QUEUE_DESC_LO, (uint32_t)(uint64_t)ring.desc);
	wr(VIRTIO_QUEUE_DESC_HI, (uint32_t)((uint64_t)ring.desc >> 32));
	wr(VIRTIO_QUEUE_DRIVER_LO, (uint32_t)(uint64_t)&ring.avail);
	wr(VIRTIO_QUEUE_DRIVER_HI, (uint32_t)((uint64_t)&ring.avail >> 32));
	wr(VIRTIO_QUEUE_DEVICE_LO, (uint32_t)(uint64_t)&ring.used);
	wr(VIRTIO_QUEUE_DEVICE_HI, (uint32_t)((uint64_t)&ring.used >> 32));
	wr(VIRTIO_QUEUE_READY, 1);
	wr(VIRTIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	uint32_t st = rd(VIRTIO_STATUS);

	if (!(st & ST_DRIVER_OK) || (st & ST_NEEDS_RESET))
		return fail("Status 0x%x after DRIVER_OK (queue 0 at 0x%lx)", st, (uint64_t)&ring);
	return true;
}

/* Makes the chain at head available (ring entry, then idx) and notifies. */
static void post_and_notify(uint16_t head)
{
	ring.avail.ring[avail_idx % QSIZE] = head;
	dsb(sy);
	ring.avail.idx = ++avail_idx;
	wr(VIRTIO_QUEUE_NOTIFY, 0);
}

/* One writable BUF_SIZE-byte buffer; it must come back used with 1 to
 * BUF_SIZE bytes (the device may give fewer than asked). */
static bool good_request(uint32_t *got)
{
	uint64_t deadline = now_ticks() + ms_to_ticks(TIMEOUT_MS);

	memset(ring.buf, 0, sizeof(ring.buf));
	ring.desc[0] = (struct vring_desc){ (uint64_t)ring.buf, BUF_SIZE, DESC_F_WRITE, 0 };
	post_and_notify(0);
	while (used_idx() == used_seen)
		if (now_ticks() > deadline)
			return fail("no used buffer within 1 s (Status 0x%x, used idx %u)",
				    rd(VIRTIO_STATUS), used_idx());
	uint32_t id = ring.used.ring[used_seen % QSIZE].id;

	*got = ring.used.ring[used_seen % QSIZE].len;
	used_seen++;
	wr(VIRTIO_INT_ACK, rd(VIRTIO_INT_STATUS));
	if (id != 0)
		return fail("used id %u, not descriptor 0 (len %u)", id, *got);
	if (!*got || *got > BUF_SIZE)
		return fail("used length %u, not 1 to %d bytes", *got, BUF_SIZE);
	if (rd(VIRTIO_STATUS) & ST_NEEDS_RESET)
		return fail("Status 0x%x: NEEDS_RESET after a good request", rd(VIRTIO_STATUS));
	return true;
}

/* ---- the malformed queues ------------------------------------------------ */

static void bad_address(void)
{
	/* Writable 16 bytes 1 MiB past the end of RAM. */
	ring.desc[0] = (struct vring_desc){ platform_ram_end() + 0x100000, BUF_SIZE,
					    DESC_F_WRITE, 0 };
	post_and_notify(0);
}

static void bad_loop(void)
{
	ring.desc[0] = (struct vring_desc){ (uint64_t)ring.buf, 8, DESC_F_WRITE | DESC_F_NEXT, 1 };
	ring.desc[1] = (struct vring_desc){ (uint64_t)ring.buf + 8, 8,
					    DESC_F_WRITE | DESC_F_NEXT, 0 };
	post_and_notify(0);
}

static void bad_index_jump(void)
{
	/* More new entries than the queue has. */
	ring.avail.idx = avail_idx + QSIZE + 1;
	wr(VIRTIO_QUEUE_NOTIFY, 0);
}

static const struct {
	const char *name;
	void (*make)(void);
} cases[] = {
	{ "descriptor outside RAM", bad_address },
	{ "descriptor loop", bad_loop },
	{ "avail index jump", bad_index_jump },
};

/* The device flags the bad queue, resets and works again. */
static bool run_case(void (*make)(void))
{
	uint16_t used_before = used_idx();
	uint32_t isr, got;

	make();
	if (!wait_reg(VIRTIO_STATUS, ST_NEEDS_RESET, ST_NEEDS_RESET))
		return fail("Status 0x%x after notify, no DEVICE_NEEDS_RESET (InterruptStatus "
			    "0x%x)", rd(VIRTIO_STATUS), rd(VIRTIO_INT_STATUS));
	isr = rd(VIRTIO_INT_STATUS);
	if (!(isr & INT_CONFIG))
		return fail("InterruptStatus 0x%x: no configuration change (bit 1) with "
			    "NEEDS_RESET", isr);
	if (used_idx() != used_before)
		return fail("the device used the bad request (used idx %u, was %u)", used_idx(),
			    used_before);
	wr(VIRTIO_STATUS, 0);
	if (!wait_reg(VIRTIO_STATUS, ~0U, 0))
		return fail("Status 0x%x after writing 0, not 0", rd(VIRTIO_STATUS));
	if (rd(VIRTIO_INT_STATUS))
		return fail("InterruptStatus 0x%x after the reset, not 0", rd(VIRTIO_INT_STATUS));
	if (!setup() || !good_request(&got)) {
		char again[sizeof(why)];

		snprintf(again, sizeof(again), "after the reset: %s", why);
		memcpy(why, again, sizeof(why));
		return false;
	}
	return true;
}

/* The first "virtio,mmio" node whose device is an rng, or -1. */
static int find_rng(void)
{
	for (int i = 0; i < plat.nvirtio; i++) {
		base = plat.virtio[i].reg.base;
		if (rd(VIRTIO_MAGIC_VALUE) == MAGIC && rd(VIRTIO_DEVICE_ID) == DEVICE_ID_RNG)
			return i;
	}
	return -1;
}

void check_virtio_run(void)
{
	int dev = find_rng(), passed = 0, failed = 0;
	const int ncases = sizeof(cases) / sizeof(cases[0]);
	uint32_t got;

	if (dev < 0) {
		printf("basic: virtio: no virtio-mmio rng device\n");
		return;
	}
	printf("basic: virtio: rng at 0x%lx intid %u (virtio-mmio version %u, vendor 0x%x)\n",
	       base, plat.virtio[dev].intid, rd(VIRTIO_VERSION), rd(VIRTIO_VENDOR_ID));
	if (rd(VIRTIO_VERSION) != 2) {
		printf("basic: virtio: FAIL setup: virtio-mmio version %u, this driver is modern "
		       "only (2)\n", rd(VIRTIO_VERSION));
		printf("basic: virtio: 0 passed, %d failed\n", ncases);
		return;
	}
	if (!setup() || !good_request(&got)) {
		printf("basic: virtio: FAIL setup: %s\n", why);
		printf("basic: virtio: 0 passed, %d failed\n", ncases);
		wr(VIRTIO_STATUS, 0);
		return;
	}
	printf("basic: virtio: good request: %u of %u bytes\n", got, BUF_SIZE);
	for (int i = 0; i < ncases; i++) {
		if (run_case(cases[i].make)) {
			passed++;
			printf("basic: virtio: %s: NEEDS_RESET after notify, recovered after reset\n",
			       cases[i].name);
		} else {
			failed++;
			printf("basic: virtio: %s: FAIL %s\n", cases[i].name, why);
			/* Start the next case from a working device. */
			if (!setup() || !good_request(&got))
				printf("basic: virtio: (the device does not recover: %s)\n", why);
		}
	}
	/* Leave it reset: the device holds no reference to this image. */
	wr(VIRTIO_STATUS, 0);
	printf("basic: virtio: %d passed, %d failed\n", passed, failed);
}
