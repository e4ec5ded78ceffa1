// SPDX-License-Identifier: GPL-2.0
/* `vcpu list|regs|stats`: the virtual CPUs of every guest, or of one. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/timer.h>
#include <kestrel/vcpu.h>
#include <arch_guest.h>
#include <stdlib.h>
#include <string.h>

#define VCPU_USAGE "vcpu list [guest] | vcpu regs <guest> <n> | vcpu stats [guest]"

static const char *const vcpu_verbs[] = { "list", "regs", "stats", NULL };

static struct guest *find_guest(const char *name)
{
	struct guest *g = guest_find(name);

	if (!g)
		term_error("no guest named '%s' (see guest list)", name);
	return g;
}

static void list_vcpus(struct guest *g, void *ctx)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		char where[96];

		if (!v)
			continue;
		where[0] = '\0';
		arch_vcpu_describe(v, where, sizeof(where));
		printk("%-16s %-5u %-4u %-7s %-6s 0x%-9llx %s\n", g->cfg.name, v->id, v->host_cpu,
		       vcpu_state_name(READ_ONCE(v->state)), READ_ONCE(v->power_on) ? "on" : "off",
		       (unsigned long long)v->mpidr, where);
	}
}

static void stats_vcpus(struct guest *g, void *ctx)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		struct vcpu_stats s;

		if (!v)
			continue;
		/* Counters move while the vCPU runs; a copy keeps one line coherent enough. */
		s = v->stats;
		printk("%-16s %-5u %-10llu %-9llu %-9llu %-9llu %-9llu %-9llu %-7llu %-7llu %llu\n",
		       g->cfg.name, v->id, (unsigned long long)s.entries,
		       (unsigned long long)s.exits_mmio, (unsigned long long)s.exits_hvc,
		       (unsigned long long)s.exits_sysreg, (unsigned long long)s.exits_wfx,
		       (unsigned long long)s.exits_irq, (unsigned long long)s.exits_other,
		       (unsigned long long)s.aborts,
		       (unsigned long long)(time_ticks_to_ns(s.run_ticks) / 1000000));
	}
}

/* Runs fn for the named guest, or for every guest when name is NULL. */
static int for_guests(const char *name, void (*fn)(struct guest *g, void *ctx),
		      const char *header)
{
	struct guest *g = NULL;

	if (name) {
		g = find_guest(name);
		if (!g)
			return -EINVAL;
	} else if (!guest_count()) {
		printk("no guests\n");
		return 0;
	}
	printk("%s\n", header);
	if (g)
		fn(g, NULL);
	else
		guest_for_each(fn, NULL);
	return 0;
}

static int vcpu_regs(const char *name, const char *num)
{
	struct guest *g = find_guest(name);
	struct vcpu *v;
	unsigned long n;
	char *end;

	if (!g)
		return -EINVAL;
	n = strtoul(num, &end, 10);
	if (!*num || *end || n >= g->nr_vcpus || !g->vcpus[n]) {
		if (!g->nr_vcpus)
			return term_error("%s has no vCPUs", g->cfg.name);
		return term_error("%s has %u vCPU%s (0 to %u)", g->cfg.name, g->nr_vcpus,
				  g->nr_vcpus == 1 ? "" : "s", g->nr_vcpus - 1);
	}
	/* The registers are only consistent while no vCPU runs. */
	if (g->state == GUEST_RUNNING)
		return term_error("pause %s first (guest pause %s)", g->cfg.name, g->cfg.name);
	v = g->vcpus[n];
	printk("vCPU %u of %s (host CPU %u, %s, power %s):\n", v->id, g->cfg.name, v->host_cpu,
	       vcpu_state_name(READ_ONCE(v->state)), READ_ONCE(v->power_on) ? "on" : "off");
	arch_vcpu_dump(v);
	return 0;
}

static int vcpu_run(int argc, char **argv)
{
	const char *verb;

	if (argc < 2)
		return term_error("vcpu: missing subcommand (usage: " VCPU_USAGE ")");
	verb = argv[1];
	if (!strcmp(verb, "list")) {
		if (argc > 3)
			return term_error("vcpu list: too many arguments (usage: vcpu list "
					  "[guest])");
		return for_guests(argc == 3 ? argv[2] : NULL, list_vcpus,
				  "GUEST            VCPU  CPU  STATE   POWER  MPIDR       CONTEXT");
	}
	if (!strcmp(verb, "stats")) {
		if (argc > 3)
			return term_error("vcpu stats: too many arguments (usage: vcpu stats "
					  "[guest])");
		return for_guests(argc == 3 ? argv[2] : NULL, stats_vcpus,
				  "GUEST            VCPU  ENTRIES    MMIO      HVC       SYSREG    "
				  "WFX       IRQ       OTHER   ABORTS  RUN MS");
	}
	if (!strcmp(verb, "regs")) {
		if (argc < 4)
			return term_error("vcpu regs: missing %s (usage: vcpu regs <guest> <n>)",
					  argc < 3 ? "guest name" : "vCPU number");
		if (argc > 4)
			return term_error("vcpu regs: too many arguments (usage: vcpu regs "
					  "<guest> <n>)");
		return vcpu_regs(argv[2], argv[3]);
	}
	return term_error("vcpu: unknown subcommand '%s' (expected list, regs or stats)", verb);
}

TERM_CMD(cmd_vcpu) = {
	.name = "vcpu",
	.summary = "show virtual CPUs: state, registers, exit counters",
	.usage = VCPU_USAGE,
	.verbs = vcpu_verbs,
	.run = vcpu_run,
};
