#!/usr/bin/env bash
# The benchmarks of issue 7 in one go: builds (Release), generates the data (cached), measures, prints
# ONE table (figure, value, baseline, ratio, target, met?) with the machine's info, then says where the
# time goes. docs/performance.md explains every figure. Meant to finish in under 10 minutes on 2 cores.
#
# usage: bench/run.sh [--build-dir DIR] [--data-dir DIR] [--rows N] [--small-rows N] [--big-rows N]
#                     [--no-build] [--no-big] [--no-profile] [--no-micro] [--no-ratelimit] [--no-realrun]
#                     [--ratelimit-records N] [--time-scale X] [--realrun-rows N] [--repeat N]
#   --build-dir  where to build and find bin/zra-sync (default: <repo>/build-bench)
#   --data-dir   where generated data is cached (default: <build-dir>/bench-data)
#   --rows       rows of the main file (default 1000000); --small-rows the small dry run (default 100000);
#                --big-rows the memory stand-in (default 3000000)
#   --no-build   use the binaries already in --build-dir
#   --ratelimit-records / --time-scale: the rate-limit simulation (default 600000 records, x10)
#   --realrun-rows  rows of the real sync into a standalone sandbox whose peak RSS is measured
#                (default 200000; bench/realrun_rss.sh)
#   --repeat     runs of the 1M dry run and of mlr, taken in turns; the fastest of each is compared
#                (default 3: on a shared machine a single mlr run varied from 4.5 to 6.4 s)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
BUILD="$REPO/build-bench"
DATA=""
ROWS=1000000
SMALL_ROWS=100000
BIG_ROWS=3000000
PROFILE_ROWS=50000
DO_BUILD=1 DO_BIG=1 DO_PROFILE=1 DO_MICRO=1 DO_RATELIMIT=1 DO_REALRUN=1
REALRUN_ROWS=200000
RL_TOTAL=600000 RL_SCALE=10
REPEAT=3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) BUILD="$(realpath -m "$2")"; shift 2 ;;
    --data-dir) DATA="$(realpath -m "$2")"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --small-rows) SMALL_ROWS="$2"; shift 2 ;;
    --big-rows) BIG_ROWS="$2"; shift 2 ;;
    --no-build) DO_BUILD=0; shift ;;
    --no-big) DO_BIG=0; shift ;;
    --no-profile) DO_PROFILE=0; shift ;;
    --no-micro) DO_MICRO=0; shift ;;
    --no-ratelimit) DO_RATELIMIT=0; shift ;;
    --no-realrun) DO_REALRUN=0; shift ;;
    --realrun-rows) REALRUN_ROWS="$2"; shift 2 ;;
    --ratelimit-records) RL_TOTAL="$2"; shift 2 ;;
    --time-scale) RL_SCALE="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
DATA="${DATA:-$BUILD/bench-data}"
WORK="$BUILD/bench-work"
EXE="$BUILD/bin/zra-sync"
MICRO="$BUILD/bin/zra_bench_micro"
mkdir -p "$DATA" "$WORK"
T0=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

note() { echo "[$(( $(date +%s) - T0 ))s] $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "run.sh: '$1' is required ($2)" >&2; exit 2; }; }
need python3 "the generators and the baseline"
need mlr "Debian package miller: the second baseline"
[[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time is required (Debian package time)" >&2; exit 2; }

# --- 1. build -------------------------------------------------------------------------------------
if [[ $DO_BUILD == 1 ]]; then
  note "building (Release) into $BUILD"
  # ccache when present (the project's shared cache: a rebuild takes minutes instead of 15+).
  LAUNCHER=()
  if command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$REPO}"
    LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DZRA_BUILD_BENCH=ON -DZRA_BUILD_TESTS=OFF \
        "${LAUNCHER[@]}" >"$WORK/configure.log" 2>&1 \
    || { cat "$WORK/configure.log" >&2; exit 1; }
  cmake --build "$BUILD" --target zra-sync zra_plugin_csv zra_bench_micro -j"$(nproc)" >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; exit 1; }
fi
[[ -x "$EXE" ]] || { echo "run.sh: $EXE is missing (build target zra-sync, or drop --no-build)" >&2; exit 2; }

# --- 2. data (cached: a file is regenerated only when its name - rows, seed, generator digest - is new)
GEN_DIGEST="$(md5sum "$BENCH_DIR/gen_accounts.py" | cut -c1-8)"
accounts_csv() {  # rows -> path of the cached file
  local f="$DATA/accounts-$1-s42-$GEN_DIGEST.csv"
  if [[ ! -s "$f" ]]; then
    note "generating $1 rows -> $f"
    python3 "$BENCH_DIR/gen_accounts.py" "$1" "$f" --seed 42 2>>"$WORK/gen.log"
  fi
  echo "$f"
}
CSV_MAIN="$(accounts_csv "$ROWS")"
CSV_SMALL="$(accounts_csv "$SMALL_ROWS")"

# --- 3. measurements ------------------------------------------------------------------------------
# measure NAME CMD...: runs CMD under /usr/bin/time -v; stdout to $WORK/NAME.out; sets WALL, CPU, RSS_MB.
measure() {
  local name="$1"; shift
  note "running $name"
  local rc=0
  /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then  # 1: a dry run with invalid rows, which the data has on purpose
    echo "run.sh: $name failed (exit $rc); see $WORK/$name.err" >&2; tail -5 "$WORK/$name.err" >&2; exit 1
  fi
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; printf "%.2f", s}' "$WORK/$name.time")
  CPU=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$WORK/$name.time")
  RSS_MB=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$WORK/$name.time")
}
dry_run() {  # NAME CSV: zra-sync run --dry-run over CSV with the benchmark config, a fresh state each time
  local name="$1" csv="$2"
  rm -rf "$WORK/$name.state"; mkdir -p "$WORK/$name.state"
  ZRA_BENCH_CSV="$csv" ZRA_BENCH_WORK="$WORK/$name.state" \
    measure "$name" "$EXE" run -c "$BENCH_DIR/configs/accounts_dry_run.yaml" --dry-run --no-progress
}

ROWS_TABLE=()
row() { ROWS_TABLE+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$@")"); }
# Two decimals, and judged unrounded: 6.38 / 2.14 = 2.98 is not 3x.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }'; }
met_ratio() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { print (a > 0 && b / a >= t) ? "yes" : "NO" }'; }
below() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 < t) ? "yes" : "NO" }'; }

# The dry run and mlr in turns, REPEAT times each: the fastest run of each is compared (waiting for a CPU
# on a shared machine only ever adds time), and every run's wall time is printed beside it.
faster() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(b == "" || a + 0 < b + 0) }'; }
DRY_WALL="" MLR_WALL="" DRY_RSS=0 DRY_WALLS="" MLR_WALLS=""
for ((i = 1; i <= REPEAT; i++)); do
  dry_run dry_main "$CSV_MAIN"
  DRY_WALLS+="${DRY_WALLS:+ }$WALL"
  if faster "$WALL" "$DRY_WALL"; then DRY_WALL=$WALL DRY_CPU=$CPU; cp "$WORK/dry_main.out" "$WORK/dry_main.best.out"; fi
  DRY_RSS=$(awk -v a="$RSS_MB" -v b="$DRY_RSS" 'BEGIN { print (a + 0 > b + 0) ? a : b }')
  measure mlr_main mlr --icsv --ojson cat "$CSV_MAIN"
  MLR_WALLS+="${MLR_WALLS:+ }$WALL"
  if faster "$WALL" "$MLR_WALL"; then MLR_WALL=$WALL MLR_CPU=$CPU MLR_RSS=$RSS_MB; fi
done
measure python_main python3 "$BENCH_DIR/baseline_python.py" "$CSV_MAIN"; PY_WALL=$WALL PY_CPU=$CPU PY_RSS=$RSS_MB
dry_run dry_small "$CSV_SMALL";   SMALL_RSS=$RSS_MB
if [[ $DO_BIG == 1 ]]; then
  CSV_BIG="$(accounts_csv "$BIG_ROWS")"
  dry_run dry_big "$CSV_BIG";     BIG_RSS=$RSS_MB BIG_WALL=$WALL
fi

# What the plan says (import calls) against the lower bound ceil(valid / batch_size).
PY_VALID=$(sed -n 's/.* valid=\([0-9]*\).*/\1/p' "$WORK/python_main.out")
PLAN_CALLS=$(sed -n 's/^import calls: \([0-9,]*\).*/\1/p' "$WORK/dry_main.best.out" | head -1 | tr -d ,)
BOUND_CALLS=$(( (PY_VALID + 1999) / 2000 ))

k() { awk -v n="$1" 'BEGIN { printf "%dk", n / 1000 }'; }
row "dry run $(k "$ROWS") rows, wall s" "$DRY_WALL" "python $PY_WALL" "$(ratio "$DRY_WALL" "$PY_WALL")" ">=10x python" "$(met_ratio "$DRY_WALL" "$PY_WALL" 10)"
row "dry run $(k "$ROWS") rows, wall s" "$DRY_WALL" "mlr $MLR_WALL" "$(ratio "$DRY_WALL" "$MLR_WALL")" ">=3x mlr" "$(met_ratio "$DRY_WALL" "$MLR_WALL" 3)"
row "dry run $(k "$ROWS") rows, CPU s" "$DRY_CPU" "python $PY_CPU" "$(ratio "$DRY_CPU" "$PY_CPU")" "(info)" "-"
row "dry run $(k "$ROWS") rows, CPU s" "$DRY_CPU" "mlr $MLR_CPU" "$(ratio "$DRY_CPU" "$MLR_CPU")" "(info)" "-"
row "dry run / mlr: every run's wall s" "$DRY_WALLS" "mlr $MLR_WALLS" "-" "(info: fastest of $REPEAT compared)" "-"
row "peak RSS MB, $(k "$SMALL_ROWS") rows" "$SMALL_RSS" "-" "-" "<64 MB" "$(below "$SMALL_RSS" 64)"
row "peak RSS MB, $(k "$ROWS") rows" "$DRY_RSS" "python $PY_RSS / mlr $MLR_RSS" "-" "<64 MB" "$(below "$DRY_RSS" 64)"
if [[ $DO_BIG == 1 ]]; then
  row "peak RSS MB, $(k "$BIG_ROWS") rows (10M stand-in)" "$BIG_RSS" "-" "-" "<64 MB" "$(below "$BIG_RSS" 64)"
fi
row "import calls planned, $(k "$ROWS") rows" "${PLAN_CALLS:-?}" "bound $BOUND_CALLS" "-" "= bound" \
    "$([[ "${PLAN_CALLS:-}" == "$BOUND_CALLS" ]] && echo yes || echo NO)"
if [[ $DO_RATELIMIT == 1 ]]; then
  note "rate-limit simulation: $RL_TOTAL records, time x$RL_SCALE"
  if RL_OUT="$(bash "$BENCH_DIR/ratelimit_sim.sh" "$EXE" "$DATA" "$WORK" "$RL_TOTAL" "$RL_SCALE" 2>"$WORK/ratelimit.err")"; then
    while IFS= read -r line; do [[ -n "$line" ]] && ROWS_TABLE+=("$line"); done <<<"$RL_OUT"
  else
    row "rate-limit simulation" "failed" "-" "-" "-" "see $WORK/ratelimit.err"
  fi
else
  row "state: unchanged-vs-changed 1M" "not measured" "-" "-" "<1 s" "(needs the rate-limit simulation)"
fi

# A real sync's memory: the sandbox in a process of its own, so the sync's peak RSS is the sync's alone
# (the rate-limit run's includes the embedded sandbox's copy of every record). The CSV is the first
# REALRUN_ROWS rows of the main file: the seeded generator streams, so N rows are the same bytes.
if [[ $DO_REALRUN == 1 ]]; then
  CSV_REAL="$(accounts_csv "$REALRUN_ROWS")"
  note "real run: $REALRUN_ROWS rows into a standalone sandbox (x60)"
  if RR_OUT="$(bash "$BENCH_DIR/realrun_rss.sh" "$EXE" "$CSV_REAL" "$WORK" 2>"$WORK/realrun.err")"; then
    while IFS= read -r line; do [[ -n "$line" ]] && ROWS_TABLE+=("$line"); done <<<"$RR_OUT"
  else
    row "real run peak RSS MB, $(k "$REALRUN_ROWS") rows (standalone sandbox)" "failed" "-" "-" "<64 MB" "see $WORK/realrun.err"
  fi
fi

# --- 4. micro benchmarks --------------------------------------------------------------------------
if [[ $DO_MICRO == 1 && -x "$MICRO" ]]; then
  note "running micro benchmarks"
  "$MICRO" --benchmark_min_time=0.3 --benchmark_format=json --benchmark_out="$WORK/micro.json" \
    --benchmark_out_format=json >/dev/null 2>"$WORK/micro.err" || { cat "$WORK/micro.err" >&2; exit 1; }
  while IFS=$'\t' read -r name per_item; do row "micro: $name" "$per_item" "-" "-" "-" "-"; done < <(
    python3 - "$WORK/micro.json" <<'EOF'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    name = b["name"] + (" (" + b["label"] + ")" if b.get("label") else "")
    ips = b.get("items_per_second")
    per = "%.0f ns/item" % (1e9 / ips) if ips else "%.1f %s" % (b["real_time"], b["time_unit"])
    if "bytes_per_second" in b:
        per += ", %.0f MB/s" % (b["bytes_per_second"] / 1e6)
    print("%s\t%s" % (name, per))
EOF
  )
fi

# --- 5. the table ---------------------------------------------------------------------------------
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "zra-sync benchmarks  $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GB RAM", $2/1048576}' /proc/meminfo)"
echo "load average (1/5/15 min): at start $LOAD_START, at end $LOAD_END  (shared machine: wall times include waiting for a CPU)"
echo "input: $CSV_MAIN ($(du -m "$CSV_MAIN" | cut -f1) MB); python: rows/valid/invalid = $(cat "$WORK/python_main.out")"
echo
# The same table, tab-separated, for scripts (tests/integration/bench reads it).
{
  printf 'figure\tvalue\tbaseline\tratio\ttarget\tmet?\n'
  printf '%s\n' "${ROWS_TABLE[@]}"
} >"$WORK/table.tsv"
column -t -s $'\t' "$WORK/table.tsv"

# --- 6. where the time goes -----------------------------------------------------------------------
if [[ $DO_PROFILE == 1 ]]; then
  CSV_PROF="$(accounts_csv "$PROFILE_ROWS")"
  PROF_STATE="$WORK/profile.state"; rm -rf "$PROF_STATE"; mkdir -p "$PROF_STATE"
  export ZRA_BENCH_CSV="$CSV_PROF" ZRA_BENCH_WORK="$PROF_STATE"
  echo
  PERF_OK=0
  if command -v perf >/dev/null 2>&1; then
    if perf stat -e instructions true 2>&1 | grep -q -E 'not supported|not counted'; then
      perf record -q -e cpu-clock -o "$WORK/perf.probe" true >/dev/null 2>&1 && PERF_OK=cpu-clock
    else
      PERF_OK=cycles
    fi
  fi
  if [[ $PERF_OK != 0 ]]; then
    # Time, not instructions: it sees cache misses and page faults, which callgrind does not.
    note "profiling with perf -e $PERF_OK ($SMALL_ROWS rows)"
    export ZRA_BENCH_CSV="$CSV_SMALL"
    perf record -q -e "$PERF_OK" -F 2000 -o "$WORK/perf.data" -- "$EXE" run -c "$BENCH_DIR/configs/accounts_dry_run.yaml" \
      --dry-run --no-progress >/dev/null 2>"$WORK/perf.err" || true
    echo "where the time goes (perf -e $PERF_OK, $SMALL_ROWS-row dry run, self time, top 10):"
    perf report -i "$WORK/perf.data" --no-children --stdio --percent-limit 0.5 2>/dev/null \
      | grep -E '^ +[0-9.]+%' | head -10 | awk '{ pct=$1; dso=$3; $1=$2=$3=$4=""; sub(/^ +/, ""); printf "  %6s  %s  [%s]\n", pct, substr($0, 1, 100), dso }' || true
    echo
  fi
  if command -v valgrind >/dev/null 2>&1; then
    note "profiling with callgrind ($PROFILE_ROWS rows)"
    export ZRA_BENCH_CSV="$CSV_PROF"
    # In-process plugin: valgrind cannot follow the plugin's child process (a re-exec of /proc/self/exe).
    ZRA_SYNC_ISOLATION=in_process valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
      "$EXE" run -c "$BENCH_DIR/configs/accounts_dry_run.yaml" --dry-run --no-progress >/dev/null 2>"$WORK/callgrind.err" || true
    echo "where the instructions go (callgrind, $PROFILE_ROWS-row dry run; self = in the function itself, top 10):"
    callgrind_annotate "$WORK/callgrind.out" 2>/dev/null | python3 "$BENCH_DIR/profile_top.py" --top 10 || true
    echo
    echo "inclusive (the function and what it calls), top 15 below the call chain to the record loop:"
    callgrind_annotate --inclusive=yes "$WORK/callgrind.out" 2>/dev/null | python3 "$BENCH_DIR/profile_top.py" --top 15 --max-pct 98 || true
  elif [[ $PERF_OK == 0 ]]; then
    echo "no profiler: neither perf nor valgrind is available"
  fi
fi
note "done in $(( $(date +%s) - T0 )) s; logs and outputs in $WORK"
