#!/usr/bin/env bash
# Stock-take: start, scans (command and scan mode), finish with found,
# missing, wrong room, unknown and duplicates; audited dates; kept report.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
# the clock too: a stock-take's times are printed (and on another day they
# would not match $ASSETCTL_TODAY)
export ASSETCTL_NOW=2026-11-23T10:15:00Z
"$A" asset add --make Dell --model "OptiPlex 3080" --serial D1 --location "ICT Suite" >/dev/null   # TS-000001
"$A" asset add --make Dell --model "OptiPlex 3080" --serial D2 --location "ict suite" >/dev/null   # TS-000002
"$A" asset add --make Dell --model "OptiPlex 3080" --serial D3 --location "ICT Suite" >/dev/null   # TS-000003 missing
"$A" asset add --make Epson --model EB-X41 --serial P4 --location "Room 4" >/dev/null               # TS-000004 misplaced
"$A" asset add --make Dell --model "Latitude 3190" --serial L5 --location "ICT Suite" >/dev/null   # TS-000005 on loan
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB >/dev/null
"$A" issue TS-000005 JB >/dev/null

check_err "finish with none open" 1 "no stock-take is open" "$A" stocktake finish
check_out "start counts what is expected (not kit on loan)" \
  "stock-take 1 of ICT Suite started: 3 items expected; scan them with 'assetctl scan --mode stocktake' or 'assetctl stocktake scan TAG...'" \
  "$A" stocktake start "ICT Suite"
check_out "stocktake scan" "TS-000001 found in ICT Suite
TS-000001 scanned again (duplicate)" "$A" stocktake scan ts-000001 TS-000001
check_out "scan mode counts into the open stock-take" "TS-000002 found in ICT Suite
TS-000004 seen in ICT Suite, but the register puts it in Room 4
TS-000404 is not on the register (recorded as unknown)
ignored: Jo Bloggs (JB) is a person, not an asset (stock-take mode)
ignored: 'WHAT?' is not an asset tag
4 scans: 0 issued, 0 returned, 3 counted, 0 refused, 2 ignored" \
  sh -c "printf 'ts-000002\r\nhttp://x/y/TS-000004\r\nTS-000404\r\nJB\r\nwhat?\r\n' | \"$A\" scan --mode stocktake | sed 's/^[0-9]* scans/4 scans/'"
check_out "list" "id,room,started_at,finished_at,scans
1,ICT Suite,2026-11-23T10:15:00Z,,5" "$A" stocktake list --csv
check_err "report before finish" 1 "stock-take 1 of ICT Suite is still open" "$A" stocktake report 1
check_out "finish" "stock-take 1 of ICT Suite: 2 found, 1 missing, 1 in the wrong room, 1 unknown, 1 duplicate (3 expected, 5 scans)
found:
  TS-000001    Dell OptiPlex 3080
  TS-000002    Dell OptiPlex 3080
missing:
  TS-000003    Dell OptiPlex 3080             serial D3
in the wrong room:
  TS-000004    Epson EB-X41                   the register puts it in Room 4
unknown:
  TS-000404                                   not on the register
duplicates:
  TS-000001    Dell OptiPlex 3080             scanned 2 times
report for signing: $T/st.pdf
report page: $T/st.html" "$A" stocktake finish --pdf "$T/st.pdf" --html "$T/st.html"
check_err "finish twice" 1 "no stock-take is open" "$A" stocktake finish
check_err "finish by id twice" 1 "stock-take 1 of ICT Suite was finished at 2026-11-23T10:15:00Z" "$A" stocktake finish 1
check_out "found kit (and misplaced kit) is marked audited today" "TS-000001,2026-11-23
TS-000002,2026-11-23
TS-000003,
TS-000004,2026-11-23
TS-000005," sh -c "for t in 1 2 3 4 5; do \"$A\" asset show TS-00000\$t --json | grep -E '\"(tag|last_audited)\"' | sed 's/.*: //; s/[\",]//g; s/null//' | paste -sd,; done"
check_out "kept report as CSV" "section,tag,item,detail
found,TS-000001,Dell OptiPlex 3080,
found,TS-000002,Dell OptiPlex 3080,
missing,TS-000003,Dell OptiPlex 3080,serial D3
wrong_room,TS-000004,Epson EB-X41,the register puts it in Room 4
unknown,TS-000404,,not on the register
duplicates,TS-000001,Dell OptiPlex 3080,scanned 2 times" "$A" stocktake report 1 --csv
check_out "kept report as JSON" "1 1 1" sh -c "\"$A\" stocktake report 1 --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r[\"missing\"]), len(r[\"wrong_room\"]), len(r[\"unknown\"]))'"
pdftotext -layout "$T/st.pdf" "$T/st.txt"
for want in "Stock-take 1: ICT Suite" "Missing: expected in the room, not scanned: 1" "TS-000003" \
            "the register puts them elsewhere: 1" "Room 4" "Unknown tags" "TS-000404" "Governor" "ICT technician"; do
  check "PDF says '$want'" grep -q "$want" "$T/st.txt"
done
check "HTML page has the missing item and signature lines" sh -c "grep -q '<td>TS-000003</td>' '$T/st.html' && grep -q 'Governor: ____' '$T/st.html'"
check_err "scan junk tag" 1 "'not a tag' is not an asset tag" sh -c "\"$A\" stocktake start Office >/dev/null; \"$A\" stocktake scan 'not a tag'"
check_err "two open: scan mode must be told which" 1 "several stock-takes are open (3 (Hall), 2 (Office)): give --stocktake ID" \
  sh -c "\"$A\" stocktake start Hall >/dev/null; \"$A\" scan --mode stocktake </dev/null"
check_out "--stocktake picks one" "TS-000004 seen in Hall, but the register puts it in Room 4" \
  sh -c "echo TS-000004 | \"$A\" scan --stocktake 3 | head -1"
check_rc "audit verify" 0 "$A" audit verify
done_testing
