# SPDX-License-Identifier: GPL-2.0
#
#   make [KDIR=/lib/modules/<release>/build]   build module/pinstat.ko
#   make demo    boot a guest of Debian's 6.1 kernel and show a report
#   make check   run every test (both kernels), ends "N passed, N failed"
#   make bench   pin/unpin speed against the kernel's gup_test (not a test)
#
# The module is built by Kbuild (module/Kbuild); inside a kernel tree the
# top-level Kbuild and Kconfig are used instead of this file.
KDIR ?= /lib/modules/$(shell uname -r)/build
DEMO_KERNEL ?= 6.1
DEMO_MIB ?= 256

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module CONFIG_PINSTAT=m modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean

demo:
	scripts/demo.sh '$(DEMO_KERNEL)' '$(DEMO_MIB)'

check:
	scripts/check.sh

bench:
	scripts/bench.sh

.PHONY: all module clean demo check bench
