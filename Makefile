# SPDX-License-Identifier: GPL-2.0-only
#
# Top-level Makefile: builds net/quic/quic.ko out of tree against KDIR
# (default: the installed Debian 6.1 headers) and the user-space tools.
#
#   make                 module + tools
#   make KDIR=/path      against another kernel tree (built, or O= output)
#   make demo            the main job: boot the VM, show QUIC working
#   make bench           QUIC against TCP and kTLS in the VM (quicperf)
#   make check           static checks, VM runner tests, kselftests in the VM
#   make check-debug     in-tree build, runner sanitiser tests and the
#                        kselftests (and KUnit) on the debug kernel
#   make debug-kernel    build (once, cached) the debug kernel
#   make install         install quic.ko, the uapi header and the tools

TOP := $(CURDIR)
VM := $(TOP)/tools/testing/vm
# Deferred: evaluated after 'deps' has installed the headers.
KDIR ?= $(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
DEBUG_BUILD := $(TOP)/.build/debug
KMOD := tools/testing/selftests/net/quic/kmod
W ?=
C ?=
export QUIC_CACHE ?= /var/cache/quic-dev

.PHONY: all deps modules tools clean install modules_install headers_install \
	debug-kernel debug-modules selftests demo bench check check-debug \
	check-static check-vm-runner check-selftests help

all: modules tools

help:
	@sed -n '3,15p' Makefile

deps:
	@tools/testing/deps build

# Install the Debian headers only when no kernel tree was named (DKMS and
# other callers pass KDIR and must not reach for apt).
modules: $(if $(KDIR),,deps)
	@test -n "$(KDIR)" -a -e "$(KDIR)/Makefile" || \
		{ echo "make: no kernel tree at KDIR='$(KDIR)'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) CONFIG_QUIC=m CONFIG_DEBUG_INFO_BTF_MODULES= W=$(W) C=$(C) modules

tools: deps
	$(MAKE) -C tools/testing/selftests/net/quic
	$(MAKE) -C tools/net/quic
	$(MAKE) -C tools/testing/selftests/net/quic/kmod KDIR=$(KDIR)
	$(MAKE) -C tools/testing/vm/tests KDIR=$(KDIR)

selftests:
	$(MAKE) -C tools/testing/selftests/net/quic

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	$(MAKE) -C tools/testing/selftests/net/quic clean
	$(MAKE) -C tools/net/quic clean
	$(MAKE) -C tools/lib/quic clean
	$(MAKE) -C tools/testing/vm/tests clean KDIR=$(KDIR)
	$(MAKE) -C $(KMOD) clean KDIR=$(KDIR)
	rm -rf .build

install: modules_install headers_install

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(TOP) CONFIG_QUIC=m modules_install
	depmod -a $$(cat $(KDIR)/include/config/kernel.release)

headers_install:
	install -D -m 0644 include/uapi/linux/quic.h \
		$(DESTDIR)/usr/include/linux/quic.h

# The debug lane: the debug kernel, and the module built against it in a
# copy of the sources (kbuild keeps objects next to the sources).
debug-kernel:
	$(VM)/build-kernel

# Sources only (kbuild outputs such as *.mod name absolute object paths and
# must not travel): tracked files and new, not ignored ones.
DEBUG_SRCS := Kbuild include net tools/testing/vm/tests $(KMOD)

debug-modules: debug-kernel
	@mkdir -p $(DEBUG_BUILD)
	# Copies get the time of the copy, not the source's (no rsync -t):
	# a source edited while an earlier build compiled its old copy would
	# otherwise look older than that object and never be rebuilt.
	git ls-files -z --cached --others --exclude-standard $(DEBUG_SRCS) | \
		rsync -rlp --checksum --from0 --files-from=- . $(DEBUG_BUILD)/
	$(MAKE) -C $$($(VM)/build-kernel --print-dir) M=$(DEBUG_BUILD) \
		CONFIG_QUIC=m CONFIG_DEBUG_INFO_BTF_MODULES= W=$(W) modules
	$(MAKE) -C $(DEBUG_BUILD)/tools/testing/vm/tests \
		KDIR=$$($(VM)/build-kernel --print-dir)
	$(MAKE) -C $(DEBUG_BUILD)/$(KMOD) KDIR=$$($(VM)/build-kernel --print-dir)

demo: all
	$(VM)/run -- tools/net/quic/demo.sh

bench: all
	$(VM)/run --timeout 900 -- tools/net/quic/bench.sh

check: all
	tools/testing/check-static
	tools/testing/vm/selftest
	$(VM)/run --timeout 1200 -- tools/testing/selftests/net/quic/run_all.sh -j 2

check-debug: debug-modules selftests
	tools/testing/check-intree
	tools/testing/vm/selftest --debug
	$(VM)/run --debug --timeout 3600 -- \
		env QUIC_SELFTESTS_SKIP=interop.sh \
		tools/testing/selftests/net/quic/run_all.sh -j 2
