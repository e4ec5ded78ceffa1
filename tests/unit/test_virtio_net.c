// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtio-net device (emulators/virtio/virtio_net.c) on
 * the real transport and switch, driven as Linux's driver drives it:
 * identity and config space, transmit to the switch (header skipped, frames
 * split across buffers and RAM pieces), receive from it (header, num_buffers,
 * buffers across pieces), two devices exchanging frames, drops (no buffer,
 * small buffer, device not running, bad lengths), a malformed chain
 * (DEVICE_NEEDS_RESET, and recovery with the port kept), bounded transmit
 * work, destroy; then the emulator glue: the `check` hook and create from
 * the device's node (`switch`, `mac`).
 */
#include "virtio_fixture.h"
#include "kerrno.h"
#include "ram_zone.h"
#include "guest_mmio.h"
#include <libfdt.h>
#include <arch_irq.h>
#include <kestrel/emulator.h>
#include <kestrel/guest.h>
#include <kestrel/heap.h>
#include "../../emulators/virtio/virtio_net.h"

#define POOL_SIZE	(4UL * 1024 * 1024)
#define BASE		0x0a000000ULL
#define BASE2		(BASE + VIRTIO_MMIO_SIZE)
#define QNUM		64
#define RX_BUF_LEN	(VIRTIO_NET_HDR_LEN + ETH_FRAME_MAX)	/* what Linux posts */

#define ACK		VIRTIO_STATUS_ACKNOWLEDGE
#define DRV		VIRTIO_STATUS_DRIVER
#define DRV_OK		VIRTIO_STATUS_DRIVER_OK
#define FEAT_OK		VIRTIO_STATUS_FEATURES_OK
#define NEEDS_RESET	VIRTIO_STATUS_NEEDS_RESET
#define F_V1		VIRTIO_FEATURE(VIRTIO_F_VERSION_1)
#define F_EVENT		VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX)
#define F_MAC		VIRTIO_FEATURE(VIRTIO_NET_F_MAC)
#define F_STATUS	VIRTIO_FEATURE(VIRTIO_NET_F_STATUS)

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static struct devemu_map map;
static struct netswitch *br0;
static struct heap_stats heap_base;

/* ---- a driver for one device ---------------------------------------------- */

struct drv {
	struct virtio_dev *dev;
	gpa_t base;			/* its registers */
	gpa_t area;			/* its rings: rx, tx, then its buffers */
	struct ring rx, tx;
	u16 rx_next, tx_next;		/* next free descriptor */
	bool line;
	unsigned int raised;		/* low-to-high changes of the line */
};

static struct drv a, b;

static void set_irq(void *ctx, bool level)
{
	struct drv *d = ctx;

	if (level && !d->line)
		d->raised++;
	d->line = level;
}

static u32 rd(struct drv *d, u32 off)
{
	return (u32)mmio_read(&map, d->base + off, 4);
}

static void wr(struct drv *d, u32 off, u32 v)
{
	mmio_write(&map, d->base + off, 4, v);
}

static u32 cfg_rd(struct drv *d, u32 off, unsigned int width)
{
	return (u32)mmio_read(&map, d->base + VIRTIO_MMIO_CONFIG + off, width);
}

static void notify(struct drv *d, unsigned int q)
{
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static struct virtio_mmio_config config(struct drv *d, const char *device)
{
	return (struct virtio_mmio_config){ .guest = "g0", .device = device, .base = d->base,
		.size = VIRTIO_MMIO_SIZE, .mem = fake_mem, .set_irq = set_irq, .irq_ctx = d };
}

/* Creates the device (its RAM area: 16 pieces from `piece`). */
static void drv_create(struct drv *d, gpa_t base, const char *device, unsigned int piece,
		       const struct virtio_net_params *p)
{
	struct virtio_mmio_config cfg;

	memset(d, 0, sizeof(*d));
	d->base = base;
	d->area = RAM_BASE + piece * CHUNK;
	cfg = config(d, device);
	d->dev = virtio_net_create(&cfg, &map, p);
	assert_non_null(d->dev);
}

static void setup_queue(struct drv *d, unsigned int q, struct ring *r, gpa_t at)
{
	ring_layout(r, QNUM, at);
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, QNUM);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)r->desc);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(r->desc >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)r->avail);
	wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(r->avail >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)r->used);
	wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(r->used >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Linux's bring-up with features f: both queues, then DRIVER_OK. */
static void drv_up(struct drv *d, u64 f)
{
	wr(d, VIRTIO_MMIO_STATUS, 0);
	ram_fill(d->area, 0, 2 * CHUNK);
	wr(d, VIRTIO_MMIO_STATUS, ACK | DRV);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
	wr(d, VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(rd(d, VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	setup_queue(d, VIRTIO_NET_RXQ, &d->rx, d->area);
	setup_queue(d, VIRTIO_NET_TXQ, &d->tx, d->area + CHUNK);
	wr(d, VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK | DRV_OK);
	d->rx_next = d->tx_next = 0;
}

/* Where receive buffer i of d lives: 2 pieces apart, starting 100 bytes
 * before a piece boundary, so the frame crosses it. */
static gpa_t rx_buf(struct drv *d, unsigned int i)
{
	return d->area + (2 + 2 * (i % 4)) * CHUNK + CHUNK - 100;
}

static void post_rx(struct drv *d, gpa_t addr, u32 len)
{
	u16 i = d->rx_next++ % QNUM;

	desc_set(d->rx.desc, i, addr, len, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&d->rx, i);
	notify(d, VIRTIO_NET_RXQ);
}

/* A frame dst <- src, `len` bytes, payload = seq. */
static void make_frame(u8 *buf, const u8 *dst, const u8 *src, size_t len, u8 seq)
{
	memset(buf, seq, len);
	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	buf[12] = 0x08;
	buf[13] = 0x00;
}

/* Posts a transmit chain: header (12 bytes, garbage the device must skip)
 * and the frame, in one buffer (split 1) or the header alone followed by
 * the frame in split - 1 buffers; at the end of piece 10, so the frame
 * crosses into piece 11. */
static void post_tx(struct drv *d, const u8 *frame, size_t len, unsigned int split)
{
	gpa_t hdr = d->area + 11 * CHUNK - 40;
	unsigned int pieces = split > 1 ? split - 1 : 0;
	u16 head = d->tx_next % QNUM, i = head;
	u8 junk[VIRTIO_NET_HDR_LEN];
	size_t off = 0;

	memset(junk, 0xee, sizeof(junk));
	ram_write(hdr, junk, sizeof(junk));
	ram_write(hdr + VIRTIO_NET_HDR_LEN, frame, len);
	if (!pieces) {
		desc_set(d->tx.desc, head, hdr, (u32)(VIRTIO_NET_HDR_LEN + len), 0, 0);
	} else {
		desc_set(d->tx.desc, i, hdr, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, (i + 1) % QNUM);
		for (unsigned int s = 0; s < pieces; s++) {
			bool last = s == pieces - 1;
			size_t n = last ? len - off : len / pieces;

			i = (i + 1) % QNUM;
			desc_set(d->tx.desc, i, hdr + VIRTIO_NET_HDR_LEN + off, (u32)n,
				 last ? 0 : VIRTQ_DESC_F_NEXT, (i + 1) % QNUM);
			off += n;
		}
	}
	d->tx_next += 1 + pieces;
	ring_post(&d->tx, head);
}

/* ---- a host port on the switch -------------------------------------------- */

static struct {
	struct netport port;
	unsigned int frames;
	size_t len;
	u8 last[ETH_FRAME_MAX];
} host;

static const u8 host_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static bool host_receive(struct netport *p, const void *frame, size_t len)
{
	host.frames++;
	host.len = len;
	memcpy(host.last, frame, len);
	return true;
}

static const struct netport_ops host_ops = { .receive = host_receive };

static void host_send(const u8 *dst, size_t len, u8 seq)
{
	u8 buf[ETH_FRAME_MAX];

	make_frame(buf, dst, host_mac, len, seq);
	netport_send(&host.port, buf, len);
}

/* ---- stand-ins for core/guest.c (the emulator glue) ------------------------ */

static struct guest g;
static unsigned int guest_irq_calls;

int guest_irq_set_level(struct guest *gg, unsigned int spi, bool level)
{
	assert_ptr_equal(gg, &g);
	guest_irq_calls++;
	return 0;
}

void *guest_ram_hva(struct guest *gg, gpa_t gpa, u64 len)
{
	u64 contig;
	void *p = fake_ram_map(fake_mem.ctx, gpa, len, &contig);

	return p && contig == len ? p : NULL;
}

/* ---- fixture ------------------------------------------------------------- */

static int setup(void **state)
{
	if (fake_ram_setup())
		return -1;
	fake_console_reset();
	/* Switches are never freed: create the tests' ones before counting. */
	br0 = netswitch_get("br0");
	if (!br0 || !netswitch_get("lan0"))
		return -1;
	heap_get_stats(&heap_base);
	devemu_map_init(&map);
	memset(&host, 0, sizeof(host));
	strcpy(host.port.name, "host");
	memcpy(host.port.mac, host_mac, ETH_ALEN);
	host.port.ops = &host_ops;
	if (netport_attach(br0, &host.port))
		return -1;
	drv_create(&a, BASE, "net0", 0, NULL);
	b.dev = NULL;
	return 0;
}

static int teardown(void **state)
{
	virtio_net_destroy(a.dev);
	virtio_net_destroy(b.dev);
	a.dev = b.dev = NULL;
	netport_detach(&host.port);
	if (map.count) {
		print_error("%u regions left in the map\n", map.count);
		return -1;
	}
	devemu_map_destroy(&map);
	fake_ram_teardown();
	return heap_leak_check(&heap_base);
}

static struct netswitch_stats stats(struct netswitch *sw)
{
	struct netswitch_stats st;

	netswitch_get_stats(sw, &st);
	return st;
}

/* ---- tests --------------------------------------------------------------- */

static void test_identity_and_config(void **state)
{
	u8 mac[ETH_ALEN];

	assert_int_equal(rd(&a, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(&a, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	wr(&a, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(&a, VIRTIO_MMIO_DEVICE_FEATURES) & ((1U << 24) - 1),
			 (1U << VIRTIO_NET_F_MAC) | (1U << VIRTIO_NET_F_STATUS));
	wr(&a, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(&a, VIRTIO_MMIO_DEVICE_FEATURES), 1);	/* VERSION_1 only */
	for (unsigned int q = 0; q < 3; q++) {
		wr(&a, VIRTIO_MMIO_QUEUE_SEL, q);
		assert_int_equal(rd(&a, VIRTIO_MMIO_QUEUE_NUM_MAX), q < 2 ? VIRTIO_NET_QUEUE_MAX : 0);
	}
	/* The derived address, byte by byte and wider, then the link status. */
	virtio_net_default_mac("g0", "net0", mac);
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		assert_int_equal(cfg_rd(&a, i, 1), mac[i]);
	assert_int_equal(cfg_rd(&a, 0, 4), mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24);
	assert_int_equal(cfg_rd(&a, 4, 4), mac[4] | mac[5] << 8 | VIRTIO_NET_S_LINK_UP << 16);
	assert_int_equal(cfg_rd(&a, 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_int_equal(cfg_rd(&a, 8, 4), 0);		/* beyond: reads 0 */
	/* Read-only: a write changes nothing. */
	mmio_write(&map, BASE + VIRTIO_MMIO_CONFIG, 1, 0x77);
	assert_int_equal(cfg_rd(&a, 0, 1), mac[0]);
	/* The port: named after the device, on br0, with that address. */
	assert_string_equal(virtio_net_port(a.dev)->name, "g0/net0");
	assert_ptr_equal(virtio_net_port(a.dev)->sw, br0);
	assert_memory_equal(virtio_net_port(a.dev)->mac, mac, ETH_ALEN);
	assert_console_contains("virtio-net: g0/net0: 52:54:00:");
	assert_console_contains(" on switch br0");
}

static void test_default_mac(void **state)
{
	u8 m1[ETH_ALEN], m2[ETH_ALEN], m3[ETH_ALEN];

	virtio_net_default_mac("linux0", "net0", m1);
	virtio_net_default_mac("linux0", "net0", m2);
	virtio_net_default_mac("linux1", "net0", m3);
	assert_memory_equal(m1, m2, ETH_ALEN);			/* the same at every boot */
	assert_memory_not_equal(m1 + 3, m3 + 3, 3);		/* per guest and device */
	assert_int_equal(m1[0], 0x52);				/* unicast, locally administered */
	assert_int_equal(m1[1], 0x54);
	assert_int_equal(m1[2], 0x00);
	/* "ab" + "c" and "a" + "bc" differ: the '/' is hashed too. */
	virtio_net_default_mac("ab", "c", m1);
	virtio_net_default_mac("a", "bc", m2);
	assert_memory_not_equal(m1, m2, ETH_ALEN);
}

static void test_params(void **state)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const struct virtio_net_params p = { .switch_name = "lan0", .mac = mac };
	const struct virtio_net_params bad = { .switch_name = "LAN 0" };
	struct virtio_mmio_config cfg;

	drv_create(&b, BASE2, "net1", 20, &p);
	assert_ptr_equal(virtio_net_port(b.dev)->sw, netswitch_find("lan0"));
	assert_memory_equal(virtio_net_port(b.dev)->mac, mac, ETH_ALEN);
	assert_int_equal(cfg_rd(&b, 5, 1), 0x55);
	assert_int_equal(stats(netswitch_find("lan0")).ports, 1);
	/* A bad switch name: nothing created. */
	virtio_net_destroy(b.dev);
	b.dev = NULL;
	cfg = config(&b, "net1");
	assert_null(virtio_net_create(&cfg, &map, &bad));
	assert_console_contains("g0/net1: no switch 'LAN 0' for the port");
	/* Two ports of one name on a switch: the second is refused. */
	cfg = config(&b, "net0");
	assert_null(virtio_net_create(&cfg, &map, NULL));
	assert_console_contains("br0: cannot attach g0/net0: a port of that name is attached");
	assert_int_equal(map.count, 1);
}

static void test_transmit(void **state)
{
	u8 f[200];
	struct netport *p = virtio_net_port(a.dev);
	u32 id, len;

	drv_up(&a, F_V1 | F_MAC | F_STATUS);
	make_frame(f, bcast, virtio_net_port(a.dev)->mac, sizeof(f), 0x5a);
	/* Header and frame apart, the frame in three pieces (one across RAM
	 * pieces), as an old driver lays it out ... */
	post_tx(&a, f, sizeof(f), 4);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
	assert_int_equal(host.len, sizeof(f));
	assert_memory_equal(host.last, f, sizeof(f));
	assert_int_equal(ring_used_idx(&a.tx), 1);
	ring_used_elem(&a.tx, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_int_equal(a.raised, 1);
	assert_int_equal(rd(&a, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	/* ... and header and frame in one buffer, as Linux does now. */
	f[100] = 0x77;
	post_tx(&a, f, sizeof(f), 1);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 2);
	assert_memory_equal(host.last, f, sizeof(f));
	assert_int_equal(ring_used_idx(&a.tx), 2);
	assert_int_equal(p->tx_frames, 2);
	assert_int_equal(p->tx_bytes, 2 * sizeof(f));
	assert_int_equal(p->tx_dropped, 0);
}

static void test_transmit_bad_lengths(void **state)
{
	static u8 f[ETH_FRAME_MAX + 1];
	struct netport *p = virtio_net_port(a.dev);

	drv_up(&a, F_V1 | F_MAC);
	make_frame(f, bcast, p->mac, sizeof(f), 1);
	post_tx(&a, f, 0, 1);			/* a header alone */
	post_tx(&a, f, ETH_HLEN - 1, 1);	/* a runt */
	post_tx(&a, f, ETH_FRAME_MAX + 1, 1);	/* a giant */
	post_tx(&a, f, ETH_FRAME_MAX, 1);	/* the largest frame */
	desc_set(a.tx.desc, a.tx_next, a.area + 12 * CHUNK, 5, 0, 0);	/* short of a header */
	ring_post(&a.tx, a.tx_next++);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
	assert_int_equal(host.len, ETH_FRAME_MAX);
	assert_int_equal(ring_used_idx(&a.tx), 5);	/* all returned */
	assert_int_equal(p->tx_dropped, 4);
	assert_int_equal(p->tx_frames, 1);
	assert_int_equal(rd(&a, VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

static void test_receive(void **state)
{
	u8 hdr[VIRTIO_NET_HDR_LEN], want[VIRTIO_NET_HDR_LEN] = { 0 }, got[300], f[300];
	struct netport *p = virtio_net_port(a.dev);
	u32 id, len;

	drv_up(&a, F_V1 | F_MAC | F_EVENT);
	ram_fill(rx_buf(&a, 0), 0xcc, RX_BUF_LEN);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	assert_int_equal(ring_used_idx(&a.rx), 0);	/* buffers wait for frames */
	host_send(p->mac, sizeof(f), 0x42);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	ring_used_elem(&a.rx, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(f));
	ram_read(rx_buf(&a, 0), hdr, sizeof(hdr));
	want[10] = 1;					/* num_buffers */
	assert_memory_equal(hdr, want, sizeof(hdr));
	ram_read(rx_buf(&a, 0) + VIRTIO_NET_HDR_LEN, got, sizeof(got));
	make_frame(f, p->mac, host_mac, sizeof(f), 0x42);
	assert_memory_equal(got, f, sizeof(f));
	assert_int_equal(a.raised, 1);
	assert_true(a.line);
	assert_int_equal(p->rx_frames, 1);
	assert_int_equal(p->rx_bytes, sizeof(f));
	assert_int_equal(p->rx_dropped, 0);
	/* The host's address was learned from it: a's reply goes there. */
	make_frame(f, host_mac, p->mac, 60, 1);
	post_tx(&a, f, 60, 1);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
	assert_int_equal(stats(br0).forwarded >= 1, 1);
}

static void test_receive_drops(void **state)
{
	struct netport *p = virtio_net_port(a.dev);
	u32 id, len;

	/* The driver has not started the device: dropped. */
	host_send(bcast, 60, 1);
	assert_int_equal(p->rx_dropped, 1);
	/* Running, but no buffer posted: dropped. */
	drv_up(&a, F_V1 | F_MAC);
	host_send(bcast, 60, 2);
	assert_int_equal(p->rx_dropped, 2);
	assert_int_equal(ring_used_idx(&a.rx), 0);
	assert_int_equal(a.raised, 0);
	/* A buffer too small for the frame: returned empty, frame dropped. */
	post_rx(&a, rx_buf(&a, 0), 100);
	host_send(bcast, 200, 3);
	assert_int_equal(p->rx_dropped, 3);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	ring_used_elem(&a.rx, 0, &id, &len);
	assert_int_equal(len, 0);
	/* A buffer that fits takes the next one. */
	post_rx(&a, rx_buf(&a, 1), RX_BUF_LEN);
	host_send(bcast, 200, 4);
	assert_int_equal(p->rx_frames, 1);
	assert_int_equal(p->rx_dropped, 3);
	assert_int_equal(rd(&a, VIRTIO_MMIO_STATUS) & NEEDS_RESET, 0);
}

static void test_two_devices_exchange(void **state)
{
	u8 f[100], got[100];
	struct netport *pa, *pb;
	u32 id, len;

	drv_create(&b, BASE2, "net1", 20, NULL);
	pa = virtio_net_port(a.dev);
	pb = virtio_net_port(b.dev);
	assert_memory_not_equal(pa->mac, pb->mac, ETH_ALEN);
	drv_up(&a, F_V1 | F_MAC | F_STATUS | F_EVENT);
	drv_up(&b, F_V1 | F_MAC | F_STATUS);
	for (unsigned int i = 0; i < 2; i++) {
		post_rx(&a, rx_buf(&a, i), RX_BUF_LEN);
		post_rx(&b, rx_buf(&b, i), RX_BUF_LEN);
	}
	/* a -> b: b is not known yet, so b and the host port get it. */
	make_frame(f, pb->mac, pa->mac, sizeof(f), 0xab);
	post_tx(&a, f, sizeof(f), 2);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(ring_used_idx(&b.rx), 1);
	ring_used_elem(&b.rx, 0, &id, &len);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + sizeof(f));
	ram_read(rx_buf(&b, 0) + VIRTIO_NET_HDR_LEN, got, sizeof(got));
	assert_memory_equal(got, f, sizeof(f));
	assert_int_equal(b.raised, 1);
	assert_int_equal(host.frames, 1);
	assert_int_equal(ring_used_idx(&a.rx), 0);	/* never back to the sender */
	/* b -> a: a was learned, so only a gets it. */
	make_frame(f, pa->mac, pb->mac, sizeof(f), 0xba);
	post_tx(&b, f, sizeof(f), 1);
	notify(&b, VIRTIO_NET_TXQ);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	ram_read(rx_buf(&a, 0) + VIRTIO_NET_HDR_LEN, got, sizeof(got));
	assert_memory_equal(got, f, sizeof(f));
	assert_int_equal(a.raised, 1);
	assert_int_equal(host.frames, 1);
	assert_int_equal(ring_used_idx(&b.rx), 1);
	assert_int_equal(pa->tx_frames, 1);
	assert_int_equal(pa->rx_frames, 1);
	assert_int_equal(pb->tx_frames, 1);
	assert_int_equal(pb->rx_frames, 1);
}

static void test_malformed_chain_needs_reset(void **state)
{
	struct netport *p = virtio_net_port(a.dev);
	u8 f[60];

	drv_up(&a, F_V1 | F_MAC);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	/* A transmit buffer outside guest RAM. */
	desc_set(a.tx.desc, 0, 0x1000, 74, 0, 0);
	ring_post(&a.tx, 0);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(rd(&a, VIRTIO_MMIO_STATUS) & NEEDS_RESET, NEEDS_RESET);
	assert_int_equal(rd(&a, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG, VIRTIO_INT_CONFIG);
	assert_console_contains("g0/net0: queue 1: ");
	assert_int_equal(host.frames, 0);
	assert_int_equal(ring_used_idx(&a.tx), 0);
	/* Nothing moves any more: frames for it are dropped. */
	host_send(bcast, 60, 1);
	assert_int_equal(p->rx_dropped, 1);
	assert_int_equal(ring_used_idx(&a.rx), 0);
	/* The driver resets it: same port, working again. */
	wr(&a, VIRTIO_MMIO_STATUS, 0);
	assert_ptr_equal(p->sw, br0);
	drv_up(&a, F_V1 | F_MAC);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	host_send(bcast, 60, 2);
	assert_int_equal(ring_used_idx(&a.rx), 1);
	make_frame(f, bcast, p->mac, sizeof(f), 3);
	post_tx(&a, f, sizeof(f), 1);
	notify(&a, VIRTIO_NET_TXQ);
	assert_int_equal(host.frames, 1);
}

static void test_transmit_work_is_bounded(void **state)
{
	const unsigned int n = VIRTIO_NET_TX_BATCH + 8;
	u8 f[60];
	u64 q = VIRTIO_NET_TXQ;

	drv_up(&a, F_V1 | F_MAC);
	make_frame(f, bcast, virtio_net_port(a.dev)->mac, sizeof(f), 1);
	for (unsigned int i = 0; i < n; i++)
		post_tx(&a, f, sizeof(f), 1);
	/* One batch, then the guest's store is to be run again ... */
	assert_int_equal(devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &q),
			 DEVEMU_RETRY);
	assert_int_equal(host.frames, VIRTIO_NET_TX_BATCH);
	assert_int_equal(ring_used_idx(&a.tx), VIRTIO_NET_TX_BATCH);
	/* ... which finishes the rest. */
	assert_int_equal(devemu_access(&map, BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, &q),
			 DEVEMU_HANDLED);
	assert_int_equal(host.frames, n);
	assert_int_equal(ring_used_idx(&a.tx), n);
}

static void test_guest_reset_keeps_port(void **state)
{
	struct netport *p = virtio_net_port(a.dev);

	drv_up(&a, F_V1 | F_MAC);
	post_rx(&a, rx_buf(&a, 0), RX_BUF_LEN);
	virtio_dev_reset(a.dev);
	assert_int_equal(rd(&a, VIRTIO_MMIO_STATUS), 0);
	assert_ptr_equal(p->sw, br0);
	/* The posted buffer went with the reset: the frame is dropped. */
	host_send(bcast, 60, 1);
	assert_int_equal(p->rx_dropped, 1);
}

static void test_destroy_detaches(void **state)
{
	unsigned int ports = stats(br0).ports;

	drv_create(&b, BASE2, "net1", 20, NULL);
	assert_int_equal(stats(br0).ports, ports + 1);
	virtio_net_destroy(b.dev);
	b.dev = NULL;
	assert_int_equal(stats(br0).ports, ports);
	assert_int_equal(map.count, 1);
	host_send(bcast, 60, 1);	/* reaches only a (dropped: not running) */
	assert_int_equal(virtio_net_port(a.dev)->rx_dropped, 1);
	virtio_net_destroy(NULL);
}

/* ---- the emulator glue: check hook and create from the node --------------- */

static char blob[4096] __attribute__((aligned(8)));
static int devnode;

static void check(int r)
{
	if (r < 0)
		fail_msg("libfdt: %s", fdt_strerror(r));
}

/* /guests/g0/devices/<name> with compatible, reg, interrupts and `type`. */
static void make_node(const char *name, const char *type)
{
	const fdt32_t reg[] = { 0, cpu_to_fdt32(BASE2), 0, cpu_to_fdt32(VIRTIO_MMIO_SIZE) };
	int guests, guest, devs;

	check(fdt_create_empty_tree(blob, sizeof(blob)));
	check(guests = fdt_add_subnode(blob, 0, "guests"));
	check(guest = fdt_add_subnode(blob, guests, "g0"));
	check(devs = fdt_add_subnode(blob, guest, "devices"));
	check(devnode = fdt_add_subnode(blob, devs, name));
	check(fdt_setprop_string(blob, devnode, "compatible", "virtio,mmio"));
	check(fdt_setprop(blob, devnode, "reg", reg, sizeof(reg)));
	check(fdt_setprop_u32(blob, devnode, "interrupts", 17));
	if (type)
		check(fdt_setprop_string(blob, devnode, "type", type));
}

static int emu_check(char *err, size_t len)
{
	const struct emulator *e = emulator_find("virtio,mmio");

	assert_non_null(e);
	assert_non_null(e->check);
	err[0] = '\0';
	return e->check(blob, devnode, err, len);
}

static void expect_check_error(const char *msg)
{
	char err[200];

	assert_int_equal(emu_check(err, sizeof(err)), -EINVAL);
	if (!strstr(err, msg))
		fail_msg("check said \"%s\", expected \"%s\"", err, msg);
}

static void test_check_hook(void **state)
{
	static const u8 good[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const u8 multi[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const u8 zero[ETH_ALEN];
	char err[200];

	make_node("net0", "net");
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	check(fdt_setprop_string(blob, devnode, "switch", "lan0"));
	check(fdt_setprop(blob, devnode, "mac", good, sizeof(good)));
	check(fdt_setprop_u32(blob, devnode, "phandle", 5));
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	/* switch */
	check(fdt_setprop_string(blob, devnode, "switch", "LAN0"));
	expect_check_error("'switch' \"LAN0\" is not a switch name (1 to 15 characters of a-z, "
			   "0-9, '-', '_')");
	check(fdt_setprop_string(blob, devnode, "switch", "abcdefghijklmnop"));
	expect_check_error("is not a switch name");
	check(fdt_setprop_string(blob, devnode, "switch", ""));
	expect_check_error("is not a switch name");
	check(fdt_setprop_u32(blob, devnode, "switch", 1));
	expect_check_error("'switch' must be a single string");
	check(fdt_setprop_string(blob, devnode, "switch", "br0"));
	/* mac */
	check(fdt_setprop(blob, devnode, "mac", good, 5));
	expect_check_error("'mac' must be 6 bytes, as mac = [52 54 00 12 34 56]; (it has 5)");
	check(fdt_setprop(blob, devnode, "mac", multi, sizeof(multi)));
	expect_check_error("'mac' 01:00:5e:00:00:01 is a multicast address");
	check(fdt_setprop(blob, devnode, "mac", zero, sizeof(zero)));
	expect_check_error("'mac' 00:00:00:00:00:00 is not a usable address");
	check(fdt_setprop(blob, devnode, "mac", good, sizeof(good)));
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	/* Unknown properties are named. */
	check(fdt_setprop_string(blob, devnode, "bridge", "br0"));
	expect_check_error("unknown property 'bridge' (a virtio net device takes compatible, reg, "
			   "interrupts, type, switch, mac)");
	/* ... also for a type that takes none: an rng has no switch. */
	make_node("rng0", "rng");
	assert_int_equal(emu_check(err, sizeof(err)), 0);
	check(fdt_setprop_string(blob, devnode, "switch", "br0"));
	expect_check_error("unknown property 'switch' (a virtio rng device takes compatible, reg, "
			   "interrupts, type)");
	/* And the type itself. */
	make_node("net0", NULL);
	expect_check_error("property 'type' missing (the virtio device type: \"rng\", \"net\"");
	make_node("net0", "nic");
	expect_check_error("'type' \"nic\" is not a virtio device type of this build");
}

static void emu_guest_setup(void)
{
	memset(&g, 0, sizeof(g));
	strcpy(g.cfg.name, "g0");
	g.config_fdt = blob;
	devemu_map_init(&g.mmio);
	guest_irq_calls = 0;
}

static struct guest_device_config emu_dev(const char *name)
{
	struct guest_device_config dev = { .node = devnode, .base = BASE2,
		.size = VIRTIO_MMIO_SIZE, .has_reg = true, .irq = 17, .has_irq = true };

	strcpy(dev.name, name);
	dev.compatible = "virtio,mmio";
	return dev;
}

static void test_emulator_create(void **state)
{
	static const u8 mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	const struct emulator *e = emulator_find("virtio,mmio");
	struct guest_device_config dev;
	struct netswitch *lan0 = netswitch_find("lan0");
	unsigned int lan_ports = stats(lan0).ports, br_ports = stats(br0).ports;
	void *priv = NULL;
	u8 dflt[ETH_ALEN];

	emu_guest_setup();
	/* switch and mac from the node. */
	make_node("net1", "net");
	check(fdt_setprop_string(blob, devnode, "switch", "lan0"));
	check(fdt_setprop(blob, devnode, "mac", mac, sizeof(mac)));
	dev = emu_dev("net1");
	assert_int_equal(e->create(&g, &dev, &priv), 0);
	assert_int_equal(stats(lan0).ports, lan_ports + 1);
	assert_int_equal(mmio_read(&g.mmio, BASE2 + VIRTIO_MMIO_DEVICE_ID, 4), VIRTIO_ID_NET);
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		assert_int_equal(mmio_read(&g.mmio, BASE2 + VIRTIO_MMIO_CONFIG + i, 1), mac[i]);
	assert_console_contains("g0/net1: 52:54:00:12:34:56 on switch lan0");
	e->destroy(priv);
	assert_int_equal(stats(lan0).ports, lan_ports);
	assert_int_equal(g.mmio.count, 0);
	/* Neither: br0 and the derived address. */
	make_node("net1", "net");
	dev = emu_dev("net1");
	assert_int_equal(e->create(&g, &dev, &priv), 0);
	assert_int_equal(stats(br0).ports, br_ports + 1);
	virtio_net_default_mac("g0", "net1", dflt);
	assert_int_equal(mmio_read(&g.mmio, BASE2 + VIRTIO_MMIO_CONFIG + 5, 1), dflt[5]);
	e->destroy(priv);
	assert_int_equal(stats(br0).ports, br_ports);
	/* A node the check would refuse is refused at create too. */
	check(fdt_setprop_string(blob, devnode, "switch", "No Such"));
	fake_console_reset();
	assert_int_equal(e->create(&g, &dev, &priv), -EINVAL);
	assert_console_contains("g0/net1: 'switch' \"No Such\" is not a switch name");
	assert_int_equal(g.mmio.count, 0);
	devemu_map_destroy(&g.mmio);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_and_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit_bad_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_devices_exchange, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_chain_needs_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit_work_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_reset_keeps_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_detaches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulator_create, setup, teardown),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, group_setup, group_teardown);
}
