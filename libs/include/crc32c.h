/* SPDX-License-Identifier: GPL-2.0 */
/* CRC32C (Castagnoli), the checksum of snapshots (libs/crc32c.c). */
#ifndef KESTREL_CRC32C_H
#define KESTREL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continues the CRC32C crc over len bytes of buf and returns it: initial
 * value and final XOR 0xFFFFFFFF are applied inside, so pass 0 to start, and
 * crc32c(crc32c(0, a, n), b, m) equals the CRC of a then b. The CRC of
 * "123456789" is 0xE3069283; of no bytes, 0.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

#endif
