// SPDX-License-Identifier: GPL-2.0
/* `host info|cpus|irqs|mem`: what Kestrel runs on and how it uses it. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/driver.h>
#include <kestrel/emulator.h>
#include <kestrel/entropy.h>
#include <kestrel/hostdt.h>
#include <kestrel/irq.h>
#include <kestrel/page_alloc.h>
#include <kestrel/payload.h>
#include <kestrel/percpu.h>
#include <kestrel/thread.h>
#include <kestrel/timer.h>
#include <kestrel/version.h>
#include <arch_boot.h>
#include <arch_cpu.h>
#include <arch_mmu.h>
#include <arch_timer.h>
#include <string.h>

extern struct boot_info boot;

static const char *const host_verbs[] = { "info", "cpus", "irqs", "mem", NULL };

static int list_payload_file(const struct cpio_file *f, void *ctx)
{
	printk("%s%s (%zu bytes)", *(int *)ctx ? ", " : "", f->name, f->size);
	(*(int *)ctx)++;
	return 0;
}

static void list_emulator(const struct emulator *e, void *ctx)
{
	printk("%s%s (%s)", *(int *)ctx ? ", " : "", e->name, e->compatible[0]);
	(*(int *)ctx)++;
}

static void list_driver(const struct driver *d, void *ctx)
{
	printk("%s%s (%s)", *(int *)ctx ? ", " : "", d->name, driver_class_name(d->cls));
	(*(int *)ctx)++;
}

static void host_info(void)
{
	char cpu[96];
	u64 up = time_now_ns();
	int n = 0;

	arch_cpu_describe(cpu, sizeof(cpu));
	printk("version:   Kestrel %s on %s (%s, %s)\n", KESTREL_VERSION, CONFIG_BOARD_NAME, arch_name(),
	       arch_privilege_level());
	printk("model:     %s\n", host.model);
	printk("cpus:      %u online of %u (%s)\n", cpus_online(), nr_cpus, cpu);
	printk("counter:   %llu Hz, uptime %llu.%03llu s\n",
	       (unsigned long long)arch_counter_freq(), (unsigned long long)(up / 1000000000),
	       (unsigned long long)(up / 1000000 % 1000));
	printk("devices:   irqchip %s, timer %s, console %s\n", irqchip_name(), clockevent_name(),
	       console_name());
	printk("entropy:   %s, %llu bytes read\n", entropy_source_name() ?: "none",
	       (unsigned long long)entropy_bytes_read());
	printk("image:     0x%llx-0x%llx (%llu KiB)\n", (unsigned long long)boot.image_start,
	       (unsigned long long)boot.image_end,
	       (unsigned long long)(boot.image_end - boot.image_start) / 1024);
	printk("host dtb:  0x%llx (%zu bytes)\n", (unsigned long long)boot.fdt, host.fdt_size);
	if (payload_state() == PAYLOAD_OK) {
		printk("payload:   0x%llx (%llu bytes): ", (unsigned long long)payload_base(),
		       (unsigned long long)payload_size());
		payload_for_each(list_payload_file, &n);
		printk("\n");
	} else {
		printk("payload:   error: %s\n", payload_error());
	}
	printk("bootargs:  %s\n", host.bootargs[0] ? host.bootargs : "(none)");
	printk("drivers:   ");
	n = 0;
	driver_for_each(list_driver, &n);
	printk("\n");
	printk("emulators: ");
	n = 0;
	emulator_for_each(list_emulator, &n);
	printk("\n");
}

static void host_cpus(void)
{
	u64 up = time_ns_to_ticks(time_now_ns());

	printk("CPU  HWID        STATE    TIMER  IRQS      IPIS      SWITCHES  IDLE\n");
	for (unsigned int i = 0; i < nr_cpus; i++) {
		struct cpu *c = &cpus[i];
		/* A CPU asleep right now has not accounted its current wait yet. */
		u64 idle = c->idle_ticks +
			   (READ_ONCE(c->in_idle) ? arch_counter_read() - c->idle_since : 0);
		u64 idle_pct = up ? MIN(idle * 100 / up, 100ULL) : 0;

		printk("%-4u 0x%-9llx %-8s %-6s %-9llu %-9llu %-9llu %llu%%\n", i,
		       (unsigned long long)c->hwid, cpu_state_name(c->state),
		       c->state != CPU_ONLINE ? "-" : c->timer_selftest_ok ? "ok" : "FAIL",
		       (unsigned long long)c->irqs, (unsigned long long)c->ipis,
		       (unsigned long long)c->switches, (unsigned long long)idle_pct);
	}
}

static void print_irq(const struct irq_desc_info *d, void *ctx)
{
	printk("%-6u %-16s %-8s %-6s %llu\n", d->hwirq, d->name, d->percpu ? "per-cpu" : "shared",
	       d->trigger == IRQ_TRIGGER_EDGE ? "edge" : "level", (unsigned long long)d->count);
}

static void host_irqs(void)
{
	printk("irqchip: %s\n", irqchip_name());
	printk("HWIRQ  NAME             KIND     TRIG   COUNT\n");
	irq_for_each(print_irq, NULL);
	printk("spurious: %llu\n", (unsigned long long)irq_spurious_count());
}

static void host_mem(void)
{
	struct page_stats st;
	struct page_zone_stats z;

	printk("RAM banks (host DT):\n");
	for (unsigned int i = 0; i < host.nr_mem; i++)
		printk("  0x%010llx-0x%010llx %6llu MiB\n", (unsigned long long)host.mem[i].base,
		       (unsigned long long)(host.mem[i].base + host.mem[i].size),
		       (unsigned long long)(host.mem[i].size >> 20));
	printk("reserved:\n");
	printk("  0x%010llx-0x%010llx image\n", (unsigned long long)boot.image_start,
	       (unsigned long long)boot.image_end);
	printk("  0x%010llx-0x%010llx host DTB\n", (unsigned long long)boot.fdt,
	       (unsigned long long)(boot.fdt + host.fdt_size));
	if (host.has_initrd)
		printk("  0x%010llx-0x%010llx payload\n", (unsigned long long)host.initrd_start,
		       (unsigned long long)host.initrd_end);
	for (unsigned int i = 0; i < host.nr_reserved; i++)
		printk("  0x%010llx-0x%010llx firmware\n", (unsigned long long)host.reserved[i].base,
		       (unsigned long long)(host.reserved[i].base + host.reserved[i].size));
	page_get_stats(&st);
	printk("page allocator: %llu KiB total, %llu KiB free, %llu blocks allocated\n",
	       (unsigned long long)(st.total_pages * PAGE_SIZE / 1024),
	       (unsigned long long)(st.free_pages * PAGE_SIZE / 1024),
	       (unsigned long long)st.live_blocks);
	printk("  allocs %llu, frees %llu, failed %llu\n", (unsigned long long)st.allocs,
	       (unsigned long long)st.frees, (unsigned long long)st.failed);
	for (unsigned int i = 0; page_get_zone_stats(i, &z) == 0; i++) {
		unsigned int big = 0;

		for (unsigned int k = 0; k < PAGE_MAX_ORDER; k++)
			if (z.free_blocks[k])
				big = k;
		printk("  zone %u at 0x%llx: %llu pages, %llu free, largest free block %llu KiB\n",
		       i, (unsigned long long)z.base, (unsigned long long)z.pages,
		       (unsigned long long)z.free_pages,
		       z.free_pages ? (unsigned long long)((PAGE_SIZE << big) / 1024) : 0ULL);
	}
	printk("hypervisor page tables: %lu pages\n", arch_mmu_table_pages());
}

static int host_run(int argc, char **argv)
{
	if (argc < 2)
		return term_error("host: missing subcommand (usage: host info|cpus|irqs|mem)");
	if (argc > 2)
		return term_error("host %s: too many arguments", argv[1]);
	if (!strcmp(argv[1], "info"))
		host_info();
	else if (!strcmp(argv[1], "cpus"))
		host_cpus();
	else if (!strcmp(argv[1], "irqs"))
		host_irqs();
	else if (!strcmp(argv[1], "mem"))
		host_mem();
	else
		return term_error("host: unknown subcommand '%s' (expected info, cpus, irqs or mem)",
				  argv[1]);
	return 0;
}

TERM_CMD(cmd_host) = {
	.name = "host",
	.summary = "show the host machine: info, CPUs, interrupts, memory",
	.usage = "host info|cpus|irqs|mem",
	.verbs = host_verbs,
	.run = host_run,
};
