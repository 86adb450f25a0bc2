#!/usr/bin/env bash
# Scan mode on a terminal, as a person uses it: a pseudo-terminal (tmux),
# scans typed one at a time with Enter, an answer after each, the bell on a
# refusal (the raw terminal output is recorded with script(1)), Ctrl-D for
# the summary.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { skip "scan on a terminal" "tmux is not installed"; done_testing; exit; }
command -v script >/dev/null || { skip "scan on a terminal" "script (util-linux) is not installed"; done_testing; exit; }
new_db
export ASSETCTL_TODAY=2026-11-23
"$A" asset add --make Dell --model "Latitude 3190" --serial S1 >/dev/null
"$A" asset add --make Dell --model "Latitude 3190" --serial S2 >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB >/dev/null

sock="assetctl-test-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT
# wait until the pane shows TEXT (up to 60 s: a loaded machine is slow, a
# passing run does not wait that long)
wait_for() {
  local i
  for i in $(seq 600); do
    tm capture-pane -p -t scan | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
tm new-session -d -s scan -x 160 -y 40 \
  "env ASSETCTL_DB='$ASSETCTL_DB' ASSETCTL_TODAY=2026-11-23 ASSETCTL_ACTOR=tester script -qfec '$A scan' '$T/typescript'; echo SCAN-EXIT=\$?; sleep 60"
check "a prompt on a terminal" wait_for "scan a person, then their kit"
tm send-keys -t scan "jb" Enter
check "person scan answered" wait_for "borrower: Jo Bloggs (JB), holds nothing"
tm send-keys -t scan "ts-000001" Enter
check "issue answered" wait_for "TS-000001 issued to Jo Bloggs (JB)"
tm send-keys -t scan "TS-000404" Enter
check "refusal answered, the scanner goes on" wait_for "refused: 'TS-000404' is not an asset tag"
tm send-keys -t scan "DONE" Enter "TS-000001" Enter
check "return after DONE" wait_for "TS-000001 returned by Jo Bloggs (JB)"
tm send-keys -t scan C-d
check "Ctrl-D ends with the summary" wait_for "5 scans: 1 issued, 1 returned, 1 refused, 0 ignored"
check "exit status 0" wait_for "SCAN-EXIT=0"
check_out "the bell rang once, after the refusal, on the terminal" "1" sh -c "tr -cd '\\a' <'$T/typescript' | wc -c"
check "the bell is on the refusal's line" grep -qa "$(printf "is not an asset tag, person or badge on the register\a")" "$T/typescript"
# Ctrl-C also ends the session with its summary; the scans made are kept
tm kill-session -t scan
tm new-session -d -s scan2 -x 160 -y 40 \
  "env ASSETCTL_DB='$ASSETCTL_DB' ASSETCTL_TODAY=2026-11-23 ASSETCTL_ACTOR=tester '$A' scan --mode lookup; echo SCAN-EXIT=\$?; sleep 60"
wait_for() {
  local i
  for i in $(seq 600); do
    tm capture-pane -p -t scan2 | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
check "lookup session starts" wait_for "Ctrl-D to finish"
tm send-keys -t scan2 "ts-000002" Enter
check "lookup answered" wait_for "TS-000002 Dell Latitude 3190 (S2): in stock"
tm send-keys -t scan2 C-c
check "Ctrl-C: the summary, exit 0" wait_for "1 scan: 0 issued, 0 returned, 1 looked up, 0 refused, 0 ignored"
check "... and exit 0" wait_for "SCAN-EXIT=0"
check_out "the register agrees" "TS-000001 in_stock" sh -c "\"$A\" asset list --csv | sed -n 2p | cut -d, -f1,7 | tr , ' '"
done_testing
