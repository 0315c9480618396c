# The two set-up commands of the README, plus the build they share.
# Both install missing Debian packages first (scripts/install-deps).

BUILD_DIR ?= build
# CI builds treat warnings as errors.
WERROR ?= $(if $(CI),ON,OFF)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build package test test-plain test-asan test-tsan test-valgrind bench-smoke tidy fuzz demo clean

all: build

deps:
	scripts/install-deps

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIVOT_WERROR=$(WERROR)
	cmake --build $(BUILD_DIR) -j$(JOBS)

# The Debian packages pivotd and pivot-sdk-dev, from the build: $(BUILD_DIR)/*.deb
# (packaging/Package.cmake; docs/operations.md, "Installing the Debian package").
package: build
	cd $(BUILD_DIR) && cpack -G DEB

# The README's test command, and all that CI runs: the suite as released,
# then the same suite under ASan+UBSan and under TSan (about fifteen minutes
# on two cores). test-plain is the first part alone, for a quicker check.
test: test-plain test-asan test-tsan

test-plain: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -LE bench

# The benchmarks on tiny cases and the throughput probes (ctest label
# `bench`): they prove the scripts run and print figures, never judge a time,
# so they stay out of the suite. See docs/performance.md.
bench-smoke: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L bench

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (with
# leak checking), or ThreadSanitizer, each in its own build directory. The
# options reach every pivotd the integration tests start through the
# environment. Tests labelled `plain_only` (a real browser, the Debian
# package, a cluster of nodes) run only in test-plain: under a sanitizer they
# would take minutes and check no code of ours that the other tests do not.
# See docs/security.md.
SANITIZER_DIR := $(CURDIR)/tests/sanitizers
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:handle_segv=0 \
	LSAN_OPTIONS=suppressions=$(SANITIZER_DIR)/lsan.supp:print_suppressions=0:use_tls=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
TSAN_ENV = TSAN_OPTIONS=suppressions=$(SANITIZER_DIR)/tsan.supp:halt_on_error=1:second_deadlock_stack=1:handle_segv=0

test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPIVOT_SANITIZE=address -DPIVOT_WERROR=$(WERROR)
	cmake --build build-asan -j$(JOBS)
	cd build-asan && $(ASAN_ENV) ctest --output-on-failure -j$(JOBS) -E lint_ -LE 'bench|plain_only'

test-tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DPIVOT_SANITIZE=thread -DPIVOT_WERROR=$(WERROR)
	cmake --build build-tsan -j$(JOBS)
	cd build-tsan && $(TSAN_ENV) ctest --output-on-failure -j$(JOBS) -E lint_ -LE 'bench|plain_only'

# A few integration tests with `pivotd serve` and its workers under valgrind
# memcheck (tests/sanitizers/valgrind-pivotd); a definite leak allocated by
# pivotd's code or any memory error fails the run. Logs: $(BUILD_DIR)/valgrind.
VALGRIND_TESTS ?= lifecycle bad_input jobs_api
test-valgrind: build
	rm -rf $(BUILD_DIR)/valgrind && mkdir -p $(BUILD_DIR)/valgrind
	set -e; for t in $(VALGRIND_TESTS); do \
	  PIVOTD=$(SANITIZER_DIR)/valgrind-pivotd PIVOTD_REAL=$(abspath $(BUILD_DIR))/bin/pivotd \
	  VALGRIND_LOG_DIR=$(abspath $(BUILD_DIR))/valgrind \
	  PIVOT_GEN_AVRO=$(abspath $(BUILD_DIR))/bin/pivot-gen-avro \
	  PIVOT_PLUGIN_DIR=$(abspath $(BUILD_DIR))/lib/pivot \
	  /usr/bin/python3 tests/integration/test_$$t.py; done

# clang-tidy (configuration: .clang-tidy) on the sources of pivotd and the
# plugins; about a minute on two cores.
tidy:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
	run-clang-tidy -p $(BUILD_DIR) -quiet '$(CURDIR)/(core|plugins)/'

# Short libFuzzer runs of every target in tests/fuzz (FUZZ_SECONDS each);
# installs clang first when it is missing. See docs/security.md.
FUZZ_SECONDS ?= 60
fuzz:
	scripts/install-fuzz-deps
	tests/fuzz/run-fuzzers --seconds $(FUZZ_SECONDS) --build-dir build-fuzz

demo: build
	scripts/demo

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz demo
