/* SPDX-License-Identifier: GPL-2.0 */
/* ARMv8 system register access and the EL2 register bits Kestrel sets. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#define SCTLR_EL2_RES1	0x30c50830UL
#define SCTLR_M		(1UL << 0)
#define SCTLR_A		(1UL << 1)
#define SCTLR_C		(1UL << 2)
#define SCTLR_SA	(1UL << 3)
#define SCTLR_I		(1UL << 12)
#define SCTLR_WXN	(1UL << 19)

#define HCR_FMO		(1UL << 3)
#define HCR_IMO		(1UL << 4)
#define HCR_AMO		(1UL << 5)
#define HCR_RW		(1UL << 31)

#define CNTHCTL_EL1PCTEN	(1UL << 0)
#define CNTHCTL_EL1PCEN		(1UL << 1)

#define CNT_CTL_ENABLE	(1UL << 0)
#define CNT_CTL_IMASK	(1UL << 1)

#ifndef __ASSEMBLY__
#include <kestrel/types.h>

#define read_sysreg(r) ({ u64 __v; __asm__ __volatile__("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) __asm__ __volatile__("msr " #r ", %0" :: "r"((u64)(v)))
#define isb()		__asm__ __volatile__("isb" ::: "memory")
#define dsb(opt)	__asm__ __volatile__("dsb " #opt ::: "memory")

/* GICv3 CPU interface registers by encoding (no assembler support needed). */
#define ICC_SRE_EL2	s3_4_c12_c9_5
#define ICC_PMR_EL1	s3_0_c4_c6_0
#define ICC_IAR1_EL1	s3_0_c12_c12_0
#define ICC_EOIR1_EL1	s3_0_c12_c12_1
#define ICC_BPR1_EL1	s3_0_c12_c12_3
#define ICC_CTLR_EL1	s3_0_c12_c12_4
#define ICC_IGRPEN1_EL1	s3_0_c12_c12_7
#define ICC_SGI1R_EL1	s3_0_c12_c11_5
#define __read_sysreg(r) read_sysreg(r)
#define __write_sysreg(v, r) write_sysreg(v, r)
#define read_sysreg_s(r) __read_sysreg(r)
#define write_sysreg_s(v, r) __write_sysreg(v, r)
#endif

#endif
