#!/usr/bin/env bash
# The register: init, assets, people, show/list formats, refusals.
. "$(dirname "$0")/lib.sh"
new_db

check_out "first asset gets PREFIX-000001" "TS-000001" \
  "$A" asset add --make Dell --model "Latitude 5420" --serial ABC123 --location "Room 12" --cost 649.99 --personal-data
check_out "second asset counts on" "TS-000002" "$A" asset add --make Apple --model iPad --serial DMPX1
check_err "same serial, same make (other case) refused naming the tag" 1 \
  "serial 'abc123' (dell) is already registered as 'TS-000001'" "$A" asset add --make dell --model x --serial abc123
check_err "bad tag refused" 1 "tag: 'TS 1' is not a valid tag" "$A" asset add --make X --model Y --serial Z --tag "TS 1"
check_err "missing serial is a usage error" 2 "--serial is required" "$A" asset add --make X --model Y
check_err "bad date named" 1 "purchased: '2023-02-30' is not a date" "$A" asset add --make X --model Y --serial Q --purchased 2023-02-30
check_err "bad cost named" 1 "cost: 'lots' is not an amount" "$A" asset add --make X --model Y --serial Q --cost lots
check_out "list as CSV" "tag,make,model,serial,category,location,status
TS-000001,Dell,Latitude 5420,ABC123,,Room 12,in_stock
TS-000002,Apple,iPad,DMPX1,,,in_stock" "$A" asset list --csv
check_out "show by serial, JSON status" '"in_stock"' sh -c "\"$A\" asset show abc123 --json | grep '\"status\"' | sed 's/.*: //; s/,\$//'"
check_err "unknown tag" 1 "no asset 'TS-000099' in the register" "$A" asset show TS-000099
check_out "edit" "TS-000001 updated" "$A" asset edit ts-000001 --location "Room 14"
check_err "tag cannot change" 2 "a tag cannot be changed" "$A" asset edit TS-000001 --tag X
check_out "person add" "JB" "$A" person add --ref JB --name "Jo Bloggs" --email jo@school.org --role staff
check_err "bad role" 1 "role: 'janitor' is not staff" "$A" person add --ref X1 --name X --role janitor
check_err "bad email" 1 "email: 'nope' is not an email address" "$A" person add --ref X1 --name X --email nope
check_err "duplicate ref" 1 "reference 'jb' is already in the register" "$A" person add --ref jb --name Other
check_rc "audit verify" 0 "$A" audit verify
check_err "no register" 1 "no register at" env ASSETCTL_DB="$T/none/a.db" "$A" asset list
check_rc "unknown command is usage" 2 "$A" frobnicate
check_rc "--help exits 0" 0 "$A" asset add --help
done_testing
