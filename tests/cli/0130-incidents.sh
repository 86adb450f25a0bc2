#!/usr/bin/env bash
# Incidents, found kit, lost property (held for a term), PAT checks.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 --location "Room 12" >/dev/null   # TS-000001
"$A" asset add --make Apple --model iPad --serial I2 --location "Room 4" >/dev/null              # TS-000002
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB >/dev/null
"$A" issue TS-000001 JB >/dev/null

check_out "lost while on loan: out of stock, loan closed" \
  "incident 1: TS-000001 lost (out of stock until found: 'assetctl found TAG')" \
  "$A" incident report ts-000001 --kind lost --details "left on the bus" --action "bus company phoned" --date 2026-11-20
check_out "status lost; JB holds nothing" "lost
Jo Bloggs (JB) holds nothing" sh -c "\"$A\" asset show TS-000001 --json | grep '\"status\"' | sed 's/.*: \"//; s/\",//'; \"$A\" return --all JB"
check_err "lost twice is refused" 1 "error: cannot report 'TS-000001' lost: it is lost" \
  "$A" incident report TS-000001 --kind lost --details again
check_err "cannot issue lost kit" 1 "error: cannot issue 'TS-000001': it is lost, not in stock (bring it back with 'assetctl found TS-000001' first)" \
  "$A" issue TS-000001 JB
check_out "found brings it back to stock" "TS-000001 found and back in stock" "$A" found TS-000001 --notes "bus depot"
check_err "found when not lost" 1 "error: cannot bring back 'TS-000001': it is in stock, not lost or stolen" "$A" found TS-000001
check_out "stolen from a room" "incident 2: TS-000002 stolen (out of stock until found: 'assetctl found TAG')" \
  "$A" incident report TS-000002 --kind stolen --details "taken from trolley" --person JB
check_out "damaged stays in stock" "incident 3: TS-000001 damaged" \
  "$A" incident report TS-000001 --kind damaged --details "keyboard sticky"
check_out "incident list" "ID  DATE        TAG        KIND     PERSON  ROOM     DETAILS             ACTION
3   2026-11-23  TS-000001  damaged          Room 12  keyboard sticky
2   2026-11-23  TS-000002  stolen   JB      Room 4   taken from trolley
1   2026-11-20  TS-000001  lost     JB      Room 12  left on the bus     bus company phoned" sh -c "\"$A\" incident list | sed 's/ *\$//'"
check_out "incident list by tag and kind" "id,happened_on,tag,kind,person,room,details,action
1,2026-11-20,TS-000001,lost,JB,Room 12,left on the bus,bus company phoned" "$A" incident list TS-000001 --kind lost --csv
check_err "bad kind" 1 "--kind 'broken' is not lost, stolen or damaged" "$A" incident report TS-000001 --kind broken --details x
check_rc "details required" 2 "$A" incident report TS-000001 --kind lost
check_err "unknown person" 1 "no person 'ZZ' in the register" "$A" incident report TS-000001 --kind damaged --details x --person ZZ
check_out "audit trail of the lost laptop" "asset.add loan.issue incident.report asset.found asset.restock incident.report" \
  sh -c "\"$A\" audit log TS-000001 --json | grep -E '^    \"action\"' | sed 's/.*: \"//; s/\",//' | paste -sd' '"

# lost property: held until the end of the term after the one it was found in
check_out "found in the autumn term: held to the end of the spring term" "lost property 1 held until 2027-03-31" \
  "$A" lostprop add --description "black Casio calculator" --where "Hall"
check_out "found in the summer term: held to the end of the autumn term" "lost property 2 held until 2026-12-20" \
  "$A" lostprop add --description "USB stick, 16 GB" --serial U16 --found 2026-05-10
check_out "found on the last day of term" "lost property 3 held until 2026-07-20" \
  "$A" lostprop add --description "phone charger" --found 2026-03-31
check_out "--hold-until overrides" "lost property 4 held until 2026-12-01" \
  "$A" lostprop add --description "scarf" --hold-until 2026-12-01
check_out "term ends are a setting" "terms end on 03-31,07-20,12-20" "$A" lostprop terms
check_out "set them (any order)" "terms end on 04-01,07-22,12-18" "$A" lostprop terms 12-18,04-01,07-22
check_out "... and they are used" "lost property 5 held until 2027-04-01" "$A" lostprop add --description x --found 2026-10-01
check_err "bad term ends" 1 "give term end dates as MM-DD,MM-DD,..." "$A" lostprop terms 13-45
check_err "no description" 2 "--description is required" "$A" lostprop add
check_out "due for disposal" "id,description,serial,found_where,found_on,hold_until
3,phone charger,,,2026-03-31,2026-07-20" "$A" report lostprop --csv
check_err "cannot dispose before the hold ends" 1 "cannot dispose of lost property item 1: it is held until 2027-03-31 (policy: one term)" \
  "$A" lostprop dispose 1
check_out "claim" "lost property 1 handed back to Sam Pupil (7B)" "$A" lostprop claim 1 --by "Sam Pupil (7B)"
check_err "claim twice" 1 "cannot hand back lost property item 1: it was claimed by Sam Pupil (7B) on 2026-11-23" "$A" lostprop claim 1 --by X
check_out "dispose after the hold" "lost property 3 disposed of" "$A" lostprop dispose 3
check_out "nothing due now" "ID  DESCRIPTION  SERIAL  WHERE  FOUND  HOLD UNTIL" "$A" report lostprop
check_err "unknown item" 1 "no such item" "$A" lostprop claim 99 --by X

# PAT checks
check_out "PAT pass: next due a year on" "TS-000001: pat pass, next due 2027-11-23" "$A" check add TS-000001 --kind pat --result pass
check_out "PAT fail" "TS-000002: pat fail (take it out of use until it is repaired and passes)" \
  "$A" check add TS-000002 --kind pat --result fail --date 2026-11-01
check_out "--next" "TS-000001: pat pass, next due 2026-12-01" "$A" check add TS-000001 --kind pat --result pass --date 2025-12-01 --next 2026-12-01
check_err "bad result" 1 "--result 'ok' is not pass or fail" "$A" check add TS-000001 --kind pat --result ok
check_err "bad kind" 1 "--kind 'gas' is not a check kind (pat)" "$A" check add TS-000001 --kind gas --result pass
check_err "--next before the check" 1 "--next 2026-01-01 is not after the check (2026-11-23)" \
  "$A" check add TS-000001 --kind pat --result pass --next 2026-01-01
check_out "check list" "tag,kind,result,checked_on,next_due,notes
TS-000001,pat,pass,2026-11-23,2027-11-23,
TS-000002,pat,fail,2026-11-01,,
TS-000001,pat,pass,2025-12-01,2026-12-01," "$A" check list --csv
check_rc "audit verify" 0 "$A" audit verify
done_testing
