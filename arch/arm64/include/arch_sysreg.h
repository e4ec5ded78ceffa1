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
#define HCR_VM		(1UL << 0)
#define HCR_SWIO	(1UL << 1)
#define HCR_PTW		(1UL << 2)
#define HCR_VSE		(1UL << 8)
#define HCR_FB		(1UL << 9)
#define HCR_BSU_IS	(1UL << 10)
#define HCR_TWI		(1UL << 13)
#define HCR_TWE		(1UL << 14)
#define HCR_TSC		(1UL << 19)
#define HCR_TIDCP	(1UL << 20)
#define HCR_TACR	(1UL << 21)
#define HCR_TSW		(1UL << 22)
#define HCR_RW		(1UL << 31)

/* VTCR_EL2: 4 KiB granule, 40-bit IPA starting at level 1 (two
 * concatenated level-1 tables), inner-shareable write-back walks. */
#define VTCR_T0SZ(n)	((u64)(n) << 0)
#define VTCR_SL0_L1	(1UL << 6)
#define VTCR_IRGN0_WBWA	(1UL << 8)
#define VTCR_ORGN0_WBWA	(1UL << 10)
#define VTCR_SH0_IS	(3UL << 12)
#define VTCR_PS_SHIFT	16
#define VTCR_RES1	(1UL << 31)

#define CPTR_EL2_RES1	0x33ffUL
#define CPTR_TTA	(1UL << 20)

#define MDCR_TPMCR	(1UL << 5)
#define MDCR_TPM	(1UL << 6)
#define MDCR_TDOSA	(1UL << 10)
#define MDCR_TDA	(1UL << 9)
#define MDCR_TDRA	(1UL << 11)
#define MDCR_HPMN_MASK	0x1fUL

#define CNT_CTL_ISTATUS	(1UL << 2)

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
#define ICC_SRE_EN	(1UL << 3)	/* ICC_SRE_EL2.Enable: EL1 may use ICC_SRE_EL1 */

/* GICv3 virtualization control (ICH_*_EL2). */
#define ICH_AP0R0_EL2	s3_4_c12_c8_0
#define ICH_AP0R1_EL2	s3_4_c12_c8_1
#define ICH_AP0R2_EL2	s3_4_c12_c8_2
#define ICH_AP0R3_EL2	s3_4_c12_c8_3
#define ICH_AP1R0_EL2	s3_4_c12_c9_0
#define ICH_AP1R1_EL2	s3_4_c12_c9_1
#define ICH_AP1R2_EL2	s3_4_c12_c9_2
#define ICH_AP1R3_EL2	s3_4_c12_c9_3
#define ICH_HCR_EL2	s3_4_c12_c11_0
#define ICH_VTR_EL2	s3_4_c12_c11_1
#define ICH_MISR_EL2	s3_4_c12_c11_2
#define ICH_VMCR_EL2	s3_4_c12_c11_7
#define ICH_LR0_EL2	s3_4_c12_c12_0
#define ICH_LR1_EL2	s3_4_c12_c12_1
#define ICH_LR2_EL2	s3_4_c12_c12_2
#define ICH_LR3_EL2	s3_4_c12_c12_3
#define ICH_LR4_EL2	s3_4_c12_c12_4
#define ICH_LR5_EL2	s3_4_c12_c12_5
#define ICH_LR6_EL2	s3_4_c12_c12_6
#define ICH_LR7_EL2	s3_4_c12_c12_7
#define ICH_LR8_EL2	s3_4_c12_c13_0
#define ICH_LR9_EL2	s3_4_c12_c13_1
#define ICH_LR10_EL2	s3_4_c12_c13_2
#define ICH_LR11_EL2	s3_4_c12_c13_3
#define ICH_LR12_EL2	s3_4_c12_c13_4
#define ICH_LR13_EL2	s3_4_c12_c13_5
#define ICH_LR14_EL2	s3_4_c12_c13_6
#define ICH_LR15_EL2	s3_4_c12_c13_7

#define ICH_HCR_EN	(1UL << 0)
#define ICH_HCR_NPIE	(1UL << 3)
#define ICH_LR_STATE_SHIFT	62
#define ICH_LR_PENDING	(1UL << 62)
#define ICH_LR_ACTIVE	(2UL << 62)
#define ICH_LR_GROUP1	(1UL << 60)
#define ICH_LR_EOI	(1UL << 41)	/* HW = 0: maintenance IRQ on deactivation */
#define ICH_LR_PRIO_SHIFT	48

#define __read_sysreg(r) read_sysreg(r)
#define __write_sysreg(v, r) write_sysreg(v, r)
#define read_sysreg_s(r) __read_sysreg(r)
#define write_sysreg_s(v, r) __write_sysreg(v, r)
#endif

#endif
