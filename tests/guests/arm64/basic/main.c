// SPDX-License-Identifier: GPL-2.0
/* Boot CPU: read the DTB, map memory, bring up console, GIC and timer, run checks, shell. */
#include <stdio.h>
#include "bench.h"
#include "checks.h"
#include "exc.h"
#include "gic.h"
#include "mmu.h"
#include "platform.h"
#include "psci.h"
#include "shell.h"
#include "smp.h"
#include "sysreg.h"
#include "timer.h"
#include "uart.h"

extern char _text[], _end[];

static void banner(void)
{
	printf("\nbasic: Kestrel arm64 test firmware at EL1 on cpu mpidr 0x%lx\n", this_mpidr());
	printf("basic: image 0x%lx-0x%lx, dtb 0x%lx (%u bytes)\n", plat.image_start,
	       plat.image_end, (uint64_t)plat.dtb, plat.dtb_size);
	for (int i = 0; i < plat.nmem; i++)
		printf("basic: ram 0x%lx-0x%lx (%lu MiB)\n", plat.mem[i].base,
		       plat.mem[i].base + plat.mem[i].size, plat.mem[i].size >> 20);
	printf("basic: pl011 0x%lx intid %u, gicv3 dist 0x%lx redist 0x%lx (%d regions), "
	       "vtimer intid %u, psci %s, %d cpus\n", plat.uart.base, plat.uart_intid,
	       plat.gicd.base, plat.ngicr ? plat.gicr[0].base : 0, plat.ngicr, plat.timer_intid,
	       psci_conduit_name(), plat.ncpus);
}

_Noreturn void boot_main(const void *dtb)
{
	plat.image_start = (uint64_t)_text;
	plat.image_end = (uint64_t)_end;
	/* With the MMU off only code built -mstrict-align may run: no picolibc. */
	if (platform_from_dt(dtb) || mmu_init())
		halt();
	tls_init(0);
	exc_install();
	uart_init(plat.uart.base);
	banner();
	if (plat.mode == BOOT_BENCH_PARTNER)
		bench_partner();
	if (plat.error) {
		printf("basic: FATAL dt: %s\n", plat.error);
		halt();
	}
	if (gic_init_dist() || gic_init_cpu()) {
		printf("basic: FATAL gic: %s\n", gic_error);
		halt();
	}
	timer_init();
	smp_init();
	uart_enable_rx_irq();
	irq_enable();
	__asm__ volatile("msr daifclr, #4" ::: "memory");	/* SError too */

	if (plat.mode == BOOT_BENCH)
		printf("basic: bench mode\n");
	else
		checks_run_all();
	shell_run();
}
