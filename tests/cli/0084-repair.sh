#!/usr/bin/env bash
# In stock <-> in repair (DESIGN.md's states): `asset repair TAG` and
# `asset repair --done TAG`, with notes in the audit log; every refusal says
# why and changes nothing.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_TODAY=2026-11-23
new_db
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB --date 2026-01-02 >/dev/null
for s in 1 2; do "$A" asset add --make Dell --model "Latitude 5420" --serial "S$s" >/dev/null; done
"$A" issue TS-000002 JB >/dev/null

check_out "send for repair (any letter case)" "TS-000001 is in repair" "$A" asset repair ts-000001 --notes "cracked screen"
check_out "... the status" "in_repair" sh -c "\"$A\" asset show TS-000001 --json | jq -r .status"
check_out "... listed under in-repair" "TS-000001" sh -c "\"$A\" asset list --status in-repair --json | jq -r '.[].tag' | grep -x TS-000001"
check_out "... the notes in the audit log" "asset.repair cracked screen" \
  sh -c "\"$A\" audit log TS-000001 --json | jq -r '.[] | select(.action == \"asset.repair\") | \"\(.action) \(.details.notes)\"'"
check_err "an asset cannot be issued while in repair" 1 "in repair" "$A" issue TS-000001 JB

before=$(dump)
check_err "again: already in repair" 1 "cannot send for repair 'TS-000001': 'TS-000001' is already in repair" "$A" asset repair TS-000001
check_err "an issued asset is returned first" 1 "cannot send for repair 'TS-000002': 'TS-000002' is issued: return it first ('assetctl return TS-000002')" \
  "$A" asset repair TS-000002
check_err "--done of an asset not in repair" 1 "cannot bring back from repair 'TS-000002': 'TS-000002' is issued, not in repair" \
  "$A" asset repair --done TS-000002
check_err "an unknown tag" 1 "no asset 'TS-000099' in the register" "$A" asset repair TS-000099
check_err "no tag: usage" 2 "give one tag" "$A" asset repair
check_err "two tags: usage" 2 "give one tag" "$A" asset repair TS-000001 TS-000002
check_err "an unknown option: usage" 2 "unrecognized option '--fast'" "$A" asset repair TS-000001 --fast
check_out "the refusals changed nothing" "same" bash -c "[ \"\$(dump)\" = \"\$1\" ] && echo same" _ "$before"

check_out "back from repair" "TS-000001 is back from repair and in stock" "$A" asset repair TS-000001 --done --notes "screen replaced"
check_out "... in stock again" "in_stock" sh -c "\"$A\" asset show TS-000001 --json | jq -r .status"
check_out "... and can be issued" "issued" sh -c "\"$A\" issue TS-000001 JB >/dev/null && \"$A\" asset show TS-000001 --json | jq -r .status"
check_rc "the audit log verifies" 0 "$A" audit verify
done_testing
