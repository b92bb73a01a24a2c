# SPDX-License-Identifier: GPL-2.0
#
# sealjit.  `make check` installs what it needs (apt-get, as root), builds,
# lints, runs the userspace tests and the VM tests, and ends with a line
# "N passed, M failed".  `make demo` shows the module at work in a VM.
#
# The module is built for Debian's cloud kernel installed here (never for
# `uname -r` of the build machine); on a real host: make KVER=$(uname -r).

KVER ?= $(shell scripts/kver.sh)
KDIR ?= /usr/src/linux-headers-$(KVER)
KIMG ?= /boot/vmlinuz-$(KVER)
LINUX_SRC_TAR ?= /usr/src/linux-source-6.1.tar.xz

B := build
LSRC := $(B)/linux-source-6.1
VERSION := $(shell cat VERSION)

CC ?= gcc
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iuapi \
	       -DSJ_TOOL_VERSION='"$(VERSION)"'
# kselftest_harness.h itself compares signed with unsigned and has unused
# parameters; the rest of the warnings stay errors.
KTEST_CFLAGS := $(USER_CFLAGS) -Wno-sign-compare -Wno-unused-parameter \
		-isystem $(LSRC)/tools/testing/selftests -static

SHARED_SRC := verifier/insn.c verifier/check.c verifier/log.c \
	      verifier/alu.c verifier/interp.c verifier/decide.c \
	      verifier/decide_check.c verifier/table.c verifier/residual.c \
	      verifier/residual_check.c \
	      jit/jit.c jit/x86.c \
	      validator/decode.c validator/validate.c
SHARED_HDR := $(wildcard verifier/*.h jit/*.h validator/*.h uapi/linux/*.h)
SHARED_OBJ := $(SHARED_SRC:%.c=$(B)/obj/%.o)
LIB := $(B)/libsealjit.a

UNIT_TESTS := $(B)/test_check $(B)/test_exec $(B)/test_random $(B)/test_asm \
	      $(B)/test_validate $(B)/test_certify $(B)/test_decide \
	      $(B)/test_syscalls $(B)/test_policy
KERNEL_TESTS := $(B)/dev_test $(B)/enforce_test $(B)/debug_test $(B)/conform \
		$(B)/parity_test $(B)/seccomp_bpf $(B)/smp_test $(B)/regs_test \
		$(B)/lifecycle_fuzz $(B)/tsync_test $(B)/attach_test $(B)/cgroup_test
TOOL := $(B)/sealjit
TOOL_SRC := tools/sealjit.c tools/filter_file.c tools/asm.c tools/listing.c \
	    tools/oci.c tools/syscalls.c tools/policy.c tools/policy_compile.c \
	    tools/policy_check.c tools/bdd.c $(B)/gen/syscalls.c
TOOL_LIBS := -lseccomp -ljansson
TOOL_HDR := $(wildcard tools/*.h)

.PHONY: all deps module tools tests unit lint coccicheck vmtest check \
	check-run demo clean linux-src module-debug corpus

all: module module-debug tools tests

deps:
	@scripts/deps.sh

# --- the module -------------------------------------------------------------
module:
	@test -d "$(KDIR)" || { echo "no kernel headers at $(KDIR): run 'make deps' or set KVER" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The same sources built with SEALJIT_DEBUG (fault injection switches), in a
# copy of the tree because Kbuild builds external modules in place.
DEBUG_DIR := $(B)/debug
module-debug:
	@test -d "$(KDIR)" || { echo "no kernel headers at $(KDIR): run 'make deps' or set KVER" >&2; exit 1; }
	@rm -rf $(DEBUG_DIR) && mkdir -p $(DEBUG_DIR)
	tar -cf - --exclude='*.o' --exclude='.*.cmd' --exclude='*.ko' \
		--exclude='*.mod*' Kbuild VERSION kmod verifier jit validator uapi | tar -C $(DEBUG_DIR) -xf -
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(DEBUG_DIR) SEALJIT_DEBUG=y modules

# --- shared objects, tools, tests ------------------------------------------
# System-call names, from the kernel's own tables (never typed by hand).
$(B)/gen/syscalls.c: scripts/gen-syscalls.sh $(LSRC)/.stamp
	@mkdir -p $(dir $@)
	scripts/gen-syscalls.sh $(LSRC)/arch/x86/entry/syscalls $@

$(B)/test_syscalls: selftests/unit/test_syscalls.c tools/syscalls.c tools/syscalls.h $(B)/gen/syscalls.c selftests/unit/tap.h
	$(CC) $(USER_CFLAGS) -Itools -o $@ $< tools/syscalls.c $(B)/gen/syscalls.c -lseccomp

$(B)/obj/%.o: %.c $(SHARED_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(LIB): $(SHARED_OBJ)
	ar rcs $@ $^

tools: $(TOOL)
$(TOOL): $(TOOL_SRC) $(TOOL_HDR) $(LIB)
	$(CC) $(USER_CFLAGS) -Itools -o $@ $(TOOL_SRC) $(LIB) $(TOOL_LIBS)

# Static, so that the same binary runs in the busybox VM.
$(B)/sealjit.static: $(TOOL_SRC) $(TOOL_HDR) $(LIB)
	$(CC) $(USER_CFLAGS) -Itools -static -o $@ $(TOOL_SRC) $(LIB) $(TOOL_LIBS)

UNIT_COMMON := selftests/unit/agree.c selftests/unit/runner.c \
	       selftests/unit/gen.c selftests/check_table.c
$(B)/test_%: selftests/unit/test_%.c $(UNIT_COMMON) $(wildcard selftests/unit/*.h) selftests/check_table.h $(LIB)
	$(CC) $(USER_CFLAGS) -o $@ $< $(UNIT_COMMON) $(LIB)

# The validator's test reuses test_exec.c's table (it includes the file).
$(B)/test_validate: selftests/unit/test_exec.c

# The validator alone: acceptance, mutation score, cost per load.
.PHONY: test-validate
test-validate: $(B)/test_validate
	@scripts/run-tap.sh validate $(B)/test_validate

# OpenSSH's pre-authentication sandbox filter, read out of the sshd of the
# openssh-server package `make deps` downloads (never installs), for the
# policy tests to hold examples/openssh-sandbox.policy to.
SSHD_DEB = $(lastword $(sort $(wildcard /var/cache/apt/archives/openssh-server_*_amd64.deb)))
$(B)/sshd_filter: selftests/unit/sshd_filter.c
	$(CC) $(USER_CFLAGS) -o $@ $<
$(B)/openssh/preauth.bpf: $(SSHD_DEB) $(B)/sshd_filter
	@test -n "$(SSHD_DEB)" || { echo "no openssh-server .deb: run make deps" >&2; exit 1; }
	rm -rf $(B)/openssh && mkdir -p $(B)/openssh
	dpkg-deb -x $(SSHD_DEB) $(B)/openssh/pkg
	$(B)/sshd_filter $(B)/openssh/pkg/usr/sbin/sshd $@

# The VM runs Debian's sshd and ssh themselves (selftests/vm/guest-check.sh):
# the packages extracted, the libraries they load, the shim that puts
# sshd's pre-authentication child under examples/openssh-sandbox.policy
# through the module, and that policy compiled.
OSSH := $(B)/openssh-vm
OSSH_DEBS = $(foreach p,openssh-server openssh-client libwrap0,$(lastword $(sort $(wildcard /var/cache/apt/archives/$(p)_*_amd64.deb))))
$(OSSH)/files: $(OSSH_DEBS) selftests/vm/openssh-files.sh
	@test $(words $(OSSH_DEBS)) -eq 3 || { echo "no openssh .debs: run make deps" >&2; exit 1; }
	rm -rf $(OSSH)/root && mkdir -p $(OSSH)/root
	for d in $(OSSH_DEBS); do dpkg-deb -x $$d $(OSSH)/root || exit 1; done
	selftests/vm/openssh-files.sh $(OSSH)/root > $@.tmp && mv $@.tmp $@
$(OSSH)/sjshim.so: selftests/vm/sshd_shim.c $(wildcard uapi/linux/*.h)
	@mkdir -p $(OSSH)
	$(CC) $(USER_CFLAGS) -shared -fPIC -o $@ $<
$(OSSH)/sandbox.bpf: examples/openssh-sandbox.policy $(TOOL)
	@mkdir -p $(OSSH)
	$(TOOL) compile $< -o $@ >/dev/null
.PHONY: openssh-vm
openssh-vm: $(OSSH)/files $(OSSH)/sjshim.so $(OSSH)/sandbox.bpf

# The policy language, compiler and confirmation, from C, without the tool.
POLICY_SRC := tools/policy.c tools/policy_compile.c tools/policy_check.c \
	      tools/bdd.c \
	      tools/syscalls.c $(B)/gen/syscalls.c tools/filter_file.c
$(B)/test_policy: selftests/unit/test_policy.c $(POLICY_SRC) $(TOOL_HDR) selftests/unit/tap.h $(LIB)
	$(CC) $(USER_CFLAGS) -Itools -o $@ $< $(POLICY_SRC) $(LIB)

# The assembler and the disassembler are tested from C, without the tool.
$(B)/test_asm: selftests/unit/test_asm.c tools/asm.c tools/filter_file.c $(TOOL_HDR) selftests/unit/tap.h selftests/check_table.c selftests/check_table.h $(LIB)
	$(CC) $(USER_CFLAGS) -o $@ $< tools/asm.c tools/filter_file.c selftests/check_table.c $(LIB)

$(B)/dev_test $(B)/parity_test: $(B)/%: selftests/kernel/%.c selftests/kernel/sj_test.h selftests/check_table.c selftests/check_table.h $(LIB) $(LSRC)/.stamp
	$(CC) $(KTEST_CFLAGS) -o $@ $< selftests/check_table.c $(LIB)

# The kernel's own seccomp selftest, built from Debian's linux-source-6.1 as
# its Makefile builds it (never copied into this tree).
$(B)/seccomp_bpf: $(LSRC)/.stamp
	$(CC) -static -Wall -Wl,-no-as-needed -o $@ \
		$(LSRC)/tools/testing/selftests/seccomp/seccomp_bpf.c -lpthread -lcap

$(B)/enforce_test $(B)/debug_test $(B)/smp_test $(B)/regs_test $(B)/tsync_test $(B)/attach_test $(B)/cgroup_test: $(B)/%: selftests/kernel/%.c selftests/kernel/sj_test.h selftests/kernel/attach_common.h $(LSRC)/.stamp
	$(CC) $(KTEST_CFLAGS) -pthread -o $@ $<

$(B)/lifecycle_fuzz: selftests/kernel/lifecycle_fuzz.c $(wildcard uapi/linux/*.h)
	$(CC) $(USER_CFLAGS) -static -pthread -o $@ $<

# -mno-red-zone: its int 0x80 helper pushes %rbp inside inline assembly.
$(B)/conform: selftests/kernel/conform.c $(wildcard uapi/linux/*.h)
	$(CC) $(USER_CFLAGS) -mno-red-zone -static -o $@ $<

# The conformance corpus, built at test time, never by hand: the
# hand-written filters from their text, the profiles through libseccomp
# (Docker's default in libseccomp's linear and binary-tree layouts).
CORPUS := $(B)/corpus
CORPUS_ASM := $(patsubst selftests/conform/%.asm,$(CORPUS)/%.bpf,$(wildcard selftests/conform/*.asm))
# Docker's profile lives beside the project, in the workplace's shared
# corpus (../shared, or /work/shared for a clone made elsewhere).
DOCKER_PROFILE ?= $(firstword $(wildcard ../shared/corpus/docker-default.json \
	/work/shared/corpus/docker-default.json) \
	../shared/corpus/docker-default.json)
$(CORPUS)/%.bpf: selftests/conform/%.asm $(TOOL)
	@mkdir -p $(CORPUS)
	$(TOOL) asm $< -o $@
$(CORPUS)/%.bpf: selftests/conform/%.json $(TOOL)
	@mkdir -p $(CORPUS)
	$(TOOL) import-oci $< -o $@ 2>/dev/null
$(CORPUS)/docker-linear.bpf: $(DOCKER_PROFILE) $(TOOL)
	@mkdir -p $(CORPUS)
	$(TOOL) import-oci --optimize 1 $< -o $@ 2>/dev/null
$(CORPUS)/docker-tree.bpf: $(DOCKER_PROFILE) $(TOOL)
	@mkdir -p $(CORPUS)
	$(TOOL) import-oci --optimize 2 $< -o $@ 2>/dev/null
$(CORPUS)/docker-admin.bpf: $(DOCKER_PROFILE) $(TOOL)
	@mkdir -p $(CORPUS)
	$(TOOL) import-oci --cap CAP_SYS_ADMIN $< -o $@ 2>/dev/null
# Docker's profile as a policy, compiled by sealjit: the conformance suite
# holds it to libseccomp's compilation of the same profile.
$(CORPUS)/docker.policy: $(DOCKER_PROFILE) $(TOOL)
	@mkdir -p $(CORPUS)
	$(TOOL) import-oci --policy $< -o $@ 2>/dev/null
$(CORPUS)/docker-policy.bpf: $(CORPUS)/docker.policy $(TOOL)
	$(TOOL) compile $< -o $@ >/dev/null
# The longest linear allow-list libseccomp makes (for the benchmark).
$(B)/allow_list: selftests/bench/allow_list.c
	$(CC) $(USER_CFLAGS) -o $@ $< -lseccomp
$(CORPUS)/allow-list.bpf: $(B)/allow_list
	@mkdir -p $(CORPUS)
	$(B)/allow_list $@ 2>/dev/null
corpus: $(CORPUS_ASM) $(CORPUS)/no-network.bpf $(CORPUS)/minimal.bpf \
	$(CORPUS)/docker-linear.bpf $(CORPUS)/docker-tree.bpf $(CORPUS)/docker-admin.bpf \
	$(CORPUS)/allow-list.bpf $(CORPUS)/docker-policy.bpf

tests: $(UNIT_TESTS) $(KERNEL_TESTS) $(B)/sealjit.static $(B)/bench

# Parts of Debian's linux-source-6.1 used at build time (never committed):
# kselftest_harness.h, checkpatch.pl, kernel-doc and the coccinelle scripts.
linux-src: $(LSRC)/.stamp
$(LSRC)/.stamp: $(LINUX_SRC_TAR)
	@mkdir -p $(B)
	tar -C $(B) -xJf $< linux-source-6.1/scripts \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/seccomp \
		linux-source-6.1/tools/testing/selftests/clone3 \
		linux-source-6.1/arch/x86/entry/syscalls
	touch $@

# --- proofs -----------------------------------------------------------------
# Frama-C WP over verifier/ (scripts/prove.sh): "WP: proved X / Y goals".
.PHONY: prove
prove:
	@scripts/prove.sh

# --- test groups ------------------------------------------------------------
unit: $(UNIT_TESTS) $(TOOL) corpus $(B)/openssh/preauth.bpf
	@DOCKER_PROFILE=$(DOCKER_PROFILE) scripts/run-tap.sh unit $(UNIT_TESTS) \
		selftests/unit/policy_cli.sh

lint: $(LSRC)/.stamp
	@scripts/lint.sh $(KDIR) $(LSRC)

coccicheck: $(LSRC)/.stamp
	@scripts/coccicheck.sh $(LSRC) kmod verifier jit validator uapi tools

# indirect_target_selection=force: the kernel picks a return thunk of its
# own (its_return_thunk) even on the emulated CPU, so that the tests see
# images return through the thunk in force, not the bare default.
VM_APPEND := indirect_target_selection=force log_buf_len=1M
CRC7_KO ?= /lib/modules/$(KVER)/kernel/lib/crc7.ko
VM_TIMEOUT ?= 3000
VM_MEM ?= 512M
vmtest: module module-debug $(KERNEL_TESTS) $(B)/sealjit.static corpus openssh-vm
	@selftests/vm/run-vm.sh --kernel $(KIMG) --smp 2 --timeout $(VM_TIMEOUT) --module sealjit.ko \
		$$(cat $(OSSH)/files) --file $(OSSH)/sjshim.so:/lib/sjshim.so \
		--file $(OSSH)/sandbox.bpf:/openssh.bpf \
		--mem $(VM_MEM) --append "$(VM_APPEND)" \
		--file $(DEBUG_DIR)/sealjit.ko:/lib/modules/debug/sealjit.ko \
		--file $(CRC7_KO):/lib/modules/crc7.ko \
		$(foreach t,$(KERNEL_TESTS),--bin $(t)) \
		--file $(B)/sealjit.static:/bin/sealjit \
		$(foreach f,$(wildcard examples/*.asm examples/*.policy),--file $(f):/$(f)) \
		$(foreach f,$(wildcard $(CORPUS)/*.bpf),--file $(f):/corpus/$(notdir $(f))) \
		-- selftests/vm/guest-check.sh

# `make check-debug-kernel`: the whole VM suite, with a longer lifecycle
# fuzz and a kmemleak scan, on Debian's 6.1 source built with KASAN,
# lockdep, kmemleak, debug objects and UBSAN (scripts/debug-kernel.sh,
# built once and cached under build/debug-kernel/).  The module and tests
# are built in a copy of the tree, as the module builds in place.  Not part
# of `make check`: Documentation/testing.rst says how long it takes.
DK_TREE := $(B)/dk-tree
DK_CONFORM := allow-all.bpf,trap-all.bpf,kill-thread-all.bpf,kill-process-all.bpf,docker-linear.bpf,some-errno.bpf+some-kill.bpf
DK_APPEND := $(VM_APPEND) conform_random=2 conform_filters=$(DK_CONFORM) \
	     fuzz_seconds=120 fuzz_seed=$(or $(SEED),1)
.PHONY: check-debug-kernel
check-debug-kernel: deps
	@dk=$$(scripts/debug-kernel.sh) && \
	rm -rf $(DK_TREE) && mkdir -p $(DK_TREE) && \
	git ls-files -z | tar --null -T - -cf - | tar -C $(DK_TREE) -xf - && \
	start=$$(date +%s) && \
	$(MAKE) --no-print-directory -C $(DK_TREE) vmtest KDIR=$$dk \
		KIMG=$$dk/arch/x86/boot/bzImage CRC7_KO=$$dk/lib/crc7.ko \
		VM_TIMEOUT=7200 VM_MEM=1G VM_APPEND="$(DK_APPEND)" \
		>$(B)/debug-kernel.tap 2>&1; rc=$$?; \
	grep -vE '^make(\[[0-9]+\])?: ' $(B)/debug-kernel.tap; \
	echo "check-debug-kernel: $$(grep -c '^ok ' $(B)/debug-kernel.tap) passed, $$(grep -c '^not ok ' $(B)/debug-kernel.tap) failed, VM exit status $$rc, $$(( $$(date +%s) - start )) s"; \
	exit $$rc

# --- the benchmark ------------------------------------------------------------
# `make bench`: one VM boot under -icount (scripts/bench.sh), the same
# filters under the kernel's seccomp and sealjit, a table on stdout.  Not
# part of `make check`, which runs a short smoke run of it (bench-smoke).
BENCH_ARGS ?= -n 20000 -l 20 -c 40
BENCH_SMOKE_ARGS := -n 100 -l 2 -c 3
$(B)/bench: selftests/bench/bench.c selftests/kernel/sj_test.h $(wildcard uapi/linux/*.h)
	$(CC) $(USER_CFLAGS) -static -o $@ $<

.PHONY: bench bench-smoke
bench: deps
	@$(MAKE) --no-print-directory -s module $(B)/bench corpus
	@scripts/bench.sh $(KIMG) $(BENCH_ARGS)

bench-smoke: module $(B)/bench corpus
	@scripts/bench.sh --smoke $(KIMG) $(BENCH_SMOKE_ARGS)

# --- fuzzing ----------------------------------------------------------------
# libFuzzer harnesses (fuzz/) over the shared code and the native runner,
# all built with ASan and UBSan into build/fuzz/.  `make fuzz-check` runs
# each for FUZZ_CHECK_TIME seconds (the `fuzz` group of `make check`), `make
# fuzz` for FUZZ_TIME seconds; both print one TAP line per harness.
FUZZ_CC ?= clang-14
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
	       -Werror -Iuapi -fsanitize=fuzzer,address,undefined \
	       -fno-sanitize-recover=all
FUZZ_TIME ?= 600
FUZZ_CHECK_TIME ?= 30
FUZZ_SRC := $(SHARED_SRC) selftests/unit/runner.c selftests/unit/agree.c \
	    fuzz/fuzz_common.c
FUZZ_OBJ := $(FUZZ_SRC:%.c=$(B)/fuzz/obj/%.o)
FUZZERS := $(B)/fuzz/fuzz_check $(B)/fuzz/fuzz_diff

.PHONY: fuzzers fuzz fuzz-check
fuzzers: $(FUZZERS)

$(B)/fuzz/obj/%.o: %.c $(SHARED_HDR) $(wildcard selftests/unit/*.h fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# Each harness names its entry point sj_fuzz_one (fuzz/fuzz_common.h).
$(FUZZERS): $(B)/fuzz/%: fuzz/%.c $(FUZZ_OBJ) $(SHARED_HDR) $(wildcard selftests/unit/*.h fuzz/*.h)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wl,--defsym=LLVMFuzzerTestOneInput=sj_fuzz_one \
		-o $@ $< $(FUZZ_OBJ)

# Built silently, so that the group's output is its TAP (errors still show).
fuzz-check:
	@$(MAKE) --no-print-directory -s fuzzers
	@fuzz/run.sh $(FUZZ_CHECK_TIME) $(FUZZERS)

fuzz:
	@$(MAKE) --no-print-directory -s fuzzers
	@fuzz/run.sh $(FUZZ_TIME) $(FUZZERS)

check: deps
	@$(MAKE) --no-print-directory check-run

check-run:
	@scripts/check.sh

demo: deps
	@$(MAKE) --no-print-directory module $(B)/sealjit.static
	@selftests/vm/run-vm.sh --kernel $(KIMG) --module sealjit.ko \
		--file $(B)/sealjit.static:/bin/sealjit \
		$(foreach f,$(wildcard examples/*.asm examples/*.policy),--file $(f):/$(f)) \
		-- selftests/vm/guest-demo.sh

# The tool and the man pages (DESTDIR and PREFIX as usual); the module
# itself is installed by its own kernel's build (or by DKMS).
PREFIX ?= /usr/local
install: tools
	install -D -m 0755 $(TOOL) $(DESTDIR)$(PREFIX)/sbin/sealjit
	install -D -m 0644 Documentation/man/sealjit.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/sealjit.8
	install -D -m 0644 Documentation/man/sealjit.4 \
		$(DESTDIR)$(PREFIX)/share/man/man4/sealjit.4
.PHONY: install

# The module's sources for DKMS (dkms.conf): no build products.
dkms-src:
	@mkdir -p $(DESTDIR)/usr/src/sealjit-$(VERSION)
	tar -cf - --exclude='*.o' --exclude='.*.cmd' --exclude='*.ko' \
		--exclude='*.mod*' dkms.conf Kbuild VERSION kmod verifier jit \
		validator uapi | tar -C $(DESTDIR)/usr/src/sealjit-$(VERSION) -xf -
.PHONY: dkms-src

# DKMS builds the module from dkms-src's tree; a VM loads what it built.
dkms-check: tools $(B)/sealjit.static
	@scripts/dkms-check.sh $(KVER) $(KIMG)
.PHONY: dkms-check

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(B)
