// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtual switch (core/netswitch.c): switches by name,
 * MAC learning, forwarding to the owning port, flooding, no echo to the
 * sender, runts, giants and bad sources dropped, aging, a bounded table,
 * counters, attach errors, and detach (also while a delivery to the port
 * is under way on another thread).
 */
#include "unit.h"
#include "kerrno.h"
#include "ram_zone.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <arch_irq.h>
#include <arch_timer.h>
#include <kestrel/netswitch.h>

#define POOL_SIZE	(4UL * 1024 * 1024)
#define NPORTS		3

RAM_ZONE_GROUP_FIXTURES(POOL_SIZE)

static struct netswitch *sw;
static struct heap_stats heap_base;

/* ---- test ports: each records what it received ---------------------------- */

struct tport {
	struct netport port;
	unsigned int frames;
	size_t last_len;
	u8 last[ETH_FRAME_MAX];
	bool refuse;		/* receive returns false */
};

static struct tport tp[NPORTS];
static const u8 mac_of[NPORTS][ETH_ALEN] = {
	{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a },
	{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b },
	{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x0c },
};
static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

/* Optional extra work inside receive (re-entrancy and threading tests). */
static void (*on_receive)(struct tport *t);

static bool tport_receive(struct netport *p, const void *frame, size_t len)
{
	struct tport *t = p->priv;

	/* Deliveries run with IRQs masked and the in-flight count up. */
	assert_true(arch_irqs_disabled());
	assert_true(__atomic_load_n(&p->inflight, __ATOMIC_RELAXED) >= 1);
	if (on_receive)
		on_receive(t);
	if (t->refuse)
		return false;
	t->frames++;
	t->last_len = len;
	memcpy(t->last, frame, len);
	return true;
}

static const struct netport_ops tport_ops = { .receive = tport_receive };

static void tport_init(struct tport *t, unsigned int i)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->port.name, sizeof(t->port.name), "g%u/net0", i);
	memcpy(t->port.mac, mac_of[i], ETH_ALEN);
	t->port.ops = &tport_ops;
	t->port.priv = t;
}

static void clear_rx(void)
{
	for (unsigned int i = 0; i < NPORTS; i++) {
		tp[i].frames = 0;
		tp[i].last_len = 0;
	}
}

/* A frame dst <- src with `len` bytes in all, payload bytes = seq. */
static size_t frame(u8 *buf, const u8 *dst, const u8 *src, size_t len, u8 seq)
{
	memset(buf, seq, len);
	if (len >= ETH_ALEN)
		memcpy(buf, dst, ETH_ALEN);
	if (len >= 2 * ETH_ALEN)
		memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	if (len >= ETH_HLEN) {
		buf[12] = 0x08;
		buf[13] = 0x00;
	}
	return len;
}

/* Port `from` sends a 64-byte frame to dst. */
static void send64(unsigned int from, const u8 *dst, u8 seq)
{
	u8 buf[64];

	netport_send(&tp[from].port, buf, frame(buf, dst, mac_of[from], sizeof(buf), seq));
	assert_false(arch_irqs_disabled());
}

static struct netswitch_stats stats(void)
{
	struct netswitch_stats st;

	netswitch_get_stats(sw, &st);
	return st;
}

/* ---- fixture ------------------------------------------------------------- */

static int setup(void **state)
{
	fake_console_reset();
	fake_counter_set(0);
	/* Switches are never freed: create the ones the tests use first. */
	sw = netswitch_get("br0");
	if (!sw || !netswitch_get("lan-1"))
		return -1;
	heap_get_stats(&heap_base);
	on_receive = NULL;
	for (unsigned int i = 0; i < NPORTS; i++) {
		tport_init(&tp[i], i);
		if (netport_attach(sw, &tp[i].port))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	for (unsigned int i = 0; i < NPORTS; i++)
		netport_detach(&tp[i].port);
	if (stats().ports) {
		print_error("%u ports left on br0\n", stats().ports);
		return -1;
	}
	return heap_leak_check(&heap_base);
}

/* ---- tests --------------------------------------------------------------- */

static void test_switches_by_name(void **state)
{
	assert_ptr_equal(netswitch_get("br0"), sw);
	assert_ptr_equal(netswitch_find("br0"), sw);
	assert_string_equal(netswitch_name(sw), "br0");
	assert_null(netswitch_find("nosuch"));
	assert_non_null(netswitch_find("lan-1"));
	assert_ptr_not_equal(netswitch_find("lan-1"), sw);
	assert_true(netswitch_name_ok("a"));
	assert_true(netswitch_name_ok("br_0-9"));
	assert_true(netswitch_name_ok("abcdefghijklmno"));	/* 15 */
	assert_false(netswitch_name_ok("abcdefghijklmnop"));	/* 16 */
	assert_false(netswitch_name_ok(""));
	assert_false(netswitch_name_ok("Br0"));
	assert_false(netswitch_name_ok("br 0"));
	assert_false(netswitch_name_ok("br/0"));
	assert_null(netswitch_get("Br0"));
	assert_console_contains("netswitch: error: 'Br0' is not a switch name (1 to 15 characters");
	assert_null(netswitch_get("abcdefghijklmnop"));
	assert_null(netswitch_find("Br0"));
}

static void test_learning_and_forwarding(void **state)
{
	struct netswitch_stats before = stats(), after;

	/* B is unknown yet: flooded to B and C, never back to A. */
	send64(0, mac_of[1], 1);
	assert_int_equal(tp[0].frames, 0);
	assert_int_equal(tp[1].frames, 1);
	assert_int_equal(tp[2].frames, 1);
	assert_int_equal(tp[1].last_len, 64);
	assert_memory_equal(tp[1].last + ETH_ALEN, mac_of[0], ETH_ALEN);
	/* A was learned: B's reply goes to A only. */
	clear_rx();
	send64(1, mac_of[0], 2);
	assert_int_equal(tp[0].frames, 1);
	assert_int_equal(tp[1].frames, 0);
	assert_int_equal(tp[2].frames, 0);
	assert_int_equal(tp[0].last[20], 2);
	/* And now B is known too. */
	clear_rx();
	send64(0, mac_of[1], 3);
	assert_int_equal(tp[1].frames, 1);
	assert_int_equal(tp[2].frames, 0);
	after = stats();
	assert_int_equal(after.flooded - before.flooded, 1);
	assert_int_equal(after.forwarded - before.forwarded, 2);
	assert_int_equal(after.dropped - before.dropped, 0);
	assert_int_equal(after.macs, 2);
	assert_int_equal(after.ports, 3);
}

static void test_broadcast_and_multicast_flooded(void **state)
{
	struct netswitch_stats before = stats();

	send64(1, mac_of[0], 0);	/* everyone learns B ... */
	send64(0, mac_of[1], 0);	/* ... and A */
	clear_rx();
	send64(0, bcast, 1);
	assert_int_equal(tp[0].frames, 0);
	assert_int_equal(tp[1].frames, 1);
	assert_int_equal(tp[2].frames, 1);
	clear_rx();
	send64(2, mcast, 2);
	assert_int_equal(tp[0].frames, 1);
	assert_int_equal(tp[1].frames, 1);
	assert_int_equal(tp[2].frames, 0);
	assert_int_equal(stats().flooded - before.flooded, 3);	/* the first, unknown A */
}

static void test_no_echo_to_sender(void **state)
{
	static const u8 behind_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct netswitch_stats before = stats();
	u8 buf[64];

	/* A station behind port A (A is a bridge to it) talks ... */
	netport_send(&tp[0].port, buf, frame(buf, bcast, behind_a, sizeof(buf), 1));
	clear_rx();
	/* ... and A sends to it: the destination is on A's own side. */
	send64(0, behind_a, 2);
	for (unsigned int i = 0; i < NPORTS; i++)
		assert_int_equal(tp[i].frames, 0);
	assert_int_equal(stats().dropped - before.dropped, 1);
	assert_int_equal(tp[0].port.tx_dropped, 1);
	assert_int_equal(tp[0].port.tx_frames, 1);
	/* A flood never includes the sender either (checked above for each). */
}

static void test_runts_giants_and_bad_sources_dropped(void **state)
{
	static const u8 zero[ETH_ALEN];
	struct netswitch_stats before = stats();
	static u8 buf[ETH_FRAME_MAX + 1];

	netport_send(&tp[0].port, buf, frame(buf, bcast, mac_of[0], ETH_HLEN - 1, 1));
	netport_send(&tp[0].port, buf, frame(buf, bcast, mac_of[0], ETH_FRAME_MAX + 1, 2));
	netport_send(&tp[0].port, buf, frame(buf, bcast, mcast, 64, 3));
	netport_send(&tp[0].port, buf, frame(buf, bcast, zero, 64, 4));
	netport_send(&tp[0].port, buf, 0);
	for (unsigned int i = 0; i < NPORTS; i++)
		assert_int_equal(tp[i].frames, 0);
	assert_int_equal(stats().dropped - before.dropped, 5);
	assert_int_equal(tp[0].port.tx_dropped, 5);
	assert_int_equal(tp[0].port.tx_frames, 0);
	assert_int_equal(stats().macs, 0);	/* nothing learned from them */
	/* The limits themselves pass. */
	netport_send(&tp[0].port, buf, frame(buf, bcast, mac_of[0], ETH_HLEN, 5));
	netport_send(&tp[0].port, buf, frame(buf, bcast, mac_of[0], ETH_FRAME_MAX, 6));
	assert_int_equal(tp[1].frames, 2);
	assert_int_equal(tp[1].last_len, ETH_FRAME_MAX);
	assert_int_equal(tp[1].last[ETH_FRAME_MAX - 1], 6);
	assert_int_equal(tp[0].port.tx_frames, 2);
}

static void test_counters(void **state)
{
	send64(0, bcast, 1);			/* to B and C */
	send64(1, mac_of[0], 2);		/* to A */
	tp[2].refuse = true;
	send64(0, bcast, 3);			/* C refuses it */
	assert_int_equal(tp[0].port.tx_frames, 2);
	assert_int_equal(tp[0].port.tx_bytes, 128);
	assert_int_equal(tp[0].port.rx_frames, 1);
	assert_int_equal(tp[0].port.rx_bytes, 64);
	assert_int_equal(tp[1].port.tx_frames, 1);
	assert_int_equal(tp[1].port.rx_frames, 2);
	assert_int_equal(tp[1].port.rx_bytes, 128);
	assert_int_equal(tp[2].port.rx_frames, 1);
	assert_int_equal(tp[2].port.rx_dropped, 1);
	assert_int_equal(tp[2].port.tx_frames, 0);
	for (unsigned int i = 0; i < NPORTS; i++)
		assert_int_equal(tp[i].port.inflight, 0);
	/* Attaching again starts from zero. */
	netport_detach(&tp[0].port);
	assert_int_equal(netport_attach(sw, &tp[0].port), 0);
	assert_int_equal(tp[0].port.tx_frames, 0);
	assert_int_equal(tp[0].port.rx_bytes, 0);
}

static void test_station_moves(void **state)
{
	u8 buf[64];

	send64(0, bcast, 1);		/* A's address behind port A */
	/* The same address now speaks from port C (a VM moved, say). */
	netport_send(&tp[2].port, buf, frame(buf, bcast, mac_of[0], sizeof(buf), 2));
	clear_rx();
	send64(1, mac_of[0], 3);
	assert_int_equal(tp[0].frames, 0);
	assert_int_equal(tp[2].frames, 1);
}

static void test_aging(void **state)
{
	u64 hz = arch_counter_freq();

	send64(0, bcast, 1);
	assert_int_equal(stats().macs, 1);
	/* Still known just before the age limit ... */
	fake_counter_advance(hz * NETSWITCH_MAC_AGE_S);
	clear_rx();
	send64(1, mac_of[0], 2);
	assert_int_equal(tp[0].frames, 1);
	assert_int_equal(tp[2].frames, 0);
	assert_int_equal(stats().macs, 2);		/* A, and now B */
	/* ... forgotten after it: flooded again. */
	fake_counter_advance(hz * NETSWITCH_MAC_AGE_S + 1);
	assert_int_equal(stats().macs, 0);
	clear_rx();
	send64(1, mac_of[0], 3);
	assert_int_equal(tp[0].frames, 1);
	assert_int_equal(tp[2].frames, 1);
}

static void test_table_is_bounded(void **state)
{
	u8 buf[64], src[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
	const unsigned int n = 3 * NETSWITCH_MAC_ENTRIES;

	/* Many stations behind port A, each seen once, one tick apart. */
	for (unsigned int i = 0; i < n; i++) {
		src[4] = (u8)(i >> 8);
		src[5] = (u8)i;
		netport_send(&tp[0].port, buf, frame(buf, bcast, src, sizeof(buf), 0));
		fake_counter_advance(1);
	}
	assert_true(stats().macs <= NETSWITCH_MAC_ENTRIES);
	assert_true(stats().macs >= NETSWITCH_MAC_ENTRIES / 2);
	/* The most recent station is known: B's frame to it goes to A only. */
	clear_rx();
	send64(1, src, 1);
	assert_int_equal(tp[0].frames, 1);
	assert_int_equal(tp[2].frames, 0);
}

static void test_attach_errors(void **state)
{
	static struct tport extra[NETSWITCH_MAX_PORTS];
	struct tport dup, noops;
	unsigned int i;

	/* Already attached. */
	assert_int_equal(netport_attach(sw, &tp[0].port), -EINVAL);
	assert_console_contains("g0/net0: cannot attach: already attached");
	/* Same name as an attached port. */
	tport_init(&dup, 1);
	assert_int_equal(netport_attach(sw, &dup.port), -EEXIST);
	assert_console_contains("br0: cannot attach g1/net0: a port of that name is attached");
	assert_null(dup.port.sw);
	/* No receive function. */
	tport_init(&noops, 0);
	strcpy(noops.port.name, "noops");
	noops.port.ops = NULL;
	assert_int_equal(netport_attach(sw, &noops.port), -EINVAL);
	/* A name taken on one switch is free on another. */
	assert_int_equal(netport_attach(netswitch_find("lan-1"), &dup.port), 0);
	netport_detach(&dup.port);
	assert_null(dup.port.sw);
	/* Full. */
	for (i = 0; i < NETSWITCH_MAX_PORTS - NPORTS; i++) {
		tport_init(&extra[i], 0);
		snprintf(extra[i].port.name, sizeof(extra[i].port.name), "x%u", i);
		assert_int_equal(netport_attach(sw, &extra[i].port), 0);
	}
	tport_init(&extra[i], 0);
	strcpy(extra[i].port.name, "one-too-many");
	assert_int_equal(netport_attach(sw, &extra[i].port), -ENOSPC);
	assert_console_contains("br0: cannot attach one-too-many: the switch has its 64 ports");
	/* A broadcast reaches all 63 others. */
	send64(0, bcast, 1);
	for (i = 0; i < NETSWITCH_MAX_PORTS - NPORTS; i++) {
		assert_int_equal(extra[i].frames, 1);
		netport_detach(&extra[i].port);
	}
	assert_int_equal(stats().ports, NPORTS);
}

static void test_detach(void **state)
{
	unsigned int before;

	send64(1, bcast, 1);		/* B learned */
	send64(0, bcast, 2);		/* A learned */
	before = stats().macs;
	netport_detach(&tp[1].port);
	assert_null(tp[1].port.sw);
	assert_int_equal(stats().ports, NPORTS - 1);
	assert_int_equal(stats().macs, before - 1);	/* B's address forgotten */
	clear_rx();
	/* To B's old address: unknown now, flooded to C only. */
	send64(0, mac_of[1], 3);
	assert_int_equal(tp[1].frames, 0);
	assert_int_equal(tp[2].frames, 1);
	/* Detaching twice, or a port never attached, does nothing. */
	netport_detach(&tp[1].port);
	/* A detached port's send is dropped and counted. */
	send64(1, bcast, 4);
	assert_int_equal(tp[0].frames, 0);
	assert_int_equal(tp[1].port.tx_dropped, 1);
}

/* A delivery may send into the switch itself: the switch lock is not held
 * while ports receive. */
static void forward_from_c(struct tport *t)
{
	u8 buf[64];

	if (t == &tp[2] && t->frames == 0)
		netport_send(&tp[2].port, buf, frame(buf, mac_of[0], mac_of[2], sizeof(buf), 9));
}

static void test_receive_may_send(void **state)
{
	send64(0, bcast, 1);		/* A learned; C forwards a frame to A */
	on_receive = forward_from_c;
	clear_rx();
	send64(1, bcast, 2);
	on_receive = NULL;
	assert_int_equal(tp[0].frames, 2);	/* B's broadcast and C's frame */
	assert_int_equal(tp[0].last[20], 9);
	assert_int_equal(tp[2].frames, 1);
}

/* ---- detach waits for a delivery on another thread ----------------------- */

static atomic_int in_receive, release_receive, detach_done;

static void block_in_receive(struct tport *t)
{
	if (t != &tp[1])
		return;
	atomic_store(&in_receive, 1);
	while (!atomic_load(&release_receive))
		sched_yield();
}

static void *sender_thread(void *arg)
{
	u8 buf[64];

	netport_send(&tp[0].port, buf, frame(buf, mac_of[1], mac_of[0], sizeof(buf), 7));
	return NULL;
}

static void *detach_thread(void *arg)
{
	netport_detach(&tp[1].port);
	atomic_store(&detach_done, 1);
	return NULL;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void test_detach_waits_for_delivery(void **state)
{
	pthread_t sender, detacher;
	struct netswitch_stats st;

	send64(1, bcast, 1);		/* B learned: A's frame goes to B only */
	atomic_store(&in_receive, 0);
	atomic_store(&release_receive, 0);
	atomic_store(&detach_done, 0);
	on_receive = block_in_receive;
	assert_int_equal(pthread_create(&sender, NULL, sender_thread, NULL), 0);
	while (!atomic_load(&in_receive))
		sched_yield();
	/* The switch is usable meanwhile (its lock is free) ... */
	netswitch_get_stats(sw, &st);
	assert_int_equal(st.ports, NPORTS);
	assert_int_equal(__atomic_load_n(&tp[1].port.inflight, __ATOMIC_RELAXED), 1);
	/* ... but the detach of B waits for the delivery to B to end. */
	assert_int_equal(pthread_create(&detacher, NULL, detach_thread, NULL), 0);
	while (stats().ports != NPORTS - 1)	/* off the list: now it waits */
		sched_yield();
	pause_ms(50);
	assert_false(atomic_load(&detach_done));
	atomic_store(&release_receive, 1);
	assert_int_equal(pthread_join(sender, NULL), 0);
	assert_int_equal(pthread_join(detacher, NULL), 0);
	assert_true(atomic_load(&detach_done));
	on_receive = NULL;
	assert_int_equal(tp[1].frames, 1);
	assert_int_equal(tp[1].port.inflight, 0);
	assert_false(fake_irqs_masked(0));
}

/* ---- iteration ----------------------------------------------------------- */

static void count_switch(struct netswitch *s, void *ctx)
{
	char *names = ctx;

	assert_false(arch_irqs_disabled());
	strcat(names, netswitch_name(s));
	strcat(names, " ");
}

static void count_port(struct netport *p, void *ctx)
{
	char *names = ctx;

	assert_true(arch_irqs_disabled());
	strcat(names, p->name);
	strcat(names, " ");
}

static void test_for_each(void **state)
{
	char names[256] = "";

	netswitch_for_each(count_switch, names);
	assert_string_equal(names, "br0 lan-1 ");
	names[0] = '\0';
	netswitch_for_each_port(sw, count_port, names);
	assert_string_equal(names, "g0/net0 g1/net0 g2/net0 ");
	names[0] = '\0';
	netswitch_for_each_port(netswitch_find("lan-1"), count_port, names);
	assert_string_equal(names, "");
	assert_false(arch_irqs_disabled());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_switches_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learning_and_forwarding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast_and_multicast_flooded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_echo_to_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runts_giants_and_bad_sources_dropped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_station_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_may_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach_waits_for_delivery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_for_each, setup, teardown),
	};

	return cmocka_run_group_tests_name(__FILE__, tests, group_setup, group_teardown);
}
