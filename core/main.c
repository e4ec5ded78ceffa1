// SPDX-License-Identifier: GPL-2.0
/* Boot sequence of the core, from the arch entry to the terminal. */
#define LOG_PREFIX "kestrel"
#include <arch_boot.h>
#include <arch_guest.h>
#include <arch_cpu.h>
#include <arch_irq.h>
#include <arch_mmu.h>
#include <kestrel/console.h>
#include <kestrel/driver.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/hostdt.h>
#include <kestrel/irq.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include <kestrel/panic.h>
#include <kestrel/payload.h>
#include <kestrel/percpu.h>
#include <kestrel/smp.h>
#include <kestrel/term.h>
#include <kestrel/thread.h>
#include <kestrel/timer.h>
#include <kestrel/version.h>
#include <libfdt.h>
#include <printf.h>

struct boot_info boot;

static void setup_memory(void)
{
	struct page_range rsv[HOSTDT_MAX_RESERVED + 3];
	unsigned int n = 0;

	rsv[n++] = (struct page_range){ boot.image_start, boot.image_end - boot.image_start };
	rsv[n++] = (struct page_range){ boot.fdt, host.fdt_size };
	if (host.has_initrd)
		rsv[n++] = (struct page_range){ host.initrd_start,
						host.initrd_end - host.initrd_start };
	for (unsigned int i = 0; i < host.nr_reserved; i++)
		rsv[n++] = host.reserved[i];

	for (unsigned int i = 0; i < host.nr_mem; i++) {
		if (arch_mmu_map_ram(host.mem[i].base, host.mem[i].size))
			boot_fatal("cannot map RAM bank 0x%llx+0x%llx: out of page tables",
				   (unsigned long long)host.mem[i].base,
				   (unsigned long long)host.mem[i].size);
		if (page_zone_add(host.mem[i].base, host.mem[i].size, rsv, n))
			log_warn("RAM bank 0x%llx+0x%llx not usable",
				 (unsigned long long)host.mem[i].base,
				 (unsigned long long)host.mem[i].size);
	}
	struct page_stats st;

	page_get_stats(&st);
	if (!st.free_pages)
		boot_fatal("no free RAM after the image, DTB and payload");
	log_info("memory: %llu MiB in %u bank(s), %llu MiB free",
		 (unsigned long long)(st.total_pages >> (20 - PAGE_SHIFT)), st.zones,
		 (unsigned long long)(st.free_pages >> (20 - PAGE_SHIFT)));
}

/* Appends the compatibles that drivers of `cls` match, for error messages. */
struct compat_list {
	enum driver_class cls;
	char buf[128];
	size_t len;
};

static void add_compatibles(const struct driver *d, void *ctx)
{
	struct compat_list *cl = ctx;

	if (d->cls != cl->cls)
		return;
	for (const char *const *c = d->compatible; *c; c++)
		if (cl->len < sizeof(cl->buf))
			cl->len += snprintf(cl->buf + cl->len, sizeof(cl->buf) - cl->len, "%s%s",
					    cl->len ? ", " : "", *c);
}

static void probe_required(enum driver_class cls, const char *what)
{
	const char *name;
	int node, err = driver_probe_class(host.fdt, cls, &name, &node);
	char path[96];

	if (err == -ENODEV && node < 0) {
		struct compat_list cl = { .cls = cls };

		driver_for_each(add_compatibles, &cl);
		boot_fatal("host DT: no supported %s (this build has drivers for: %s)", what,
			   cl.len ? cl.buf : "none");
	}
	if (err)
		boot_fatal("host DT: %s %s at %s failed to initialize (%s)", what, name,
			   hostdt_path(host.fdt, node, path, sizeof(path)), strerror(err));
	log_info("%s: %s at %s", what, name, hostdt_path(host.fdt, node, path, sizeof(path)));
}

/* A missing console is not fatal: the early console, if any, keeps working. */
static void probe_console(void)
{
	const char *name;
	int node;

	if (driver_probe_class(host.fdt, DRIVER_CONSOLE, &name, &node))
		log_warn("no supported console in the host DT: staying on the early console");
}

__noreturn void kestrel_main(struct boot_info *info)
{
	char err[160];
	int r;

	boot = *info;
	printk("\nKestrel %s (%s, %s) starting at %s\n", KESTREL_VERSION, arch_name(),
	       CONFIG_BOARD_NAME, arch_privilege_level());
	if (!boot.fdt)
		boot_fatal("no host DTB: the boot loader passed none (x0 = 0); "
			   "boot the arm64 Image with booti or QEMU -kernel");
	r = hostdt_parse((const void *)arch_hpa_to_hva(boot.fdt), &host, err, sizeof(err));
	if (r)
		boot_fatal("host DTB at 0x%llx is malformed: %s", (unsigned long long)boot.fdt, err);
	time_init();
	log_info("host: %s, %u CPU(s), DTB at 0x%llx", host.model, host.nr_cpus,
		 (unsigned long long)boot.fdt);
	if (host.has_psci)
		log_info("firmware: PSCI over %s", host.psci_method);
	else
		log_warn("host DT has no /psci node: secondary CPUs and power off unavailable");
	if (host.nr_cpus_dt > host.nr_cpus)
		log_warn("host DT lists %u CPUs, this build supports %u (CONFIG_NR_CPUS)",
			 host.nr_cpus_dt, host.nr_cpus);

	setup_memory();
	if (arch_init())
		boot_fatal("architecture init failed");
	smp_init_cpus();

	probe_required(DRIVER_IRQCHIP, "interrupt controller");
	probe_required(DRIVER_TIMER, "timer");
	probe_console();
	if (irq_cpu_init(0))
		boot_fatal("interrupt controller: CPU 0 interface init failed");
	if (arch_virt_init())
		log_err("virtualization support failed to initialize: guests cannot run");
	arch_irq_enable();
	smp_cpu_online(0);
	/* Disks, NICs, the entropy source: every node, after the console.
	 * They need interrupts (a disk's partition table is read here). */
	driver_probe_all(host.fdt, DRIVER_DEVICE);

	payload_init(host.has_initrd, host.initrd_start, host.initrd_end);
	smp_boot_secondaries();
	term_start();
	guests_init();
	sched_start_idle();
}
