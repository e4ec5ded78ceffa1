# SPDX-License-Identifier: GPL-2.0
# Compile and link rules for the hypervisor image; included by the Makefile
# once $(O)/include/config/auto.conf (the CONFIG_ values) is known.

include $(srctree)/arch/$(ARCH)/arch.mk

CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
NM := $(CROSS_COMPILE)nm

# Each directory lists its objects in objects.mk as obj-y / obj-$(CONFIG_X).
board := $(patsubst "%",%,$(CONFIG_BOARD_NAME))
obj_dirs := arch/$(ARCH) arch/$(ARCH)/board/$(board) core core/term core/cmd drivers \
	emulators libs
define collect_objs
obj-y :=
include $(srctree)/$(1)/objects.mk
objs += $$(addprefix $(objtree)/$(1)/,$$(obj-y))
endef
objs :=
$(foreach d,$(obj_dirs),$(eval $(call collect_objs,$(d))))

# libfdt: the real library from Debian's linux-source-6.1, extracted into the
# build directory and compiled with the hypervisor's freestanding flags.
LIBFDT_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
libfdt_src := $(objtree)/libfdt/src
libfdt_stamp := $(libfdt_src)/.extracted
libfdt_names := fdt fdt_ro fdt_rw fdt_sw fdt_wip fdt_strerror fdt_empty_tree fdt_addresses
libfdt_objs := $(patsubst %,$(objtree)/libfdt/%.o,$(libfdt_names))

$(libfdt_stamp):
	@echo "  EXTRACT libfdt from $(LIBFDT_TARBALL)"
	$(Q)test -r $(LIBFDT_TARBALL) || { echo "libfdt: $(LIBFDT_TARBALL) missing (tools/deps.sh build installs linux-source-6.1)" >&2; exit 1; }
	$(Q)rm -rf $(libfdt_src) && mkdir -p $(libfdt_src)
	$(Q)tar -xJf $(LIBFDT_TARBALL) -C $(libfdt_src) --strip-components=4 \
		linux-source-6.1/scripts/dtc/libfdt
	$(Q)touch $@

INCLUDES := -I$(srctree)/arch/include -I$(srctree)/arch/$(ARCH)/include \
	-I$(srctree)/core/include -I$(srctree)/libs/include -I$(srctree)/emulators \
	-I$(libfdt_src) \
	-I$(objtree)/include
BASE_FLAGS := -g -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fpie $(ARCH_CFLAGS) $(INCLUDES) -include $(autoconf)
CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fno-common -fno-stack-protector -fno-omit-frame-pointer -ffunction-sections \
	-fdata-sections -fvisibility=hidden \
	-include $(srctree)/core/include/kestrel/compiler.h $(BASE_FLAGS)
ASFLAGS := -D__ASSEMBLY__ $(BASE_FLAGS)
LIBFDT_CFLAGS := $(filter-out -Werror -Wextra,$(CFLAGS)) -Wno-sign-compare

define compile
	$(Q)mkdir -p $(dir $@)
	$(Q)$(1) -MD -MF $@.d -c -o $@ $<
	$(Q)$(srctree)/tools/fixdep.sh $@.d $(objtree)
endef

quiet_echo = $(if $(Q),@echo "  $(1) $(patsubst $(objtree)/%,%,$@)")

# auto.conf is order-only: fixdep's per-symbol stamps say which objects a
# config change really affects.
$(objtree)/%.o: $(srctree)/%.c | $(autoconf_mk) $(libfdt_stamp)
	$(call quiet_echo,CC)
	$(call compile,$(CC) $(CFLAGS) $(CFLAGS_$(notdir $@)))

$(objtree)/%.o: $(srctree)/%.S | $(autoconf_mk)
	$(call quiet_echo,AS)
	$(call compile,$(CC) $(ASFLAGS))

$(objtree)/libfdt/%.o: $(libfdt_stamp) | $(autoconf_mk)
	$(call quiet_echo,CC)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LIBFDT_CFLAGS) -MD -MF $@.d -c -o $@ $(libfdt_src)/$*.c
	$(Q)$(srctree)/tools/fixdep.sh $@.d $(objtree)

# The linker script goes through the C preprocessor for CONFIG_ values.
$(objtree)/kestrel.lds: $(srctree)/arch/$(ARCH)/kestrel.lds.S $(autoconf_mk)
	$(call quiet_echo,LDS)
	$(Q)$(CC) -E -P -D__ASSEMBLY__ $(INCLUDES) -include $(autoconf) -o $@ $<

# Relink when the set of objects changes (a symbol turned on or off).
$(objtree)/kestrel.elf: $(objs) $(libfdt_objs) $(objtree)/kestrel.lds $(autoconf_mk)
	$(call quiet_echo,LD)
	$(Q)$(LD) $(ARCH_LDFLAGS) -T $(objtree)/kestrel.lds -Map $@.map -o $@ \
		$(objs) $(libfdt_objs) $(shell $(CC) -print-libgcc-file-name)

$(objtree)/kestrel.bin: $(objtree)/kestrel.elf
	$(call quiet_echo,OBJCOPY)
	$(Q)$(OBJCOPY) -O binary $< $@
	@echo "  IMAGE $(patsubst $(objtree)/%,$(O)/%,$@) ($$(stat -c %s $@) bytes)"

all: deps-build $(objtree)/kestrel.bin

# The payload handed to Kestrel as the initrd: the configuration DTB from
# the guests DTS (GUESTS=, default: the board's config.dts) and the guest
# images it names, found next to the DTS, among the test firmware built in
# GUEST_FW_DIR, or in the Linux guest built in $(O)/linux. Rebuilt every
# time; unchanged content keeps its date.
GUESTS ?= $(srctree)/arch/$(ARCH)/board/$(board)/config.dts
GUEST_FW_DIR ?= $(objtree)/guests
LINUX_GUEST_DIR ?= $(objtree)/linux

guest-firmware:
	$(Q)$(MAKE) -C $(srctree)/tests/guests/$(ARCH)/basic O=$(GUEST_FW_DIR)

$(objtree)/payload.cpio: guest-firmware linux-guest FORCE
	$(call quiet_echo,PAYLOAD)
	$(Q)$(srctree)/tools/mkpayload.sh $@ $(GUESTS) $(GUEST_FW_DIR) $(LINUX_GUEST_DIR)

.PHONY: guest-firmware FORCE
FORCE:

payload: deps-build $(objtree)/payload.cpio

$(objtree)/disk.img: $(objtree)/kestrel.bin $(objtree)/payload.cpio \
		$(srctree)/tools/mkbootdisk.sh $(srctree)/tools/boot.cmd
	$(Q)$(srctree)/tools/mkbootdisk.sh $@ $(objtree)/kestrel.bin $(objtree)/payload.cpio

disk: all $(objtree)/disk.img

# The Linux guest: Debian's arm64 cloud kernel and a busybox initramfs, made
# by tools/linux-guest.sh in $(O)/linux from packages cached outside the tree
# (see docs/building.md). It checks its own inputs, so it always runs.
linux-guest: deps-run
	$(Q)$(srctree)/tools/linux-guest.sh $(LINUX_GUEST_DIR)

.PHONY: linux-guest

# Only this build's own objects (not $(O)/debug or $(O)/unit nested in it).
-include $(shell find $(addprefix $(objtree)/,arch core drivers emulators libs libfdt) \
	-name '*.o.d' 2>/dev/null)
