#!/usr/bin/env bash
# report compliance: each policy check, exit 0 when clean and 1 when not.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
check_out "an empty register is clean (exit 0)" "compliance report, 2026-11-23
ok    people holding kit without a signed acceptable-use agreement: none
ok    devices that may hold personal data but are not encrypted: none
ok    assets without a serial number: none
ok    PAT tests failed or overdue: none
ok    assets not audited in the last 12 months: none
ok    loans past their due date: none
ok    leavers still holding kit: none
ok    unclaimed lost property past its hold date: none
ok    consignments without the firm's receipt or their waste notes: none
ok    consignments to a firm with no data-processing contract, or an expired one: none
ok    audit log events older than 30 days that no signed checkpoint covers: none
all clear" "$A" report compliance

# one problem of each kind
ASSETCTL_TODAY=2025-09-01 ASSETCTL_NOW=2025-09-01T09:00:00Z \
  "$A" asset add --make Dell --model "Latitude 5420" --serial L1 --location Office >/dev/null           # TS-000001 not audited
export ASSETCTL_TODAY=2026-11-23
"$A" asset add --make HP --model ProBook --serial H2 --location Office --personal-data >/dev/null       # TS-000002 unencrypted
"$A" asset add --make Dell --model "Latitude 3190" --serial L3 --location Office >/dev/null            # TS-000003 loan to AUP-less
"$A" asset add --make Dell --model "Latitude 3190" --serial L4 --location Office >/dev/null            # TS-000004 overdue, leaver
"$A" asset add --make Brother --model "HL-L2350" --serial B5 --location Office >/dev/null              # TS-000005 PAT overdue
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person add --ref OLD --name "Olive Leaver" >/dev/null
"$A" person sign-aup JB --date 2026-09-01 >/dev/null
"$A" person sign-aup OLD --date 2025-09-01 >/dev/null
"$A" issue TS-000003 JB >/dev/null
ASSETCTL_TODAY=2026-10-01 "$A" issue TS-000004 OLD --due 2026-11-01 >/dev/null
"$A" person leaving OLD --date 2026-11-20 >/dev/null
"$A" check add TS-000005 --kind pat --result pass --date 2025-11-01 >/dev/null
"$A" lostprop add --description "phone" --found 2026-01-10 >/dev/null
printf 'make,model,location\nAcer,TravelMate,Office\n' >"$T/noserial.csv"
"$A" asset import --allow-missing-serial "$T/noserial.csv" >/dev/null                                 # TS-000006 no serial

check_out "every kind of problem named (exit 1)" "compliance report, 2026-11-23
ok    people holding kit without a signed acceptable-use agreement: none
FIX   devices that may hold personal data but are not encrypted: 1
        TS-000002 HP ProBook (in_stock, Office)
FIX   assets without a serial number: 1
        TS-000006 Acer TravelMate (in_stock, Office)
FIX   PAT tests failed or overdue: 1
        TS-000005 Brother HL-L2350: pat pass on 2025-11-01, next due 2026-11-01
FIX   assets not audited in the last 12 months: 1
        TS-000001 Dell Latitude 5420 (Office), last audited -
FIX   loans past their due date: 1
        TS-000004 Dell Latitude 3190 with Olive Leaver (OLD), due 2026-11-01
FIX   leavers still holding kit: 1
        Olive Leaver (OLD) left 2026-11-20, still holds TS-000004 (Dell Latitude 3190)
FIX   unclaimed lost property past its hold date: 1
        item 1: phone, held until 2026-07-20
ok    consignments without the firm's receipt or their waste notes: none
ok    consignments to a firm with no data-processing contract, or an expired one: none
ok    audit log events older than 30 days that no signed checkpoint covers: none
7 items need action" sh -c "\"$A\" report compliance; echo \"exit \$?\" >&2"
check_rc "... exit 1" 1 "$A" report compliance
check_out "as JSON, for other tools" "7 11" sh -c "\"$A\" report compliance --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[\"problems\"], len(r[\"sections\"]))'"
check_out "as CSV" "section,item
unencrypted,\"TS-000002 HP ProBook (in_stock, Office)\"" sh -c "\"$A\" report compliance --csv | head -2"

# an agreement recorded in error is taken off file: the kit is now held without one
check_out "sign-aup --clear" "JB: no acceptable-use agreement on file" "$A" person sign-aup JB --clear
check_out "kit held without an agreement" "FIX   people holding kit without a signed acceptable-use agreement: 1
        JB Jo Bloggs holds TS-000003 (Dell Latitude 3190) since 2026-11-23" sh -c "\"$A\" report compliance | sed -n 2,3p"
check_out "an audited stock-take clears 'not audited'" "ok    assets not audited in the last 12 months: none" \
  sh -c "\"$A\" stocktake start Office >/dev/null; \"$A\" stocktake scan TS-000001 >/dev/null; \"$A\" stocktake finish >/dev/null; \"$A\" report compliance | grep 'not audited'"
check_rc "audit verify" 0 "$A" audit verify

# "the last 12 months" is a calendar year across 29 February too: an audit
# falls due a year on (29 February: on 28 February, as a PAT check does)
new_db 2
for d in 2027-02-28 2027-03-01 2028-02-28 2028-02-29; do
  tag=$("$A" asset add --make Dell --model "Latitude 3190" --serial "A$d" --location "Room $d")
  ASSETCTL_TODAY=$d sh -c "\"$A\" stocktake start 'Room $d' >/dev/null && \"$A\" stocktake scan $tag >/dev/null && \"$A\" stocktake finish >/dev/null"
done
not_audited() { ASSETCTL_TODAY=$1 "$A" report compliance | sed -n '/not audited/,/^[^ ]/p' | sed -n 's/^ *\(TS-[0-9]*\).*last audited \(.*\)/\1 \2/p'; }
check_out "on 2028-03-01 kit audited on 2027-03-01 is due, not overdue" "TS-000001 2027-02-28" not_audited 2028-03-01
check_out "on 2029-02-28 kit audited on 2028-02-28 and 29 is due, not overdue" "TS-000001 2027-02-28
TS-000002 2027-03-01" not_audited 2029-02-28
check_out "on 2029-03-01 both are overdue" "TS-000001 2027-02-28
TS-000002 2027-03-01
TS-000003 2028-02-28
TS-000004 2028-02-29" not_audited 2029-03-01
done_testing
