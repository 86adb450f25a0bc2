#!/usr/bin/env bash
# assetctl demo --trust: its own throwaway PostgreSQL server (as the tests
# start theirs), two schools and a technician of each, the isolation shown
# through assetctl and psql, the trust-wide report; the server stopped and
# removed at the end, also when the demo is interrupted; without the
# server's programs it says what to install and exits 1.
. "$(dirname "$0")/lib.sh"

# DIR of "PREFIX DIR" in the demo's output ($T/.out)
said_dir() { sed -n "s|^$1 \\(/tmp/[^ )]*\\).*|\\1|p" "$T/.out" | head -1; }
# gone DIR: the directory is removed and no process runs from it
gone() { [ -n "$1" ] && [ ! -e "$1" ] && ! pgrep -f -- "$1" >/dev/null; }

run env ASSETCTL_PG_BINDIR=/nonexistent "$A" demo --trust --fast
check "without PostgreSQL's server it says what to install" \
  eval '[ "$rc" = 1 ] && [[ "$err" == *"install the Debian packages postgresql and postgresql-client"* ]]'
demo_dir=$(said_dir "assetctl demo --trust: a throwaway trust in")
check "... and leaves nothing behind" gone "$demo_dir"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v psql >/dev/null; then
  skip "demo --trust" "PostgreSQL's server is not installed"
  done_testing; exit
fi
# the demo's own server, not the suite's
unset PGHOST PGPORT PGUSER PGDATABASE

run "$A" demo --trust --fast
check "demo --trust runs to the end" eval '[ "$rc" = 0 ] && [[ "$out" == *"The demo is over."* ]]'
[ "$rc" = 0 ] || { echo "$out" | tail -20; echo "$err" | tail -5; }
check "two schools, a technician of each" \
  eval '[[ "$out" == *"oak_tech is a technician OAK"* ]] && [[ "$out" == *"elm_tech is a technician ELM"* ]]'
check "Oak's technician does not see Elm's asset" \
  eval '[[ "$err" == *"error: no asset '\''ELM-000001'\'' in the register (by tag or serial)"* ]]'
check "psql as Oak's technician sees Oak's three rows only" \
  eval '[ "$(grep -c "^ OAK-00000[123] |" "$T/.out")" = 3 ] && ! grep -q "^ ELM-" "$T/.out" && [[ "$out" == *"(3 rows)"* ]]'
check "... and changes none of Elm's" grep -qx "UPDATE 0" "$T/.out"
check "the compliance report of the whole trust" eval '[ "$(grep -c "^compliance report" "$T/.out")" -ge 1 ]'
check "each school's chain intact" eval '[ "$(grep -c "^audit log intact" "$T/.out")" = 2 ]'
if "$A" asset transfer --help >/dev/null 2>&1; then
  check "a transfer" grep -q "OAK-000003 moved to ELM" "$T/.out"
else
  check "no transfer in this build: the step skipped, said so" grep -q "no 'asset transfer' yet" "$T/.out"
fi
pg_dir=$(said_dir "(server started: PostgreSQL [^)]*), socket in")
check "the demo's server ran in its own directory" [ -n "$pg_dir" ]
check "... stopped and removed at the end" gone "$pg_dir"
check "... as is the demo's directory" gone "$(said_dir "assetctl demo --trust: a throwaway trust in")"

# interrupted once its server is up (SIGTERM: a background job of a script
# ignores SIGINT, which the demo handles the same way)
"$A" demo --trust --fast >"$T/.out" 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q "^(server started" "$T/.out" && break; sleep 0.1; done
pg_dir=$(said_dir "(server started: PostgreSQL [^)]*), socket in")
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
check "an interrupted demo exits non-zero" [ "$rc" != 0 ]
check "... its server stopped and removed" gone "$pg_dir"
done_testing
