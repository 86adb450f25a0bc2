#!/usr/bin/env bash
# Outside text never drives the terminal: an ESC sequence, a C1 control
# (raw 0x9b or U+009B), DEL, invalid UTF-8 or a bidirectional override that
# comes from a CSV cell or header, a JSON key or value, a media kind, a
# scanned line, a device's udev properties or the command line is shown
# escaped (\x1b, \xff, \u{9b}, \u{202e}) in messages, tables and text, and
# no such byte reaches standard output or standard error.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-umockdev.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
cd "$T" || exit 1

# Nothing but printable ASCII and line ends on stdout and stderr of the last
# run (the inputs below use no other non-ASCII text).
clean() {
  if LC_ALL=C grep -q '[^ -~]' "$T/.out" "$T/.err"; then
    _not_ok "$1: nothing raw on the terminal" "$(od -c "$T/.out" "$T/.err" | head -20)"
  else _ok "$1: nothing raw on the terminal"; fi
}

ESC=$'\033' RLO=$'\342\200\256' LRI=$'\342\201\246' C1=$'\302\233'

# a CSV cell: the message quotes it escaped
printf 'serial,make,model,status\nS1,Dell,M,%s[31mbroken%s\n' "$ESC" "$C1" >cell.csv
exact "a CSV cell with ESC and U+009B" 1 "" "cell.csv:2: status: '\\x1b[31mbroken\\u{9b}' is not a status here: say what it means with --status-map '\\x1b[31mbroken\\u{9b}=STATE' (in_stock, in_repair, lost, stolen, found or disposed)
error: 'cell.csv' not imported: nothing was changed (1 problem)" "$A" asset import cell.csv
clean "a CSV cell"
printf 'serial,make,model\nS1,Dell,M\377%s\n' "$ESC" >bytes.csv
exact "a CSV cell that is not UTF-8" 1 "" "bytes.csv:2: model: not valid UTF-8 (save the file as UTF-8, or give its --encoding)
error: 'bytes.csv' not imported: nothing was changed (1 problem)" "$A" asset import --encoding utf-8 bytes.csv
clean "a CSV cell that is not UTF-8"
# without --encoding the file is read as Windows-1252, where 0xff is a
# letter; the ESC after it is still refused
exact "a CSV cell that is not UTF-8, read as Windows-1252" 1 "" "bytes.csv: not UTF-8: read as Windows-1252 (give --encoding if it is another)
bytes.csv:2: model: not valid UTF-8 text (or has control characters)
error: 'bytes.csv' not imported: nothing was changed (1 problem)" "$A" asset import bytes.csv
clean "a CSV cell read as Windows-1252"

# a CSV header and a JSON key, both ignored columns, named escaped
printf 'serial,make,model,bad%s[2Jhead%s,%sx\nS1,Dell,M,,\n' "$ESC" "$C1" "$RLO" >head.csv
exact "a CSV header" 0 "head.csv: 1 asset added
columns ignored: bad\\x1b[2Jhead\\u{9b}, \\u{202e}x" "" "$A" asset import head.csv
clean "a CSV header"
printf '[{"serial":"S2","make":"Dell","model":"M","k\\u001b]0;pwned\\u0007ey":"v"}]' >key.json
exact "a JSON key" 0 "key.json: 1 asset added
columns ignored: k\\x1b]0;pwned\\x07ey" "" "$A" asset import key.json
clean "a JSON key"

# a media kind, from a JSON file and from the command line
printf '[{"serial":"S3","make":"Dell","model":"M","media":[{"model":"x","serial":"y","size_bytes":1,"kind":"h\\u001bdd\\u202e\\u009b"}]}]' >kind.json
exact "a media kind in a JSON file" 1 "" "kind.json: record 1: media: medium 1: kind 'h\\x1bdd\\u{202e}\\u{9b}' is not hdd, ssd, nvme or flash
error: 'kind.json' not imported: nothing was changed (1 problem)" "$A" asset import kind.json
clean "a media kind in a JSON file"
exact "a media kind on the command line" 1 "" "error: cannot add storage to 'TS-000001': kind: 'h\\x1bdd\\x7f' is not hdd, ssd, nvme or flash" \
  "$A" asset add-media TS-000001 --model x --serial y --size 1 --kind "h${ESC}dd"$'\177'
clean "a media kind on the command line"

# the command line: an argument, an option getopt does not know
exact "an argument" 1 "" "error: no asset 'TS\\x1b[2J\\u{202e}' in the register (by tag or serial)" "$A" asset show "TS${ESC}[2J${RLO}"
clean "an argument"
exact "an unknown option" 2 "" "assetctl asset list: unrecognized option '--\\x1b[2Jx'
usage: assetctl asset list [--status S] [--location L] [--category C] [--json|--csv]
Run 'assetctl asset list --help' for the options." "$A" asset list "--${ESC}[2Jx"
clean "an unknown option"
exact "an unknown command" 2 "" "error: 'bogus\\xff' is not an assetctl command: see 'assetctl help'" "$A" $'bogus\377'
clean "an unknown command"

# values: control characters, C1 included, are refused; bidi overrides are
# text, stored, and shown escaped in tables and text (JSON as \u202e)
exact "a C1 control in a value is refused" 1 "" "error: cannot add asset: make: not valid UTF-8 text (or has control characters)" \
  "$A" asset add --make "Dell${C1}" --model M --serial S9
"$A" asset add --make "Dell${RLO}" --model "${LRI}M" --serial S4 >/dev/null
exact "a table" 0 "TAG        MAKE          MODEL      SERIAL  CATEGORY  LOCATION  STATUS
TS-000001  Dell          M          S1                          in stock
TS-000002  Dell          M          S2                          in stock
TS-000003  Dell\\u{202e}  \\u{2066}M  S4                          in stock" "" "$A" asset list
clean "a table"
run "$A" asset show TS-000003
check "one record" grep -qx 'make:           Dell\\u{202e}' "$T/.out"
clean "one record"
run "$A" asset show TS-000003 --json
check "JSON" grep -qF '"model": "\u2066M",' "$T/.out"
clean "JSON"
"$A" person add --ref JB --name "Jo${RLO} B" >/dev/null
"$A" person sign-aup JB --date 2026-01-01 >/dev/null
exact "text output" 0 "TS-000003 issued to Jo\\u{202e} B (JB)" "" "$A" issue TS-000003 JB
clean "text output"

# scanned lines: each fault named, the line shown escaped
printf 'JB\nTS-000001%s[2J\nTS%s\nTS\233x\nab\377\n%sTS-000001\nTS-000001\177\n' "$ESC" "$C1" "$RLO" >scan.txt
exact "scanned lines" 0 "borrower: Jo\\u{202e} B (JB), holds 1: TS-000003
ignored: 'TS-000001\\x1b[2J' is a line with a control character, not a tag, person reference or badge
ignored: 'TS\\u{9b}' is a line with a C1 control character, not a tag, person reference or badge
ignored: 'TS\\x9bx' is a line that is not valid UTF-8, not a tag, person reference or badge
ignored: 'ab\\xff' is a line that is not valid UTF-8, not a tag, person reference or badge
ignored: '\\u{202e}TS-000001' is not a tag, person reference or badge
ignored: 'TS-000001\\x7f' is a line with a control character, not a tag, person reference or badge
7 scans: 0 issued, 0 returned, 0 refused, 6 ignored" "" "$A" scan <scan.txt
clean "scanned lines"
exact "scanned lines: nothing was issued" 0 "in stock" "" sh -c "\"$A\" asset show TS-000001 | sed -n 's/^status: *//p'"

# a drive whose udev properties hold an ESC sequence, a byte that is not
# UTF-8 (ID_MODEL_ENC), a bidi override and a C1 control (ID_SERIAL_SHORT)
if have_umockdev; then
  run umock nasty-stick "$A" devices --all
  check "a drive's properties in the table" grep -qxF '/dev/sdd  16.0 GB  512/512  usb  flash  SanDisk Cruzer\x1b[2JBlade\xff  4C53\u{202e}0001\u{9b}9164  free          none' "$T/.out"
  clean "a drive's properties in the table"
  run umock nasty-stick "$A" devices /dev/sdd
  check "one drive" grep -qxF 'model:           Cruzer\x1b[2JBlade\xff' "$T/.out"
  check "one drive: serial" grep -qxF 'serial:          4C53\u{202e}0001\u{9b}9164' "$T/.out"
  clean "one drive"
  run umock nasty-stick "$A" devices --all --json
  # the model is not UTF-8: JSON has it escaped rather than dropping it
  check "JSON: the model is kept, escaped" grep -qxF '    "model": "Cruzer\\x1b[2JBlade\\xff",' "$T/.out"
  check "JSON: the serial" grep -qxF '    "serial": "4C53\u202e0001\u009b9164",' "$T/.out"
  clean "a drive's properties as JSON"
  run umock nasty-stick "$A" devices --register TS-000001 </dev/null
  check "a drive with such a serial is not registered" grep -qxF "error: cannot add storage to 'TS-000001': serial: not valid UTF-8 text (or has control characters)" "$T/.err"
  clean "registering such a drive"
else
  skip "a drive's udev properties" "umockdev-run does not work here"
fi
done_testing
