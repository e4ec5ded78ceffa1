/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests: created from a /guests/<name> node of the configuration DTB, with
 * their RAM, emulated devices and vCPUs; started, paused, reset, stopped and
 * destroyed from the terminal or by the guest itself (PSCI).
 *
 * Every control operation runs in one worker thread ("guests"), in the
 * order posted: callers post it and sleep until it is done, so operations
 * never race and a guest is only freed by the thread that also serves its
 * own requests. A guest's PSCI SYSTEM_OFF and SYSTEM_RESET are posted to
 * the worker too: a vCPU never waits for its own guest's vCPUs.
 */
#ifndef KESTREL_GUEST_H
#define KESTREL_GUEST_H

#include <kestrel/types.h>
#include <kestrel/devemu.h>
#include <kestrel/emulator.h>
#include <kestrel/guest_config.h>
#include <kestrel/spinlock.h>
#include <kestrel/thread.h>
#include <list.h>

struct vcpu;
struct arch_guest;

enum guest_state {
	GUEST_STOPPED,	/* created or stopped: no vCPU runs */
	GUEST_RUNNING,
	GUEST_PAUSED,	/* every vCPU parked, state kept */
};

/* Guest RAM: 2 MiB host chunks mapped in order from ram.base. */
struct guest_ram {
	gpa_t base;
	u64 size;
	unsigned int nr_chunks;
	hpa_t *chunks;
};

struct guest_device {
	const struct emulator *emu;
	const struct guest_device_config *cfg;	/* in guest.cfg */
	void *priv;
};

struct guest {
	struct list_head node;
	unsigned int id;		/* 1.., unique while it exists */
	struct guest_config cfg;
	void *config_fdt;		/* copy of the configuration DTB it came from */
	int config_node;		/* the guest's node in it */
	enum guest_state state;
	const char *last_event;		/* why it last changed state, for `guest info` */
	struct waitq vcpu_wq;		/* a vCPU parked, unparked or exited */
	unsigned int pending_req;	/* GUEST_REQ_* from its vCPUs */
	struct guest_ram ram;
	struct devemu_map mmio;
	struct arch_guest *arch;
	unsigned int nr_vcpus;
	struct vcpu *vcpus[GUEST_MAX_VCPUS];
	unsigned int nr_devs;
	struct guest_device devs[GUEST_MAX_DEVICES];
	gpa_t entry;			/* where vCPU 0 starts, x0 = dtb */
	gpa_t dtb;
	u64 boots;			/* starts and resets */
	bool quiet;			/* devices quiesced (paused): no host input */
	u64 paused_vcounter;		/* its virtual counter, frozen while paused */
};

/* Requests a guest's vCPU hands to the worker thread. */
enum guest_request { GUEST_REQ_OFF = 1, GUEST_REQ_RESET = 2 };

/* Starts the guest worker and creates every guest of the payload's
 * configuration DTB, starting those marked autostart. A guest that fails is
 * logged and skipped. Boot context, after the scheduler runs on CPU 0. */
void guests_init(void);

/* Creates the guest of `node` in fdt (a configuration DTB; it is copied).
 * 0 and *out, or a negative error with a message in err
 * ("guest <name>: <property>: ..."). The guest is GUEST_STOPPED. Thread
 * context. */
int guest_create(const void *fdt, int node, struct guest **out, char *err, size_t errlen);

/* guest_create for a restore (core/snapshot_restore.c): the guest is named
 * `name` whatever its node is called, and its kernel and initrd need not
 * be in the payload (they are only loaded if it is reset). */
int guest_create_named(const void *fdt, int node, const char *name, struct guest **out,
		       char *err, size_t errlen);

/* A restored guest (stopped, its state loaded) continues: its virtual
 * counter reads `vcounter`, every device gets its snap_resume, and it
 * becomes running (run) or paused. Thread context. */
int guest_restored(struct guest *g, u64 vcounter, bool run, char *err, size_t errlen);

/* Control operations; each returns 0 or -EINVAL with a reason in err when
 * the guest is not in a state that allows it ("basic0 is not running").
 * Thread context, not from one of the guest's vCPUs. */
int guest_start(struct guest *g, char *err, size_t errlen);   /* stopped -> running */
int guest_stop(struct guest *g, char *err, size_t errlen);    /* -> stopped */
/* Pausing parks the vCPUs, quiesces the devices (emulator quiesce: no host
 * input, no request in flight) and freezes the guest's virtual counter;
 * resuming undoes the three, so the guest does not see the pause. */
int guest_pause(struct guest *g, char *err, size_t errlen);   /* running -> paused */
int guest_resume(struct guest *g, char *err, size_t errlen);  /* paused -> running */
int guest_reset(struct guest *g, char *err, size_t errlen);   /* reboot: reload, vCPU 0 on */
/* Stops the guest if needed and frees everything it holds. */
int guest_destroy(struct guest *g, char *err, size_t errlen);

/* From a vCPU of g (PSCI SYSTEM_OFF / SYSTEM_RESET): the worker stops or
 * resets the guest; the vCPU parks meanwhile. Any context. */
void guest_request(struct guest *g, enum guest_request req);

/* Looks a guest up by name; NULL if none. Thread context. The pointer stays
 * valid until the caller itself asks for guest_destroy (the worker frees a
 * guest only on such a request). */
struct guest *guest_find(const char *name);
/* Calls fn for each guest in creation order. Thread context. */
void guest_for_each(void (*fn)(struct guest *g, void *ctx), void *ctx);
unsigned int guest_count(void);

/* Drives the line of the guest's shared interrupt `spi`. Any context. */
int guest_irq_set_level(struct guest *g, unsigned int spi, bool level);

/* The input level of shared interrupt `spi` as the interrupt controller
 * holds it (false for an SPI the guest lacks). Any context. */
bool guest_irq_line(struct guest *g, unsigned int spi);

/* Host virtual address of guest-physical [gpa, gpa + len) when it lies in
 * the guest's RAM within one 2 MiB chunk, else NULL. Any context. */
void *guest_ram_hva(struct guest *g, gpa_t gpa, u64 len);
/* Copies len bytes into guest RAM at gpa, across chunks; -EFAULT when the
 * range is not all RAM. */
int guest_ram_write(struct guest *g, gpa_t gpa, const void *src, u64 len);

const char *guest_state_name(enum guest_state s);

#endif
