# respec — the two commands a new machine needs: `make demo` and `make test`.
# Everything else (deps, build, asan, fuzz, bench, soak) hangs off these.

BUILD      ?= build
BUILD_TYPE ?= RelWithAsserts
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 600
export CCACHE_BASEDIR := $(CURDIR)
# The build directory is not hashed, so a second clone or worktree reuses the cache.
export CCACHE_NOHASHDIR := 1
# Rehearsals run against the emulator only: never ask the ECS metadata service
# (a real address) for credentials from make demo/test/bench/soak.
export ALIBABA_CLOUD_ECS_METADATA_DISABLED := true
GENERATOR  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps deps-test deps-fuzz build test demo asan fuzz bench soak package clean

all: build

# build: the compiler and libraries; test adds Node + the SDKs, jq, tmux; fuzz adds clang.
deps:
	@bash scripts/install-deps.sh build
deps-test:
	@bash scripts/install-deps.sh test
deps-fuzz:
	@bash scripts/install-deps.sh fuzz

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)/respec

asan: deps-test
	cmake -S . -B build-asan $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DRESPEC_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

fuzz: deps-fuzz
	CXX=clang++-14 cmake -S . -B build-fuzz $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRESPEC_FUZZ=ON -DRESPEC_TESTS=OFF
	cmake --build build-fuzz --target fuzzers -j $(JOBS)
	@bash scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	@bash scripts/bench.sh $(BUILD)

soak: build
	cd $(BUILD) && RESPEC_SOAK=1 ctest --output-on-failure -R "crash|state_pg|soak"

# The Debian package (CPack): build/respec_<version>_amd64.deb
package: build
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) build-asan build-fuzz
