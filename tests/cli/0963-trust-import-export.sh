#!/usr/bin/env bash
# trust import and trust export on a real server: a school's SQLite register
# (assets, people, a loan, a wipe with its certificate, disposals) moves into
# the trust and back out to a new file with its chain verifying to the same
# head and event count on both sides, row for row the same, and the file
# works as any register; the refusals; a row changed on the server behind
# the tool's back is caught by audit verify and by the next write, and
# audit accept records it.
. "$(dirname "$0")/lib.sh"
if ! need_pg; then
  skip "trust import and export" "no PostgreSQL server for this run"
  done_testing; exit
fi
new_db
SRC=$ASSETCTL_DB
"$A" init --school "Oak Primary" --tag-prefix OAK >/dev/null
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass"
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" key export-public school -o "$T/school.pub.pem" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB --date 2026-03-01 >/dev/null
size=$((1 << 20))
img="$T/drive.img"
head -c "$size" /dev/urandom >"$img"
"$A" asset add --make Dell --model "OptiPlex 3020" --serial PC1 --category desktop >/dev/null    # OAK-000001
"$A" asset add-media OAK-000001 --model ST500DM002 --serial Z3T1 --size "$size" --kind hdd >/dev/null
"$A" asset add --make Dell --model E1 --serial L1 >/dev/null                                      # OAK-000002
"$A" asset add --make Dell --model E1 --serial L2 >/dev/null                                      # OAK-000003
"$A" issue OAK-000002 JB --due 2026-12-18 >/dev/null
"$A" disposal request OAK-000001 --reason "end of life" >/dev/null
"$A" disposal authorise OAK-000001 --by HT >/dev/null
"$A" wipe "$img" --method nist-clear --asset OAK-000001 --yes --serial "$img" --progress none --key school \
  --passphrase-file "$T/pass" >/dev/null 2>&1
"$A" disposal request OAK-000003 --reason broken >/dev/null
check_out "the register: a certificate issued" "OAK-CERT-000001" sh -c "'$A' cert list --json | jq -r '.[].cert_id'"
run "$A" audit verify
check "the register verifies" [ "$rc" = 0 ]
HEAD=$(sed -n 's/^audit log intact: \([0-9]*\) events, head \([0-9a-f]*\)$/\1 \2/p' "$T/.out")
check "... to a head" [ -n "$HEAD" ]
unset ASSETCTL_DB

new_trust || { check "a trust database" false; done_testing; exit; }
OWNER=$(trust_uri "$TRUST_OWNER")
"$A" --db "$OWNER" trust init --name "Oak Trust" >/dev/null
ROWS=$(sqlite3 "$SRC" "SELECT (SELECT count(*) FROM settings) + (SELECT count(*) FROM assets) + (SELECT count(*) FROM media)
  + (SELECT count(*) FROM people) + (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM audit_rows) + (SELECT count(*) FROM loans)
  + (SELECT count(*) FROM wipes) + (SELECT count(*) FROM wipe_passes) + (SELECT count(*) FROM wipe_digests) + (SELECT count(*) FROM keys)
  + (SELECT count(*) FROM disposal_requests) + (SELECT count(*) FROM authorisations) + (SELECT count(*) FROM certificates)")

check_out "import: the rows, events and head" \
  "$SRC moved in as school OAK: $ROWS rows, ${HEAD% *} audit events, chain head ${HEAD#* }" \
  "$A" --db "$OWNER" trust import "$SRC" --code OAK
check_out "the school's chain verifies in the trust to the same head" "audit log intact: ${HEAD% *} events, head ${HEAD#* }" \
  "$A" --db "$OWNER" --school OAK audit verify
run "$A" --db "$OWNER" audit log --json
check "the trust's chain records the import with the head" \
  [ "$(jq -r '[.[] | select(.action == "trust.import")] | .[0] | "\(.subject) \(.details | "\(.events) \(.head)")"' "$T/.out")" = "OAK $HEAD" ]
check_out "the trust's chain verifies" "audit log intact" sh -c "'$A' --db '$OWNER' audit verify | cut -d: -f1"
check_out "the school's name and prefix came with it" "OAK,Oak Primary,OAK" \
  sh -c "'$A' --db '$OWNER' trust school list --csv | grep ^OAK, | cut -d, -f1-3"
for c in "asset list --json" "person list --json" "cert list --json" "disposal list --json" "wipe list --json" "audit log --json" \
         "cert show OAK-CERT-000001 --json" "asset show OAK-000001 --json"; do
  # shellcheck disable=SC2086
  check_out "in the trust, '$c' reads as in the file" "$(ASSETCTL_DB=$SRC "$A" $c)" "$A" --db "$OWNER" --school OAK $c
done

# refusals
cp "$SRC" "$T/broken.db"
sqlite3 "$T/broken.db" "UPDATE assets SET location = 'Shed' WHERE tag = 'OAK-000003'"
check_err "a file whose chain is broken" 1 \
  "cannot import '$T/broken.db': its audit log is not intact (event " \
  "$A" --db "$OWNER" trust import "$T/broken.db" --code ASH
check_err "a code taken" 1 "cannot add school 'OAK': the code is taken" "$A" --db "$OWNER" trust import "$SRC" --code OAK
check_err "a URI as the file" 1 "is a server: give a SQLite register file to import" \
  "$A" --db "$OWNER" trust import "$OWNER" --code ASH
check_err "a file that is not there" 1 "cannot import '$T/none.db'" "$A" --db "$OWNER" trust import "$T/none.db" --code ASH
check_out "nothing of the refusals in the trust" "OAK" sh -c "'$A' --db '$OWNER' trust school list --csv | sed 1d | cut -d, -f1"
check_out "... nor rows of another school" "0" \
  psql -qAtX -d "$TRUST_DB" -c "SELECT count(*) FROM assets WHERE school_id NOT IN (SELECT id FROM schools)"

# export back to a new file
check_out "export: the same rows, events and head" \
  "school OAK written to $T/out.db: $ROWS rows, ${HEAD% *} audit events, chain head ${HEAD#* }" \
  "$A" --db "$OWNER" trust export "$T/out.db" --school OAK
check_out "the file verifies to the same head and count" "audit log intact: ${HEAD% *} events, head ${HEAD#* }" \
  "$A" --db "$T/out.db" audit verify
dump() { sqlite3 "$1" .dump | grep -v '^INSERT INTO sqlite_sequence'; }
check "the file holds the register row for row" cmp -s <(dump "$SRC") <(dump "$T/out.db")
run "$A" --db "$OWNER" audit log --json
check "the trust's chain records the export" \
  [ "$(jq -r '[.[] | select(.action == "trust.export")] | .[0] | "\(.subject) \(.details | "\(.events) \(.head)")"' "$T/.out")" = "OAK $HEAD" ]
check_err "an existing export file" 1 "cannot export to '$T/out.db': it exists (give a new file)" \
  "$A" --db "$OWNER" trust export "$T/out.db" --school OAK
check_err "a URI as the export file" 1 "is a server: give a SQLite register file to export to" \
  "$A" --db "$OWNER" trust export "$OWNER" --school OAK
check_err "an unknown school" 1 "no school 'ASH' in the trust" "$A" --db "$OWNER" trust export "$T/ash.db" --school ASH
check "... and no file left" [ ! -e "$T/ash.db" ]

# the exported file is a register like any other
export ASSETCTL_DB=$T/out.db
check_out "cert verify of the exported certificate" "good" sh -c "cd '$T' && '$A' cert export OAK-CERT-000001 -o '$T/c' >/dev/null &&
  '$A' cert verify '$T/c/OAK-CERT-000001.json' --key '$T/school.pub.pem' | head -1 | cut -d: -f1"
check_out "return the loan" "OAK-000002 returned" sh -c "'$A' return OAK-000002 | head -1 | cut -d' ' -f1,2"
check_out "add an asset: the next tag" "OAK-000004" "$A" asset add --make HP --model G1 --serial H1
check_out "authorise the other disposal" "OAK-000003: disposal authorised" sh -c "'$A' disposal authorise OAK-000003 --by HT | cut -d';' -f1"
check_out "the file's chain goes on" "audit log intact: $(( ${HEAD% *} + 4 )) events" sh -c "'$A' audit verify | cut -d, -f1"
unset ASSETCTL_DB

# a row changed on the server behind the tool's back
psql -qAtX -d "$TRUST_DB" -c "UPDATE assets SET location = 'Shed' WHERE tag = 'OAK-000003'" >/dev/null
check_err "audit verify in the school sees it" 1 "assets row 3 was changed after it" \
  "$A" --db "$OWNER" --school OAK audit verify
check_err "the next write to the row is refused" 1 \
  "the row differs from what audit event" "$A" --db "$OWNER" --school OAK asset edit OAK-000003 --location "Room 1"
check_out "a write to another row goes on" "OAK-000002 updated" "$A" --db "$OWNER" --school OAK asset edit OAK-000002 --location "Room 2"
check_out "audit accept records it" "asset 'OAK-000003' accepted as found" \
  sh -c "'$A' --db '$OWNER' --school OAK audit accept assets OAK-000003 --by 'Ann Head' --reason 'moved during the works' | cut -d'(' -f1 | sed 's/ \$//'"
check_out "then the school's chain verifies" "audit log intact" sh -c "'$A' --db '$OWNER' --school OAK audit verify | cut -d: -f1"
check_out "and the write works" "OAK-000003 updated" "$A" --db "$OWNER" --school OAK asset edit OAK-000003 --location "Room 1"
done_testing
