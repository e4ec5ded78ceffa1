/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-visible PL011 UART (ARM PrimeCell UART TRM r1p5 register map),
 * backed by a vserial port: what the guest transmits goes to
 * vserial_write, host input arrives through the port's rx callback.
 *
 * Model, and where it follows QEMU's hw/char/pl011.c:
 *  - ID registers as QEMU's "pl011": PeriphID 0x11 0x10 0x14 0x00 (part
 *    0x011, ARM, revision 1), CellID 0x0d 0xf0 0x05 0xb1.
 *  - Output is instant: FR.TXFE = 1, TXFF = 0, BUSY = 0 always. A byte
 *    written to DR is sent whatever CR says (QEMU does the same; real
 *    hardware needs UARTEN and TXE, but earlycon writes DR before anyone
 *    sets CR). With CR.LBE (loopback) it goes to the receive FIFO instead.
 *  - Receive FIFO: 32 bytes with LCR_H.FEN, else a 1-byte holding
 *    register; changing FEN empties it (as QEMU). Host input is taken up to
 *    the free space, the rest is refused (vserial counts it as dropped), so
 *    nothing overruns and DR/RSR error bits always read 0. Input is taken
 *    whatever CR.RXE says (as QEMU), but not in loopback.
 *  - Modem inputs: FR.CTS, DSR and DCD read 1 (a terminal is attached),
 *    RI 0; they never change, so modem interrupts never assert. (QEMU reads
 *    them as 0; 1 lets a guest open a tty without CLOCAL.)
 *  - RXIS (bit 4) is set by every received byte that leaves the FIFO at or
 *    above the IFLS trigger (1 byte with the FIFO off; reserved IFLS
 *    encodings act as 7/8), and by an IFLS write that puts the level
 *    there; it is cleared by ICR, by a DR read that leaves the level below
 *    the trigger, or by the FIFO being emptied.
 *  - RTIS (bit 6): the receive timeout is modelled as expiring at once, so
 *    it reads 1 whenever the FIFO holds data and RXIS is 0 (data below the
 *    trigger, or left after the guest cleared RXIS); ICR.RTIC has no
 *    lasting effect while data waits. Input is never stranded.
 *  - TXIS (bit 5) as QEMU: set by every DR write, cleared only by ICR.
 *    Linux's driver only unmasks TXIM when it found TXFF set, which never
 *    happens here, so the latched bit costs it nothing.
 *  - The combined line UARTINTR is (RIS & IMSC) != 0. DMACR is stored but
 *    there is no DMA.
 *
 * Guest accesses (hostile input): 1, 2 and 4-byte accesses are allowed at
 * every register, because Linux's amba-pl011 driver uses 16-bit accesses
 * for the ARM vendor and earlycon writes DR with a byte store. A narrow
 * read returns the bytes of the 32-bit register it covers (any read of DR
 * pops the FIFO, as the device ignores address bits [1:0]); a narrow write
 * at a register's offset writes the value zero-extended, one at a higher
 * byte is ignored. 8-byte and misaligned accesses: DEVEMU_ABORT. Reserved
 * offsets (and the test registers 0x080-0x08c) read as zero, writes are
 * ignored; writes to FR, RIS, MIS and the ID registers are ignored. All of
 * these are logged at debug level.
 *
 * Locking: one spinlock per device (IRQs masked while held), taken inside
 * the MMIO callbacks (the devemu region has no lock of its own, see
 * pl011.c) and the rx callback. vserial_write and set_irq always run
 * without it.
 */
#ifndef KESTREL_EMU_PL011_H
#define KESTREL_EMU_PL011_H

#include <kestrel/devemu.h>
#include <kestrel/types.h>

#define VPL011_SIZE		SZ_4K	/* the register frame */
#define VPL011_FIFO_DEPTH	32

struct vpl011;
struct vserial;

/* Drives the UART's combined interrupt line (wire it to vgic_set_level for
 * the UART's level-sensitive SPI). Called only when the level changes, one
 * call at a time per device and in order, without the device lock, in the
 * context of whoever changed it (a vCPU's MMIO trap, host input, reset):
 * it must not sleep. It may call back into this device. */
typedef void (*vpl011_irq_fn)(void *ctx, bool level);

struct vpl011_config {
	const char *guest;	/* the vserial port is "<guest>/<device>" */
	const char *device;
	gpa_t base;		/* 4 KiB aligned */
	u64 size;		/* VPL011_SIZE */
	vpl011_irq_fn set_irq;	/* may be NULL: no interrupt line */
	void *irq_ctx;
};

/* Creates a PL011 in its reset state with the line low, registers its
 * vserial port and adds its region to map. NULL on a bad config, a port
 * name in use, an overlapping region or no memory (each logged). Thread
 * context. */
struct vpl011 *vpl011_create(const struct vpl011_config *cfg, struct devemu_map *map);

/* Unregisters the port, removes the region and frees everything. set_irq
 * is not called (the interrupt controller may be gone already). No vCPU
 * of the guest may be running: an MMIO trap in flight would use freed
 * memory. NULL is ignored. Thread context. */
void vpl011_destroy(struct vpl011 *u);

/* Back to the reset state (guest reset): FIFO empty, CR 0x300 (TXE, RXE),
 * IFLS 0x12, everything else 0; lowers the line if it was high. */
void vpl011_reset(struct vpl011 *u);

/* The device's vserial port. */
struct vserial *vpl011_port(struct vpl011 *u);

/* quiet: host input is refused (the port's rx callback takes 0 bytes, so
 * the sender keeps it), after any rx call in flight has finished; !quiet:
 * taken again. A guest reset does not change it. Thread context. */
void vpl011_quiesce(struct vpl011 *u, bool quiet);

/* ---- snapshots (pl011_snap.c, docs/snapshot-format.md `pl011`) ---- */

struct snap_section;
struct snap_tlv_writer;

/* Writes every field of the pl011 section, tags increasing. The device is
 * quiesced and its guest paused. Errors stay in w. Thread context. */
void vpl011_snap_save(struct vpl011 *u, struct snap_tlv_writer *w);

/* Checks every value of section s (check 23), then loads it into u
 * without driving the line. irq_line: the level the interrupt controller
 * holds for the UART's SPI, which `line` must equal; NULL for a UART
 * without one. 0, or -EINVAL with what is wrong in err, without a prefix
 * ("tag 0x0002 (cr): 0x12345 is wider than 16 bits"); then u is
 * unchanged. Thread context. */
int vpl011_snap_load(struct vpl011 *u, const struct snap_section *s, const bool *irq_line,
		     char *err, size_t errlen);

#endif
