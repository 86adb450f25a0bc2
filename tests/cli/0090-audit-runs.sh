#!/usr/bin/env bash
# The audit log records the rows an import writes at consecutive rowids as
# one audit_rows entry (a run) holding every row's hash: `audit verify`
# still names the import event when any one of those rows is edited or
# deleted behind the tool's back, a row inserted after them has no event,
# and an altered run breaks its event. `audit log TAG` still finds an
# imported asset's import event. The changes are made behind the tool's back
# on copies of the register (lib.sh's db_copy and db_tamper: the sqlite3
# shell on a copy of the file, or psql as the PostgreSQL cluster's superuser
# in a copy of the trust's database).
. "$(dirname "$0")/lib.sh"
export ASSETCTL_NOW=2026-01-05T09:00:00Z
new_db
cd "$T" || exit 1
"$A" asset add --make Dell --model "Latitude 5420" --serial ABC123 >/dev/null
{
  echo 'serial,make,model,location'
  for i in 1 2 3 4 5 6 7 8; do echo "R$i,HP,ProBook,Room $i"; done
} >"$T/run.csv"
check_out "an import of 8 rows" "run.csv: 8 assets added" "$A" asset import run.csv
"$A" asset add --make Apple --model iPad --serial DMPX1 >/dev/null
# events: 1-2 settings, 3 asset.add (row 1), 4 asset.import (rows 2-9), 5 asset.add (row 10)
check_out "the import's 8 rows are one audit_rows entry" "4|assets|2|8|512" \
  db_sql "SELECT event_id, tbl, row_id, n_rows, length(row_hash) FROM audit_rows WHERE event_id = 4"
if pg_backend; then nonhex="row_hash ~ '[^0-9a-f]'"; else nonhex="row_hash GLOB '*[^0-9a-f]*'"; fi
check_out "its hashes are each row's hash, in rowid order" "0" \
  db_sql "SELECT count(*) FROM audit_rows WHERE n_rows > 1 AND $nonhex"
check_rc "untouched register verifies" 0 "$A" audit verify
check_out "audit log of an imported asset names the import" "asset.import" \
  sh -c "\"$A\" audit log TS-000005 --json | jq -r '.[].action'"
"$A" asset edit TS-000005 --location "Room 40" >/dev/null
check_out "... and its later edit" "asset.import
asset.edit" sh -c "\"$A\" audit log TS-000005 --json | jq -r '.[].action'"
check_rc "an edit through the tool verifies" 0 "$A" audit verify
db_copy_base

broken() { # broken TITLE SQL MESSAGE: on a copy of the register
  db_copy && db_tamper "$2" >/dev/null
  check_err "$1" 1 "error: audit log broken: $3" "$A" audit verify
}
broken "edit the first imported row" "UPDATE assets SET notes = 'x' WHERE id = 2" \
  "event 4: assets row 2 was changed after it (edited behind the tool's back)"
broken "edit a row in the middle of the run" "UPDATE assets SET serial = 'R99' WHERE id = 4" \
  "event 4: assets row 4 was changed after it (edited behind the tool's back)"
broken "edit the last imported row" "UPDATE assets SET status = 'disposed' WHERE id = 9" \
  "event 4: assets row 9 was changed after it (edited behind the tool's back)"
broken "an imported row edited by the tool later names the later event" "UPDATE assets SET model = 'x' WHERE id = 5" \
  "event 6: assets row 5 was changed after it (edited behind the tool's back)"
broken "delete a row in the middle of the run" "DELETE FROM assets WHERE id = 6" \
  "event 4: assets row 6 is gone (deleted behind the tool's back)"
broken "delete the last imported row" "DELETE FROM assets WHERE id = 9" \
  "event 4: assets row 9 is gone (deleted behind the tool's back)"
broken "insert a row" "INSERT INTO assets(tag, serial, make, model, created_at, updated_at) VALUES ('TS-000099', 'X', 'Y', 'Z', 'now', 'now')" \
  "assets row 11 has no audit event (inserted behind the tool's back)"
broken "alter one hash in the run" \
  "$(db_drop_trigger audit_rows_no_update audit_rows); UPDATE audit_rows SET row_hash = substr(row_hash, 1, 64) || '$(printf '0%.0s' $(seq 64))' || substr(row_hash, 129) WHERE event_id = 4" \
  "event 4: its row hashes were altered"
broken "shorten the run" \
  "$(db_drop_trigger audit_rows_no_update audit_rows); UPDATE audit_rows SET n_rows = 7, row_hash = substr(row_hash, 1, 448) WHERE event_id = 4" \
  "event 4: its row hashes were altered"
broken "a run longer than its hashes" \
  "$(db_drop_trigger audit_rows_no_update audit_rows); UPDATE audit_rows SET n_rows = 1000000000 WHERE event_id = 4" \
  "event 4: its row hashes were altered"
# the event's digest covers each row's hash, not how the entries store them
if pg_backend; then
  trigger="CREATE TRIGGER audit_rows_no_delete BEFORE DELETE ON audit_rows FOR EACH ROW EXECUTE FUNCTION assetctl_append_only()"
else
  trigger="CREATE TRIGGER audit_rows_no_delete BEFORE DELETE ON audit_rows
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
fi
eight="SELECT 0 AS k$(printf ' UNION ALL SELECT %s' 1 2 3 4 5 6 7)"
db_copy && db_tamper "$(db_drop_trigger audit_rows_no_delete audit_rows); INSERT INTO audit_rows(event_id, tbl, row_id, row_hash) SELECT 4, 'assets', row_id + k, substr(row_hash, 64 * k + 1, 64) FROM audit_rows, ($eight) AS ks WHERE event_id = 4 AND n_rows = 8; DELETE FROM audit_rows WHERE event_id = 4 AND n_rows = 8; $trigger"
check_rc "the run rewritten as 8 single entries with the same hashes still verifies" 0 "$A" audit verify
db_tamper "$(db_drop_trigger audit_rows_no_update audit_rows); UPDATE audit_rows SET row_hash = '$(printf '0%.0s' $(seq 64))' WHERE event_id = 4 AND row_id = 5"
check_err "... and one of them altered breaks event 4" 1 "error: audit log broken: event 4: its row hashes were altered" "$A" audit verify

# a Snipe-IT import with checkouts writes loans between the assets and
# audits each issued asset twice: runs break and resume, and it verifies
db_base
"$A" person add --ref jb --name "Jo Bloggs" >/dev/null
printf '%s\n' 'Asset Tag,Serial Number,Manufacturer,Model Name,Status,Checked Out To: Username' \
  'TS-000101,S1,Dell,Latitude,Deployed,jb' 'TS-000102,S2,Dell,Latitude,Ready to Deploy,' \
  'TS-000103,S3,Dell,Latitude,Ready to Deploy,' 'TS-000104,S4,Dell,Latitude,Deployed,jb' >"$T/snipe.csv"
check_out "an import with checkouts" "snipe.csv: 4 assets added" "$A" asset import snipe.csv
check_rc "... verifies" 0 "$A" audit verify
broken "an issued imported asset edited names the import" "UPDATE assets SET status = 'in_stock' WHERE tag = 'TS-000101'" \
  "event 8: assets row 11 was changed after it (edited behind the tool's back)"
done_testing
