// SPDX-License-Identifier: GPL-2.0
/* A small C99 printf core shared by snprintf and the console/log sinks. */
#include <printf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec;		/* -1: none */
	int len;		/* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
};

struct out {
	printf_sink_t sink;
	void *ctx;
	int count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->count += (int)n;
	}
}

static void pad(struct out *o, char c, int n)
{
	char buf[16];

	memset(buf, c, sizeof(buf));
	while (n > 0) {
		int k = n > 16 ? 16 : n;

		emit(o, buf, k);
		n -= k;
	}
}

static void emit_field(struct out *o, const struct spec *sp, const char *prefix,
		       const char *body, int body_len, int zeros)
{
	int plen = (int)strlen(prefix);
	int total = plen + zeros + body_len;
	int fill = sp->width > total ? sp->width - total : 0;

	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	emit(o, prefix, plen);
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	emit(o, body, body_len);
	if (sp->left)
		pad(o, ' ', fill);
}

/* sign: -1 negative, 1 signed and not negative, 0 an unsigned conversion
 * (which takes no '+' or ' '). */
static void emit_number(struct out *o, struct spec *sp, uint64_t v, int sign,
			unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24], prefix[4] = "";
	int n = 0, zeros = 0, p = 0;
	bool zero = v == 0;

	while (v) {
		buf[sizeof(buf) - 1 - n++] = digits[v % base];
		v /= base;
	}
	if (n == 0 && sp->prec != 0)
		buf[sizeof(buf) - 1 - n++] = '0';
	if (sign < 0)
		prefix[p++] = '-';
	else if (sign > 0 && sp->plus)
		prefix[p++] = '+';
	else if (sign > 0 && sp->space)
		prefix[p++] = ' ';
	if (sp->alt && base == 16 && !zero) {
		prefix[p++] = '0';
		prefix[p++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && (n == 0 || buf[sizeof(buf) - n] != '0')) {
		zeros = 1;
	}
	prefix[p] = '\0';
	if (sp->prec >= 0) {
		sp->zero = false;
		if (sp->prec > n + zeros)
			zeros = sp->prec - n;
	}
	emit_field(o, sp, prefix, buf + sizeof(buf) - n, n, zeros);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	if (sp->left)
		sp->zero = false;
	for (;; f++) {
		if (*f == 'l')
			sp->len = sp->len >= 1 ? 2 : 1;
		else if (*f == 'h')
			sp->len = sp->len <= -1 ? -2 : -1;
		else if (*f == 'z' || *f == 't' || *f == 'j')
			sp->len = 3;
		else
			break;
	}
	return f;
}

static uint64_t get_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 3: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned long long);
	}
}

static int64_t get_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case -2: return (signed char)va_arg(*ap, int);
	case -1: return (short)va_arg(*ap, int);
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 3: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, long long);
	}
}

int vcbprintf(printf_sink_t sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = { sink, ctx, 0 };
	struct spec sp;
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		const char *start = fmt;

		while (*fmt && *fmt != '%')
			fmt++;
		emit(&o, start, fmt - start);
		if (!*fmt)
			break;
		fmt = parse_spec(fmt + 1, &sp, &ap);
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = get_signed(&sp, &ap);

			emit_number(&o, &sp, v < 0 ? -(uint64_t)v : (uint64_t)v,
				    v < 0 ? -1 : 1, 10, false);
			break;
		}
		case 'u':
			emit_number(&o, &sp, get_unsigned(&sp, &ap), 0, 10, false);
			break;
		case 'x':
		case 'X':
			emit_number(&o, &sp, get_unsigned(&sp, &ap), 0, 16, *fmt == 'X');
			break;
		case 'o':
			emit_number(&o, &sp, get_unsigned(&sp, &ap), 0, 8, false);
			break;
		case 'p':
			sp.alt = true;
			sp.len = 3;
			emit_number(&o, &sp, (uintptr_t)va_arg(ap, void *), 0, 16, false);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			sp.zero = false;
			emit_field(&o, &sp, "", &c, 1, 0);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			sp.zero = false;
			emit_field(&o, &sp, "", s,
				   (int)strnlen(s, sp.prec >= 0 ? (size_t)sp.prec : SIZE_MAX), 0);
			break;
		}
		case '%':
			emit(&o, "%", 1);
			break;
		case '\0':
			fmt--;	/* lone '%' at the end: print nothing more */
			break;
		default:	/* unknown conversion: show it verbatim */
			emit(&o, "%", 1);
			emit(&o, fmt, 1);
			break;
		}
		fmt++;
	}
	va_end(ap);
	return o.count;
}

struct bufctx {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_sink(void *ctx, const char *s, size_t len)
{
	struct bufctx *b = ctx;

	if (b->size && b->pos < b->size - 1) {
		size_t room = b->size - 1 - b->pos;
		size_t n = len < room ? len : room;

		memcpy(b->buf + b->pos, s, n);
	}
	b->pos += len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = { buf, size, 0 };
	int n = vcbprintf(buf_sink, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
