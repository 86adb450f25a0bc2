#!/usr/bin/env bash
# The corpus of bad files in tests/data/bad-csv: each must be rejected with
# exactly the FILE:LINE: column: reason lines in its .expect file (every bad
# row, with the physical line its record starts on), exit 1, and leave the
# register byte for byte unchanged (sqlite3 .dump before and after).
. "$(dirname "$0")/lib.sh"
D=$ASSETCTL_SRCDIR/tests/data/bad-csv
new_db
# something to collide with: TS-000001 (Dell ABC123) and person JB
"$A" asset add --make Dell --model "Latitude 5420" --serial ABC123 >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
cd "$D" || exit 1
n=0
for f in *.csv *.json; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  case $f in person-*) kind=person ;; *) kind=asset ;; esac
  want=$(cat "${f%.*}.expect")
  before=$(dump)
  run "$A" $kind import "$f"
  after=$(dump)
  if [ "$rc" -eq 1 ] && [ "$err" = "$want" ] && [ -z "$out" ] && [ "$before" = "$after" ]; then
    _ok "$f rejected"
  else
    _not_ok "$f rejected" "exit $rc (wanted 1); register unchanged: $([ "$before" = "$after" ] && echo yes || echo NO)
--- wanted
$want
--- got
$err$out"
  fi
  run "$A" $kind import --dry-run "$f"
  check "$f --dry-run: same verdict" test "$rc" -eq 1 -a "$err" = "$want"
done
check "the corpus has at least 15 files" [ "$n" -ge 15 ]
check_rc "the register still verifies" 0 "$A" audit verify
done_testing
