// SPDX-License-Identifier: GPL-2.0
/* Host interrupt dispatch: a direct-indexed handler table, no scans. */
#define LOG_PREFIX "irq"
#include <kestrel/irq.h>
#include <kestrel/percpu.h>
#include <kestrel/thread.h>
#include <kestrel/log.h>
#include <kestrel/errno.h>
#include <kestrel/hostdt.h>
#include <arch_cpu.h>

struct irq_desc {
	irq_handler_t handler;
	void *arg;
	const char *name;
	bool percpu;
	enum irq_trigger trigger;
	unsigned int cpu;
	u64 count;
};

static const struct irqchip_ops *chip;
static struct irq_desc descs[IRQ_MAX];
static u64 spurious;

static void ipi_kick(unsigned int hwirq, void *arg)
{
	this_cpu()->ipis++;
	sched_kick_received();
}

static void ipi_stop(unsigned int hwirq, void *arg)
{
	this_cpu()->state = CPU_OFFLINE;
	arch_cpu_halt();
}

void irqchip_register(const struct irqchip_ops *ops)
{
	chip = ops;
	irq_request(ops->ipi_hwirq(IPI_KICK), "ipi-kick", ipi_kick, NULL,
		    IRQ_TRIGGER_EDGE, true, 0);
	irq_request(ops->ipi_hwirq(IPI_STOP), "ipi-stop", ipi_stop, NULL,
		    IRQ_TRIGGER_EDGE, true, 0);
}

const char *irqchip_name(void)
{
	return chip ? chip->name : "none";
}

int irq_request(unsigned int hwirq, const char *name, irq_handler_t handler, void *arg,
		enum irq_trigger trigger, bool percpu, unsigned int cpu)
{
	struct irq_desc *d;

	if (!chip)
		return -ENODEV;
	if (hwirq >= IRQ_MAX) {
		log_err("%s: interrupt %u out of range", name, hwirq);
		return -EINVAL;
	}
	d = &descs[hwirq];
	if (d->handler) {
		log_err("%s: interrupt %u already used by %s", name, hwirq, d->name);
		return -EBUSY;
	}
	d->arg = arg;
	d->name = name;
	d->percpu = percpu;
	d->trigger = trigger;
	d->cpu = cpu;
	__atomic_store_n(&d->handler, handler, __ATOMIC_RELEASE);
	if (chip->set_trigger)
		chip->set_trigger(hwirq, trigger);
	/* Per-CPU interrupts are enabled on the calling CPU now and on each
	 * later CPU by irq_cpu_init. */
	chip->enable(hwirq, percpu ? arch_cpu_id() : cpu);
	return 0;
}

int irq_from_dt(const void *fdt, int node, int idx, unsigned int *hwirq,
		enum irq_trigger *trigger)
{
	u32 cells[4];
	int n;

	if (!chip || !chip->dt_translate)
		return -ENODEV;
	n = hostdt_irq_cells(fdt, node, idx, cells, ARRAY_SIZE(cells));
	if (n < 0)
		return n;
	return chip->dt_translate(cells, n, hwirq, trigger);
}

int irq_cpu_init(unsigned int cpu)
{
	int err = chip->cpu_init ? chip->cpu_init(cpu) : 0;

	if (err)
		return err;
	for (unsigned int i = 0; i < IRQ_MAX; i++) {
		if (descs[i].handler && descs[i].percpu) {
			if (chip->set_trigger)
				chip->set_trigger(i, descs[i].trigger);
			chip->enable(i, cpu);
		}
	}
	return 0;
}

void irq_handle(void)
{
	unsigned int hwirq = chip->ack();
	struct irq_desc *d;

	if (hwirq >= IRQ_MAX) {
		__atomic_add_fetch(&spurious, 1, __ATOMIC_RELAXED);
		return;
	}
	this_cpu()->irqs++;
	d = &descs[hwirq];
	__atomic_add_fetch(&d->count, 1, __ATOMIC_RELAXED);
	if (d->handler)
		d->handler(hwirq, d->arg);
	else
		__atomic_add_fetch(&spurious, 1, __ATOMIC_RELAXED);
	chip->eoi(hwirq);
}

void irq_local_disable(unsigned int hwirq)
{
	chip->disable(hwirq);
}

void irq_local_enable(unsigned int hwirq)
{
	chip->enable(hwirq, arch_cpu_id());
}

void irq_send_ipi(unsigned int cpu, enum ipi ipi)
{
	if (chip && chip->send_ipi)
		chip->send_ipi(cpu, ipi);
}

void irq_for_each(void (*fn)(const struct irq_desc_info *info, void *ctx), void *ctx)
{
	for (unsigned int i = 0; i < IRQ_MAX; i++) {
		struct irq_desc_info info;

		if (!descs[i].handler)
			continue;
		info.hwirq = i;
		info.name = descs[i].name;
		info.percpu = descs[i].percpu;
		info.trigger = descs[i].trigger;
		info.count = descs[i].count;
		fn(&info, ctx);
	}
}

u64 irq_spurious_count(void)
{
	return spurious;
}
