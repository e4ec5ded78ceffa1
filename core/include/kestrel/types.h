/* SPDX-License-Identifier: GPL-2.0 */
/* Basic types and the three address kinds, kept distinct. */
#ifndef KESTREL_TYPES_H
#define KESTREL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
typedef int64_t s64;
typedef int32_t s32;

/* Host physical, hypervisor virtual and guest physical addresses. */
typedef uint64_t hpa_t;
typedef uintptr_t hva_t;
typedef uint64_t gpa_t;

#define SZ_4K	0x1000UL
#define SZ_64K	0x10000UL
#define SZ_1M	0x100000UL
#define SZ_2M	0x200000UL
#define SZ_1G	0x40000000UL

#endif
