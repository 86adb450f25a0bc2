#!/usr/bin/env bash
# A scan must select one thing: a person reference or badge equal to an
# asset tag (as scan reads it, upper-cased) is refused, and so is an asset
# whose tag is a person's reference or badge, by every way in (asset add,
# person add, person badge, both imports); the register is unchanged and
# scan still finds what it found before.
. "$(dirname "$0")/lib.sh"
new_db
export ASSETCTL_TODAY=2026-11-23
"$A" asset add --tag TS-000001 --make Dell --model Latitude --serial S1 >/dev/null
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB --date 2026-09-01 >/dev/null
"$A" person badge JB 4711 >/dev/null
"$A" person add --ref TS-000002 --name "Tess Two" >/dev/null   # before any such asset: allowed

check_err "a reference equal to an asset tag" 1 \
  "reference 'TS-000001' is also the tag of an asset (Dell Latitude): a scan could not tell them apart" \
  "$A" person add --ref TS-000001 --name "Tia Sone"
check_err "... in lower case (scan upper-cases it)" 1 \
  "reference 'ts-000001' is also the tag of an asset (Dell Latitude)" "$A" person add --ref ts-000001 --name "Tia Sone"
check_err "a badge equal to an asset tag" 1 \
  "badge 'TS-000001' is also the tag of an asset (Dell Latitude): a scan could not tell them apart" \
  "$A" person badge JB TS-000001
check_err "an asset tag equal to a person's reference" 1 \
  "tag 'TS-000002' is also the reference or a badge of Tess Two (TS-000002): a scan could not tell them apart" \
  "$A" asset add --tag TS-000002 --make HP --model ProBook --serial S2
check_err "... the next generated tag too" 1 "tag 'TS-000002' is also the reference or a badge of Tess Two (TS-000002)" \
  "$A" asset add --make HP --model ProBook --serial S2
check_err "an asset tag equal to a badge" 1 \
  "tag '4711' is also the reference or a badge of Jo Bloggs (JB): a scan could not tell them apart" \
  "$A" asset add --tag 4711 --make HP --model ProBook --serial S3

printf 'tag,serial,make,model\nTS-000010,S10,HP,ProBook\n4711,S11,HP,ProBook\n' >"$T/assets.csv"
check_err "asset import: a tag equal to a badge rejects the file" 1 "tag '4711' is also the reference or a badge of Jo Bloggs (JB)" \
  "$A" asset import "$T/assets.csv"
printf 'ref,name\nAO,Ann Other\nts-000001,Tia Sone\n' >"$T/people.csv"
check_err "person import: a reference equal to a tag rejects the file" 1 "reference 'ts-000001' is also the tag of an asset (Dell Latitude)" \
  "$A" person import "$T/people.csv"
printf 'ref,name,badges\nAO,Ann Other,TS-000001\n' >"$T/badges.csv"
check_err "person import: a badge equal to a tag rejects the file" 1 "badge 'TS-000001' is also the tag of an asset (Dell Latitude)" \
  "$A" person import "$T/badges.csv"
check_out "nothing was added" "1 2" sh -c "echo \$(\"$A\" asset list --json | jq length) \$(\"$A\" person list --json | jq length)"
"$A" person add --ref ts-000020 --name "Tom Small" >/dev/null
printf 'tag,serial,make,model\nTS-000020,S20,HP,ProBook\n' >"$T/assets2.csv"
check_err "asset import: a tag equal to a reference in another case rejects the file" 1 \
  "tag 'TS-000020' is also the reference or a badge of Tom Small (ts-000020)" "$A" asset import "$T/assets2.csv"
"$A" person add --ref "Siân" --name "Siân Jones" >/dev/null
check_err "... also when a reference is not ASCII (the database compares)" 1 \
  "tag 'TS-000020' is also the reference or a badge of Tom Small (ts-000020)" "$A" asset import "$T/assets2.csv"
check_err "... and a badge still" 1 "tag '4711' is also the reference or a badge of Jo Bloggs (JB)" \
  "$A" asset import "$T/assets.csv"

check_out "scan still tells each apart" "TS-000001 Dell Latitude (S1): in stock
Jo Bloggs (JB) holds nothing
Tess Two (TS-000002) holds nothing
Jo Bloggs (JB) holds nothing
4 scans: 0 issued, 0 returned, 4 looked up, 0 refused, 0 ignored" \
  sh -c "printf 'ts-000001\nJB\nTS-000002\n4711\n' | \"$A\" scan --mode lookup"
check_rc "audit verify" 0 "$A" audit verify
done_testing
