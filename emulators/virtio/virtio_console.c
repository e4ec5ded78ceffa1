// SPDX-License-Identifier: GPL-2.0
/* virtio-console: a guest console port (hvc0) on a vserial port. */
#define LOG_PREFIX "virtio-console"
#include "virtio_console.h"
#include <kestrel/heap.h>
#include <kestrel/log.h>

#define CONFIG_SIZE	12	/* cols, rows, max_nr_ports, emerg_wr */

struct virtio_console {
	struct virtio_dev *vdev;
	struct vserial *port;
	struct vq_req req;	/* the chain in hand; queue lock */
	bool quiet;		/* quiesced: host input waits (queue lock) */
};

/* Sends the readable bytes of req to the port, at most TX_MAX; returns
 * how many. Queue lock held. */
static size_t tx_send(struct virtio_console *c, const struct vq_req *req)
{
	size_t sent = 0;

	for (unsigned int i = 0; i < req->nr_read && sent < VIRTIO_CONSOLE_TX_MAX; i++) {
		size_t n = MIN((size_t)req->iov[i].len, VIRTIO_CONSOLE_TX_MAX - sent);

		vserial_write(c->port, req->iov[i].base, n);
		sent += n;
	}
	if (sent < req->read_len)
		log_debug("%s: transmit buffer of %llu bytes: the %llu beyond %lu dropped",
			  virtio_dev_name(c->vdev), (unsigned long long)req->read_len,
			  (unsigned long long)(req->read_len - sent), VIRTIO_CONSOLE_TX_MAX);
	return sent;
}

static bool tx_notify(struct virtio_console *c)
{
	unsigned int done = 0;
	size_t bytes = 0;
	unsigned long irqflags;
	bool more = false;

	if (!virtio_queue_begin(c->vdev, VIRTIO_CONSOLE_TXQ, &irqflags))
		return false;
	for (;;) {
		if (done == VIRTIO_CONSOLE_BATCH || bytes >= VIRTIO_CONSOLE_TX_BUDGET) {
			more = true;
			break;
		}
		if (virtio_queue_pop(c->vdev, VIRTIO_CONSOLE_TXQ, &c->req) <= 0)
			break;	/* empty, or malformed: the transport has it */
		bytes += tx_send(c, &c->req);
		virtio_queue_push(c->vdev, VIRTIO_CONSOLE_TXQ, &c->req, 0);
		done++;
	}
	if (done)
		virtio_dev_notify_used(c->vdev, VIRTIO_CONSOLE_TXQ);
	virtio_queue_end(c->vdev, irqflags);
	return more;
}

/* Receive buffers wait for host input: nothing to do when more come. */
static bool console_queue_notify(struct virtio_dev *d, unsigned int q)
{
	return q == VIRTIO_CONSOLE_TXQ && tx_notify(virtio_dev_priv(d));
}

/* Host input: into the posted receive buffers, as far as they go. Thread
 * context (vserial's rx_lock held). */
static size_t console_rx(struct vserial *vs, const char *buf, size_t len)
{
	struct virtio_console *c = vs->priv;
	unsigned int used = 0;
	unsigned long irqflags;
	size_t taken = 0;

	if (!len || !virtio_queue_begin(c->vdev, VIRTIO_CONSOLE_RXQ, &irqflags))
		return 0;
	if (c->quiet) {
		virtio_queue_end(c->vdev, irqflags);
		return 0;	/* the terminal keeps it */
	}
	/* At most a ring's worth of buffers, even if the guest adds more. */
	while (taken < len && used < VIRTIO_CONSOLE_QUEUE_MAX) {
		size_t n;

		if (virtio_queue_pop(c->vdev, VIRTIO_CONSOLE_RXQ, &c->req) <= 0)
			break;
		n = vq_req_write(&c->req, 0, buf + taken, len - taken);
		virtio_queue_push(c->vdev, VIRTIO_CONSOLE_RXQ, &c->req, (u32)n);
		taken += n;
		used++;
	}
	if (used)
		virtio_dev_notify_used(c->vdev, VIRTIO_CONSOLE_RXQ);
	virtio_queue_end(c->vdev, irqflags);
	return taken;
}

/* emerg_wr: one character, at any time. d->lock held; vserial_write takes
 * only the port's lock. */
static void console_config_write(struct virtio_dev *d, u32 off, unsigned int width, u32 val)
{
	struct virtio_console *c = virtio_dev_priv(d);
	char ch = (char)val;

	if (off == VIRTIO_CONSOLE_EMERG_WR)
		vserial_write(c->port, &ch, 1);
}

/* Snapshot quiesce: input waits in the terminal. Set under the queue lock,
 * so input being copied in when it is set has ended when this returns. */
static void console_quiesce(struct virtio_dev *d, bool quiet)
{
	struct virtio_console *c = virtio_dev_priv(d);
	unsigned long irqflags;

	virtio_queue_lock(d, VIRTIO_CONSOLE_RXQ, &irqflags);
	c->quiet = quiet;
	virtio_queue_end(d, irqflags);
}

static const struct virtio_backend_ops console_ops = {
	.name = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.features = VIRTIO_FEATURE(VIRTIO_CONSOLE_F_EMERG_WRITE),
	.num_queues = 2,
	.queue_max = VIRTIO_CONSOLE_QUEUE_MAX,
	.config_size = CONFIG_SIZE,
	.config_write = console_config_write,	/* reads: 0 */
	.queue_notify = console_queue_notify,
	.quiesce = console_quiesce,
};

static const struct vserial_ops console_port_ops = { .rx = console_rx };

struct virtio_dev *virtio_console_create(const struct virtio_mmio_config *cfg,
					 struct devemu_map *map, const void *fdt, int node)
{
	const char *guest = cfg->guest ? cfg->guest : "?";
	const char *device = cfg->device ? cfg->device : "?";
	struct virtio_console *c = kzalloc(sizeof(*c));

	if (!c) {
		log_err("%s/%s: out of memory", guest, device);
		return NULL;
	}
	/* The device first: no input may arrive before it exists. */
	c->vdev = virtio_dev_create(cfg, &console_ops, c, map);
	if (!c->vdev)
		goto free;
	c->port = vserial_create(guest, device, &console_port_ops, c);
	if (!c->port)
		goto dev;	/* logged by vserial */
	return c->vdev;
dev:
	virtio_dev_destroy(c->vdev);
free:
	kfree(c);
	return NULL;
}

void virtio_console_destroy(struct virtio_dev *d)
{
	struct virtio_console *c;

	if (!d)
		return;
	c = virtio_dev_priv(d);
	vserial_destroy(c->port);	/* first: no more host input */
	virtio_dev_destroy(d);
	kfree(c);
}

struct vserial *virtio_console_port(struct virtio_dev *d)
{
	struct virtio_console *c = virtio_dev_priv(d);

	return c->port;
}
