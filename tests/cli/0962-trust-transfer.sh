#!/usr/bin/env bash
# asset transfer: an asset and its media move between two schools of a
# trust in one transaction; the source keeps it as `transferred`, the
# destination registers it under its own tag; three events (each school's
# and the trust's), every chain verifying; the refusals; each school's
# technician sees only its own row.
. "$(dirname "$0")/lib.sh"

new_db
"$A" init --school "Oak" --tag-prefix OAK >/dev/null
"$A" asset add --make Dell --model E1 --serial S1 >/dev/null
check_err "a SQLite register refuses" 1 \
  "'asset transfer' needs a trust's PostgreSQL database" "$A" asset transfer OAK-000001 --to-school ELM
unset ASSETCTL_DB

if ! need_pg; then
  skip "asset transfer on PostgreSQL" "no PostgreSQL server for this run"
  done_testing; exit
fi
new_trust || { check "a trust database" false; done_testing; exit; }
OWNER=$(trust_uri "$TRUST_OWNER")
"$A" --db "$OWNER" trust init --name "Oak Trust" >/dev/null
"$A" --db "$OWNER" trust school add --code OAK --name "Oak Primary" --tag-prefix OAK >/dev/null
"$A" --db "$OWNER" trust school add --code ELM --name "Elm Academy" --tag-prefix ELM >/dev/null
TA=$(new_login tech_oak) TB=$(new_login tech_elm) ADM=$(new_login it_manager)
"$A" --db "$OWNER" trust grant --db-role "$TA" --school OAK --role technician >/dev/null
"$A" --db "$OWNER" trust grant --db-role "$TB" --school ELM --role technician >/dev/null
"$A" --db "$OWNER" trust grant --db-role "$ADM" --trust-wide --role admin >/dev/null
UA=$(trust_uri "$TA") UB=$(trust_uri "$TB") UM=$(trust_uri "$ADM")

# OAK: three assets (one with a disk and notes, one to lend, one to dispose of); ELM: one
"$A" --db "$UA" asset add --make Dell --model E1 --serial S1 --location "Room 6" --notes "bought for Year 6" >/dev/null
"$A" --db "$UA" asset add-media OAK-000001 --model WD1 --serial D1 --size 256060514304 --kind ssd >/dev/null
"$A" --db "$UA" asset add --make Dell --model E1 --serial S2 >/dev/null
"$A" --db "$UA" asset add --make Dell --model E1 --serial S3 >/dev/null
"$A" --db "$UA" person add --ref P1 --name "Ann Smith" >/dev/null
"$A" --db "$UA" person sign-aup P1 >/dev/null
"$A" --db "$UA" issue OAK-000002 P1 --due 2026-12-18 >/dev/null
"$A" --db "$UA" disposal request OAK-000003 --reason "end of life" >/dev/null
"$A" --db "$UB" asset add --make HP --model G1 --serial H1 >/dev/null

check_out "a trust admin moves OAK-000001 to ELM" \
  "OAK-000001 moved to ELM as ELM-000002: relabel it (its history stays with both tags)" \
  "$A" --db "$UM" --school OAK asset transfer oak-000001 --to-school ELM

run "$A" --db "$UA" asset show OAK-000001 --json
check "OAK keeps the old row, transferred" [ "$(jq -r .status "$T/.out")" = transferred ]
check "... its notes name the new tag" [ "$(jq -r .notes "$T/.out")" = "bought for Year 6
transferred to ELM as ELM-000002" ]
run "$A" --db "$UB" asset show ELM-000002 --json
check "ELM's technician sees the new row, in stock" [ "$(jq -r .status "$T/.out")" = in_stock ]
check "... same kit" [ "$(jq -r '[.make, .model, .serial] | join(" ")' "$T/.out")" = "Dell E1 S1" ]
check "... its notes name the old tag" [ "$(jq -r .notes "$T/.out")" = "bought for Year 6
transferred from OAK (was OAK-000001)" ]
check "... with its disk" [ "$(jq -r '.media | map(.serial) | join(" ")' "$T/.out")" = "D1" ]
check_out "OAK's stock-take of the room no longer expects it" \
  "stock-take 1 of Room 6 started: 0 items expected" sh -c "'$A' --db '$UA' stocktake start 'Room 6' | cut -d';' -f1"
check_out "ELM's does" \
  "stock-take 1 of Room 6 started: 1 item expected" sh -c "'$A' --db '$UB' stocktake start 'Room 6' | cut -d';' -f1"
check_err "ELM's technician cannot see OAK's row" 1 "OAK-000001" "$A" --db "$UB" asset show OAK-000001
check_err "OAK's technician cannot see ELM's row" 1 "ELM-000002" "$A" --db "$UA" asset show ELM-000002

run "$A" --db "$UA" audit log OAK-000001 --json
OUT_HASH=$(jq -r '.[-1].hash' "$T/.out")
check "OAK's history of the asset, kept, ends with asset.transfer.out" \
  [ "$(jq -r 'map(.action) | join(" ")' "$T/.out")" = "asset.add asset.add-media asset.transfer.out" ]
check "... naming ELM and the new tag" \
  [ "$(jq -r '.[-1].details | fromjson? // . | "\(.to_school) \(.to_tag) \(.from) \(.to)"' "$T/.out")" = "ELM ELM-000002 in_stock transferred" ]
run "$A" --db "$UB" audit log ELM-000002 --json
check "ELM's history of the asset: asset.transfer.in" [ "$(jq -r 'map(.action) | join(" ")' "$T/.out")" = "asset.transfer.in" ]
check "... naming OAK, the old tag and OAK's event hash" \
  [ "$(jq -r '.[0].details | fromjson? // . | "\(.from_school) \(.from_tag) \(.from_event_hash)"' "$T/.out")" = "OAK OAK-000001 $OUT_HASH" ]
check "... and carrying OAK's history of it" \
  [ "$(jq -r '.[0].details | fromjson? // . | .history | map(.action) | join(" ")' "$T/.out")" = "asset.add asset.add-media" ]
IN_HASH=$(jq -r '.[0].hash' "$T/.out")
run "$A" --db "$OWNER" audit log --json
check "the trust's chain records trust.transfer naming both" \
  [ "$(jq -r '[.[] | select(.action == "trust.transfer")] | .[0].details | fromjson? // . | "\(.from_school) \(.from_tag) \(.to_school) \(.to_tag) \(.out_event_hash) \(.in_event_hash)"' "$T/.out")" = \
    "OAK OAK-000001 ELM ELM-000002 $OUT_HASH $IN_HASH" ]
for s in OAK ELM TRUST; do
  check_out "$s's chain verifies" "audit log intact" \
    sh -c "'$A' --db '$OWNER' $([ $s = TRUST ] || echo --school $s) audit verify | head -1 | cut -c1-16"
done

check_err "a technician may not transfer" 1 \
  "cannot transfer 'OAK-000002': moving an asset between schools is for the trust's administrators" \
  "$A" --db "$UA" asset transfer OAK-000002 --to-school ELM
check_err "an asset on loan" 1 "cannot transfer 'OAK-000002': it is on loan (return it first: 'assetctl return OAK-000002')" \
  "$A" --db "$UM" --school OAK asset transfer OAK-000002 --to-school ELM
check_err "an asset in a disposal" 1 "cannot transfer 'OAK-000003': it is in a disposal (disposal requested)" \
  "$A" --db "$UM" --school OAK asset transfer OAK-000003 --to-school ELM
check_err "an asset transferred already" 1 "cannot transfer 'OAK-000001': it was transferred already" \
  "$A" --db "$UM" --school OAK asset transfer OAK-000001 --to-school ELM
check_err "an unknown school" 1 "no school 'ASH' in the trust" \
  "$A" --db "$UM" --school OAK asset transfer OAK-000003 --to-school ASH
check_err "the same school" 1 "cannot transfer 'ELM-000002': it is in ELM already" \
  "$A" --db "$UM" --school ELM asset transfer ELM-000002 --to-school ELM
check_err "an unknown tag" 1 "no asset 'OAK-000009' in school OAK" \
  "$A" --db "$OWNER" --school OAK asset transfer OAK-000009 --to-school ELM
check_err "the destination holds the same kit" 1 "serial 'S1' (Dell) is already registered in OAK as 'OAK-000001'" \
  "$A" --db "$OWNER" --school ELM asset transfer ELM-000002 --to-school OAK
run "$A" --db "$OWNER" audit log --json
check "refusals wrote nothing to the trust's chain" [ "$(jq '[.[] | select(.action == "trust.transfer")] | length' "$T/.out")" = 1 ]

check_out "the owner moves ELM's own asset to OAK" \
  "ELM-000001 moved to OAK as OAK-000004: relabel it (its history stays with both tags)" \
  "$A" --db "$OWNER" --school ELM asset transfer ELM-000001 --to-school OAK
check_out "OAK's technician lists it" "OAK-000004,in_stock" \
  sh -c "'$A' --db '$UA' asset list --csv | grep OAK-000004 | cut -d, -f1 | tr '\n' ','; '$A' --db '$UA' asset show OAK-000004 --json | jq -r .status"
for s in OAK ELM TRUST; do
  check_out "$s's chain verifies after the second" "audit log intact" \
    sh -c "'$A' --db '$OWNER' $([ $s = TRUST ] || echo --school $s) audit verify | head -1 | cut -c1-16"
done

# OAK's export carries its transferred asset as it is: an import takes it
# back as it takes disposed, a final state whose records are the asset's
# own (its notes name where it went), not mid-way through anything
"$A" --db "$UA" asset export -o "$T/oak.csv"
python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n").writerows([rows[0]] + [r for r in rows[1:] if r[0] == "OAK-000001"])' \
  "$T/oak.csv" "$T/moved.csv"
check "OAK's export has the transferred asset" grep -q ',transferred,' "$T/moved.csv"
new_db imp
check_out "it imports into a register" "$T/moved.csv: 1 asset added" "$A" asset import "$T/moved.csv"
check_out "... still transferred, its notes saying where" "transferred|bought for Year 6
transferred to ELM as ELM-000002" sh -c "'$A' asset show OAK-000001 --json | jq -r '[.status, .notes] | join(\"|\")'"
check_err "... and stays where it went" 1 "'OAK-000001' is transferred and cannot become in repair" "$A" asset repair OAK-000001
sed 's/,transferred,/,Moved On,/' "$T/moved.csv" >"$T/moved2.csv"
new_db imp2
check_out "a label mapped to transferred imports too" "$T/moved2.csv: 1 asset added" \
  "$A" asset import --status-map 'Moved On=transferred' "$T/moved2.csv"
check_out "... as transferred" "transferred" sh -c "'$A' asset show OAK-000001 --json | jq -r .status"
check_rc "the registers verify" 0 "$A" audit verify
done_testing
