// SPDX-License-Identifier: GPL-2.0
/*
 * The fake architecture: the arch_*.h hooks implemented on plain host state,
 * so core/ and libs/ sources run in native unit tests (like Hafnium's
 * src/arch/fake). Host "physical" addresses are host pointers. Tests steer it
 * through fake_arch.h. Thread switching (arch_thread.h) is in thread.c.
 */
#include <arch_defs.h>
#include <arch_boot.h>
#include <arch_cpu.h>
#include <arch_debug.h>
#include <arch_irq.h>
#include <arch_mmu.h>
#include <arch_timer.h>
#include <fake_arch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int cur_cpu;
static bool irq_masked[CONFIG_NR_CPUS];
static u64 counter;
static u64 counter_freq = FAKE_COUNTER_FREQ;
static char console[FAKE_CONSOLE_SIZE];
static size_t console_len, console_dropped;

jmp_buf fake_halt_env;
bool fake_halt_armed;
unsigned int fake_halt_count;
unsigned int fake_system_off_calls, fake_system_reset_calls;
unsigned int fake_wait_for_irq_calls;
bool fake_cpu_started[CONFIG_NR_CPUS];
u64 fake_cpu_start_hwid[CONFIG_NR_CPUS];

void fake_arch_reset(void)
{
	cur_cpu = 0;
	memset(irq_masked, 0, sizeof(irq_masked));
	counter = 0;
	counter_freq = FAKE_COUNTER_FREQ;
	fake_console_reset();
	fake_halt_armed = false;
	fake_halt_count = 0;
	fake_system_off_calls = fake_system_reset_calls = 0;
	fake_wait_for_irq_calls = 0;
	memset(fake_cpu_started, 0, sizeof(fake_cpu_started));
	memset(fake_cpu_start_hwid, 0, sizeof(fake_cpu_start_hwid));
}

void fake_cpu_set(unsigned int cpu)
{
	if (cpu >= CONFIG_NR_CPUS) {
		fprintf(stderr, "fake arch: CPU %u out of range (NR_CPUS %d)\n", cpu,
			CONFIG_NR_CPUS);
		abort();
	}
	cur_cpu = cpu;
}

bool fake_irqs_masked(unsigned int cpu)
{
	return cpu < CONFIG_NR_CPUS && irq_masked[cpu];
}

void fake_counter_set(u64 ticks)
{
	counter = ticks;
}

void fake_counter_advance(u64 ticks)
{
	counter += ticks;
}

void fake_counter_set_freq(u64 hz)
{
	counter_freq = hz;
}

const char *fake_console_output(void)
{
	console[console_len] = '\0';
	return console;
}

size_t fake_console_dropped(void)
{
	return console_dropped;
}

void fake_console_reset(void)
{
	console_len = 0;
	console_dropped = 0;
	console[0] = '\0';
}

/* --- arch_cpu.h -------------------------------------------------------- */

/* The CPU fake_cpu_set chose; 0 after reset. */
unsigned int arch_cpu_id(void)
{
	return cur_cpu;
}

/* Same as fake_cpu_set: bring-up code records the CPU it runs on. */
void arch_cpu_set_id(unsigned int cpu)
{
	fake_cpu_set(cpu);
}

/* Nothing to yield to: single-threaded host tests never spin on a lock
 * someone else holds (a held lock here would be a deadlock in the test). */
void arch_cpu_relax(void)
{
}

/* No interrupt can arrive on the host: counts the call and returns. */
void arch_cpu_wait_for_irq(void)
{
	fake_wait_for_irq_calls++;
}

/* Records the request and accepts it; no code runs on the "started" CPU. */
int arch_cpu_start(unsigned int cpu, u64 hwid)
{
	if (cpu < CONFIG_NR_CPUS) {
		fake_cpu_started[cpu] = true;
		fake_cpu_start_hwid[cpu] = hwid;
	}
	return 0;
}

/* The hardware id of fake CPU n is n. */
u64 arch_cpu_hwid(void)
{
	return cur_cpu;
}

void arch_cpu_describe(char *buf, size_t len)
{
	snprintf(buf, len, "fake CPU %u (host unit test)", cur_cpu);
}

/* Longjmps to the test that armed FAKE_HALTS(), else aborts the binary. */
__noreturn void arch_cpu_halt(void)
{
	fake_halt_count++;
	irq_masked[cur_cpu] = true;
	if (fake_halt_armed) {
		fake_halt_armed = false;
		longjmp(fake_halt_env, 1);
	}
	fprintf(stderr, "fake arch: arch_cpu_halt() on CPU %u outside FAKE_HALTS()\n"
		"console so far:\n%s\n", cur_cpu, fake_console_output());
	abort();
}

/* "Firmware refused": counts the request and returns, as the contract allows. */
void arch_system_off(void)
{
	fake_system_off_calls++;
}

void arch_system_reset(void)
{
	fake_system_reset_calls++;
}

const char *arch_name(void)
{
	return "fake";
}

const char *arch_privilege_level(void)
{
	return "host";
}

/* --- arch_irq.h -------------------------------------------------------- */

/* Masks the calling CPU's IRQs; the flags are the previous mask (0 or 1). */
unsigned long arch_irq_save(void)
{
	unsigned long flags = irq_masked[cur_cpu];

	irq_masked[cur_cpu] = true;
	return flags;
}

/* Restores a mask state from arch_irq_save; any other value is a test bug. */
void arch_irq_restore(unsigned long flags)
{
	if (flags > 1) {
		fprintf(stderr, "fake arch: arch_irq_restore(%#lx): not from arch_irq_save\n",
			flags);
		abort();
	}
	irq_masked[cur_cpu] = flags;
}

void arch_irq_enable(void)
{
	irq_masked[cur_cpu] = false;
}

void arch_irq_disable(void)
{
	irq_masked[cur_cpu] = true;
}

bool arch_irqs_disabled(void)
{
	return irq_masked[cur_cpu];
}

/* --- arch_timer.h ------------------------------------------------------ */

/* The value the test last set; it never moves on its own. */
u64 arch_counter_read(void)
{
	return counter;
}

/* FAKE_COUNTER_FREQ unless a test chose another. */
u64 arch_counter_freq(void)
{
	return counter_freq;
}

/* --- arch_mmu.h -------------------------------------------------------- */

/* Identity: the host has no device to map, the address comes back as is. */
hva_t arch_mmu_map_device(hpa_t pa, size_t size)
{
	return (hva_t)pa;
}

/* Host memory is already mapped. */
int arch_mmu_map_ram(hpa_t pa, size_t size)
{
	return 0;
}

/* Identity: a host pointer is its own "physical" address. */
hva_t arch_hpa_to_hva(hpa_t pa)
{
	return (hva_t)pa;
}

hpa_t arch_hva_to_hpa(hva_t va)
{
	return (hpa_t)va;
}

void arch_zero_pages(void *p, size_t len)
{
	memset(p, 0, len);
}

unsigned long arch_mmu_table_pages(void)
{
	return 0;
}

/* --- arch_debug.h ------------------------------------------------------ */

/* Appends to the capture buffer tests read with fake_console_output. */
void arch_early_puts(const char *s, size_t len)
{
	size_t room = sizeof(console) - 1 - console_len;
	size_t n = len < room ? len : room;
	static int echo = -1;

	memcpy(console + console_len, s, n);
	console_len += n;
	console[console_len] = '\0';
	console_dropped += len - n;
	if (echo < 0)
		echo = getenv("KESTREL_FAKE_ECHO") && !strcmp(getenv("KESTREL_FAKE_ECHO"), "1");
	if (echo)
		fwrite(s, 1, len, stderr);
}

void arch_regs_dump(const struct arch_regs *regs)
{
	char line[96];
	int n;

	for (unsigned int i = 0; i < 31; i++) {
		n = snprintf(line, sizeof(line), "x%-2u %016llx%s", i,
			     (unsigned long long)regs->x[i], i % 4 == 3 || i == 30 ? "\n" : "  ");
		arch_early_puts(line, n);
	}
	n = snprintf(line, sizeof(line), "sp  %016llx  pc  %016llx  status %llx\n",
		     (unsigned long long)regs->sp, (unsigned long long)regs->elr,
		     (unsigned long long)regs->spsr);
	arch_early_puts(line, n);
	n = snprintf(line, sizeof(line), "syndrome %llx  fault address %016llx\n",
		     (unsigned long long)regs->esr, (unsigned long long)regs->far);
	arch_early_puts(line, n);
}

/* No frame walk on the host: says so on the console. */
void arch_backtrace(void)
{
	static const char msg[] = "backtrace: not available on the fake arch\n";

	arch_early_puts(msg, sizeof(msg) - 1);
}

/* --- arch_boot.h ------------------------------------------------------- */

/* Nothing to set up on the host; tests call the core's init functions. */
void arch_early_init(struct boot_info *info)
{
}

int arch_init(void)
{
	return 0;
}

void arch_secondary_init(unsigned int cpu)
{
	fake_cpu_set(cpu);
}
