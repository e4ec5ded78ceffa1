# SPDX-License-Identifier: GPL-2.0
# Kestrel top-level Makefile: Kconfig, the hypervisor image, payload, tests.
#
#   make [ARCH=arm64] <board>_defconfig   configure (default: qemu-virt_defconfig)
#   make menuconfig | savedefconfig | olddefconfig
#   make                  build $(O)/kestrel.bin
#   make run              install deps, build, boot under QEMU from U-Boot
#   make run GUESTS=f.dts boot with your guests (images found next to f.dts)
#   make test             install deps, build, run unit and integration tests
#   make O=<dir>          out-of-tree build (default: build/)
#   make snapshot-tool    build $(O)/tools/kestrel-snapshot (reads snapshots on the host)
#   make bench [QUICK=1]  measure Kestrel against native QEMU (docs/performance.md)
#   make bench-compare OLD=<file> [NEW=<file>]   two bench runs side by side
#   make VERBOSE=y        show every command

ARCH ?= arm64
O ?= build
PYTHON ?= /usr/bin/python3
BOARD_DEFCONFIG ?= qemu-virt_defconfig
BOOT ?= uboot
SMP ?= 4
MEM ?= 1G

srctree := $(CURDIR)
objtree := $(abspath $(O))
export srctree objtree

ifeq ($(VERBOSE),y)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

# No built-in implicit rules: they would try to "remake" dependency files.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.DEFAULT_GOAL := all
.PHONY: all menuconfig savedefconfig olddefconfig run test unit-test \
	integration-test payload disk clean distclean help deps-build deps-run deps-test \
	snapshot-tool bench bench-compare deps-bench

help:
	@sed -n '3,13s/^# \{0,1\}//p' Makefile

# --- host packages (one script) --------------------------------------------
deps-build deps-run deps-test deps-bench:
	$(Q)$(srctree)/tools/deps.sh $(@:deps-%=%)

# --- configuration ---------------------------------------------------------
config_file := $(objtree)/.config
autoconf := $(objtree)/include/generated/autoconf.h
autoconf_mk := $(objtree)/include/config/auto.conf
kconfig_files := $(shell find $(srctree)/Kconfig $(srctree)/arch $(srctree)/core \
	$(srctree)/drivers $(srctree)/emulators $(srctree)/libs -name 'Kconfig*')
KCONFIG = srctree=$(srctree) ARCH=$(ARCH) KCONFIG_CONFIG=$(config_file) \
	$(PYTHON) /usr/lib/python3/dist-packages/$(1).py

%_defconfig: deps-build
	$(Q)mkdir -p $(objtree)
	$(Q)test -f arch/$(ARCH)/configs/$@ || \
		{ echo "config: no board config arch/$(ARCH)/configs/$@" >&2; exit 1; }
	$(Q)$(call KCONFIG,defconfig) --kconfig Kconfig arch/$(ARCH)/configs/$@

# Without a .config, menuconfig starts from the default board's defconfig.
menuconfig olddefconfig: deps-build | $(config_file)
	$(Q)$(call KCONFIG,$@) Kconfig

savedefconfig: $(config_file)
	$(Q)$(call KCONFIG,savedefconfig) --kconfig Kconfig --out $(objtree)/defconfig
	@echo "config: wrote $(O)/defconfig; copy it to arch/$(ARCH)/configs/<board>_defconfig"

$(config_file):
	@echo "config: no $(O)/.config yet, using arch/$(ARCH)/configs/$(BOARD_DEFCONFIG)"
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) $(BOARD_DEFCONFIG)

# genconfig only rewrites files whose content changed and touches one stamp
# file per changed symbol under include/config/, which fixdep makes objects
# depend on: a config change rebuilds exactly the files that test the symbol.
$(autoconf_mk): $(config_file) $(kconfig_files)
	$(Q)mkdir -p $(dir $(autoconf)) $(dir $(autoconf_mk))
	$(Q)$(call KCONFIG,genconfig) --header-path $(autoconf) \
		--config-out $(autoconf_mk) --sync-deps $(objtree)/include/deps Kconfig
	$(Q)touch $(autoconf_mk)

config_goals := %_defconfig menuconfig olddefconfig savedefconfig clean distclean \
	help deps-build deps-run deps-test deps-bench unit-test snapshot-tool bench-compare
ifneq ($(filter-out $(config_goals),$(or $(MAKECMDGOALS),all)),)
include $(autoconf_mk)
# Until auto.conf exists (make remakes it, then restarts) nothing is known.
ifneq ($(wildcard $(autoconf_mk)),)
include $(srctree)/tools/build.mk
endif
endif

# --- running and testing ---------------------------------------------------
run: deps-run
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) disk
	$(Q)$(PYTHON) $(srctree)/tools/run.py --boot $(BOOT) --smp $(SMP) --mem $(MEM) \
		--disk $(objtree)/disk.img --image $(objtree)/kestrel.bin \
		--payload $(objtree)/payload.cpio

# The host tool that lists, shows, verifies and exports snapshots.
snapshot-tool: deps-build
	$(Q)$(MAKE) -C $(srctree)/tools/snapshot O=$(objtree)/tools

unit-test: deps-test
	$(Q)$(MAKE) -C $(srctree)/tests/unit O=$(objtree)/unit

# The fatal-path tests need a build with the debug command, in $(O)/debug.
debug_objtree := $(objtree)/debug
debug-build:
	$(Q)test -f $(debug_objtree)/.config || \
		$(MAKE) -f $(srctree)/Makefile O=$(debug_objtree) ARCH=$(ARCH) qemu-virt-debug_defconfig
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(debug_objtree) ARCH=$(ARCH) \
		GUEST_FW_DIR=$(objtree)/guests LINUX_GUEST_DIR=$(objtree)/linux \
		GUESTS=$(srctree)/tests/integration/configs/empty.dts all payload

# Test-firmware guests (tests/guests), built into $(O)/guests.
guests: deps-build
	$(Q)$(MAKE) -C $(srctree)/tests/guests/arm64/basic O=$(objtree)/guests

integration-test: deps-test
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) disk
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) debug-build
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) guests
	$(Q)cd $(srctree) && KESTREL_BUILD=$(objtree) $(PYTHON) -m pytest tests/integration

test: deps-test
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) disk
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) debug-build
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) guests
	$(Q)$(MAKE) -C $(srctree)/tests/unit O=$(objtree)/unit build-only
	$(Q)cd $(srctree) && KESTREL_BUILD=$(objtree) $(PYTHON) -m pytest tests

# Benchmarks: the payload and disk make builds (with the test firmware and
# the Linux guest), then every suite; results in $(O)/bench/.
bench: deps-bench
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(O) ARCH=$(ARCH) disk
	$(Q)cd $(srctree) && $(PYTHON) tests/bench/bench.py --build $(objtree) $(if $(QUICK),--quick)

bench-compare:
	$(Q)test -n "$(OLD)" || \
		{ echo "bench-compare: usage: make bench-compare OLD=<file> [NEW=<file>]" >&2; exit 2; }
	$(Q)$(PYTHON) $(srctree)/tests/bench/compare.py $(OLD) $(or $(NEW),$(objtree)/bench/latest.json)

clean:
	$(Q)rm -rf $(objtree)/arch $(objtree)/core $(objtree)/drivers $(objtree)/emulators \
		$(objtree)/libs $(objtree)/libfdt $(objtree)/unit $(objtree)/kestrel* \
		$(objtree)/payload* $(objtree)/disk.img $(objtree)/debug $(objtree)/guests \
		$(objtree)/tools $(objtree)/bench

distclean:
	$(Q)rm -rf $(objtree)
