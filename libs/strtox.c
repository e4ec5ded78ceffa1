// SPDX-License-Identifier: GPL-2.0
/* strtoul and friends: base 0 (auto), 2..36; saturates on overflow. */
#include <stdlib.h>
#include <ctype.h>
#include <limits.h>

static int digit_value(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return 99;
}

/* Parses the magnitude; *neg tells a '-' sign, *overflow a value past
 * ULLONG_MAX (then the magnitude is meaningless). */
static unsigned long long parse(const char *s, char **end, int base, int *neg,
				int *overflow)
{
	const char *p = s;
	unsigned long long v = 0;
	int any = 0;

	*neg = *overflow = 0;
	while (isspace(*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 0x20) == 'x' &&
	    isxdigit(p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = (p[0] == '0') ? 8 : 10;
	}
	for (;; p++) {
		int d = digit_value(*p);

		if (d >= base)
			break;
		any = 1;
		if (v > (ULLONG_MAX - d) / base)
			*overflow = 1;
		else
			v = v * base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	if (overflow)
		return ULLONG_MAX;
	return neg ? -v : v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

long strtol(const char *s, char **end, int base)
{
	int neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	if (neg)
		return overflow || v > (unsigned long long)LONG_MAX + 1 ? LONG_MIN : (long)-v;
	return overflow || v > LONG_MAX ? LONG_MAX : (long)v;
}
