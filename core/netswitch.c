// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual Ethernet switches: named, created on demand, never freed; ports
 * attached and detached; a learned MAC table per switch; frames copied to
 * the one port owning the destination or flooded to all but the sender.
 *
 * Locking: `switches_lock` guards the list of switches. Each switch's
 * `lock` (IRQs masked) guards its ports, MAC table and switch counters, and
 * is held only to decide where a frame goes: the chosen ports' `inflight`
 * counts go up under it, the deliveries (ops->receive) run after it is
 * dropped, each followed by its count going down. A detached port is off
 * the list, so no new delivery can start; netport_detach then waits for
 * `inflight` to reach 0. netport_send keeps IRQs masked from start to end,
 * so a detach on the same CPU never waits for a delivery it interrupted.
 */
#define LOG_PREFIX "netswitch"
#include <kestrel/netswitch.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <arch_timer.h>
#include <printf.h>
#include <string.h>

/* Slots a MAC address may occupy: its hash and the next MAC_PROBE - 1.
 * Lookup and learning look at these only (no tombstones needed: an entry
 * is simply cleared), so both are bounded; learning takes a free slot of
 * the window, else evicts its least recently seen entry. */
#define MAC_PROBE	8
#define MAC_MASK	(NETSWITCH_MAC_ENTRIES - 1)

_Static_assert((NETSWITCH_MAC_ENTRIES & MAC_MASK) == 0, "MAC table size: a power of 2");

struct mac_entry {
	u8 mac[ETH_ALEN];
	struct netport *port;	/* NULL: free */
	u64 seen;		/* counter value when last seen as a source */
};

struct netswitch {
	char name[NETSWITCH_NAME_MAX];
	struct list_head node;		/* in `switches` */
	spinlock_t lock;
	struct list_head ports;
	unsigned int nr_ports;
	u64 seed;			/* of the MAC hash */
	u64 age_ticks;			/* NETSWITCH_MAC_AGE_S in counter ticks */
	u64 forwarded, flooded, dropped;
	struct mac_entry table[NETSWITCH_MAC_ENTRIES];
};

static LIST_HEAD(switches);
static spinlock_t switches_lock = SPINLOCK_INIT;

#define atomic_add(p, v)	__atomic_fetch_add((p), (v), __ATOMIC_RELAXED)

/* ---- the MAC table (switch lock held) ------------------------------------ */

static bool mac_equal(const u8 *a, const u8 *b)
{
	return !memcmp(a, b, ETH_ALEN);
}

/* What a source address must be: unicast and not all zeros. */
static bool mac_source_ok(const u8 *mac)
{
	static const u8 zero[ETH_ALEN];

	return !(mac[0] & 1) && !mac_equal(mac, zero);
}

/* FNV-1a over the address, from a per-switch seed: a guest cannot aim its
 * addresses at another switch's slots by knowing the function alone. */
static unsigned int mac_hash(const struct netswitch *sw, const u8 *mac)
{
	u64 h = sw->seed;

	for (unsigned int i = 0; i < ETH_ALEN; i++)
		h = (h ^ mac[i]) * 0x100000001b3ULL;
	return (unsigned int)(h ^ (h >> 32)) & MAC_MASK;
}

static bool entry_live(const struct netswitch *sw, const struct mac_entry *e, u64 now)
{
	return e->port && now - e->seen <= sw->age_ticks;
}

/* The port that owns mac, or NULL (unknown, or aged out: then forgotten). */
static struct netport *mac_lookup(struct netswitch *sw, const u8 *mac, u64 now)
{
	unsigned int h = mac_hash(sw, mac);

	for (unsigned int i = 0; i < MAC_PROBE; i++) {
		struct mac_entry *e = &sw->table[(h + i) & MAC_MASK];

		if (e->port && mac_equal(e->mac, mac)) {
			if (entry_live(sw, e, now))
				return e->port;
			e->port = NULL;
			return NULL;
		}
	}
	return NULL;
}

/* Records that mac is behind port p (a station may move between ports). */
static void mac_learn(struct netswitch *sw, const u8 *mac, struct netport *p, u64 now)
{
	unsigned int h = mac_hash(sw, mac);
	struct mac_entry *victim = NULL;

	for (unsigned int i = 0; i < MAC_PROBE; i++) {
		struct mac_entry *e = &sw->table[(h + i) & MAC_MASK];

		if (e->port && mac_equal(e->mac, mac)) {
			victim = e;
			break;
		}
		/* A free slot first, else the least recently seen (an aged-out
		 * entry is older than any live one). */
		if (!victim || (victim->port && (!e->port || e->seen < victim->seen)))
			victim = e;
	}
	memcpy(victim->mac, mac, ETH_ALEN);
	victim->port = p;
	victim->seen = now;
}

static void mac_forget_port(struct netswitch *sw, const struct netport *p)
{
	for (unsigned int i = 0; i < NETSWITCH_MAC_ENTRIES; i++)
		if (sw->table[i].port == p)
			sw->table[i].port = NULL;
}

/* ---- switches ------------------------------------------------------------ */

static struct netswitch *find_locked(const char *name)
{
	struct netswitch *sw;

	list_for_each_entry(sw, &switches, node)
		if (!strcmp(sw->name, name))
			return sw;
	return NULL;
}

struct netswitch *netswitch_find(const char *name)
{
	unsigned long flags = spin_lock_irqsave(&switches_lock);
	struct netswitch *sw = find_locked(name);

	spin_unlock_irqrestore(&switches_lock, flags);
	return sw;
}

struct netswitch *netswitch_get(const char *name)
{
	struct netswitch *sw, *fresh;
	unsigned long flags;
	u64 freq;

	if (!name || !netswitch_name_ok(name)) {
		log_err("'%s' is not a switch name (1 to %d characters of a-z, 0-9, '-', '_')",
			name ? name : "(null)", NETSWITCH_NAME_MAX - 1);
		return NULL;
	}
	sw = netswitch_find(name);
	if (sw)
		return sw;
	fresh = kzalloc(sizeof(*fresh));
	if (!fresh) {
		log_err("%s: out of memory for a switch", name);
		return NULL;
	}
	strlcpy(fresh->name, name, sizeof(fresh->name));
	spin_lock_init(&fresh->lock);
	list_init(&fresh->ports);
	freq = arch_counter_freq();
	fresh->age_ticks = (freq ? freq : 1000000000ULL) * NETSWITCH_MAC_AGE_S;
	fresh->seed = 0xcbf29ce484222325ULL ^ (arch_counter_read() * 0x9e3779b97f4a7c15ULL);

	flags = spin_lock_irqsave(&switches_lock);
	sw = find_locked(name);		/* created meanwhile by another thread? */
	if (!sw) {
		list_add_tail(&fresh->node, &switches);
		sw = fresh;
		fresh = NULL;
	}
	spin_unlock_irqrestore(&switches_lock, flags);
	if (fresh)
		kfree(fresh);
	else
		log_info("switch %s created", name);
	return sw;
}

const char *netswitch_name(const struct netswitch *sw)
{
	return sw->name;
}

void netswitch_for_each(void (*fn)(struct netswitch *sw, void *ctx), void *ctx)
{
	struct list_head *pos = &switches;

	/* Switches are only ever appended, never freed: the next one is read
	 * under the lock, fn runs without it. */
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&switches_lock);

		pos = pos->next;
		spin_unlock_irqrestore(&switches_lock, flags);
		if (pos == &switches)
			return;
		fn(list_entry(pos, struct netswitch, node), ctx);
	}
}

void netswitch_for_each_port(struct netswitch *sw, void (*fn)(struct netport *p, void *ctx),
			     void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&sw->lock);
	struct netport *p;

	list_for_each_entry(p, &sw->ports, node)
		fn(p, ctx);
	spin_unlock_irqrestore(&sw->lock, flags);
}

void netswitch_get_stats(struct netswitch *sw, struct netswitch_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&sw->lock);
	u64 now = arch_counter_read();

	st->ports = sw->nr_ports;
	st->macs = 0;
	for (unsigned int i = 0; i < NETSWITCH_MAC_ENTRIES; i++)
		st->macs += entry_live(sw, &sw->table[i], now);
	st->forwarded = sw->forwarded;
	st->flooded = sw->flooded;
	st->dropped = sw->dropped;
	spin_unlock_irqrestore(&sw->lock, flags);
}

/* ---- ports --------------------------------------------------------------- */

static bool name_taken_locked(const struct netswitch *sw, const char *name)
{
	const struct netport *q;

	list_for_each_entry(q, &sw->ports, node)
		if (!strcmp(q->name, name))
			return true;
	return false;
}

int netport_attach(struct netswitch *sw, struct netport *p)
{
	unsigned long flags;
	int err = 0;

	if (!sw || !p || !p->ops || !p->ops->receive || p->sw) {
		log_err("%s: cannot attach: %s", p ? p->name : "(null)",
			!sw ? "no switch" : !p ? "no port" : p->sw ? "already attached" :
			"no receive function");
		return -EINVAL;
	}
	flags = spin_lock_irqsave(&sw->lock);
	if (sw->nr_ports >= NETSWITCH_MAX_PORTS) {
		err = -ENOSPC;
	} else if (name_taken_locked(sw, p->name)) {
		err = -EEXIST;
	} else {
		p->tx_frames = p->tx_bytes = p->tx_dropped = 0;
		p->rx_frames = p->rx_bytes = p->rx_dropped = 0;
		p->inflight = 0;
		p->sw = sw;
		list_add_tail(&p->node, &sw->ports);
		sw->nr_ports++;
	}
	spin_unlock_irqrestore(&sw->lock, flags);
	if (err == -ENOSPC)
		log_err("%s: cannot attach %s: the switch has its %d ports", sw->name, p->name,
			NETSWITCH_MAX_PORTS);
	else if (err)
		log_err("%s: cannot attach %s: a port of that name is attached", sw->name, p->name);
	else
		log_debug("%s: port %s attached", sw->name, p->name);
	return err;
}

void netport_detach(struct netport *p)
{
	struct netswitch *sw = p->sw;
	unsigned long flags;

	if (!sw)
		return;
	flags = spin_lock_irqsave(&sw->lock);
	list_del(&p->node);
	sw->nr_ports--;
	mac_forget_port(sw, p);
	WRITE_ONCE(p->sw, NULL);
	spin_unlock_irqrestore(&sw->lock, flags);
	/* No delivery can start now; those already counted run with IRQs
	 * masked on other CPUs and end soon. */
	while (__atomic_load_n(&p->inflight, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	log_debug("%s: port %s detached", sw->name, p->name);
}

/* One copy of the frame to port q, then its in-flight count down (the
 * last touch of q: after it a detach may free it). */
static void deliver(struct netport *q, const void *frame, size_t len)
{
	if (q->ops->receive(q, frame, len)) {
		atomic_add(&q->rx_frames, 1);
		atomic_add(&q->rx_bytes, len);
	} else {
		atomic_add(&q->rx_dropped, 1);
	}
	__atomic_fetch_sub(&q->inflight, 1, __ATOMIC_RELEASE);
}

void netport_send(struct netport *p, const void *frame, size_t len)
{
	struct netport *to[NETSWITCH_MAX_PORTS];
	struct netswitch *sw = READ_ONCE(p->sw);
	const u8 *f = frame;
	unsigned int n = 0;
	unsigned long flags;
	struct netport *dst = NULL;
	u64 now;

	if (!sw) {
		atomic_add(&p->tx_dropped, 1);
		return;
	}
	flags = spin_lock_irqsave(&sw->lock);
	if (len < ETH_HLEN || len > ETH_FRAME_MAX || !mac_source_ok(f + ETH_ALEN)) {
		sw->dropped++;
		atomic_add(&p->tx_dropped, 1);
		spin_unlock_irqrestore(&sw->lock, flags);
		return;
	}
	now = arch_counter_read();
	mac_learn(sw, f + ETH_ALEN, p, now);
	if (!(f[0] & 1))
		dst = mac_lookup(sw, f, now);
	if (dst == p) {
		/* The destination is on the sender's side: nothing to do. */
		sw->dropped++;
		atomic_add(&p->tx_dropped, 1);
		spin_unlock_irqrestore(&sw->lock, flags);
		return;
	}
	if (dst) {
		to[n++] = dst;
		sw->forwarded++;
	} else {
		struct netport *q;

		list_for_each_entry(q, &sw->ports, node)
			if (q != p)
				to[n++] = q;
		sw->flooded++;
	}
	for (unsigned int i = 0; i < n; i++)
		__atomic_fetch_add(&to[i]->inflight, 1, __ATOMIC_RELAXED);
	p->tx_frames++;
	p->tx_bytes += len;
	spin_unlock(&sw->lock);		/* IRQs stay masked until the end */

	for (unsigned int i = 0; i < n; i++)
		deliver(to[i], frame, len);
	arch_irq_restore(flags);
}
