#!/usr/bin/env bash
# Snipe-IT's status labels. Its custom asset report (Reports > Custom Asset
# Report; tests/data/good-csv/snipeit-custom-report.csv is written by hand
# from its columns) gives "Status" as "Label (type)"; its import files and
# the plain listing give the label alone. Default labels and the deployable
# / deployed / pending types map by themselves; a label of type archived or
# undeployable, or an unknown one, is refused on its line with how to map it
# (--status-map 'Label=STATE', repeatable), and then imported as mapped.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_TODAY=2026-11-23 ASSETCTL_NOW=2026-11-23T09:00:00Z
F=$ASSETCTL_SRCDIR/tests/data/good-csv/snipeit-custom-report.csv
new_db
"$A" init --school "Ysgol y Bryn" --tag-prefix YB >/dev/null
"$A" person add --ref jbloggs --name "Jo Bloggs" --email jo@school.org >/dev/null
cd "$T" || exit 1
cp "$F" report.csv
hint="say what it means with --status-map"
before=$(dump)
check_err "labels with no one meaning: each line named, with how to map it" 1 \
  "report.csv:9: Status: 'Broken - Not Fixable (undeployable)' is a Snipe-IT label of type undeployable, which has no one meaning here: $hint 'Broken - Not Fixable=STATE' (in_stock, in_repair, lost, stolen, found or disposed)
report.csv:10: Status: 'Archived (archived)' is a Snipe-IT label of type archived, which has no one meaning here: $hint 'Archived=STATE' (in_stock, in_repair, lost, stolen, found or disposed)
report.csv:12: Status: 'Awaiting Collection (undeployable)' is a Snipe-IT label of type undeployable, which has no one meaning here: $hint 'Awaiting Collection=STATE' (in_stock, in_repair, lost, stolen, found or disposed)
error: 'report.csv' not imported: nothing was changed (3 problems)" \
  "$A" asset import report.csv
check "... and nothing changed" [ "$before" = "$(dump)" ]
check_err "a map for one label leaves the others refused" 1 "report.csv:10: Status: 'Archived (archived)'" \
  "$A" asset import --status-map 'Broken - Not Fixable=disposed' report.csv
check_err "--status-map without '='" 2 "--status-map 'Archived': give LABEL=STATE" \
  "$A" asset import --status-map Archived report.csv
check_err "--status-map to a state that does not exist" 2 "--status-map 'Archived=binned': 'binned' is not a state" \
  "$A" asset import --status-map Archived=binned report.csv
check_err "--status-map is for assets: person import has no such option" 2 "assetctl person import: unrecognized option '--status-map'" \
  "$A" person import --status-map Archived=disposed report.csv
check_err "a map to a state part-way through disposal is refused too" 1 \
  "report.csv:10: Status: 'Archived (archived)' is part-way through disposal (authorised): its disposal records (request, authorisation, certificates, consignment) are not in the file" \
  "$A" asset import --status-map 'broken not fixable=disposed' --status-map 'Awaiting Collection=in_stock' \
  --status-map 'Archived=authorised' report.csv
check_out "mapped (any case, '-' and spaces alike, with or without the type), it imports" \
  "report.csv: 10 assets added
columns ignored: Company, Model No., EOL, Default Location, Checked Out, Next Audit Date" \
  "$A" asset import --status-map 'broken not fixable=disposed' --status-map 'ARCHIVED=disposed' \
  --status-map 'Awaiting Collection (undeployable)=in stock' report.csv
check_out "each label's state" "YB-0001,issued
YB-0002,in_stock
YB-0003,in_stock
YB-0004,in_stock
YB-0005,in_repair
YB-0006,lost
YB-0007,disposed
YB-0008,disposed
YB-0009,in_stock
YB-0010,in_stock" sh -c "\"$A\" asset list --csv | tail -n +2 | cut -d, -f1,7"
check_out "the report's checkout columns made the loan (Username; Checkout and Expected Checkin dates)" \
  "YB-0001|jbloggs|2024-09-02|2025-07-18|import" \
  db_sql "SELECT a.tag, p.ref, l.issued_at, l.due, l.source FROM loans l JOIN assets a ON a.id = l.asset_id JOIN people p ON p.id = l.person_id"
check_out "Snipe-IT's times and money (updated now: the import issued it)" "2023-09-01T10:31:02Z|2026-11-23T09:00:00Z|2024-01-15|104900|2026-09-01" \
  db_sql "SELECT created_at, updated_at, last_audited, cost_pence, warranty_until FROM assets WHERE tag = 'YB-0001'"
check_out "... a row not issued keeps its times" "2021-08-01T09:00:00Z|2024-05-01T09:00:00Z" \
  db_sql "SELECT created_at, updated_at FROM assets WHERE tag = 'YB-0005'"
check_rc "audit verify" 0 "$A" audit verify

# the label alone (Snipe-IT's import files, its listing export), and ours
new_db 2
printf '%s\n' 'Asset Tag,Serial,Manufacturer,Model,Status' \
  'X-1,S1,Dell,D1,Ready to Deploy' 'X-2,S2,Dell,D1,Pending' 'X-3,S3,Dell,D1,Out for Diagnostics' \
  'X-4,S4,Dell,D1,Lost/Stolen' 'X-5,S5,Dell,D1,in stock' 'X-6,S6,Dell,D1,In_Repair' 'X-7,S7,Dell,D1,stolen' \
  'X-8,S8,Dell,D1,found' 'X-9,S9,Dell,D1,Disposed' 'X-10,S10,Dell,D1,Spare (deployable)' >labels.csv
check_out "default labels and our own states need no map" "labels.csv: 10 assets added" "$A" asset import labels.csv
check_out "their states" "in_stock in_stock in_repair lost in_stock in_repair stolen found disposed in_stock" \
  sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do \"$A\" asset show X-\$i --json | jq -r .status; done | paste -sd' '"
printf '%s\n' 'Asset Tag,Serial,Manufacturer,Model,Status' 'Y-1,T1,Dell,D1,Broken - Not Fixable' 'Y-2,T2,Dell,D1,Retired' >custom.csv
check_err "a label alone: the same hint" 1 \
  "custom.csv:2: Status: 'Broken - Not Fixable' is not a status here: $hint 'Broken - Not Fixable=STATE' (in_stock, in_repair, lost, stolen, found or disposed)
custom.csv:3: Status: 'Retired' is not a status here: $hint 'Retired=STATE'" "$A" asset import custom.csv
check_out "mapped" "custom.csv: 2 assets added" "$A" asset import --status-map 'Broken - Not Fixable=disposed' \
  --status-map Retired=disposed custom.csv
done_testing
