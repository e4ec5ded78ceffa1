// SPDX-License-Identifier: GPL-2.0
/*
 * The guest manager. Every operation that changes a guest (create, start,
 * stop, pause, resume, reset, destroy, and what a guest asks for itself
 * through PSCI) runs in one worker thread, in order: callers post an
 * operation and wait for its result. So operations never race each other,
 * and a guest is only freed by the thread that also serves its requests.
 */
#define LOG_PREFIX "guest"
#include <arch_guest.h>
#include <kestrel/errno.h>
#include <kestrel/guest.h>
#include <kestrel/heap.h>
#include <kestrel/log.h>
#include <kestrel/page_alloc.h>
#include <kestrel/payload.h>
#include <kestrel/percpu.h>
#include <kestrel/thread.h>
#include <kestrel/timer.h>
#include <kestrel/vcpu.h>
#include <libfdt.h>
#include <printf.h>
#include <string.h>
#include "guest_priv.h"

#define WORKER_CPU	0

struct guest_op {
	struct list_head node;
	int (*fn)(struct guest_op *op);
	struct guest *g;
	const void *fdt;
	int fdt_node;
	struct guest **out;
	const char *name;		/* create: the name instead of the node's */
	u64 vcounter;			/* restored: the counter to continue from */
	bool run;
	char *err;
	size_t errlen;
	int result;
	bool done;
};

static spinlock_t guests_lock = SPINLOCK_INIT;
static LIST_HEAD(guests);
static unsigned int nr_guests, next_id = 1;
static unsigned int vcpus_on_cpu[CONFIG_NR_CPUS];

static LIST_HEAD(ops);
static struct waitq worker_wq = WAITQ_INIT(worker_wq);
static struct waitq op_done_wq = WAITQ_INIT(op_done_wq);
static struct thread *worker;

const char *guest_state_name(enum guest_state s)
{
	static const char *const names[] = { "stopped", "running", "paused" };

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

static int fail(struct guest_op *op, int err, const char *fmt, ...) __printf(3, 4);
static int fail(struct guest_op *op, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op->err, op->errlen, fmt, ap);
	va_end(ap);
	return err;
}

/* --- the list ------------------------------------------------------------ */

struct guest *guest_find(const char *name)
{
	unsigned long flags = spin_lock_irqsave(&guests_lock);
	struct guest *found = NULL, *g;

	list_for_each_entry(g, &guests, node) {
		if (!strcmp(g->cfg.name, name)) {
			found = g;
			break;
		}
	}
	spin_unlock_irqrestore(&guests_lock, flags);
	return found;
}

void guest_for_each(void (*fn)(struct guest *g, void *ctx), void *ctx)
{
	struct guest **list, *g;
	unsigned int n = 0, cap;
	unsigned long flags;

	/* A snapshot taken under the lock, walked without it (fn may print
	 * at length). Only the worker frees guests, and only on an operation
	 * the caller's thread asked for, so the pointers stay valid. */
	cap = READ_ONCE(nr_guests) + 8;
	list = kmalloc(cap * sizeof(*list));
	if (!list)
		return;
	flags = spin_lock_irqsave(&guests_lock);
	list_for_each_entry(g, &guests, node) {
		if (n == cap)
			break;
		list[n++] = g;
	}
	spin_unlock_irqrestore(&guests_lock, flags);
	for (unsigned int i = 0; i < n; i++)
		fn(list[i], ctx);
	kfree(list);
}

unsigned int guest_count(void)
{
	return READ_ONCE(nr_guests);
}

int guest_irq_set_level(struct guest *g, unsigned int spi, bool level)
{
	return arch_guest_irq_level(g, spi, level);
}

bool guest_irq_line(struct guest *g, unsigned int spi)
{
	return arch_guest_irq_line(g, spi);
}

/* --- vCPUs as a group ----------------------------------------------------- */

static void park_all(struct guest *g)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		vcpu_park(g->vcpus[i]);
}

static void unpark_all(struct guest *g)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		vcpu_unpark(g->vcpus[i]);
}

/* The host CPU for vCPU i: its affinity, else the online CPU with the
 * fewest vCPUs (one this guest does not use yet, if there is one). */
static unsigned int place_vcpu(struct guest *g, unsigned int i)
{
	unsigned int best = 0, best_load = ~0U;

	if (g->cfg.affinity[i] >= 0)
		return g->cfg.affinity[i];
	for (unsigned int c = 0; c < nr_cpus; c++) {
		unsigned int load = vcpus_on_cpu[c] * 2;

		if (cpus[c].state != CPU_ONLINE)
			continue;
		for (unsigned int j = 0; j < i; j++)
			if (g->vcpus[j]->host_cpu == c)
				load++;
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

/* --- operations (worker thread) ------------------------------------------ */

static void quiet_devices(struct guest *g, bool quiet)
{
	for (unsigned int i = 0; i < g->nr_devs; i++)
		if (g->devs[i].emu->quiesce)
			g->devs[i].emu->quiesce(g->devs[i].priv, quiet);
	g->quiet = quiet;
}

/* Back to power-on state; a device quiesced by a pause takes input again. */
static void reset_devices(struct guest *g)
{
	for (unsigned int i = 0; i < g->nr_devs; i++)
		if (g->devs[i].emu->reset)
			g->devs[i].emu->reset(g->devs[i].priv);
	if (g->quiet)
		quiet_devices(g, false);
}

/* Loads the images and powers on vCPU 0 at the entry with x0 = DTB; the
 * others stay off until the guest starts them with PSCI CPU_ON. vCPUs are
 * parked. */
static int boot(struct guest_op *op)
{
	struct guest *g = op->g;
	int r;

	/* Devices first: a disk read still in flight must land before the
	 * images are loaded, not over them. */
	reset_devices(g);
	r = guest_load_images(g, op->err, op->errlen);
	if (r)
		return r;
	arch_guest_reset(g);
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];

		arch_vcpu_reset(v, i ? 0 : g->entry, i ? 0 : g->dtb);
		__atomic_and_fetch(&v->requests, ~VCPU_REQ_POWER_ON, __ATOMIC_SEQ_CST);
		WRITE_ONCE(v->power_on, i == 0);
	}
	g->boots++;
	g->state = GUEST_RUNNING;
	unpark_all(g);
	return 0;
}

static int not_in(struct guest_op *op, const char *what)
{
	return fail(op, -EINVAL, "%s is %s%s", op->g->cfg.name, guest_state_name(op->g->state),
		    what);
}

static int op_start(struct guest_op *op)
{
	int r;

	if (op->g->state != GUEST_STOPPED)
		return not_in(op, " already");
	r = boot(op);
	op->g->last_event = r ? "start failed" : "started";
	return r;
}

static int op_stop(struct guest_op *op)
{
	if (op->g->state == GUEST_STOPPED)
		return not_in(op, " already");
	park_all(op->g);
	/* A stopped guest's devices take nothing in (frames, completions
	 * into its RAM): back to their reset state, as at power-off. */
	reset_devices(op->g);
	op->g->state = GUEST_STOPPED;
	op->g->last_event = "stopped";
	return 0;
}

static int op_pause(struct guest_op *op)
{
	if (op->g->state != GUEST_RUNNING)
		return not_in(op, ", not running");
	park_all(op->g);
	/* Nothing changes a paused guest: not host input to its devices, not
	 * the time it reads (as QEMU stops a guest's virtual clock). */
	quiet_devices(op->g, true);
	op->g->paused_vcounter = arch_guest_vcounter(op->g);
	op->g->state = GUEST_PAUSED;
	op->g->last_event = "paused";
	return 0;
}

static void run_paused(struct guest *g)
{
	arch_guest_set_vcounter(g, g->paused_vcounter);
	if (g->quiet)
		quiet_devices(g, false);
	g->state = GUEST_RUNNING;
	unpark_all(g);
}

static int op_resume(struct guest_op *op)
{
	if (op->g->state != GUEST_PAUSED)
		return not_in(op, ", not paused");
	op->g->last_event = "resumed";
	run_paused(op->g);
	return 0;
}

static int op_restored(struct guest_op *op)
{
	struct guest *g = op->g;

	if (g->state != GUEST_STOPPED)
		return not_in(op, ", not stopped");
	arch_guest_set_vcounter(g, op->vcounter);
	for (unsigned int i = 0; i < g->nr_devs; i++)
		if (g->devs[i].emu->snap_resume)
			g->devs[i].emu->snap_resume(g->devs[i].priv);
	g->last_event = "restored";
	if (op->run) {
		g->state = GUEST_RUNNING;
		unpark_all(g);
	} else {
		quiet_devices(g, true);
		g->paused_vcounter = op->vcounter;
		g->state = GUEST_PAUSED;
	}
	return 0;
}

static int op_reset(struct guest_op *op)
{
	int r;

	if (op->g->state == GUEST_STOPPED)
		return fail(op, -EINVAL, "%s is stopped (start it with guest start %s)",
			    op->g->cfg.name, op->g->cfg.name);
	park_all(op->g);
	op->g->state = GUEST_STOPPED;
	r = boot(op);
	op->g->last_event = r ? "reset failed" : "reset";
	return r;
}

/* Frees whatever of g exists; g is not in the list. */
static void teardown(struct guest *g)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		vcpus_on_cpu[g->vcpus[i]->host_cpu]--;
		vcpu_destroy(g->vcpus[i]);
	}
	for (unsigned int i = 0; i < g->nr_devs; i++)
		g->devs[i].emu->destroy(g->devs[i].priv);
	arch_guest_destroy(g);
	devemu_map_destroy(&g->mmio);
	guest_ram_free(g);
	kfree(g->config_fdt);
	kfree(g);
}

static int op_destroy(struct guest_op *op)
{
	struct guest *g = op->g;
	unsigned long flags;

	park_all(g);
	flags = spin_lock_irqsave(&guests_lock);
	list_del(&g->node);
	nr_guests--;
	spin_unlock_irqrestore(&guests_lock, flags);
	log_info("%s: destroyed", g->cfg.name);
	teardown(g);
	return 0;
}

static bool file_exists(const char *name)
{
	struct cpio_file f;

	return !payload_find(name, &f);
}

static bool device_known(const char *compatible)
{
	return emulator_find(compatible) != NULL;
}

static int device_check(const char *compatible, const void *fdt, int node, char *err,
			size_t errlen)
{
	const struct emulator *e = emulator_find(compatible);

	return e && e->check ? e->check(fdt, node, err, errlen) : 0;
}

static int create_devices(struct guest_op *op, struct guest *g)
{
	for (unsigned int i = 0; i < g->cfg.nr_devices; i++) {
		const struct guest_device_config *d = &g->cfg.devices[i];
		struct guest_device *gd = &g->devs[i];
		int r;

		gd->emu = emulator_find(d->compatible);
		gd->cfg = d;
		r = gd->emu->create(g, d, &gd->priv);
		if (r)
			return fail(op, r, "guest %s: devices/%s: the %s emulator failed (%s)",
				    g->cfg.name, d->name, gd->emu->name, strerror(r));
		g->nr_devs++;
	}
	return 0;
}

static int create_vcpus(struct guest_op *op, struct guest *g)
{
	for (unsigned int i = 0; i < g->cfg.vcpus; i++) {
		unsigned int cpu = place_vcpu(g, i);
		struct vcpu *v = vcpu_create(g, i, cpu);

		if (!v)
			return fail(op, -ENOMEM, "guest %s: vCPU %u: out of memory", g->cfg.name, i);
		g->vcpus[i] = v;
		g->nr_vcpus++;
		vcpus_on_cpu[cpu]++;
	}
	return 0;
}

static int op_create(struct guest_op *op)
{
	struct guest_config_env env = {
		.name = op->name, .host_cpus = nr_cpus, .device_known = device_known,
		.device_check = device_check,
		/* A restored guest runs from its RAM: images matter at reset. */
		.file_exists = op->name ? NULL : file_exists,
	};
	struct page_stats st;
	u64 t0 = time_now_ns();
	struct guest *g = kzalloc(sizeof(*g));
	size_t size = fdt_totalsize(op->fdt);
	unsigned long flags;
	int r;

	if (!g)
		return fail(op, -ENOMEM, "out of memory for a guest");
	page_get_stats(&st);
	env.host_ram_free = st.free_pages << PAGE_SHIFT;
	g->config_fdt = kmalloc(size);
	if (!g->config_fdt) {
		kfree(g);
		return fail(op, -ENOMEM, "out of memory for the guest's configuration");
	}
	memcpy(g->config_fdt, op->fdt, size);
	g->config_node = op->fdt_node;
	devemu_map_init(&g->mmio);
	waitq_init(&g->vcpu_wq);
	r = guest_config_parse(g->config_fdt, op->fdt_node, &env, &g->cfg, op->err, op->errlen);
	if (!r && guest_find(g->cfg.name))
		r = fail(op, -EEXIST, "guest %s: a guest with this name exists", g->cfg.name);
	if (r) {
		kfree(g->config_fdt);
		kfree(g);
		return r;
	}
	r = arch_guest_init(g);
	if (r)
		r = fail(op, r, "guest %s: %s", g->cfg.name, strerror(r));
	else if (guest_ram_alloc(g))
		r = fail(op, -ENOMEM, "guest %s: memory/size: out of host memory for %llu MiB",
			 g->cfg.name, (unsigned long long)(g->cfg.ram_size >> 20));
	if (!r)
		r = create_devices(op, g);
	if (!r)
		r = create_vcpus(op, g);
	if (r) {
		teardown(g);
		return r;
	}
	g->state = GUEST_STOPPED;
	g->last_event = "created";
	flags = spin_lock_irqsave(&guests_lock);
	g->id = next_id++;
	list_add_tail(&g->node, &guests);
	nr_guests++;
	spin_unlock_irqrestore(&guests_lock, flags);
	log_info("%s: created: %u vCPU(s), %llu MiB at 0x%llx, %u device(s) in %llu us",
		 g->cfg.name, g->cfg.vcpus, (unsigned long long)(g->cfg.ram_size >> 20),
		 (unsigned long long)g->cfg.ram_base, g->nr_devs,
		 (unsigned long long)((time_now_ns() - t0) / 1000));
	*op->out = g;
	return 0;
}

/* --- posting operations ---------------------------------------------------- */

static int run_op(struct guest_op *op)
{
	unsigned long flags;

	if (op->errlen)
		op->err[0] = '\0';
	if (thread_current() == worker)
		return op->fn(op);
	flags = spin_lock_irqsave(&worker_wq.lock);
	list_add_tail(&op->node, &ops);
	spin_unlock_irqrestore(&worker_wq.lock, flags);
	waitq_wake_all(&worker_wq);
	for (;;) {
		u64 seq = waitq_prepare(&op_done_wq);

		if (__atomic_load_n(&op->done, __ATOMIC_ACQUIRE))
			return op->result;
		waitq_wait(&op_done_wq, seq, 0);
	}
}

static int post(int (*fn)(struct guest_op *), struct guest *g, char *err, size_t errlen)
{
	struct guest_op op = { .fn = fn, .g = g, .err = err, .errlen = errlen };

	return run_op(&op);
}

int guest_create(const void *fdt, int node, struct guest **out, char *err, size_t errlen)
{
	struct guest_op op = { .fn = op_create, .fdt = fdt, .fdt_node = node, .out = out,
			       .err = err, .errlen = errlen };

	return run_op(&op);
}

int guest_create_named(const void *fdt, int node, const char *name, struct guest **out,
		       char *err, size_t errlen)
{
	struct guest_op op = { .fn = op_create, .fdt = fdt, .fdt_node = node, .out = out,
			       .name = name, .err = err, .errlen = errlen };

	return run_op(&op);
}

int guest_restored(struct guest *g, u64 vcounter, bool run, char *err, size_t errlen)
{
	struct guest_op op = { .fn = op_restored, .g = g, .vcounter = vcounter, .run = run,
			       .err = err, .errlen = errlen };

	return run_op(&op);
}

int guest_start(struct guest *g, char *err, size_t errlen)
{
	return post(op_start, g, err, errlen);
}

int guest_stop(struct guest *g, char *err, size_t errlen)
{
	return post(op_stop, g, err, errlen);
}

int guest_pause(struct guest *g, char *err, size_t errlen)
{
	return post(op_pause, g, err, errlen);
}

int guest_resume(struct guest *g, char *err, size_t errlen)
{
	return post(op_resume, g, err, errlen);
}

int guest_reset(struct guest *g, char *err, size_t errlen)
{
	return post(op_reset, g, err, errlen);
}

int guest_destroy(struct guest *g, char *err, size_t errlen)
{
	return post(op_destroy, g, err, errlen);
}

void guest_request(struct guest *g, enum guest_request req)
{
	/* The guest stops at once; the worker does the rest. */
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		__atomic_or_fetch(&g->vcpus[i]->requests, VCPU_REQ_PARK, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		vcpu_kick(g->vcpus[i]);
	__atomic_or_fetch(&g->pending_req, req, __ATOMIC_SEQ_CST);
	waitq_wake_all(&worker_wq);
}

/* --- the worker -------------------------------------------------------------- */

static void serve_request(struct guest *g, unsigned int req)
{
	char err[160];
	struct guest_op op = { .g = g, .err = err, .errlen = sizeof(err) };
	int r = 0;

	if (req & GUEST_REQ_OFF) {
		park_all(g);
		reset_devices(g);
		g->state = GUEST_STOPPED;
		g->last_event = "powered off by the guest (PSCI SYSTEM_OFF)";
		log_info("%s: stopped", g->cfg.name);
	} else if (req & GUEST_REQ_RESET) {
		park_all(g);
		g->state = GUEST_STOPPED;
		r = boot(&op);
		g->last_event = "reset by the guest (PSCI SYSTEM_RESET)";
		if (r)
			log_err("%s: reset failed: %s", g->cfg.name, err);
	}
}

static bool serve_one(void)
{
	unsigned long flags = spin_lock_irqsave(&worker_wq.lock);
	struct guest_op *op = NULL;
	struct guest *g;

	if (!list_empty(&ops)) {
		op = list_first_entry(&ops, struct guest_op, node);
		list_del(&op->node);
	}
	spin_unlock_irqrestore(&worker_wq.lock, flags);
	if (op) {
		op->result = op->fn(op);
		__atomic_store_n(&op->done, true, __ATOMIC_RELEASE);
		waitq_wake_all(&op_done_wq);
		return true;
	}
	list_for_each_entry(g, &guests, node) {
		unsigned int req = __atomic_exchange_n(&g->pending_req, 0, __ATOMIC_SEQ_CST);

		if (req) {
			serve_request(g, req);
			return true;
		}
	}
	return false;
}

static void create_configured(void)
{
	const void *fdt = payload_config_dtb();
	int parent, node;
	char err[192];

	if (!fdt)
		return;
	parent = fdt_path_offset(fdt, "/guests");
	if (parent < 0) {
		log_info("config.dtb has no /guests node: no guests at boot");
		return;
	}
	fdt_for_each_subnode(node, fdt, parent) {
		struct guest *g;

		if (guest_create(fdt, node, &g, err, sizeof(err))) {
			log_err("%s", err);
			continue;
		}
		if (g->cfg.autostart && guest_start(g, err, sizeof(err)))
			log_err("%s", err);
	}
}

static void worker_main(void *arg)
{
	create_configured();
	for (;;) {
		u64 seq = waitq_prepare(&worker_wq);

		if (serve_one())
			continue;
		waitq_wait(&worker_wq, seq, 0);
	}
}

void guests_init(void)
{
	worker = thread_create("guests", worker_main, NULL, WORKER_CPU);
	if (!worker)
		log_err("cannot start the guest worker: guests are unavailable");
}
