#!/usr/bin/env bash
# The next tag: one more than the largest number of a tag PREFIX-DIGITS;
# tags of other prefixes or with anything but digits after the dash do not
# count (the store reads the digits itself, engine-neutral).
. "$(dirname "$0")/lib.sh"
new_db

check_rc "tags of every shape are added" 0 bash -c 'for t in TS-0099 TS-12A TS-100X TS-X TS-1-2 TSA-500 TS-000150 X-900; do
  "$0" asset add --make M --model M --serial "S$t" --tag "$t" >/dev/null || exit 1; done' "$A"
check_out "digits only, leading zeros read as a number" "TS-000151" "$A" asset add --make M --model M --serial AUTO1
check_out "a wider tag" "TS-1000000" "$A" asset add --make M --model M --serial S2 --tag TS-1000000
check_out "a wider number counts by its value" "TS-1000001" "$A" asset add --make M --model M --serial AUTO2
check_rc "audit verify" 0 "$A" audit verify
done_testing
