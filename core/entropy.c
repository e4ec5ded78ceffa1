// SPDX-License-Identifier: GPL-2.0
/* The entropy pool: filled by the host's hardware source, read by the hypervisor and guests. */
#define LOG_PREFIX "entropy"
#include <kestrel/entropy.h>
#include <kestrel/errno.h>
#include <kestrel/log.h>
#include <kestrel/spinlock.h>
#include <kestrel/thread.h>
#include <string.h>

static struct {
	spinlock_t lock;		/* buf, level, bytes_in */
	u8 buf[ENTROPY_POOL_SIZE];
	size_t level;			/* bytes in buf[0 .. level) */
	u64 bytes_in;			/* delivered by the source since boot */
	const struct entropy_source *src;
	struct waitq wq;		/* readers waiting for bytes */
} pool = {
	.lock = SPINLOCK_INIT,
	.wq = WAITQ_INIT(pool.wq),
};

/* Takes up to len bytes from the top of the pool, wiping them there.
 * Returns the count and the room left after. */
static size_t take(u8 *dst, size_t len, size_t *room)
{
	unsigned long flags = spin_lock_irqsave(&pool.lock);
	size_t n = MIN(len, pool.level);

	pool.level -= n;
	memcpy(dst, pool.buf + pool.level, n);
	memset(pool.buf + pool.level, 0, n);
	*room = ENTROPY_POOL_SIZE - pool.level;
	spin_unlock_irqrestore(&pool.lock, flags);
	return n;
}

static void ask_refill(size_t room)
{
	const struct entropy_source *src = __atomic_load_n(&pool.src, __ATOMIC_ACQUIRE);

	if (src && room)
		src->refill(src->priv, room);
}

int entropy_read(void *buf, size_t len, bool wait)
{
	size_t done = 0, room;

	if (!__atomic_load_n(&pool.src, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	for (;;) {
		u64 seq = waitq_prepare(&pool.wq);

		done += take((u8 *)buf + done, len - done, &room);
		ask_refill(room);
		if (done == len || !wait)
			break;
		waitq_wait(&pool.wq, seq, 0);
	}
	if (!done && len)
		return -EAGAIN;
	return (int)done;
}

void entropy_add(const void *data, size_t len)
{
	unsigned long flags;
	size_t n, room;

	if (!len)
		return;
	flags = spin_lock_irqsave(&pool.lock);
	n = MIN(len, ENTROPY_POOL_SIZE - pool.level);
	memcpy(pool.buf + pool.level, data, n);
	pool.level += n;
	pool.bytes_in += len;
	room = ENTROPY_POOL_SIZE - pool.level;
	spin_unlock_irqrestore(&pool.lock, flags);
	waitq_wake_all(&pool.wq);
	ask_refill(room);
}

int entropy_register_source(const struct entropy_source *src)
{
	const struct entropy_source *none = NULL;

	if (!__atomic_compare_exchange_n(&pool.src, &none, src, false, __ATOMIC_RELEASE,
					 __ATOMIC_RELAXED)) {
		log_warn("%s: a source (%s) is registered already: not used", src->name,
			 none->name);
		return -EBUSY;
	}
	ask_refill(ENTROPY_POOL_SIZE);
	return 0;
}

const char *entropy_source_name(void)
{
	const struct entropy_source *src = __atomic_load_n(&pool.src, __ATOMIC_ACQUIRE);

	return src ? src->name : NULL;
}

u64 entropy_bytes_read(void)
{
	return __atomic_load_n(&pool.bytes_in, __ATOMIC_RELAXED);
}
