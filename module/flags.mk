# SPDX-License-Identifier: GPL-2.0
# Compiler flags of pinstat's sources, for module/Kbuild and kunit/Kbuild:
# the uapi header, the module's own headers, and the kernel features that
# module/conftest.sh finds in the headers of the kernel being built against.
# $(src) is relative to $(srctree) inside a kernel tree, absolute for M=.
PINSTAT_ROOT := $(abspath $(if $(filter /%,$(src)),$(src),$(srctree)/$(src))/..)
ccflags-y += -I$(PINSTAT_ROOT)/include/uapi -I$(PINSTAT_ROOT)/module
ccflags-y += $(shell $(CONFIG_SHELL) $(PINSTAT_ROOT)/module/conftest.sh $(srctree))
