#!/usr/bin/env bash
# cert issue WIPE-ID: the certificate of an earlier erased wipe that ran
# without --key. Issued only for a wipe that ended erased after the asset's
# disposal was authorised, is its medium's newest and has none yet; every
# refusal says why and changes nothing. Image files: no root needed.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
new_db
# refused: TITLE STDERR CMD...: exit 1, that stderr, nothing printed, register unchanged
refused() {
  local title=$1 want_err=$2; shift 2
  dump >"$T/before"
  exact "$title" 1 "" "$want_err" "$@"
  dump >"$T/after"
  check "$title: nothing changed" cmp -s "$T/before" "$T/after"
}
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass" # one others can read is warned about (0500)
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" key export-public school -o "$T/school.pub.pem" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
size=$(( (4 << 20) + 4096 ))
img="$T/drive.img"
head -c "$size" /dev/zero >"$img"
"$A" asset add --make Dell --model "OptiPlex 3020" --serial PC1 >/dev/null    # TS-000001
"$A" asset add-media TS-000001 --model ST500 --serial Z1 --size "$size" --kind hdd >/dev/null
wipe() { "$A" wipe "$img" --method zero --yes --serial "$img" --progress none "$@"; }

# wipe 1 ends while the asset is still in stock
wipe --asset TS-000001 >/dev/null 2>&1
sleep 1.1   # the authorisation must fall in a later second than the wipe's end
"$A" disposal request TS-000001 --reason "end of life" >/dev/null
"$A" disposal authorise TS-000001 --by HT >/dev/null
ended=$(db_sql "SELECT substr(ended_at, 1, 19) FROM wipes WHERE id = 1")
authorised=$(db_sql "SELECT substr(authorised_at, 1, 19) FROM authorisations")
refused "a wipe that ended before the authorisation" \
  "error: no certificate for wipe 1: it ended $ended, before the disposal of 'TS-000001' was authorised ($authorised); wipe the medium again" \
  "$A" cert issue 1 --key school --passphrase-file "$T/pass"

# wipe 2 runs under the authorisation, but without --key
run wipe --asset TS-000001
check_out "a wipe without --key says how to certify it later" \
  "warning: no certificate for the wipe of 'Z1': give --key NAME and --passphrase-file to sign it (or later: 'assetctl cert issue 2 --key NAME')" \
  echo "$err"
check_out "... and the asset is still authorised" "authorised" sh -c "\"$A\" asset show TS-000001 --json | jq -r .status"
refused "an older wipe of a medium wiped again since" \
  "error: no certificate for wipe 1: medium 'Z1' was wiped again since (wipe 2); certify that one" \
  "$A" cert issue 1 --key school --passphrase-file "$T/pass"
exact "--key is required" 2 "" "error: --key is required
usage: assetctl cert issue WIPE-ID --key NAME [--passphrase-file F] [--key-dir D]
Run 'assetctl cert issue --help' for the options." "$A" cert issue 2
exact "a wipe number is required" 2 "" "error: 'two' is not a wipe number
usage: assetctl cert issue WIPE-ID --key NAME [--passphrase-file F] [--key-dir D]
Run 'assetctl cert issue --help' for the options." "$A" cert issue two --key school
refused "an unknown wipe" "error: no wipe 99 in the register" "$A" cert issue 99 --key school --passphrase-file "$T/pass"
printf 'wrong horse battery\n' >"$T/wrong"
dump >"$T/before"
run "$A" cert issue 2 --key school --passphrase-file "$T/wrong"
check "a wrong passphrase is refused" [ "$rc" -eq 1 ]
dump >"$T/after"
check "a wrong passphrase: nothing changed" cmp -s "$T/before" "$T/after"

exact "cert issue signs wipe 2's certificate" 0 \
  "certificate TS-CERT-000001 issued for TS-000001 (medium Z1) from wipe 2; TS-000001 is sanitised" "" \
  "$A" cert issue 2 --key school --passphrase-file "$T/pass"
refused "a second certificate for the same wipe" \
  "error: wipe 2 already has certificate TS-CERT-000001 (see 'assetctl cert show TS-CERT-000001')" \
  "$A" cert issue 2 --key school --passphrase-file "$T/pass"
check_out "one certificate, for wipe 2" "TS-CERT-000001,2,erased" \
  sh -c "\"$A\" cert list --json | jq -r '.[] | [.cert_id, .wipe_id, .outcome] | join(\",\")'"
"$A" cert export TS-CERT-000001 -o "$T/out" >/dev/null
check_out "stock openssl verifies it" "Signature Verified Successfully" \
  openssl pkeyutl -verify -pubin -inkey "$T/school.pub.pem" -rawin -in "$T/out/TS-CERT-000001.json" -sigfile "$T/out/TS-CERT-000001.sig"
check_out "the certificate is wipe 2's" "2" jq -r .wipe_id "$T/out/TS-CERT-000001.json"
check_rc "cert verify passes it" 0 "$A" cert verify "$T/out/TS-CERT-000001.json" --key "$T/school.pub.pem"
check_rc "audit verify" 0 "$A" audit verify

# a wipe recorded as not for certification, and one of no registered medium
"$A" asset add --make HP --model ProDesk --serial PC2 >/dev/null     # TS-000002
"$A" asset add-media TS-000002 --model ST1 --serial Z2 --size "$size" --kind hdd >/dev/null
"$A" disposal request TS-000002 --reason old >/dev/null
"$A" disposal authorise TS-000002 --by HT >/dev/null
wipe --asset TS-000002 --no-certificate >/dev/null 2>&1
refused "a wipe recorded with --no-certificate" \
  "error: no certificate for wipe 3: it was recorded as not for certification (--no-certificate)" \
  "$A" cert issue 3 --key school --passphrase-file "$T/pass"
cp "$img" "$T/loose.img"
"$A" wipe "$T/loose.img" --method zero --yes --serial "$T/loose.img" --progress none >/dev/null 2>&1
refused "a wipe of no registered medium" \
  "error: no certificate for wipe 4: it is not linked to a registered storage medium" \
  "$A" cert issue 4 --key school --passphrase-file "$T/pass"
check_rc "audit verify at the end" 0 "$A" audit verify
done_testing
