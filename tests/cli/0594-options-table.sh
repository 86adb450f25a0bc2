#!/usr/bin/env bash
# Options declared once: the parser the dispatcher runs from each command's
# table (required option missing, bad number, repeated list, unknown option,
# too many and too few positionals: exit 2, the message, the usage line),
# and the completion and the man page's COMMANDS section name exactly the
# options the tables have (as --help prints them), nothing else.
. "$(dirname "$0")/lib.sh"
new_db
exact "a required option missing" 2 "" "error: --school is required
usage: assetctl init --school NAME --tag-prefix PREFIX
Run 'assetctl init --help' for the options." "$A" init --tag-prefix TS
"$A" init --school "Test School" --tag-prefix TS >/dev/null
exact "a bad number" 2 "" "error: --within 'soon' is not a number from 0 to 36500
usage: assetctl report leavers [--within DAYS] [--all-schools] [--json|--csv]
Run 'assetctl report leavers --help' for the options." "$A" report leavers --within soon
exact "a number out of range" 2 "" "error: --within '-1' is not a number from 0 to 36500
usage: assetctl report leavers [--within DAYS] [--all-schools] [--json|--csv]
Run 'assetctl report leavers --help' for the options." "$A" report leavers --within=-1
exact "an unknown option" 2 "" "assetctl asset list: unrecognized option '--nosuch'
usage: assetctl asset list [--status S] [--location L] [--category C] [--json|--csv]
Run 'assetctl asset list --help' for the options." "$A" asset list --nosuch
exact "too many positionals" 2 "" "error: unexpected argument 'extra'
usage: assetctl report overdue [--all-schools] [--json|--csv]
Run 'assetctl report overdue --help' for the options." "$A" report overdue extra
exact "too few positionals (the row's message)" 2 "" "error: give a reference and a badge number
usage: assetctl person badge REF BADGE
Run 'assetctl person badge --help' for the options." "$A" person badge JB
exact "a bad word for an enum option" 2 "" "error: --format 'xml': use csv or json
usage: assetctl asset export [--format F] [--json|--csv] [--output FILE]
Run 'assetctl asset export --help' for the options." "$A" asset export --format xml
printf 'Asset Tag,Serial,Manufacturer,Model,Status\nTS-000001,S1,Dell,E1,Scrap\nTS-000002,S2,Dell,E2,Gone\n' >"$T/a.csv"
check_out "a repeated list option keeps every value, in order" "$T/a.csv: would add 2 assets (dry run: nothing was changed)" \
  "$A" asset import --dry-run --status-map Scrap=in_stock --status-map Gone=lost "$T/a.csv"
check_err "... one missing is still refused" 1 "Gone" "$A" asset import --dry-run --status-map Scrap=in_stock "$T/a.csv"
exact "options after positionals, and --opt=value" 0 "TS-000001" "" "$A" asset add --make Dell --model E1 --serial=S1 --tag TS-000001

# every leaf's options as its --help prints them ("  --x" or "  -x, --x" and
# joined "--a, --b" lines)
mapfile -t leaves < <(leaf_commands)
leaves+=("wipe list" "wipe show" "wipe verify")
"$A" completion bash >"$T/comp.bash"
"$A" help --man >"$T/commands.scd"
bad= n_table=0
for l in "${leaves[@]}"; do
  entry=$(awk -v h="*$l*" 'index($0, h) == 1 {on = 1; next} /^\*/ {on = 0} on' "$T/commands.scd")
  grep -qF "*$l*" "$T/commands.scd" || bad="$bad [man: $l missing]"
  n_table=$((n_table + 1))
  # shellcheck disable=SC2086
  "$A" $l --help | sed -n '/^options:/,/^$/p' | grep -E '^  -' | sed -E 's/^  //; s/  .*//' |
    grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$T/help"
  # shellcheck disable=SC2016
  got=$(bash -c '. "$1"; _assetctl_opts "$2"' -- "$T/comp.bash" "$l" | tr ' ' '\n' | sort -u)
  [ "$got" = "$( (echo --help; cat "$T/help") | sort -u)" ] || bad="$bad [completion: $l]"
  man=$(grep -E '^'$'\t''[*]' <<<"$entry" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
  [ "$man" = "$(cat "$T/help")" ] || bad="$bad [man: $l]"
done
check "completion and man page name each command's options, no more ($n_table of ${#leaves[@]} commands)$bad" [ -z "$bad" ] && [ "$n_table" -gt 60 ] && [ "$n_table" -eq "${#leaves[@]}" ]
if command -v scdoc >/dev/null; then
  check "the COMMANDS section is valid scdoc" sh -c "cat '$ASSETCTL_SRCDIR/doc/man/00-head.scd' '$T/commands.scd' | scdoc >/dev/null"
fi
check "the built man page has the generated section" grep -q 'COMMANDS' "$ASSETCTL_BUILDDIR/doc/assetctl.1"
done_testing
