/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kestrel's own libc-named functions (libs/string.c, strtox.c, printf.c) as
 * the host tests see them. The Makefile builds every Kestrel source with
 * -D<name>=k_<name> for these names (KLIBC_NAMES), so they cannot collide
 * with glibc's in the same process; a test calls k_memcpy to test
 * Kestrel's memcpy, and memcpy for glibc's as the oracle.
 */
#ifndef KESTREL_TEST_KLIBC_H
#define KESTREL_TEST_KLIBC_H

#include <stdarg.h>
#include <stddef.h>

void *k_memcpy(void *dst, const void *src, size_t n);
void *k_memmove(void *dst, const void *src, size_t n);
void *k_memset(void *dst, int c, size_t n);
int k_memcmp(const void *a, const void *b, size_t n);
void *k_memchr(const void *s, int c, size_t n);
size_t k_strlen(const char *s);
size_t k_strnlen(const char *s, size_t max);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, size_t n);
char *k_strchr(const char *s, int c);
char *k_strrchr(const char *s, int c);
size_t k_strlcpy(char *dst, const char *src, size_t size);
char *k_strstr(const char *haystack, const char *needle);

unsigned long k_strtoul(const char *s, char **end, int base);
unsigned long long k_strtoull(const char *s, char **end, int base);
long k_strtol(const char *s, char **end, int base);

int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int k_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
