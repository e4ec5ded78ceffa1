// SPDX-License-Identifier: GPL-2.0
/* EL1 exception handling: the vector table, IRQ dispatch, caught probe aborts, SVC. */
#include <stdio.h>
#include "exc.h"
#include "gic.h"
#include "sysreg.h"

#define EC_SVC64	0x15		/* SVC from AArch64 */

extern char exc_vectors[];
extern char probe_load_insn[], probe_store_insn[];
uint64_t probe_load64(uint64_t addr);
void probe_store64(uint64_t addr, uint64_t value);

/* The probe in flight on CPU 0 (only CPU 0 runs checks). */
static struct probe_result *volatile probe_armed;

static const char *const vector_names[16] = {
	"sync (sp_el0)", "irq (sp_el0)", "fiq (sp_el0)", "serror (sp_el0)",
	"sync", "irq", "fiq", "serror",
	"sync (lower el64)", "irq (lower el64)", "fiq (lower el64)", "serror (lower el64)",
	"sync (lower el32)", "irq (lower el32)", "fiq (lower el32)", "serror (lower el32)",
};

void exc_install(void)
{
	write_sysreg(vbar_el1, (uint64_t)exc_vectors);
	isb();
}

static _Noreturn void fatal(struct exc_frame *f, unsigned long vec)
{
	printf("\nbasic: FATAL unexpected %s exception on cpu%u: esr 0x%lx far 0x%lx "
	       "elr 0x%lx spsr 0x%lx\n", vector_names[vec & 15], this_cpu(),
	       read_sysreg(esr_el1), read_sysreg(far_el1), f->elr, f->spsr);
	halt();
}

static bool catch_probe(struct exc_frame *f)
{
	struct probe_result *r = probe_armed;
	uint64_t esr = read_sysreg(esr_el1);

	if (!r || this_cpu() != 0 || ESR_EC(esr) != EC_DABT_CUR ||
	    (f->elr != (uint64_t)probe_load_insn && f->elr != (uint64_t)probe_store_insn))
		return false;
	r->aborted = true;
	r->esr = esr;
	r->far = read_sysreg(far_el1);
	f->elr += 4;			/* skip the faulting access */
	return true;
}

void exc_entry(struct exc_frame *f, unsigned long vec)
{
	if (vec == 5) {			/* IRQ, current EL with SP_EL1 */
		gic_handle_irq();
		return;
	}
	/* SVC returns at once: the bench's svc times the bare round trip
	 * (ELR already points past the SVC). */
	if (vec == 4 && ESR_EC(read_sysreg(esr_el1)) == EC_SVC64)
		return;
	if (vec == 4 && catch_probe(f))
		return;
	if (vec == 7 && probe_armed && this_cpu() == 0) {
		probe_armed->serror = true;
		probe_armed->esr = read_sysreg(esr_el1);
		return;
	}
	fatal(f, vec);
}

uint64_t probe_load(uint64_t addr, struct probe_result *r)
{
	*r = (struct probe_result){ 0 };
	probe_armed = r;
	uint64_t v = probe_load64(addr);
	probe_armed = 0;
	return v;
}

void probe_store(uint64_t addr, uint64_t value, struct probe_result *r)
{
	*r = (struct probe_result){ 0 };
	probe_armed = r;
	probe_store64(addr, value);
	probe_armed = 0;
}
