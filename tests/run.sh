#!/usr/bin/env bash
# Run every test against the build in $1 (default build/): the cmocka unit
# tests through meson, then each numbered command-line script in tests/cli/.
# Ends with one line: "N passed, N failed[, N skipped]".
#   tests/run.sh [BUILDDIR] [PATTERN]   PATTERN picks cli scripts by name
#
# The cli scripts run against two backends: a pass on SQLite (each register
# a file), then a pass on PostgreSQL (each register a school of a trust on
# the run's server; lib.sh's new_db and dump). ASSETCTL_TEST_BACKEND picks:
#   unset    the full run: both passes; with a PATTERN, SQLite only
#   sqlite   the SQLite pass only;  pg  the PostgreSQL pass only;  both  both
# A script's header line "# backends: LIST" says where it runs:
#   # backends: sqlite   it reaches into the SQLite file (sqlite3 on it, file
#                        copies, faults in the file, WAL, modes...)
#   # backends: pg       a PostgreSQL counterpart of such a script
#   # backends: any      the register's backend is nothing to it (it makes
#                        no register with new_db, or sets up its own trust or
#                        server): it runs once, in the first pass of the run
# No line: "any" for a script that never calls new_db or that calls
# new_trust or pg_setup itself, else both. A script left out of a pass is
# listed as not run there, and is not counted.
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

if [ -z "$pattern" ] && [ "${ASSETCTL_TEST_BACKEND:-}" != pg ]; then
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

case ${ASSETCTL_TEST_BACKEND:-} in
  "") if [ -n "$pattern" ]; then passes="sqlite"; else passes="sqlite pg"; fi ;;
  sqlite|pg) passes=$ASSETCTL_TEST_BACKEND ;;
  both) passes="sqlite pg" ;;
  *) echo "ASSETCTL_TEST_BACKEND='$ASSETCTL_TEST_BACKEND': use sqlite, pg or both" >&2; exit 2 ;;
esac
first_pass=${passes%% *}

# the backends a script runs on: its "# backends:" line, else "any" for a
# script that makes no register or sets up its own trust or server
backends_of() {
  local b
  b=$(sed -n '1,20s/^# backends: *//p' "$1" | head -1)
  b=${b%%(*}
  if [ -z "$b" ] && { ! grep -qw new_db "$1" || grep -qwE 'new_trust|pg_setup' "$1"; }; then b=any; fi
  echo "${b:-sqlite pg}"
}

for pass in $passes; do
  [ "$passes" != "$pass" ] && echo "==== $pass pass"
  start=$SECONDS notrun=()
  for t in "$here"/cli/[0-9][0-9][0-9][0-9]-*.sh; do
    name=$(basename "$t" .sh)
    [ -n "$pattern" ] && [[ "$name" != *$pattern* ]] && continue
    b=" $(backends_of "$t") " backend=$pass
    if [[ "$b" == *" any "* ]]; then
      [ "$pass" = "$first_pass" ] || { notrun+=("$name (any backend: ran in the $first_pass pass)"); continue; }
      backend=""
    elif [[ "$b" != *" $pass "* ]]; then
      notrun+=("$name (backends:$b)"); continue
    fi
    echo "== $name${backend:+ [$backend]}"
    counts="$results/$name.$pass.counts"
    ASSETCTL_TEST_BACKEND=$backend RESULTS="$counts" bash "$t" 2>&1 | sed 's/^/  /'
    if [ -f "$counts" ]; then
      read -r p f s <"$counts"
    else
      p=0 f=1 s=0
      echo "  FAIL: $name ended without reporting (crashed?)"
    fi
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  done
  if [ "${#notrun[@]}" -gt 0 ]; then
    echo "== not run in the $pass pass:"
    printf '  %s\n' "${notrun[@]}"
  fi
  echo "==== $pass pass: $((SECONDS - start)) s"
done

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
