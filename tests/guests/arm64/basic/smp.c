// SPDX-License-Identifier: GPL-2.0
/* The second vCPU: PSCI CPU_ON entry, SGI ping-pong, the running counter (WFI in bench mode). */
#include "smp.h"
#include "exc.h"
#include "gic.h"
#include "mmu.h"
#include "platform.h"
#include "sysreg.h"

volatile enum cpu1_state cpu1_state;
volatile uint64_t cpu1_counter;
volatile uint64_t cpu1_context_id;
volatile uint32_t sgi_seen[2][16];
uint64_t cpu0_mpidr, cpu1_mpidr;

static void sgi_irq(uint32_t intid)
{
	unsigned int cpu = this_cpu() & 1;

	sgi_seen[cpu][intid]++;
	if (cpu == 1 && intid == SGI_PING)
		gic_send_sgi(cpu0_mpidr, SGI_PONG);
}

void smp_init(void)
{
	cpu0_mpidr = this_mpidr();
	cpu1_mpidr = ~0ULL;
	for (int i = 0; i < plat.ncpus; i++) {
		if ((plat.cpu_mpidr[i] & MPIDR_AFF_MASK) != cpu0_mpidr) {
			cpu1_mpidr = plat.cpu_mpidr[i] & MPIDR_AFF_MASK;
			break;
		}
	}
	gic_set_handler(SGI_HELLO, sgi_irq);
	gic_set_handler(SGI_PING, sgi_irq);
	gic_set_handler(SGI_PONG, sgi_irq);
	gic_enable_irq(SGI_HELLO, false);
	gic_enable_irq(SGI_PONG, false);
}

void secondary_main(uint64_t context_id)
{
	mmu_enable();
	cpu1_context_id = context_id;	/* stored once caches are on, like CPU 0's */
	exc_install();
	tls_init(1);
	if (gic_init_cpu()) {
		cpu1_state = CPU1_FAILED;
		halt();
	}
	gic_enable_irq(SGI_PING, false);
	irq_enable();
	cpu1_state = CPU1_UP;
	gic_send_sgi(cpu0_mpidr, SGI_HELLO);
	/* Benchmark mode: only answer SGIs, asleep in between, so that this
	 * vCPU takes no time from the one being measured. */
	if (plat.mode == BOOT_BENCH)
		for (;;)
			wfi();
	/* Count for as long as the guest runs: `counter` shows it move. */
	for (;;)
		cpu1_counter++;
}
