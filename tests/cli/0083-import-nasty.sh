#!/usr/bin/env bash
# The corpus of awkward files in tests/data/nasty-csv: what spreadsheets and
# other tools really write (a UTF-8 BOM, CRLF and mixed line ends, blank and
# empty ",,," rows, no final newline, quoted and padded headers, Excel's
# semicolons and its "sep=" line, tabs, decimal commas, a workbook saved
# with a .csv name, UTF-16). Each is accepted or refused exactly as its
# .expect file says: "exit N", the output, and for an accepted file the rows
# it wrote. A refused file leaves the register byte for byte unchanged, and
# --dry-run gives the same verdict.
. "$(dirname "$0")/lib.sh"
D=$ASSETCTL_SRCDIR/tests/data/nasty-csv
cd "$D" || exit 1
n=0
for f in *.csv; do
  n=$((n + 1))
  new_db "$n"
  want=$(cat "${f%.csv}.expect")
  before=$(dump)
  run "$A" asset import "$f"
  got="exit $rc
$out$err"
  if [ "$rc" -eq 0 ]; then
    got="$got
--- rows
$(db_sql "SELECT tag, serial, make, model, cost_pence, notes FROM assets ORDER BY tag")"
  else
    [ "$before" = "$(dump)" ] || got="$got
REGISTER CHANGED"
  fi
  if [ "$got" = "$want" ]; then _ok "$f"; else _not_ok "$f" "--- wanted
$want
--- got
$got"; fi
  if [ "$rc" -ne 0 ]; then
    run "$A" asset import --dry-run "$f"
    check "$f --dry-run: same verdict" test "exit $rc
$out$err" = "$(cat "${f%.csv}.expect")"
  fi
done
check "the corpus has at least 18 files" [ "$n" -ge 18 ]
done_testing
