#!/usr/bin/env bash
# End to end on a loop device (root): register an asset with its drive,
# request, authorise (signed by the head's own key), wipe, certificate,
# consignment, receipt, the disposal register; audit verify after each step;
# the firm checks everything offline with stock openssl.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
if ! "$A" wipe --help >/dev/null 2>&1; then skip "certificates from wipes" "the wipe command (issue 6) is not in this build"; done_testing; exit; fi
if ! need_root; then skip "end to end on a loop device" "needs root (loop devices)"; done_testing; exit; fi
dev=$(make_loop 12M) || { skip "end to end on a loop device" "cannot create a loop device"; done_testing; exit; }
new_db
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass" # one others can read is warned about (0500)
printf 'head teacher secret\n' >"$T/hpass"
verify_audit() { check_rc "audit verify after $1" 0 "$A" audit verify; }
size=$(blockdev --getsize64 "$dev")

"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
"$A" key generate --name ann --owner HT --passphrase-file "$T/hpass" >/dev/null
check_out "register the asset" "TS-000001" "$A" asset add --make Lenovo --model "ThinkPad T470" --serial PF0ABC12 --personal-data
check_rc "register its drive" 0 "$A" asset add-media TS-000001 --model "Loop drive" --serial LOOP1 --size "$size" --kind hdd
verify_audit "registration"
check_out "request" "TS-000001: disposal requested" "$A" disposal request TS-000001 --reason "screen and board failed"
verify_audit "the request"
check_out "authorise, signed" "TS-000001: disposal authorised (signed); wipe or destroy its 1 storage medium next" \
  "$A" disposal authorise TS-000001 --by HT --sign --key ann --passphrase-file "$T/hpass"
verify_audit "the authorisation"
run "$A" wipe "$dev" --method nist-clear --asset TS-000001 --yes --serial "$dev" --progress none --key school --passphrase-file "$T/pass"
check "wipe ends erased" [ "$rc" -eq 0 ]
check_out "... and issues the certificate" "certificate TS-CERT-000001 issued for TS-000001 (medium LOOP1); TS-000001 is sanitised" \
  sh -c "printf '%s\n' \"\$1\" | grep '^certificate'" -- "$out"
check_out "the drive reads back as zeros" "0" sh -c "cmp -n $size '$dev' /dev/zero >/dev/null 2>&1; echo \$?"
verify_audit "the wipe and certificate"
check_out "consignment" \
  "TS-CONS-000001: 1 asset consigned to GreenIT Ltd; export the signed manifest with 'assetctl consignment export TS-CONS-000001 -o DIR'" \
  "$A" consignment create --firm "GreenIT Ltd" --carrier-registration CBDU12345 TS-000001 --key school --passphrase-file "$T/pass"
verify_audit "the consignment"
check_rc "export for the firm" 0 "$A" consignment export TS-CONS-000001 -o "$T/firm"
for f in TS-CONS-000001 TS-CERT-000001; do
  check_out "the firm verifies $f with stock openssl" "Signature Verified Successfully" \
    sh -c "cd '$T/firm' && openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in $f.json -sigfile $f.sig"
  check_rc "the firm verifies $f with assetctl, no register" 0 \
    sh -c "cd '$T/firm' && env -u ASSETCTL_DB HOME=/nonexistent \"$A\" cert verify $f.json --key school.pub.pem"
done
check_out "the manifest names the certificate by its hash" "$(sha256sum <"$T/firm/TS-CERT-000001.json" | cut -c1-64)" \
  jq -r '.assets[0].media[0].certificate_sha256' "$T/firm/TS-CONS-000001.json"
check_out "receipt" "TS-CONS-000001: receipt GIT-1 recorded; its assets are disposed" \
  "$A" consignment receipt TS-CONS-000001 --number GIT-1 --date 2099-01-15 --received-by "Sam Green"
verify_audit "the receipt"
check_out "the disposal register" "TS-000001,PF0ABC12,2099-01-15,Ann Head,wipe nist-clear,TS-CERT-000001,GreenIT Ltd,GIT-1,," \
  sh -c "\"$A\" report disposals --csv | tail -1 | cut -d, -f1-4,6-"
check_out "the authorisation time is in it" "$("$A" disposal list --csv | tail -1 | cut -d, -f6)" \
  sh -c "\"$A\" report disposals --csv | tail -1 | cut -d, -f5"
check_out "the certificate says who authorised it" "Ann Head Headteacher true" \
  jq -r '"\(.authorisation.name) \(.authorisation.role) \(.authorisation.signed)"' "$T/firm/TS-CERT-000001.json"
done_testing
