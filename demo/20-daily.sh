# Part 2: the technician's daily work (issue 3): kit out and back by scan,
# a leaver, a stock-take, the compliance report.
scanfile() { # NAME LINES...: write a scan list as a hand scanner would type it
  local f="$DEMO_DIR/$1"; shift
  printf '%s\r\n' "$@" >"$f"
  echo "$f"
}
scan_from() { # FILE [OPTIONS]: show and run assetctl scan fed from FILE
  local f=$1; shift
  printf '\n$ assetctl scan%s < %s\n' "${*:+ $*}" "$(basename "$f")"
  sed 's/\r$//; s/^/  > /' "$f"
  "$A" scan "$@" <"$f"
}

say "Staff sign the acceptable-use agreement before they are given kit. Jo Bloggs has; the new supply teacher has not yet, and the tool refuses to lend her anything until she does."
step person add --ref JBL --name "Jo Bloggs" --email jo@ysgolaber.example --role staff
step person add --ref DRE --name "Dafydd Rees" --role staff --job-title "Head of Geography"
step person add --ref SUP1 --name "Sam Supply" --role staff
step person sign-aup JBL --version 2026.1
step person sign-aup DRE --version 2026.1 --date 2025-09-01
step person badge JBL 100042
step_may_fail issue YA-000002 SUP1
pause

say "A trolley of six Chromebooks for Year 7. Each carries a QR label with its tag."
for n in 1 2 3 4 5 6; do
  "$A" asset add --tag "YA-CB0$n" --make Acer --model "Chromebook 314" --serial "NXAT${n}7EA00$n" --category laptop --location "Trolley 1" >/dev/null
done
step asset list --location "Trolley 1"
say "Jo scans her staff badge, then the six laptops: the scanner types each code and Enter, the tool answers one line per scan (and beeps on a refusal). One label is a URL, one scan is a misread."
f=$(scanfile trolley-out.txt 100042 YA-CB01 YA-CB02 https://assets.ysgolaber.example/a/ya-cb03 ya-cb04 "YA-CB0#" YA-CB05 YA-CB06 DONE)
scan_from "$f" --due "$(date -u -d '+1 day' +%F 2>/dev/null || date -u +%F)"
say "At the end of the lesson the trolley comes back: scanning kit with no borrower selected takes it back."
f=$(scanfile trolley-in.txt ya-cb01 YA-CB02 YA-CB03 YA-CB04 YA-CB05)
scan_from "$f"
say "One is still with Jo; she brings it to the office, and return --all takes back whatever she still holds."
step return --all JBL
pause

say "Dafydd Rees is leaving at the end of term. He has a laptop and a Chromebook on loan; the receipt he signed is on file."
step issue YA-000001 DRE --condition "good, with charger" --receipt "$DEMO_DIR/receipt-YA-000001.pdf"
step issue YA-CB06 DRE
step person leaving DRE --date "$(date -u -d '+14 days' +%F 2>/dev/null || date -u +%F)"
step report leavers
say "On his last day he brings the laptop to the office but not the Chromebook: the tool takes back what is presented and names what is missing."
printf '\n$ printf "YA-000001\\n" | assetctl return --all DRE --expect\n'
printf 'YA-000001\n' | "$A" return --all DRE --expect || echo "(exit status $?: something is still missing)"
say "The Chromebook turns up at home and comes back the next day."
step return YA-CB06 --condition "scratched lid"
pause

say "Stock-take of the Staff Room: the register expects both staff laptops there. One is on a desk elsewhere, and the iPad from Room 4 has wandered in."
step stocktake start "Staff Room"
f=$(scanfile staffroom.txt YA-000002 ya-000003 YA-000002)
scan_from "$f" --mode stocktake
step stocktake finish --pdf "$DEMO_DIR/stocktake-staff-room.pdf"
say "The PDF has signature lines for the technician and a governor; the report is kept ('assetctl stocktake report 1', also as --json, --csv or --html)."
pause

say "Loss, damage, lost property and PAT tests are logged too."
step incident report YA-CB04 --kind damaged --details "cracked screen corner" --person JBL --action "screen ordered"
step lostprop add --description "black Casio fx-83 calculator" --where "Hall"
step check add YA-000004 --kind pat --result pass
pause

say "Finally, the compliance report: everything the school's policies ask for, in one list. It exits 1 when something needs action, so it can run from cron. Here the office PC holds personal data but is not encrypted."
step_may_fail report compliance
say "Every scan above is one event in the audit log, and the chain still verifies."
step audit verify
