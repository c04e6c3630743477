# The two commands of the README. Both install what is missing (Debian 12, as root), build, and run.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test test-asan clean

all: build

deps:
	@bash cmake/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DZRA_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@./$(BUILD)/bin/zra-sync demo

test: build
	@cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 600

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DZRA_SANITIZE=ON -DZRA_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	@cd $(BUILD)-asan && ctest -j $(JOBS) --output-on-failure --timeout 900

clean:
	rm -rf $(BUILD) $(BUILD)-asan

# libFuzzer campaigns (clang, ASan+UBSan), FUZZ_SECONDS per fuzzer (0: seed corpora only); docs/fuzzing.md.
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD_DIR=$(CURDIR)/$(BUILD)-fuzz JOBS=$(JOBS) bash tests/fuzz/run_fuzzers.sh
