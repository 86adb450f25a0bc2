#!/usr/bin/env bash
# Run every test against the build in $1 (default build/): the cmocka unit
# tests through meson, then each numbered command-line script in tests/cli/.
# Ends with one line: "N passed, N failed[, N skipped]".
#   tests/run.sh [BUILDDIR] [PATTERN]   PATTERN picks cli scripts by name
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
builddir=$(cd "${1:-$top/build}" && pwd)
pattern=${2:-}
export ASSETCTL="$builddir/assetctl"
export ASSETCTL_BUILDDIR="$builddir"
export ASSETCTL_SRCDIR="$top"
results=$(mktemp -d /tmp/assetctl-results.XXXXXX)
trap 'pg_server_stop; rm -rf "$results"' EXIT
passed=0 failed=0 skipped=0

# One PostgreSQL server for the whole run (tests/pg/server.sh), for the
# engine's unit test and the trust scripts: each makes its own database on
# it. Installed but not starting is a failure; not installed, those tests
# report skipped.
. "$here/pg/server.sh"
unset ASSETCTL_TEST_PG
if pg_bindir >/dev/null; then
  if pg_server_start 2>"$results/pg-start.log"; then
    export ASSETCTL_TEST_PG=1
  else
    echo "FAIL: PostgreSQL is installed but the test server did not start:"
    sed 's/^/  /' "$results/pg-start.log"
    failed=$((failed + 1))
  fi
fi

if [ -z "$pattern" ]; then
  echo "== unit tests"
  meson test -C "$builddir" --no-rebuild --print-errorlogs >"$results/meson.log" 2>&1
  grep -E '^ *[0-9]+/[0-9]+ ' "$results/meson.log" | sed 's/^ */  /'
  ok=$(sed -nE 's/^Ok: +([0-9]+).*/\1/p' "$results/meson.log")
  bad=$(sed -nE 's/^Fail: +([0-9]+).*/\1/p' "$results/meson.log")
  to=$(sed -nE 's/^Timeout: +([0-9]+).*/\1/p' "$results/meson.log")
  sk=$(sed -nE 's/^Skipped: +([0-9]+).*/\1/p' "$results/meson.log")
  if [ -z "$ok" ]; then cat "$results/meson.log"; failed=$((failed + 1)); fi
  passed=$((passed + ${ok:-0})); failed=$((failed + ${bad:-0} + ${to:-0})); skipped=$((skipped + ${sk:-0}))
  [ "${bad:-0}" != 0 ] || [ "${to:-0}" != 0 ] && grep -B2 -A40 -E 'FAIL|TIMEOUT' "$results/meson.log" | head -200
fi

for t in "$here"/cli/[0-9][0-9][0-9][0-9]-*.sh; do
  name=$(basename "$t" .sh)
  [ -n "$pattern" ] && [[ "$name" != *$pattern* ]] && continue
  echo "== $name"
  RESULTS="$results/$name.counts" bash "$t" 2>&1 | sed 's/^/  /'
  if [ -f "$results/$name.counts" ]; then
    read -r p f s <"$results/$name.counts"
  else
    p=0 f=1 s=0
    echo "  FAIL: $name ended without reporting (crashed?)"
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
