# Part 7: disposal (issue 7): keys, authorisation, the wipe certificate, the
# consignment to the disposal firm, its receipt, the disposal register, and
# the firm's offline check with stock OpenSSL.
say "The old office PC has reached the end of its life. School policy: disposal only with the head's authorisation, its drive overwritten (or destroyed), and a written receipt from an authorised firm."
old=YA-000004
"$A" asset show YA-000005 >/dev/null 2>&1 && old=YA-000005
say "First the school's signing key: Ed25519, the private half encrypted with a passphrase and readable by no one else. (A script reads the passphrase from a file; at the keyboard it is asked twice, never typed on the command line.)"
printf 'ysgol aber disposal key 2026\n' >"$DEMO_DIR/school-key.pass"
chmod 600 "$DEMO_DIR/school-key.pass"
step key generate --name school --passphrase-file "$DEMO_DIR/school-key.pass"
step key export-public school -o "$DEMO_DIR/school.pub.pem"
pause
"$A" person show HT >/dev/null 2>&1 || step person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser
"$A" person show TECH >/dev/null 2>&1 || step person add --ref TECH --name "Sam Tech" --job-title "ICT Technician"
step disposal request "$old" --reason "motherboard failed; beyond economic repair" --funding-source "devolved formula capital"
say "Only an authoriser may authorise a disposal: the technician cannot."
step_may_fail disposal authorise "$old" --by TECH
say "The head signs the authorisation with her own key, so that the firm can check it was she who authorised it, not just the school's word."
printf 'ann head authorises 2026\n' >"$DEMO_DIR/head-key.pass"
chmod 600 "$DEMO_DIR/head-key.pass"
step key generate --name head --owner HT --passphrase-file "$DEMO_DIR/head-key.pass"
"$A" key export-public head -o "$DEMO_DIR/head.pub.pem" >/dev/null
step disposal authorise "$old" --by HT --sign --key head --passphrase-file "$DEMO_DIR/head-key.pass"
pause
cert=""
if "$A" wipe --help >/dev/null 2>&1; then
  say "Now the wipe. The image file stands in for the PC's drive; a wipe of an authorised asset's drive that ends 'erased' issues a signed certificate."
  # the wipe refuses a file that still backs a loop device: detach the one
  # part 4 attached over it (only if it is still ours)
  if [ -s "$DEMO_DIR/loopdev" ] && [ "$(losetup -nO BACK-FILE "$(cat "$DEMO_DIR/loopdev")" 2>/dev/null | sed 's/ *$//')" = "$DEMO_IMG" ]; then
    say "(The wipe refuses a file that still backs a loop device, so the loop device from part 4 is detached first.)"
    losetup -d "$(cat "$DEMO_DIR/loopdev")"
    : >"$DEMO_DIR/loopdev"
    # part 4's exit trap would detach it again (and fail, under set -e)
    if [ -n "${demo_prev_trap:-}" ]; then trap "$demo_prev_trap" EXIT; else trap - EXIT; fi
  fi
  step wipe "$DEMO_IMG" --method nist-clear --asset "$old" --yes --serial "$DEMO_IMG" --progress none \
    --key school --passphrase-file "$DEMO_DIR/school-key.pass"
  step cert list --asset "$old"
  cert=$("$A" cert list --asset "$old" --csv | tail -1 | cut -d, -f1)
  step cert show "$cert"
  step cert export "$cert" -o "$DEMO_DIR/certificates"
else
  say "(This build has no wipe command, so the drive is recorded as physically destroyed instead.)"
  step disposal destroy "$old" --method shred --by "Shred-it Ltd" --firm-certificate SH-2026-118
fi
step asset show "$old"
pause
say "The firm collects it. It will handle the drives' data for the school, so it is a data processor: its contract is on file, and the compliance report flags a consignment to a firm without one, or with one expired."
step firm set "GreenIT Recycling Ltd" --contract DP-2026-014 --contract-expires 2029-03-31
say "The waste notes the law asks for name the school as producer, with its address and SIC code."
step setting set school_address "Ffordd yr Ysgol, Aberystwyth"
step setting set school_postcode "SY23 1AA"
step setting set school_sic_code 85310
say "Only sanitised assets can be consigned; the manifest lists each asset, its drive and its certificate, and is signed like a certificate. The carrier's registration is checked (CBDU or CBDL and its number), and the waste notes are made with it: each item's List of Waste code comes from its category."
step_may_fail consignment create --firm "GreenIT Recycling Ltd" --carrier-registration 123456 "$old" --key school \
  --passphrase-file "$DEMO_DIR/school-key.pass"
step consignment create --firm "GreenIT Recycling Ltd" --carrier-registration CBDU123456 --licence "EPR/AB1234CD" \
  --waste-hierarchy-applied "$old" --key school --passphrase-file "$DEMO_DIR/school-key.pass"
cons=$("$A" consignment list --csv | tail -1 | cut -d, -f1)
step consignment export "$cons" -o "$DEMO_DIR/for-the-firm"
say "The waste transfer note (a hazardous waste consignment note too, when anything in the load is hazardous, such as a CRT monitor), ready to sign at the collection:"
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$DEMO_DIR/for-the-firm/$cons-waste-transfer-note.pdf" - | sed -n '1,40p'
else
  jq . "$DEMO_DIR/for-the-firm/$cons-waste-notes.json" | sed -n '1,40p'
fi
pause
say "The firm runs verify.sh, which needs only openssl, sha256sum and jq: every signature, every hash in the manifest, and the head's signed authorisation."
( cd "$DEMO_DIR/for-the-firm" && sh verify.sh )
pause
say "At the firm, offline, with no assetctl register: stock OpenSSL checks each signature over the exact bytes with the school's public key..."
show_openssl() { printf '\n$ openssl'; printf ' %q' "$@"; echo; openssl "$@"; }
( cd "$DEMO_DIR/for-the-firm" &&
  show_openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in "$cons.json" -sigfile "$cons.sig" &&
  if [ -n "$cert" ]; then show_openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in "$cert.json" -sigfile "$cert.sig"; fi )
say "... and 'assetctl cert verify' also checks the schema, the key's fingerprint, and that the hashes and the outcome agree."
[ -z "$cert" ] || step cert verify "$DEMO_DIR/for-the-firm/$cert.json" --key "$DEMO_DIR/for-the-firm/school.pub.pem"
if [ -n "$cert" ]; then
  say "The certificate carries the head's signed authorisation too; with her public key the firm checks that signature as well."
  step cert verify "$DEMO_DIR/for-the-firm/$cert.json" --key "$DEMO_DIR/for-the-firm/school.pub.pem" --authoriser-key "$DEMO_DIR/head.pub.pem"
fi
step cert verify "$DEMO_DIR/for-the-firm/$cons.json" --key "$DEMO_DIR/for-the-firm/school.pub.pem"
doc=${cert:-$cons}
say "Change one byte of a signed document, and both refuse it."
sed 's/"outcome":"erased"/"outcome":"erasec"/; s/GreenIT/GreenIS/' "$DEMO_DIR/for-the-firm/$doc.json" >"$DEMO_DIR/tampered.json"
( cd "$DEMO_DIR/for-the-firm" && show_openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in ../tampered.json -sigfile "$doc.sig" ) ||
  echo "(exit status $?: refused, as it should be)"
step_may_fail cert verify "$DEMO_DIR/tampered.json" --sig "$DEMO_DIR/for-the-firm/$doc.sig" --key "$DEMO_DIR/school.pub.pem"
pause
say "The firm's written receipt comes back; the asset is disposed, and the disposal register records it: date, who authorised it and when, how it was sanitised, the certificate, the firm and the receipt, and for the trust's accounts the funding source and what the disposal brought in."
step consignment receipt "$cons" --number GIT-2026-0457 --date "$(date -u +%Y-%m-%d)" --received-by "R. Green"
step disposal accounts "$old" --proceeds 12.50
step report disposals
step report disposals --pdf "$DEMO_DIR/disposal-register.pdf"
say "Finally a signed checkpoint of the audit log: deleting its tail would now be detected."
step audit checkpoint --key school --passphrase-file "$DEMO_DIR/school-key.pass" -o "$DEMO_DIR/audit-checkpoint.json"
step audit verify --key "$DEMO_DIR/school.pub.pem" --checkpoint "$DEMO_DIR/audit-checkpoint.json"
