/* SPDX-License-Identifier: GPL-2.0 */
/* GICv3: distributor, this CPU's redistributor, ICC system registers at EL1. */
#ifndef BASIC_GIC_H
#define BASIC_GIC_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*irq_handler_t)(uint32_t intid);

/* Distributor: affinity routing and group 1 on; once, on CPU 0. */
int gic_init_dist(void);
/* This CPU's redistributor (found by MPIDR) and CPU interface. */
int gic_init_cpu(void);
/* Enable an SGI/PPI on this CPU, or an SPI routed to this CPU. */
void gic_enable_irq(uint32_t intid, bool level);
void gic_set_handler(uint32_t intid, irq_handler_t fn);
void gic_send_sgi(uint64_t target_mpidr, uint32_t sgi);
void gic_handle_irq(void);
uint64_t gic_redist_base(unsigned int cpu);
/* Why the last gic_init_* failed. */
extern const char *gic_error;

#endif
