#!/usr/bin/env bash
# backends: pg
# 0096 on PostgreSQL: a row changed behind the tool's back, by someone with
# the server's keys (psql as the cluster's superuser, which row-level
# security and the capture setting do not touch), is not laundered by the
# next honest write: every write checks the rows it changes against the
# hash their latest audit event recorded and refuses, naming the event and
# the row, leaving the register unchanged; `audit accept` records the
# decision. (0096's encoding-1 register and its dropped SQLite triggers are
# files: they stay there.)
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

done_testing
