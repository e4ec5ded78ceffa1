// SPDX-License-Identifier: GPL-2.0
/* `guest list|info|create|destroy|start|stop|pause|resume|reset|dump`: guests
 * from the terminal. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/devemu.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/payload.h>
#include <kestrel/vcpu.h>
#include <arch_guest.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>

#define GUEST_USAGE \
	"guest list | guest info|create|destroy|start|stop|pause|resume|reset|dump <name>"
#define ERR_MAX 160

static const char *const guest_verbs[] = {
	"list", "info", "create", "destroy", "start", "stop", "pause", "resume", "reset", "dump",
	NULL
};

/* The operations that take a guest and only report success or failure. */
static const struct guest_ctl {
	const char *verb;
	int (*op)(struct guest *g, char *err, size_t errlen);
	const char *done;		/* printed as "<name>: <done>" */
} guest_ctls[] = {
	{ "start", guest_start, "started" },
	{ "stop", guest_stop, "stopped" },
	{ "pause", guest_pause, "paused" },
	{ "resume", guest_resume, "resumed" },
	{ "reset", guest_reset, "reset" },
	{ "destroy", guest_destroy, "destroyed" },
};

static struct guest *find_guest(const char *name)
{
	struct guest *g = guest_find(name);

	if (!g)
		term_error("no guest named '%s' (see guest list)", name);
	return g;
}

static void list_one(struct guest *g, void *ctx)
{
	char mem[24];

	snprintf(mem, sizeof(mem), "%llu MiB", (unsigned long long)(g->cfg.ram_size >> 20));
	printk("%-16s %-8s %-6u %-10s %-6llu %s\n", g->cfg.name, guest_state_name(g->state),
	       g->cfg.vcpus, mem, (unsigned long long)g->boots, g->cfg.autostart ? "yes" : "no");
}

static void guest_list(void)
{
	if (!guest_count()) {
		printk("no guests\n");
		return;
	}
	printk("NAME             STATE    VCPUS  MEMORY     BOOTS  AUTOSTART\n");
	guest_for_each(list_one, NULL);
}

/* MMIO regions are copied out under the map lock and printed after it, so
 * the guest's traps do not wait for the console. */
#define MAX_REGIONS 64

static struct region_copy {
	gpa_t base;
	u64 size;
	const char *name;
	u64 reads, writes;
} regions[MAX_REGIONS];

struct region_walk {
	unsigned int count, total;
};

static void copy_region(struct devemu_region *r, void *ctx)
{
	struct region_walk *w = ctx;

	if (w->count < MAX_REGIONS)
		regions[w->count++] = (struct region_copy){ r->base, r->size, r->name,
							     r->reads, r->writes };
	w->total++;
}

static void print_devices(struct guest *g)
{
	if (!g->nr_devs) {
		printk("devices:   none\n");
		return;
	}
	printk("devices:\n");
	printk("  NAME         COMPATIBLE          EMULATOR     BASE          SIZE        IRQ\n");
	for (unsigned int i = 0; i < g->nr_devs; i++) {
		const struct guest_device_config *d = g->devs[i].cfg;
		char base[24] = "-", size[24] = "-", irq[32] = "-";

		if (d->has_reg) {
			snprintf(base, sizeof(base), "0x%08llx", (unsigned long long)d->base);
			snprintf(size, sizeof(size), "0x%llx", (unsigned long long)d->size);
		}
		if (d->has_irq)
			snprintf(irq, sizeof(irq), "SPI %u (INTID %u)", d->irq, d->irq + 32);
		printk("  %-12s %-19s %-12s %-13s %-11s %s\n", d->name,
		       d->compatible ? d->compatible : "-", g->devs[i].emu->name, base, size, irq);
	}
}

static void print_regions(struct guest *g)
{
	struct region_walk w = { 0, 0 };

	devemu_map_for_each(&g->mmio, copy_region, &w);
	if (!w.total) {
		printk("MMIO regions: none\n");
		return;
	}
	printk("MMIO regions:\n");
	printk("  BASE          SIZE        NAME              READS       WRITES\n");
	for (unsigned int i = 0; i < w.count; i++)
		printk("  0x%08llx    0x%-9llx %-17s %-11llu %llu\n",
		       (unsigned long long)regions[i].base, (unsigned long long)regions[i].size,
		       regions[i].name ? regions[i].name : "-",
		       (unsigned long long)regions[i].reads, (unsigned long long)regions[i].writes);
	if (w.total > w.count)
		printk("  ... and %u more\n", w.total - w.count);
}


/* Where the guest's RAM lives in host memory, as runs of contiguous 2 MiB
 * blocks (at most four shown). */
static void print_host_ram(const struct guest *g)
{
	const struct guest_ram *r = &g->ram;
	unsigned int shown = 0, i = 0;

	printk("host RAM:  ");
	while (i < r->nr_chunks && shown < 4) {
		unsigned int j = i + 1;

		while (j < r->nr_chunks && r->chunks[j] == r->chunks[j - 1] + SZ_2M)
			j++;
		printk("%s0x%llx-0x%llx", shown ? ", " : "", (unsigned long long)r->chunks[i],
		       (unsigned long long)(r->chunks[j - 1] + SZ_2M));
		shown++;
		i = j;
	}
	printk("%s (%u blocks of 2 MiB)\n", i < r->nr_chunks ? ", ..." : "", r->nr_chunks);
}

static void guest_info(struct guest *g)
{
	const struct guest_config *c = &g->cfg;
	bool pinned = false;

	printk("name:      %s (id %u)\n", c->name, g->id);
	printk("state:     %s (last event: %s)\n", guest_state_name(g->state),
	       g->last_event ? g->last_event : "none");
	printk("vcpus:     %u, affinity", c->vcpus);
	for (unsigned int i = 0; i < c->vcpus; i++)
		pinned |= c->affinity[i] >= 0;
	if (!pinned)
		printk(" any CPU");
	for (unsigned int i = 0; pinned && i < c->vcpus; i++) {
		if (c->affinity[i] >= 0)
			printk(" %d", c->affinity[i]);
		else
			printk(" any");
	}
	printk("\n");
	printk("priority:  %u\n", c->priority);
	printk("memory:    0x%08llx-0x%08llx (%llu MiB)\n", (unsigned long long)c->ram_base,
	       (unsigned long long)(c->ram_base + c->ram_size),
	       (unsigned long long)(c->ram_size >> 20));
	print_host_ram(g);
	printk("kernel:    %s\n", c->kernel);
	printk("initrd:    %s\n", c->initrd[0] ? c->initrd : "(none)");
	printk("bootargs:  %s\n", c->bootargs[0] ? c->bootargs : "(none)");
	printk("autostart: %s\n", c->autostart ? "yes" : "no");
	printk("boots:     %llu\n", (unsigned long long)g->boots);
	print_devices(g);
	print_regions(g);
}

static int guest_create_cmd(const char *name)
{
	const void *fdt = payload_config_dtb();
	char err[ERR_MAX];
	struct guest *g;
	int node = -FDT_ERR_NOTFOUND, r;

	if (guest_find(name))
		return term_error("guest %s already exists (see guest info %s)", name, name);
	if (payload_state() != PAYLOAD_OK)
		return term_error("%s", payload_error());
	if (!fdt)
		return term_error("the payload has no valid config.dtb (see log show)");
	/* A subnode lookup, not a path: a name with '/' in it finds nothing. */
	r = fdt_path_offset(fdt, "/guests");
	if (r >= 0)
		node = fdt_subnode_offset(fdt, r, name);
	if (node < 0)
		return term_error("no guest node /guests/%s in config.dtb", name);
	err[0] = '\0';
	r = guest_create(fdt, node, &g, err, sizeof(err));
	if (r)
		return term_error("%s", err[0] ? err : "guest create failed");
	printk("%s: created (%s)\n", g->cfg.name, guest_state_name(g->state));
	return 0;
}

static int guest_ctl_cmd(const struct guest_ctl *ctl, const char *name)
{
	struct guest *g = find_guest(name);
	char err[ERR_MAX];

	if (!g)
		return -EINVAL;
	err[0] = '\0';
	if (ctl->op(g, err, sizeof(err)))
		return term_error("%s", err[0] ? err : "the operation failed");
	/* After destroy g is gone: print the name the user gave. */
	printk("%s: %s\n", name, ctl->done);
	return 0;
}

static int guest_dump(struct guest *g)
{
	/* The registers are only consistent while no vCPU runs. */
	if (g->state == GUEST_RUNNING)
		return term_error("pause %s first (guest pause %s)", g->cfg.name, g->cfg.name);
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];

		if (!v)
			continue;
		printk("vCPU %u (host CPU %u, %s, power %s):\n", v->id, v->host_cpu,
		       vcpu_state_name(READ_ONCE(v->state)), READ_ONCE(v->power_on) ? "on" : "off");
		arch_vcpu_dump(v);
	}
	return 0;
}

static bool is_guest_verb(const char *verb)
{
	for (const char *const *v = guest_verbs; *v; v++)
		if (!strcmp(verb, *v))
			return true;
	return false;
}

static int guest_run(int argc, char **argv)
{
	const char *verb, *name;
	struct guest *g;

	if (argc < 2)
		return term_error("guest: missing subcommand (usage: " GUEST_USAGE ")");
	verb = argv[1];
	if (!is_guest_verb(verb))
		return term_error("guest: unknown subcommand '%s' (expected list, info, create, "
				  "destroy, start, stop, pause, resume, reset or dump)", verb);
	if (!strcmp(verb, "list")) {
		if (argc > 2)
			return term_error("guest list: takes no arguments");
		guest_list();
		return 0;
	}
	if (argc < 3)
		return term_error("guest %s: missing guest name (usage: guest %s <name>)", verb,
				  verb);
	if (argc > 3)
		return term_error("guest %s: too many arguments (usage: guest %s <name>)", verb,
				  verb);
	name = argv[2];
	if (!strcmp(verb, "create"))
		return guest_create_cmd(name);
	for (unsigned int i = 0; i < ARRAY_SIZE(guest_ctls); i++)
		if (!strcmp(verb, guest_ctls[i].verb))
			return guest_ctl_cmd(&guest_ctls[i], name);
	g = find_guest(name);
	if (!g)
		return -EINVAL;
	if (!strcmp(verb, "dump"))
		return guest_dump(g);
	guest_info(g);
	return 0;
}

TERM_CMD(cmd_guest) = {
	.name = "guest",
	.summary = "list, create, start, stop, pause, reset and inspect guests",
	.usage = GUEST_USAGE,
	.verbs = guest_verbs,
	.run = guest_run,
};
