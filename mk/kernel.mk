# mk/kernel.mk - the kernel stage (included by the top-level Makefile).
#
#   make kernel-src   obtain Linux 2.4.17 into the cache and verify it
#                     (KERNEL_SRC=DIR: a pristine tree; KERNEL_TARBALL=FILE:
#                     the release tarball; default: download from kernel.org)
#   make kernel       patched UP and SMP bzImages + the guest initrd in build/kernel/
#   make kernel-boot  boot the UP kernel with the guest (kernel-boot-smp: SMP);
#                     LAB=path/to/lab.c builds that lab into the kernel first,
#                     KERNEL_WORKLOADS="cow swap pin pressure" picks the guest workloads
#                     (and may carry kernel words such as lrulab_delay=2000)
#   make kernel-test  the kernel tests (skipped, loudly, when no tree is available)
#   make kernel-bench full/incremental build, boot and per-lab timings
#   make kernel-campaign  boot one kernel N times, count what goes wrong
#
# The cache ($LRULAB_CACHE, else $XDG_CACHE_HOME/lrulab, else ~/.cache/lrulab)
# is outside build/, so `make clean` does not throw the 2.4.17 tree away.

PYTHON ?= python3
KERNEL_PY := $(PYTHON) -m runner.kernel
export KERNEL_SRC KERNEL_TARBALL
# What the kernel stage needs on Debian 12: the "kernel" group of packages.txt.

.PHONY: kernel-src kernel kernel-guest kernel-boot kernel-boot-smp kernel-test kernel-verify \
	kernel-bench kernel-campaign kernel-deps print-kernel-deb-packages

print-kernel-deb-packages:
	@$(PYTHON) -m runner.deps --list kernel

kernel-deps:
	@$(PYTHON) -m runner.deps kernel

kernel-src:
	$(KERNEL_PY) src

kernel:
	$(KERNEL_PY) build --flavour all
	$(KERNEL_PY) guest

kernel-guest:
	$(KERNEL_PY) guest

# the kernel stage's own workloads (runner/kernel/stage.py WORKLOADS), asked when used
KERNEL_WORKLOADS ?= $(shell $(PYTHON) -c 'from runner.kernel.stage import WORKLOADS; print(*WORKLOADS)')
KERNEL_BOOT_ARGS = $(foreach w,$(KERNEL_WORKLOADS),--workload $(w)) $(if $(LAB),--lab $(LAB))

kernel-boot:
	$(KERNEL_PY) boot --flavour up $(KERNEL_BOOT_ARGS)

kernel-boot-smp:
	$(KERNEL_PY) boot --flavour smp $(KERNEL_BOOT_ARGS)

kernel-bench:
	$(KERNEL_PY) bench

# KERNEL_CAMPAIGN="--flavour smp --workload race --boots 100": boot one kernel
# many times and count crashes (docs/kernel.md, "Reliability")
KERNEL_CAMPAIGN ?= --flavour smp --workload race --boots 100
kernel-campaign:
	$(KERNEL_PY) campaign $(KERNEL_CAMPAIGN)

kernel-test:
	$(PYTHON) -m tests kernel

kernel-verify:
	@test -n "$(KERNEL_SRC)" || { echo "kernel-verify: give KERNEL_SRC=DIR"; exit 2; }
	$(KERNEL_PY) verify "$(KERNEL_SRC)"
