#!/usr/bin/env bash
# asset import: Snipe-IT's checkout columns become open loans; an unknown
# person rejects the row (with its line) and the whole file.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
"$A" person add --ref jbloggs --name "Jo Bloggs" --email jo@school.org >/dev/null
"$A" person add --ref AO --name "Ann Other" --email a.other@school.org >/dev/null
cd "$T" || exit 1
printf '%s\r\n' \
  'Asset Tag,Serial Number,Manufacturer,Model Name,Status,Checked Out To: Username,Checked Out To: Email,Checkout Type' \
  'YA-000001,S1,Dell,Latitude 5420,Deployed,JBloggs,,user' \
  'YA-000002,S2,Dell,Latitude 5420,Deployed,,A.Other@School.org,user' \
  'YA-000003,S3,Epson,EB-X41,Deployed,,,location' \
  'YA-000004,S4,Apple,iPad,Ready to Deploy,,,' >good.csv
check_out "checked-out rows become loans" "good.csv: 4 assets added" "$A" asset import good.csv
check_out "matched by reference (any case) and by email" "YA-000001 Jo Bloggs (jbloggs)
YA-000002 Ann Other (AO)" sh -c "for t in 1 2; do echo YA-00000\$t | \"$A\" scan --mode lookup | head -1 | sed -E 's/^(YA-[0-9]+) .*: issued to (.*\\)) since.*/\\1 \\2/'; done"
check_out "statuses" "YA-000001,issued
YA-000002,issued
YA-000003,in_stock
YA-000004,in_stock" sh -c "\"$A\" asset list --csv | tail -n +2 | cut -d, -f1,7"
check_out "the loans are marked as imported" "import
import" db_sql "SELECT source FROM loans ORDER BY id"
check_out "kit held without a signed agreement shows in compliance" \
  "FIX   people holding kit without a signed acceptable-use agreement: 2" sh -c "\"$A\" report compliance | sed -n 2p"
check_rc "audit verify after the import" 0 "$A" audit verify
check_out "an imported loan comes back like any other" "YA-000001 returned by Jo Bloggs (jbloggs)" "$A" return YA-000001
check_rc "audit verify after the return" 0 "$A" audit verify

H='Asset Tag,Serial Number,Manufacturer,Model Name,Status,Checked Out To: Username,Checkout Type'
printf '%s\n' "$H" 'YA-000010,S10,Dell,Latitude 5420,Deployed,jbloggs,user' 'YA-000011,S11,Dell,Latitude 5420,Deployed,nobody,user' \
  'YA-000012,S12,Dell,Latitude 5420,Ready to Deploy,,' >bad1.csv
printf '%s\n' "$H" 'YA-000010,S10,Dell,Latitude 5420,Deployed,,user' >bad2.csv
printf '%s\n' "$H" 'YA-000010,S10,Dell,Latitude 5420,Deployed,AO,van' >bad3.csv
before=$(dump)
check_err "unknown person: the row's line is named" 1 \
  "bad1.csv:3: Checked Out To: Username: no person 'nobody' on the register (by reference or email): add them first ('assetctl person add' or 'assetctl person import')" \
  "$A" asset import bad1.csv
check_err "... and the whole file is refused" 1 "error: 'bad1.csv' not imported: nothing was changed (1 problem)" "$A" asset import bad1.csv
check "nothing was changed (not even the good rows before it)" [ "$before" = "$(dump)" ]
check_err "a user checkout with nobody named" 1 \
  "bad2.csv:2: Checkout Type: checked out to a user, but 'Checked Out To: Username' and 'Checked Out To: Email' are empty" \
  "$A" asset import bad2.csv
check_err "an unknown checkout type" 1 "bad3.csv:2: Checkout Type: 'van' is not user, location or asset" "$A" asset import bad3.csv
check_err "a dry run checks the people too" 1 "bad1.csv:3: Checked Out To: Username: no person 'nobody'" "$A" asset import --dry-run bad1.csv
check "still nothing changed" [ "$before" = "$(dump)" ]
done_testing
