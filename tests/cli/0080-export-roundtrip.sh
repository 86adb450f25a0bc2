#!/usr/bin/env bash
# asset export / person export are lossless: a register with every field set
# (nasty text, every state an import accepts, storage media with WWNs and
# their states, open loans with due dates, conditions and overrides, badges,
# signed agreements, leaving dates) is exported as CSV and as JSON, each is
# imported into a fresh register (people first), and exporting that register
# gives the same bytes, and `asset show --json` / `person show --json` the
# same records, asset by asset and person by person.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_TODAY=2026-11-23
new_db src
SRC=$ASSETCTL_DB
cd "$T" || exit 1

# people: every field, UTF-8, commas and quotes, an authoriser, a leaver,
# badges; values given with spaces around them are stored trimmed
"$A" person add --ref JB --name "  Siân Llŷr-Évans  " --email jb@school.org --role governor \
  --job-title 'Head of Year 7, "acting"' --authoriser >/dev/null
"$A" person sign-aup JB --date 2026-01-02 --version "v3.1 (2025)" >/dev/null
"$A" person badge JB B-0001 >/dev/null
"$A" person badge JB 990012 >/dev/null
"$A" person add --ref P2026-17 --name "O'Brien, Seán" --role pupil >/dev/null
"$A" person sign-aup P2026-17 --date 2025-09-04 >/dev/null
"$A" person add --ref LV --name "Lee Vaughan" --email lee.v@school.org --role contractor >/dev/null
"$A" person sign-aup LV --date 2024-04-01 --version v2 >/dev/null
"$A" person leaving LV --date 2026-12-19 >/dev/null
"$A" person add --ref vol1 --name "Vi Volunteer" --role volunteer --job-title "  " >/dev/null

# assets: every field, nasty notes, every state an import accepts
notes=$'  Keyboard replaced, 2024; "sticky" keys\nline two: café ☕ — 100%\n\nlast line, trailing spaces   '
"$A" asset add --make Dell --model "Latitude 5420" --serial 7QK2D13 --name "Head's laptop" --category laptop \
  --location "Swyddfa'r Pennaeth" --purchased 2022-08-15 --cost 649.99 --supplier "Cyfrifiaduron Cymru, Cyf." \
  --order-number PO-7781 --warranty 2025-08-15 --notes "$notes" --personal-data --encrypted >/dev/null
"$A" asset add --make Apple --model "iPad (9th generation)" --serial DMPXK2Q1 --cost 0 --category tablet \
  --location "Ystafell 4 — Gymraeg" >/dev/null
"$A" asset add --make HP --model "EliteDesk 800 G4" --serial CZC8231XYZ --cost 0.01 --personal-data >/dev/null
"$A" asset add --make Lenovo --model "ThinkPad T14" --serial PF3ABC12 --location "Room 12" >/dev/null
"$A" asset add --make Epson --model EB-X41 --serial X41-0001 --location "Room 12" >/dev/null
"$A" asset add --tag LEGACY-7 --make Acer --model "TravelMate P2" --serial NXVLE123 >/dev/null
# storage media: several per asset, WWNs, every kind
"$A" asset add-media TS-000001 --model "Samsung SSD 870 EVO 500GB" --serial S5Y1NJ0R123456 --size 500107862016 --kind ssd >/dev/null
"$A" asset add-media TS-000003 --model "WDC WD5000AAKX-08U6AA0" --serial "WD-WCC2EUR12345" --size 500107862016 --kind hdd >/dev/null
"$A" asset add-media TS-000003 --model "SanDisk Ultra Fit" --serial 4C530001 --size 32015679488 --kind flash >/dev/null
"$A" asset add-media TS-000004 --model "SAMSUNG MZVLB512HBJQ-000L7" --serial S4ENNF0M654321 --size 512110190592 --kind nvme >/dev/null
# loans: one with a due date, a condition and an override, one plain
"$A" issue TS-000001 JB --due 2026-12-01 --condition 'good, "scratched" lid; no charger; ☕ stain' >/dev/null
"$A" issue TS-000003 P2026-17 --override "head's approval, 2026-11-20" >/dev/null
# lost, stolen, found (incidents), a last audit (stock-take)
"$A" incident report TS-000005 --kind stolen --details "taken from Room 12" >/dev/null
"$A" incident report LEGACY-7 --kind lost --details "left on the bus" >/dev/null
"$A" found LEGACY-7 >/dev/null
"$A" stocktake start "Room 12" >/dev/null
"$A" stocktake scan TS-000004 >/dev/null
"$A" stocktake finish >/dev/null
# a second register's kit, brought in by import: in repair, disposed, a
# medium that was erased, a WWN
printf '%s\n' 'tag,serial,make,model,status,media,created_at,updated_at' \
  'YA-000010,SN-REPAIR,Dell,OptiPlex 7010,in repair,,2020-01-02T03:04:05Z,2021-06-07T08:09:10Z' \
  'YA-000011,SN-GONE,Dell,OptiPlex 7010,disposed,"[{""model"":""ST500DM002"",""serial"":""Z3T0ABCD"",""size_bytes"":500107862016,""kind"":""hdd"",""wwn"":""0x5000c5006a1b2c3d"",""status"":""erased"",""created_at"":""2020-01-02T03:04:05Z""}]",2020-01-02T03:04:05Z,2024-03-01T12:00:00Z' \
  >more.csv
check_out "assets in repair and disposed come in from another register" "more.csv: 2 assets added" "$A" asset import more.csv
check_rc "the source register verifies" 0 "$A" audit verify

# export both ways, import each into a fresh register, export again
for fmt in csv json; do
  ASSETCTL_DB=$SRC "$A" person export --format $fmt -o "people-1.$fmt"
  ASSETCTL_DB=$SRC "$A" asset export --format $fmt -o "assets-1.$fmt"
  new_db "-$fmt"
  check_out "$fmt: people import" "people-1.$fmt: 4 people added" "$A" person import "people-1.$fmt"
  check_out "$fmt: assets import" "assets-1.$fmt: 8 assets added" "$A" asset import "assets-1.$fmt"
  "$A" person export --format $fmt -o "people-2.$fmt"
  "$A" asset export --format $fmt -o "assets-2.$fmt"
  check "$fmt: people export again is byte for byte the same" cmp "people-1.$fmt" "people-2.$fmt"
  check "$fmt: asset export again is byte for byte the same" cmp "assets-1.$fmt" "assets-2.$fmt"
  for other in csv json; do
    check "$fmt import, $other export: same as the source's" cmp <(ASSETCTL_DB=$SRC "$A" asset export --format $other) \
      <("$A" asset export --format $other)
  done
  same=yes
  for tag in TS-000001 TS-000002 TS-000003 TS-000004 TS-000005 LEGACY-7 YA-000010 YA-000011; do
    # row ids are the store's own: everything else must match
    a=$(ASSETCTL_DB=$SRC "$A" asset show "$tag" --json | jq -S 'del(.id) | .media |= map(del(.id))')
    b=$("$A" asset show "$tag" --json | jq -S 'del(.id) | .media |= map(del(.id))')
    [ -n "$a" ] && [ "$a" = "$b" ] || { same="no: $tag"; echo "$a" >"$tag.a"; echo "$b" >"$tag.b"; diff "$tag.a" "$tag.b"; }
  done
  check "$fmt: asset show --json is the same for every asset" [ "$same" = yes ]
  same=yes
  for ref in JB P2026-17 LV vol1; do
    a=$(ASSETCTL_DB=$SRC "$A" person show "$ref" --json | jq -S 'del(.id)')
    b=$("$A" person show "$ref" --json | jq -S 'del(.id)')
    [ -n "$a" ] && [ "$a" = "$b" ] || same="no: $ref"
  done
  check "$fmt: person show --json is the same for every person" [ "$same" = yes ]
  check_out "$fmt: the loans came back" "TS-000001|JB|2026-11-23|2026-12-01|good, \"scratched\" lid; no charger; ☕ stain||import
TS-000003|P2026-17|2026-11-23|||head's approval, 2026-11-20|import" \
    db_sql "SELECT a.tag, p.ref, l.issued_at, l.due, l.condition_out, l.override_reason, l.source FROM loans l JOIN assets a ON a.id = l.asset_id JOIN people p ON p.id = l.person_id WHERE l.returned_at IS NULL ORDER BY a.tag"
  check_out "$fmt: badges scan to their person" "JB" bash -c "echo 990012 | \"$A\" scan --mode lookup >/dev/null; db_sql \"SELECT p.ref FROM badges b JOIN people p ON p.id = b.person_id WHERE b.badge = '990012'\""
  check_out "$fmt: an imported loan is returned like any other" "TS-000001 returned by Siân Llŷr-Évans (JB)" "$A" return TS-000001
  check_rc "$fmt: the imported register verifies" 0 "$A" audit verify
  check_out "$fmt: one import event per file" "person.import
asset.import" db_sql "SELECT action FROM audit_events WHERE action LIKE '%.import' ORDER BY id"
  check_err "$fmt: a medium edited behind the tool's back is caught" 1 "media row" \
    bash -c "db_tamper \"UPDATE media SET size_bytes = 1 WHERE serial = 'Z3T0ABCD'\" && \"$A\" audit verify"
  export ASSETCTL_DB=$SRC
done

check_out "the CSV media cell is one JSON array per asset" \
  '[{"model":"WDC WD5000AAKX-08U6AA0","serial":"WD-WCC2EUR12345","size_bytes":500107862016,"kind":"hdd","status":"fitted","created_at":"'"$(ASSETCTL_DB=$SRC db_sql "SELECT created_at FROM media WHERE serial = 'WD-WCC2EUR12345'")"'"},{"model":"SanDisk Ultra Fit","serial":"4C530001","size_bytes":32015679488,"kind":"flash","status":"fitted","created_at":"'"$(ASSETCTL_DB=$SRC db_sql "SELECT created_at FROM media WHERE serial = '4C530001'")"'"}]' \
  sh -c "\"$A\" asset export --format json | jq -c '.[] | select(.tag == \"TS-000003\") | .media'"
check_out "the JSON export carries the WWN" '"0x5000c5006a1b2c3d"' \
  sh -c "\"$A\" asset export --format json | jq '.[] | select(.tag == \"YA-000011\") | .media[0].wwn'"
check_out "badges in CSV: separated by spaces" "JB,B-0001 990012" sh -c "\"$A\" person export | grep '^JB,' | cut -d, -f1,13"
done_testing
