#!/usr/bin/env bash
# Single labels as PNG and SVG: read back by zbarimg (the SVG rasterised by
# rsvg-convert), the code measured where the layout promises.
. "$(dirname "$0")/lib.sh"
CHECK="$ASSETCTL_BUILDDIR/tests/label-check"
for tool in zbarimg rsvg-convert; do
  if ! command -v $tool >/dev/null; then skip "single labels" "$tool is not installed"; done_testing; exit; fi
done
new_db
"$A" init --school "Ysgol Gyfun Gŵyr" --tag-prefix TS >/dev/null
"$A" asset add --make Lenovo --model "ThinkPad T14 Gen 3 (Intel) with a long model name" --serial L1 >/dev/null
"$A" asset add --make Apple --model iPad --serial I2 >/dev/null

check_out "PNG, default 62 x 29 mm at 300 dpi" "wrote the label for TS-000001 (62 x 29 mm) to $T/a.png" "$A" label ts-000001 --png "$T/a.png"
# (the PNG signature and the IHDR chunk's width and height, read with xxd:
# file(1) is not on every machine)
check_out "...is 732 x 343 pixels" "89504e470d0a1a0a IHDR 732 x 343" \
  bash -c "h=\$(xxd -p -l 24 \"$T/a.png\" | tr -d '\n'); echo \"\${h:0:16} \$(echo \${h:24:8} | xxd -r -p) \$((16#\${h:32:8})) x \$((16#\${h:40:8}))\""
check_out "...decodes to the tag, code in place" "1 TS-000001" "$CHECK" "$T/a.png" 300 --single 62 29
check_out "PNG at 600 dpi, 50 x 25 mm" "1 TS-000002" sh -c "\"$A\" label TS-000002 --png \"$T/b.png\" --dpi 600 --width 50 --height 25 >/dev/null && \"$CHECK\" \"$T/b.png\" 600 --single 50 25"
check_out "a tall label puts the text under the code" "1 TS-000002" sh -c "\"$A\" label TS-000002 --png \"$T/t.png\" --width 30 --height 50 >/dev/null && \"$CHECK\" \"$T/t.png\" 300 --single 30 50"
check_out "SVG, rasterised by rsvg-convert, decodes" "1 TS-000001" \
  sh -c "\"$A\" label TS-000001 --svg \"$T/a.svg\" --ecc H >/dev/null && rsvg-convert -d 300 -p 300 -b white -o \"$T/svg.png\" \"$T/a.svg\" && \"$CHECK\" \"$T/svg.png\" 300 --single 62 29"
check "the SVG is sized in millimetres" grep -q 'width="62mm" height="29mm"' "$T/a.svg"
check_out "SVG with a URL" "1 https://a.example/TS-000002" \
  sh -c "\"$A\" label TS-000002 --svg \"$T/u.svg\" --url-template 'https://a.example/{tag}' >/dev/null && rsvg-convert -d 300 -p 300 -b white -o \"$T/u.png\" \"$T/u.svg\" && \"$CHECK\" \"$T/u.png\" 300 --single 62 29"
check_err "one tag only" 2 "--png and --svg make one label: give one tag" "$A" label TS-000001 TS-000002 --png "$T/x.png"
check_err "too small for the code" 1 "cannot fit the QR code for 'TS-000001' on a 12.00 x 10.00 mm label" "$A" label TS-000001 --png "$T/x.png" --width 12 --height 10
check_err "too small for the text" 1 "cannot fit the text for 'TS-000001'" "$A" label TS-000001 --png "$T/x.png" --width 20 --height 14
check "...and nothing is written" test ! -e "$T/x.png"
check_err "--dpi out of range" 2 "--dpi '10' is not a resolution from 72 to 2400" "$A" label TS-000001 --png "$T/x.png" --dpi 10
check_err "--skip is for sheets" 2 "--skip and --offset-x/-y go with --sheet" "$A" label TS-000001 --png "$T/x.png" --skip 2
done_testing
