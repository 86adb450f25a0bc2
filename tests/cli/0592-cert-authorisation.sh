#!/usr/bin/env bash
# The disposal authorisation inside a certificate: a signed one carries the
# authoriser's statement, signature and key, checked by cert verify
# --authoriser-key and by stock openssl; an unsigned one says signed: false
# (it once said true); a school that forges or edits the authorisation and
# re-signs the certificate with its own key is caught. Image files only.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
new_db
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass" # one others can read is warned about (0500)
printf 'head teacher phrase\n' >"$T/hpass"
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" key export-public school -o "$T/school.pem" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
"$A" key generate --name ann --owner HT --passphrase-file "$T/hpass" >/dev/null
"$A" key export-public ann -o "$T/ann.pem" >/dev/null
schoolkey="$KEYS_DIR/school.key"
fp_school=$("$A" key list --json | jq -r '.[] | select(.name == "school") | .fingerprint')
fp_ann=$("$A" key list --json | jq -r '.[] | select(.name == "ann") | .fingerprint')
size=$(( (4 << 20) + 4096 ))
for i in 1 2; do
  head -c "$size" /dev/zero >"$T/d$i.img"
  "$A" asset add --make Dell --model OptiPlex --serial "PC$i" >/dev/null
  "$A" asset add-media "TS-00000$i" --model ST500 --serial "Z$i" --size "$size" --kind hdd >/dev/null
  "$A" disposal request "TS-00000$i" --reason old >/dev/null
done
"$A" disposal authorise TS-000001 --by HT --sign --key ann --passphrase-file "$T/hpass" >/dev/null
"$A" disposal authorise TS-000002 --by HT >/dev/null
for i in 1 2; do
  "$A" wipe "$T/d$i.img" --method zero --asset "TS-00000$i" --yes --serial "$T/d$i.img" --progress none \
    --key school --passphrase-file "$T/pass" >/dev/null 2>&1
done
"$A" cert export TS-CERT-000001 -o "$T/out" >/dev/null
"$A" cert export TS-CERT-000002 -o "$T/out" >/dev/null
c1="$T/out/TS-CERT-000001.json" c2="$T/out/TS-CERT-000002.json"
when1=$(jq -r .authorisation.authorised_at "$c1") when2=$(jq -r .authorisation.authorised_at "$c2")

check_out "a signed authorisation travels with its statement, signature and key" "true $fp_ann 128 TS-000001" \
  jq -r '.authorisation | "\(.signed) \(.key_fingerprint) \(.signature | length) \(.statement | fromjson | .asset.tag)"' "$c1"
check_out "an unsigned one says so, and carries none" "false null null null" \
  jq -r '.authorisation | "\(.signed) \(.statement) \(.signature) \(.key_fingerprint)"' "$c2"
check_out "cert verify: the authoriser's signature not checked without their key" \
  "authorised by Ann Head (Headteacher) at $when1, signed with their key $fp_ann: not checked (give --authoriser-key PUBKEY.pem)" \
  sh -c "\"$A\" cert verify '$c1' --key '$T/school.pem' | tail -1"
check_out "cert verify --authoriser-key: good" \
  "authorised by Ann Head (Headteacher) at $when1, signed with their key $fp_ann: good" \
  sh -c "\"$A\" cert verify '$c1' --key '$T/school.pem' --authoriser-key '$T/ann.pem' | tail -1"
check_out "an unsigned authorisation: as recorded by the school" \
  "authorised by Ann Head (Headteacher) at $when2, as recorded by the school (not signed by the authoriser)" \
  sh -c "\"$A\" cert verify '$c2' --key '$T/school.pem' | tail -1"
check_out "stock openssl checks the authoriser's signature" "Signature Verified Successfully" sh -c "
  jq -j .authorisation.statement '$c1' >'$T/auth.json'; jq -r .authorisation.signature '$c1' | xxd -r -p >'$T/auth.sig'
  openssl pkeyutl -verify -pubin -inkey '$T/ann.pem' -rawin -in '$T/auth.json' -sigfile '$T/auth.sig'"

# exact: TITLE STDERR CMD...: exit 1, nothing on stdout, exactly that stderr
exact() {
  local title=$1 want=$2; shift 2
  run "$@"
  if [ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$want" ]; then _ok "$title"
  else _not_ok "$title" "exit $rc
--- stdout
$out
--- stderr
$err
--- wanted
$want"; fi
}
exact "the wrong authoriser key" "error: '$c1' does not verify (1 problem):
  authorisation: signed with key $fp_ann, not the authoriser's key given ($fp_school)" \
  "$A" cert verify "$c1" --key "$T/school.pem" --authoriser-key "$T/school.pem"
exact "an authoriser key for an unsigned authorisation" "error: '$c2' does not verify (1 problem):
  authorisation: not signed by the authoriser (recorded by the school only), so key $fp_ann cannot check it" \
  "$A" cert verify "$c2" --key "$T/school.pem" --authoriser-key "$T/ann.pem"
"$A" consignment create --firm F --carrier-registration CBDU123456 TS-000001 --key school --passphrase-file "$T/pass" >/dev/null
"$A" consignment export TS-CONS-000001 -o "$T/cons" >/dev/null
exact "a manifest carries no signed authorisation" "error: '$T/cons/TS-CONS-000001.json' does not verify (1 problem):
  authorisation: only a certificate carries a signed authorisation" \
  "$A" cert verify "$T/cons/TS-CONS-000001.json" --key "$T/school.pem" --authoriser-key "$T/ann.pem"

# the school edits a certificate and signs it again with its own key
forge() { # FILTER SOURCE: a re-signed copy in $T/f.json / $T/f.sig
  jq -cS "$1" "$2" | tr -d '\n' >"$T/f.json"
  openssl pkeyutl -sign -inkey "$schoolkey" -passin file:"$T/pass" -rawin -in "$T/f.json" -out "$T/f.sig"
}
forge ".authorisation = $(jq -c .authorisation "$c1")" "$c2"
exact "another asset's signed authorisation pasted in" "error: '$T/f.json' does not verify (2 problems):
  authorisation: the signed statement names asset tag 'TS-000001' but the certificate says 'TS-000002'
  authorisation: the signed statement names asset serial 'PC1' but the certificate says 'PC2'" \
  "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"
forge '.authorisation.statement |= sub("\"reason\":\"old\""; "\"reason\":\"stolen\"")' "$c1"
check_rc "an edited statement still passes the school's own checks" 0 "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"
exact "... but not the authoriser's signature" "error: '$T/f.json' does not verify (1 problem):
  authorisation: the authoriser's signature does not match the statement (it was changed, or signed with another key)" \
  "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem" --authoriser-key "$T/ann.pem"
forge ".authorisation.authorised_at = \"2020-01-01T00:00:00Z\"" "$c1"
exact "a changed authorisation time" "error: '$T/f.json' does not verify (1 problem):
  authorisation: the signed statement names time '$when1' but the certificate says '2020-01-01T00:00:00Z'" \
  "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"
forge ".authorisation.signed = false" "$c1"
exact "signed: false with a signature kept" "error: '$T/f.json' does not verify (1 problem):
  consistency: authorisation.signed is false but it carries a statement, signature or key" \
  "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"
forge ".authorisation.signed = true" "$c2"
exact "signed: true with nothing to check" "error: '$T/f.json' does not verify (1 problem):
  consistency: authorisation.signed is true but its statement, signature or key_fingerprint is missing" \
  "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"
check_out "cert show says who signed" "authorised by: Ann Head (Headteacher), $when1, signed with their key $fp_ann" \
  sh -c "\"$A\" cert show TS-CERT-000001 | grep '^authorised by'"
check_rc "audit verify" 0 "$A" audit verify
done_testing
