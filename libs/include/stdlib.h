/* SPDX-License-Identifier: GPL-2.0 */
/* Freestanding number parsing (libs/strtox.c). */
#ifndef KESTREL_STDLIB_H
#define KESTREL_STDLIB_H

unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);

#endif
