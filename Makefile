# Top-level Makefile for tgt: tgtd, tgtadm, unit/functional tests, kernel
# modules (issue 3).  Two entry points for a newcomer (see README.md):
#   make run    installs dependencies, builds, runs tgtd on ./tgtd.conf
#   make test   installs dependencies, builds, runs every test
#
# Variables: SANITIZE=address,undefined builds into build-san/ with ASan and
# UBSan; V=1 prints commands; CC picks the compiler.

SHELL := /bin/bash
PREFIX ?= /usr/local
CC ?= gcc
SANITIZE ?=
BUILD := build$(if $(SANITIZE),-san)

# ---- flags: the one place ----
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-truncation=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wundef \
	-Wvla -Wcast-align -Wwrite-strings -Wno-unused-parameter \
	-Wno-missing-field-initializers
CFLAGS_BASE := -std=gnu11 -O2 -g -pthread -D_GNU_SOURCE -fno-strict-aliasing \
	-fstack-protector-strong -Iinclude -Iusr
ifneq ($(SANITIZE),)
CFLAGS_BASE += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -O1
LDFLAGS_SAN := -fsanitize=$(SANITIZE)
endif
ALL_CFLAGS := $(CFLAGS_BASE) $(WARN) $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null) $(CFLAGS)
LIBS := -laio -liniparser $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null) -lpthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
ALL_LDFLAGS := -pthread $(LDFLAGS_SAN) $(LDFLAGS)
ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- sources ----
LIB_DIRS := usr/util usr/core usr/scsi usr/bs usr/mgmt usr/conf usr/iscsi usr/kernel
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libtgt.a
PROGS := $(BUILD)/tgtd $(BUILD)/tgtadm
UNIT_SRCS := $(wildcard tests/unit/check_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out tests/unit/check_%.c,$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJS := $(UNIT_HELPERS:%.c=$(BUILD)/%.o)
DEPFILES := $(LIB_OBJS:.o=.d) $(BUILD)/usr/tgtd.d $(BUILD)/usr/tgtadm.d \
	$(UNIT_SRCS:%.c=$(BUILD)/%.d) $(UNIT_HELPER_OBJS:.o=.d)

.SECONDARY:
.PHONY: all deps run test check unit func lint bench clean install kernel
.PHONY: check-kernel bench-kernel check-iscsi bench-iscsi bench-deps
all: $(PROGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@.tmp.$$$$ && ar rcs $@.tmp.$$$$ $^ && mv -f $@.tmp.$$$$ $@

$(BUILD)/tgtd: $(BUILD)/usr/tgtd.o $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tgtadm: $(BUILD)/usr/tgtadm.o $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPER_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) $(UNIT_LDFLAGS) -o $@ $< $(UNIT_HELPER_OBJS) $(LIB) $(LIBS) $(CHECK_LIBS)

# The data-path test counts every allocation the code under test makes.
$(BUILD)/tests/check_iscsi_datapath: UNIT_LDFLAGS := -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=posix_memalign \
	-Wl,--wrap=aligned_alloc

BENCH_SRCS := $(wildcard tests/bench/*.c)
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

-include $(DEPFILES)

# ---- dependencies (Debian 12) ----
DEB_BUILD := build-essential pkg-config libnl-3-dev libnl-genl-3-dev \
	libaio-dev libiniparser-dev check
DEB_TEST := libiscsi-bin libiscsi-dev sg3-utils e2fsprogs util-linux
# kernel suite (tests/kernel): the guest kernel, headers to build our
# modules against it, qemu, and what goes into the initramfs
DEB_KTEST := linux-image-amd64 linux-headers-amd64 qemu-system-x86 \
	busybox-static cpio kmod sg3-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
deps:
	@missing=$$(for p in $(DEB_BUILD) $(DEB_TEST) $(DEB_KTEST); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  APT     $$missing"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing; \
	else echo "  APT     all dependencies present"; fi

# ---- the two README commands ----
run: deps all
	$(BUILD)/tgtd -f -c tgtd.conf

# Every suite appends its counts to tests/out/summary.txt; the last line is
# the total over all of them ("N passed, N failed").
SUMMARY := $(CURDIR)/tests/out/summary.txt
# The second pass runs unit, functional and iSCSI tests again against
# build-san/ (ASan+UBSan; tgtd's sanitizer reports and leaks at exit are
# failures).  A failing pass does not stop the other or the summary.
test: deps
	@mkdir -p tests/out && : >$(SUMMARY)
	@rc=0; export TGT_SUMMARY=$(SUMMARY); \
	$(MAKE) check || rc=1; \
	TGT_SUMMARY_SUFFIX=-asan $(MAKE) SANITIZE=address,undefined check-unit-func || rc=1; \
	TGT_SUMMARY_SUFFIX=-asan $(MAKE) SANITIZE=address,undefined check-iscsi || rc=1; \
	tests/summary.sh $(SUMMARY) && exit $$rc

# ---- tests ----
# Every suite runs even if an earlier one failed (each adds its counts to
# the summary); the status is non-zero if any failed.
check: all $(UNIT_BINS) lint
	@rc=0; \
	tests/run-unit.sh $(UNIT_BINS) || rc=1; \
	BUILD=$(BUILD) tests/func/run.sh || rc=1; \
	$(MAKE) --no-print-directory check-kernel || rc=1; \
	$(MAKE) --no-print-directory check-iscsi || rc=1; \
	exit $$rc

check-unit-func: all $(UNIT_BINS)
	@rc=0; \
	tests/run-unit.sh $(UNIT_BINS) || rc=1; \
	BUILD=$(BUILD) tests/func/run.sh || rc=1; \
	exit $$rc

unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

func: all
	@BUILD=$(BUILD) tests/func/run.sh

# Banned functions (unbounded or unchecked): strcpy, sprintf, strtok, atoi.
lint:
	@if grep -nE '\b(strcpy|sprintf|vsprintf|strtok|atoi|atol|gets)\s*\(' \
		$$(git ls-files '*.c' '*.h' 2>/dev/null || find usr tests kernel -name '*.[ch]'); then \
		echo "lint: banned function used (see above)"; exit 1; \
	else echo "  LINT    no banned functions"; fi

bench: all $(BENCH_BINS)
	@BUILD=$(BUILD) tests/bench/run.sh
	@if [ -f kernel/scsi_tgt.c ] && [ -f kernel/tgt_loop.c ] && [ -d usr/kernel ]; then \
		$(MAKE) --no-print-directory bench-kernel; fi
	@if $(BUILD)/tgtd --help 2>&1 | grep -q -- --iscsi && command -v iscsi-perf >/dev/null; then \
		$(MAKE) --no-print-directory bench-iscsi; \
	else echo "bench: no iSCSI benchmark (tgtd has no iscsi transport, or no iscsi-perf)"; fi

# ---- kernel modules and the kernel suite (tests/kernel, doc/testing.md) ----
# KVER: the release linux-image-amd64 depends on (the kernel the suite
# boots); the modules are built against its headers.
ifndef KVER
KVER := $(shell tests/kernel/kver.sh 2>/dev/null)
endif
KDIR ?= /usr/src/linux-headers-$(KVER)
kernel:
	@if [ -z "$(KVER)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "kernel: headers $(KDIR) missing (make deps: linux-headers-amd64)"; exit 1; fi
	$(Q)$(MAKE) --no-print-directory -C kernel KDIR=$(KDIR)

# Guest helper programs: static, so the initramfs needs no libraries.
KTEST_SRCS := $(wildcard tests/kernel/*.c)
KTEST_BINS := $(KTEST_SRCS:tests/kernel/%.c=$(BUILD)/ktest/%)
KTEST_CFLAGS := -std=gnu11 -O2 -g -pthread -D_GNU_SOURCE -Iinclude $(WARN)
$(BUILD)/ktest/%: tests/kernel/%.c include/scsi_tgt_nl.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(KTEST_CFLAGS) -static -o $@ $< -lpthread

# The modules are built first; if they do not build, the suite still runs
# (without them) and the cases that need them fail.
check-kernel: all $(KTEST_BINS)
	@if command -v shellcheck >/dev/null; then \
		shellcheck -x tests/kernel/*.sh tests/kernel/guest/*.sh && echo "  SHCHECK tests/kernel"; fi
	@kmods=$(CURDIR)/kernel; $(MAKE) --no-print-directory kernel || { \
		echo "check-kernel: kernel modules did not build: the cases that need them fail"; \
		kmods=/nonexistent; }; \
	BUILD=$(BUILD) KVER=$(KVER) KMOD_DIR=$$kmods tests/kernel/run.sh

bench-kernel: all kernel $(KTEST_BINS)
	@BUILD=$(BUILD) KVER=$(KVER) tests/kernel/bench.sh

# ---- the iSCSI suite (tests/iscsi, doc/testing.md) ----
# Against our tgtd by default; TGT_UNDER_TEST=debian runs it against
# Debian's tgtd (package tgt) to check the harness itself.
ISCSITEST_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE $(WARN)
$(BUILD)/iscsitest/badpdu: tests/iscsi/badpdu.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ISCSITEST_CFLAGS) -o $@ $<

$(BUILD)/iscsitest/rwverify: tests/iscsi/rwverify.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ISCSITEST_CFLAGS) -o $@ $< -liscsi

$(BUILD)/iscsitest/wperf: tests/iscsi/wperf.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ISCSITEST_CFLAGS) -o $@ $< -liscsi

# With SANITIZE, against build-san's tgtd, logs in tests/out/iscsi-san/
# (tests/iscsi/lib.sh turns its sanitizer reports into failures).
ISCSITEST_BINS := $(BUILD)/iscsitest/badpdu $(BUILD)/iscsitest/rwverify
check-iscsi: all $(ISCSITEST_BINS)
	@if command -v shellcheck >/dev/null; then \
		shellcheck -x tests/iscsi/*.sh && echo "  SHCHECK tests/iscsi"; fi
	@BUILD=$(BUILD) ISCSI_OUT=$${ISCSI_OUT:-$(CURDIR)/tests/out/iscsi$(if $(SANITIZE),-san)} \
		tests/iscsi/run.sh

bench-iscsi: all $(BUILD)/iscsitest/wperf
	@BUILD=$(BUILD) tests/iscsi/bench.sh

# Debian's tgt, the comparison of bench-iscsi, with its service disabled
# and never started (tests/iscsi/bench-deps.sh).  Not part of deps: its
# service would take port 3260 from the sample tgtd.conf.
bench-deps: deps
	@tests/iscsi/bench-deps.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 644 doc/tgtd.8 doc/tgtadm.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 doc/tgtd.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/

clean:
	rm -rf build build-san tests/out
	-$(MAKE) -C kernel clean KDIR=$(KDIR) >/dev/null 2>&1
