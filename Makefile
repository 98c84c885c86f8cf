# SPDX-License-Identifier: GPL-2.0
#
# mapdev: the user's entry point.  Kbuild lists the module's objects; this
# file builds the module out of tree (one build directory per kernel),
# the userspace parts and the selftests, and runs the checks.
#
#   make                    module for KVER (default: the running kernel),
#                           tools and selftests
#   make KVER=<release>     the module for installed headers of <release>
#   make check              everything, on every kernel of the matrix, in VMs
#   make demo | vm | bench  see README.md

VERSION	:= $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
BUILD	?= $(CURDIR)/build
KSRC_TAR ?= /usr/src/linux-source-6.12.tar.xz
KERNELS	?= $(shell scripts/kernels.sh)

PREFIX	?= /usr/local
LIBDIR	?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR	?= $(PREFIX)/share/man

CC	?= gcc
CFLAGS	?= -O2 -g
WARN	:= -Wall -Wextra -Werror
# Quiet unless V=1, as Kbuild.
ifeq ($(V),1)
Q :=
else
Q := @
endif

KBUILD_OUT = $(BUILD)/kernel/$(KVER)
KSRC	= $(BUILD)/ksrc
KSFT	= $(KSRC)/tools/testing/selftests

# Userspace: the library, the tools, the selftests (64-bit and 32-bit).
LIB_VERSION := 1.1.0
LIB_SONAME := libmapdev.so.1
LIBDIR_B := $(BUILD)/lib
LIB_SO	:= $(LIBDIR_B)/libmapdev.so.$(LIB_VERSION)
LIB_A	:= $(LIBDIR_B)/libmapdev.a
LIB32_A	:= $(BUILD)/lib32/libmapdev.a
LIB_SRC	:= tools/lib/mapdev/mapdev.c
LIB_HDRS := tools/lib/mapdev/mapdev.h uapi/linux/mapdev.h
USER_CFLAGS = $(CFLAGS) $(WARN) -Iuapi -Itools/lib/mapdev
M32	:= -m32 -D_FILE_OFFSET_BITS=64

# The kselftests: selftests/mapdev is a kselftest target (its own Makefile
# on the kernel's lib.mk); "make selftests" builds it into $(SELFTEST_OUT)
# with the kernel's selftests directory extracted under $(KSRC).
SELFTEST_OUT := $(BUILD)/selftests
KSFT_MAKE = $(MAKE) -C selftests/mapdev OUTPUT=$(SELFTEST_OUT) \
	    KSFT_DIR=$(KSFT) MAPDEV_SRC=$(CURDIR)

TOOLS := mapdev-demo mapdev-bench mapdev-run mapdev-fuzz
PRELOAD_SO := $(LIBDIR_B)/libmapdev-preload.so
TOOL_BINS := $(addprefix $(BUILD)/tools/,$(TOOLS))

MODULE_SRCS := $(wildcard module/*.c module/*.h) module/Kbuild Kbuild \
	       uapi/linux/mapdev.h

.PHONY: all modules lib tools selftests selftests_intree clean check check-quick checkpatch sparse demo \
	vm bench headers_check install uninstall modules_install dkms \
	dkms_install dkms_uninstall

all: modules lib tools selftests

# The module builds in $(BUILD)/kernel/<release>, a copy of the sources,
# so that several kernels' objects never mix.
modules:
	$(Q)test -d $(KDIR) || { \
		echo "No kernel build tree at $(KDIR)."; \
		echo "Install linux-headers-$(KVER), or pick KVER= among: $(KERNELS)"; \
		exit 1; }
	$(Q)mkdir -p $(KBUILD_OUT)/module $(KBUILD_OUT)/uapi/linux
	$(Q)cp -p Kbuild $(KBUILD_OUT)/
	$(Q)cp -p module/Kbuild module/*.c module/*.h $(KBUILD_OUT)/module/
	$(Q)cp -p uapi/linux/mapdev.h $(KBUILD_OUT)/uapi/linux/
	$(Q)$(MAKE) -C $(KDIR) M=$(KBUILD_OUT) W=1 \
		CONFIG_DEBUG_INFO_BTF_MODULES= modules
	@echo "  MODULE  $(KBUILD_OUT)/module/mapdev.ko"

# Pieces of the kernel tree used at build time only, never committed.
$(KSRC)/.stamp-ksft: $(KSRC_TAR)
	$(Q)rm -rf $(KSRC)
	$(Q)mkdir -p $(KSRC)
	$(Q)tar xJf $(KSRC_TAR) -C $(KSRC) --strip-components=1 \
		linux-source-6.12/tools/testing/selftests \
		linux-source-6.12/scripts/subarch.include \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	$(Q)touch $@

lib: $(LIB_SO) $(LIB_A) $(LIB32_A) $(PRELOAD_SO)

# Only the version script's symbols are exported; nothing is left undefined.
$(LIB_SO): $(LIB_SRC) $(LIB_HDRS) tools/lib/mapdev/libmapdev.map
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(USER_CFLAGS) -fPIC -fvisibility=hidden -shared \
		-Wl,-z,defs -Wl,-soname,$(LIB_SONAME) \
		-Wl,--version-script=tools/lib/mapdev/libmapdev.map -o $@ $<
	$(Q)ln -sf $(notdir $@) $(LIBDIR_B)/$(LIB_SONAME)
	$(Q)ln -sf $(LIB_SONAME) $(LIBDIR_B)/libmapdev.so

# The interposer carries the library inside; it exports only what it interposes.
$(PRELOAD_SO): tools/lib/mapdev/preload.c tools/lib/mapdev/stats.c \
		tools/lib/mapdev/preload.h tools/lib/mapdev/preload.map $(LIB_SRC) \
		$(LIB_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(USER_CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-z,defs \
		-Wl,--version-script=tools/lib/mapdev/preload.map -o $@ \
		tools/lib/mapdev/preload.c tools/lib/mapdev/stats.c $(LIB_SRC)

$(LIB_A): $(LIB_SRC) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)$(CC) $(USER_CFLAGS) -fvisibility=hidden -c -o $(@:.a=.o) $<
	$(Q)$(AR) rcs $@ $(@:.a=.o)

$(LIB32_A): $(LIB_SRC) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)$(CC) $(USER_CFLAGS) $(M32) -fvisibility=hidden -c -o $(@:.a=.o) $<
	$(Q)$(AR) rcs $@ $(@:.a=.o)


tools: $(TOOL_BINS)

$(BUILD)/tools/mapdev-demo: tools/demo/mapdev-demo.c uapi/linux/mapdev.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/tools/mapdev-bench: tools/bench/mapdev-bench.c $(LIB_HDRS) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $< $(LIB_A) -pthread

$(BUILD)/tools/mapdev-fuzz: tools/fuzz/mapdev-fuzz.c uapi/linux/mapdev.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $< -pthread

$(BUILD)/tools/mapdev-run: tools/mapdev-run/mapdev-run.c tools/mapdev-run/trace.c \
		tools/mapdev-run/trace.h tools/lib/mapdev/stats.c \
		tools/lib/mapdev/preload.h uapi/linux/mapdev.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $(filter %.c,$^)

# The list of tests, as run_kselftest.sh has it, is what the VMs run.
selftests: $(KSRC)/.stamp-ksft
	$(Q)mkdir -p $(SELFTEST_OUT)
	$(Q)$(KSFT_MAKE)
	$(Q)install -m 0755 selftests/mapdev/preload.sh selftests/mapdev/trace.sh \
		$(SELFTEST_OUT)/
	$(Q)$(KSFT_MAKE) -s COLLECTION=mapdev emit_tests \
		> $(SELFTEST_OUT)/kselftest-list.txt

# selftests/mapdev placed in the kernel's tools/testing/selftests, built
# and installed the kernel's way (make check shows it works).
KTREE_SFT := $(KSFT)
selftests_intree: $(KSRC)/.stamp-ksft
	$(Q)rm -rf $(KTREE_SFT)/mapdev $(BUILD)/kselftest_install
	$(Q)cp -r selftests/mapdev $(KTREE_SFT)/mapdev
	$(Q)MAKEFLAGS= $(MAKE) -s -C $(KTREE_SFT) TARGETS=mapdev \
		MAPDEV_SRC=$(CURDIR) KSFT_INSTALL_PATH=$(BUILD)/kselftest_install \
		install

CHECKPATCH	= $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse \
		  --show-types -f
CHECKPATCH_WAIVED := module/compat.h module/file.c
CHECKPATCH_FILES = $(filter-out $(CHECKPATCH_WAIVED), \
		   $(shell git ls-files 'module/*.[ch]' 'uapi/*.h' \
		   'selftests/*.[ch]' 'tools/*.[ch]' 2>/dev/null))

# Two waivers, each of one rule in one file where the rule cannot apply:
# compat.h exists to test kernel versions (LINUX_VERSION_CODE), and
# file.c builds a vm_operations_struct at run time (CONST_STRUCT).
checkpatch: $(KSRC)/.stamp-ksft
	$(Q)$(CHECKPATCH) $(CHECKPATCH_FILES)
	$(Q)$(CHECKPATCH) --ignore LINUX_VERSION_CODE module/compat.h
	$(Q)$(CHECKPATCH) --ignore CONST_STRUCT module/file.c
	@echo "checkpatch: clean"

# sparse over the module for every kernel of the matrix; any output fails.
sparse:
	$(Q)set -e; for k in $(KERNELS); do \
		$(MAKE) -s modules KVER=$$k >/dev/null; \
		touch $(BUILD)/kernel/$$k/module/*.c; \
		$(MAKE) -s -C /lib/modules/$$k/build M=$(BUILD)/kernel/$$k \
			C=2 CONFIG_DEBUG_INFO_BTF_MODULES= modules \
			> $(BUILD)/sparse-$$k.log 2>&1; \
		if grep -E 'warning|error' $(BUILD)/sparse-$$k.log; then \
			echo "sparse: $$k: not clean"; exit 1; fi; \
		echo "sparse: $$k: clean"; \
	done

# The uapi header alone, as C90, 32 and 64 bits, included twice.
headers_check:
	$(Q)for m in -m32 -m64; do \
		printf '#include <linux/mapdev.h>\n#include <linux/mapdev.h>\nint main(void) { return sizeof(struct mapdev_mmap) + sizeof(struct mapdev_munmap); }\n' | \
		$(CC) $$m -std=c90 -pedantic $(WARN) -Iuapi -x c -o /dev/null - \
		|| exit 1; done
	@echo "headers_check: clean"

check:
	$(Q)scripts/check.sh

# The edit-test loop: one kernel (KVER, default the newest of the matrix),
# its module, the library, tools and kselftests built, one VM, the
# kselftests with shorter stress and fuzzing.  Prints the time it took.
QUICK_KVER = $(if $(filter command line,$(origin KVER)),$(KVER),$(lastword $(KERNELS)))
check-quick:
	$(Q)MAPDEV_QUICK=1 MAPDEV_KERNELS="$(QUICK_KVER)" MAPDEV_NEWEST_KERNEL=0 \
		MAPDEV_DEBUG_KERNEL=0 scripts/check.sh

demo:
	$(Q)scripts/demo.sh

bench:
	$(Q)scripts/bench.sh

# An interactive shell in a VM of VM_KVER with mapdev loaded.
vm:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) -s modules tools selftests KVER=$(VM_KVER)
	$(Q)scripts/vm.sh $(VM_KVER) "insmod $(BUILD)/kernel/$(VM_KVER)/module/mapdev.ko && \
		echo 'mapdev loaded; selftests: $(BUILD)/selftests, tools: $(BUILD)/tools'; \
		exec bash -i"

VM_KVER ?= $(lastword $(KERNELS))

# Installing on a dev box (as root): the module for KVER, a udev rule for
# the node's mode, the library, its headers, pkg-config file and man pages,
# the tools.  PREFIX, DESTDIR; the module honours INSTALL_MOD_PATH and
# INSTALL_MOD_DIR as Kbuild's modules_install does.  Nothing is rebuilt
# here: run make first.
BINDIR	?= $(PREFIX)/bin
UDEVDIR	?= /etc/udev/rules.d
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= updates
MODULE_DEST := $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/mapdev.ko
LIB_MANS := $(wildcard tools/lib/mapdev/man/*.3)
INSTALLED := $(LIBDIR)/libmapdev.so.$(LIB_VERSION) $(LIBDIR)/$(LIB_SONAME) \
	$(LIBDIR)/libmapdev.so $(LIBDIR)/libmapdev.a \
	$(LIBDIR)/libmapdev-preload.so $(BINDIR)/mapdev-run \
	$(LIBDIR)/pkgconfig/mapdev.pc $(INCLUDEDIR)/mapdev.h \
	$(INCLUDEDIR)/linux/mapdev.h $(MANDIR)/man1/mapdev-run.1 \
	$(addprefix $(MANDIR)/man3/,$(notdir $(LIB_MANS)))

modules_install:
	$(Q)test -f $(KBUILD_OUT)/module/mapdev.ko || \
		{ echo "No $(KBUILD_OUT)/module/mapdev.ko: run make KVER=$(KVER) first"; exit 1; }
	$(Q)install -D -m 0644 $(KBUILD_OUT)/module/mapdev.ko $(MODULE_DEST)
	$(Q)if [ -z "$(INSTALL_MOD_PATH)" ]; then depmod -a $(KVER); fi

install: lib tools modules_install
	$(Q)install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(UDEVDIR)
	$(Q)install -m 0644 scripts/60-mapdev.rules $(DESTDIR)$(UDEVDIR)/
	$(Q)install -m 0755 $(LIB_SO) $(PRELOAD_SO) $(DESTDIR)$(LIBDIR)/
	$(Q)ln -sf libmapdev.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	$(Q)ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libmapdev.so
	$(Q)install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	@# pkg-config describes where this install puts things, whatever
	@# PREFIX the build had: the file is made here, not at build time.
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(LIB_VERSION)|' \
		tools/lib/mapdev/mapdev.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/mapdev.pc
	$(Q)chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/mapdev.pc
	$(Q)install -m 0755 $(BUILD)/tools/mapdev-run $(DESTDIR)$(BINDIR)/
	$(Q)install -m 0644 tools/lib/mapdev/mapdev.h $(DESTDIR)$(INCLUDEDIR)/
	$(Q)install -m 0644 uapi/linux/mapdev.h $(DESTDIR)$(INCLUDEDIR)/linux/
	$(Q)install -m 0644 $(LIB_MANS) $(DESTDIR)$(MANDIR)/man3/
	$(Q)install -m 0644 tools/mapdev-run/mapdev-run.1 $(DESTDIR)$(MANDIR)/man1/
	$(Q)if [ -z "$(DESTDIR)" ]; then ldconfig; \
		udevadm control --reload 2>/dev/null || true; fi

# Removes exactly what install put there, and the directories it may have
# made that are empty now.
INSTALL_DIRS := $(INCLUDEDIR)/linux $(LIBDIR)/pkgconfig $(MANDIR)/man1 \
	$(MANDIR)/man3
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED)) \
		$(DESTDIR)$(UDEVDIR)/60-mapdev.rules $(MODULE_DEST)
	$(Q)-rmdir $(dir $(MODULE_DEST)) $(addprefix $(DESTDIR),$(INSTALL_DIRS)) \
		2>/dev/null
	$(Q)if [ -z "$(DESTDIR)" ]; then ldconfig; depmod -a $(KVER); fi

# DKMS.  "make dkms" builds the module through DKMS for every kernel of the
# matrix, in a DKMS tree inside the build directory (no key is made, nothing
# is signed, the system's DKMS is not touched).  "make dkms_install"
# registers it with the system's DKMS, for KVER and every later kernel.
DKMS_FILES := Kbuild dkms.conf module uapi
DKMS_PRIVATE := --dkmstree $(BUILD)/dkms/tree --sourcetree $(BUILD)/dkms/src

dkms:
	$(Q)rm -rf $(BUILD)/dkms
	$(Q)mkdir -p $(BUILD)/dkms/tree $(BUILD)/dkms/src/mapdev-$(VERSION)
	$(Q)cp -r $(DKMS_FILES) $(BUILD)/dkms/src/mapdev-$(VERSION)/
	$(Q)dkms add -m mapdev -v $(VERSION) $(DKMS_PRIVATE) > /dev/null
	$(Q)set -e; for k in $(KERNELS); do \
		sign_file=/nonexistent dkms build -m mapdev -v $(VERSION) -k $$k \
			$(DKMS_PRIVATE) > $(BUILD)/dkms/build-$$k.log 2>&1 || \
			{ cat $(BUILD)/dkms/build-$$k.log; exit 1; }; \
		ls $(BUILD)/dkms/tree/mapdev/$(VERSION)/$$k/*/module/mapdev.ko* > /dev/null; \
		echo "dkms: built mapdev $(VERSION) for $$k"; \
	done

dkms_install:
	$(Q)rm -rf /usr/src/mapdev-$(VERSION)
	$(Q)mkdir -p /usr/src/mapdev-$(VERSION)
	$(Q)cp -r $(DKMS_FILES) /usr/src/mapdev-$(VERSION)/
	$(Q)dkms add -m mapdev -v $(VERSION)
	$(Q)dkms install -m mapdev -v $(VERSION) -k $(KVER)

dkms_uninstall:
	$(Q)-dkms remove -m mapdev -v $(VERSION) --all
	$(Q)rm -rf /usr/src/mapdev-$(VERSION)

clean:
	rm -rf $(BUILD)
