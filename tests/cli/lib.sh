# Shared by the numbered command-line tests. Source it first:
#   . "$(dirname "$0")/lib.sh"
# Each case is one titled check; the script ends with `done_testing`.
#
#   run CMD...                 run a command; sets $out, $err, $rc
#   check "title" COND...      pass if `COND` (a command) succeeds
#   check_rc "title" N CMD...  run CMD and pass if it exits N
#   check_out "title" EXPECTED CMD...  pass if CMD prints exactly EXPECTED
#   check_err "title" N TEXT CMD...  pass if CMD exits N and stderr contains TEXT
#   skip "title" "reason"      count a skipped case
#   new_db                     a fresh register in $T (sets ASSETCTL_DB, and
#                              KEYS_DIR: where its signing keys are kept)
#
# $T is a private temp directory removed at exit (with any loop devices the
# test registered through track_loop).
set -u
: "${ASSETCTL:?run through tests/run.sh}"
A=$ASSETCTL
T=$(mktemp -d /tmp/assetctl-cli.XXXXXX)
_pass=0 _fail=0 _skip=0
_loops=()
export ASSETCTL_ACTOR=tester
export LC_ALL=C.UTF-8

# Detach loop device $1 only if it is still backed by a file of this test
# ($T): a device the test detached itself may since have been given to
# someone else.
_detach_ours() {
  local back
  back=$(losetup -nO BACK-FILE "$1" 2>/dev/null) || return 0
  case "$back" in "$T"/*) losetup -d "$1" 2>/dev/null ;; esac
  return 0
}

cleanup() {
  local l
  for l in "${_loops[@]}"; do _detach_ours "$l"; done
  # make_loop runs in a subshell when called as $(make_loop ...): it
  # registers its devices in this file as well
  if [ -f "$T/.loops" ]; then
    while read -r l; do _detach_ours "$l"; done <"$T/.loops"
  fi
  rm -rf "$T"
}
trap cleanup EXIT

done_testing() {
  echo "$_pass $_fail $_skip" >"${RESULTS:-/dev/null}"
  [ "$_fail" -eq 0 ]
}

_ok() { _pass=$((_pass + 1)); echo "ok - $1"; }
_not_ok() {
  _fail=$((_fail + 1)); echo "FAIL - $1"
  [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'
  return 0
}

run() {
  "$@" >"$T/.out" 2>"$T/.err"
  rc=$?
  out=$(cat "$T/.out"); err=$(cat "$T/.err")
  return 0
}

check() {
  local title=$1; shift
  if "$@"; then _ok "$title"; else _not_ok "$title" "failed: $*"; fi
}

check_rc() {
  local title=$1 want=$2; shift 2
  run "$@"
  if [ "$rc" -eq "$want" ]; then _ok "$title"
  else _not_ok "$title" "exit $rc, wanted $want
stdout: $out
stderr: $err"; fi
}

check_out() {
  local title=$1 want=$2; shift 2
  run "$@"
  if [ "$rc" -eq 0 ] && [ "$out" = "$want" ]; then _ok "$title"
  else _not_ok "$title" "exit $rc
--- wanted
$want
--- got
$out
--- stderr
$err"; fi
}

check_err() {
  local title=$1 want=$2 text=$3; shift 3
  run "$@"
  if [ "$rc" -eq "$want" ] && [[ "$err" == *"$text"* ]]; then _ok "$title"
  else _not_ok "$title" "exit $rc (wanted $want)
--- stderr wanted to contain
$text
--- got
$err"; fi
}

skip() { _skip=$((_skip + 1)); echo "skip - $1: $2"; }

# With ASSETCTL_TEST_BACKEND=pg (tests/run.sh's PostgreSQL pass) the register
# is a school of a trust on the run's server instead: new_db makes a trust
# (new_trust), its school TS "Test School" (tag prefix TS) and a technician
# login granted there, and points ASSETCTL_DB at that login's URI; each
# new_db N is a trust of its own. PG_DB is the database, PG_SCHOOL the id.
# PG_ROLE=head before new_db grants the login the head's role instead (a
# script that authorises disposals: on a trust only the head may).
pg_backend() { [ "${ASSETCTL_TEST_BACKEND:-sqlite}" = pg ]; }
new_db() {
  if pg_backend; then _new_pg_db "$@"; return; fi
  export ASSETCTL_DB="$T/db${1:-}/assets.db" KEYS_DIR="$T/db${1:-}/keys"
  "$A" init --school "Test School" --tag-prefix TS >/dev/null
}
_new_pg_db() {
  local owner tech
  need_pg || { echo "new_db: no PostgreSQL server for the pg backend" >&2; return 1; }
  new_trust || return 1
  owner=$(trust_uri "$TRUST_OWNER")
  "$A" --db "$owner" trust init --name "Test Trust" >/dev/null &&
    "$A" --db "$owner" trust school add --code TS --name "Test School" --tag-prefix TS >/dev/null &&
    tech=$(new_login tech) &&
    "$A" --db "$owner" trust grant --db-role "$tech" --school TS --role "${PG_ROLE:-technician}" >/dev/null || return 1
  # a register on a server keeps its signing keys on this machine, under
  # $XDG_DATA_HOME/assetctl/keys (KEYS_DIR, private to this register)
  export XDG_DATA_HOME="$T/data${1:-}" KEYS_DIR="$T/data${1:-}/assetctl/keys"
  export PG_DB=$TRUST_DB PG_SCHOOL PG_TABLES
  # the tables dump reads: every one with a school_id (grants apart)
  PG_TABLES=$(psql -qAtX -d "$PG_DB" -c "SELECT string_agg(table_name, ' ' ORDER BY table_name)
      FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'school_id' AND table_name <> 'grants'")
  PG_SCHOOL=$(psql -qAtX -d "$PG_DB" -c "SELECT id FROM schools WHERE code = 'TS'")
  export ASSETCTL_DB
  ASSETCTL_DB=$(trust_uri "$tech")
}

# db_sql SQL: a query on the register, as the tool's own login sees it,
# printed as sqlite3 prints it (columns joined by |, NULL empty): sqlite3
# on the file, or psql with the register's URI (row-level security keeps
# it to the school).
db_sql() {
  if pg_backend; then psql -qAtX -v ON_ERROR_STOP=1 -d "$ASSETCTL_DB" -c "$1"; return; fi
  sqlite3 "$ASSETCTL_DB" "$1"
}
# db_tamper SQL: change the register behind the tool's back: sqlite3 on the
# file, or psql as the cluster's superuser (someone with the server's keys)
# in the school's database, the school set for new rows' school_id.
db_tamper() {
  if pg_backend; then
    psql -qAtX -v ON_ERROR_STOP=1 -d "$PG_DB" -c "SET assetctl.school = '$PG_SCHOOL'" -c "$1"
    return
  fi
  sqlite3 "$ASSETCTL_DB" "$1"
}

# Tampering on copies of one register (the audit tests): db_copy_base
# remembers the register in use as the one to copy; each db_copy then makes
# a fresh copy of it and points ASSETCTL_DB (and PG_DB) at the copy, for
# db_tamper and the tool; db_base goes back to the original. The copy is a
# file (sqlite3 .backup, WAL included) or a database of the run's server
# (CREATE DATABASE ... TEMPLATE, dropped at exit with the trusts) that the
# register's login reaches with its URI as before.
db_copy_base() {
  DB_BASE=$ASSETCTL_DB DB_BASE_PG=${PG_DB:-} _db_copies=${_db_copies:-0}
}
db_copy() {
  _db_copies=$((_db_copies + 1))
  if pg_backend; then
    PG_DB=${DB_BASE_PG}_c$_db_copies
    psql -qAtX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $PG_DB TEMPLATE $DB_BASE_PG" >/dev/null || return 1
    echo "$PG_DB" >>"$T/.trusts"
    export PG_DB ASSETCTL_DB=${DB_BASE/\/\/\/$DB_BASE_PG\?/\/\/\/$PG_DB?}
    return
  fi
  export ASSETCTL_DB="$T/copy$_db_copies.db"
  sqlite3 "$DB_BASE" ".backup '$ASSETCTL_DB'"
}
db_base() {
  export ASSETCTL_DB=$DB_BASE
  pg_backend && export PG_DB=$DB_BASE_PG
  return 0
}
# db_drop_trigger NAME TABLE: the SQL that drops a trigger (PostgreSQL's
# names its table)
db_drop_trigger() {
  if pg_backend; then echo "DROP TRIGGER $1 ON $2"; else echo "DROP TRIGGER $1"; fi
}

# The register as text, to compare before and after: sqlite3 .dump, or on
# PostgreSQL every row of the school (its row in schools, its grants, and
# each table's rows of school_id, ordered by rowid), read by the superuser.
dump() {
  if pg_backend; then _pg_dump; return; fi
  sqlite3 "$ASSETCTL_DB" .dump
}
_pg_dump() {
  local t args=()
  for t in $PG_TABLES; do
    args+=(-c "\\echo == $t" -c "SELECT * FROM $t WHERE school_id = $PG_SCHOOL ORDER BY rowid")
  done
  # one session for every table (a psql per table made a dump cost seconds)
  psql -qAtX -d "$PG_DB" -c "SELECT * FROM schools WHERE id = $PG_SCHOOL" \
    -c "SELECT * FROM grants WHERE school_id = $PG_SCHOOL ORDER BY db_role, role" "${args[@]}"
}
# for `bash -c "..."` inside a check
export -f pg_backend db_sql db_tamper dump _pg_dump

# unchanged TITLE CMD...: CMD must change nothing in the register
unchanged() {
  local title=$1; shift
  dump >"$T/before"; "$@" >/dev/null 2>&1; dump >"$T/after"
  check "$title: nothing changed" cmp -s "$T/before" "$T/after"
}

# A loop device over a new image file of SIZE (e.g. 64M), SECTOR bytes per
# sector (512 or 4096). Prints the device; registers it for cleanup.
# Refuses to run unless root.
make_loop() {
  local size=$1 sector=${2:-512} img
  img=$(mktemp "$T/img.XXXXXX")
  truncate -s "$size" "$img"
  local dev
  dev=$(losetup --find --show --sector-size "$sector" "$img") || return 1
  _loops+=("$dev")
  echo "$dev" >>"$T/.loops"
  echo "$dev"
}

# exact TITLE RC STDOUT STDERR CMD...: CMD exits RC and prints exactly
# STDOUT and STDERR.
exact() {
  local title=$1 want_rc=$2 want_out=$3 want_err=$4; shift 4
  run "$@"
  if [ "$rc" -eq "$want_rc" ] && [ "$out" = "$want_out" ] && [ "$err" = "$want_err" ]; then _ok "$title"
  else _not_ok "$title" "exit $rc (wanted $want_rc)
--- stdout
$out
--- stderr
$err
--- wanted stderr
$want_err"; fi
}

need_root() { [ "$(id -u)" -eq 0 ]; }

# every leaf command ("asset add", "trust school add"), one per line, walking
# the groups `assetctl help GROUP...` lists, however deep they nest
leaf_commands() {
  local prefix=${1:-} c subs
  # shellcheck disable=SC2086
  for c in $("$A" help $prefix | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}'); do
    # shellcheck disable=SC2086
    subs=$("$A" help $prefix $c | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}')
    if [ -n "$subs" ]; then leaf_commands "${prefix:+$prefix }$c"; else echo "${prefix:+$prefix }$c"; fi
  done
}

# --- a trust on the run's PostgreSQL server (tests/run.sh starts it) ---
# need_pg: the server is up ($ASSETCTL_TEST_PG, PGHOST... exported).
need_pg() { [ -n "${ASSETCTL_TEST_PG:-}" ] && [ -n "${PGHOST:-}" ]; }
# new_trust: a new empty database and its owner, a login that is no
# superuser but may create roles (the trust's logins): sets TRUST_DB and
# TRUST_OWNER; the database and every role named after it are dropped at exit.
new_trust() {
  TRUST_DB=t$$_$RANDOM
  TRUST_OWNER=${TRUST_DB}_owner
  psql -qAtX -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $TRUST_OWNER LOGIN CREATEROLE" \
    -c "CREATE DATABASE $TRUST_DB OWNER $TRUST_OWNER" >/dev/null || return 1
  echo "$TRUST_DB" >>"$T/.trusts"
  trap '_drop_trusts; cleanup' EXIT
}
_drop_trusts() {
  local d r
  [ -f "$T/.trusts" ] || return 0
  while read -r d; do
    psql -qAtX -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    for r in $(psql -qAtX -d postgres -c "SELECT rolname FROM pg_roles WHERE rolname LIKE '${d}\\_%'" 2>/dev/null); do
      psql -qAtX -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
    done
  done <"$T/.trusts"
}
# trust_uri LOGIN: the URI of the trust's database for LOGIN over the socket
trust_uri() { echo "postgresql:///$TRUST_DB?host=$PGHOST&port=$PGPORT&user=$1"; }
# new_login NAME: a login role of the trust (made by its owner), printed as
# its full name (TRUST_DB_NAME)
new_login() {
  local r=${TRUST_DB}_$1
  psql -qAtX -v ON_ERROR_STOP=1 -d "$TRUST_DB" -U "$TRUST_OWNER" -c "CREATE ROLE $r LOGIN" >/dev/null && echo "$r"
}
