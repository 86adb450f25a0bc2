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
# Both processes are started on FIFOs before any scan is written, and the
# scans are fed half a round at a time to each in turn, so the two really
# run at once (on a loaded machine too) and fight over the same laptops.
mkfifo "$T/jb.fifo" "$T/ao.fifo"
"$A" scan <"$T/jb.fifo" >"$T/jb.out" 2>"$T/jb.err" &
p1=$!
"$A" scan <"$T/ao.fifo" >"$T/ao.out" 2>"$T/ao.err" &
p2=$!
exec 3>"$T/jb.fifo" 4>"$T/ao.fifo"
half() { # FD REF issue|return
  local i
  if [ "$3" = issue ]; then
    echo "$2" >&"$1"
    for i in $(seq 10); do printf 'TS-%06d\n' "$i" >&"$1"; done
    echo DONE >&"$1"
  else
    for i in $(seq 10); do printf 'ts-%06d\r\n' "$i" >&"$1"; done
  fi
}
for r in $(seq 30); do
  half 3 JB issue; half 4 AO issue
  half 3 JB return; half 4 AO return
done
exec 3>&- 4>&-
wait $p1; rc1=$?
wait $p2; rc2=$?
check "both sessions ended well" test "$rc1" = 0 -a "$rc2" = 0
check "no errors (no 'database is locked')" test ! -s "$T/jb.err" -a ! -s "$T/ao.err"
check "every scan answered" test "$(($(wc -l <"$T/jb.out") + $(wc -l <"$T/ao.out")))" = $((2 * (30 * 22) + 2))
issued=$(cat "$T/jb.out" "$T/ao.out" | grep -c '^TS-[0-9]* issued to ')
returned=$(cat "$T/jb.out" "$T/ao.out" | grep -c '^TS-[0-9]* returned by ')
refused=$(cat "$T/jb.out" "$T/ao.out" | grep -c '^refused')
echo "# $issued issued, $returned returned, $refused refused"
# (who wins each laptop depends on timing: the checks below hold whatever the interleaving)
q() { db_sql "$1"; }
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
