#!/usr/bin/env bash
# What an import does with each state and with loans (README "What an
# export carries"): live states and disposed come in as they are; issued
# needs who holds it and becomes an open loan; a state part-way through
# disposal is refused (its records are not in the file) unless mapped; loan
# columns are checked; media are checked and kept unique.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_TODAY=2026-11-23
new_db src
SRC=$ASSETCTL_DB
cd "$T" || exit 1
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB --date 2026-01-02 >/dev/null
"$A" person add --ref AO --name "Ann Other" --authoriser >/dev/null
for s in 1 2 3 4; do "$A" asset add --make Dell --model "Latitude 5420" --serial "S$s" >/dev/null; done
"$A" issue TS-000001 JB --due 2026-12-18 >/dev/null
"$A" disposal request TS-000002 --reason "end of life" >/dev/null
"$A" person export -o people.csv
"$A" asset export -o assets.csv
"$A" asset export --format json -o assets.json

new_db dst
"$A" person import people.csv >/dev/null
for f in assets.csv assets.json; do
  case $f in *.json) at="record 2" ;; *) at=3 ;; esac
  sep=":"; [ "${f##*.}" = json ] && sep=": "
  check_err "$f: an asset part-way through disposal is refused, with what to do" 1 \
    "$f$sep$at: status: 'disposal_requested' is part-way through disposal (disposal requested): its disposal records (request, authorisation, certificates, consignment) are not in the file, so it cannot arrive in that state; finish the disposal in the register it came from, or import it with --status-map 'disposal_requested=in_stock'" \
    "$A" asset import "$f"
done
check_rc "nothing was imported" 0 test "$(db_sql 'SELECT count(*) FROM assets')" = 0
check_out "mapped back to in stock, it imports" "assets.csv: 4 assets added" \
  "$A" asset import --status-map 'disposal_requested=in_stock' assets.csv
check_out "the issued asset's loan is open again, with its due date" "TS-000001|JB|2026-11-23|2026-12-18" \
  db_sql "SELECT a.tag, p.ref, l.issued_at, l.due FROM loans l JOIN assets a ON a.id = l.asset_id JOIN people p ON p.id = l.person_id WHERE l.returned_at IS NULL"
check_out "it shows in the reports like any loan" "TS-000001" sh -c "\"$A\" report leavers --json >/dev/null; \"$A\" person show JB --json >/dev/null; ASSETCTL_TODAY=2027-01-01 \"$A\" report overdue --csv | tail -n +2 | cut -d, -f1"
check_rc "audit verify" 0 "$A" audit verify

# hand-edited exports: every loan rule on its line
H=$(head -1 assets.csv)
row() { # tag serial status issued_to issued_at due condition override media
  printf '%s,%s,Dell,X,,,,%s,%s,%s,%s,%s,%s,no,no,,,,,,,,,,%s\n' "$@"
}
new_db bad
"$A" person import people.csv >/dev/null
{ echo "$H"
  row A-1 B1 issued "" "" "" "" "" ""
  row A-2 B2 issued nobody "" "" "" "" ""
  row A-3 B3 lost JB "" "" "" "" ""
  row A-4 B4 in_stock "" 2026-01-01 "" "" "" ""
  row A-5 B5 issued JB 2026-02-31 "" "" "" ""
  row A-6 B6 issued JB "" soon "" "" ""
} >loans.csv
check_err "each bad loan row, with its line" 1 \
  "loans.csv:2: status: 'issued' needs who holds it: give the person's reference in an issued_to column (or Snipe-IT's Checked Out To: Username)
loans.csv:3: issued_to: no person 'nobody' on the register: import the people first ('assetctl person import')
loans.csv:4: issued_to: 'A-3' is lost, so it cannot be on loan to JB
loans.csv:5: issued_to: empty, but the row has details of a loan (issued_at, due, condition_out, override_reason): give who holds it
loans.csv:6: issued_at: '2026-02-31' is not a date (use YYYY-MM-DD)
loans.csv:7: due: 'soon' is not a date (use YYYY-MM-DD)
error: 'loans.csv' not imported: nothing was changed (6 problems)" "$A" asset import loans.csv
{ echo "$H"; row A-3 B3 lost JB "" "" "" "" ""; } >l3.csv
check_err "a lost asset cannot be on loan" 1 "l3.csv:2: issued_to: 'A-3' is lost, so it cannot be on loan to JB" "$A" asset import l3.csv
{ echo "$H"; row A-4 B4 in_stock "" 2026-01-01 "" "" "" ""; } >l4.csv
check_err "loan details with nobody holding it" 1 "l4.csv:2: issued_to: empty, but the row has details of a loan" "$A" asset import l4.csv
{ echo "$H"; row A-5 B5 issued JB 2026-02-31 "" "" "" ""; } >l5.csv
check_err "a bad issue date" 1 "l5.csv:2: issued_at: '2026-02-31' is not a date (use YYYY-MM-DD)" "$A" asset import l5.csv
{ echo "$H"; row A-6 B6 issued JB "" soon "" "" ""; } >l6.csv
check_err "a bad due date" 1 "l6.csv:2: due: 'soon' is not a date (use YYYY-MM-DD)" "$A" asset import l6.csv
{ echo "$H"; row A-7 B7 "" JB "" "" "" "" ""; } >l7.csv
check_out "issued_to with no status: issued to them" "l7.csv: 1 asset added" "$A" asset import l7.csv
check_out "... as the file says" "issued" sh -c "\"$A\" asset show A-7 --json | jq -r .status"

# media cells
m() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
{ echo "$H"
  row M-1 C1 in_stock "" "" "" "" "" "$(m '[{"model":"M","serial":"D1","size_bytes":1,"kind":"tape"}]')"
  row M-2 C2 in_stock "" "" "" "" "" "$(m '{"model":"M"}')"
  row M-3 C3 in_stock "" "" "" "" "" "$(m '[{"model":"M","serial":"D3","size_bytes":-5,"kind":"ssd"}]')"
  row M-4 C4 in_stock "" "" "" "" "" "$(m '[{"model":"M","serial":"D4","size_bytes":5,"kind":"ssd","colour":"red"}]')"
  row M-5 C5 in_stock "" "" "" "" "" "$(m '[{"model":"M","size_bytes":5,"kind":"ssd"}]')"
  row M-6 C6 in_stock "" "" "" "" "" "$(m '[{"model":"M","serial":"D6","size_bytes":5,"kind":"ssd","status":"shredded"}]')"
  row M-7 C7 in_stock "" "" "" "" "" "$(m '[{"model":"M","serial":"D7","size_bytes":5,"kind":"ssd","created_at":"yesterday"}]')"
  row M-8 C8 in_stock "" "" "" "" "" "ssd 500GB"
} >media.csv
check_err "each bad media cell, with its line" 1 \
  "media.csv:2: media: medium 1: kind 'tape' is not hdd, ssd, nvme or flash
media.csv:3: media: not a JSON array of media ([{\"model\": ..., \"serial\": ..., \"size_bytes\": ..., \"kind\": ...}])
media.csv:4: media: medium 1: size_bytes must be a whole number of bytes
media.csv:5: media: medium 1: unknown key 'colour'
media.csv:6: media: medium 1 has no serial
media.csv:7: media: medium 1: status 'shredded' is not fitted, erased, destroy_required or destroyed
media.csv:8: media: medium 1: created_at is not a time (YYYY-MM-DDTHH:MM:SSZ)
media.csv:9: media: not a JSON array of media" "$A" asset import media.csv
{ echo "$H"
  row N-1 E1 in_stock "" "" "" "" "" "$(m '[{"model":"M","serial":"SAME","size_bytes":1,"kind":"ssd"}]')"
  row N-2 E2 in_stock "" "" "" "" "" "$(m '[{"model":"M","serial":"same","size_bytes":1,"kind":"ssd"}]')"
} >dupmedia.csv
check_err "a medium's serial twice in the file" 1 "dupmedia.csv:3: media: medium with serial 'same' is already registered in 'N-1'" \
  "$A" asset import dupmedia.csv
check_rc "the register is still empty of them and verifies" 0 bash -c "[ \"\$(db_sql 'SELECT count(*) FROM media')\" = 0 ] && \"$A\" audit verify >/dev/null"

# badges
printf '%s\n' 'ref,name,badges' 'X1,Xena One,K1 K2' 'X2,Xavi Two,k1' >badges.csv
check_err "a badge twice (any case)" 1 "badges.csv:3: badges: badge 'k1' already belongs to Xena One (X1)" "$A" person import badges.csv
printf '%s\n' 'ref,name,badges' 'X1,Xena One,K1/2' 'X2,Xavi Two,"[""K3"", 4]"' 'X3,Xan Three,JB' >badges2.csv
check_err "bad badges" 1 "badges2.csv:2: badges: 'K1/2' is not a badge (one word of at most 64 characters, no '/')
badges2.csv:3: badges: badge 2 is not text
badges2.csv:4: badges: badge 'JB' is also the reference of Jo Bloggs: a scan could not tell them apart" "$A" person import badges2.csv
done_testing
