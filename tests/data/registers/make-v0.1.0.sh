#!/bin/bash
# Make v0.1.0.db: a small register written by the release before audit
# encoding 2 (main at 09d9f3d), for tests/cli/0095-audit-encodings.sh.
# Every event in it is written under audit encoding 1.
#
#   git -C REPO archive 09d9f3d | tar -x -C /tmp/old
#   (cd /tmp/old && meson setup build && ninja -C build assetctl)
#   tests/data/registers/make-v0.1.0.sh /tmp/old/build/assetctl
#
# It prints the audit head the register ends with; the test checks the
# same head comes back.
set -eu
A=${1:?usage: make-v0.1.0.sh OLD-ASSETCTL}
here=$(cd "$(dirname "$0")" && pwd)
csv=$here/../good-csv
out=$here/v0.1.0.db
work=$(mktemp -d /tmp/assetctl-mkreg.XXXXXX)
trap 'rm -rf "$work"' EXIT
export ASSETCTL_DB=$work/assets.db ASSETCTL_ACTOR=maker LC_ALL=C.UTF-8
"$A" init --school "Old School" --tag-prefix TS >/dev/null
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 --location "Room 12" --personal-data --encrypted --cost 649.99 >/dev/null # TS-000001
"$A" asset add --make Apple --model iPad --serial I2 --location "Room 4" >/dev/null                # TS-000002
"$A" asset add --make HP --model ProDesk --serial PC3 --category desktop >/dev/null                # TS-000003
"$A" asset add --make Logitech --model Keyboard --serial KB4 >/dev/null                            # TS-000004
"$A" asset add-media TS-000001 --model "WD Blue" --serial WD1 --size 500107862016 --kind hdd >/dev/null
"$A" asset add-media TS-000002 --model "iPad flash" --serial FL1 --size 64000000000 --kind flash >/dev/null
"$A" asset add-media TS-000003 --model "ST500DM002" --serial Z3T1 --size 500107862016 --kind hdd >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" --email jo@school.org >/dev/null
"$A" person add --ref AO --name "Ann Other" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
"$A" person sign-aup JB --date 2026-01-02 --version v3 >/dev/null
"$A" person sign-aup AO --date 2026-01-02 --version v3 >/dev/null
"$A" issue TS-000001 JB --condition "good, charger" >/dev/null
"$A" issue TS-000002 AO >/dev/null
"$A" return TS-000002 --condition scuffed >/dev/null
"$A" incident report TS-000004 --kind damaged --details "keys sticky" >/dev/null
"$A" disposal request TS-000003 --reason "end of life" >/dev/null
"$A" disposal authorise TS-000003 --by HT >/dev/null
(cd "$csv" && "$A" asset import ours-assets.csv >/dev/null && "$A" person import staff.csv >/dev/null)
"$A" audit verify >/dev/null
# one file, no WAL beside it
sqlite3 "$ASSETCTL_DB" 'PRAGMA journal_mode = DELETE' >/dev/null
cp "$ASSETCTL_DB" "$out"
"$A" --db "$out" audit verify
