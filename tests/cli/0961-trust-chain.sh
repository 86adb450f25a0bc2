#!/usr/bin/env bash
# The trust's own chain (school 0) covers the trust's tables, schools and
# grants, as a school's chain covers its register: each trust event records
# the rows it wrote, and a grant inserted, edited or deleted, or a school
# edited, with psql as the cluster's superuser behind the tool's back is
# caught by audit verify (the owner's, a trust-wide auditor's) and refused
# by the next trust write to it until audit accept records it.
. "$(dirname "$0")/lib.sh"

new_db
check_err "audit accept knows no grants on a SQLite register" 1 \
  "cannot accept a row of 'grants': not a table the audit log covers (give one audit verify names, such as assets)" \
  "$A" audit accept grants 1 --by "Ann Head" --reason "x"
unset ASSETCTL_DB

if ! need_pg; then
  skip "the trust's chain" "no PostgreSQL server for this run"
  done_testing; exit
fi
new_trust || { check "a trust database" false; done_testing; exit; }
OWNER=$(trust_uri "$TRUST_OWNER")
"$A" --db "$OWNER" trust init --name "Oak Trust" >/dev/null &&
  "$A" --db "$OWNER" trust school add --code OAK --name "Oak Primary" --tag-prefix OAK >/dev/null &&
  "$A" --db "$OWNER" trust school add --code ELM --name "Elm Academy" --tag-prefix ELM >/dev/null ||
  { check "a trust with two schools" false; done_testing; exit; }
TA=$(new_login tech_oak) AUD=$(new_login trust_aud) TWO=$(new_login tech_two)
"$A" --db "$OWNER" trust grant --db-role "$TA" --school OAK --role technician >/dev/null            # grant 2
"$A" --db "$OWNER" trust grant --db-role "$AUD" --trust-wide --role auditor >/dev/null              # grant 3
"$A" --db "$OWNER" trust grant --db-role "$TWO" --school OAK --role technician >/dev/null           # grant 4
"$A" --db "$OWNER" trust grant --db-role "$TWO" --school ELM --role technician >/dev/null 2>&1      # grant 5
OAK=$(psql -qAtX -d "$TRUST_DB" -c "SELECT id FROM schools WHERE code = 'OAK'")
ELM=$(psql -qAtX -d "$TRUST_DB" -c "SELECT id FROM schools WHERE code = 'ELM'")
# sql SQL: as the cluster's superuser (someone with the server's keys)
sql() { psql -qAtX -v ON_ERROR_STOP=1 -d "$TRUST_DB" -c "$1"; }
verify() { "$A" --db "$OWNER" audit verify; }

# what each trust event recorded
check_out "the trust's first event names the grant the schema made" "trust.init Oak Trust ${TRUST_DB}_admin admin" \
  sh -c "'$A' --db '$OWNER' audit log --json | jq -r '.[0] | \"\\(.action) \\(.subject) \\(.details.grants[0].db_role) \\(.details.grants[0].role)\"'"
check_out "each trust event names the rows it wrote" "1 grants 1
2 settings 1
3 schools $OAK
4 schools $ELM
5 grants 2
6 grants 3
7 grants 4
8 grants 5" sql "SELECT event_id || ' ' || tbl || ' ' || row_id FROM audit_rows WHERE school_id = 0 ORDER BY event_id, rowid"
check_out "the trust's chain verifies, as the owner" "audit log intact: 8 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"
check_out "... and as a trust-wide auditor" "audit log intact: 8 events" \
  sh -c "'$A' --db '$(trust_uri "$AUD")' audit verify | cut -d, -f1"
check_err "a login of two schools is not shown the trust's chain" 1 \
  "error: cannot verify the trust's own audit log: it is for the trust's administrators and auditors (a trust-wide grant); name a school with --school CODE" \
  "$A" --db "$(trust_uri "$TWO")" audit verify
check_out "... and verifies a school's" "audit log intact: 2 events" \
  sh -c "'$A' --db '$(trust_uri "$TWO")' --school ELM audit verify | cut -d, -f1"

# a grant inserted behind the tool's back: OAK's technician made trust-wide admin
check_out "psql: a trust-wide admin grant inserted" "6" \
  sql "INSERT INTO grants (db_role, school_id, role, granted_at, granted_by) VALUES ('$TA', NULL, 'admin', '2026-12-01T00:00:00Z', 'postgres') RETURNING id"
check_err "audit verify sees it" 1 "error: audit log broken: grants row 6 has no audit event (inserted behind the tool's back)" verify
check_err "... as the trust-wide auditor does" 1 "error: audit log broken: grants row 6 has no audit event (inserted behind the tool's back)" \
  "$A" --db "$(trust_uri "$AUD")" audit verify
check_err "revoking it is refused by the write check" 1 \
  "error: cannot change grant 6: the row has no audit event (inserted outside assetctl?); see 'assetctl audit accept grants 6'" \
  "$A" --db "$OWNER" trust revoke --db-role "$TA" --trust-wide
check_out "... and changed nothing" "1" sql "SELECT count(*) FROM grants WHERE id = 6"
check_out "a trust write to other rows goes on" "$AUD is an auditor ELM" \
  "$A" --db "$OWNER" trust grant --db-role "$AUD" --school ELM --role auditor          # event 9, grant 7
check_out "audit accept records it in the trust's chain" \
  "grant 6 accepted as found (unrecorded): audit event 10, decided by Ann Head" \
  "$A" --db "$OWNER" audit accept grants 6 --by "Ann Head" --reason "the IT manager asked for it"
check_out "... then the chain verifies" "audit log intact: 10 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"
check_out "... and the revoke works" "$TA no longer works in the trust as a whole" \
  sh -c "'$A' --db '$OWNER' trust revoke --db-role '$TA' --trust-wide 2>/dev/null"       # event 11
check_out "the revoke recorded the row as deleted" "grants 6 deleted" \
  sql "SELECT tbl || ' ' || row_id || ' ' || row_hash FROM audit_rows WHERE school_id = 0 AND event_id = 11"
check_out "and the chain verifies" "audit log intact: 11 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"

# a grant edited: the school it is for, then the role
sql "UPDATE grants SET school_id = $ELM WHERE id = 2"
check_err "a grant moved to another school is seen" 1 \
  "error: audit log broken: event 5: grants row 2 was changed after it (edited behind the tool's back)" verify
check_err "revoking it is refused" 1 \
  "error: cannot change grant 2: the row differs from what audit event 5 recorded (edited outside assetctl?); see 'assetctl audit accept grants 2'" \
  "$A" --db "$OWNER" trust revoke --db-role "$TA" --school ELM
sql "UPDATE grants SET school_id = $OAK WHERE id = 2"
check_out "put back as it was, the chain verifies" "audit log intact: 11 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"
sql "UPDATE grants SET role = 'head' WHERE id = 2"
check_err "a grant's role changed is seen" 1 \
  "error: audit log broken: event 5: grants row 2 was changed after it (edited behind the tool's back)" verify
sql "UPDATE grants SET role = 'technician' WHERE id = 2"
sql "UPDATE grants SET granted_by = 'someone' WHERE id = 1"
check_err "the first grant, recorded by trust init, is covered too" 1 \
  "error: audit log broken: event 1: grants row 1 was changed after it (edited behind the tool's back)" verify
sql "UPDATE grants SET granted_by = '${TRUST_OWNER}' WHERE id = 1"
check_out "put back, the chain verifies" "audit log intact: 11 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"

# a grant deleted
sql "DELETE FROM grants WHERE id = 3"
check_err "a grant deleted is seen" 1 "error: audit log broken: event 6: grants row 3 is gone (deleted behind the tool's back)" verify
check_out "audit accept records it" "grant 3 accepted as found (gone since audit event 6): audit event 12, decided by Ann Head" \
  "$A" --db "$OWNER" audit accept grants 3 --by "Ann Head" --reason "the auditor left"
check_out "... then the chain verifies" "audit log intact: 12 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"

# a school edited
sql "UPDATE schools SET tag_prefix = 'ELMX' WHERE id = $ELM"
check_err "a school edited is seen" 1 \
  "error: audit log broken: event 4: schools row $ELM was changed after it (edited behind the tool's back)" verify
sql "UPDATE schools SET tag_prefix = 'ELM' WHERE id = $ELM"
check_out "put back, the chain verifies" "audit log intact: 12 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"
sql "UPDATE schools SET name = 'Elm Academy Trust School' WHERE id = $ELM"
check_out "audit accept takes a school by its code, from the connection's school" \
  "school 'ELM' accepted as found (changed since audit event 4): audit event 13, decided by Ann Head" \
  "$A" --db "$OWNER" --school OAK audit accept schools ELM --by "Ann Head" --reason "renamed by the governors"
check_out "... in the trust's chain" "audit.accept ELM" \
  sh -c "'$A' --db '$OWNER' audit log --json | jq -r '.[-1] | \"\\(.action) \\(.subject)\"'"
check_out "... which verifies" "audit log intact: 13 events" sh -c "'$A' --db '$OWNER' audit verify | cut -d, -f1"
check_out "OAK's chain is its own: nothing of the trust's" "audit log intact: 2 events" \
  sh -c "'$A' --db '$OWNER' --school OAK audit verify | cut -d, -f1"
done_testing
