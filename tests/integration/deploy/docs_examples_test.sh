#!/usr/bin/env bash
# Runs every config of docs/examples/ the way docs/user-guide.md does, on a copy in a temporary
# directory, and checks the outcome the guide promises. No network beyond 127.0.0.1.
# Usage: docs_examples_test.sh SOURCE_DIR ZRA_SYNC_EXE dry-run|sync
#   dry-run: every config maps, validates and plans (no HTTP at all);
#   sync:    the guide's sandbox syncs (embedded and standalone), their reports and the metrics file.
set -euo pipefail
src=${1:?SOURCE_DIR} exe=${2:?ZRA_SYNC_EXE} mode=${3:?dry-run or sync}
[[ -x $exe ]] || { echo "FAIL: $exe is not built" >&2; exit 1; }
tmp=$(mktemp -d)
sandbox_pid=
cleanup() {
  if [[ -n $sandbox_pid ]]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$src/docs/examples" "$tmp/examples"
fs=$tmp/examples/first-sync

# Runs zra-sync, expecting exit code $1; the output is kept in $tmp/out.
expect_exit() {
  local want=$1 got=0
  shift
  "$exe" "$@" >"$tmp/out" 2>&1 || got=$?
  [[ $got == "$want" ]] || { cat "$tmp/out"; fail "zra-sync $* exited $got, expected $want"; }
}
# The one run directory under a --report-dir used by a single run.
only_report() {
  local dirs=("$1"/*/)
  [[ ${#dirs[@]} == 1 && -d ${dirs[0]} ]] || fail "expected one run report in $1, found: ${dirs[*]}"
  echo "${dirs[0]}"
}
summary_value() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d" + sys.argv[2]))' "$1" "$2"; }

check_first_run_report() {
  local dir=$1
  local sum=$dir/summary.json
  local t want
  for t in account:3 contact:3 deal:2 lead:2; do
    want=${t#*:}
    t=${t%:*}
    [[ $(summary_value "$sum" "['types']['$t']['confirmed']") == "$want" ]] || fail "$t: expected $want confirmed in $sum"
  done
  grep -q '^deal,D-902,exports,deals,deals.csv:4,validation,stage,' "$dir/errors.csv" \
    || { cat "$dir/errors.csv"; fail "errors.csv does not name deal D-902 (deals.csv:4, validation, stage)"; }
}

dry_run_examples() {
  echo "== first-sync/sync-zoom.yaml (dry run: sends nothing, needs no network)"
  ZOOM_ACCOUNT_ID=acct ZOOM_CLIENT_ID=client ZOOM_CLIENT_SECRET=not-a-real-secret \
    expect_exit 1 run -c "$fs/sync-zoom.yaml" --dry-run --no-progress
  grep -qi "import calls" "$tmp/out" || { cat "$tmp/out"; fail "the dry run printed no plan"; }
  (
    unset ZOOM_ACCOUNT_ID ZOOM_CLIENT_ID ZOOM_CLIENT_SECRET
    expect_exit 2 run -c "$fs/sync-zoom.yaml" --dry-run --no-progress    # without the credentials: config error
    grep -q "ZOOM_" "$tmp/out" || { cat "$tmp/out"; fail "the missing variable is not named"; }
  )

  echo "== systemd/sync.yaml (its /var/lib/zra-sync paths moved into the temporary directory)"
  sd=$tmp/examples/systemd
  mkdir -p "$tmp/var/exports" && cp "$fs"/data/*.csv "$tmp/var/exports/" && cp -r "$fs/mappings" "$sd/"
  sed -i "s|/var/lib/zra-sync|$tmp/var|g" "$sd/sync.yaml"
  ZOOM_ACCOUNT_ID=acct ZOOM_CLIENT_ID=client ZOOM_CLIENT_SECRET=not-a-real-secret \
    expect_exit 1 run -c "$sd/sync.yaml" --dry-run --no-progress
  # The guide's own first step: the embedded-sandbox config plans without a registration.
  expect_exit 1 run -c "$fs/sync-sandbox.yaml" --dry-run --no-progress
  grep -qi "import calls" "$tmp/out" || { cat "$tmp/out"; fail "the dry run printed no plan"; }
}

sync_examples() {
  echo "== first-sync/sync-sandbox.yaml (embedded sandbox)"
  expect_exit 0 crm register -c "$fs/sync-sandbox.yaml"
  expect_exit 1 run -c "$fs/sync-sandbox.yaml" --dry-run --no-progress
  grep -qi "import calls" "$tmp/out" || { cat "$tmp/out"; fail "the dry run printed no plan"; }
  expect_exit 1 run -c "$fs/sync-sandbox.yaml" --no-progress --report-dir "$tmp/r1"
  check_first_run_report "$(only_report "$tmp/r1")"
  expect_exit 1 run -c "$fs/sync-sandbox.yaml" --no-progress --report-dir "$tmp/r2"   # nothing changed: nothing sent
  for t in account contact deal lead; do
    [[ $(summary_value "$(only_report "$tmp/r2")summary.json" "['types']['$t']['sent']") == 0 ]] \
      || fail "second run sent $t records although nothing changed"
  done

  echo "== first-sync/sync-local.yaml (standalone sandbox)"
  "$exe" sandbox --port 0 >"$tmp/sandbox.out" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 1 100); do grep -q "base_url:" "$tmp/sandbox.out" && break; sleep 0.1; done
  base=$(sed -n 's/^ *base_url: *//p' "$tmp/sandbox.out")
  [[ $base == http://127.0.0.1:*/v2 ]] || { cat "$tmp/sandbox.out"; fail "the sandbox printed no base_url"; }
  port=${base#http://127.0.0.1:}
  port=${port%/v2}
  sed -i "s/127.0.0.1:9480/127.0.0.1:$port/g" "$fs/sync-local.yaml"
  (
    unset ZOOM_ACCOUNT_ID ZOOM_CLIENT_ID ZOOM_CLIENT_SECRET
    expect_exit 0 crm register -c "$fs/sync-local.yaml"
    expect_exit 1 run -c "$fs/sync-local.yaml" --no-progress --report-dir "$tmp/r3"
    expect_exit 0 get deal D-900 -c "$fs/sync-local.yaml"
    grep -q "D-900" "$tmp/out" || { cat "$tmp/out"; fail "get deal D-900 did not show it"; }
  )
  check_first_run_report "$(only_report "$tmp/r3")"
  [[ -s $fs/reports/zra-sync.prom ]] || fail "report.metrics_file was not written"
}

case $mode in
  dry-run) dry_run_examples ;;
  sync) sync_examples ;;
  *) fail "unknown mode '$mode' (dry-run or sync)" ;;
esac
echo "PASS"
