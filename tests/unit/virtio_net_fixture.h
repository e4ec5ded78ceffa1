/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-net test fixture shared by test_virtio_net_*.c: drivers for up
 * to two devices (a: "g0/net0" at BASE, created per test; b: made by the
 * test), each with its own registers, rings and buffers in the fake RAM; a
 * host port on switch br0 recording what reaches it; and stand-ins for
 * core/guest.c, for the emulator glue.
 */
#ifndef KESTREL_TEST_VIRTIO_NET_FIXTURE_H
#define KESTREL_TEST_VIRTIO_NET_FIXTURE_H

#include "virtio_dev_fixture.h"
#include "kerrno.h"	/* before netswitch.h, which includes kestrel/errno.h */
#include <kestrel/guest.h>
#include "../../emulators/virtio/virtio_net.h"

#define QNUM		64
#define RX_BUF_LEN	(VIRTIO_NET_HDR_LEN + ETH_FRAME_MAX)	/* what Linux posts */

#define F_MAC		VIRTIO_FEATURE(VIRTIO_NET_F_MAC)
#define F_STATUS	VIRTIO_FEATURE(VIRTIO_NET_F_STATUS)

extern struct netswitch *br0;

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

extern struct drv a, b;

/* Register accesses of d's driver. */
u32 drv_rd(struct drv *d, u32 off);
void drv_wr(struct drv *d, u32 off, u32 v);
u32 cfg_rd(struct drv *d, u32 off, unsigned int width);
void notify(struct drv *d, unsigned int q);
/* The transport configuration of d's device, its line to d. */
struct virtio_mmio_config config(struct drv *d, const char *device);
/* Creates the device (its RAM area: 16 pieces from `piece`). */
void drv_create(struct drv *d, gpa_t base, const char *device, unsigned int piece,
		const struct virtio_net_params *p);
/* Linux's bring-up with features f: both queues, then DRIVER_OK. */
void drv_up(struct drv *d, u64 f);
/* Where receive buffer i of d lives: 2 pieces apart, starting 100 bytes
 * before a piece boundary, so the frame crosses it. */
gpa_t rx_buf(struct drv *d, unsigned int i);
void post_rx(struct drv *d, gpa_t addr, u32 len);
/* A frame dst <- src, `len` bytes, payload = seq. */
void make_frame(u8 *buf, const u8 *dst, const u8 *src, size_t len, u8 seq);
/* Posts a transmit chain: header (12 bytes, garbage the device must skip)
 * and the frame, in one buffer (split 1) or the header alone followed by
 * the frame in split - 1 buffers; at the end of piece 10, so the frame
 * crosses into piece 11. */
void post_tx(struct drv *d, const u8 *frame, size_t len, unsigned int split);

/* ---- a host port on the switch -------------------------------------------- */

struct host_port {
	struct netport port;
	unsigned int frames;
	size_t len;
	u8 last[ETH_FRAME_MAX];
};

extern struct host_port host;
extern const u8 host_mac[ETH_ALEN];
extern const u8 bcast[ETH_ALEN];

void host_send(const u8 *dst, size_t len, u8 seq);

/* ---- stand-ins for core/guest.c (the emulator glue) ------------------------ */

/* The guest the glue's devices belong to; its SPI changes so far. */
extern struct guest g;
extern unsigned int guest_irq_calls;

/* ---- fixture ------------------------------------------------------------- */

/* Per test: the host port on br0 (br0 and lan0 exist), device a created,
 * not brought up; no device b. */
int setup(void **state);
int teardown(void **state);

struct netswitch_stats stats(struct netswitch *sw);

#endif
