// SPDX-License-Identifier: GPL-2.0
/* `vserial list|dump|bind`: guest serial ports; bind connects the terminal
 * to one, like `virsh console`, until Ctrl-]. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/errno.h>
#include <kestrel/spinlock.h>
#include <kestrel/vserial.h>
#include <stdlib.h>
#include <string.h>

#define VSERIAL_USAGE \
	"vserial list | vserial dump <guest>/<uart> [bytes] | vserial bind <guest>/<uart>"

#define BIND_ESCAPE	0x1d		/* Ctrl-] ends a bind */
#define BIND_REPLAY	4096		/* recent output shown on connecting */
#define BIND_POLL_NS	10000000ULL	/* output reaches the console within 10 ms */
#define BIND_RETRY_NS	1000000ULL	/* typed input the guest has not taken yet */
#define WRITE_CHUNK	64		/* bytes per console_write */

static const char *const vserial_verbs[] = { "list", "dump", "bind", NULL };

/* Shared by dump and the bound loop; commands run in the one terminal thread. */
static char out_buf[VSERIAL_RING_SIZE];

/* console_write masks IRQs while it polls the UART: keep each call short. */
static void write_out(const char *buf, size_t n)
{
	for (size_t off = 0; off < n; off += WRITE_CHUNK)
		console_write(buf + off, MIN(n - off, (size_t)WRITE_CHUNK));
}

static struct vserial *find_port(const char *name)
{
	struct vserial *vs = vserial_find(name);

	if (!vs)
		term_error("no vserial port '%s' (see vserial list)", name);
	return vs;
}

/* `vserial list`: the ports are copied under the port list lock (IRQs are
 * masked there) and printed after it. */
#define MAX_PORTS 64

static struct port_copy {
	char name[VSERIAL_NAME_MAX];
	u64 written, rx_bytes, rx_dropped;
	bool bound;
} ports[MAX_PORTS];

struct port_walk {
	unsigned int count, total;
};

static void copy_port(struct vserial *vs, void *ctx)
{
	struct port_walk *w = ctx;

	if (w->count < MAX_PORTS) {
		struct port_copy *p = &ports[w->count++];

		strlcpy(p->name, vs->name, sizeof(p->name));
		p->written = vs->written;
		p->rx_bytes = vs->rx_bytes;
		p->rx_dropped = vs->rx_dropped;
		p->bound = vs->listener != NULL;
	}
	w->total++;
}

static void vserial_list(void)
{
	struct port_walk w = { 0, 0 };

	vserial_for_each(copy_port, &w);
	if (!w.total) {
		printk("no vserial ports\n");
		return;
	}
	printk("PORT                 WRITTEN     RX BYTES    RX DROPPED  BOUND\n");
	for (unsigned int i = 0; i < w.count; i++)
		printk("%-20s %-11llu %-11llu %-11llu %s\n", ports[i].name,
		       (unsigned long long)ports[i].written, (unsigned long long)ports[i].rx_bytes,
		       (unsigned long long)ports[i].rx_dropped, ports[i].bound ? "yes" : "no");
	if (w.total > w.count)
		printk("... and %u more\n", w.total - w.count);
}

static int vserial_dump(const char *name, const char *count)
{
	struct vserial *vs = find_port(name);
	unsigned long want = VSERIAL_RING_SIZE;
	size_t n;

	if (!vs)
		return -EINVAL;
	if (count) {
		char *end;

		want = strtoul(count, &end, 10);
		if (!*count || *end || !want)
			return term_error("vserial dump: '%s' is not a byte count (1 or more; the "
					  "last %d bytes are kept)", count, VSERIAL_RING_SIZE);
	}
	n = vserial_read_recent(vs, out_buf, MIN(want, sizeof(out_buf)));
	write_out(out_buf, n);
	printk("\n");
	return 0;
}

/*
 * Output of the bound port on its way to the console. The listener runs
 * wherever the guest's UART writes (a vCPU trap on any CPU, with the port
 * lock held and IRQs masked), so it must not wait for the host UART: it only
 * copies here, and the terminal thread writes the bytes out.
 */
static struct {
	spinlock_t lock;
	char buf[VSERIAL_RING_SIZE];	/* holds a whole replay */
	u64 head, tail;			/* bytes put / taken, ever */
	u64 lost;			/* bytes that found the buffer full */
} pipe = { .lock = SPINLOCK_INIT };

static void bind_listener(struct vserial *vs, const char *buf, size_t len, void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&pipe.lock);

	for (size_t i = 0; i < len; i++) {
		if (pipe.head - pipe.tail == sizeof(pipe.buf)) {
			pipe.lost += len - i;
			break;
		}
		pipe.buf[pipe.head++ % sizeof(pipe.buf)] = buf[i];
	}
	spin_unlock_irqrestore(&pipe.lock, flags);
}

/* Writes what the listener queued to the console. Terminal thread. */
static void bind_drain(void)
{
	unsigned long flags = spin_lock_irqsave(&pipe.lock);
	size_t n = 0;
	u64 lost;

	while (pipe.tail != pipe.head)
		out_buf[n++] = pipe.buf[pipe.tail++ % sizeof(pipe.buf)];
	lost = pipe.lost;
	pipe.lost = 0;
	spin_unlock_irqrestore(&pipe.lock, flags);
	write_out(out_buf, n);
	if (lost)
		printk("\n[vserial: %llu bytes of output not shown: the console could not "
		       "keep up]\n", (unsigned long long)lost);
}

/*
 * Typed input on its way to the guest. A UART takes a few bytes at a time
 * (one without its FIFO): the rest waits here, as a pty would hold it, so
 * typing or pasting faster than the guest reads loses nothing.
 */
struct typed {
	char buf[1024];
	size_t len;
	u64 dropped;
};

static void feed_guest(struct vserial *vs, struct typed *in)
{
	size_t n;

	if (!in->len)
		return;
	n = vserial_offer(vs, in->buf, in->len);
	memmove(in->buf, in->buf + n, in->len - n);
	in->len -= n;
}

static int vserial_bind_cmd(const char *name)
{
	struct vserial *vs = find_port(name);
	unsigned long flags;

	if (!vs)
		return -EINVAL;
	flags = spin_lock_irqsave(&pipe.lock);
	pipe.head = pipe.tail = pipe.lost = 0;
	spin_unlock_irqrestore(&pipe.lock, flags);
	if (vserial_bind(vs, bind_listener, NULL, BIND_REPLAY))
		return term_error("%s is already bound", vs->name);
	printk("Connected to %s (escape character is ^])\n", vs->name);
	/*
	 * The terminal thread reads the console itself until the escape, so the
	 * line editor sees none of it. The port stays valid: only this thread
	 * destroys guests. Without a way to wait for input and output at once,
	 * input waits at most BIND_POLL_NS, then queued output is written.
	 */
	struct typed in = { 0 };

	for (;;) {
		int c;

		bind_drain();
		feed_guest(vs, &in);
		/* Input the guest has not taken yet is retried soon. */
		c = console_getc(in.len ? BIND_RETRY_NS : BIND_POLL_NS);
		if (c < 0)
			continue;
		if (c == BIND_ESCAPE)
			break;
		if (in.len < sizeof(in.buf))
			in.buf[in.len++] = (char)c;
		else
			in.dropped++;
	}
	/* A last try; what the guest still cannot take counts as dropped. */
	if (in.len)
		in.len -= vserial_input(vs, in.buf, in.len);
	if (in.len || in.dropped)
		printk("\n[%zu typed byte(s) the guest did not read]",
		       in.len + (size_t)in.dropped);
	vserial_unbind(vs);
	bind_drain();
	printk("\nDisconnected from %s\n", vs->name);
	return 0;
}

static int vserial_run(int argc, char **argv)
{
	const char *verb;

	if (argc < 2)
		return term_error("vserial: missing subcommand (usage: " VSERIAL_USAGE ")");
	verb = argv[1];
	if (!strcmp(verb, "list")) {
		if (argc > 2)
			return term_error("vserial list: takes no arguments");
		vserial_list();
		return 0;
	}
	if (!strcmp(verb, "dump")) {
		if (argc < 3)
			return term_error("vserial dump: missing port (usage: vserial dump "
					  "<guest>/<uart> [bytes])");
		if (argc > 4)
			return term_error("vserial dump: too many arguments (usage: vserial dump "
					  "<guest>/<uart> [bytes])");
		return vserial_dump(argv[2], argc == 4 ? argv[3] : NULL);
	}
	if (!strcmp(verb, "bind")) {
		if (argc < 3)
			return term_error("vserial bind: missing port (usage: vserial bind "
					  "<guest>/<uart>)");
		if (argc > 3)
			return term_error("vserial bind: too many arguments (usage: vserial bind "
					  "<guest>/<uart>)");
		return vserial_bind_cmd(argv[2]);
	}
	return term_error("vserial: unknown subcommand '%s' (expected list, dump or bind)", verb);
}

TERM_CMD(cmd_vserial) = {
	.name = "vserial",
	.summary = "guest serial ports: list, dump output, connect the terminal",
	.usage = VSERIAL_USAGE,
	.verbs = vserial_verbs,
	.run = vserial_run,
};
