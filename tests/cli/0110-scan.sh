#!/usr/bin/env bash
# Scan mode: a recorded session (CR LF, lower case, URLs, badges, junk) and
# every line it prints; fixed modes; the bell only on a terminal.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
D=$ASSETCTL_SRCDIR/tests/data/scans
for i in 1 2 3 5 6; do "$A" asset add --tag TS-00000$i --make Dell --model "Latitude 3190" --serial "S$i" --location "Trolley 1" >/dev/null; done
"$A" asset add --make HP --model ProBook --serial S4 --location Office --personal-data --tag TS-000004 >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person add --ref AO --name "Ann Other" >/dev/null
"$A" person add --ref NS --name "Nat Signed" >/dev/null
"$A" person add --ref LEFT --name "Lee Ft" >/dev/null
for p in JB AO LEFT; do "$A" person sign-aup $p --date 2026-09-01 >/dev/null; done
"$A" person leaving LEFT --date 2026-10-31 >/dev/null
"$A" person badge JB 4711 >/dev/null

check_out "a recorded trolley session, line by line" "borrower: Jo Bloggs (JB), holds nothing
TS-000001 issued to Jo Bloggs (JB)
TS-000002 issued to Jo Bloggs (JB)
TS-000003 issued to Jo Bloggs (JB)
refused: cannot issue 'TS-000004': it may hold personal data but is not encrypted (encrypt it and record that with 'assetctl asset edit TS-000004 --encrypted', or give --override REASON)
refused: cannot issue 'TS-000001': it is issued to Jo Bloggs (JB) since 2026-11-23 (return it first)
done with Jo Bloggs (JB): no borrower selected
borrower: Jo Bloggs (JB), holds 3: TS-000001, TS-000002, TS-000003
refused: 'TS-999999' is not an asset tag, person or badge on the register
done with Jo Bloggs (JB): no borrower selected
refused: cannot issue kit to 'NS': Nat Signed has not signed the acceptable-use agreement (record it with 'assetctl person sign-aup NS')
refused: cannot return 'TS-000005': it is not on loan (it is in stock; scan a person first to issue it)
ignored: 'asdf jkl;' is not a tag, person reference or badge
ignored: '\\x1b[A' is a line with a control character, not a tag, person reference or badge
TS-000001 returned by Jo Bloggs (JB)
TS-000002 returned by Jo Bloggs (JB)
refused: cannot issue kit to 'LEFT': Lee Ft left on 2026-10-31 (a leaver cannot be given kit; if the date is wrong, clear it with 'assetctl person leaving LEFT --clear')
borrower: Ann Other (AO), holds nothing
TS-000001 issued to Ann Other (AO)
done with Ann Other (AO): no borrower selected
TS-000003 returned by Jo Bloggs (JB)
21 scans: 4 issued, 3 returned, 6 refused, 2 ignored" "$A" scan <"$D/trolley.txt"
check "no bell in piped output" sh -c "! \"$A\" scan <'$D/trolley.txt' | grep -q \$(printf '\\a')"
check_out "--bell always rings once for each refusal and junk line" "3" \
  sh -c "printf 'ZZ-1\nTS-000005\nfoo bar\n' | \"$A\" scan --bell always | tr -cd '\\a' | wc -c"
check_out "the register agrees with the session" "TS-000001 issued
TS-000002 in_stock
TS-000003 in_stock" sh -c "\"$A\" asset list --csv | sed -n '2,4p' | cut -d, -f1,7 | tr , ' '"

check_out "--mode return: a person scan lists what they hold, kit comes back" "Ann Other (AO) holds 1: TS-000001
TS-000001 returned by Ann Other (AO)
refused: cannot return 'TS-000002': it is not on loan (it is in stock)
3 scans: 0 issued, 1 returned, 1 looked up, 1 refused, 0 ignored" \
  sh -c "printf 'ao\nTS-000001\nTS-000002\n' | \"$A\" scan --mode return"
check_out "--mode issue: kit before a person is refused" "refused: cannot issue 'TS-000001': no borrower selected (scan a person's badge or reference first)
borrower: Ann Other (AO), holds nothing
TS-000001 issued to Ann Other (AO), due 2026-12-18
TS-000002 issued to Ann Other (AO), due 2026-12-18
4 scans: 2 issued, 0 returned, 1 refused, 0 ignored" \
  sh -c "printf 'TS-000001\nAO\nTS-000001\nTS-000002\n' | \"$A\" scan --mode issue --due 2026-12-18"
check_out "--mode lookup changes nothing" "TS-000001 Dell Latitude 3190 (S1): issued to Ann Other (AO) since 2026-11-23, due 2026-12-18
TS-000005 Dell Latitude 3190 (S5): in stock, Trolley 1
Jo Bloggs (JB) holds nothing
3 scans: 0 issued, 0 returned, 3 looked up, 0 refused, 0 ignored" \
  sh -c "printf 'TS-000001\nts-000005\n4711\n' | \"$A\" scan --mode lookup"
check_err "--mode bogus is usage" 2 "'bogus' is not a scan mode" "$A" scan --mode bogus
check_err "--mode stocktake with none open" 1 "no stock-take is open: start one with 'assetctl stocktake start ROOM'" \
  sh -c "\"$A\" scan --mode stocktake </dev/null"
check_out "an empty session" "0 scans: 0 issued, 0 returned, 0 refused, 0 ignored" sh -c "\"$A\" scan </dev/null"
check_out "--timing reports to stderr" "timing: 2 scans" \
  sh -c "printf 'TS-000001\nTS-000002\n' | \"$A\" scan --mode lookup --timing 2>&1 >/dev/null | cut -d' ' -f1-3"
check_rc "audit verify" 0 "$A" audit verify
done_testing
