#!/usr/bin/env bash
# A trust's PostgreSQL schema (db/pg/) held in step with the SQLite
# register's: the same migration steps (numbers and names), the same
# tables with the same columns in the same order and mapped types (then
# rowid and school_id), the same indexes (unique and partial as there), the
# same case-insensitive columns and triggers; row-level security on every
# table; the trust functions' refusals. Applied as a non-superuser owner
# from the text the db library embeds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg-lib.sh"
if ! pg_setup; then
  skip "the PostgreSQL schema" "no PostgreSQL server could be started"
  done_testing; exit
fi
O="${PGDB}_owner"
new_db
R=$ASSETCTL_DB

check_out "the same migration steps, numbers and names" "$("$PG_SCHEMA_TOOL" names sqlite)" "$PG_SCHEMA_TOOL" names pg
check_out "nine steps" "9" sh -c "'$PG_SCHEMA_TOOL' names pg | wc -l"
check "the trust part and every migration apply as the owner (no superuser)" pg_trust
check_out "the owner is no superuser" "f" sql "$O" "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
check_out "schema version 9" "9" sql "$O" "SELECT max(version) FROM schema_migrations"

# tables: SQLite's, plus the trust's own
sqlite_tables=$(sqlite3 "$R" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
register_tables=$(sql "$O" "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'school_id' AND table_name <> 'grants' ORDER BY 1")
check_out "the register tables are SQLite's" "$sqlite_tables" echo "$register_tables"
check_out "30 register tables" "30" sh -c "echo '$sqlite_tables' | wc -l"
check_out "the trust's own tables" "audit_before
grants
schema_migrations
schools" sql "$O" "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN (SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'school_id' AND table_name <> 'grants') ORDER BY 1"

# columns, in order, with mapped types; then rowid and school_id
map_type() {
  case $1 in INTEGER) echo bigint ;; TEXT) echo text ;; BLOB) echo bytea ;; REAL) echo "double precision" ;; *) echo "?$1" ;; esac
}
for t in $sqlite_tables; do
  want=$(sqlite3 -separator ' ' "$R" "SELECT name, type FROM pragma_table_info('$t') ORDER BY cid" |
         while read -r c ty; do echo "$c $(map_type "$ty")"; done)
  want="$want
rowid bigint
school_id bigint"
  check_out "$t: columns in order, types mapped, then rowid and school_id" "$want" \
    sql "$O" "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$t' ORDER BY ordinal_position"
  # rowid: the integer key where the table has one (SQLite's rowid alias)
  pk=$(sqlite3 "$R" "SELECT name FROM pragma_table_info('$t') WHERE pk = 1 AND type = 'INTEGER'")
  if [ -n "$pk" ]; then
    check_out "$t: rowid is generated from $pk" "ALWAYS $pk" \
      sql "$O" "SELECT is_generated || ' ' || generation_expression FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$t' AND column_name = 'rowid'"
    check_out "$t: primary key (school_id, $pk)" "school_id,$pk" \
      sql "$O" "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(att, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att WHERE i.indrelid = 'public.$t'::regclass AND i.indisprimary"
  else
    check_out "$t: rowid is a plain column, unique per school" "NEVER true" \
      sql "$O" "SELECT c.is_generated || ' ' || EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = '$t' AND indexdef LIKE '%UNIQUE%(school_id, rowid)') FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = '$t' AND c.column_name = 'rowid'"
  fi
  check_out "$t: school_id defaults to the connection's school" "NO (current_setting('assetctl.school'::text))::bigint" \
    sql "$O" "SELECT is_nullable || ' ' || column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$t' AND column_name = 'school_id'"
done

# case-insensitive columns: COLLATE NOCASE in SQLite, the nocase collation here
want=$(for t in $sqlite_tables; do
  sqlite3 "$R" "SELECT sql FROM sqlite_master WHERE name = '$t'" |
    sed -nE 's/^ +([a-z_]+) +TEXT.*COLLATE NOCASE.*/'"$t"'.\1/p'
done | sort)
check_out "the case-insensitive columns" "$want" \
  sql "$O" "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND collation_name = 'nocase' ORDER BY 1"
check_out "three of them: people.ref, badges.badge, firms.name" "3" sh -c "echo '$want' | wc -l"
check_out "nocase is ICU, level 2, nondeterministic" "i und-u-ks-level2 false" \
  sql "$O" "SELECT collprovider::text || ' ' || colliculocale || ' ' || collisdeterministic FROM pg_collation WHERE collname = 'nocase'"

# indexes: each of SQLite's by name, unique and partial as there, per school
want=$(sqlite3 "$R" "SELECT name || ' ' || (sql LIKE 'CREATE UNIQUE%') || ' ' || (sql LIKE '% WHERE %') FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
check_out "SQLite's indexes, unique and partial alike" "$want" \
  sql "$O" "SELECT indexname || ' ' || (indexdef LIKE 'CREATE UNIQUE%')::int || ' ' || (indexdef LIKE '% WHERE %')::int FROM pg_indexes WHERE schemaname = 'public' AND indexname IN (SELECT unnest(string_to_array('$(echo "$want" | cut -d' ' -f1 | tr '\n' ' ')', ' '))) ORDER BY 1"
check_out "every index of a register table leads with school_id" "" \
  sql "$O" "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename IN (SELECT table_name FROM information_schema.columns WHERE column_name = 'school_id' AND table_name <> 'grants') AND indexdef NOT LIKE '%(school_id, %'"
check_out "every foreign key is composite with school_id" "" \
  sql "$O" "SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND conrelid <> 'grants'::regclass AND pg_get_constraintdef(oid) NOT LIKE 'FOREIGN KEY (school_id, %) REFERENCES %(school_id, %)'"
check_out "as many foreign keys as SQLite has" \
  "$(for t in $sqlite_tables; do sqlite3 "$R" "SELECT count(*) FROM pragma_foreign_key_list('$t')"; done | paste -sd+ | bc)" \
  sql "$O" "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND conrelid <> 'grants'::regclass"

# triggers: SQLite's by name, the capture trigger on every covered table
want=$(sqlite3 "$R" "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
check_out "SQLite's triggers" "$want" \
  sql "$O" "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ('$(echo "$want" | paste -sd, | sed "s/,/','/g")') ORDER BY 1"
covered=$(cat "$ASSETCTL_SRCDIR"/db/audit.c "$ASSETCTL_SRCDIR"/db/schema-*.c | sed -nE 's/.*COVER(_COLS)?\("([a-z_]+)".*/\2/p' | sort)
check_out "the before-image capture on every covered table (COVER in db/)" "$covered" \
  sql "$O" "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = tgrelid::regclass::text || '_before' AND tgfoid = 'assetctl_capture'::regproc ORDER BY 1"
check_out "30 covered tables: the register's 28 and the trust's schools and grants" "30 grants schools" \
  sh -c "echo \$(echo '$covered' | wc -l) \$(echo '$covered' | grep -x -e grants -e schools)"
check_out "the trust's tables: rowid is generated from id" "grants ALWAYS id
schools ALWAYS id" \
  sql "$O" "SELECT table_name || ' ' || is_generated || ' ' || generation_expression FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ('grants', 'schools') AND column_name = 'rowid' ORDER BY 1"
check_out "the append-only triggers, TRUNCATE included" "audit_events 3
audit_rows 3" \
  sql "$O" "SELECT tgrelid::regclass::text || ' ' || count(*) FROM pg_trigger WHERE tgfoid = 'assetctl_append_only'::regproc GROUP BY tgrelid ORDER BY 1"

# row-level security on every table, enabled, not forced (the owner is exempt)
check_out "row-level security on every table, not forced" "34 34 0" \
  sql "$O" "SELECT count(*) || ' ' || count(*) FILTER (WHERE relrowsecurity) || ' ' || count(*) FILTER (WHERE relforcerowsecurity) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
check_out "every table has a policy" "" \
  sql "$O" "SELECT relname FROM pg_class c WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)"
check_out "every table is the owner's" "$O" \
  sql "$O" "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
check_out "the group roles, not logins" "${PGDB}_admin false
${PGDB}_auditor false
${PGDB}_head false
${PGDB}_technician false" \
  sql "$O" "SELECT rolname || ' ' || rolcanlogin FROM pg_roles WHERE rolname LIKE '${PGDB}\\_%' AND rolname <> '$O' ORDER BY 1"
check_out "audit_before is unlogged" "u" sql "$O" "SELECT relpersistence FROM pg_class WHERE relname = 'audit_before'"
check_out "the SECURITY DEFINER functions have a fixed search_path" "" \
  sql "$O" "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND prosecdef AND NOT coalesce(proconfig::text LIKE '%search_path=%', false)"

# checks translated: GLOB as a regular expression
sql "$O" "SELECT trust_school_add('AA', 'School A', 'aa')" >/dev/null
for tag in ts-000001 -TS TS_1 "" "TS 1"; do
  check_err "tag '$tag' refused as in SQLite" 1 "violates check constraint" \
    sql_at "$O" 1 "INSERT INTO assets (tag, serial, make, model, created_at, updated_at) VALUES ('$tag', 's', 'm', 'm', 't', 't')"
done
check_out "tag 'TS-000001' accepted, id 1" "1" \
  sql_at "$O" 1 "INSERT INTO assets (tag, serial, make, model, created_at, updated_at) VALUES ('TS-000001', 's', 'm', 'm', 't', 't') RETURNING id"
check_err "signature of 63 bytes refused" 1 "violates check constraint" \
  sql_at "$O" 1 "INSERT INTO audit_checkpoints (events, head, statement, signature, key_fingerprint, created_at) VALUES (1, 'h', '\\x00', decode(repeat('00', 63), 'hex'), 'f', 't')"
check_err "a row with no school refused" 1 'unrecognized configuration parameter "assetctl.school"' \
  sql "$O" "INSERT INTO lost_property (description, found_on, hold_until) VALUES ('d', 't', 't')"

# the trust functions' refusals
check_out "trust_school_add: the new school's id" "2" sql "$O" "SELECT trust_school_add('BB', 'School B', 'BB-1')"
check_out "the tag prefix is kept in capitals" "AA BB-1" sql "$O" "SELECT string_agg(tag_prefix, ' ' ORDER BY id) FROM schools"
check_err "bad school code" 1 "school code 'aa': use 2 to 10 capital letters or digits" sql "$O" "SELECT trust_school_add('aa', 'X', 'XX')"
check_err "school code too long" 1 "school code 'ABCDEFGHIJK': use 2 to 10 capital letters or digits" sql "$O" "SELECT trust_school_add('ABCDEFGHIJK', 'X', 'XX')"
check_err "no name" 1 "school 'CC': give the school's name" sql "$O" "SELECT trust_school_add('CC', ' ', 'CC')"
check_err "bad tag prefix" 1 "tag prefix '-CC': use 1 to 12 letters, digits or '-'" sql "$O" "SELECT trust_school_add('CC', 'C', '-CC')"
check_err "tag prefix too long" 1 "tag prefix 'ABCDEFGHIJKLM': use 1 to 12 letters, digits or '-'" sql "$O" "SELECT trust_school_add('CC', 'C', 'ABCDEFGHIJKLM')"
check_err "duplicate code" 1 "school 'AA' already exists" sql "$O" "SELECT trust_school_add('AA', 'Again', 'ZZ')"
check_err "duplicate tag prefix" 1 "tag prefix 'AA' is already school 'AA''s" sql "$O" "SELECT trust_school_add('CC', 'C', 'aa')"
tech=$(pg_role tech)
check_err "grant: unknown role" 1 "role 'janitor': use technician, head, auditor or admin" sql "$O" "SELECT trust_grant('$tech', 'AA', 'janitor')"
check_err "grant: unknown database role" 1 "database role 'nobody_$$': no such role" sql "$O" "SELECT trust_grant('nobody_$$', 'AA', 'technician')"
check_err "grant: unknown school" 1 "school 'ZZ': no such school in the trust" sql "$O" "SELECT trust_grant('$tech', 'ZZ', 'technician')"
check_err "grant: a technician is per school" 1 "role 'technician' is held at a school: name the school" sql "$O" "SELECT trust_grant('$tech', NULL, 'technician')"
check_err "grant: admin is trust-wide" 1 "role 'admin' is trust-wide: grant it without a school" sql "$O" "SELECT trust_grant('$tech', 'AA', 'admin')"
check_err "grant: not to the owner" 1 "database role '$O': the trust's owner and superusers are not subject to row-level security" sql "$O" "SELECT trust_grant('$O', 'AA', 'technician')"
check_err "grant: not to a group role" 1 "database role '${PGDB}_head': it is one of the trust's group roles" sql "$O" "SELECT trust_grant('${PGDB}_head', 'AA', 'technician')"
check_out "grant: technician at AA" "" sql "$O" "SELECT trust_grant('$tech', 'AA', 'technician')"
check_err "grant: twice" 1 "database role '$tech' already holds the role 'technician' at school 'AA': revoke it first" sql "$O" "SELECT trust_grant('$tech', 'AA', 'head')"
check_out "the grant is recorded, by whom" "$tech AA technician $O" \
  sql "$O" "SELECT g.db_role || ' ' || s.code || ' ' || g.role || ' ' || g.granted_by FROM grants g JOIN schools s ON s.id = g.school_id"
check_out "and the login is a member of the group role" "t" sql "$O" "SELECT pg_has_role('$tech', '${PGDB}_technician', 'MEMBER')"
check_err "revoke: unknown school" 1 "school 'ZZ': no such school in the trust" sql "$O" "SELECT trust_revoke('$tech', 'ZZ')"
check_err "revoke: nothing held there" 1 "database role '$tech' holds no role at school 'BB'" sql "$O" "SELECT trust_revoke('$tech', 'BB')"
check_err "revoke: nothing trust-wide" 1 "database role '$tech' holds no trust-wide role" sql "$O" "SELECT trust_revoke('$tech', NULL)"
check_out "revoke" "" sql "$O" "SELECT trust_revoke('$tech', 'AA')"
# (the admin group role's own trust-wide grant, made by the trust part, stays)
check_out "the grant and the membership are gone" "0 false" sql "$O" "SELECT (SELECT count(*) FROM grants WHERE db_role <> '${PGDB}_admin') || ' ' || pg_has_role('$tech', '${PGDB}_technician', 'MEMBER')"

done_testing
