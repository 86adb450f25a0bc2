#!/usr/bin/env bash
# Disposal without a wipe: request, authorise (plain and signed), destroy,
# consign with a signed manifest, receipt, the disposal register; every
# refusal with its message and nothing changed; audit verify throughout.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
. "$(dirname "$0")/disposal-lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass" # one others can read is warned about (0500)
printf 'head teacher secret\n' >"$T/hpass"

"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" key generate --name ann --owner HT --passphrase-file "$T/hpass" >/dev/null
"$A" asset add --make Dell --model "Latitude 5420" --serial LAP1 --category laptop >/dev/null   # TS-000001
"$A" asset add-media TS-000001 --model "WD Blue" --serial WD1 --size 500107862016 --kind hdd >/dev/null
"$A" asset add-media TS-000001 --model "Kingston" --serial KS1 --size 128035676160 --kind ssd >/dev/null
"$A" asset add --make Apple --model iPad --serial IPAD1 >/dev/null                             # TS-000002
"$A" asset add-media TS-000002 --model "iPad flash" --serial FL1 --size 64000000000 --kind flash >/dev/null
"$A" asset add --make Logitech --model Keyboard --serial KB1 >/dev/null                        # TS-000003 (no storage)
"$A" asset add --make HP --model ProBook --serial PB1 >/dev/null                               # TS-000004 stays in use

check_err "request needs a reason" 2 "--reason is required" "$A" disposal request TS-000001
check_out "request" "TS-000001: disposal requested
TS-000002: disposal requested
TS-000003: disposal requested" "$A" disposal request ts-000001 TS-000002 TS-000003 --reason "end of life"
check_err "request twice refused" 1 "cannot request disposal: 'TS-000001' is already disposal requested" \
  "$A" disposal request TS-000001 --reason again
unchanged "request with one bad tag" "$A" disposal request TS-000004 TS-000099 --reason x
check_out "a request can be withdrawn before authorisation" "TS-000004: disposal request withdrawn; in stock" \
  sh -c "\"$A\" disposal request TS-000004 --reason mistake >/dev/null && \"$A\" disposal cancel TS-000004 --reason 'still in use'"
check_err "... but not a request never made" 1 "cannot cancel disposal of 'TS-000004': it is in stock" \
  "$A" disposal cancel TS-000004 --reason x

check_err "authorise by a non-authoriser" 1 "cannot authorise disposal: Jo Bloggs (JB) is not an authoriser" \
  "$A" disposal authorise TS-000001 --by JB
unchanged "authorise by a non-authoriser" "$A" disposal authorise TS-000001 --by JB
check_err "authorise an asset not requested" 1 "cannot authorise disposal of 'TS-000004': it is in stock; request disposal first" \
  "$A" disposal authorise TS-000004 --by HT
check_err "--sign with the school's key is not the authoriser's own" 1 "key 'school': it is not Ann Head's own key" \
  "$A" disposal authorise TS-000001 --by HT --sign --key school --passphrase-file "$T/pass"
check_out "authorise, signed with the authoriser's own key" \
  "TS-000001: disposal authorised (signed); wipe or destroy its 2 storage media next" \
  "$A" disposal authorise TS-000001 --by HT --sign --key ann --passphrase-file "$T/hpass"
# the statement and signature as the register holds them, byte for byte
if pg_backend; then
  db_sql "SELECT encode(convert_to(statement, 'UTF8'), 'hex') FROM authorisations" | xxd -r -p >"$T/auth.json"
  db_sql "SELECT encode(signature, 'hex') FROM authorisations" | xxd -r -p >"$T/auth.sig"
else
  db_sql "SELECT writefile('$T/auth.json', statement), writefile('$T/auth.sig', signature) FROM authorisations" >/dev/null
fi
check_out "the signed statement verifies with stock openssl" "Signature Verified Successfully" sh -c "
  \"$A\" key export-public ann -o '$T/ann.pem' >/dev/null
  openssl pkeyutl -verify -pubin -inkey '$T/ann.pem' -rawin -in '$T/auth.json' -sigfile '$T/auth.sig'"
check_out "authorise: no storage goes straight to sanitised" \
  "TS-000002: disposal authorised; wipe or destroy its 1 storage medium next
TS-000003: disposal authorised; no storage media, so it is sanitised" "$A" disposal authorise TS-000002 TS-000003 --by ht

check_err "consign an unsanitised asset" 1 "cannot consign 'TS-000001': it is authorised, not sanitised" \
  "$A" consignment create --firm "GreenIT Ltd" --carrier-registration CBDU12345 TS-000001 TS-000003 --key school --passphrase-file "$T/pass"
unchanged "consign an unsanitised asset" \
  "$A" consignment create --firm "GreenIT Ltd" --carrier-registration CBDU12345 TS-000003 TS-000001 --key school --passphrase-file "$T/pass"

check_err "destroy needs a known method" 1 "--method 'burn': use shred, crush, degauss or other" \
  "$A" disposal destroy TS-000001 --method burn --by me
check_err "destroy an unknown medium" 1 "'TS-000001' has no storage medium with serial 'NOPE'" \
  "$A" disposal destroy TS-000001 --medium NOPE --method shred --by me
check_err "destroy storage of an asset in use" 1 "it is in stock, and only storage of an asset authorised for disposal is destroyed" \
  "$A" disposal destroy TS-000004 --method shred --by me
check_out "destroy one medium: not yet sanitised" "TS-000001: destruction (shred) recorded for medium WD1; authorised" \
  "$A" disposal destroy TS-000001 --medium WD1 --method shred --by "Shred-it Ltd" --firm-certificate SH-991
check_err "the same medium twice" 1 "medium 'WD1' of 'TS-000001' is already recorded as destroyed" \
  "$A" disposal destroy TS-000001 --medium WD1 --method shred --by x
check_out "destroy the rest: sanitised" "TS-000001: destruction (crush) recorded; sanitised" \
  "$A" disposal destroy TS-000001 --method crush --by "Jo Bloggs"
check_out "destroy the iPad's flash" "TS-000002: destruction (other) recorded; sanitised" \
  "$A" disposal destroy TS-000002 --method other --by "GreenIT Ltd"
check_rc "audit verify" 0 "$A" audit verify

check_out "consignment" \
  "TS-CONS-000001: 3 assets consigned to GreenIT Ltd; export the signed manifest with 'assetctl consignment export TS-CONS-000001 -o DIR'" \
  "$A" consignment create --firm "GreenIT Ltd" --carrier-registration CBDU12345 --licence "EPR/AB1234" TS-000001 TS-000002 TS-000003 \
  --key school --passphrase-file "$T/pass"
check_out "assets consigned" "consigned consigned consigned" sh -c "\"$A\" asset list --status consigned --csv | tail -n +2 | cut -d, -f7 | tr '\n' ' ' | sed 's/ \$//'"
check_err "consign twice refused" 1 "cannot consign 'TS-000003': it is consigned, not sanitised" \
  "$A" consignment create --firm X --carrier-registration CBDU1 TS-000003 --key school --passphrase-file "$T/pass"
check_rc "export" 0 "$A" consignment export TS-CONS-000001 -o "$T/out"
check_out "export wrote the manifest, signature, PDF, key, waste notes, README.txt and verify.sh" "README.txt
TS-CONS-000001-waste-notes.json
TS-CONS-000001-waste-transfer-note.pdf
TS-CONS-000001.json
TS-CONS-000001.pdf
TS-CONS-000001.sig
school.pub.pem
verify.sh" ls "$T/out"
check_out "signature is the raw 64 bytes" "64" stat -c %s "$T/out/TS-CONS-000001.sig"
check_out "stock openssl verifies the manifest" "Signature Verified Successfully" \
  openssl pkeyutl -verify -pubin -inkey "$T/out/school.pub.pem" -rawin -in "$T/out/TS-CONS-000001.json" -sigfile "$T/out/TS-CONS-000001.sig"
check_out "cert verify checks the manifest offline" "good: manifest TS-CONS-000001: 3 assets for GreenIT Ltd" \
  sh -c "cd '$T/out' && env -u ASSETCTL_DB HOME=/nonexistent \"$A\" cert verify TS-CONS-000001.json --key school.pub.pem | head -1"
check "the manifest lists every medium and how it was sanitised" \
  grep -q '"destruction":{"destroyed_at":"[^"]*","firm_certificate":"SH-991","method":"shred","performed_by":"Shred-it Ltd"}' "$T/out/TS-CONS-000001.json"
check "the PDF names the firm and the assets" sh -c "pdftotext '$T/out/TS-CONS-000001.pdf' - | grep -q 'CBDU12345' && pdftotext '$T/out/TS-CONS-000001.pdf' - | grep -q 'TS-000002'"
check_out "the PDF's QR code holds the id and the SHA-256 of the JSON" \
  "QR-Code:TS-CONS-000001 SHA256:$(sha256sum <"$T/out/TS-CONS-000001.json" | cut -c1-64)" \
  sh -c "pdftoppm -r 150 -png -f 1 -l 1 '$T/out/TS-CONS-000001.pdf' '$T/page' && zbarimg -q '$T/page-1.png'"

check_err "receipt for an unknown consignment" 1 "no consignment 'TS-CONS-000042' in the register" \
  "$A" consignment receipt TS-CONS-000042 --number R-1 --date 2026-11-30 --received-by "Sam"
unchanged "receipt for an unknown consignment" "$A" consignment receipt TS-CONS-000042 --number R-1 --date 2026-11-30 --received-by Sam
check_err "receipt needs a date" 1 "--date '30th' is not a date" \
  "$A" consignment receipt TS-CONS-000001 --number R-1 --date 30th --received-by Sam
check_out "receipt" "TS-CONS-000001: receipt GIT-7781 recorded; its assets are disposed" \
  "$A" consignment receipt ts-cons-000001 --number GIT-7781 --date 30/11/2099 --received-by "Sam Green"
check_err "a second receipt refused" 1 "consignment 'TS-CONS-000001' already has the firm's receipt 'GIT-7781' (2099-11-30)" \
  "$A" consignment receipt TS-CONS-000001 --number X --date 2099-12-01 --received-by Sam
check_out "consignment list" "TS-CONS-000001,GreenIT Ltd,CBDU12345,3,GIT-7781,2099-11-30" \
  sh -c "\"$A\" consignment list --csv | tail -1 | cut -d, -f1-4,6,7"

check_out "the disposal register" \
"tag,serial,disposal_date,authorised_by,method,certificates,firm,receipt_number,funding_source,proceeds
TS-000001,LAP1,2099-11-30,Ann Head,\"destroyed (crush), destroyed (shred)\",,GreenIT Ltd,GIT-7781,,
TS-000002,IPAD1,2099-11-30,Ann Head,destroyed (other),,GreenIT Ltd,GIT-7781,,
TS-000003,KB1,2099-11-30,Ann Head,no storage,,GreenIT Ltd,GIT-7781,," \
  sh -c "\"$A\" report disposals --csv | cut -d, -f1-4,6- "
check_out "the register by period" "0" sh -c "\"$A\" report disposals --from 2026-01-01 --to 2026-12-31 --json | grep -c '\"tag\"' || true"
check_out "... and the period that has them" "3" sh -c "\"$A\" report disposals --from 2099-11-01 --json | grep -c '\"tag\"'"
check_err "--from after --to" 2 "--from 2027-01-01 is after --to 2026-01-01" "$A" report disposals --from 2027-01-01 --to 2026-01-01
check_rc "register as PDF" 0 "$A" report disposals --pdf "$T/register.pdf"
check "the PDF register has the receipt" sh -c "pdftotext -layout '$T/register.pdf' - | grep -q 'GIT-7781'"
check_out "disposal list" "TS-000001,disposed,end of life" sh -c "\"$A\" disposal list --csv | sed -n 2p | cut -d, -f1-3"
check_out "the authorisation is audited with who and role" \
  '{"by":"HT","from":"disposal_requested","name":"Ann Head","role":"Headteacher","signed":true,"to":"authorised"}' \
  bash -c "\"$A\" audit log TS-000001 --json | grep -A1 '\"disposal.authorise\"' >/dev/null; db_sql \"SELECT details FROM audit_events WHERE action = 'disposal.authorise' AND subject = 'TS-000001'\""
check_rc "audit verify after all of it" 0 "$A" audit verify

# tampering with the manifest: a sample of byte positions, each field value, another key
m="$T/out/TS-CONS-000001.json" s="$T/out/TS-CONS-000001.sig" k="$T/out/school.pub.pem"
# every 19th byte position (and the first and last), each changed in place
tamper_loop "$m" "$s" "$k" 19
check "every sampled byte change ($tried) fails stock openssl" [ "$bad_openssl" -eq 0 ]
check "every sampled byte change ($tried) fails cert verify" [ "$bad_assetctl" -eq 0 ]
check "the sample is large" [ "$tried" -gt 80 ]
check_err "a changed firm is named" 1 "signature: the signature does not match" \
  sh -c "sed 's/GreenIT Ltd/GreenIT Ltc/' '$m' >'$T/t.json'; \"$A\" cert verify '$T/t.json' --sig '$s' --key '$k'"
printf 'other key pass\n' >"$T/opass"
"$A" key generate --name other --passphrase-file "$T/opass" >/dev/null
"$A" key export-public other -o "$T/other.pem" >/dev/null
openssl pkeyutl -sign -inkey "$KEYS_DIR/other.key" -passin file:"$T/opass" -rawin -in "$m" -out "$T/other.sig"
check_rc "signed with another key: openssl with the school's key fails" 1 \
  openssl pkeyutl -verify -pubin -inkey "$k" -rawin -in "$m" -sigfile "$T/other.sig"
check_err "signed with another key: cert verify fails" 1 "signature: the signature does not match" \
  "$A" cert verify "$m" --sig "$T/other.sig" --key "$k"
check_err "checked against the other key: the key named in it differs" 1 "key: the document names signing key" \
  "$A" cert verify "$m" --sig "$T/other.sig" --key "$T/other.pem"
check_err "a truncated signature" 1 "the signature is 63 bytes, not 64" \
  sh -c "head -c 63 '$s' >'$T/short.sig'; \"$A\" cert verify '$m' --sig '$T/short.sig' --key '$k'"
check_err "not a key" 1 "not a PEM public key" "$A" cert verify "$m" --key "$m"
check_err "verify needs --key" 2 "--key PUBKEY.pem is required" "$A" cert verify "$m"

# signed checkpoints: deleting the tail of the log is detected
check_out "checkpoint" "checkpoint signed with key 'school'" \
  sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/pass' -o '$T/cp.json' | head -1 | cut -d: -f1"
check_out "the kept checkpoint verifies with stock openssl" "Signature Verified Successfully" \
  openssl pkeyutl -verify -pubin -inkey "$k" -rawin -in "$T/cp.json" -sigfile "$T/cp.sig"
n0=$(sed 's/.*"events":\([0-9]*\).*/\1/' "$T/cp.json")
"$A" asset add --make Dell --model X --serial AFTER1 >/dev/null
check_out "verify with the public key reaches it" "1 signed checkpoint reached" sh -c "\"$A\" audit verify --key '$k' | head -1"
check_out "... and the kept copy" "the log reaches the signed checkpoint in $T/cp.json ($n0 events)" \
  sh -c "\"$A\" audit verify --key '$k' --checkpoint '$T/cp.json' | head -1"
check_err "verify with another key refuses it" 1 "was signed with key" "$A" audit verify --key "$T/other.pem"
cut_tail() { # FROM [SQL]: a copy of the register with the events FROM.. deleted, as an attacker
  # would (the sqlite3 shell on a copy of the file; psql as the superuser on
  # a copy of the trust's database); sets CUT to the copy's ASSETCTL_DB
  ncut=$((${ncut:-0} + 1))
  local sql="DELETE FROM audit_rows WHERE event_id >= $1; DELETE FROM audit_events WHERE id >= $1; ${2:-}"
  if pg_backend; then
    local copy=${PG_DB}_cut$ncut
    psql -qAtX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $copy TEMPLATE $PG_DB" >/dev/null
    echo "$copy" >>"$T/.trusts"
    CUT=${ASSETCTL_DB/\/\/\/$PG_DB\?/\/\/\/$copy?}
    psql -qAtX -v ON_ERROR_STOP=1 -d "$copy" -c "SET assetctl.school = '$PG_SCHOOL'" \
      -c "ALTER TABLE audit_rows DISABLE TRIGGER audit_rows_no_delete; ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_delete;
        ${sql//WHERE /WHERE school_id = $PG_SCHOOL AND }" >/dev/null
  else
    CUT="$T/cut$ncut.db"
    cp "$ASSETCTL_DB" "$CUT"
    sqlite3 "$CUT" "DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_rows_no_delete; $sql"
  fi
}
cut_tail $((n0 - 1))
check_err "deleting the tail past a stored checkpoint is detected" 1 \
  "checkpoint 1 ($(db_sql "SELECT created_at FROM audit_checkpoints")) signed $n0 events but the log has only $((n0 - 2)): events were deleted from the tail" \
  env ASSETCTL_DB="$CUT" "$A" audit verify --key "$k"
cut_tail $((n0 - 1)) "DELETE FROM audit_checkpoints; DELETE FROM assets WHERE serial = 'AFTER1';"
check_err "... and with the stored checkpoint deleted too, the kept copy detects it" 1 \
  "signed $n0 events but the log has only $((n0 - 2)): events were deleted from the tail" \
  env ASSETCTL_DB="$CUT" "$A" audit verify --key "$k" --checkpoint "$T/cp.json"
check_rc "the real register still verifies" 0 "$A" audit verify
done_testing
