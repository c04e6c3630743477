# The two commands of the README. Both install what is missing (Debian 12, as root), build, and run.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test test-release test-asan clean

all: build

deps:
	@bash cmake/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DZRA_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@./$(BUILD)/bin/zra-sync demo

# Everything CI runs: the suite on the release build, the suite again under ASan+UBSan, and each fuzzer for
# FUZZ_SECONDS (60 by default). `make test-release` is the quick loop while developing.
test: test-release test-asan fuzz

test-release: build
	@cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 600

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer (-O1 with line tables: readable
# stacks, tests not needlessly slow). Benchmarks are left out; so are tests labelled `no-asan` (none by default).
ASAN_FLAGS = -DCMAKE_BUILD_TYPE=Debug -DZRA_SANITIZE=ON -DZRA_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCMAKE_C_FLAGS_DEBUG="-O1 -g1"
test-asan: deps
	@cmake -S . -B $(BUILD)-asan $(ASAN_FLAGS) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	@cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/sanitizers/ubsan.supp \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp \
	  ctest -j $(JOBS) --output-on-failure --timeout 1200 -LE no-asan

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz

# libFuzzer campaigns (clang, ASan+UBSan), FUZZ_SECONDS per fuzzer (0: seed corpora only); docs/fuzzing.md.
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD_DIR=$(CURDIR)/$(BUILD)-fuzz JOBS=$(JOBS) bash tests/fuzz/run_fuzzers.sh
