#!/usr/bin/env bash
# Loans: issue and return, each rule and its refusal, receipts, leavers.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 --location "Room 12" --personal-data --encrypted >/dev/null
"$A" asset add --make Dell --model "Latitude 5420" --serial L2 --location "Room 12" --personal-data >/dev/null
"$A" asset add --make Apple --model iPad --serial I3 --location "Room 4" >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" --email jo@school.org >/dev/null
"$A" person add --ref AO --name "Ann Other" >/dev/null

check_err "no signed agreement: refused, names the fix" 1 \
  "error: cannot issue 'TS-000001' to 'JB': Jo Bloggs has not signed the acceptable-use agreement (record it with 'assetctl person sign-aup JB')" \
  "$A" issue TS-000001 JB
check_out "sign-aup with version" "Jo Bloggs (JB) signed the acceptable-use agreement version 2026.1 on 2026-09-01" \
  "$A" person sign-aup jb --date 2026-09-01 --version 2026.1
check_out "sign-aup default today" "Ann Other (AO) signed the acceptable-use agreement on 2026-11-23" "$A" person sign-aup AO
check_err "sign-aup bad date" 1 "--date '2026-13-01' is not a date" "$A" person sign-aup AO --date 2026-13-01
check_err "sign-aup unknown person" 1 "no person 'NOBODY' in the register" "$A" person sign-aup NOBODY
check_out "issue (lower case tag and ref)" "TS-000001 issued to Jo Bloggs (JB), due 2026-12-18" \
  "$A" issue ts-000001 jb --due 2026-12-18 --condition "good, charger"
check_err "already issued: names who and since when" 1 \
  "error: cannot issue 'TS-000001': it is issued to Jo Bloggs (JB) since 2026-11-23 (return it first)" "$A" issue TS-000001 AO
check_err "personal data, not encrypted" 1 \
  "error: cannot issue 'TS-000002': it may hold personal data but is not encrypted (encrypt it and record that with 'assetctl asset edit TS-000002 --encrypted', or give --override REASON)" \
  "$A" issue TS-000002 AO
check_rc "--override with an empty reason is usage" 2 "$A" issue TS-000002 AO --override ""
check_out "--override issues it" "TS-000002 issued to Ann Other (AO); override: head's data only, encrypting next week" \
  "$A" issue TS-000002 AO --override "head's data only, encrypting next week"
check_out "the override reason is in the audit event" "head's data only, encrypting next week" \
  sh -c "\"$A\" audit log TS-000002 --json | grep '\"override\"' | sed 's/.*\": \"//; s/\".*//'"
check_err "unknown asset" 1 "error: cannot issue 'TS-000099': no asset 'TS-000099' in the register" "$A" issue TS-000099 JB
check_err "unknown person" 1 "error: cannot issue 'TS-000003': no person 'ZZ' in the register (add them with 'assetctl person add')" \
  "$A" issue TS-000003 ZZ
check_err "due date before today" 1 "due date 2026-11-01 is before the date of issue 2026-11-23" "$A" issue TS-000003 AO --due 2026-11-01
check_err "bad due date" 1 "due date 'soon' is not a date" "$A" issue TS-000003 AO --due soon
check_rc "one argument is usage" 2 "$A" issue TS-000003

check_out "leaving lists what they hold" "Jo Bloggs (JB) leaves on 2026-12-20 and holds 1 item: TS-000001 (Dell Latitude 5420)" \
  "$A" person leaving JB --date 2026-12-20
check_err "due after the leaving date" 1 \
  "cannot issue 'TS-000003' to 'JB': due date 2027-01-10 is after Jo Bloggs's leaving date 2026-12-20 (give --due 2026-12-20 or earlier)" \
  "$A" issue TS-000003 JB --due 2027-01-10
check_out "due defaults to the leaving date" "TS-000003 issued to Jo Bloggs (JB), due 2026-12-20" "$A" issue TS-000003 JB
check_out "report leavers (within 30 days)" "REF  NAME       LEAVING     TAG        MAKE   MODEL          ISSUED
JB   Jo Bloggs  2026-12-20  TS-000001  Dell   Latitude 5420  2026-11-23
JB   Jo Bloggs  2026-12-20  TS-000003  Apple  iPad           2026-11-23" "$A" report leavers
check_out "report leavers --within 7: not yet" "REF  NAME  LEAVING  TAG  MAKE  MODEL  ISSUED" "$A" report leavers --within 7
check_err "report leavers --within junk is usage" 2 "--within 'soon' is not a number from 0 to 36500" "$A" report leavers --within soon

check_out "report overdue: none today" "TAG  MAKE  MODEL  REF  NAME  ISSUED  DUE  DAYS OVER" "$A" report overdue
check_out "report overdue later (CSV)" "tag,make,model,ref,name,issued,due,days_overdue
TS-000001,Dell,Latitude 5420,JB,Jo Bloggs,2026-11-23,2026-12-18,4
TS-000003,Apple,iPad,JB,Jo Bloggs,2026-11-23,2026-12-20,2" \
  sh -c "ASSETCTL_TODAY=2026-12-22 \"$A\" report overdue --csv | sed '1s/issued_at/issued/'"

# the receipt: who, what, when, condition, due, the reminder, signatures
check_out "receipt written" "$T/r1.pdf" "$A" receipt TS-000001 --output "$T/r1.pdf"
pdftotext -layout "$T/r1.pdf" "$T/r1.txt"
for want in "Test School" "Jo Bloggs \\(JB\\), jo@school.org" "TS-000001" "Dell Latitude 5420" "Serial number +L1" \
            "Issued on +2026-11-23" "Due back +2026-12-18" "Condition +good, charger" "lent to you under the acceptable-use" \
            "signed on 2026-09-01" "before you leave" "Received by" "Issued by" "Date"; do
  check "receipt says '$want'" grep -Eq "$want" "$T/r1.txt"
done
check_out "issue --receipt" "TS-000003 returned by Jo Bloggs (JB)" "$A" return TS-000003
check_out "issue --receipt writes the PDF" "TS-000003 issued to Ann Other (AO), due 2026-12-01
receipt: $T/r2.pdf" "$A" issue TS-000003 AO --due 2026-12-01 --receipt "$T/r2.pdf"
check "second receipt names Ann Other" sh -c "pdftotext -layout '$T/r2.pdf' - | grep -q 'Ann Other (AO)'"
check_err "receipt for kit never issued" 1 "cannot print a receipt for" sh -c "\"$A\" asset add --make X --model Y --serial Z >/dev/null; \"$A\" receipt TS-000004"

check_err "return: not on loan" 1 "error: cannot return 'TS-000004': it is not on loan (it is in stock)" "$A" return TS-000004
check_err "return: unknown" 1 "error: cannot return 'TS-000098': no asset 'TS-000098' in the register" "$A" return TS-000098
check_out "return damaged logs an incident" "TS-000002 returned by Ann Other (AO); damage logged as an incident" \
  "$A" return TS-000002 --condition "scuffed" --damaged "cracked hinge"
check_out "the incident" "TS-000002,damaged,AO,cracked hinge,returned damaged" \
  sh -c "\"$A\" incident list --csv | tail -1 | cut -d, -f3,4,5,7,8"
check_out "loan closed with condition and damage" "TS-000002 in_stock" \
  sh -c "\"$A\" asset show TS-000002 --csv | tail -1 | cut -d, -f1,8 | tr , ' '"

# the leaver at the door
check_out "leaver presents one of two: the other is named, exit 1" "TS-000001 returned by Jo Bloggs (JB)
refused: TS-000003 is not on loan to Jo Bloggs (JB)
missing: TS-000005 Apple iPad (issued 2026-11-23)
Jo Bloggs (JB) returned 1 of 2 items; 1 still missing" \
  sh -c "\"$A\" asset add --make Apple --model iPad --serial I5 >/dev/null; \"$A\" issue TS-000001 JB >/dev/null; \"$A\" issue TS-000005 JB >/dev/null; printf 'ts-000001\r\nTS-000003\n' | \"$A\" return --all JB --expect; echo >&2 rc=\$?"
check_rc "... and that exits 1" 1 sh -c "printf '' | \"$A\" return --all JB --expect"
check_out "return --all with no list takes back everything" "TS-000005 returned by Jo Bloggs (JB)
Jo Bloggs (JB) returned 1 item and holds nothing now" "$A" return --all JB
check_out "return --all of someone holding nothing" "Jo Bloggs (JB) holds nothing" "$A" return --all JB
check_err "a leaver cannot be issued kit" 1 \
  "error: cannot issue 'TS-000001' to 'JB': Jo Bloggs left on 2026-12-20 (a leaver cannot be given kit; if the date is wrong, clear it with 'assetctl person leaving JB --clear')" \
  env ASSETCTL_TODAY=2026-12-21 "$A" issue TS-000001 JB
check_out "leaving --clear" "Jo Bloggs (JB) is no longer leaving" "$A" person leaving JB --clear
check_rc "leaving needs --date or --clear" 2 "$A" person leaving JB
check_out "badge" "badge 4711 belongs to JB" "$A" person badge JB 4711
check_err "badge taken" 1 "badge '4711' already belongs to Jo Bloggs (JB)" "$A" person badge AO 4711
check_rc "audit verify" 0 "$A" audit verify
done_testing
