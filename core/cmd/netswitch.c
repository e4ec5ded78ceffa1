// SPDX-License-Identifier: GPL-2.0
/* `netswitch list|ports`: the virtual switches, their ports and counters. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/netswitch.h>
#include <string.h>

#define NETSWITCH_USAGE "netswitch list | netswitch ports [<switch>]"

static const char *const netswitch_verbs[] = { "list", "ports", NULL };

static void list_one(struct netswitch *sw, void *ctx)
{
	struct netswitch_stats st;
	unsigned int *count = ctx;

	netswitch_get_stats(sw, &st);
	if (!(*count)++)
		printk("SWITCH           PORTS  MACS   FORWARDED    FLOODED      DROPPED\n");
	printk("%-16s %-6u %-6u %-12llu %-12llu %llu\n", netswitch_name(sw), st.ports, st.macs,
	       (unsigned long long)st.forwarded, (unsigned long long)st.flooded,
	       (unsigned long long)st.dropped);
}

static void netswitch_list(void)
{
	unsigned int count = 0;

	netswitch_for_each(list_one, &count);
	if (!count)
		printk("no switches\n");
}

/* `netswitch ports`: a switch's ports are copied under its lock (IRQs are
 * masked there) and printed after it. Commands run in the one terminal
 * thread, so one static buffer does. */
static struct port_copy {
	char name[NETPORT_NAME_MAX];
	u8 mac[ETH_ALEN];
	bool uplink;
	u64 tx_frames, tx_bytes, rx_frames, rx_bytes, rx_dropped, tx_dropped;
} ports[NETSWITCH_MAX_PORTS];

struct port_walk {
	unsigned int count;	/* copied from the current switch */
	unsigned int shown;	/* printed, all switches */
};

static void copy_port(struct netport *p, void *ctx)
{
	struct port_walk *w = ctx;
	struct port_copy *c;

	if (w->count >= NETSWITCH_MAX_PORTS)
		return;
	c = &ports[w->count++];
	strlcpy(c->name, p->name, sizeof(c->name));
	memcpy(c->mac, p->mac, ETH_ALEN);
	c->uplink = p->uplink;
	c->tx_frames = p->tx_frames;
	c->tx_bytes = p->tx_bytes;
	c->rx_frames = p->rx_frames;
	c->rx_bytes = p->rx_bytes;
	c->rx_dropped = p->rx_dropped;
	c->tx_dropped = p->tx_dropped;
}

static void ports_one(struct netswitch *sw, void *ctx)
{
	struct port_walk *w = ctx;

	w->count = 0;
	netswitch_for_each_port(sw, copy_port, w);
	for (unsigned int i = 0; i < w->count; i++) {
		const struct port_copy *c = &ports[i];

		if (!w->shown++)
			printk("SWITCH           PORT                 MAC                UPLINK  "
			       "TX FRAMES  TX BYTES    RX FRAMES  RX BYTES    RX DROPPED  TX DROPPED\n");
		printk("%-16s %-20s %02x:%02x:%02x:%02x:%02x:%02x  %-7s %-10llu %-11llu %-10llu "
		       "%-11llu %-11llu %llu\n", netswitch_name(sw), c->name, c->mac[0], c->mac[1],
		       c->mac[2], c->mac[3], c->mac[4], c->mac[5], c->uplink ? "yes" : "no",
		       (unsigned long long)c->tx_frames, (unsigned long long)c->tx_bytes,
		       (unsigned long long)c->rx_frames, (unsigned long long)c->rx_bytes,
		       (unsigned long long)c->rx_dropped, (unsigned long long)c->tx_dropped);
	}
}

static int netswitch_ports(const char *name)
{
	struct port_walk w = { 0, 0 };

	if (name) {
		struct netswitch *sw = netswitch_find(name);

		if (!sw)
			return term_error("no switch named '%s' (see netswitch list)", name);
		ports_one(sw, &w);
	} else {
		netswitch_for_each(ports_one, &w);
	}
	if (!w.shown)
		printk("no ports\n");
	return 0;
}

static int netswitch_run(int argc, char **argv)
{
	const char *verb;

	if (argc < 2)
		return term_error("netswitch: missing subcommand (usage: " NETSWITCH_USAGE ")");
	verb = argv[1];
	if (!strcmp(verb, "list")) {
		if (argc > 2)
			return term_error("netswitch list: takes no arguments");
		netswitch_list();
		return 0;
	}
	if (!strcmp(verb, "ports")) {
		if (argc > 3)
			return term_error("netswitch ports: too many arguments (usage: netswitch "
					  "ports [<switch>])");
		return netswitch_ports(argc == 3 ? argv[2] : NULL);
	}
	return term_error("netswitch: unknown subcommand '%s' (expected list or ports)", verb);
}

TERM_CMD(cmd_netswitch) = {
	.name = "netswitch",
	.summary = "virtual Ethernet switches: list them, show their ports",
	.usage = NETSWITCH_USAGE,
	.verbs = netswitch_verbs,
	.run = netswitch_run,
};
