// SPDX-License-Identifier: GPL-2.0
/* The virtio-net test fixture (see virtio_net_fixture.h). */
#include "virtio_net_fixture.h"

struct netswitch *br0;

/* ---- a driver for one device ---------------------------------------------- */

struct drv a, b;

static void set_irq(void *ctx, bool level)
{
	struct drv *d = ctx;

	if (level && !d->line)
		d->raised++;
	d->line = level;
}

u32 drv_rd(struct drv *d, u32 off)
{
	return (u32)mmio_read(&map, d->base + off, 4);
}

void drv_wr(struct drv *d, u32 off, u32 v)
{
	mmio_write(&map, d->base + off, 4, v);
}

u32 cfg_rd(struct drv *d, u32 off, unsigned int width)
{
	return (u32)mmio_read(&map, d->base + VIRTIO_MMIO_CONFIG + off, width);
}

void notify(struct drv *d, unsigned int q)
{
	drv_wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

struct virtio_mmio_config config(struct drv *d, const char *device)
{
	return (struct virtio_mmio_config){ .guest = "g0", .device = device, .base = d->base,
		.size = VIRTIO_MMIO_SIZE, .mem = fake_mem, .set_irq = set_irq, .irq_ctx = d };
}

void drv_create(struct drv *d, gpa_t base, const char *device, unsigned int piece,
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
	drv_wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	drv_wr(d, VIRTIO_MMIO_QUEUE_NUM, QNUM);
	drv_wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)r->desc);
	drv_wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(r->desc >> 32));
	drv_wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)r->avail);
	drv_wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(r->avail >> 32));
	drv_wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)r->used);
	drv_wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(r->used >> 32));
	drv_wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

void drv_up(struct drv *d, u64 f)
{
	drv_wr(d, VIRTIO_MMIO_STATUS, 0);
	ram_fill(d->area, 0, 2 * CHUNK);
	drv_wr(d, VIRTIO_MMIO_STATUS, ACK | DRV);
	drv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	drv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	drv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	drv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
	drv_wr(d, VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK);
	assert_int_equal(drv_rd(d, VIRTIO_MMIO_STATUS), ACK | DRV | FEAT_OK);
	setup_queue(d, VIRTIO_NET_RXQ, &d->rx, d->area);
	setup_queue(d, VIRTIO_NET_TXQ, &d->tx, d->area + CHUNK);
	drv_wr(d, VIRTIO_MMIO_STATUS, ACK | DRV | FEAT_OK | DRV_OK);
	d->rx_next = d->tx_next = 0;
}

gpa_t rx_buf(struct drv *d, unsigned int i)
{
	return d->area + (2 + 2 * (i % 4)) * CHUNK + CHUNK - 100;
}

void post_rx(struct drv *d, gpa_t addr, u32 len)
{
	u16 i = d->rx_next++ % QNUM;

	desc_set(d->rx.desc, i, addr, len, VIRTQ_DESC_F_WRITE, 0);
	ring_post(&d->rx, i);
	notify(d, VIRTIO_NET_RXQ);
}

void make_frame(u8 *buf, const u8 *dst, const u8 *src, size_t len, u8 seq)
{
	memset(buf, seq, len);
	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	buf[12] = 0x08;
	buf[13] = 0x00;
}

void post_tx(struct drv *d, const u8 *frame, size_t len, unsigned int split)
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

struct host_port host;

const u8 host_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static bool host_receive(struct netport *p, const void *frame, size_t len)
{
	host.frames++;
	host.len = len;
	memcpy(host.last, frame, len);
	return true;
}

static const struct netport_ops host_ops = { .receive = host_receive };

void host_send(const u8 *dst, size_t len, u8 seq)
{
	u8 buf[ETH_FRAME_MAX];

	make_frame(buf, dst, host_mac, len, seq);
	netport_send(&host.port, buf, len);
}

/* ---- stand-ins for core/guest.c (the emulator glue) ------------------------ */

struct guest g;
unsigned int guest_irq_calls;

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

int setup(void **state)
{
	if (fake_ram_setup())
		return -1;
	fake_console_reset();
	/* Switches are never freed: create the tests' ones before counting. */
	br0 = netswitch_get("br0");
	if (!br0 || !netswitch_get("lan0"))
		return -1;
	vdev_map_init();
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

int teardown(void **state)
{
	virtio_net_destroy(a.dev);
	virtio_net_destroy(b.dev);
	a.dev = b.dev = NULL;
	netport_detach(&host.port);
	return vdev_teardown();
}

struct netswitch_stats stats(struct netswitch *sw)
{
	struct netswitch_stats st;

	netswitch_get_stats(sw, &st);
	return st;
}
