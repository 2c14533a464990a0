# The user's entry point. `make run` and `make test` work on a fresh Debian machine.
BUILD      ?= build
SAN_BUILD  ?= build-sanitize
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
CONFIG     ?= configs/linreg.yaml

DEB_PACKAGES := build-essential cmake pkg-config libopenblas-dev libtbb-dev libyaml-cpp-dev \
                googletest libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev \
                libcli11-dev libfmt-dev zlib1g-dev dataset-fashion-mnist libplplot-dev plplot-driver-cairo libpng-dev \
                libopenmpi-dev openmpi-bin
# Only `make fuzz` needs these: clang, its sanitizer and libFuzzer runtimes, llvm-symbolizer.
FUZZ_PACKAGES := clang libclang-rt-14-dev llvm
FUZZ_TARGETS  := safetensors checkpoint csv idx config

.PHONY: all deps fuzz-deps build test run bench sanitize fuzz docs install clean

all: build

# $(call install_missing,PACKAGES): installs only the Debian packages that are missing; prints
# the command when it cannot. Messages start with the make target's name.
define install_missing
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "$@: all packages present"; exit 0; fi; \
	echo "$@: installing$$(echo $$missing | sed 's/^/ /')"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else \
	  echo "$@: cannot install; run as root: apt-get update && apt-get install -y $$missing"; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing \
	  || { echo "$@: install failed; run: apt-get update && apt-get install -y $$missing"; exit 1; }
endef

deps:
	$(call install_missing,$(DEB_PACKAGES))

fuzz-deps:
	$(call install_missing,$(FUZZ_PACKAGES))

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

run: build
	$(BUILD)/bin/minidl train $(CONFIG)

bench: build
	bash bench/run_all.sh $(BUILD)

# Address + undefined-behaviour sanitizers over the whole test suite (benchmarks not built).
sanitize: deps
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINIDL_SANITIZE=ON \
	  -DMINIDL_BUILD_BENCH=OFF $(CMAKE_ARGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 ctest --output-on-failure -j $(JOBS)

# libFuzzer targets (fuzz/) built with clang, each run FUZZ_SECONDS on a copy of its seed
# corpus in $(FUZZ_BUILD)/fuzz-runs/; fails if any target finds a crash, a leak or UB.
fuzz: deps fuzz-deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINIDL_FUZZ=ON \
	  -DMINIDL_BUILD_TESTS=OFF -DMINIDL_BUILD_BENCH=OFF -DMINIDL_BUILD_EXAMPLES=OFF $(CMAKE_ARGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Rewrites README.md's reference tables from the components' declarations (`minidl list
# --markdown`); tests/experiment/reference_docs_test.cpp fails until this is run after a change.
docs: build
	$(BUILD)/bin/minidl list --markdown > $(BUILD)/reference.md
	awk -v ref=$(BUILD)/reference.md \
	  '/^<!-- reference:begin/ { print; while ((getline line < ref) > 0) print line; skip = 1; next } \
	   /^<!-- reference:end/ { skip = 0 } !skip' README.md > $(BUILD)/README.md.new
	mv $(BUILD)/README.md.new README.md

install: build
	cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
