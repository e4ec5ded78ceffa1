/* SPDX-License-Identifier: GPL-2.0 */
/* Host interrupt routing: one irqchip driver, handlers indexed by hwirq. */
#ifndef KESTREL_IRQ_H
#define KESTREL_IRQ_H

#include <kestrel/types.h>

#define IRQ_MAX 1024	/* hwirq numbers handled, indexed directly */

/* Inter-processor interrupts the core uses, numbered 0..IPI_COUNT-1. */
enum ipi {
	IPI_KICK,	/* reschedule / wake from idle */
	IPI_STOP,	/* halt for panic, reset or shutdown */
	IPI_COUNT
};

enum irq_trigger { IRQ_TRIGGER_LEVEL, IRQ_TRIGGER_EDGE };

struct irqchip_ops {
	const char *name;
	/* Per-CPU interface init on the calling CPU (redistributor, CPU interface). */
	int (*cpu_init)(unsigned int cpu);
	/* Acknowledges the highest-priority pending interrupt; returns its hwirq
	 * or a value >= IRQ_MAX when none (spurious). IRQ context. */
	unsigned int (*ack)(void);
	/* Ends handling of hwirq. IRQ context. */
	void (*eoi)(unsigned int hwirq);
	/* Enables / disables delivery of hwirq, routed to `cpu` for shared ones. */
	void (*enable)(unsigned int hwirq, unsigned int cpu);
	void (*disable)(unsigned int hwirq);
	void (*set_trigger)(unsigned int hwirq, enum irq_trigger t);
	/* Sends IPI `ipi` to one CPU. Any context. */
	void (*send_ipi)(unsigned int cpu, enum ipi ipi);
	/* hwirq that carries `ipi` on this irqchip. */
	unsigned int (*ipi_hwirq)(enum ipi ipi);
	/* Decodes an interrupt specifier of the device tree (the cells of one
	 * "interrupts" entry whose parent is this controller). */
	int (*dt_translate)(const u32 *cells, int ncells, unsigned int *hwirq,
			    enum irq_trigger *trigger);
};

typedef void (*irq_handler_t)(unsigned int hwirq, void *arg);

/* Registers the interrupt controller. Boot context. */
void irqchip_register(const struct irqchip_ops *ops);
const char *irqchip_name(void);

/* Installs handler for hwirq under a name shown by `host irqs`, and enables
 * it on `cpu` (per-CPU interrupts are enabled on each CPU by irq_cpu_init). */
int irq_request(unsigned int hwirq, const char *name, irq_handler_t handler, void *arg,
		enum irq_trigger trigger, bool percpu, unsigned int cpu);

/* Interrupt `idx` of a host DT node as hwirq and trigger, decoded by the
 * irqchip. Returns 0, -ENOENT when the node has no such interrupt, or
 * -EINVAL for a specifier the irqchip does not understand. Boot context. */
int irq_from_dt(const void *fdt, int node, int idx, unsigned int *hwirq,
		enum irq_trigger *trigger);

/* Per-CPU interrupt setup on the calling CPU: irqchip CPU interface and
 * every per-CPU interrupt requested so far. */
int irq_cpu_init(unsigned int cpu);

/* Entry from the arch IRQ vector: acknowledges, dispatches, EOIs. IRQ context. */
void irq_handle(void);

/* Masks / unmasks a per-CPU interrupt (a PPI) on the calling CPU only, for
 * a handler that must silence a level it cannot clear yet. IRQ or thread
 * context with IRQs masked. */
void irq_local_disable(unsigned int hwirq);
void irq_local_enable(unsigned int hwirq);

void irq_send_ipi(unsigned int cpu, enum ipi ipi);

/* For `host irqs`: calls fn for each requested interrupt. */
struct irq_desc_info {
	unsigned int hwirq;
	const char *name;
	bool percpu;
	enum irq_trigger trigger;
	u64 count;
};
void irq_for_each(void (*fn)(const struct irq_desc_info *info, void *ctx), void *ctx);
u64 irq_spurious_count(void);

#endif
