/* SPDX-License-Identifier: GPL-2.0 */
/* The second vCPU: PSCI CPU_ON entry, SGI ping-pong and the running counter. */
#ifndef BASIC_SMP_H
#define BASIC_SMP_H

#include <stdint.h>

#define SGI_HELLO	1	/* cpu1 -> cpu0 once it is up */
#define SGI_PING	2	/* cpu0 -> cpu1 */
#define SGI_PONG	3	/* cpu1 -> cpu0, in reply to a ping */

#define CPU1_CONTEXT_ID	0x6b657374c0de0001ULL	/* CPU_ON context_id, back in x0 */

enum cpu1_state { CPU1_OFF, CPU1_STARTING, CPU1_UP, CPU1_FAILED };

extern volatile enum cpu1_state cpu1_state;
extern volatile uint64_t cpu1_counter;
extern volatile uint64_t cpu1_context_id;	/* x0 at cpu1's entry */
extern volatile uint32_t sgi_seen[2][16];	/* [cpu][sgi] */
extern uint64_t cpu0_mpidr, cpu1_mpidr;

void secondary_entry(void);		/* start.S: the CPU_ON entry point */
void smp_init(void);			/* CPU 0: pick the second CPU, SGI handlers */
void tls_init(unsigned int cpu);

#endif
