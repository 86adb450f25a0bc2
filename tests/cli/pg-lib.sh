# Shared by the trust tests on PostgreSQL (tests/cli/095x-pg-*.sh). Source
# it after lib.sh. It reuses the suite's server when tests/run.sh exported
# one (PGHOST), else starts its own (tests/pg/server.sh) and stops it at
# exit; each script makes its own database and owner role, named uniquely,
# and drops them (and every role it made) at exit, even on failure.
#
#   pg_setup || { skip ...; done_testing; exit; }
#   $PGDB                the database; its owner role is ${PGDB}_owner
#   pg_role NAME         creates the login ${PGDB}_NAME, prints its name
#   pg_trust             the trust part and every migration, as the owner,
#                        from what the db library embeds (tests/tools/pg-schema)
#   sql USER SQL         psql as USER: unaligned, tuples only, stops on error
#   sql_at USER SCHOOL SQL   the same with assetctl.school set
PG_SCHEMA_TOOL="$ASSETCTL_BUILDDIR/tests/pg-schema"
_pg_own_server=0
_pg_roles=()

pg_cleanup() {
  local r
  if [ -n "${PGDB:-}" ] && [ -n "${PGHOST:-}" ]; then
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$PGDB\" WITH (FORCE)" >/dev/null 2>&1
    for r in "${_pg_roles[@]}" "${PGDB}_technician" "${PGDB}_head" "${PGDB}_auditor" "${PGDB}_admin" "${PGDB}_owner"; do
      psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$r\"" >/dev/null 2>&1
    done
  fi
  [ "$_pg_own_server" -eq 1 ] && pg_server_stop
  cleanup
}

pg_setup() {
  . "$ASSETCTL_SRCDIR/tests/pg/server.sh"
  trap pg_cleanup EXIT
  if [ -z "${PGHOST:-}" ] || ! psql -X -q -d postgres -c "SELECT 1" >/dev/null 2>&1; then
    pg_server_start || return 1
    _pg_own_server=1
  fi
  export PGUSER=${PGUSER:-postgres}
  PGDB="at_$(basename "$0" .sh | tr -c 'a-z0-9\n' '_')_$$"
  PGDB=${PGDB:0:40}
  psql -X -q -v ON_ERROR_STOP=1 -d postgres \
    -c "CREATE ROLE \"${PGDB}_owner\" LOGIN CREATEROLE" \
    -c "CREATE DATABASE \"$PGDB\" OWNER \"${PGDB}_owner\"" >/dev/null || return 1
  export PGDATABASE=$PGDB
}

pg_role() {
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE \"${PGDB}_$1\" LOGIN" >/dev/null || return 1
  _pg_roles+=("${PGDB}_$1")
  echo "${PGDB}_$1"
}

sql() {
  local user=$1; shift
  PGOPTIONS= psql -X -q -At -v ON_ERROR_STOP=1 -U "$user" -d "$PGDB" -c "$*"
}

sql_at() {
  local user=$1 school=$2; shift 2
  PGOPTIONS="-c assetctl.school=$school" psql -X -q -At -v ON_ERROR_STOP=1 -U "$user" -d "$PGDB" -c "$*"
}

pg_trust() {
  local owner="${PGDB}_owner" v name
  "$PG_SCHEMA_TOOL" trust | psql -X -q -1 -v ON_ERROR_STOP=1 -U "$owner" -d "$PGDB" -f - >/dev/null || return 1
  while IFS=$'\t' read -r v name; do
    "$PG_SCHEMA_TOOL" migration "$v" | psql -X -q -1 -v ON_ERROR_STOP=1 -U "$owner" -d "$PGDB" -f - >/dev/null || return 1
    sql "$owner" "INSERT INTO schema_migrations VALUES ($v, '$name', '2026-12-06T00:00:00Z')" >/dev/null || return 1
  done < <("$PG_SCHEMA_TOOL" names pg)
}
