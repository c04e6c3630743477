#!/usr/bin/env bash
# The incremental benchmark (issue 4): ROWS accounts synced into the sandbox that `zra.target: sandbox`
# embeds, at Business limits with time running SCALE times faster (as bench/ratelimit_sim.sh), then 1% of
# the rows changed and synced again. Prints, per run: import calls next to the lower bound
# ceil(records to send / 2000), the real wall time and the simulated one (real x SCALE), and peak RSS.
#
# usage: bench/incremental_sim.sh EXE DATA_DIR WORK_DIR [ROWS=200000] [SCALE=10]
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXE="$(realpath "$1")" DATA="$(realpath -m "$2")" WORK="$(realpath -m "$3")" ROWS="${4:-200000}" SCALE="${5:-10}"
mkdir -p "$DATA" "$WORK"
CSV="$DATA/incremental-accounts-$ROWS.csv"
[[ -s $CSV ]] || python3 "$BENCH_DIR/gen_accounts.py" "$ROWS" "$CSV" --seed 11 >&2
SIM="$WORK/incremental"; rm -rf "$SIM"; mkdir -p "$SIM"
cp "$CSV" "$SIM/accounts.csv"

export ZRA_BENCH_CSV="$SIM/accounts.csv" ZRA_BENCH_WORK="$SIM" ZRA_BENCH_SCALE="$SCALE" ZRA_BENCH_TASK_DELAY=0.5
export ZRA_BENCH_POLL_MS="$(awk -v x="$SCALE" 'BEGIN { v = int(500 / x); print (v < 1 ? 1 : v) }')"
export ZRA_BENCH_POLL_MAX_MS="$(awk -v x="$SCALE" 'BEGIN { v = int(15000 / x); print (v < 2 ? 2 : v) }')"
CONFIG="$BENCH_DIR/configs/incremental.yaml"
"$EXE" crm register -c "$CONFIG" >"$SIM/register.out" 2>&1

# One run: exit code 0 or 1 (the generator plants bad rows) is a finished run.
sync_once() {
  local name=$1 rc=0
  /usr/bin/time -v -o "$SIM/$name.time" "$EXE" run -c "$CONFIG" --no-progress --report-dir "$SIM/reports-$name" \
    >"$SIM/$name.out" 2>"$SIM/$name.err" || rc=$?
  [[ $rc -le 1 ]] || { echo "incremental_sim.sh: run '$name' exited $rc (see $SIM/$name.err)" >&2; exit 1; }
}
report() {
  local name=$1
  python3 - "$SIM" "$name" "$SCALE" <<'PY'
import glob, json, math, re, sys
sim, name, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
summary = json.load(open(glob.glob(f"{sim}/reports-{name}/*/summary.json")[0]))
acc = summary["types"]["account"]
to_send = acc["new"] + acc["changed"] + acc["retried"]
bound = math.ceil(to_send / 2000)
times = open(f"{sim}/{name}.time").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", times).group(1).split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", times).group(1)) / 1024
print(f"{name}\tread {acc['read']}\tsent {acc['sent']}\tunchanged {acc['unchanged']}\t"
      f"import calls {acc['import_calls']} (bound {bound})\twall {secs:.1f} s real = {secs * scale / 60:.2f} min simulated"
      f"\tpeak RSS {rss:.0f} MB (sync + embedded sandbox)")
PY
}

sync_once first
report first
# Change 1% of the rows (every 100th account's name), keeping the file's quoting and line breaks.
python3 - "$SIM/accounts.csv" <<'PY'
import csv, sys
path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
for i in range(1, len(rows), 100):
    rows[i][1] = rows[i][1] + " (renamed)"
with open(path, "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows(rows)
PY
sync_once rerun
report rerun
