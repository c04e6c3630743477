#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for FUZZ_SECONDS, then prints one
# line per fuzzer: executions, exec/s, coverage (libFuzzer's final `cov:` edges and `ft:` features),
# corpus size and the result. Used by `make fuzz`; docs/fuzzing.md explains the figures.
#
#   FUZZ_SECONDS  seconds per fuzzer (default 60); 0 runs each once over its seed corpus only
#   FUZZERS       space-separated subset (default: all of them)
#   BUILD_DIR     the clang build directory (default: <repo>/build-fuzz)
#   JOBS          build parallelism (default 2)
#   FUZZ_TIMEOUT  seconds one input may take before it counts as a hang (default 10)
#   FUZZ_MAX_LEN  largest input a campaign tries, in bytes (default 8192)
#   FUZZ_KEEP_GOING=1  run each campaign in libFuzzer's fork mode and go on after a crash (all findings of
#                 the whole time are kept), instead of stopping at the first one
#
# New inputs found go to $BUILD_DIR/fuzz-work/<fuzzer>/corpus (never into the seed corpus in the repo);
# crashes to $BUILD_DIR/fuzz-work/<fuzzer>/crash-* with the full log beside them. Exit 1 if any fuzzer
# found something.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FUZZ_DIR="$ROOT/tests/fuzz"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-fuzz}"
JOBS="${JOBS:-2}"
FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-10}"
FUZZ_MAX_LEN="${FUZZ_MAX_LEN:-8192}"
FUZZ_KEEP_GOING="${FUZZ_KEEP_GOING:-0}"
# As in CTest: every UBSan report is fatal (tests/sanitizers/ubsan.supp lists none at present).
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$ROOT/tests/sanitizers/ubsan.supp"
ALL_FUZZERS="fuzz_csv_parser fuzz_task_result fuzz_record_validator fuzz_config_loader fuzz_mapping fuzz_rest_page"
FUZZERS="${FUZZERS:-$ALL_FUZZERS}"

case "$FUZZ_SECONDS" in ''|*[!0-9]*) echo "run_fuzzers: FUZZ_SECONDS must be a whole number of seconds, got '$FUZZ_SECONDS'" >&2; exit 2;; esac
for f in $FUZZERS; do
  case " $ALL_FUZZERS " in *" $f "*) ;; *) echo "run_fuzzers: unknown fuzzer '$f' (known: $ALL_FUZZERS)" >&2; exit 2;; esac
done
if ! command -v clang++ >/dev/null 2>&1; then
  echo "run_fuzzers: clang++ not found; install the Debian packages clang and libclang-rt-14-dev" >&2
  exit 2
fi

if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$FUZZ_DIR" -B "$BUILD_DIR" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
fi
# shellcheck disable=SC2086  # FUZZERS is a word list on purpose
cmake --build "$BUILD_DIR" -j "$JOBS" --target $FUZZERS >/dev/null

# The value after `key` (e.g. "cov:") on libFuzzer's last status line ("#1234 DONE cov: 567 ft: 890 corp: ...",
# or "#1234: cov: ..." in fork mode), or "-". Never fails (the log of a crashed run may lack any of them).
status_field() {
  awk -v key="$2" '/^#[0-9]+:?[ \t]/ { for (i = 2; i < NF; ++i) if ($i == key) v = $(i + 1) }
                   END { print (v == "" ? "-" : v) }' "$1"
}
# The number of a final-stats line ("stat::number_of_executed_units: 1234"), else the count of the last
# status line (fork mode prints no final stats), or "-".
final_stat() {
  awk -v key="$2" '$1 == key { v = $2 } /^#[0-9]+:[ \t]/ { n = substr($1, 2, length($1) - 2) }
                   END { print (v != "" ? v : (n != "" && key ~ /executed/ ? n : "-")) }' "$1"
}
# How many crash files a run left (fork mode keeps going after each).
crash_count() {
  find "$1" -maxdepth 1 -name 'crash-*' | wc -l
}

failed=()
rows=()
for f in $FUZZERS; do
  work="$BUILD_DIR/fuzz-work/$f"
  mkdir -p "$work/corpus"
  log="$work/last-run.log"
  args=(-timeout="$FUZZ_TIMEOUT" -print_final_stats=1 -artifact_prefix="$work/")
  [ "$FUZZ_SECONDS" -gt 0 ] && args+=(-max_len="$FUZZ_MAX_LEN")
  [ "$FUZZ_SECONDS" -gt 0 ] && [ "$FUZZ_KEEP_GOING" = 1 ] && args+=(-fork=1 -ignore_crashes=1)
  [ -f "$FUZZ_DIR/dict/$f.dict" ] && args+=(-dict="$FUZZ_DIR/dict/$f.dict")
  if [ "$FUZZ_SECONDS" -eq 0 ]; then
    args+=(-runs=0 "$FUZZ_DIR/corpus/$f")
  else
    args+=(-max_total_time="$FUZZ_SECONDS" "$work/corpus" "$FUZZ_DIR/corpus/$f")
  fi
  # The JSON readers run with a 1 MiB stack, as in CTest (tests/fuzz/CMakeLists.txt: STACK_KB), so that
  # recursion per nesting level overflows within the input sizes a campaign tries.
  stack_kb=unlimited
  case "$f" in fuzz_task_result|fuzz_record_validator|fuzz_rest_page) stack_kb=1024;; esac
  echo "run_fuzzers: $f for ${FUZZ_SECONDS}s ..." >&2
  result=ok
  rm -f "$work"/crash-*
  if ! ( [ "$stack_kb" = unlimited ] || ulimit -s "$stack_kb"; exec "$BUILD_DIR/fuzz-bin/$f" "${args[@]}" ) >"$log" 2>&1 ||
     [ "$(crash_count "$work")" -gt 0 ]; then
    result="FOUND($(crash_count "$work"))"
    failed+=("$f: $(crash_count "$work") crash file(s) $work/crash-* (log: $log)")
  fi
  execs="$(final_stat "$log" stat::number_of_executed_units:)"
  rate="$(final_stat "$log" stat::average_exec_per_sec:)"
  if [ "$rate" = - ] && [ "$execs" != - ] && [ "$FUZZ_SECONDS" -gt 0 ]; then rate=$((execs / FUZZ_SECONDS)); fi
  rows+=("$(printf '%-22s %12s %9s %8s %8s %10s  %s' "$f" "$execs" "$rate" "$(status_field "$log" cov:)" \
            "$(status_field "$log" ft:)" "$(status_field "$log" corp:)" "$result")")
done

printf '\n%-22s %12s %9s %8s %8s %10s  %s\n' fuzzer executions "exec/s" "cov" "ft" "corpus" result
for r in "${rows[@]}"; do echo "$r"; done
if [ ${#failed[@]} -gt 0 ]; then
  printf '\nfindings (reproduce with: <fuzzer binary> <crash file>):\n' >&2
  for f in "${failed[@]}"; do echo "  $f" >&2; done
  exit 1
fi
