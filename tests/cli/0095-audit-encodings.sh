#!/usr/bin/env bash
# A register written by the release before audit encoding 2
# (tests/data/registers/v0.1.0.db, made by make-v0.1.0.sh beside it: every
# event under encoding 1) still verifies with this assetctl, under the same
# head; new events are written under encoding 2 and the log of both
# verifies; an edit behind the tool's back is caught under either encoding,
# naming the event, and so is an event whose recorded encoding was changed.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_NOW=2026-02-02T10:00:00Z
src=$ASSETCTL_SRCDIR/tests/data/registers/v0.1.0.db
old_head=228db2c0a63499266df31e756dccb8a0d170badd78a9b6ad7a7ac44980e14b73
base=$T/reg.db
cp "$src" "$base"
export ASSETCTL_DB=$base

check_out "the old register verifies, same head as it was written with" \
  "audit log intact: 22 events, head $old_head" "$A" audit verify
check_out "its events all carry encoding 1" "1|22" sqlite3 "$base" "SELECT encoding, count(*) FROM audit_events GROUP BY encoding"

"$A" asset add --make Acer --model Aspire --serial NEW1 >/dev/null            # event 23, asset 7
"$A" asset edit TS-000001 --location "Room 20" >/dev/null                    # event 24: a v1 row rewritten
"$A" person add --ref NP --name "New Person" >/dev/null                      # event 25, person 7
"$A" person sign-aup NP --date 2026-02-01 --version v3 >/dev/null            # event 26
"$A" issue TS-000002 NP >/dev/null                                           # event 27
"$A" return TS-000002 >/dev/null                                             # event 28
printf 'serial,make,model\nIMP1,HP,ProBook\nIMP2,HP,ProBook\nIMP3,HP,ProBook\n' >"$T/imp.csv"
"$A" asset import "$T/imp.csv" >/dev/null                                    # event 29, a run of 3
sqlite3 "$base" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
head=$(sqlite3 "$base" "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
check_out "old and new events verify together" "audit log intact: 29 events, head $head" "$A" audit verify
check_out "new events carry encoding 2" "1|22
2|7" sqlite3 "$base" "SELECT encoding, count(*) FROM audit_events GROUP BY encoding"
check "the old events' hashes are untouched" \
  test "$(sqlite3 "$base" "SELECT hash FROM audit_events WHERE id = 22")" = "$old_head"

n=0
tamper() {
  n=$((n + 1))
  export ASSETCTL_DB="$T/copy$n.db"
  sqlite3 "$base" ".backup '$ASSETCTL_DB'"
  sqlite3 "$ASSETCTL_DB" "$1"
}
broken() { # broken TITLE SQL MESSAGE
  tamper "$2"
  check_err "$1" 1 "error: audit log broken: $3" "$A" audit verify
}
broken "a row last written under encoding 1 edited" "UPDATE people SET name = 'Ann Changed' WHERE ref = 'HT'" \
  "event 12: people row 3 was changed after it (edited behind the tool's back)"
broken "an imported row (a v1 run) edited" "UPDATE people SET email = NULL WHERE ref = 'SJO'" \
  "event 22: people row 5 was changed after it (edited behind the tool's back)"
broken "a v1 row rewritten under encoding 2, edited" "UPDATE assets SET location = 'Skip' WHERE tag = 'TS-000001'" \
  "event 24: assets row 1 was changed after it (edited behind the tool's back)"
broken "a row written under encoding 2 edited" "UPDATE assets SET model = 'Other' WHERE serial = 'NEW1'" \
  "event 23: assets row 7 was changed after it (edited behind the tool's back)"
broken "a v2 run's row edited" "UPDATE assets SET serial = 'IMP9' WHERE serial = 'IMP2'" \
  "event 29: assets row 9 was changed after it (edited behind the tool's back)"
broken "a v2 row's value made a blob of the same bytes" "UPDATE people SET name = CAST(name AS BLOB) WHERE ref = 'NP'" \
  "event 26: people row 7 was changed after it (edited behind the tool's back)"
broken "a v1 event claimed as encoding 2" \
  "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET encoding = 2 WHERE id = 5" "event 5: "
broken "a v2 event claimed as encoding 1" \
  "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET encoding = 1 WHERE id = 23" "event 23: "
broken "an unknown encoding" \
  "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET encoding = 9 WHERE id = 25" \
  "event 25: unknown audit encoding 9 (written by a newer assetctl, or edited)"
done_testing
