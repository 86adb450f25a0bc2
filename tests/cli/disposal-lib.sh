# Helpers for the disposal tests (0500-0599); source after lib.sh.

# tamper_loop DOC SIG PUBKEY STEP: change one byte at every STEP-th position
# (and the last) of DOC, in place in a copy, and count how many copies still
# verify with stock openssl ($bad_openssl) and with `assetctl cert verify`
# ($bad_assetctl); $tried is the number of copies. Bash does the editing so
# that each position costs only the two verifiers.
tamper_loop() {
  local doc=$1 sig=$2 key=$3 step=$4 content i c r n LC_ALL=C
  content=$(cat "$doc")
  n=${#content}
  bad_openssl=0 bad_assetctl=0 tried=0
  local positions
  positions=$(seq 0 "$step" $((n - 1)); echo $((n - 1)))
  for i in $positions; do
    c=${content:i:1}
    [ "$c" = "a" ] && r=b || r=a
    printf '%s' "${content:0:i}$r${content:i+1}" >"$T/tampered.json"
    # a copy that is not exactly one byte different would prove nothing
    [ "$tried" -gt 1 ] || [ "$(cmp -l "$doc" "$T/tampered.json" 2>&1 | wc -l)" = 1 ] || { echo "tamper_loop: bad copy at $i"; bad_openssl=$((bad_openssl + 1000)); }
    tried=$((tried + 1))
    [ "$tried" -eq 2 ] && { cmp -s "$doc" "$T/tampered.json" && bad_openssl=$((bad_openssl + 1000)); }
    openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$T/tampered.json" -sigfile "$sig" >/dev/null 2>&1 &&
      bad_openssl=$((bad_openssl + 1))
    "$A" cert verify "$T/tampered.json" --sig "$sig" --key "$key" >/dev/null 2>&1 && bad_assetctl=$((bad_assetctl + 1))
  done
  return 0
}
