#!/usr/bin/env bash
# Certificates from wipes of image files (no root needed): issued only for an
# authorised asset's medium that ends erased; the exported JSON, signature and
# PDF; offline verification by assetctl and stock openssl; tampering with any
# byte, with each field value, or another key, fails both.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
. "$(dirname "$0")/disposal-lib.sh"
if ! "$A" wipe --help >/dev/null 2>&1; then skip "certificates from wipes" "the wipe command (issue 6) is not in this build"; done_testing; exit; fi
new_db
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass" # one others can read is warned about (0500)
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" key export-public school -o "$T/school.pub.pem" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
size=$(( (8 << 20) + 4096 ))
img="$T/drive.img"
head -c "$size" /dev/urandom >"$img"
"$A" asset add --make Dell --model "OptiPlex 3020" --serial PC1 --category desktop >/dev/null    # TS-000001
"$A" asset add-media TS-000001 --model "ST500DM002" --serial Z3T1 --size "$size" --kind hdd >/dev/null
wipe() { "$A" wipe "$img" --method "$1" --asset TS-000001 --yes --serial "$img" --progress none --key school --passphrase-file "$T/pass"; }

# not authorised: the wipe runs, no certificate, and it says so
db_sql "SELECT * FROM certificates; SELECT status FROM assets" >"$T/before"
check_err "an unauthorised asset's wipe gives no certificate and says so" 0 \
  "no certificate for the wipe of 'Z3T1': asset 'TS-000001' is in stock, not authorised for disposal" wipe nist-clear
db_sql "SELECT * FROM certificates; SELECT status FROM assets" >"$T/after"
check "no certificate and no change of state" cmp -s "$T/before" "$T/after"
check_out "cert list is empty" "cert_id,asset_tag,media_serial,method,outcome,issued_at" "$A" cert list --csv
check_rc "audit verify" 0 "$A" audit verify

"$A" disposal request TS-000001 --reason "end of life" >/dev/null
"$A" disposal authorise TS-000001 --by HT >/dev/null
run wipe dod-short
check "authorised: the wipe issues a certificate" [ "$rc" -eq 0 ]
check_out "... and says which" "certificate TS-CERT-000001 issued for TS-000001 (medium Z3T1); TS-000001 is sanitised" \
  sh -c "printf '%s\n' \"\$1\" | grep '^certificate'" -- "$out"
check_out "asset sanitised" "sanitised" sh -c "\"$A\" asset show TS-000001 --json | jq -r .status"
check_rc "audit verify" 0 "$A" audit verify
check_rc "export" 0 "$A" cert export ts-cert-000001 -o "$T/out"
c="$T/out/TS-CERT-000001.json" s="$T/out/TS-CERT-000001.sig" k="$T/school.pub.pem"
check_out "stock openssl verifies it" "Signature Verified Successfully" \
  openssl pkeyutl -verify -pubin -inkey "$k" -rawin -in "$c" -sigfile "$s"
check_out "cert verify with no register" "good: certificate TS-CERT-000001: asset TS-000001, medium ST500DM002 Z3T1 (hdd), method dod-short, outcome erased" \
  sh -c "cd '$T/out' && env -u ASSETCTL_DB HOME=/nonexistent \"$A\" cert verify TS-CERT-000001.json --key '$k' | head -1 | sed 's/, ended .*//'"
check_out "cert show --json is the signed document" "$(cat "$c")" "$A" cert show TS-CERT-000001 --json
check_out "canonical: no white space outside strings, keys sorted" "ok" \
  sh -c "jq -cS . '$c' | tr -d '\n' | cmp -s - '$c' && echo ok"
check_out "the NIST SP 800-88 fields are there" "TS-000001 Dell OptiPlex 3020 PC1|hdd ST500DM002 Z3T1 $size|clear overwrite dod-short|Ann Head Headteacher|erased" \
  jq -r '[([.asset.tag,.asset.make,.asset.model,.asset.serial]|join(" ")), ([.medium.kind,.medium.model,.medium.serial,(.medium.size_bytes|tostring)]|join(" ")),
          ([.sanitisation.nist_category,.sanitisation.technique,.sanitisation.method]|join(" ")), ([.authorisation.name,.authorisation.role]|join(" ")), .outcome] | join("|")' "$c"
check_out "three passes, each with its bytes and roots; the random one with its seed" "3 $size true" \
  jq -r '"\(.passes|length) \(.passes[0].bytes_written) \(.passes[2].seed != null)"' "$c"
# (a pass's pattern must be hex digits: perl repeating an empty one, as when
# the certificate's JSON is missing, would print nothing for ever)
check_out "the written roots are the stock-tool roots of each pass's stream" "ok" sh -c "
  for i in 0 1; do
    pat=\$(jq -r \".passes[\$i].pattern\" '$c'); want=\$(jq -r \".passes[\$i].written_root\" '$c')
    case \$pat in ''|*[!0-9a-f]*) echo \"pass \$i of '$c': no pattern of hex digits ('\$pat')\" >&2; exit 1 ;; esac
    got=\$(perl -e '\$b = pack(\"H*\", \$ARGV[0]) x 349525; length \$b or die; print \$b while 1' \"\$pat\" 2>/dev/null | head -c $size |
      split -b 4194304 --filter 'sha256sum | cut -c1-64' | xxd -r -p | sha256sum | cut -c1-64)
    [ \"\$got\" = \"\$want\" ] || exit 1
  done
  seed=\$(jq -r '.passes[2].seed' '$c'); want=\$(jq -r '.passes[2].written_root' '$c')
  got=\$(openssl enc -aes-256-ctr -K \"\$seed\" -iv 00000000000000000000000000000000 </dev/zero 2>/dev/null | head -c $size |
    split -b 4194304 --filter 'sha256sum | cut -c1-64' | xxd -r -p | sha256sum | cut -c1-64)
  [ \"\$got\" = \"\$want\" ] && echo ok"
check_out "the drive now holds the last pass" "$(jq -r '.passes[2].written_root' "$c")" \
  sh -c "split -b 4194304 --filter 'sha256sum | cut -c1-64' '$img' | xxd -r -p | sha256sum | cut -c1-64"
check "the PDF says what the JSON says" sh -c "pdftotext -layout '$T/out/TS-CERT-000001.pdf' - | grep -q 'Certificate of Sanitisation' &&
  pdftotext '$T/out/TS-CERT-000001.pdf' - | grep -q 'Z3T1'"
check_out "the PDF's QR code holds the id and the SHA-256 of the JSON" \
  "QR-Code:TS-CERT-000001 SHA256:$(sha256sum <"$c" | cut -c1-64)" \
  sh -c "pdftoppm -r 150 -png -f 1 -l 1 '$T/out/TS-CERT-000001.pdf' '$T/page' && zbarimg -q '$T/page-1.png'"

# tampering: every 17th byte position, then each field value, then another key
tamper_loop "$c" "$s" "$k" 17
check "every sampled byte change ($tried) fails stock openssl" [ "$bad_openssl" -eq 0 ]
check "every sampled byte change ($tried) fails cert verify" [ "$bad_assetctl" -eq 0 ]
check "the sample covers the document" [ "$tried" -gt $(( $(stat -c %s "$c") / 17 )) ]
fields=0 bad_fields=0
while read -r path; do
  fields=$((fields + 1))
  jq -c "$path |= (if type == \"string\" then . + \"x\" elif type == \"number\" then . + 1 elif type == \"boolean\" then (. | not) else \"x\" end)" "$c" |
    tr -d '\n' >"$T/field.json"
  cmp -s "$c" "$T/field.json" && bad_fields=$((bad_fields + 1000))
  openssl pkeyutl -verify -pubin -inkey "$k" -rawin -in "$T/field.json" -sigfile "$s" >/dev/null 2>&1 && bad_fields=$((bad_fields + 1))
  "$A" cert verify "$T/field.json" --sig "$s" --key "$k" >/dev/null 2>&1 && bad_fields=$((bad_fields + 1))
done < <(jq -r 'paths(scalars) | map(if type == "number" then "[\(.)]" else ".\(.)" end) | join("")' "$c" | sed 's/\.\[/[/g; s/^\[/.[/')
check "each of the $fields field values, changed, fails both" [ "$fields" -gt 50 ] && [ "$bad_fields" -eq 0 ]
check_err "a changed outcome is named" 1 "signature: the signature does not match" \
  sh -c "sed 's/\"outcome\":\"erased\"/\"outcome\":\"failed\"/' '$c' >'$T/t.json'; \"$A\" cert verify '$T/t.json' --sig '$s' --key '$k'"
check_err "... and what else is wrong with it" 1 "outcome: 'failed': the medium was not sanitised" \
  "$A" cert verify "$T/t.json" --sig "$s" --key "$k"
printf 'other key pass\n' >"$T/opass"
"$A" key generate --name other --passphrase-file "$T/opass" >/dev/null
"$A" key export-public other -o "$T/other.pem" >/dev/null
openssl pkeyutl -sign -inkey "$KEYS_DIR/other.key" -passin file:"$T/opass" -rawin -in "$c" -out "$T/other.sig"
check_rc "signed with another key: stock openssl with the school's key fails" 1 \
  openssl pkeyutl -verify -pubin -inkey "$k" -rawin -in "$c" -sigfile "$T/other.sig"
check_err "signed with another key: cert verify fails" 1 "signature: the signature does not match" \
  "$A" cert verify "$c" --sig "$T/other.sig" --key "$k"
check_err "the other key's own check names the fingerprint" 1 "key: the document names signing key $(jq -r .signing_key.fingerprint "$c")" \
  "$A" cert verify "$c" --sig "$T/other.sig" --key "$T/other.pem"

# a second asset whose wipe fails goes to destruction
"$A" asset add --make HP --model "ProDesk" --serial PC2 >/dev/null     # TS-000002
"$A" asset add-media TS-000002 --model "HDD" --serial BAD1 --size "$size" --kind hdd >/dev/null
"$A" disposal request TS-000002 --reason old >/dev/null
"$A" disposal authorise TS-000002 --by HT >/dev/null
check_err "consigning before its drive is dealt with is refused" 1 "cannot consign 'TS-000002': it is authorised, not sanitised" \
  "$A" consignment create --firm F --carrier-registration CBDU123456 TS-000002 --key school --passphrase-file "$T/pass"
check_rc "audit verify" 0 "$A" audit verify
done_testing
