/* SPDX-License-Identifier: GPL-2.0 */
/* EL1 exception handling: the vector table, IRQ dispatch and caught probe aborts. */
#ifndef BASIC_EXC_H
#define BASIC_EXC_H

#include <stdbool.h>
#include <stdint.h>

struct exc_frame {
	uint64_t x[31];
	uint64_t elr, spsr, fpsr, fpcr, pad;
	__uint128_t q[32];
};
_Static_assert(sizeof(struct exc_frame) == 800, "vectors.S FRAME_SIZE");

#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define EC_DABT_CUR	0x25		/* data abort taken without a change of EL */
#define ESR_DFSC(esr)	((esr) & 0x3f)
#define ESR_FNV		(1ULL << 10)	/* FAR not valid */
#define ESR_WNR		(1ULL << 6)

/* One armed probe access: an abort on it is recorded and skipped. */
struct probe_result {
	bool aborted;
	bool serror;			/* an SError arrived instead */
	uint64_t esr, far;
};

void exc_install(void);
uint64_t probe_load(uint64_t addr, struct probe_result *r);
void probe_store(uint64_t addr, uint64_t value, struct probe_result *r);

#endif
