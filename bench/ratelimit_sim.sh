#!/usr/bin/env bash
# The rate-limit simulation (issue 7, targets 1 and 2): TOTAL records of the four types synced into a
# standalone sandbox at Business limits with time running SCALE times faster on both sides (the sandbox
# with --time-scale, the client through scaled zra.rate_limits and poll intervals). Prints one line per
# figure, tab-separated: figure, value, baseline, ratio, target, met? (bench/run.sh adds them to its table).
#
# usage: bench/ratelimit_sim.sh EXE DATA_DIR WORK_DIR [TOTAL=600000] [SCALE=60]
# SCALE 60 turns "20/min" into exactly "20/s" on the client, the same window shape as the sandbox's
# (other scales give the client a bucket of a different size, and a few spurious 429s).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXE="$(realpath "$1")" DATA="$(realpath -m "$2")" WORK="$(realpath -m "$3")" TOTAL="${4:-600000}" SCALE="${5:-60}"
BATCH=2000 IMPORTS_PER_MIN=20   # Business: RESOURCE-INTENSIVE 20/min; DESIGN.md facts table

GEN_DIGEST="$(cat "$BENCH_DIR/gen_accounts.py" "$BENCH_DIR/gen_all_types.py" | md5sum | cut -c1-8)"
SET="$DATA/all-$TOTAL-s7-$GEN_DIGEST"
if [[ ! -s "$SET/leads.csv" ]]; then
  echo "generating $TOTAL records of four types -> $SET" >&2
  python3 "$BENCH_DIR/gen_all_types.py" "$TOTAL" "$SET" --seed 7 2>>"$WORK/gen.log"
fi
SIM="$WORK/ratelimit"; rm -rf "$SIM"; mkdir -p "$SIM"

"$EXE" sandbox --port 0 --time-scale "$SCALE" --plan business >"$SIM/sandbox.log" 2>&1 &
SANDBOX_PID=$!
trap 'kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 100); do
  PORT="$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$SIM/sandbox.log" 2>/dev/null | head -1 | sed 's/.*://' || true)"
  [[ -n "$PORT" ]] && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { echo "ratelimit_sim.sh: the sandbox exited:" >&2; cat "$SIM/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "ratelimit_sim.sh: no port in $SIM/sandbox.log" >&2; exit 1; }

per_s() { awk -v n="$1" -v per="$2" -v x="$SCALE" 'BEGIN { printf "%.6g/s", n * x / per }'; }
export ZRA_BENCH_PORT="$PORT" ZRA_BENCH_DATA="$SET" ZRA_BENCH_WORK="$SIM"
export ZRA_BENCH_LIGHT="$(per_s 80 1)" ZRA_BENCH_MEDIUM="$(per_s 60 1)" ZRA_BENCH_HEAVY="$(per_s 40 1)"
export ZRA_BENCH_RI="$(per_s "$IMPORTS_PER_MIN" 60)" ZRA_BENCH_DAILY="$(per_s 60000 86400)"
export ZRA_BENCH_POLL_MS="$(awk -v x="$SCALE" 'BEGIN { v = int(500 / x); print (v < 1 ? 1 : v) }')"
export ZRA_BENCH_POLL_MAX_MS="$(awk -v x="$SCALE" 'BEGIN { v = int(15000 / x); print (v < 2 ? 2 : v) }')"

"$EXE" crm register -c "$BENCH_DIR/configs/ratelimit.yaml" >"$SIM/register.out" 2>"$SIM/register.err" \
  || { echo "ratelimit_sim.sh: crm register failed:" >&2; tail -5 "$SIM/register.err" >&2; exit 1; }
rc=0
/usr/bin/time -v -o "$SIM/run.time" "$EXE" run -c "$BENCH_DIR/configs/ratelimit.yaml" --no-progress \
  >"$SIM/run.out" 2>"$SIM/run.err" || rc=$?
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
DRY_NOSTATE_WALL="$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$SIM/dry_nostate.time")"
UNCHANGED_CALLS="$(sed -n 's/^import calls: \([0-9]*\).*/\1/p' "$SIM/dry_state.out" | head -1)"


python3 - "$SUMMARY" "$SET" "$SCALE" "$BATCH" "$IMPORTS_PER_MIN" "$SIM/run.time" "$DRY_STATE_CPU" \
  "$DRY_NOSTATE_CPU" "${UNCHANGED_CALLS:-?}" "$DRY_NOSTATE_WALL" <<'EOF'
import json, math, re, sys
summary_path, data_dir, scale, batch, per_min, time_file, cpu_state, cpu_nostate, unchanged_calls, local_s = sys.argv[1:11]
local_s = float(local_s)
scale, batch, per_min = float(scale), int(batch), float(per_min)
s = json.load(open(summary_path))
calls = s.get("api_calls", {}).get("import_calls")
bound = 0
records = 0
for t in ("accounts", "contacts", "deals", "leads"):
    with open("%s/%s.csv" % (data_dir, t), newline="") as f:
        rows = sum(1 for _ in __import__("csv").reader(f)) - 1
    bound += math.ceil(rows / batch)
    records += rows
real_s = s.get("duration_s")
if real_s is None:
    m = re.search(r"Elapsed \(wall clock\)[^:]*: (.*)", open(time_file).read())
    parts = [float(p) for p in m.group(1).split(":")]
    real_s = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
sim_min = real_s * scale / 60
bound_min = max(0.0, bound - per_min) / per_min  # the first window's calls go at once (as the dry-run plan counts)
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(time_file).read())
def row(*cells): print("\t".join(str(c) for c in cells))
row("ratelimit: import calls", calls if calls is not None else "?", "bound %d" % bound, "-", "= bound",
    "yes" if calls == bound else "NO")
row("ratelimit: simulated wall, min (x%g)" % scale, "%.2f" % sim_min, "limits %.2f" % bound_min,
    "%.3f" % (sim_min / bound_min if bound_min else 0), "<=1.05", "yes" if sim_min <= 1.05 * bound_min else "NO")
# Time scaling also stretches the local work (reading and mapping, done before any send today): count
# that at real speed, taking the no-state dry run's wall time as its measure.
est_min = (max(0.0, real_s - local_s) * scale + local_s) / 60
row("ratelimit: wall, local work unscaled, min", "%.2f" % est_min, "limits %.2f" % bound_min,
    "%.3f" % (est_min / bound_min if bound_min else 0), "<=1.05", "yes" if est_min <= 1.05 * bound_min else "NO")
row("ratelimit: import calls, rerun with nothing changed", unchanged_calls, "bound 0", "-", "= 0",
    "yes" if unchanged_calls == "0" else "NO")
state_s = (float(cpu_state) - float(cpu_nostate)) * 1e6 / records
row("state: unchanged-vs-changed, s per 1M (from %dk)" % (records // 1000), "%.2f" % state_s,
    "dry run %.1f / %.1f s" % (float(cpu_state), float(cpu_nostate)), "-", "<1 s", "yes" if state_s < 1 else "NO")
if rss:
    row("ratelimit: peak RSS MB of the sync", "%.1f" % (int(rss.group(1)) / 1024), "-", "-", "<64 MB",
        "yes" if int(rss.group(1)) / 1024 < 64 else "NO")
EOF
