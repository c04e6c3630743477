#!/usr/bin/env bash
# Runs the Dockerfile's build steps the way CI can without Docker: deploy/docker-build-steps.sh ci, reusing
# the already built tree ZRA_BUILD_DIR, installing into a temporary prefix and checking that prefix has
# a working zra-sync whose every shared library comes from the image's runtime packages. Then shows the
# check fails for a binary that needs a library no runtime package brings.
# Usage: docker_build_steps_test.sh SOURCE_DIR BUILD_DIR EXPECTED_VERSION
set -euo pipefail
src=${1:?SOURCE_DIR} build=${2:?BUILD_DIR} version=${3:?EXPECTED_VERSION}
steps=$src/deploy/docker-build-steps.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

ZRA_BUILD_DIR=$build bash "$steps" ci "$src" "$tmp/prefix" >"$tmp/ci.log" 2>&1 || { cat "$tmp/ci.log"; fail "the ci step failed"; }
cat "$tmp/ci.log"
grep -q "runtime OK" "$tmp/ci.log" || fail "the ci step did not run the runtime check"

out=$("$tmp/prefix/bin/zra-sync" --version)
[[ $out == "zra-sync $version" ]] || fail "installed zra-sync --version printed '$out', expected 'zra-sync $version'"
for p in csv odbc rest; do
  [[ -f $tmp/prefix/lib/zra-sync/plugins/lib$p.so ]] || fail "built-in plugin lib$p.so not installed under lib/zra-sync/plugins"
done
[[ -f $tmp/prefix/share/zra-sync/examples/demo/sync.yaml ]] || fail "demo data not installed"

# The check must be able to fail: a "zra-sync" that links libreadline, which no runtime package brings.
mkdir -p "$tmp/bad/bin"
cp /usr/bin/sqlite3 "$tmp/bad/bin/zra-sync"
if bash "$steps" check-runtime "$tmp/bad" >"$tmp/bad.log" 2>&1; then
  cat "$tmp/bad.log"; fail "check-runtime accepted a binary with an unlisted library"
fi
grep -q "libreadline.so.8 comes from 'libreadline8', which no runtime package brings" "$tmp/bad.log" \
  || { cat "$tmp/bad.log"; fail "check-runtime did not name the unlisted library and its package"; }
grep -q "not 'zra-sync X.Y.Z'" "$tmp/bad.log" || { cat "$tmp/bad.log"; fail "check-runtime did not check --version"; }
echo "PASS"
