#!/usr/bin/env bash
# The command line as a new user meets it: no arguments, help, --help on
# every command and sub-command, unknown commands and options, missing
# values (exit 2, one message naming the problem, the usage line); the man
# page documents every command; the bash completion offers every command,
# sub-command (wipe's list/show/verify too) and option.
. "$(dirname "$0")/lib.sh"
new_db
run "$A"
check "no arguments: exit 2, the command list on stderr" [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ "$err" == "usage: assetctl [--db PATH] COMMAND"* ]]
check_out "help lists every command the table has" "$(printf '%s\n' "$err")" "$A" help
exact "help of an unknown command" 2 "" "error: 'nosuch' is not an assetctl command: see 'assetctl help'" "$A" help nosuch
exact "help of an unknown sub-command" 2 "" "error: 'cert nosuch' is not an assetctl command: see 'assetctl help cert'" "$A" help cert nosuch
exact "an unknown command" 2 "" "error: 'nosuch' is not an assetctl command: see 'assetctl help'" "$A" nosuch
run "$A" cert
check "a group with no command says so" [ "$rc" -eq 2 ] && [ "$(head -1 <<<"$err")" = "error: 'cert' needs a command: one of those below" ]
run "$A" cert --bogus
check "a group with an option first says where it goes" [ "$rc" -eq 2 ] &&
  [ "$(head -1 <<<"$err")" = "error: '--bogus' comes after the command: 'cert COMMAND --bogus'" ]
exact "an unknown option: getopt's message once, then the usage" 2 "" "assetctl init: unrecognized option '--bogus'
usage: assetctl init --school NAME --tag-prefix PREFIX
Run 'assetctl init --help' for the options." "$A" init --bogus
exact "a missing value" 2 "" "assetctl person sign-aup: option '--date' requires an argument
usage: assetctl person sign-aup REF [--date DATE] [--version V] [--clear]
Run 'assetctl person sign-aup --help' for the options." "$A" person sign-aup JB --date
exact "wipe list with a wipe option" 2 "" "assetctl wipe list: unrecognized option '--method'
usage: assetctl wipe list [--asset TAG] [--json|--csv]
Run 'assetctl wipe list --help' for the options." "$A" wipe list --method zero

# every command and sub-command: --help and help X agree, exit 0, stdout only
mapfile -t leaves < <(leaf_commands)
bad=
for l in "${leaves[@]}"; do
  # shellcheck disable=SC2086
  h=$("$A" $l --help 2>"$T/e"); r=$?
  # shellcheck disable=SC2086
  [ "$r" -eq 0 ] && [ ! -s "$T/e" ] && [[ "$h" == "usage: assetctl $l"* ]] && [ "$h" = "$("$A" help $l)" ] || bad="$bad [$l]"
  # the options each help line starts with, for the completion check below
  sed -n '/^options:/,$p' <<<"$h" | grep -o '^  --[a-z][a-z0-9-]*' | tr -d ' ' | sed "s/^/$l|/" >>"$T/wanted"
done
check "each of the ${#leaves[@]} commands has --help, the same as 'help X'$bad" [ -z "$bad" ] && [ "${#leaves[@]}" -gt 60 ]
# the built man page (the COMMANDS section generated from the tables) has
# every command, and in its entry every option its --help lists
bad=
man="$ASSETCTL_BUILDDIR/doc/assetctl.1"
if [ -f "$man" ]; then
  for l in "${leaves[@]}" "wipe list" "wipe show" "wipe verify"; do
    entry=$(awk -v h="\\\\fB$l\\\\fR" '/^\.SH/ {cmds = ($2 == "COMMANDS")} cmds && index($0, h) == 1 {on = 1; print; next}
      on && /^\\fB[^-]/ {on = 0} on' "$man")
    [ -n "$entry" ] || { bad="$bad [$l]"; continue; }
    # shellcheck disable=SC2086
    for o in $("$A" $l --help | sed -n '/^options:/,/^$/p' | grep -E '^  -' | sed -E 's/^  //; s/  .*//' | grep -oE -- '--[a-z][a-z0-9-]*'); do
      grep -qF "\fB$o\fR" <<<"$entry" || bad="$bad [$l $o]"
    done
  done
  check "the built man page documents every command and each of its options$bad" [ -z "$bad" ]
else
  skip "the built man page" "scdoc is not installed"
fi

# the completion script, driven as bash drives it
"$A" completion bash >"$T/comp.bash"
check "the completion script is valid bash" bash -n "$T/comp.bash"
complete_words() { # WORDS...: what completes the last word
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _assetctl; printf "%s\n" "${COMPREPLY[@]}"' -- "$T/comp.bash" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
mkdir -p "$T/cwd" && cd "$T/cwd" && touch list.img
check_out "commands" "cert check completion consignment" complete_words assetctl c
check_out "sub-commands" "export issue list show verify" complete_words assetctl cert ""
check_out "wipe's sub-verbs, and files" "list list.img" complete_words assetctl wipe li
check_out "help COMMAND" "cert check completion consignment" complete_words assetctl help c
check_out "help COMMAND SUBCOMMAND" "verify" complete_words assetctl help cert v
check_out "a sub-command's options" "--authoriser-key" complete_words assetctl cert verify --a
check_out "wipe's options" "--key --key-dir" complete_words assetctl wipe /dev/sdb --ke
# one bash for all: each line "WORDS...|OPTION" must complete OPTION
bad=$(bash -c '. "$1"; while IFS="|" read -r l o; do
    read -ra w <<<"assetctl $l $o"; COMP_WORDS=("${w[@]}"); COMP_CWORD=$((${#w[@]} - 1)); _assetctl
    [[ " ${COMPREPLY[*]} " == *" $o "* ]] || printf " [%s %s]" "$l" "$o"
  done <"$2"' -- "$T/comp.bash" "$T/wanted")
check "every option ($(wc -l <"$T/wanted")) a command's help starts a line with completes$bad" [ -z "$bad" ] && [ "$(wc -l <"$T/wanted")" -gt 100 ]
done_testing
