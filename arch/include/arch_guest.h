/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests and vCPUs as the architecture runs them: the second-stage address
 * space, the virtual interrupt controller, the vCPU register context, guest
 * entry and exit, and the trap handling that does not need the core.
 * core/guest.c and core/vcpu.c are the only callers.
 */
#ifndef ARCH_GUEST_H
#define ARCH_GUEST_H

#include <kestrel/types.h>
#include <kestrel/emulator.h>

struct guest;
struct guest_config;
struct vcpu;
struct snap_out;
struct snap_in;

/* --- guests ------------------------------------------------------------- */

/* Once at boot, after the host interrupt controller is up on the boot CPU
 * and before secondaries start: the per-CPU interrupts virtualization
 * needs (maintenance, virtual timer). 0 or a negative error (guests are
 * then unavailable). Boot context. */
int arch_virt_init(void);

/* Sets up g's arch state: a VMID, an empty second-stage table, the virtual
 * interrupt controller (its regions added to g->mmio), the virtual counter
 * offset. 0, -ENOSPC (no VMID left) or -ENOMEM. Thread context. */
int arch_guest_init(struct guest *g);

/* Frees everything arch_guest_init made and invalidates the TLB entries of
 * g's VMID. No vCPU of g runs. Thread context. */
void arch_guest_destroy(struct guest *g);

/* Maps guest-physical [gpa, gpa + size) to host-physical hpa as normal
 * read-write-execute memory, in the largest blocks alignment allows (2 MiB
 * when gpa and hpa are 2 MiB aligned). Page aligned. 0 or -ENOMEM. No vCPU
 * of g runs. Thread context. */
int arch_guest_map_ram(struct guest *g, gpa_t gpa, hpa_t hpa, u64 size);

/* The interrupt controller back to its reset state (guest reset); input
 * line levels are kept. No vCPU of g runs. */
void arch_guest_reset(struct guest *g);

/* Drives the input line of shared interrupt `spi` (INTID 32 + spi) of g:
 * level-sensitive, pending while high. 0 or -EINVAL. Any context. */
int arch_guest_irq_level(struct guest *g, unsigned int spi, bool level);

/* Where a kernel image goes in guest RAM: *offset from the RAM base and
 * *mem_size, the memory it needs from there (at least its file size), read
 * from the arch's image header (arm64 Image: text_offset, image_size). A
 * file without a header loads at offset 0. */
void arch_guest_image_layout(const void *img, size_t size, u64 *offset, u64 *mem_size);

/* Adds the arch nodes of a guest DTB under the root: /cpus (vcpus of cfg,
 * PSCI enable-method), /psci, the interrupt controller and the timer; sets
 * refs->intc_phandle. 0 or a negative libfdt error. Thread context. */
int arch_guest_fdt_nodes(void *fdt, int root, const struct guest_config *cfg,
			 struct guest_fdt_refs *refs);

/* The input level of shared interrupt `spi` of g (false for one it lacks).
 * Any context. */
bool arch_guest_irq_line(struct guest *g, unsigned int spi);

/* --- snapshots (docs/snapshot-format.md, kestrel/snapshot.h) ------------ */

/* The header's `arch` for this build (SNAP_ARCH_*). */
u16 arch_snap_arch(void);

/* The guest's virtual counter now / makes it read `vcounter` now (the
 * virtual counter offset). No vCPU of g runs. */
u64 arch_guest_vcounter(struct guest *g);
void arch_guest_set_vcounter(struct guest *g, u64 vcounter);

/* Writes the arch's sections of paused g (every vCPU parked and put): the
 * interrupt controller and one per vCPU. Errors stay in o. Thread context. */
void arch_snap_save(struct guest *g, struct snap_out *o);

/* True when (type, name) is one of the arch's sections for g (check 19). */
bool arch_snap_owns(struct guest *g, u16 type, const char *name);

/* Checks then loads the arch's sections of `in` into g, a new guest
 * (stopped, vCPUs parked, RAM loaded): the interrupt controller first,
 * then every vCPU (registers, FP/SIMD, timer, power state, list registers).
 * A missing section is an error. 0, or -EINVAL with the message in err,
 * naming the section: "section /cpus/cpu@0 (arm64-vcpu v1): pstate 0x3c9
 * is EL2h; a guest runs at EL1 or EL0". Thread context. */
int arch_snap_load(struct guest *g, const struct snap_in *in, char *err, size_t errlen);

/* --- vCPUs -------------------------------------------------------------- */

/* The MPIDR vCPU n of g reads (and PSCI CPU_ON names it by). */
u64 arch_vcpu_mpidr(struct guest *g, unsigned int n);

/* What the core does after arch_vcpu_run. */
enum vcpu_exit {
	VCPU_EXIT_CONTINUE,	/* handled: enter the guest again */
	VCPU_EXIT_WFI,		/* the guest waits for an interrupt */
	VCPU_EXIT_YIELD,	/* the guest spins (WFE): let others run */
};

/* Prepares v's context (v->arch). 0 or -ENOMEM. Thread context. */
int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);

/* Power-on state: EL1h with DAIF masked, MMU and caches off, PC = entry,
 * x0 = arg, every other register 0, virtual timer off, the vCPU's
 * interrupt state cleared. v is not loaded. */
void arch_vcpu_reset(struct vcpu *v, gpa_t entry, u64 arg);

/* Puts v's register context on the calling CPU (system, FP/SIMD, timer,
 * interrupt controller state) / saves it back. The vCPU's thread calls
 * load before running and put before it blocks, yields or exits. IRQs on. */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_put(struct vcpu *v);

/* Flushes pending virtual interrupts, enters the guest, and handles the
 * exit (MMIO through g->mmio, hypercalls, system registers, aborts) as far
 * as the arch can. Called with IRQs masked and v loaded; returns with IRQs
 * still masked (a physical IRQ that ended the run is taken once the caller
 * unmasks). */
enum vcpu_exit arch_vcpu_run(struct vcpu *v);

/* True when v has a virtual interrupt that would wake it from WFI (pending
 * in the interrupt controller or its timer condition met), whatever the
 * guest's own interrupt masks. Any context. */
bool arch_vcpu_wakeup_pending(struct vcpu *v);

/* The counter value (arch_counter_read) at which v's virtual timer fires,
 * or 0 if it is off. Valid while v is put. */
u64 arch_vcpu_timer_deadline(struct vcpu *v);

/* Prints v's registers (general, PC, state, key system registers) with
 * printk. v is put or is the caller. */
void arch_vcpu_dump(struct vcpu *v);

/* One line describing v's state for `vcpu list` (e.g. "pc 0x40001234 EL1h"). */
void arch_vcpu_describe(struct vcpu *v, char *buf, size_t len);

#endif
