# The user's entry point. `make run` and `make test` work on a fresh Debian machine.
BUILD      ?= build
SAN_BUILD  ?= build-sanitize
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
CONFIG     ?= configs/linreg.yaml

DEB_PACKAGES := build-essential cmake pkg-config libopenblas-dev libtbb-dev libyaml-cpp-dev \
                googletest libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev \
                libcli11-dev libfmt-dev

.PHONY: all deps build test run bench sanitize install clean

all: build

# Installs only the Debian packages that are missing; prints the command when it cannot.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all packages present"; exit 0; fi; \
	echo "deps: installing$$(echo $$missing | sed 's/^/ /')"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else \
	  echo "deps: cannot install; run as root: apt-get update && apt-get install -y $$missing"; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing \
	  || { echo "deps: install failed; run: apt-get update && apt-get install -y $$missing"; exit 1; }

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
	  ctest --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
