/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entropy for the hypervisor and its guests: a small pool (ENTROPY_POOL_SIZE
 * bytes) filled from the host's hardware source (QEMU's virtio-rng device,
 * through its driver) and refilled whenever it is not full. The bytes are
 * the device's, never mixed or stretched; without a device there is no
 * entropy at all (-ENODEV), never made-up data. Bytes handed out are wiped
 * from the pool.
 */
#ifndef KESTREL_ENTROPY_H
#define KESTREL_ENTROPY_H

#include <kestrel/types.h>

#define ENTROPY_POOL_SIZE	512

/*
 * Copies len bytes of entropy into buf. wait: blocks until all len bytes
 * came (thread context) and returns len. !wait: takes what the pool holds
 * now (any context, no sleep, no lock held across the copy) and returns
 * that count, or -EAGAIN when the pool is empty (a refill is under way).
 * -ENODEV: no entropy source. len 0 returns 0.
 */
int entropy_read(void *buf, size_t len, bool wait);

/* The source a driver provides. refill(priv, want) asks for up to want
 * more bytes, delivered later through entropy_add; it is called whenever
 * the pool is not full and must ignore calls while a request is already
 * under way. Any context, no sleeping, called without the pool's lock. */
struct entropy_source {
	const char *name;		/* "virtio-rng" */
	void (*refill)(void *priv, size_t want);
	void *priv;
};

/* Registers the (one) source and starts filling the pool. 0 or -EBUSY
 * when one is registered already. Boot context. */
int entropy_register_source(const struct entropy_source *src);

/* Bytes from the source's device (any context, typically its interrupt):
 * copied into the pool as far as it has room, waiters woken, and, while
 * the pool is not full, the next refill asked for. */
void entropy_add(const void *data, size_t len);

/* For `host info`: the source's name (NULL when none) and the bytes it
 * has delivered since boot. Any context. */
const char *entropy_source_name(void);
u64 entropy_bytes_read(void);

#endif
