#!/usr/bin/env bash
# wipe's sub-commands (list, show, verify) against files of the same name:
# the sub-command is only the word right after `wipe` and only reads; a bare
# sub-command word anywhere else is refused (exit 2) and nothing is written;
# ./list wipes the file. Image files only.
. "$(dirname "$0")/lib.sh"
new_db
mkdir -p "$T/cwd" && cd "$T/cwd" || exit 1
for f in list show verify; do head -c 65536 /dev/urandom >"$f"; done
sha() { sha256sum list show verify; }
sha >"$T/sums"
usage="usage: assetctl wipe DEVICE... [OPTIONS]
Run 'assetctl wipe --help' for the options."
for f in list show verify; do
  exact "'wipe --method zero $f' is refused, not a wipe of ./$f" 2 "" \
    "error: '$f' is not taken as a device: it is the sub-command 'wipe $f' when it comes right after 'wipe'; to wipe a file named '$f', write ./$f
$usage" "$A" wipe --method zero --yes --serial "$f" "$f"
done
exact "... also among other devices" 2 "" \
  "error: 'show' is not taken as a device: it is the sub-command 'wipe show' when it comes right after 'wipe'; to wipe a file named 'show', write ./show
$usage" "$A" wipe ./list show --method zero --yes --serial ./list --serial show
exact "wipe list is the listing, even with a file named list here" 0 "ID  STARTED  TARGET  ASSET  SERIAL  METHOD  VERIFY  OUTCOME" "" \
  "$A" wipe list
exact "wipe list with a device after it is a usage error" 2 "" "error: unexpected argument 'verify'
usage: assetctl wipe list [--asset TAG] [--json|--csv]
Run 'assetctl wipe list --help' for the options." "$A" wipe list verify
run "$A" wipe verify show --pattern zero
check "wipe verify reads the file named show, and says it differs" [ "$rc" -eq 1 ] && [[ "$err" == "error: 'show' does not match the pattern 00: 65536 bytes differ"* ]]
check_out "none of the files was written" "$(cat "$T/sums")" sha
check_out "no wipe was recorded" "0" db_sql "SELECT count(*) FROM wipes"
run "$A" wipe ./list --method zero --yes --serial ./list --progress none
check "./list wipes the file named list" [ "$rc" -eq 0 ] && [ "$(tr -d '\0' <list | wc -c)" -eq 0 ]
check_out "... and only it" "$(grep -v ' list$' "$T/sums")" sh -c "sha256sum show verify"
check_out "wipe show 1 is that wipe" "./list" sh -c "\"$A\" wipe show 1 --json | jq -r .target"
done_testing
