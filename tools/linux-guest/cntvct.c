// SPDX-License-Identifier: GPL-2.0
/*
 * /bin/kestrel-cntvct in the Linux guest's initramfs (tools/linux-guest.sh):
 * prints one line, "<CNTVCT_EL0> <CNTFRQ_EL0>" in decimal, and exits 0 (1
 * when the write fails). Linux lets EL0 read the virtual counter (its vDSO
 * does), natively and as a Kestrel guest, whose counter starts at 0 when the
 * guest is created. /init puts it in its ready line and the benchmarks
 * (tests/bench/linux_bench.py) time commands with it.
 *
 * No C library: built with -nostdlib -ffreestanding -static, it starts at
 * _start and makes its two system calls itself.
 */

#define SYS_write 64
#define SYS_exit 93

static long syscall3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

/* Writes v in decimal just before end; returns where it starts. */
static char *put_dec(char *end, unsigned long v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void __attribute__((noreturn)) _start(void)
{
	char buf[48], *end = buf + sizeof(buf), *p = end;
	unsigned long cnt, frq;
	long n;

	/* isb: the read is not done ahead of the instructions before it. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(cnt) : : "memory");
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));

	*--p = '\n';
	p = put_dec(p, frq);
	*--p = ' ';
	p = put_dec(p, cnt);
	while (p < end) {
		n = syscall3(SYS_write, 1, (long)p, end - p);
		if (n <= 0)
			syscall3(SYS_exit, 1, 0, 0);
		p += n;
	}
	syscall3(SYS_exit, 0, 0, 0);
	__builtin_unreachable();
}
