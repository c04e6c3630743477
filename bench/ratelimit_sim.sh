#!/usr/bin/env bash
# The rate-limit simulation (issue 7, targets 1 and 2): TOTAL records of the four types synced into the
# sandbox that `zra.target: sandbox` embeds, at Business limits, with time running SCALE times faster on
# both sides (the sandbox's task delay and windows, the client's limiter windows; the poll intervals are
# divided here). Prints one line per figure, tab-separated: figure, value, baseline, ratio, target, met?
# (bench/run.sh adds them to its table); bench/ratelimit_report.py computes them, docs/performance.md
# defines them.
#
# usage: bench/ratelimit_sim.sh EXE DATA_DIR WORK_DIR [TOTAL=600000] [SCALE=10]
# SCALE: a call may take 60 / 20 / SCALE real seconds before the client falls behind the limit (0.3 s at
# x10); a higher scale measures the machine's CPU instead of the scheduling.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXE="$(realpath "$1")" DATA="$(realpath -m "$2")" WORK="$(realpath -m "$3")" TOTAL="${4:-600000}" SCALE="${5:-10}"
BATCH=2000 IMPORTS_PER_MIN=20   # Business: RESOURCE-INTENSIVE 20/min; DESIGN.md facts table
TASK_DELAY=0.5                  # the sandbox's task delay (server seconds), used by the bound too

GEN_DIGEST="$(cat "$BENCH_DIR/gen_accounts.py" "$BENCH_DIR/gen_all_types.py" | md5sum | cut -c1-8)"
SET="$DATA/all-$TOTAL-s7-$GEN_DIGEST"
if [[ ! -s "$SET/leads.csv" ]]; then
  echo "generating $TOTAL records of four types -> $SET" >&2
  python3 "$BENCH_DIR/gen_all_types.py" "$TOTAL" "$SET" --seed 7 2>>"$WORK/gen.log"
fi
SIM="$WORK/ratelimit"; rm -rf "$SIM"; mkdir -p "$SIM"

export ZRA_BENCH_DATA="$SET" ZRA_BENCH_WORK="$SIM" ZRA_BENCH_SCALE="$SCALE" ZRA_BENCH_TASK_DELAY="$TASK_DELAY"
export ZRA_BENCH_POLL_MS="$(awk -v x="$SCALE" 'BEGIN { v = int(500 / x); print (v < 1 ? 1 : v) }')"
export ZRA_BENCH_POLL_MAX_MS="$(awk -v x="$SCALE" 'BEGIN { v = int(15000 / x); print (v < 2 ? 2 : v) }')"

"$EXE" crm register -c "$BENCH_DIR/configs/ratelimit.yaml" >"$SIM/register.out" 2>"$SIM/register.err" \
  || { echo "ratelimit_sim.sh: crm register failed:" >&2; tail -5 "$SIM/register.err" >&2; exit 1; }
rc=0
# JSON log: ratelimit_report.py reads the import.submitted / task.final events' times from it.
/usr/bin/time -v -o "$SIM/run.time" "$EXE" run -c "$BENCH_DIR/configs/ratelimit.yaml" --no-progress \
  --log-format json >"$SIM/run.out" 2>"$SIM/run.err" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "ratelimit_sim.sh: the sync exited $rc (see $SIM/run.err and $SIM/reports)" >&2; tail -5 "$SIM/run.out" >&2
fi

RUN_REPORT="$(sed -n 's/^report: //p' "$SIM/run.out" | head -1)"
SUMMARY="$RUN_REPORT/summary.json"
[[ -n "$RUN_REPORT" && -s "$SUMMARY" ]] || { echo "ratelimit_sim.sh: the sync wrote no summary.json ($SIM/run.out)" >&2; exit 1; }

# Change detection: the same data again as a dry run, with the state the sync just confirmed (all
# unchanged, zero calls) and with no state (all new). The CPU-time difference is what deciding
# unchanged-vs-changed costs; scaled to 1,000,000 records.
cpu_of() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.3f", u+s}' "$1"; }
mkdir -p "$SIM/nostate"
/usr/bin/time -v -o "$SIM/dry_state.time" "$EXE" run -c "$BENCH_DIR/configs/ratelimit.yaml" --dry-run --no-progress \
  >"$SIM/dry_state.out" 2>"$SIM/dry_state.err" || true
ZRA_BENCH_WORK="$SIM/nostate" /usr/bin/time -v -o "$SIM/dry_nostate.time" "$EXE" run \
  -c "$BENCH_DIR/configs/ratelimit.yaml" --dry-run --no-progress >"$SIM/dry_nostate.out" 2>"$SIM/dry_nostate.err" || true
DRY_STATE_CPU="$(cpu_of "$SIM/dry_state.time")" DRY_NOSTATE_CPU="$(cpu_of "$SIM/dry_nostate.time")"
UNCHANGED_CALLS="$(sed -n 's/^import calls: \([0-9]*\).*/\1/p' "$SIM/dry_state.out" | head -1)"


python3 "$BENCH_DIR/ratelimit_report.py" --summary "$SUMMARY" --data-dir "$SET" --run-log "$SIM/run.err" \
  --run-time "$SIM/run.time" --scale "$SCALE" --batch "$BATCH" --per-min "$IMPORTS_PER_MIN" --max-in-flight 4 \
  --task-delay "$TASK_DELAY" --dry-state-cpu "$DRY_STATE_CPU" --dry-nostate-cpu "$DRY_NOSTATE_CPU" \
  --unchanged-calls "${UNCHANGED_CALLS:-?}" --sandbox-state "$SIM/state.db.sandbox.json"
