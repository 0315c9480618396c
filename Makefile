# The two set-up commands of the README, plus the build they share.
# Both install missing Debian packages first (scripts/install-deps).

BUILD_DIR ?= build
# CI builds treat warnings as errors.
WERROR ?= $(if $(CI),ON,OFF)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build test demo clean

all: build

deps:
	scripts/install-deps

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIVOT_WERROR=$(WERROR)
	cmake --build $(BUILD_DIR) -j$(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

demo: build
	scripts/demo

clean:
	rm -rf $(BUILD_DIR) demo
