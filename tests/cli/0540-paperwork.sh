#!/usr/bin/env bash
# The paperwork of a disposal (issue 14): the waste transfer note and the
# hazardous waste consignment note made with a consignment (PDF read back
# with pdftotext, and JSON), List of Waste codes from the shipped list,
# overridden per asset and per consignment; bad carrier registrations, bad
# codes and unknown categories refused with nothing changed; the school's
# settings; the firm's contract and report compliance; the disposal
# accounts in the register; the evidence pack's verify.sh run with no
# assetctl on the PATH, and failing on a tampered certificate, manifest
# hash and authorisation.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
command -v pdftotext >/dev/null || { skip "paperwork" "pdftotext (poppler-utils) is not installed"; done_testing; exit; }
new_db
export ASSETCTL_TODAY=2026-11-23
# consignments are made at a fixed time (the wipe needs the real clock)
now=2026-11-23T10:30:00Z
printf 'correct horse battery\n' >"$T/pass"
printf 'head teacher secret\n' >"$T/hpass"
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
"$A" key generate --name ann --owner HT --passphrase-file "$T/hpass" >/dev/null
"$A" asset add --make Dell --model "Latitude 5420" --serial LAP1 --category Laptop >/dev/null          # TS-000001
size=$((1 << 20))
img="$T/drive.img"
head -c "$size" /dev/zero >"$img"
"$A" asset add-media TS-000001 --model "WD Blue" --serial WD1 --size "$size" --kind hdd >/dev/null
"$A" asset add --make Sony --model Trinitron --serial CRT1 --category "CRT monitor" >/dev/null         # TS-000002
"$A" asset add --make APC --model "Back-UPS 700" --serial UPS1 --category toaster >/dev/null           # TS-000003
"$A" asset add --make Logitech --model K120 --serial KB1 >/dev/null                                    # TS-000004
"$A" asset add --make Dell --model P2419H --serial MON1 --category monitor >/dev/null                  # TS-000005

check_err "accounts: proceeds must be money" 1 "--proceeds 'lots': not an amount of money (pounds: '45', '45.50')" \
  "$A" disposal request TS-000001 --reason old --proceeds lots
check_out "request with the accounts" "TS-000001: disposal requested
TS-000002: disposal requested
TS-000003: disposal requested
TS-000004: disposal requested
TS-000005: disposal requested" "$A" disposal request TS-000001 TS-000002 TS-000003 TS-000004 TS-000005 --reason "end of life" \
  --funding-source "devolved formula capital" --proceeds 40
check_out "the proceeds change later" "TS-000001: disposal accounts recorded" "$A" disposal accounts TS-000001 --proceeds 55.50
check_err "accounts need something" 2 "give --funding-source or --proceeds (or both)" "$A" disposal accounts TS-000001
"$A" disposal authorise TS-000001 TS-000002 TS-000003 TS-000004 --by HT --sign --key ann --passphrase-file "$T/hpass" >/dev/null
"$A" disposal authorise TS-000005 --by HT >/dev/null
"$A" wipe "$img" --method nist-clear --asset TS-000001 --yes --serial "$img" --progress none --key school \
  --passphrase-file "$T/pass" >/dev/null 2>&1
check_out "the laptop's drive is wiped and certified" "sanitised" sh -c "\"$A\" asset show TS-000001 --json | jq -r .status"

# -- the code list and its overrides
cons() { ASSETCTL_NOW=$now "$A" consignment create --firm "GreenIT Ltd" --licence "EPR/AB1234CD" --key school --passphrase-file "$T/pass" "$@"; }
check_err "bad carrier registration" 1 \
  "--carrier-registration 'WCR/R/123': not a waste carrier registration in England or Wales (CBDU, upper tier, or CBDL, lower tier, then its number: 'CBDU123456')" \
  cons --carrier-registration WCR/R/123 TS-000001
check_err "CBD with neither U nor L" 1 "--carrier-registration 'CBDX123456': not a waste carrier" cons --carrier-registration CBDX123456 TS-000001
check_err "CBDU with no number" 1 "--carrier-registration 'CBDU': not a waste carrier" cons --carrier-registration CBDU TS-000001
check_err "unknown category, no mapping" 1 \
  "cannot describe the waste of 'TS-000003': category 'toaster' has no List of Waste code in" \
  cons --carrier-registration CBDU123456 TS-000001 TS-000003
unchanged "unknown category" cons --carrier-registration CBDU123456 TS-000001 TS-000003
check_err "bad code format" 1 "--ewc '16 06 1*': not a List of Waste code (six digits, 'NN NN NN', with '*' when hazardous: '20 01 36', '20 01 35*')" \
  cons --carrier-registration CBDU123456 TS-000003 --ewc "TS-000003=16 06 1*"
check_err "no such chapter" 1 "--ewc '21 01 01': no List of Waste chapter 21 (they run from 01 to 20)" \
  "$A" disposal classify TS-000003 --ewc "21 01 01"
check_err "an override without a key" 1 "--ewc '16 06 01*': give TAG=CODE or CATEGORY=CODE" \
  cons --carrier-registration CBDU123456 TS-000003 --ewc "16 06 01*"
unchanged "bad code" cons --carrier-registration CBDU123456 TS-000003 --ewc "TS-000003=1606"
check_out "a code per asset" "TS-000003: List of Waste code 16 06 01* (hazardous)" "$A" disposal classify ts-000003 --ewc 160601*
check_err "the address and SIC code are not set: a warning each, how to set them" 0 \
  "warning: the school's address is not set, so it is blank on the waste notes: set it with 'assetctl setting set school_address" \
  cons --carrier-registration "cbdu 123456" TS-000001 TS-000002 TS-000003 TS-000004
check "... and one for the SIC code" grep -q "set it with 'assetctl setting set school_sic_code 85200'" <<<"$err"
check "... and one for the asset with no category" grep -q "'TS-000004' has no category: its waste is described with the default code 20 01 36" <<<"$err"
check_rc "audit verify" 0 "$A" audit verify
check_rc "export" 0 "$A" consignment export TS-CONS-000001 -o "$T/pack"
check "export warns of the blank fields too" grep -q "the school's SIC code is not set" <<<"$err"
P="$T/pack/TS-CONS-000001"
check_out "notes JSON: the codes per item and where each came from" "TS-000001 20 01 36 category false
TS-000004 20 01 36 default false
TS-000002 20 01 35* category true
TS-000003 16 06 01* asset true" jq -r '.notes[].items[] | "\(.tag) \(.ewc_code) \(.code_source) \(.hazardous)"' "$P-waste-notes.json"
check_out "notes JSON: the carrier normalised, the permit, the retention" "CBDU123456 upper tier EPR/AB1234CD 2 3" \
  jq -r '"\(.carrier.registration) \(.carrier.tier) \(.receiver.permit) \(.notes[0].retain_years) \(.notes[1].retain_years)"' "$P-waste-notes.json"
check_out "hazardous note: its consignment note code" "TESTSC/C0001" jq -r '.notes[1].consignment_note_code' "$P-waste-notes.json"
pdftotext -layout "$P-waste-transfer-note.pdf" "$T/wtn.txt"
pdftotext -layout "$P-hazardous-waste-consignment-note.pdf" "$T/hw.txt"
for want in "Waste transfer note" "20 01 36" "2 items" "CBDU123456" "EPR/AB1234CD" "Test School" "2026-11-23" \
            "Transferor's signature" "Carrier's signature" "waste hierarchy" "Place of transfer" "SIC code"; do
  check "waste transfer note PDF shows '$want'" grep -qF "$want" "$T/wtn.txt"
done
check "the transfer note lists only the non-hazardous items" sh -c "! grep -q 'CRT1\|UPS1' '$T/wtn.txt'"
for want in "Hazardous waste consignment note" "Part A" "Part B" "Part C" "Part D" "Part E" "20 01 35*" "16 06 01*" \
            "TESTSC/C0001" "HP14" "Carrier's signature" "Consignor's signature" "Consignee's signature" "CRT1"; do
  check "consignment note PDF shows '$want'" grep -qF "$want" "$T/hw.txt"
done
check "no hierarchy declaration given: the box is not ticked" grep -qF "[ ] I confirm" "$T/wtn.txt"

# -- settings: then the notes carry them
check_err "SIC code checked" 1 "school_sic_code '852': a SIC 2007 code is five digits" "$A" setting set school_sic_code 852
check_err "unknown setting" 1 "unknown setting 'school_adress': use school_address" "$A" setting set school_adress x
"$A" setting set school_address "1 School Lane, Aberystwyth" >/dev/null
"$A" setting set school_postcode "SY23 1AA" >/dev/null
check_out "setting" "school_sic_code set" "$A" setting set school_sic_code 85200
check_rc "audit verify" 0 "$A" audit verify

# -- the firm as data processor and report compliance
"$A" firm set "GreenIT Ltd" --contract DP-2024-7 --contract-expires 2026-01-31 >/dev/null
check_err "a new firm needs both" 1 "firm 'Other Ltd' is not on file: give both --contract and --contract-expires" \
  "$A" firm set "Other Ltd" --contract X
check_err "expiry must be a date" 1 "--contract-expires 'next year' is not a date (use YYYY-MM-DD)" \
  "$A" firm set "GreenIT Ltd" --contract-expires "next year"
run "$A" report compliance --json
check "compliance: the contract had expired when the consignment was made" \
  grep -qx "TS-CONS-000001: GreenIT Ltd's contract DP-2024-7 expired 2026-01-31" <<<"$(jq -r '.sections[] | select(.key=="firm_contract") | .items[].summary' <<<"$out")"
check "compliance: no receipt yet" \
  grep -qx "TS-CONS-000001 to GreenIT Ltd, made 2026-11-23: no receipt from the firm" <<<"$(jq -r '.sections[] | select(.key=="consignment_paper") | .items[].summary' <<<"$out")"
"$A" firm set "greenit ltd" --contract DP-2026-1 --contract-expires 2029-03-31 >/dev/null
check_out "firm list" "GreenIT Ltd,DP-2026-1,2029-03-31" sh -c "\"$A\" firm list --csv | tail -1 | cut -d, -f1-3"
"$A" consignment receipt TS-CONS-000001 --number R-1 --date 2026-11-24 --received-by "R. Green" >/dev/null
run "$A" report compliance --json
check_out "compliance: contract renewed, receipt in: nothing flagged for it" "" \
  jq -r '.sections[] | select(.key=="firm_contract" or .key=="consignment_paper") | .items[].summary' <<<"$out"
check_err "consign to a firm with no contract: flagged" 0 "" \
  env ASSETCTL_NOW=$now "$A" consignment create --firm "Nobody Ltd" --carrier-registration CBDL42 --key school --passphrase-file "$T/pass" \
  --waste-hierarchy-applied --ewc "monitor=20 01 35*" --place "Rear gate" TS-000005
run "$A" report compliance --json
check "... no contract on file" grep -qx "TS-CONS-000002: Nobody Ltd has no data-processing contract on file ('assetctl firm set')" \
  <<<"$(jq -r '.sections[] | select(.key=="firm_contract") | .items[].summary' <<<"$out")"
check_rc "export the second" 0 "$A" consignment export TS-CONS-000002 -o "$T/pack2"
check "no warnings now the settings are there" test -z "$err"
check_out "per-consignment override by category; lower tier; place; settings" \
  "20 01 35* consignment lower tier Rear gate 1 School Lane, Aberystwyth 85200 true" \
  jq -r '"\(.notes[0].items[0].ewc_code) \(.notes[0].items[0].code_source) \(.carrier.tier) \(.transfer.place) \(.transferor.address) \(.transferor.sic_code) \(.waste_hierarchy_applied)"' \
  "$T/pack2/TS-CONS-000002-waste-notes.json"
pdftotext -layout "$T/pack2/TS-CONS-000002-hazardous-waste-consignment-note.pdf" "$T/hw2.txt"
check "the consignment note carries the address, postcode and SIC code" \
  sh -c "grep -qF '1 School Lane, Aberystwyth' '$T/hw2.txt' && grep -qF 'SY23 1AA' '$T/hw2.txt' && grep -qF 85200 '$T/hw2.txt' && grep -qF '[X] I confirm' '$T/hw2.txt'"
check "only a hazardous note for an all-hazardous load" test ! -e "$T/pack2/TS-CONS-000002-waste-transfer-note.pdf"

# -- the disposal register shows the accounts
check_out "report disposals: funding and proceeds" "TS-000001,devolved formula capital,55.50
TS-000002,devolved formula capital,40.00" \
  sh -c "\"$A\" report disposals --json | jq -r '.[] | select(.tag==\"TS-000001\" or .tag==\"TS-000002\") | [.tag, .funding_source, .proceeds] | join(\",\")'"
check "the table shows them too" grep -q "devolved formula capital *55.50" <<<"$("$A" report disposals)"
"$A" report disposals --pdf "$T/register.pdf" >/dev/null
check "the PDF register has the funding and proceeds columns and the figures" \
  sh -c "pdftotext -layout '$T/register.pdf' - | tr -s ' ' >'$T/register.txt' && grep -q 'Funding' '$T/register.txt' && grep -q 'Proceeds' '$T/register.txt' && grep -q '55.50' '$T/register.txt' && grep -q '40.00' '$T/register.txt'"
check_rc "audit verify" 0 "$A" audit verify

# -- the evidence pack, checked with no assetctl on the PATH
check "README.txt gives the exact commands" grep -qF "openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in TS-CONS-000001.json -sigfile TS-CONS-000001.sig" "$T/pack/README.txt"
tools="$T/bin"; mkdir -p "$tools"
for t in sh openssl sha256sum jq od cut tail cmp mktemp rm dirname printf cat; do
  p=$(command -v "$t") && ln -sf "$p" "$tools/$t"
done
verify() { env -i PATH="$tools" sh "$1/verify.sh"; }
# has LINE...: every LINE is a whole line of the last run's output
has() { local l; for l; do grep -qxF "$l" <<<"$out" || return 1; done; }
run verify "$T/pack"
check "verify.sh: all checks pass with stock tools only" [ "$rc" -eq 0 ]
check "... and it checked the manifest, the certificate and the signed authorisation" has \
  "ok: manifest TS-CONS-000001.json: signature" "ok: TS-CERT-000001: SHA-256 as in the manifest" \
  "ok: TS-CERT-000001: authorisation signed by Ann Head" "all checks passed"
check "no assetctl on that PATH" sh -c "! env -i PATH='$tools' sh -c 'command -v assetctl'"

# tampering: each must make verify.sh fail, naming what
tamper() { rm -rf "$T/t"; cp -r "$T/pack" "$T/t"; }
tamper; sed -i 's/"outcome":"erased"/"outcome":"erasec"/' "$T/t/TS-CERT-000001.json"
run verify "$T/t"
check "a tampered certificate fails" [ "$rc" -eq 1 ]
check "... naming its hash and its signature" has "FAIL: TS-CERT-000001: its SHA-256 differs from the manifest's" \
  "FAIL: TS-CERT-000001: the signature does not verify"
tamper; h=$(jq -r '.assets[0].media[0].certificate_sha256' "$T/t/TS-CONS-000001.json")
sed -i "s/$h/$(printf '%s' "$h" | tr 0-9a-f 1-9a-f0)/" "$T/t/TS-CONS-000001.json"
run verify "$T/t"
check "a tampered hash in the manifest fails" [ "$rc" -eq 1 ]
check "... naming the manifest's signature and the hash" has "FAIL: manifest TS-CONS-000001.json: the signature does not verify" \
  "FAIL: TS-CERT-000001: its SHA-256 differs from the manifest's"
tamper; "$A" key generate --name other --passphrase-file "$T/pass" >/dev/null
"$A" key export-public other -o "$T/t/$(cd "$T/t" && ls key-*.pub.pem)" >/dev/null
run verify "$T/t"
check "a swapped authoriser's key fails" [ "$rc" -eq 1 ]
check "... naming it" grep -q "^FAIL: TS-CERT-000001: key-.*\.pub\.pem is not the key the authorisation names" <<<"$out"
tamper; jq -j .authorisation.signature "$T/pack/TS-CERT-000001.json" >"$T/sighex"
good=$(cat "$T/sighex"); badsig=$(printf '%s' "$good" | sed 's/^f/0/; t; s/^./f/')
# a forged authorisation: the certificate re-signed by the school (which holds
# its key) around an authorisation whose signature is not the head's
jq -c --arg s "$badsig" '.authorisation.signature = $s' "$T/pack/TS-CERT-000001.json" | tr -d '\n' >"$T/t/TS-CERT-000001.json"
run verify "$T/t"
check "a tampered authorisation fails" [ "$rc" -eq 1 ]
check "... naming it" grep -qx "FAIL: TS-CERT-000001: the authorisation's signature does not verify with key-.*" <<<"$out"
check "a missing file fails" sh -c "rm '$T/t/TS-CERT-000001.sig'; env -i PATH='$tools' sh '$T/t/verify.sh' | grep -qx 'FAIL: TS-CERT-000001: TS-CERT-000001.json or TS-CERT-000001.sig is missing'"
done_testing
