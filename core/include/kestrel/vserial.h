/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual serial ports: the host side of every guest UART. Output is kept
 * in a per-port ring (so binding replays recent output, and `vserial dump`
 * shows it); at most one listener (the terminal, once bound) gets output as
 * it comes; input goes to the emulator through its rx callback.
 */
#ifndef KESTREL_VSERIAL_H
#define KESTREL_VSERIAL_H

#include <kestrel/types.h>
#include <kestrel/spinlock.h>
#include <list.h>

#define VSERIAL_NAME_MAX	64		/* "<guest>/<device>" */
#define VSERIAL_RING_SIZE	8192		/* bytes of output kept per port */

struct vserial;

struct vserial_ops {
	/* Offers bytes typed at the host to the guest UART; returns how many it
	 * took (its receive FIFO may be full). Any context, port lock not held. */
	size_t (*rx)(struct vserial *vs, const char *buf, size_t len);
};

/* Receives a port's output as the guest writes it. Any context. */
typedef void (*vserial_listener_t)(struct vserial *vs, const char *buf, size_t len,
				   void *ctx);

struct vserial {
	char name[VSERIAL_NAME_MAX];
	const struct vserial_ops *ops;
	void *priv;			/* the emulator's */
	struct list_head node;
	spinlock_t lock;
	spinlock_t rx_lock;		/* held around ops->rx: destroy waits for it */
	char ring[VSERIAL_RING_SIZE];
	u64 written;			/* bytes ever written; ring holds the last ones */
	vserial_listener_t listener;
	void *listener_ctx;
	u64 rx_bytes, rx_dropped;
};

/* Creates and registers the port "<guest>/<device>". NULL when the name is
 * taken or too long, or memory ran out (logged). Thread context. */
struct vserial *vserial_create(const char *guest, const char *device,
			       const struct vserial_ops *ops, void *priv);

/* Unregisters and frees a port, after any input call in flight has left
 * the emulator; a bound listener is dropped. Thread context. */
void vserial_destroy(struct vserial *vs);

/* Finds a port by its full name. Thread context. */
struct vserial *vserial_find(const char *name);

/* Called by the emulator for every byte the guest transmits. Any context. */
void vserial_write(struct vserial *vs, const char *buf, size_t len);

/* Sends host input to the guest; returns the bytes taken (the rest are
 * counted as dropped). Thread context (the emulator runs with IRQs on). */
size_t vserial_input(struct vserial *vs, const char *buf, size_t len);
/* The same, for a caller that keeps what the guest did not take and offers
 * it again later: nothing is counted as dropped. */
size_t vserial_offer(struct vserial *vs, const char *buf, size_t len);

/* Attaches fn as the port's listener, first replaying up to `replay` bytes
 * of recent output to it. -EBUSY when another listener is attached. */
int vserial_bind(struct vserial *vs, vserial_listener_t fn, void *ctx, size_t replay);
void vserial_unbind(struct vserial *vs);

/* Copies the newest up to len bytes of the port's output into buf. Returns
 * the count. */
size_t vserial_read_recent(struct vserial *vs, char *buf, size_t len);

/* Calls fn for every port, in creation order, with the port list locked:
 * fn must not block or create or destroy ports. Thread context. */
void vserial_for_each(void (*fn)(struct vserial *vs, void *ctx), void *ctx);

#endif
