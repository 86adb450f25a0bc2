#!/usr/bin/env bash
# Scan mode against input no scanner should send: an over-long line is
# discarded whole (never cut into pieces, the last of them a tag that gets
# issued), a NUL byte, C0 and C1 controls, DEL and invalid UTF-8 refuse the
# whole line (never truncated into another valid scan). The scans before
# and after are handled as usual, and nothing was issued by the junk.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
for i in 1 2; do "$A" asset add --tag TS-00000$i --make Dell --model "Latitude 3190" --serial "S$i" >/dev/null; done
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB --date 2026-09-01 >/dev/null
# after each case: take back whatever it issued, so the next starts the same
back() { "$A" return --all JB >/dev/null 2>&1 || true; }

# JB, then 65,535 junk bytes and a tag on one line, then a real scan
{ printf 'JB\n'; head -c 65535 /dev/zero | tr '\0' 'x'; printf 'TS-000001\nTS-000002\n'; } >"$T/long.txt"
check_out "a line longer than the buffer is discarded whole" "borrower: Jo Bloggs (JB), holds nothing
ignored: a line too long to be a scan (discarded whole), not a tag, person reference or badge
TS-000002 issued to Jo Bloggs (JB)
3 scans: 1 issued, 0 returned, 0 refused, 1 ignored" "$A" scan <"$T/long.txt"
check_out "the tag at the end of the long line was not issued" "in stock" sh -c "\"$A\" asset show TS-000001 | sed -n 's/^status: *//p'"
"$A" return TS-000002 >/dev/null || echo "return failed" >&2
# a line of several buffers' length, and one that ends at EOF with no LF
{ printf 'JB\n'; head -c 300000 /dev/zero | tr '\0' 'y'; printf 'TS-000001\n'; head -c 70000 /dev/zero | tr '\0' 'z'; printf 'TS-000002'; } >"$T/longer.txt"
check_out "lines of several buffers, and one at EOF, discarded whole" "borrower: Jo Bloggs (JB), holds nothing
ignored: a line too long to be a scan (discarded whole), not a tag, person reference or badge
ignored: a line too long to be a scan (discarded whole), not a tag, person reference or badge
3 scans: 0 issued, 0 returned, 0 refused, 2 ignored" "$A" scan <"$T/longer.txt"
back
# a line of just under the limit is read whole (and is junk for its length)
{ head -c 65000 /dev/zero | tr '\0' 'w'; printf '\nJB\n'; } >"$T/under.txt"
check_out "a long line that fits is one scan, the next line read as usual" "ignored: 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww' is not a tag, person reference or badge
borrower: Jo Bloggs (JB), holds nothing
2 scans: 0 issued, 0 returned, 0 refused, 1 ignored" "$A" scan <"$T/under.txt"

back
# NUL: "TS-000001\0junk" must not become TS-000001, nor "JB\0" JB
printf 'JB\0\nJB\nTS-000001\0x\nTS-000001\0\n\0TS-000002\n' >"$T/nul.txt"
check_out "a NUL byte refuses the whole line" "ignored: a line with a NUL byte, not a tag, person reference or badge
borrower: Jo Bloggs (JB), holds nothing
ignored: a line with a NUL byte, not a tag, person reference or badge
ignored: a line with a NUL byte, not a tag, person reference or badge
ignored: a line with a NUL byte, not a tag, person reference or badge
5 scans: 0 issued, 0 returned, 0 refused, 4 ignored" "$A" scan <"$T/nul.txt"

back
# controls anywhere, even in the part of a URL that is cut off (query,
# fragment) or in the white space trimmed at the ends
n=0
for bad in 'TS-000001\t' '\tTS-000001' 'TS-000001\v' 'TS-000001\f' '\rTS-000001' 'TS-000001\r\r' 'TS-000001\033' \
    'TS-000001\177' 'https://x.example/a/TS-000001?q=\033[2J' 'https://x.example/a/TS-000001#\007' \
    'TS-000001\302\233' 'https://x.example/TS-000001?\302\205' '\302\240TS-000001' 'TS-000001\377' 'TS-000001\300\201' \
    'TS-000001\355\240\200' 'https://x.example/TS-000001?\351'; do
  n=$((n + 1))
  printf "JB\n$bad\n" >"$T/bad$n.txt"
  run "$A" scan --mode issue <"$T/bad$n.txt"
  if [ "$rc" -eq 0 ] && [[ "$out" == *"ignored: "* ]] && [[ "$out" != *"issued to"* ]] && [[ "$out" == *"2 scans: 0 issued, 0 returned, 0 refused, 1 ignored" ]]; then
    _ok "line $n ($bad) is refused whole"
  else _not_ok "line $n ($bad) is refused whole" "$out"; fi
  # what is echoed of it has no control bytes, nor bytes outside ASCII
  if printf '%s' "$out" | LC_ALL=C grep -q '[^ -~[:space:]]' || printf '%s' "$out" | grep -q "$(printf '\t')"; then
    _not_ok "line $n is echoed without control or raw bytes" "$out"
  else _ok "line $n is echoed without control or raw bytes"; fi
done
check_out "no scan above issued anything" "in stock" sh -c "\"$A\" asset show TS-000001 | sed -n 's/^status: *//p'"

back
# the usual line ends still work: LF, CR LF, a last line without LF, and
# valid UTF-8 in a URL's query
printf 'JB\r\nts-000001\r\nhttps://x.example/a/ts-000002?who=J%%C3%%A9r\303\264me' >"$T/good.txt"
check_out "CR LF, lower case, a URL with UTF-8 in its query" "borrower: Jo Bloggs (JB), holds nothing
TS-000001 issued to Jo Bloggs (JB)
TS-000002 issued to Jo Bloggs (JB)
3 scans: 2 issued, 0 returned, 0 refused, 0 ignored" "$A" scan <"$T/good.txt"
done_testing
