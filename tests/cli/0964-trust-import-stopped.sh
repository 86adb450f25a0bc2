#!/usr/bin/env bash
# trust import stopped half way: the server ends the import's connection
# (pg_terminate_backend, as a crash or an administrator would) while it
# copies the rows; the import fails with a clear error naming the server,
# and the trust holds no school row and no row of the new school: one
# transaction, nothing half-written. The same file imports cleanly after.
# Then the whole server stopped at once (pg_ctl -m immediate, a server the
# test starts itself) mid-import, and started again: the same.
. "$(dirname "$0")/lib.sh"
if ! need_pg; then
  skip "trust import stopped half way" "no PostgreSQL server for this run"
  done_testing; exit
fi
new_db
SRC=$ASSETCTL_DB
"$A" init --school "Birch School" --tag-prefix BIR >/dev/null
{ echo serial,make,model; seq -f 'S%06g,Dell,E1' 1 3000; } >"$T/assets.csv"
"$A" asset import "$T/assets.csv" >/dev/null
unset ASSETCTL_DB
new_trust || { check "a trust database" false; done_testing; exit; }
OWNER=$(trust_uri "$TRUST_OWNER")
"$A" --db "$OWNER" trust init --name "Oak Trust" >/dev/null
"$A" --db "$OWNER" trust school add --code OAK --name "Oak Primary" --tag-prefix OAK >/dev/null
"$A" --db "$OWNER" --school OAK asset add --make HP --model G1 --serial H1 >/dev/null
# every row of the trust, each table's count by school
counts() {
  psql -qAtX -d "$TRUST_DB" -c "SELECT 'schools', count(*) FROM schools UNION ALL SELECT 'grants', count(*) FROM grants" \
    -c "SELECT t, s, n FROM (SELECT 'assets' t, school_id s, count(*) n FROM assets GROUP BY 2 UNION ALL
        SELECT 'settings', school_id, count(*) FROM settings GROUP BY 2 UNION ALL
        SELECT 'audit_events', school_id, count(*) FROM audit_events GROUP BY 2 UNION ALL
        SELECT 'audit_rows', school_id, count(*) FROM audit_rows GROUP BY 2) x ORDER BY 1, 2"
}
counts >"$T/before"

# import_copying URI DB LOGIN: start `trust import` of $SRC as BIR in the
# background (its process: imp) and wait until its backend is copying the
# assets (that backend's pid: pid; empty if the import ended first)
import_copying() {
  "$A" --db "$1" trust import "$SRC" --code BIR >"$T/import.out" 2>"$T/import.err" &
  imp=$! pid=
  for _ in $(seq 200); do
    pid=$(psql -qAtX -d "$2" -c "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
            AND usename = '$3' AND query LIKE 'INSERT INTO assets%' LIMIT 1")
    [ -n "$pid" ] && break
    kill -0 "$imp" 2>/dev/null || break
    sleep 0.05
  done
}
import_copying "$OWNER" "$TRUST_DB" "$TRUST_OWNER"
check "the import was caught copying" [ -n "$pid" ]
[ -n "$pid" ] && psql -qAtX -d "$TRUST_DB" -c "SELECT pg_terminate_backend($pid)" >/dev/null
wait "$imp"
rc=$?
check "the import fails" [ "$rc" = 1 ]
check "... with an error naming the file, the table and the server" \
  grep -q "^error: cannot import '$SRC': cannot copy the table '[a-z_]*': lost the connection to the server '$PGHOST:$PGPORT/$TRUST_DB': " \
  "$T/import.err" || cat "$T/import.err"
check "... and prints no success" [ ! -s "$T/import.out" ]
counts >"$T/after"
check "no school row, no row of the new school: the trust is as before" cmp -s "$T/before" "$T/after" || diff "$T/before" "$T/after"
check_out "no school BIR" "OAK" sh -c "'$A' --db '$OWNER' trust school list --csv | sed 1d | cut -d, -f1"
check_out "the trust's chain verifies" "audit log intact" sh -c "'$A' --db '$OWNER' audit verify | cut -d: -f1"
check_out "OAK's chain verifies" "audit log intact" sh -c "'$A' --db '$OWNER' --school OAK audit verify | cut -d: -f1"
check_out "the same file imports cleanly after" "3012 rows" \
  sh -c "'$A' --db '$OWNER' trust import '$SRC' --code BIR | sed 's/.*: \([0-9]* rows\).*/\1/'"
check_out "... its chain at the file's head" "$("$A" --db "$SRC" audit verify)" "$A" --db "$OWNER" --school BIR audit verify

# the whole server stopped mid-import: a server of this test's own
RUN_ENV=("$PGHOST" "$PGPORT" "$PGUSER")
. "$ASSETCTL_SRCDIR/tests/pg/server.sh"
if ! pg_server_start 2>"$T/own.err"; then
  check "a server of the test's own" false
  cat "$T/own.err"
else
  OWN=$PG_SERVER_DIR
  trap 'pg_server_stop "$OWN"; PGHOST=${RUN_ENV[0]} PGPORT=${RUN_ENV[1]} PGUSER=${RUN_ENV[2]}; _drop_trusts; cleanup' EXIT
  DB=own_trust
  # what was committed before the stop must survive it, as on a real
  # server: the test servers' synchronous_commit = off loses the last
  # commits to an immediate stop (the trust's first event, written just
  # before an import that now starts copying within a few milliseconds)
  psql -qAtX -v ON_ERROR_STOP=1 -d postgres -c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" >/dev/null
  psql -qAtX -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE ${DB}_owner LOGIN CREATEROLE" -c "CREATE DATABASE $DB OWNER ${DB}_owner" >/dev/null
  U="postgresql:///$DB?host=$PGHOST&port=$PGPORT&user=${DB}_owner"
  "$A" --db "$U" trust init --name "Own Trust" >/dev/null
  import_copying "$U" "$DB" "${DB}_owner"
  check "the import was caught copying" [ -n "$pid" ]
  [ -n "$pid" ] && pg_as_owner "$(pg_bindir)/pg_ctl" -D "$OWN/data" -m immediate -w stop >/dev/null 2>&1
  wait "$imp"
  rc=$?
  check "the server stopped: the import fails" [ "$rc" = 1 ]
  check "... with an error naming the file and the server" \
    grep -q "^error: cannot import '$SRC': .*the server '$OWN:$PGPORT/$DB'" "$T/import.err" || cat "$T/import.err"
  check "... and prints no success" [ ! -s "$T/import.out" ]
  pg_as_owner "$(pg_bindir)/pg_ctl" -D "$OWN/data" -l "$OWN/server.log" -w -t 30 start >/dev/null 2>&1
  check_out "started again: no school row" "0" psql -qAtX -d "$DB" -c "SELECT count(*) FROM schools"
  check_out "... no row of any school" "0|0|0|0" psql -qAtX -d "$DB" -c "SELECT (SELECT count(*) FROM assets),
    (SELECT count(*) FROM settings WHERE school_id <> 0), (SELECT count(*) FROM audit_events WHERE school_id <> 0),
    (SELECT count(*) FROM audit_rows WHERE school_id <> 0)"
  check_out "the trust's chain verifies" "audit log intact" sh -c "'$A' --db '$U' audit verify | cut -d: -f1"
  check_out "the import runs again, whole" "3012 rows" \
    sh -c "'$A' --db '$U' trust import '$SRC' --code BIR | sed 's/.*: \([0-9]* rows\).*/\1/'"
fi
done_testing
