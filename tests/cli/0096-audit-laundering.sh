#!/usr/bin/env bash
# backends: sqlite pg (it sets up a second trust of its own on PostgreSQL)
# A row changed behind the tool's back (lib.sh's db_tamper: the sqlite3 shell
# on the file, or psql as the PostgreSQL cluster's superuser, which row-level
# security and the capture setting do not touch) is not laundered
# by the next honest write: every write checks the rows it changes against
# the hash their latest audit event recorded and refuses, naming the event
# and the row, leaving the register unchanged. `audit accept` records, as an
# event naming who decided and why, that the row stands as found; then
# writes work and the log verifies. audit verify also notices dropped or
# altered append-only triggers (on PostgreSQL also a disabled one, or its
# function made to let the change through).
. "$(dirname "$0")/lib.sh"
export ASSETCTL_NOW=2026-03-02T09:00:00Z
new_db
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 --location "Room 1" >/dev/null   # event 3, asset 1
"$A" asset add --make HP --model ProBook --serial H2 --location "Room 2" >/dev/null             # event 4, asset 2
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null                                         # event 5, person 1
"$A" person add --ref AB --name "Al Brown" >/dev/null                                          # event 6, person 2
"$A" person sign-aup JB --date 2026-03-01 >/dev/null                                           # event 7
"$A" asset edit TS-000002 --location "Room 3" >/dev/null                                       # event 8
# the register as the tool cannot change it: every table's rows
snapshot() { dump; }

db_tamper "UPDATE assets SET location = 'Shed' WHERE tag = 'TS-000001'"
check_err "verify sees the edit" 1 "event 3: assets row 1 was changed after it" "$A" audit verify
# a scan writes a scan row, not the asset: allowed (events 9, 10)
"$A" stocktake start Shed >/dev/null && "$A" stocktake scan TS-000001 >/dev/null
snapshot >"$T/before"
msg="cannot change asset 'TS-000001': the row differs from what audit event 3 recorded (edited outside assetctl?); see 'assetctl audit accept assets TS-000001'"
check_err "the next honest edit is refused, naming the event and the row" 1 "error: cannot edit 'TS-000001': $msg" \
  "$A" asset edit TS-000001 --location "Room 1"
check_err "... and so is any other write to it (a loan)" 1 "$msg" "$A" issue TS-000001 JB
check_err "... and finishing the stock-take (it marks the asset audited)" 1 "$msg" "$A" stocktake finish
snapshot >"$T/after"
check "the register is unchanged by the refusals" cmp -s "$T/before" "$T/after" || diff "$T/before" "$T/after" | head
check_err "verify still names the edit (nothing was laundered)" 1 "event 3: assets row 1 was changed after it" "$A" audit verify
check_out "a write to another row goes on" "TS-000002 updated" "$A" asset edit TS-000002 --location "Room 4"

# a row put back exactly as recorded needs no decision
db_tamper "UPDATE people SET name = 'Jo X' WHERE ref = 'JB'; UPDATE people SET name = 'Jo Bloggs' WHERE ref = 'JB'"
check_out "an edit undone with the shell is no change" "JB updated" "$A" person edit JB --email jo@school.example

# accepting the row as found
check_rc "accept needs --by" 2 "$A" audit accept assets TS-000001 --reason "moved"
check_rc "accept needs --reason" 2 "$A" audit accept assets TS-000001 --by "Ann Head"
check_err "accept names a covered table" 1 "cannot accept a row of 'audit_events': not a table the audit log covers" \
  "$A" audit accept audit_events 1 --by "Ann Head" --reason x
check_err "accept of an unknown row" 1 "cannot accept asset 'TS-000099': there is no such row" \
  "$A" audit accept assets TS-000099 --by "Ann Head" --reason x
check_err "accept of a row that matches" 1 "cannot accept asset 'TS-000002': it matches what audit event 11 recorded, nothing to accept" \
  "$A" audit accept assets TS-000002 --by "Ann Head" --reason x
check_out "accept records the decision" \
  "asset 'TS-000001' accepted as found (changed since audit event 3): audit event 13, decided by Ann Head" \
  "$A" audit accept assets ts-000001 --by "Ann Head" --reason "moved to the shed during the works; the record was late"
check_out "the event names who decided, why, and what it was" \
  'me|audit.accept|TS-000001|{"by":"Ann Head","found":"changed","previous_event":3,"reason":"moved to the shed during the works; the record was late","row":1,"table":"assets"}' \
  db_sql "SELECT 'me', action, subject, details FROM audit_events WHERE id = 13"
check_out "verify is ok again" "audit log intact: 13 events, head $(db_sql "SELECT hash FROM audit_events WHERE id = 13")" "$A" audit verify
check_out "and the write works" "TS-000001 updated" "$A" asset edit TS-000001 --location "Room 1"
check_out "the accept is in the asset's trail" "asset.add stocktake.scan audit.accept asset.edit" \
  sh -c "\"$A\" audit log TS-000001 --json | python3 -c 'import json,sys; print(\" \".join(e[\"action\"] for e in json.load(sys.stdin)))'"

# a row inserted, and a row deleted, behind the tool's back
db_tamper "INSERT INTO people(ref, name, created_at, updated_at) VALUES ('ZZ', 'Ghost', 'now', 'now')"
check_err "a write to an inserted row is refused" 1 \
  "cannot change person 'ZZ': the row has no audit event (inserted outside assetctl?); see 'assetctl audit accept people ZZ'" \
  "$A" person edit ZZ --name Casper
check_out "accepted (by record name)" "person 'ZZ' accepted as found (unrecorded): audit event 15, decided by Ann Head" \
  "$A" audit accept person ZZ --by "Ann Head" --reason "added by the office"
db_tamper "DELETE FROM people WHERE ref = 'AB'"
check_err "a deleted row: verify names it" 1 "event 6: people row 2 is gone" "$A" audit verify
check_out "accepted by row number" "person 2 accepted as found (gone since audit event 6): audit event 16, decided by Ann Head" \
  "$A" audit accept people 2 --by "Ann Head" --reason "left in 2025, removed by the office"
check_out "the log verifies" "audit log intact: 16 events" sh -c "\"$A\" audit verify | cut -d, -f1"

# a row of a register written under encoding 1, in a run (an import); on
# PostgreSQL the register moved into a trust of its own (its tag prefix is
# TS too) as a school (trust import keeps its rows, ids and chain), a login
# of that school's using it
cp "$ASSETCTL_SRCDIR/tests/data/registers/v0.1.0.db" "$T/old.db"
if pg_backend; then
  "$A" --db "$T/old.db" audit verify >/dev/null # brings its schema up to date
  new_trust && owner=$(trust_uri "$TRUST_OWNER") &&
    "$A" --db "$owner" trust init --name "Old Trust" >/dev/null &&
    "$A" --db "$owner" trust import --code OLD "$T/old.db" >/dev/null &&
    old=$(new_login old) &&
    "$A" --db "$owner" trust grant --db-role "$old" --school OLD --role technician >/dev/null
  old=$(trust_uri "$old")
  PG_DB=$TRUST_DB PG_SCHOOL=$(psql -qAtX -d "$TRUST_DB" -c "SELECT id FROM schools WHERE code = 'OLD'") \
    db_tamper "UPDATE people SET email = NULL WHERE ref = 'SJO'"
else
  old=$T/old.db
  sqlite3 "$old" "UPDATE people SET email = NULL WHERE ref = 'SJO'"
fi
check_err "encoding 1, a row inside a run: refused, naming the import's event" 1 \
  "cannot change person 'SJO': the row differs from what audit event 22 recorded" \
  env ASSETCTL_DB="$old" "$A" person edit SJO --name "S Jones"
check_out "an untouched row of the same run is written" "HT updated" env ASSETCTL_DB="$old" "$A" person edit HT --email ht@school.example

# the append-only triggers, on copies of the register
db_copy_base
db_copy && db_tamper "$(db_drop_trigger audit_events_no_delete audit_events)"
check_err "a dropped trigger is reported" 1 \
  "error: audit log broken: the append-only trigger 'audit_events_no_delete' is missing (dropped behind the tool's back): the log could be edited in place" \
  "$A" audit verify
if pg_backend; then
  altered="CREATE FUNCTION let_through() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN NEW; END\$\$;
    CREATE TRIGGER audit_rows_no_update BEFORE UPDATE ON audit_rows FOR EACH ROW EXECUTE FUNCTION let_through()"
else
  altered="CREATE TRIGGER audit_rows_no_update BEFORE UPDATE ON audit_rows BEGIN SELECT 1; END"
fi
db_copy && db_tamper "$(db_drop_trigger audit_rows_no_update audit_rows); $altered"
check_err "an altered trigger is reported" 1 \
  "error: audit log broken: the append-only trigger 'audit_rows_no_update' was altered behind the tool's back" \
  "$A" audit verify
if pg_backend; then
  db_copy && db_tamper "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"
  check_err "a disabled trigger is reported as altered" 1 \
    "error: audit log broken: the append-only trigger 'audit_events_no_update' was altered behind the tool's back" \
    "$A" audit verify
  db_copy && db_tamper "CREATE OR REPLACE FUNCTION assetctl_append_only() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog AS \$\$BEGIN RETURN NEW; END\$\$"
  check_err "the triggers' function made to let changes through is reported" 1 \
    "error: audit log broken: the append-only trigger 'audit_events_no_update' was altered behind the tool's back" \
    "$A" audit verify
fi
db_base
check_out "the register itself still verifies" "audit log intact: 16 events" sh -c "\"$A\" audit verify | cut -d, -f1"
done_testing
