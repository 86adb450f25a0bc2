#!/usr/bin/env bash
# A trust's schools kept apart by the database, through psql, for every
# table: two schools with a row of each in every register table; a
# technician of school A sees only A's rows, changes none of B's, cannot
# write a row of B, call the trust functions or rewrite the audit log; an
# auditor reads and never writes; the head authorises disposals; a
# trust-wide admin sees every school; a revoke ends access. Then the rules
# that are per school (references, badges, keys max+1), the append-only
# audit log and the before-image capture.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg-lib.sh"
if ! pg_setup; then
  skip "isolation of a trust's schools" "no PostgreSQL server could be started"
  done_testing; exit
fi
O="${PGDB}_owner"
check "the trust's schema" pg_trust
TA=$(pg_role ta) TB=$(pg_role tb) HA=$(pg_role ha) AU=$(pg_role au) ADM=$(pg_role adm)
sql "$O" "SELECT trust_school_add('AA', 'School A', 'AA'), trust_school_add('BB', 'School B', 'BB')" >/dev/null
for g in "$TA AA technician" "$TB BB technician" "$HA AA head" "$AU AA auditor"; do
  set -- $g
  sql "$O" "SELECT trust_grant('$1', '$2', '$3')" >/dev/null
done
check_out "a trust-wide admin granted by the owner" "" sql "$O" "SELECT trust_grant('$ADM', NULL, 'admin')"

# one row in every register table, the same values at both schools (keys,
# unique rules and foreign keys are per school)
fill=$(cat <<'SQL'
INSERT INTO settings (key, value) VALUES ('school', 'S');
INSERT INTO assets (id, tag, serial, make, model, created_at, updated_at) VALUES (1, 'T-000001', 'S1', 'Dell', 'M', 't', 't');
INSERT INTO media (id, asset_id, model, serial, size_bytes, kind, created_at) VALUES (1, 1, 'M', 'MS1', 1, 'ssd', 't');
INSERT INTO people (id, ref, name, created_at, updated_at) VALUES (1, 'P1', 'Ann', 't', 't');
INSERT INTO audit_events (id, time, actor, action, rows_digest, prev_hash, hash) VALUES (1, 't', 'a', 'x', 'd', 'p', 'h');
INSERT INTO audit_rows (event_id, tbl, row_id, row_hash) VALUES (1, 'assets', 1, 'h');
INSERT INTO loans (id, asset_id, person_id, issued_at) VALUES (1, 1, 1, 't');
INSERT INTO badges (id, badge, person_id) VALUES (1, 'B1', 1);
INSERT INTO stocktakes (id, room, started_at) VALUES (1, 'R', 't');
INSERT INTO stocktake_scans (id, stocktake_id, tag, asset_id, scanned_at) VALUES (1, 1, 'T-000001', 1, 't');
INSERT INTO incidents (id, asset_id, kind, details, happened_on, reported_at) VALUES (1, 1, 'lost', 'd', 't', 't');
INSERT INTO lost_property (id, description, found_on, hold_until) VALUES (1, 'd', 't', 't');
INSERT INTO checks (id, asset_id, kind, result, checked_on) VALUES (1, 1, 'pat', 'pass', 't');
INSERT INTO wipes (id, target, target_kind, medium_id, device, method, pass_list, verify, size_bytes, sector_size, started_at, outcome, operator, host, tool_version)
  VALUES (1, '/dev/x', 'block', 1, '{}', 'm', '[]', 'off', 1, 512, 't', 'erased', 'o', '{}', 'v');
INSERT INTO wipe_passes (id, wipe_id, idx, pattern, started_at) VALUES (1, 1, 1, '00', 't');
INSERT INTO wipe_digests (wipe_id, pass_idx, chunk_size, digests) VALUES (1, 1, 4194304, '\x00');
INSERT INTO keys (id, name, fingerprint, public_pem, created_at) VALUES (1, 'k', repeat('a', 64), 'pem', 't');
INSERT INTO disposal_requests (id, asset_id, reason, requested_by, requested_at) VALUES (1, 1, 'r', 'x', 't');
INSERT INTO authorisations (id, asset_id, request_id, person_id, name, role, authorised_at) VALUES (1, 1, 1, 1, 'n', 'head', 't');
INSERT INTO destructions (id, asset_id, method, performed_by, destroyed_at) VALUES (1, 1, 'shred', 'x', 't');
INSERT INTO certificates (id, cert_id, asset_id, method, outcome, json, json_sha256, signature, key_fingerprint, issued_at)
  VALUES (1, 'C1', 1, 'm', 'o', '\x7b7d', 'h', decode(repeat('00', 64), 'hex'), 'f', 't');
INSERT INTO consignments (id, consignment_id, firm, carrier_registration, manifest, manifest_sha256, signature, key_fingerprint, created_by, created_at)
  VALUES (1, 'CN1', 'f', 'c', '\x7b7d', 'h', decode(repeat('00', 64), 'hex'), 'f', 'x', 't');
INSERT INTO consignment_items (id, consignment_id, asset_id) VALUES (1, 1, 1);
INSERT INTO receipts (id, consignment_id, number, received_date, received_by, recorded_at) VALUES (1, 1, 'n', 't', 'x', 't');
INSERT INTO audit_checkpoints (id, events, head, statement, signature, key_fingerprint, created_at)
  VALUES (1, 1, 'h', '\x7b7d', decode(repeat('00', 64), 'hex'), 'f', 't');
INSERT INTO firms (id, name, updated_at) VALUES (1, 'Firm', 't');
INSERT INTO asset_waste_codes (id, asset_id, ewc_code, recorded_at) VALUES (1, 1, '16 02 14', 't');
INSERT INTO disposal_accounts (id, asset_id, recorded_at) VALUES (1, 1, 't');
INSERT INTO consignment_notes (id, consignment_id, notes, created_at) VALUES (1, 1, '\x7b7d', 't');
INSERT INTO wipe_firmware (wipe_id, method, state, record) VALUES (1, 'm', 'done', '{}');
SQL
)
check "the owner fills school A" sql_at "$O" 1 "$fill"
check "the owner fills school B with the same rows" sql_at "$O" 2 "$fill"
tables=$(sql "$O" "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'school_id' AND table_name <> 'grants' ORDER BY 1")
check_out "30 register tables" "30" sh -c "echo '$tables' | wc -l"
check_out "a row of each school in every table" "$(for t in $tables; do echo "$t|2|1"; done)" \
  sql "$O" "$(for t in $tables; do echo "SELECT '$t|' || count(*) || '|' || count(DISTINCT school_id) - 1 FROM $t UNION ALL"; done) SELECT NULL WHERE false" 
# psql -At joins with '|'
want_pipe() { for t in $tables; do echo "$t|$1"; done; }

# probe(SQL): runs SQL as the caller (not SECURITY DEFINER: the caller's
# privileges and row-level security apply) and says what happened: "N
# rows" or the error. A test helper, in the test's database only.
sql "$O" "CREATE FUNCTION probe(q text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n || ' rows';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLERRM;
END \$\$" >/dev/null
# for each table: probe its query (%1\$I is the table), one line "table|result"
probe_all() {
  local user=$1 school=$2 q=$3 list=${4:-$tables} sel
  sel="SELECT t || '|' || probe(format('$q', t, (SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position)
    FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = t AND c.column_name NOT IN ('rowid', 'school_id'))))
    FROM unnest(string_to_array('$(echo $list)', ' ')) t ORDER BY t"
  if [ -n "$school" ]; then sql_at "$user" "$school" "$sel"; else sql "$user" "$sel"; fi
}
# a copy of the row of school A as a row of school B (%2$s: the columns
# but rowid and school_id)
copy_to_b='INSERT INTO %1$I (%2$s, school_id) SELECT %2$s, 2 FROM %1$I WHERE school_id = 1'

# every table but the audit log's and the authorisations: a technician's
modifiable=$(echo "$tables" | grep -v -x -e audit_events -e audit_rows -e authorisations)
want_tech_write() {
  for t in $tables; do
    case $t in
      audit_events|audit_rows) echo "$t|permission denied for table $t" ;;
      authorisations) echo "$t|permission denied for table $t" ;;
      *) echo "$t|$1" ;;
    esac
  done
}

check_out "technician A, school set: sees A's row only, in every table" "$(want_pipe "1 rows")" \
  probe_all "$TA" 1 'SELECT * FROM %1$I'
check_out "technician A, school set: none of B's rows" "$(want_pipe "0 rows")" \
  probe_all "$TA" 1 'SELECT * FROM %1$I WHERE school_id <> 1'
check_out "technician A with psql, no school set: its own school only" "$(want_pipe "1 rows")" \
  probe_all "$TA" "" 'SELECT * FROM %1$I WHERE school_id = 1'
check_out "technician A with psql, no school set: nothing of B" "$(want_pipe "0 rows")" \
  probe_all "$TA" "" 'SELECT * FROM %1$I WHERE school_id = 2'
check_out "technician A naming school B: sees nothing" "$(want_pipe "0 rows")" \
  probe_all "$TA" 2 'SELECT * FROM %1$I'
check_out "technician A: UPDATE of B's rows changes none" "$(want_tech_write "0 rows")" \
  probe_all "$TA" 1 'UPDATE %1$I SET school_id = school_id WHERE school_id = 2'
check_out "technician A: DELETE of B's rows removes none" "$(want_tech_write "0 rows")" \
  probe_all "$TA" 1 'DELETE FROM %1$I WHERE school_id = 2'
want=$(for t in $tables; do
  case $t in authorisations) echo "$t|permission denied for table $t" ;;
    *) echo "$t|new row violates row-level security policy for table \"$t\"" ;; esac; done)
check_out "technician A: a row with school B's id refused in every table" "$want" probe_all "$TA" 1 "$copy_to_b"
check_out "technician A, without a school set: cannot write even school A" "$(want_tech_write "0 rows")" \
  probe_all "$TA" "" 'UPDATE %1$I SET school_id = school_id'
check_out "technician A: UPDATE of A's rows allowed" "$(for t in $modifiable; do echo "$t|1 rows"; done)" \
  probe_all "$TA" 1 'UPDATE %1$I SET school_id = school_id' "$modifiable"
check_err "technician A: the audit log cannot be rewritten" 1 "permission denied for table audit_events" \
  sql_at "$TA" 1 "UPDATE audit_events SET hash = 'x'"
check_err "technician A: nor deleted from" 1 "permission denied for table audit_rows" \
  sql_at "$TA" 1 "DELETE FROM audit_rows"
check_out "technician A: appends to school A's chain" "2" \
  sql_at "$TA" 1 "INSERT INTO audit_events (time, actor, action, rows_digest, prev_hash, hash) VALUES ('t', 'a', 'x', 'd', 'h', 'h2') RETURNING id"
check_err "technician A: cannot call trust_grant" 1 "permission denied for function trust_grant" \
  sql "$TA" "SELECT trust_grant('$TA', 'BB', 'technician')"
check_err "technician A: nor trust_school_add" 1 "permission denied for function trust_school_add" \
  sql "$TA" "SELECT trust_school_add('CC', 'C', 'CC')"
check_out "technician A: sees its own grant only, and its own school" "$TA|1|technician
AA" sql "$TA" "SELECT db_role || '|' || school_id || '|' || role FROM grants; SELECT code FROM schools"
check_err "technician A: cannot write grants directly" 1 "permission denied for table grants" \
  sql "$TA" "INSERT INTO grants VALUES ('$TA', 2, 'technician', 't', 'x')"

# authorisations of a disposal: the head's
check_err "technician A: may not authorise a disposal" 1 "permission denied for table authorisations" \
  sql_at "$TA" 1 "INSERT INTO authorisations (asset_id, person_id, name, role, authorised_at) VALUES (1, 1, 'n', 'r', 't')"
check_out "head A: authorises one (id max+1)" "2" \
  sql_at "$HA" 1 "INSERT INTO authorisations (asset_id, person_id, name, role, authorised_at) VALUES (1, 1, 'n', 'r', 't') RETURNING id"
check_err "head A: not at school B" 1 "new row violates row-level security policy for table \"authorisations\"" \
  sql_at "$HA" 1 "INSERT INTO authorisations (asset_id, person_id, name, role, authorised_at, school_id) VALUES (1, 1, 'n', 'r', 't', 2)"
check_out "head A: a technician's work too" "1" \
  sql_at "$HA" 1 "UPDATE assets SET notes = 'by the head' WHERE id = 1 RETURNING id"

# the auditor reads, never writes
check_out "auditor A: sees A's row in every table" "$(want_pipe "1 rows")" probe_all "$AU" "" 'SELECT DISTINCT school_id FROM %1$I WHERE school_id = 1'
check_out "auditor A: nothing of B" "$(want_pipe "0 rows")" probe_all "$AU" "" 'SELECT * FROM %1$I WHERE school_id = 2'
want=$(for t in $tables; do echo "$t|permission denied for table $t"; done)
check_out "auditor A: writes nothing, in any table" "$want" probe_all "$AU" 1 'UPDATE %1$I SET school_id = school_id'
check_out "auditor A: inserts nothing" "$want" probe_all "$AU" 1 "$copy_to_b"

# the trust-wide admin
check_out "admin: sees both schools in every table" "$(want_pipe "2 rows")" \
  probe_all "$ADM" "" 'SELECT DISTINCT school_id FROM %1$I'
check_out "admin naming school B: B's rows only" "$(want_pipe "1 rows")" \
  probe_all "$ADM" 2 'SELECT * FROM %1$I WHERE school_id = 2'
check_out "admin naming school B, all schools on: both" "2" \
  env PGOPTIONS="-c assetctl.school=2 -c assetctl.all_schools=on" psql -X -q -At -U "$ADM" -d "$PGDB" -c "SELECT count(*) FROM assets"
check_out "admin: writes at the school it names" "2" \
  sql_at "$ADM" 2 "UPDATE lost_property SET claimed_by = 'admin' RETURNING school_id"
check_out "admin: writes the trust's own chain (school 0)" "0|1" \
  sql_at "$ADM" 0 "INSERT INTO audit_events (time, actor, action, rows_digest, prev_hash, hash) VALUES ('t', 'a', 'grant', 'd', 'p', 'h') RETURNING school_id || '|' || id"
check_out "admin: sees every grant (the admin group role's own as well)" "6" sql "$ADM" "SELECT count(*) FROM grants"
check_out "admin: may add a school and grant" "3

3" \
  sql "$ADM" "SELECT trust_school_add('CC', 'School C', 'CC'); SELECT trust_grant('$TB', 'CC', 'auditor'); SELECT count(*) FROM schools"
check_out "technician B now sees schools BB and CC" "BB
CC" sql "$TB" "SELECT code FROM schools ORDER BY 1"

# revoke
check_out "admin revokes technician A" "" sql "$ADM" "SELECT trust_revoke('$TA', 'AA')"
check_err "technician A: no access any more, not even to connect (its only grant)" 2 "User does not have CONNECT privilege" sql_at "$TA" 1 "SELECT * FROM assets"
check_out "technician B: still a technician at BB" "1" sql_at "$TB" 2 "SELECT count(*) FROM assets"
check_out "admin revokes technician B's other role (auditor at CC)" "" sql "$ADM" "SELECT trust_revoke('$TB', 'CC')"
check_out "technician B sees BB only" "BB" sql "$TB" "SELECT code FROM schools"
check_out "and its membership of the auditor group goes with it" "false true" \
  sql "$O" "SELECT pg_has_role('$TB', '${PGDB}_auditor', 'MEMBER') || ' ' || pg_has_role('$TB', '${PGDB}_technician', 'MEMBER')"

# rules per school
check_err "a person's reference is unique within a school, whatever its case" 1 "duplicate key value violates unique constraint" \
  sql_at "$O" 1 "INSERT INTO people (ref, name, created_at, updated_at) VALUES ('p1', 'Other', 't', 't')"
check_out "the same reference at two schools (P1 at A and B)" "2" sql "$O" "SELECT count(*) FROM people WHERE ref = 'p1'"
check_out "a case-insensitive comparison, as SQLite's COLLATE NOCASE" "P1" sql "$O" "SELECT ref FROM people WHERE ref = 'p1' COLLATE nocase AND school_id = 1"
check_err "a badge is unique within a school, whatever its case" 1 "duplicate key value violates unique constraint" \
  sql_at "$O" 2 "INSERT INTO badges (badge, person_id) VALUES ('b1', 1)"
check_out "keys are max+1 within the school" "2
3
2" sql_at "$O" 1 "INSERT INTO stocktakes (room, started_at) VALUES ('R2', 't') RETURNING id; INSERT INTO stocktakes (room, started_at) VALUES ('R3', 't') RETURNING id; SET assetctl.school = '2'; INSERT INTO stocktakes (room, started_at) VALUES ('R2', 't') RETURNING id"
check_out "and rowid where there is no integer key" "2|2|2" \
  sql_at "$O" 2 "INSERT INTO settings (key, value) VALUES ('tag_prefix', 'BB') RETURNING school_id || '|' || rowid || '|' || (SELECT max(rowid) FROM settings WHERE school_id = 1) + 1"
check_out "rowid is the integer key" "t" sql "$O" "SELECT bool_and(rowid = id) FROM stocktakes"

# the audit log is append-only, for the owner too
for q in "UPDATE audit_events SET hash = 'x'" "DELETE FROM audit_events" "UPDATE audit_rows SET row_hash = 'x'" "DELETE FROM audit_rows" "TRUNCATE audit_rows"; do
  check_err "append-only: $q" 1 "the audit log is append-only" sql "$O" "$q"
done
check_err "a wipe's outcome is final" 1 "a wipe's outcome is final once recorded" sql_at "$O" 1 "UPDATE wipes SET outcome = 'failed'"

# the before-image capture: only with assetctl.capture on, only its own
check_out "no capture without assetctl.capture" "1
0" \
  sql_at "$TB" 2 "UPDATE assets SET notes = 'n1' RETURNING 1; SELECT count(*) FROM audit_before"
check_out "capture: the row as it was, in audit_before" "1
assets|1|n1|2
keys|1|k|2
0" sql_at "$TB" 2 "BEGIN; SET LOCAL assetctl.capture = 'on';
  UPDATE assets SET notes = 'n2' RETURNING 1; DELETE FROM keys;
  SELECT tbl || '|' || rowid || '|' || coalesce(row->>'notes', row->>'name') || '|' || (row->>'school_id') FROM audit_before ORDER BY seq;
  DELETE FROM audit_before; SELECT count(*) FROM audit_before; COMMIT"
check_out "capture: another connection sees none of it" "0" \
  sql_at "$TB" 2 "BEGIN; SET LOCAL assetctl.capture = 'on'; UPDATE assets SET notes = 'n3'; COMMIT; SELECT count(*) FROM audit_before WHERE pid <> pg_backend_pid()"

check_out "20,000 new ids in one statement: linear, not a scan per row (quadratic: about a minute)" "20001|20001" \
  sql_at "$TB" 2 "SET statement_timeout = '15s'; INSERT INTO assets (tag, serial, make, model, created_at, updated_at) SELECT 'BB-' || lpad(i::text, 6, '0'), 'N' || i, 'Dell', 'M', 't', 't' FROM generate_series(1, 20000) i; SELECT count(*) || '|' || max(id) FROM assets"

done_testing
