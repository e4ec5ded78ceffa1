// SPDX-License-Identifier: GPL-2.0
/* EL2 exceptions taken by the hypervisor itself: IRQs are dispatched, any
 * other exception prints a decoded register dump and a backtrace. */
#include <arch_debug.h>
#include <arch_defs.h>
#include <arch_cpu.h>
#include <arch_sysreg.h>
#include <kestrel/console.h>
#include <kestrel/irq.h>
#include <kestrel/panic.h>
#include "arm64.h"

static const char *const kinds[16] = {
	"synchronous (EL2, SP_EL0)", "IRQ (EL2, SP_EL0)", "FIQ (EL2, SP_EL0)",
	"SError (EL2, SP_EL0)", "synchronous (EL2)", "IRQ (EL2)", "FIQ (EL2)",
	"SError (EL2)", "synchronous (lower EL, AArch64)", "IRQ (lower EL, AArch64)",
	"FIQ (lower EL, AArch64)", "SError (lower EL, AArch64)",
	"synchronous (lower EL, AArch32)", "IRQ (lower EL, AArch32)",
	"FIQ (lower EL, AArch32)", "SError (lower EL, AArch32)",
};

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x07: return "FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC (AArch64)";
	case 0x16: return "HVC (AArch64)";
	case 0x17: return "SMC (AArch64)";
	case 0x18: return "system register access";
	case 0x20: return "instruction abort (lower EL)";
	case 0x21: return "instruction abort (same EL)";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort (lower EL)";
	case 0x25: return "data abort (same EL)";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError";
	case 0x3c: return "BRK instruction";
	default: return "other";
	}
}

static const char *fault_status(unsigned int fsc)
{
	switch (fsc & 0x3c) {
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	case 0x10: return "synchronous external abort";
	case 0x20: return "alignment fault";
	default: return "fault";
	}
}

void arch_regs_dump(const struct arch_regs *r)
{
	unsigned int ec = (r->esr >> 26) & 0x3f;

	printk("  ESR_EL2 0x%08llx: EC 0x%02x %s, IL %llu, ISS 0x%07llx\n",
	       (unsigned long long)r->esr, ec, ec_name(ec), (unsigned long long)(r->esr >> 25) & 1,
	       (unsigned long long)r->esr & 0x1ffffff);
	if (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25)
		printk("  %s at FAR_EL2 0x%016llx (%s, level %u)\n",
		       (ec & 4) ? ((r->esr & (1 << 6)) ? "write" : "read") : "fetch",
		       (unsigned long long)r->far, fault_status(r->esr & 0x3f),
		       (unsigned int)(r->esr & 3));
	printk("  PC  0x%016llx  SP  0x%016llx  SPSR 0x%08llx\n", (unsigned long long)r->elr,
	       (unsigned long long)r->sp, (unsigned long long)r->spsr);
	for (int i = 0; i < 30; i += 3)
		printk("  x%-2d 0x%016llx  x%-2d 0x%016llx  x%-2d 0x%016llx\n", i,
		       (unsigned long long)r->x[i], i + 1, (unsigned long long)r->x[i + 1], i + 2,
		       (unsigned long long)r->x[i + 2]);
	printk("  x30 0x%016llx\n", (unsigned long long)r->x[30]);
}

extern char _start[], _etext[];

static void print_frame(u64 addr)
{
	printk("    [<0x%016llx>] (image offset 0x%llx)\n", (unsigned long long)addr,
	       (unsigned long long)(addr - (u64)_start));
}

static void backtrace_from(u64 fp)
{
	for (int depth = 0; depth < 16 && fp && !(fp & 7); depth++) {
		u64 *frame = (u64 *)fp;
		u64 lr = frame[1];

		if (lr < (u64)_start || lr >= (u64)_etext)
			break;
		print_frame(lr);
		if (frame[0] <= fp)
			break;	/* frames grow up the stack; anything else is garbage */
		fp = frame[0];
	}
}

void arch_backtrace(void)
{
	printk("  call trace (image base 0x%llx):\n", (unsigned long long)(u64)_start);
	backtrace_from((u64)__builtin_frame_address(0));
	barrier();	/* not a tail call: our frame must outlive the walk */
}

/* The trapped context: where it was, who called it, then its frame chain. */
static void backtrace_regs(const struct arch_regs *r)
{
	printk("  call trace (image base 0x%llx):\n", (unsigned long long)(u64)_start);
	print_frame(r->elr);
	print_frame(r->x[30]);
	backtrace_from(r->x[29]);
}

void arm64_irq_exception(struct arch_regs *r)
{
	irq_handle();
}

__noreturn void arm64_sync_exception(struct arch_regs *r)
{
	printk("\nkestrel: unexpected %s exception on CPU %u\n", kinds[4], arch_cpu_id());
	arch_regs_dump(r);
	backtrace_regs(r);
	panic("unhandled exception in the hypervisor");
}

__noreturn void arm64_unexpected_exception(struct arch_regs *r, int kind)
{
	printk("\nkestrel: unexpected %s exception on CPU %u\n", kinds[kind & 15], arch_cpu_id());
	arch_regs_dump(r);
	if (kind < 8)
		backtrace_regs(r);
	panic("unhandled exception");
}
