#!/usr/bin/env bash
# Two technicians at once: two scan processes issuing and returning the same
# ten laptops at the same time. Every scan is one IMMEDIATE transaction, so
# they serialise: the register ends consistent, every change has its event,
# nothing is lost, and the audit chain verifies.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
for i in $(seq 10); do "$A" asset add --make Dell --model "Latitude 3190" --serial "C$i" >/dev/null; done
for p in JB AO; do "$A" person add --ref $p --name "Person $p" >/dev/null; "$A" person sign-aup $p >/dev/null; done
session() { # REF ROUNDS: issue all ten to REF, DONE, scan all ten back
  local r
  echo "$1"
  for r in $(seq "$2"); do
    for i in $(seq 10); do printf 'TS-%06d\n' "$i"; done
    echo DONE
    for i in $(seq 10); do printf 'ts-%06d\r\n' "$i"; done
    echo "$1"
  done
}
session JB 30 >"$T/jb.txt"
session AO 30 >"$T/ao.txt"
"$A" scan <"$T/jb.txt" >"$T/jb.out" 2>"$T/jb.err" &
p1=$!
"$A" scan <"$T/ao.txt" >"$T/ao.out" 2>"$T/ao.err" &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
check "both sessions ended well" test "$rc1" = 0 -a "$rc2" = 0
check "no errors (no 'database is locked')" test ! -s "$T/jb.err" -a ! -s "$T/ao.err"
check "every scan answered" test "$(($(wc -l <"$T/jb.out") + $(wc -l <"$T/ao.out")))" = $((2 * (1 + 30 * 22) + 2))
issued=$(cat "$T/jb.out" "$T/ao.out" | grep -c '^TS-[0-9]* issued to ')
returned=$(cat "$T/jb.out" "$T/ao.out" | grep -c '^TS-[0-9]* returned by ')
refused=$(cat "$T/jb.out" "$T/ao.out" | grep -c '^refused')
echo "# $issued issued, $returned returned, $refused refused"
check "they did contend (some scans refused)" test "$refused" -gt 0
check "both issued something" sh -c "grep -q 'issued to Person JB' '$T/jb.out' && grep -q 'issued to Person AO' '$T/ao.out'"
q() { sqlite3 "$ASSETCTL_DB" "$1"; }
check_out "one loan row per issue printed" "$issued" q "SELECT count(*) FROM loans"
check_out "one loan.issue event per issue" "$issued" q "SELECT count(*) FROM audit_events WHERE action = 'loan.issue'"
check_out "one loan.return event per return" "$returned" q "SELECT count(*) FROM audit_events WHERE action = 'loan.return'"
check_out "closed loans = returns" "$returned" q "SELECT count(*) FROM loans WHERE returned_at IS NOT NULL"
check_out "issued assets = open loans, one each" "0" \
  q "SELECT count(*) FROM assets a WHERE (a.status = 'issued') <> EXISTS (SELECT 1 FROM loans l WHERE l.asset_id = a.id AND l.returned_at IS NULL)"
check_out "the summaries add up" "$issued $returned" \
  sh -c "cat '$T/jb.out' '$T/ao.out' | sed -nE 's/^[0-9]+ scans: ([0-9]+) issued, ([0-9]+) returned.*/\1 \2/p' | awk '{i+=\$1; r+=\$2} END {print i, r}'"
check_rc "audit verify passes" 0 "$A" audit verify
done_testing
