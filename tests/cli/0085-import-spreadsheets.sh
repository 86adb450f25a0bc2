#!/usr/bin/env bash
# Snipe-IT exports and office spreadsheets as they really are, written by
# hand from Snipe-IT's own column names: its sample asset file (no serial
# column, month-first dates, bare CR line ends of older Excel for Mac),
# blank serials (--allow-missing-serial, then listed by report compliance
# until recorded), dates in every form (ISO with or without a time;
# --date-format d/m/y or m/d/y), Excel's Windows-1252 "CSV (Comma
# delimited)" (a pound sign, accents, curly quotes; bytes it leaves
# undefined), --encoding, "Warranty (months)", and the user export's End
# Date / Start Date / Activated. Every refusal leaves the register byte for
# byte as it was.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_TODAY=2026-11-23 ASSETCTL_NOW=2026-11-23T09:00:00Z
new_db
cd "$T" || exit 1
# refused FILE: exit 1, stderr containing TEXT, and nothing changed
refused() {
  local title=$1 text=$2; shift 2
  local before; before=$(dump)
  check_err "$title" 1 "$text" "$@"
  check "$title: nothing changed" [ "$before" = "$(dump)" ]
}
rows() { db_sql "$1"; }

# --- Snipe-IT's sample asset file: no serial column, m/d/y, CR, Windows-1252
printf '%s\r' \
  'Full Name,Email,Username,item Name,Category,Model name,Manufacturer,Model Number,Asset Tag,Location,Notes,Purchase Date,Purchase Cost,Company,Status,Warranty Months,Supplier' \
  ',,,Library laptop 1,Laptop,Latitude 3540,Dell,3540,TS-000101,Library,,4/5/16,499.00,,Ready to Deploy,36,Dell' \
  ",,,Caf$(printf '\xe9') laptop,Laptop,Latitude 3540,Dell,3540,TS-000102,Caf$(printf '\xe9'),$(printf '\x93')spare$(printf '\x94') $(printf '\xa3')20 deposit,12/24/15,$(printf '\xa3')499.00,,Ready to Deploy,,Dell" \
  >mock-assets.csv
refused "no serial column: refused, naming the flag" \
  "mock-assets.csv:1: serial: required column missing (the header has no serial column; --allow-missing-serial imports the assets without one, to record later)" \
  "$A" asset import mock-assets.csv
check "... and said how the file was read" [ "$(head -1 "$T/.err")" = "mock-assets.csv: not UTF-8: read as Windows-1252 (give --encoding if it is another)" ]
refused "month-first dates without --date-format: each line named, with the flag" \
  "mock-assets.csv:2: Purchase Date: '4/5/16' is a day-first or month-first date: say which with --date-format d/m/y or --date-format m/d/y
mock-assets.csv:3: Purchase Date: '12/24/15' is a day-first or month-first date: say which with --date-format d/m/y or --date-format m/d/y
error: 'mock-assets.csv' not imported: nothing was changed (2 problems)" \
  "$A" asset import --allow-missing-serial mock-assets.csv
refused "read day-first, 12/24/15 has no month 24" \
  "mock-assets.csv:3: Purchase Date: '12/24/15' is not a date: read as d/m/y, it has no month 24" \
  "$A" asset import --allow-missing-serial --date-format d/m/y mock-assets.csv
check_out "with both flags it imports" "mock-assets.csv: 2 assets added
columns ignored: Full Name, Email, Model Number, Company
lines were ended by carriage returns (as older Excel for Mac saves CSV)" \
  "$A" asset import --allow-missing-serial --date-format m/d/y mock-assets.csv
check "... saying on stderr it was read as Windows-1252, in one line" \
  [ "$err" = "mock-assets.csv: not UTF-8: read as Windows-1252 (give --encoding if it is another)" ]
check_out "dates, warranty months, Windows-1252 text and pounds as UTF-8" \
  "TS-000101||Library laptop 1|Library|2016-04-05|2019-04-05|49900|
TS-000102||Café laptop|Café|2015-12-24||49900|“spare” £20 deposit" \
  rows "SELECT tag, serial, name, location, purchased, warranty_until, cost_pence, notes FROM assets ORDER BY tag"

# --- blank serials in a file that has the column
printf '%s\r\n' 'Asset Tag,Serial Number,Manufacturer,Model Name' \
  'TS-000111,,Dell,Latitude 5420' 'TS-000112,  ,Dell,Latitude 5420' 'TS-000113,5CG111,HP,ProBook' >blank.csv
refused "blank serials without the flag: each line" \
  "blank.csv:2: Serial Number: blank: every asset needs its serial (--allow-missing-serial imports it without one, to record later)
blank.csv:3: Serial Number: blank: every asset needs its serial (--allow-missing-serial imports it without one, to record later)
error: 'blank.csv' not imported: nothing was changed (2 problems)" \
  "$A" asset import blank.csv
check_out "with the flag: two blank serials of one make are not duplicates" "blank.csv: 3 assets added" \
  "$A" asset import --allow-missing-serial blank.csv
printf 'serial,make,model\n5cg111,hp,ProBook\n' >dup.csv
refused "a serial still may not be registered twice" "dup.csv:2: serial: serial '5cg111' (hp) is already registered as 'TS-000113'" \
  "$A" asset import --allow-missing-serial dup.csv
check_err "asset show '' finds no blank-serial asset" 1 "no asset '' in the register" "$A" asset show ""
run "$A" report compliance
check "report compliance lists every asset without a serial (exit 1)" [ "$rc" -eq 1 ]
check "... under its own heading, with each asset" [ "$(printf '%s\n' "$out" | grep -A4 'FIX   assets without a serial number')" = "FIX   assets without a serial number: 4
        TS-000101 Dell Latitude 3540 (in_stock, Library)
        TS-000102 Dell Latitude 3540 (in_stock, Café)
        TS-000111 Dell Latitude 5420 (in_stock, -)
        TS-000112 Dell Latitude 5420 (in_stock, -)" ]
check_rc "an asset without a serial can be edited" 0 "$A" asset edit TS-000111 --location "Room 4"
check_err "... but its serial cannot be set blank" 1 "serial: required" "$A" asset edit TS-000113 --serial " "
check_rc "recording the serial" 0 "$A" asset edit TS-000111 --serial 7QX2VZ3
run "$A" report compliance --json
check "... takes it off the list" [ "$(printf '%s' "$out" | jq -r '.sections[] | select(.key == "no_serial") | .items | map(.tag) | join(",")')" = "TS-000101,TS-000102,TS-000112" ]

# --- dates in every form
printf '%s\n' 'tag,serial,make,model,purchased,warranty_until,last_audited' \
  'TS-000121,D121,Dell,L,2023-01-23,2026-01-23 00:00:00,2024-09-01T08:30:00Z' \
  'TS-000122,D122,Dell,L,2023-01-23T00:00:00,,' >iso.csv
check_out "ISO dates, with or without a time, need no flag" "iso.csv: 2 assets added" "$A" asset import iso.csv
printf '%s\n' 'tag,serial,make,model,purchased,warranty_until,last_audited' \
  'TS-000131,D131,Dell,L,23/1/23,23/01/2026,01/09/2024 08:30' \
  'TS-000132,D132,Dell,L,2023-01-23,5/6/2026,' >dmy.csv
refused "slashed dates without --date-format: line and column" \
  "dmy.csv:2: purchased: '23/1/23' is a day-first or month-first date: say which with --date-format d/m/y or --date-format m/d/y
dmy.csv:3: warranty_until: '5/6/2026' is a day-first or month-first date" "$A" asset import dmy.csv
check_out "--date-format d/m/y" "dmy.csv: 2 assets added" "$A" asset import --date-format d/m/y dmy.csv
printf '%s\n' 'tag,serial,make,model,purchased' 'TS-000141,D141,Dell,L,1/23/23' 'TS-000142,D142,Dell,L,06/05/2026 00:00' >mdy.csv
check_out "--date-format m/d/y" "mdy.csv: 2 assets added" "$A" asset import --date-format m/d/y mdy.csv
check_out "each read as it should be" "TS-000121|2023-01-23|2026-01-23|2024-09-01
TS-000122|2023-01-23||
TS-000131|2023-01-23|2026-01-23|2024-09-01
TS-000132|2023-01-23|2026-06-05|
TS-000141|2023-01-23||
TS-000142|2026-06-05||" \
  rows "SELECT tag, purchased, warranty_until, last_audited FROM assets WHERE tag >= 'TS-00012' AND tag < 'TS-00015' ORDER BY tag"
printf '%s\n' 'tag,serial,make,model,purchased' 'TS-000151,D151,Dell,L,31/02/2023' 'TS-000152,D152,Dell,L,29/02/23' >invalid.csv
refused "an invalid day-first date: line and column" \
  "invalid.csv:2: purchased: '31/02/2023' is not a date: read as d/m/y, month 2 has no day 31
invalid.csv:3: purchased: '29/02/23' is not a date: read as d/m/y, month 2 has no day 29" \
  "$A" asset import --date-format d/m/y invalid.csv
check_err "--date-format takes d/m/y or m/d/y" 2 "--date-format 'y/m/d': use d/m/y or m/d/y" \
  "$A" asset import --date-format y/m/d invalid.csv

# --- Windows-1252, undefined bytes, --encoding
printf 'Asset Tag,Serial Number,Manufacturer,Model Name,Purchase Cost,Notes\r\nTS-000161,W161,Dell,Latitude,\xa3649.99,\x93Caf\xe9\x94 trolley\r\n' >win.csv
refused "--encoding utf-8: not converted, so refused on its line" \
  "win.csv:2: Purchase Cost: not valid UTF-8 (save the file as UTF-8, or give its --encoding)" \
  "$A" asset import --encoding utf-8 win.csv
printf 'serial,make,model,location\nM1,Apple,iMac G3,Caf\x8e\n' >mac.csv
check_out "--encoding macintosh (older Excel for Mac)" "mac.csv: 1 asset added" "$A" asset import --encoding mac-roman mac.csv
check_out "... read as Mac Roman" "Café" rows "SELECT location FROM assets WHERE serial = 'M1'"
check_out "--encoding windows-1252 says it, so nothing is guessed" "win.csv: 1 asset added" \
  "$A" asset import --encoding windows-1252 win.csv
check "... and nothing is said on stderr" [ -z "$err" ]
check_out "£, é and curly quotes arrive as UTF-8" "64999|“Café” trolley" rows "SELECT cost_pence, notes FROM assets WHERE tag = 'TS-000161'"
printf 'serial,make,model,location\nU1,Dell,L,Room 1\nU2,Dell,L,Caf\xe9 \x81\nU3,Dell,L\x8d\x8f\x90,Room 1\nU4,Dell,L,\x9d\n' >undefined.csv
refused "bytes Windows-1252 leaves undefined: each line named" \
  "undefined.csv:3: location: byte 0x81 is neither UTF-8 nor a Windows-1252 character (save the file as CSV UTF-8)
undefined.csv:4: model: byte 0x8D is neither UTF-8 nor a Windows-1252 character (save the file as CSV UTF-8)
undefined.csv:5: location: byte 0x9D is neither UTF-8 nor a Windows-1252 character (save the file as CSV UTF-8)
error: 'undefined.csv' not imported: nothing was changed (3 problems)" "$A" asset import undefined.csv
refused "... and with --encoding windows-1252" \
  "undefined.csv:3: location: byte 0x81 is not a character in Windows-1252 (is --encoding right?)" \
  "$A" asset import --encoding cp1252 undefined.csv
check_err "an encoding the import does not read" 2 "--encoding 'utf-16': not an encoding the import reads" \
  "$A" asset import --encoding utf-16 win.csv

# --- Warranty (months), from the purchase date
printf '%s\n' 'Asset Tag,Serial Number,Manufacturer,Model Name,Purchase Date,Warranty (months)' \
  'TS-000171,W171,HP,ProBook,2024-01-31,13' 'TS-000172,W172,HP,ProBook,2023-05-10,36' >warranty.csv
check_out "Warranty (months) is read, not ignored" "warranty.csv: 2 assets added" "$A" asset import warranty.csv
check_out "... as months from the purchase date (31 January + 13: end of February)" "2025-02-28
2026-05-10" rows "SELECT warranty_until FROM assets WHERE tag LIKE 'TS-00017%' ORDER BY tag"

# --- Snipe-IT's user import columns: End Date, Start Date, Activated
printf '%s\n' 'First Name,Last Name,Email,Username,Employee Number,Job Title,Start Date,End Date,Activated' \
  'Rhiannon,Evans,r.evans@school.example,revans,E1001,Teaching Assistant,1/9/2019,31/8/2026,1' \
  'Dafydd,Llyr,d.llyr@school.example,dllyr,,Caretaker,01/09/2020,,0' >users.csv
refused "user dates are slashed too" "users.csv:2: End Date: '31/8/2026' is a day-first or month-first date" "$A" person import users.csv
check_out "End Date is the leaving date; Start Date and Activated are read and said to be kept nowhere" "users.csv: 2 people added
columns read but not kept: Start Date (the register keeps no start date), Activated (Snipe-IT's log-in switch; a leaving date is End Date)" \
  "$A" person import --date-format d/m/y users.csv
check_out "... the leaving date and job title" "dllyr|Dafydd Llyr|Caretaker|
E1001|Rhiannon Evans|Teaching Assistant|2026-08-31" rows "SELECT ref, name, job_title, leaving_date FROM people ORDER BY ref"

# --- a checkout's date as Snipe-IT's importer also names it, read as --date-format says
printf '%s\n' 'Asset Tag,Serial Number,Manufacturer,Model Name,Checkout Type,Checked Out To: Username,Last Checkout' \
  'TS-000181,L181,Dell,Latitude,user,dllyr,24/01/2023 10:00' 'TS-000182,L182,Dell,Latitude,,,01/05/2022' >checkout.csv
refused "a slashed checkout date needs --date-format too" \
  "checkout.csv:2: Last Checkout: '24/01/2023 10:00' is a day-first or month-first date" "$A" asset import checkout.csv
check_out "Last Checkout dates the loan of a row that names its holder; a returned asset's is history" "checkout.csv: 2 assets added" \
  "$A" asset import --date-format d/m/y checkout.csv
check_out "... the loan" "TS-000181|dllyr|2023-01-24" \
  rows "SELECT a.tag, p.ref, substr(l.issued_at, 1, 10) FROM loans l JOIN assets a ON a.id = l.asset_id JOIN people p ON p.id = l.person_id"

check_rc "the register still verifies" 0 "$A" audit verify
done_testing
