#!/usr/bin/env bash
# audit verify against tampering behind the tool's back: with the sqlite3
# shell on the file, or on PostgreSQL by someone with the server's keys (psql
# as the cluster's superuser, not subject to row-level security); lib.sh's
# db_tamper. An edit, insert or delete in every covered table, the log's own
# triggers, a deleted or edited event, altered row hashes. Each case runs on
# a fresh copy of one register (db_copy), read by the tool as before.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_NOW=2026-01-05T09:00:00Z
new_db
"$A" asset add --make Dell --model "Latitude 5420" --serial ABC123 --location "Room 12" >/dev/null
"$A" asset add --make Apple --model iPad --serial DMPX1 >/dev/null
"$A" asset add-media TS-000001 --model "Samsung PM9A1" --serial S4EW --size 256060514304 --kind nvme >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" --email jo@school.example >/dev/null
"$A" person add --ref AB --name "Al Brown" >/dev/null
"$A" asset edit TS-000002 --location "Room 4" >/dev/null
printf 'serial,make,model\nIMP1,HP,ProBook\nIMP2,HP,ProBook\n' >"$T/imp.csv"
"$A" asset import "$T/imp.csv" >/dev/null
# events: 1-2 settings, 3-4 asset.add, 5 add-media, 6-7 person.add, 8 asset.edit, 9 asset.import
db_copy_base

head=$(db_sql "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
check_out "untouched register verifies: count and head hash" "audit log intact: 9 events, head $head" "$A" audit verify
check "the head hash is 64 hex digits" eval '[[ $head =~ ^[0-9a-f]{64}$ ]]'

# tamper SQL: copy the register, run SQL on the copy behind the tool's back
tamper() {
  db_copy || { echo "cannot copy the register" >"$T/sql.err"; sql_rc=0; return; }
  db_tamper "$1" >/dev/null 2>"$T/sql.err"
  sql_rc=$?
}
refused() { [ "$sql_rc" -ne 0 ] && grep -q "the audit log is append-only" "$T/sql.err"; }
broken() { # broken TITLE SQL MESSAGE
  tamper "$2"
  check_err "$1" 1 "error: audit log broken: $3" "$A" audit verify
}

broken "edit a setting" "UPDATE settings SET value = 'Other School' WHERE key = 'school'" \
  "event 1: settings row 1 was changed after it (edited behind the tool's back)"
broken "edit an asset" "UPDATE assets SET location = 'Skip' WHERE tag = 'TS-000001'" \
  "event 3: assets row 1 was changed after it (edited behind the tool's back)"
broken "edit an edited asset names its latest event" "UPDATE assets SET status = 'disposed' WHERE tag = 'TS-000002'" \
  "event 8: assets row 2 was changed after it (edited behind the tool's back)"
broken "edit an imported asset" "UPDATE assets SET serial = 'IMP9' WHERE serial = 'IMP2'" \
  "event 9: assets row 4 was changed after it (edited behind the tool's back)"
broken "edit a medium" "UPDATE media SET serial = 'OTHER' WHERE serial = 'S4EW'" \
  "event 5: media row 1 was changed after it (edited behind the tool's back)"
broken "edit a person" "UPDATE people SET leaving_date = NULL, aup_signed = '2024-01-01' WHERE ref = 'JB'" \
  "event 6: people row 1 was changed after it (edited behind the tool's back)"
broken "insert an asset" "INSERT INTO assets(tag, serial, make, model, created_at, updated_at) VALUES ('TS-000099', 'X', 'Y', 'Z', 'now', 'now')" \
  "assets row 5 has no audit event (inserted behind the tool's back)"
broken "insert a person" "INSERT INTO people(ref, name, created_at, updated_at) VALUES ('ZZ', 'Ghost', 'now', 'now')" \
  "people row 3 has no audit event (inserted behind the tool's back)"
broken "delete a person" "DELETE FROM people WHERE ref = 'AB'" \
  "event 7: people row 2 is gone (deleted behind the tool's back)"
broken "delete a medium" "DELETE FROM media" \
  "event 5: media row 1 is gone (deleted behind the tool's back)"

tamper "UPDATE audit_events SET actor = 'someone' WHERE id = 3"
check "UPDATE on the log is refused by its trigger" refused
check_rc "... and the log still verifies" 0 "$A" audit verify
tamper "DELETE FROM audit_events WHERE id = 9"
check "DELETE on the log is refused by its trigger" refused
tamper "DELETE FROM audit_rows"
check "DELETE on the row hashes is refused too" refused

broken "drop the trigger, delete an event in the middle" \
  "$(db_drop_trigger audit_events_no_delete audit_events); DELETE FROM audit_events WHERE id = 4" \
  "event 4 is missing (deleted from the log)"
broken "drop the trigger, edit an event's details" \
  "$(db_drop_trigger audit_events_no_update audit_events); UPDATE audit_events SET details = '{\"location\":\"Room 5\"}' WHERE id = 8" \
  "event 8 (asset.edit TS-000002): hash mismatch, the event was edited"
broken "drop the trigger, change an event's actor" \
  "$(db_drop_trigger audit_events_no_update audit_events); UPDATE audit_events SET actor = 'head' WHERE id = 2" \
  "event 2 (setting.set tag_prefix): hash mismatch, the event was edited"
broken "drop the trigger, alter a recorded row hash" \
  "$(db_drop_trigger audit_rows_no_update audit_rows); UPDATE audit_rows SET row_hash = '$(printf '0%.0s' $(seq 64))' WHERE event_id = 6" \
  "event 6: its row hashes were altered"
broken "drop the triggers, delete the last event and its rows" \
  "$(db_drop_trigger audit_events_no_delete audit_events); $(db_drop_trigger audit_rows_no_delete audit_rows); DELETE FROM audit_rows WHERE event_id = 9; DELETE FROM audit_events WHERE id = 9" \
  "assets row 3 has no audit event (inserted behind the tool's back)"
broken "drop the trigger, delete an event's row hashes" \
  "$(db_drop_trigger audit_rows_no_delete audit_rows); DELETE FROM audit_rows WHERE event_id = 7" \
  "event 7: its row hashes were altered"
broken "a forged event appended" \
  "INSERT INTO audit_events(id, time, actor, action, subject, details, rows_digest, prev_hash, hash) SELECT 10, time, actor, 'asset.edit', 'TS-000001', NULL, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', hash, hash FROM audit_events WHERE id = 9" \
  "event 10 (asset.edit TS-000001): hash mismatch, the event was edited"
done_testing
