// SPDX-License-Identifier: GPL-2.0
/* Virtual serial ports: per-port output ring, one listener, input routing. */
#define LOG_PREFIX "vserial"
#include <kestrel/vserial.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <printf.h>
#include <string.h>

static struct list_head ports = LIST_HEAD_INIT(ports);
static spinlock_t ports_lock = SPINLOCK_INIT;

static struct vserial *find_locked(const char *name)
{
	struct list_head *pos;

	list_for_each(pos, &ports) {
		struct vserial *vs = list_entry(pos, struct vserial, node);

		if (!strcmp(vs->name, name))
			return vs;
	}
	return NULL;
}

struct vserial *vserial_create(const char *guest, const char *device,
			       const struct vserial_ops *ops, void *priv)
{
	struct vserial *vs = kzalloc(sizeof(*vs));
	unsigned long flags;

	if (!vs) {
		log_err("%s/%s: out of memory", guest, device);
		return NULL;
	}
	if (snprintf(vs->name, sizeof(vs->name), "%s/%s", guest, device) >=
	    (int)sizeof(vs->name)) {
		log_err("%s/%s: name longer than %d characters", guest, device,
			VSERIAL_NAME_MAX - 1);
		kfree(vs);
		return NULL;
	}
	vs->ops = ops;
	vs->priv = priv;
	spin_lock_init(&vs->lock);
	spin_lock_init(&vs->rx_lock);
	flags = spin_lock_irqsave(&ports_lock);
	if (find_locked(vs->name)) {
		spin_unlock_irqrestore(&ports_lock, flags);
		log_err("%s: a port of that name exists", vs->name);
		kfree(vs);
		return NULL;
	}
	list_add_tail(&vs->node, &ports);
	spin_unlock_irqrestore(&ports_lock, flags);
	return vs;
}

void vserial_destroy(struct vserial *vs)
{
	unsigned long flags;

	if (!vs)
		return;
	flags = spin_lock_irqsave(&ports_lock);
	list_del(&vs->node);
	spin_unlock_irqrestore(&ports_lock, flags);
	/* Wait for an input call that is still inside the emulator. */
	spin_lock(&vs->rx_lock);
	spin_unlock(&vs->rx_lock);
	kfree(vs);
}

struct vserial *vserial_find(const char *name)
{
	unsigned long flags = spin_lock_irqsave(&ports_lock);
	struct vserial *vs = find_locked(name);

	spin_unlock_irqrestore(&ports_lock, flags);
	return vs;
}

void vserial_write(struct vserial *vs, const char *buf, size_t len)
{
	vserial_listener_t listener;
	void *ctx;
	unsigned long flags = spin_lock_irqsave(&vs->lock);

	for (size_t i = 0; i < len; i++)
		vs->ring[(vs->written + i) % VSERIAL_RING_SIZE] = buf[i];
	vs->written += len;
	listener = vs->listener;
	ctx = vs->listener_ctx;
	/* The listener runs under the port lock, so bytes reach it in order
	 * and unbind cannot race with a call in flight; it must not block. */
	if (listener)
		listener(vs, buf, len, ctx);
	spin_unlock_irqrestore(&vs->lock, flags);
}

static size_t deliver(struct vserial *vs, const char *buf, size_t len, bool count_dropped)
{
	unsigned long flags;
	size_t taken;

	/* Thread context only, so the emulator runs with IRQs on. */
	spin_lock(&vs->rx_lock);
	taken = vs->ops && vs->ops->rx ? vs->ops->rx(vs, buf, len) : 0;
	spin_unlock(&vs->rx_lock);
	flags = spin_lock_irqsave(&vs->lock);
	vs->rx_bytes += taken;
	if (count_dropped)
		vs->rx_dropped += len - taken;
	spin_unlock_irqrestore(&vs->lock, flags);
	return taken;
}

size_t vserial_input(struct vserial *vs, const char *buf, size_t len)
{
	return deliver(vs, buf, len, true);
}

size_t vserial_offer(struct vserial *vs, const char *buf, size_t len)
{
	return deliver(vs, buf, len, false);
}

/* Copies n bytes of output starting at stream offset `from`, which the ring
 * still holds. Lock held. */
static void copy_range(struct vserial *vs, char *buf, u64 from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = vs->ring[(from + i) % VSERIAL_RING_SIZE];
}

static size_t held(const struct vserial *vs)
{
	return vs->written < VSERIAL_RING_SIZE ? vs->written : VSERIAL_RING_SIZE;
}

int vserial_bind(struct vserial *vs, vserial_listener_t fn, void *ctx, size_t replay)
{
	unsigned long flags = spin_lock_irqsave(&vs->lock);
	char chunk[256];
	size_t n;

	if (vs->listener) {
		spin_unlock_irqrestore(&vs->lock, flags);
		return -EBUSY;
	}
	/* Replay in chunks, oldest first, then attach: nothing lost or doubled. */
	n = MIN(replay, held(vs));
	while (n) {
		size_t k = MIN(n, sizeof(chunk));

		copy_range(vs, chunk, vs->written - n, k);
		fn(vs, chunk, k, ctx);
		n -= k;
	}
	vs->listener = fn;
	vs->listener_ctx = ctx;
	spin_unlock_irqrestore(&vs->lock, flags);
	return 0;
}

void vserial_unbind(struct vserial *vs)
{
	unsigned long flags = spin_lock_irqsave(&vs->lock);

	vs->listener = NULL;
	vs->listener_ctx = NULL;
	spin_unlock_irqrestore(&vs->lock, flags);
}

size_t vserial_read_recent(struct vserial *vs, char *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&vs->lock);
	size_t n = MIN(len, held(vs));

	copy_range(vs, buf, vs->written - n, n);
	spin_unlock_irqrestore(&vs->lock, flags);
	return n;
}

void vserial_for_each(void (*fn)(struct vserial *vs, void *ctx), void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&ports_lock);
	struct list_head *pos;

	list_for_each(pos, &ports)
		fn(list_entry(pos, struct vserial, node), ctx);
	spin_unlock_irqrestore(&ports_lock, flags);
}
