#!/usr/bin/env bash
# The soak (tests/soak/soak.sh), 100 transactions of every kind, each killed
# with SIGKILL at a random point (from outside after a random delay, or by
# the fault interposer at a random write to the register): after every one,
# integrity_check and audit verify ok. The full soak is 1,000 (run by hand).
. "$(dirname "$0")/lib.sh"
run "$ASSETCTL_SRCDIR/tests/soak/soak.sh" 100 1
check "soak of 100: $(tail -n 1 <<<"$out")" [ "$rc" -eq 0 ]
check "... the register took kills and commits both" eval '[[ "$out" =~ ,\ ([0-9]+)\ killed,\ ([0-9]+)\ finished ]] && [ "${BASH_REMATCH[1]}" -gt 10 ] && [ "${BASH_REMATCH[2]}" -gt 10 ]'
check "... 0 integrity and 0 audit failures" grep -q '0 integrity failures, 0 audit failures' <<<"$out"
[ -z "$err" ] || echo "$err" | sed 's/^/    /'
done_testing
