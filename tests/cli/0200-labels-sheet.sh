#!/usr/bin/env bash
# Labels on A4 sheets: every label of every page is cut out by the template's
# geometry, read back with zbarimg and its code's position measured.
. "$(dirname "$0")/lib.sh"
CHECK="$ASSETCTL_BUILDDIR/tests/label-check"
SHEETS="$ASSETCTL_SRCDIR/labels/sheets"
for tool in pdftoppm zbarimg pdftotext; do
  if ! command -v $tool >/dev/null; then skip "label sheets" "$tool is not installed"; done_testing; exit; fi
done
new_db
"$A" init --school "Ysgol Gymraeg Bro Ŵyr a Chaerdydd – École Française" --tag-prefix TS >/dev/null
for i in $(seq 1 25); do
  loc="Room $((i % 3))"
  "$A" asset add --make Dell --model "Latitude 54$i" --serial "SN$i" --location "$loc" >/dev/null
done
all_tags=$(seq -f 'TS-%06g' 1 25)

# decode PDF SHEET [OFFX OFFY] [SKIP]: render at 300 dpi, check every page;
# prints the decoded texts (one per line, in position order), fails on
# geometry errors.
decode() {
  local pdf=$1 sheet=$2 ox=${3:-0} oy=${4:-0} page rc=0
  rm -f "$T"/pg-*.png
  pdftoppm -r 300 -png "$pdf" "$T/pg" || return 1
  for page in "$T"/pg-*.png; do
    "$CHECK" "$page" 300 --sheet "$SHEETS/$sheet.sheet" --offset "$ox" "$oy" >"$T/check.out" 2>"$T/check.err" || rc=1
    cat "$T/check.err" >&2
    awk '$2 != "" { print $2 }' "$T/check.out"
  done
  return $rc
}

for s in "L7160 2 sheets" "L7651 1 sheet" "L7163 2 sheets"; do
  set -- $s; s=$1
  check_out "$s: 25 labels written" "wrote 25 labels on $2 $s $3 to $T/$s.pdf" \
    "$A" label --all --sheet $s -o "$T/$s.pdf"
  check_out "$s: every label decodes to its tag, code where the template says" "$all_tags" decode "$T/$s.pdf" $s
done

check_out "--skip 5 and offsets: positions 1-5 empty, codes moved by the offset" \
  "$(printf '1 \n2 \n3 \n4 \n5 \n6 TS-000001\n7 TS-000002\n8 TS-000003\n9 \n10 ')" \
  sh -c "\"$A\" label TS-000001 ts-000002 TS-000003 --sheet l7160 -o \"$T/skip.pdf\" --skip 5 --offset-x 1.5 --offset-y -2 >/dev/null &&
         pdftoppm -r 300 -png \"$T/skip.pdf\" \"$T/skip\" &&
         \"$CHECK\" \"$T/skip-1.png\" 300 --sheet \"$SHEETS/L7160.sheet\" --offset 1.5 -2 --count 10"
check_rc "...and without the offset the codes are measured out of place" 1 \
  "$CHECK" "$T/skip-1.png" 300 --sheet "$SHEETS/L7160.sheet" --offset 0 0 --first 5 --count 3

check_out "--skip 20 puts the first label last on the sheet, the rest on a second" "$(printf '20 \n21 TS-000001\n1 TS-000002\n2 TS-000003\n3 ')" \
  sh -c "\"$A\" label TS-000001 TS-000002 TS-000003 --sheet L7160 -o \"$T/wrap.pdf\" --skip 20 >/dev/null &&
         pdftoppm -r 300 -png \"$T/wrap.pdf\" \"$T/wrap\" &&
         \"$CHECK\" \"$T/wrap-1.png\" 300 --sheet \"$SHEETS/L7160.sheet\" --first 19 --count 2 &&
         \"$CHECK\" \"$T/wrap-2.png\" 300 --sheet \"$SHEETS/L7160.sheet\" --count 3"
check_out "--location picks the assets in that room" "$(seq -f 'TS-%06g' 3 3 24)" \
  sh -c "\"$A\" label --location 'Room 0' --sheet L7163 -o \"$T/loc.pdf\" >/dev/null && $(declare -f decode); T=$T CHECK=$CHECK SHEETS=$SHEETS; decode \"$T/loc.pdf\" L7163"
check_out "--url-template puts a URL in the code (8-bit mode)" \
  "https://assets.example.sch.uk/a/TS-000007?src=label" \
  sh -c "\"$A\" label TS-000007 --sheet L7160 -o \"$T/url.pdf\" --url-template 'https://assets.example.sch.uk/a/{tag}?src=label' --ecc Q >/dev/null && $(declare -f decode); T=$T CHECK=$CHECK SHEETS=$SHEETS; decode \"$T/url.pdf\" L7160"
check "the tag, the school's name (Welsh, shortened on a character) and make/model are printed as text" \
  sh -c "pdftotext \"$T/L7163.pdf\" - | grep -qx 'TS-000001' && pdftotext \"$T/L7163.pdf\" - | grep -q 'Ysgol Gymraeg Bro Ŵyr' && pdftotext \"$T/L7163.pdf\" - | grep -qx 'Dell Latitude 541'"
check "a long name is shortened with an ellipsis on the small L7651 labels" \
  sh -c "pdftotext \"$T/L7651.pdf\" - | grep -q '^Ysgol Gymraeg Bro.*…\$'"

check_err "a module under 0.34 mm is refused with the reason" 1 \
  "cannot fit the QR code for 'TS-000001' on a 38.10 x 21.17 mm label: its 61 modules (53 and the quiet zone) would be 0.30 mm each, under the 0.34 mm minimum (4 dots at 300 dpi)" \
  "$A" label TS-000001 --sheet L7651 -o "$T/small.pdf" --ecc H --url-template 'https://inventory.example-academy-trust.sch.uk/assets/equipment/register/item/{tag}/details'
check "...and nothing is written" test ! -e "$T/small.pdf"
check_err "unknown sheet names the ones there are" 1 "no label sheet 'L9999': known sheets are L7160, L7163, L7651" \
  "$A" label TS-000001 --sheet L9999 -o "$T/x.pdf"
check_err "--skip past the sheet" 2 "--skip 21: a L7160 sheet has 21 labels" "$A" label TS-000001 --sheet L7160 -o "$T/x.pdf" --skip 21
check_err "unknown tag" 1 "cannot make labels: no asset 'TS-000099' in the register" "$A" label TS-000001 TS-000099 --sheet L7160 -o "$T/x.pdf"
check_err "nothing matches" 1 "cannot make labels: no assets to label with status in stock at location Attic" \
  "$A" label --status in-stock --location Attic --sheet L7160 -o "$T/x.pdf"
check_err "tags and --all together" 2 "give tags, or --all/--status/--location, not both" "$A" label TS-000001 --all --sheet L7160 -o "$T/x.pdf"
check_err "no output" 2 "give one of --sheet NAME -o FILE" "$A" label TS-000001
check_err "--sheet without -o" 2 "--sheet needs -o FILE" "$A" label TS-000001 --sheet L7160
check_err "bad --ecc" 2 "invalid error-correction level 'X': expected L, M, Q or H" "$A" label TS-000001 --sheet L7160 -o "$T/x.pdf" --ecc X
check_err "template without {tag}" 2 "URL template 'https://x.example/' has no {tag} in it" \
  "$A" label TS-000001 --sheet L7160 -o "$T/x.pdf" --url-template https://x.example/
check_err "bad offset" 2 "--offset-x 'left' is not a length in mm" "$A" label TS-000001 --sheet L7160 -o "$T/x.pdf" --offset-x left
check_err "unwritable output" 1 "cannot create '$T/no/such/dir/x.pdf'" "$A" label TS-000001 --sheet L7160 -o "$T/no/such/dir/x.pdf"

# Sheet templates are data: a new stock is a new file, and a bad file is
# refused with the line at fault.
mkdir -p "$T/sheets"
cat >"$T/sheets/MINI.sheet" <<'S'
# a made-up stock: 4 x 10 labels, 45.7 x 25.4 mm
description = test stock
page-width = 210
page-height = 297
columns = 4
rows = 10
label-width = 45.7
label-height = 25.4
left = 9.75
top = 21.5
column-pitch = 48.3
row-pitch = 25.4
S
check_out "a new stock is a new file" "$(seq -f 'TS-%06g' 1 6)" \
  sh -c "ASSETCTL_SHEETS_DIR=\"$T/sheets\" \"$A\" label \$(seq -f 'TS-%06g' 1 6) --sheet mini -o \"$T/mini.pdf\" >/dev/null && $(declare -f decode); T=$T CHECK=$CHECK SHEETS=\"$T/sheets\"; decode \"$T/mini.pdf\" MINI"
check_out "--list-sheets" "MINI     test stock" env ASSETCTL_SHEETS_DIR="$T/sheets" "$A" label --list-sheets
sed 's/^rows = 10/rows = 10\ngutter = 2/' "$T/sheets/MINI.sheet" >"$T/sheets/BAD1.sheet"
check_err "unknown key, with its line" 1 "'$T/sheets/BAD1.sheet' line 7: unknown key 'gutter'" \
  env ASSETCTL_SHEETS_DIR="$T/sheets" "$A" label TS-000001 --sheet BAD1 -o "$T/x.pdf"
sed 's/^top = 21.5/top = 2l.5/' "$T/sheets/MINI.sheet" >"$T/sheets/BAD2.sheet"
check_err "bad number, with its line" 1 "'$T/sheets/BAD2.sheet' line 10: top '2l.5' is not a number of millimetres" \
  env ASSETCTL_SHEETS_DIR="$T/sheets" "$A" label TS-000001 --sheet BAD2 -o "$T/x.pdf"
sed 's/^rows = 10/rows = 12/' "$T/sheets/MINI.sheet" >"$T/sheets/BAD3.sheet"
check_err "a grid off the page" 1 "the labels reach 326.30 mm down, past the page height 297.00 mm" \
  env ASSETCTL_SHEETS_DIR="$T/sheets" "$A" label TS-000001 --sheet BAD3 -o "$T/x.pdf"
grep -v '^row-pitch' "$T/sheets/MINI.sheet" >"$T/sheets/BAD4.sheet"
check_err "a missing key" 1 "'$T/sheets/BAD4.sheet': 'row-pitch' is missing" \
  env ASSETCTL_SHEETS_DIR="$T/sheets" "$A" label TS-000001 --sheet BAD4 -o "$T/x.pdf"
done_testing
