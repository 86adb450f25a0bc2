#!/usr/bin/env bash
# A trust on a real PostgreSQL server: trust init by the database's owner (no
# superuser), schools, grants and revokes, each login seeing its own school
# only, through assetctl and through psql; the trust commands' refusals.
. "$(dirname "$0")/lib.sh"

new_db
check_err "trust commands refuse a SQLite register" 1 \
  "is one school's register (a SQLite file): 'trust school list' needs a trust's PostgreSQL database (--db postgresql://...)" \
  "$A" trust school list
check_err "--school refuses a SQLite register" 1 "--school 'OAK' names a school of a trust" "$A" --school OAK asset list
unset ASSETCTL_DB

if ! need_pg; then
  skip "trust on PostgreSQL" "no PostgreSQL server for this run"
  done_testing; exit
fi
new_trust || { check "a trust database" false; done_testing; exit; }
OWNER=$(trust_uri "$TRUST_OWNER")

check_out "trust init by the database's owner" \
  "trust 'Oak Trust' at $OWNER: add its schools with 'assetctl trust school add'" \
  "$A" --db "$OWNER" trust init --name "Oak Trust"
check_out "school OAK" "school OAK 'Oak Primary' added; tags OAK-000001 upwards" \
  "$A" --db "$OWNER" trust school add --code OAK --name "Oak Primary" --tag-prefix OAK
check_out "school ELM" "school ELM 'Elm Academy' added; tags ELM-000001 upwards" \
  "$A" --db "$OWNER" trust school add --code ELM --name "Elm Academy" --tag-prefix ELM
check_err "a school code is taken once" 1 "cannot add school 'OAK': the code is taken" \
  "$A" --db "$OWNER" trust school add --code OAK --name "Oak Again" --tag-prefix OAK2
check_err "a tag prefix is taken once (the message says which)" 1 "cannot add school 'ASH': the tag prefix 'OAK' is another school's" \
  "$A" --db "$OWNER" trust school add --code ASH --name "Ash Primary" --tag-prefix OAK
check_err "a bad school code" 1 "--code 'oak!': use 2 to 10 capital letters or digits" \
  "$A" --db "$OWNER" trust school add --code 'oak!' --name X --tag-prefix X
run "$A" --db "$OWNER" trust school list --csv
check "the schools, listed" [ "$(cut -d, -f1 "$T/.out" | tr '\n' ' ')" = "code ELM OAK " ]
check "... with their names and prefixes" grep -q "^ELM,Elm Academy,ELM," "$T/.out"

TA=$(new_login tech_oak) TB=$(new_login tech_elm) AUD=$(new_login trust_auditor) ADM=$(new_login it_manager)
check_out "grant a technician of OAK" "$TA is a technician OAK" \
  "$A" --db "$OWNER" trust grant --db-role "$TA" --school OAK --role technician
check_rc "grant a technician of ELM" 0 "$A" --db "$OWNER" trust grant --db-role "$TB" --school ELM --role technician
check_rc "grant a trust-wide auditor" 0 "$A" --db "$OWNER" trust grant --db-role "$AUD" --trust-wide --role auditor
check_rc "grant a trust-wide admin" 0 "$A" --db "$OWNER" trust grant --db-role "$ADM" --trust-wide --role admin
check_err "a technician belongs to a school" 1 "a technician belongs to a school: give --school CODE" \
  "$A" --db "$OWNER" trust grant --db-role "$TA" --trust-wide --role technician
check_rc "--school or --trust-wide, not both" 2 \
  "$A" --db "$OWNER" trust grant --db-role "$TA" --trust-wide --school OAK --role auditor
check_err "an unknown school" 1 "school 'ASH': no such school in the trust" \
  "$A" --db "$OWNER" trust grant --db-role "$TA" --school ASH --role technician

UA=$(trust_uri "$TA") UB=$(trust_uri "$TB")
check_out "OAK's technician adds an asset, no --school needed" "OAK-000001" \
  "$A" --db "$UA" asset add --make Dell --model E1 --serial S1
check_out "ELM's technician adds one with the same serial" "ELM-000001" \
  "$A" --db "$UB" asset add --make Dell --model E1 --serial S1
run "$A" --db "$UA" asset list --csv
check "OAK's technician lists OAK's assets only" [ "$(grep -c -- '-0000' "$T/.out")" = 1 ] && grep -q OAK-000001 "$T/.out"
check_err "OAK's technician cannot see ELM's asset" 1 "ELM-000001" "$A" --db "$UA" asset show ELM-000001
check_out "psql as OAK's technician sees one asset" "1|OAK-000001" \
  psql -qAtX -d "$TRUST_DB" -U "$TA" -c "SELECT count(*) OVER (), tag FROM assets"
check_out "psql as OAK's technician changes none of ELM's rows" "UPDATE 0" \
  psql -X -d "$TRUST_DB" -U "$TA" -c "UPDATE assets SET model = 'x' WHERE tag = 'ELM-000001'"
check_err "OAK's technician may not add a school" 1 "" \
  "$A" --db "$UA" trust school add --code ASH --name Ash --tag-prefix ASH
check_out "each school's chain verifies on its own" "audit log intact: 3 events" \
  sh -c "'$A' --db '$UA' audit verify | cut -d, -f1"
check_rc "the auditor reads a school it names" 0 "$A" --db "$(trust_uri "$AUD")" --school ELM asset show ELM-000001
check_err "the auditor writes nothing" 1 "" \
  "$A" --db "$(trust_uri "$AUD")" --school ELM asset add --make Dell --model E2 --serial S2
check_err "a trust-wide login names the school for a write" 1 "--school" \
  "$A" --db "$(trust_uri "$ADM")" asset add --make Dell --model E2 --serial S2
check_out "... and writes there with it" "ELM-000002" \
  "$A" --db "$(trust_uri "$ADM")" --school ELM asset add --make Dell --model E2 --serial S2

check_rc "an unencrypted laptop with personal data at OAK" 0 \
  "$A" --db "$UA" asset add --make Dell --model L1 --serial P1 --personal-data --not-encrypted
check_rc "... and at ELM" 0 "$A" --db "$UB" asset add --make HP --model L2 --serial P2 --personal-data --not-encrypted
run "$A" --db "$(trust_uri "$AUD")" report compliance --all-schools
check "a trust-wide compliance report names each school's items" \
  [ "$rc" = 1 ] && grep -q "^        OAK: OAK-000002 Dell L1" "$T/.out" && grep -q "^        ELM: ELM-000003 HP L2" "$T/.out"
run "$A" --db "$(trust_uri "$AUD")" report overdue --all-schools --csv
check "--all-schools adds the school as the first column" [ "$(head -1 "$T/.out")" = "school,tag,make,model,ref,name,issued_at,due,days_overdue" ]
check_err "--all-schools on a SQLite register" 1 "'--all-schools' needs a trust's PostgreSQL database" \
  "$A" --db "$T/db/assets.db" report compliance --all-schools
run "$A" --db "$UA" report compliance --all-schools
check "a technician's trust-wide report covers its own school only" \
  grep -q "OAK: OAK-000002" "$T/.out" && ! grep -q "ELM:" "$T/.out"

check_out "revoke" "$TA no longer works in OAK" "$A" --db "$OWNER" trust revoke --db-role "$TA" --school OAK
check_rc "a revoked technician sees nothing" 1 "$A" --db "$UA" asset show OAK-000001
check_err "a revoked technician may not even connect with psql" 2 "permission denied for database" \
  psql -qAtX -d "$TRUST_DB" -U "$TA" -c "SELECT count(*) FROM assets"
check_out "the trust's own chain: its first grant, schools, grants, revokes" \
  "trust.init setting.set trust.school.add trust.school.add trust.grant trust.grant trust.grant trust.grant trust.revoke" \
  sh -c "'$A' --db '$OWNER' audit log --json | jq -r '[.[] | .action] | join(\" \")'"
check_out "... and it verifies" "audit log intact: 9 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"
psql -qAtX -d "$TRUST_DB" -c "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"
check_err "an append-only trigger disabled on the server is reported" 1 \
  "the append-only trigger 'audit_events_no_update' was altered behind the tool's back" "$A" --db "$UB" audit verify
psql -qAtX -d "$TRUST_DB" -c "ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update"
check_rc "... and enabled again, the log verifies" 0 "$A" --db "$UB" audit verify

# a login at two schools: its second grant gives it the technicians' group
# role it already holds, which the server answers with a NOTICE; the user
# sees the grant and nothing else
TW=$(new_login tech_both)
exact "a grant says what it did, and nothing on stderr" 0 "$TW is a technician OAK" "" \
  "$A" --db "$OWNER" trust grant --db-role "$TW" --school OAK --role technician
exact "... nor for a group role the login already holds" 0 "$TW is a technician ELM" "" \
  "$A" --db "$OWNER" trust grant --db-role "$TW" --school ELM --role technician
exact "... nor a revoke of one school of two" 0 "$TW no longer works in ELM" "" \
  "$A" --db "$OWNER" trust revoke --db-role "$TW" --school ELM
done_testing
