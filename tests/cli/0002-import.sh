#!/usr/bin/env bash
# asset/person import of good files (ours, Snipe-IT's, CRLF, BOM, quoted
# commas and line breaks, Welsh and accented text), --dry-run, and the
# export -> import -> export round trip, byte for byte, in CSV and JSON.
. "$(dirname "$0")/lib.sh"
D=$ASSETCTL_SRCDIR/tests/data/good-csv
new_db
# the Snipe-IT file checks YA-000100 out to 'hteacher': an open loan, so the
# person must be on the register first (issue 3)
"$A" person add --ref hteacher --name "Head Teacher" >/dev/null
cd "$D" || exit 1

before=$(dump)
check_out "dry run says what it would do" "snipeit-assets.csv: would add 3 assets (dry run: nothing was changed)" "$A" asset import --dry-run --date-format d/m/y snipeit-assets.csv
check "dry run changed nothing" [ "$before" = "$(dump)" ]
check_out "Snipe-IT asset export (BOM, CRLF, quoted commas and line breaks)" "snipeit-assets.csv: 3 assets added" "$A" asset import --date-format d/m/y snipeit-assets.csv
check_out "our own columns" "ours-assets.csv: 2 assets added" "$A" asset import ours-assets.csv
check_out "tags: given ones kept, missing ones continue after the highest" "TS-000001,YA-000100,YA-000101,YA-000200,YA-000201" \
  sh -c "\"$A\" asset list --csv | cut -d, -f1 | tail -n +2 | sort | paste -sd,"
check_out "multi-line quoted note kept, CRLF inside it made LF" '"Keyboard replaced\nunder warranty, 2024"' \
  sh -c "\"$A\" asset show YA-000100 --json | grep '\"notes\"' | sed 's/.*: //; s/,\$//'"
check_out "Snipe-IT fields mapped" "HP|EliteBook 840 G8|Swyddfa'r Pennaeth|104900|2023-09-01|2026-09-01|Cyfrifiaduron Cymru, Cyf.|PO-7781" \
  db_sql "SELECT make, model, location, cost_pence, purchased, warranty_until, supplier, order_number FROM assets WHERE tag = 'YA-000100'"
check_out "doubled quotes, £, warranty months" 'Case: "rugged" (blue)|32900|2024-01-31|Ystafell 4 — Gymraeg' \
  db_sql "SELECT notes, cost_pence, warranty_until, location FROM assets WHERE tag = 'YA-000101'"
check_out "generated tag for the untagged row" "TS-000001|Café" db_sql "SELECT tag, location FROM assets WHERE serial = 'CZC8231XYZ'"
check_out "Snipe-IT users: employee number else username as the reference" "snipeit-users.csv: 2 people added
columns ignored: Phone, Department" "$A" person import snipeit-users.csv
check_out "our staff columns" "staff.csv: 3 people added" "$A" person import staff.csv
check_out "names joined, accents kept" "dllyr|Dafydd Llŷr|Caretaker
E1001|Rhiannon Évans|Teaching Assistant, Year 3" \
  db_sql "SELECT ref, name, job_title FROM people WHERE ref IN ('E1001', 'dllyr') ORDER BY name"
check_out "one audit event per import file" "asset.import snipeit-assets.csv
asset.import ours-assets.csv
person.import snipeit-users.csv
person.import staff.csv" db_sql "SELECT action || ' ' || subject FROM audit_events WHERE action LIKE '%.import' ORDER BY id"
check_out "audit log of an imported asset shows its import" "asset.import,snipeit-assets.csv" \
  sh -c "\"$A\" audit log YA-000100 --csv | tail -n +2 | cut -d, -f4,5"
check_out "audit log of an imported person shows its import" "person.import,staff.csv" \
  sh -c "\"$A\" audit log SJO --csv | tail -n +2 | cut -d, -f4,5"
check_out "a multi-line note keeps to its column in show" "notes:          Keyboard replaced
                under warranty, 2024" sh -c "\"$A\" asset show YA-000100 | grep -A1 '^notes:'"
check_rc "audit verify after imports" 0 "$A" audit verify
check_err "an imported row edited behind the tool's back is caught" 1 \
  "error: audit log broken: event 5: assets row 4 was changed after it (edited behind the tool's back)" \
  bash -c "db_tamper \"UPDATE assets SET location = 'Skip' WHERE tag = 'YA-000200'\" && \"$A\" audit verify"
db_tamper "UPDATE assets SET location = 'Staff Room' WHERE tag = 'YA-000200'"
check_rc "putting it back verifies again" 0 "$A" audit verify
check_err "importing the same file twice is refused" 1 "ours-assets.csv:2: tag: tag 'YA-000200' is already in the register" \
  "$A" asset import ours-assets.csv

# round trips: export, import into an empty register (people first: an
# issued asset names its holder), export again
for fmt in csv json; do
  for kind in person asset; do
    "$A" $kind export --format $fmt -o "$T/$kind-1.$fmt"
    check_out "$kind export -o is mode 0600" "600" stat -c %a "$T/$kind-1.$fmt"
    ( export ASSETCTL_DB="$T/rt-$fmt/assets.db"
      [ $kind = person ] && "$A" init --school "Test School" --tag-prefix TS >/dev/null
      "$A" $kind import "$T/$kind-1.$fmt" >/dev/null
      "$A" $kind export --format $fmt >"$T/$kind-2.$fmt"
      "$A" $kind export --format csv >"$T/$kind-2.csv-from-$fmt" )
    check "$kind $fmt round trip is byte for byte" cmp "$T/$kind-1.$fmt" "$T/$kind-2.$fmt"
    check "$kind $fmt round trip gives the same records as CSV" cmp <("$A" $kind export) "$T/$kind-2.csv-from-$fmt"
  done
done
check_out "export to stdout: header" "tag,serial,make,model,name,category,location,status,issued_to,issued_at,due,condition_out,override_reason,personal_data,encrypted,purchased,cost_pence,supplier,order_number,warranty_until,notes,last_audited,created_at,updated_at,media" \
  sh -c "\"$A\" asset export | head -1"
check_rc "bad --format is usage" 2 "$A" asset export --format xml
check_rc "import needs a file" 2 "$A" asset import
check_err "missing file" 1 "cannot open '$T/nope.csv'" "$A" asset import "$T/nope.csv"
done_testing
