#!/usr/bin/env bash
# Keeps bench/run.sh working: runs it on tiny inputs with the zra-sync of the build under test (its own
# build dir is a temporary one whose bin/ links to the build's, so data and outputs stay temporary) and
# checks that it exits 0 and that its table has every expected row, none "failed", and every import-call
# row at its bound. The figures themselves are not judged (tiny inputs, maybe a sanitizer build).
# No network beyond 127.0.0.1 (the real run's standalone sandbox).
# Usage: bench_run_smoke_test.sh SOURCE_DIR BINARY_DIR
set -euo pipefail
src=${1:?SOURCE_DIR} bin_dir=${2:?BINARY_DIR}/bin
[[ -x $bin_dir/zra-sync ]] || { echo "FAIL: $bin_dir/zra-sync is not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# zra-sync finds its plugins next to the resolved /proc/self/exe, so the link keeps them found.
mkdir -p "$tmp/build" && ln -s "$bin_dir" "$tmp/build/bin"
show_logs() { cat "$tmp/err"; for f in "$tmp"/build/bench-work/*.err; do echo "--- $f"; tail -20 "$f"; done; }
rc=0
"$src/bench/run.sh" --no-build --build-dir "$tmp/build" --data-dir "$tmp/data" --rows 3000 --small-rows 2000 \
  --no-big --no-micro --no-profile --repeat 1 --ratelimit-records 4000 --realrun-rows 3000 \
  >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/out"
[[ $rc == 0 ]] || { show_logs; fail "bench/run.sh exited $rc"; }
table=$tmp/build/bench-work/table.tsv
[[ -s $table ]] || fail "bench/run.sh wrote no $table"

rc=0
python3 - "$table" "$tmp/out" <<'PY' || rc=$?
import sys
table_path, out_path = sys.argv[1], sys.argv[2]
rows = [line.rstrip("\n").split("\t") for line in open(table_path)][1:]
out = open(out_path).read()
errors = []
# The figure names the table must hold (prefixes), each the given number of times.
expected = {
    "dry run 3k rows, wall s": 2, "dry run 3k rows, CPU s": 2, "dry run / mlr: every run's wall s": 1,
    "peak RSS MB, 2k rows": 1, "peak RSS MB, 3k rows": 1, "import calls planned, 3k rows": 1,
    "ratelimit: import calls": 1, "ratelimit: simulated wall, min": 1, "ratelimit: API phase, min": 1,
    "ratelimit: wall, local work unscaled, min": 1, "ratelimit: LIGHT calls per import call": 1,
    "ratelimit: 429 answers": 1, "ratelimit: import calls, rerun with nothing changed": 1,
    "state: unchanged-vs-changed, s per 1M": 1, "ratelimit: peak RSS MB, sync + embedded sandbox": 1,
    "ratelimit: sandbox state file MB": 1, "real run peak RSS MB, 3k rows (standalone sandbox)": 1,
    "real run import calls, 3k rows": 1, "real run wall s, 3k rows": 1,
}
def names(figure, prefix):  # "ratelimit: import calls" names that row only, not the rerun's
    return figure == prefix or (figure.startswith(prefix + " ") and prefix != "ratelimit: import calls")
for prefix, count in expected.items():
    found = sum(1 for r in rows if names(r[0], prefix))
    if found != count:
        errors.append("expected %d row(s) '%s', found %d" % (count, prefix, found))
for r in rows:
    if len(r) != 6:
        errors.append("row without 6 cells: %r" % (r,))
    elif any("failed" in c for c in r):
        errors.append("row says failed: %r" % (r,))
    elif r[0].startswith("state:") and r[1] == "not measured":
        errors.append("row not measured: %r" % (r,))
# Every import-call row sits at its bound: ceil(valid / 2000) for a sync, 0 for the rerun.
import_rows = [r for r in rows if "import calls" in r[0] and "LIGHT" not in r[0]]
if len(import_rows) != 4:
    errors.append("expected 4 import-call rows, found %d" % len(import_rows))
for r in import_rows:
    want_target = "= 0" if "rerun" in r[0] else "= bound"
    want_base = "bound 0" if "rerun" in r[0] else "bound " + r[1]
    if r[4] != want_target or r[2] != want_base or r[5] != "yes":
        errors.append("import-call row not at its bound (%s ... yes expected): %r" % (want_target, r))
# The printed table is the same table.
for r in rows:
    if r[0] not in out:
        errors.append("row '%s' is not in the printed table" % r[0])
if errors:
    print("\n".join("FAIL: " + e for e in errors), file=sys.stderr)
    sys.exit(1)
print("PASS: %d rows, %d import-call rows at their bound" % (len(rows), len(import_rows)))
PY
[[ $rc == 0 ]] || { show_logs; fail "the table is not what bench/run.sh must print"; }
