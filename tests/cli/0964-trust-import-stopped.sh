#!/usr/bin/env bash
# trust import stopped half way: the server ends the import's connection
# (pg_terminate_backend, as a crash or an administrator would) while it
# copies the rows; the import fails with a clear error naming the server,
# and the trust holds no school row and no row of the new school: one
# transaction, nothing half-written. The same file imports cleanly after.
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

"$A" --db "$OWNER" trust import "$SRC" --code BIR >"$T/import.out" 2>"$T/import.err" &
imp=$!
# the import's backend, once it is copying the assets
pid=
for _ in $(seq 200); do
  pid=$(psql -qAtX -d "$TRUST_DB" -c "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
          AND usename = '$TRUST_OWNER' AND query LIKE 'INSERT INTO assets%' LIMIT 1")
  [ -n "$pid" ] && break
  kill -0 "$imp" 2>/dev/null || break
  sleep 0.05
done
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
done_testing
