/* SPDX-License-Identifier: GPL-2.0 */
/* Layout of the Kestrel image: linked at 0, relocated to wherever it loads. */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)

SECTIONS
{
	. = 0;
	_start = .;
	.text : {
		KEEP(*(.text.head))
		*(.text.vectors)
		*(.text .text.*)
	}
	. = ALIGN(4096);
	_etext = .;

	.rodata : {
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__start_kestrel_drivers = .;
		KEEP(*(kestrel_drivers))
		__stop_kestrel_drivers = .;
		__start_kestrel_cmds = .;
		KEEP(*(kestrel_cmds))
		__stop_kestrel_cmds = .;
		. = ALIGN(8);
		__start_kestrel_emulators = .;
		KEEP(*(kestrel_emulators))
		__stop_kestrel_emulators = .;
		*(.data.rel.ro .data.rel.ro.*)
	}
	.got : { *(.got .got.plt) }
	.dynamic : { *(.dynamic) }
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.hash : { *(.hash) }
	.gnu.hash : { *(.gnu.hash) }
	.rela.dyn : { *(.rela .rela.*) }
	/* The linker adds its own relocations to .rela.dyn after the input
	 * sections, so its bounds come from the output section. */
	__rela_start = ADDR(.rela.dyn);
	__rela_end = ADDR(.rela.dyn) + SIZEOF(.rela.dyn);
	. = ALIGN(4096);
	_erodata = .;

	.data : {
		*(.data .data.*)
	}
	. = ALIGN(16);
	__bss_start = .;
	.bss (NOLOAD) : {
		*(.bss .bss.*)
		*(COMMON)
	}
	. = ALIGN(16);
	__bss_end = .;
	. = ALIGN(4096);
	_end = .;

	/* The Image header's size field, as two absolute 32-bit halves so that
	 * no dynamic relocation is needed for it. */
	_kestrel_size_lo = (_end - _start) & 0xffffffff;
	_kestrel_size_hi = (_end - _start) >> 32;

	/DISCARD/ : {
		*(.interp) *(.eh_frame) *(.note.GNU-stack) *(.comment) *(.note .note.*)
	}
}
