#!/usr/bin/env bash
# A real run's memory (issue 7, target 4): `zra-sync run` over CSV (accounts, bench/configs/realrun.yaml)
# sending to a standalone sandbox on 127.0.0.1 at time x60, so the peak RSS measured by /usr/bin/time is
# the sync's alone (the embedded sandbox of bench/ratelimit_sim.sh counts its copy of every record).
# Prints one line per figure, tab-separated: figure, value, baseline, ratio, target, met? (bench/run.sh
# adds them to its table); docs/performance.md defines them. Exits non-zero, with the reason on stderr,
# when the sandbox does not start or the sync does not finish (exit code other than 0 or 1).
#
# usage: bench/realrun_rss.sh EXE CSV WORK_DIR
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 3 ]] || { echo "usage: realrun_rss.sh EXE CSV WORK_DIR" >&2; exit 2; }
EXE="$(realpath "$1")" CSV="$(realpath "$2")" WORK="$(realpath -m "$3")"
SCALE=60 BATCH=2000   # x60: Business's 20 imports/min become the 20/s of realrun.yaml
CONFIG="$BENCH_DIR/configs/realrun.yaml"
RR="$WORK/realrun"; rm -rf "$RR"; mkdir -p "$RR"

fail() { echo "realrun_rss.sh: $*" >&2; exit 1; }
SANDBOX_PID="" SYNC_PID=""
stop_process() {  # NAME of the variable holding the pid
  local pid="${!1}"
  if [[ -n $pid ]]; then
    # /usr/bin/time would die of a SIGTERM and leave the sync running: signal its child, and time ends with it.
    pkill -TERM -P "$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    printf -v "$1" '%s' ""
  fi
}
stop_sandbox() { stop_process SANDBOX_PID; }
# The sync first (SIGTERM: it stops within its grace), then the sandbox it talks to.
trap 'stop_process SYNC_PID; stop_sandbox' EXIT
trap 'exit 130' INT TERM   # through the EXIT trap: background processes ignore the terminal's Ctrl-C

# Port 0: the sandbox picks a free port and prints its base_url once it listens.
"$EXE" sandbox --port 0 --time-scale "$SCALE" --state-file "$RR/sandbox.json" >"$RR/sandbox.out" 2>&1 &
SANDBOX_PID=$!
BASE=""
for _ in $(seq 1 200); do
  BASE="$(sed -n 's/^ *base_url: *//p' "$RR/sandbox.out" | head -1)"
  [[ -n $BASE ]] && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$RR/sandbox.out" >&2; SANDBOX_PID=""; fail "the sandbox exited at start"; }
  sleep 0.1
done
[[ $BASE == http://127.0.0.1:*/v2 ]] || { cat "$RR/sandbox.out" >&2; fail "the sandbox printed no base_url within 20 s"; }
PORT="${BASE#http://127.0.0.1:}"; PORT="${PORT%/v2}"
# It answers: a TCP connection to the port is accepted.
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

export ZRA_BENCH_PORT="$PORT" ZRA_BENCH_CSV="$CSV" ZRA_BENCH_WORK="$RR"
"$EXE" crm register -c "$CONFIG" >"$RR/register.out" 2>"$RR/register.err" \
  || { tail -5 "$RR/register.err" >&2; fail "crm register failed (see $RR/register.err)"; }
rc=0
# In the background and waited for: bash runs a trap only once a foreground command returns, so a sync
# in the foreground would outlive an interrupted script (retrying a sandbox already stopped).
/usr/bin/time -v -o "$RR/run.time" "$EXE" run -c "$CONFIG" --no-progress --grace 5 >"$RR/run.out" 2>"$RR/run.err" &
SYNC_PID=$!
wait "$SYNC_PID" || rc=$?
SYNC_PID=""
stop_sandbox
# 1: the run finished and some rows were invalid, which the generated data has on purpose.
[[ $rc -le 1 ]] || { tail -5 "$RR/run.err" >&2; fail "the sync exited $rc (see $RR/run.err)"; }
SUMMARY="$(sed -n 's/^report: //p' "$RR/run.out" | head -1)/summary.json"
[[ -s $SUMMARY ]] || fail "the sync wrote no summary.json (see $RR/run.out)"

python3 - "$SUMMARY" "$RR/run.time" "$BATCH" "$SCALE" <<'PY'
import json, math, re, sys
summary, times, batch, scale = json.load(open(sys.argv[1])), open(sys.argv[2]).read(), int(sys.argv[3]), sys.argv[4]
acc = summary["types"]["account"]
valid = acc["new"] + acc["changed"] + acc["retried"]   # a fresh state: every valid record is new
bound = math.ceil(valid / batch)
calls = summary["api_calls"]["import_calls"]
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", times).group(1).split(":")
wall_s = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu_s = sum(float(re.search(p + r": (\S+)", times).group(1)) for p in ("User time \(seconds\)", "System time \(seconds\)"))
rss_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", times).group(1)) / 1024
rows = "%dk rows" % (acc["read"] // 1000) if acc["read"] >= 1000 else "%d rows" % acc["read"]
print("\t".join(["real run peak RSS MB, %s (standalone sandbox)" % rows, "%.1f" % rss_mb, "-", "-", "<64 MB",
                 "yes" if rss_mb < 64 else "NO"]))
print("\t".join(["real run import calls, %s" % rows, str(calls), "bound %d" % bound, "-", "= bound",
                 "yes" if calls == bound else "NO"]))
print("\t".join(["real run wall s, %s" % rows, "%.1f" % wall_s, "-", "-",
                 "(info: CPU %.1f s, %d confirmed, 429s %d, sandbox x%s)"
                 % (cpu_s, acc["confirmed"], summary["api_calls"]["rate_limited"], scale), "-"]))
PY
