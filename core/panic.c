// SPDX-License-Identifier: GPL-2.0
/* Fatal errors: say what happened, stop every CPU. */
#include <kestrel/panic.h>
#include <kestrel/console.h>
#include <kestrel/percpu.h>
#include <kestrel/irq.h>
#include <arch_debug.h>
#include <arch_irq.h>
#include <printf.h>
#include <stdarg.h>

static void stop_other_cpus(void)
{
	for (unsigned int i = 0; i < nr_cpus; i++)
		if (i != arch_cpu_id() && cpus[i].state == CPU_ONLINE)
			irq_send_ipi(i, IPI_STOP);
}

__noreturn void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	arch_irq_disable();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("\nkestrel: PANIC on CPU %u: %s\n", arch_cpu_id(), msg);
	arch_backtrace();
	stop_other_cpus();
	printk("kestrel: system halted\n");
	console_flush();
	arch_cpu_halt();
}

__noreturn void boot_fatal(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	arch_irq_disable();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("kestrel: fatal: %s\nkestrel: system halted\n", msg);
	console_flush();
	stop_other_cpus();
	arch_cpu_halt();
}
