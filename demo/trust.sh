# The trust demo (assetctl demo --trust), sourced by run.sh: a
# multi-academy trust on a throwaway PostgreSQL server of its own, started
# here as the tests start theirs (initdb into a temporary directory, as the
# unprivileged "postgres" account when run as root, listening on a Unix
# socket in that directory only) and stopped and removed at the end, also on
# a failure or Ctrl-C (run.sh's exit trap runs demo_undo).

# The server's programs: Debian puts them in /usr/lib/postgresql/VERSION/bin
# (ASSETCTL_PG_BINDIR names another directory).
demo_pg_bindir() {
  local d
  for d in ${ASSETCTL_PG_BINDIR:-/usr/lib/postgresql/*/bin}; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}
if ! PG_BIN=$(demo_pg_bindir) || ! command -v psql >/dev/null; then
  echo "error: the trust demo runs its own PostgreSQL server and psql, which are not installed: install the Debian packages postgresql and postgresql-client (apt install postgresql)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "error: the trust demo runs its server as the account 'postgres' (the server refuses root), and there is none: install the Debian package postgresql, which makes it" >&2
  exit 1
fi
demo_as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

DEMO_PG=$(mktemp -d /tmp/assetctl-demo-pg.XXXXXX)
chmod 0755 "$DEMO_PG"
[ "$(id -u)" -eq 0 ] && chown postgres: "$DEMO_PG"
demo_pg_stop() {
  [ -d "$DEMO_PG" ] || return 0
  if [ -f "$DEMO_PG/data/postmaster.pid" ]; then
    demo_as_server "$PG_BIN/pg_ctl" -D "$DEMO_PG/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DEMO_PG"
}
demo_undo+=(demo_pg_stop)

say "A multi-academy trust keeps one register for all its schools on a PostgreSQL server. This demo starts a throwaway server of its own in $DEMO_PG (listening on a Unix socket there, no network) and removes it at the end."
export PGHOST=$DEMO_PG PGPORT=$(( 20000 + RANDOM % 20000 )) PGUSER=postgres
unset PGDATABASE PGSERVICE PGPASSWORD
if ! demo_as_server "$PG_BIN/initdb" -D "$DEMO_PG/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DEMO_PG/initdb.log" 2>&1; then
  echo "error: initdb failed:" >&2; cat "$DEMO_PG/initdb.log" >&2; exit 1
fi
cat >>"$DEMO_PG/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$DEMO_PG'
port = $PGPORT
fsync = off
shared_buffers = 16MB
CONF
if ! demo_as_server "$PG_BIN/pg_ctl" -D "$DEMO_PG/data" -l "$DEMO_PG/server.log" -w -t 30 start >/dev/null 2>&1; then
  echo "error: the PostgreSQL server did not start:" >&2; cat "$DEMO_PG/server.log" >&2; exit 1
fi
echo "(server started: PostgreSQL $(psql -qAtX -d postgres -c 'SHOW server_version'), socket in $DEMO_PG)"

say "The database administrator makes an empty database and its owner, a login that is no superuser but may create the trust's logins. Passwords never go on the command line: on a real server they live in ~/.pgpass (this one trusts its local socket)."
printf '\n$ psql -c "CREATE ROLE trust_owner LOGIN CREATEROLE" -c "CREATE DATABASE riverside OWNER trust_owner"\n'
psql -qX -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE trust_owner LOGIN CREATEROLE" -c "CREATE DATABASE riverside OWNER trust_owner"
# each login's connection as a libpq service (a short URI: postgresql:///?service=NAME)
export PGSERVICEFILE=$DEMO_DIR/pg_service.conf
for l in trust_owner oak_tech elm_tech it_manager auditor_jo; do
  printf '[%s]\nhost=%s\nport=%s\ndbname=riverside\nuser=%s\n\n' "$l" "$DEMO_PG" "$PGPORT" "$l"
done >"$PGSERVICEFILE"
uri() { echo "postgresql:///?service=$1"; }
OWNER=$(uri trust_owner)
# the audit logs name each login as the one who acted
say "Each login's connection is a service in a libpq service file (PGSERVICEFILE), so the register is --db postgresql:///?service=NAME:"
printf '\n$ cat pg_service.conf\n'; sed -n 1,5p "$PGSERVICEFILE"; echo "..."
say "The owner sets the trust up: its tables, group roles and row-level security (every table keyed by school), then the schools, each with its own tag prefix."
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust init --name "Riverside Learning Trust"
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust school add --code OAK --name "Oak Primary" --tag-prefix OAK
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust school add --code ELM --name "Elm Academy" --tag-prefix ELM
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust school list
pause

say "A technician for each school, the trust's IT manager (an administrator of every school) and an auditor who reads all of them. Logins are ordinary PostgreSQL roles; a grant gives one a role in a school."
printf '\n$ psql service=trust_owner -c "CREATE ROLE oak_tech LOGIN" ...\n'
psql -qX -v ON_ERROR_STOP=1 service=trust_owner -c "CREATE ROLE oak_tech LOGIN" -c "CREATE ROLE elm_tech LOGIN" \
  -c "CREATE ROLE it_manager LOGIN" -c "CREATE ROLE auditor_jo LOGIN"
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust grant --db-role oak_tech --school OAK --role technician
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust grant --db-role elm_tech --school ELM --role technician
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust grant --db-role it_manager --trust-wide --role admin
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust grant --db-role auditor_jo --trust-wide --role auditor
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" trust grants
OAK=$(uri oak_tech) ELM=$(uri elm_tech) ADMIN=$(uri it_manager) AUDITOR=$(uri auditor_jo)
pause

say "Each technician registers the school's kit. A login that works in one school needs no --school: the school is the login's."
ASSETCTL_ACTOR=oak_tech step --db "$OAK" asset add --make Dell --model "Latitude 5420" --serial 7QK2D13 --category laptop --location "Staff Room" --personal-data --encrypted
ASSETCTL_ACTOR=oak_tech step --db "$OAK" asset add --make Apple --model "iPad (9th generation)" --serial DMPXK2Q1 --category tablet --location "Class 3"
ASSETCTL_ACTOR=oak_tech step --db "$OAK" asset add --make HP --model "LaserJet M404" --serial VNB3K12345 --category printer --location Office
ASSETCTL_ACTOR=elm_tech step --db "$ELM" asset add --make Lenovo --model "ThinkPad T14" --serial PF3ABC12 --category laptop --location "Science Lab"
ASSETCTL_ACTOR=elm_tech step --db "$ELM" asset add --make Dell --model "Latitude 5420" --serial 7QK2D13 --category laptop --location Library --personal-data
say "The same serial in both schools is no clash: references, serials and badges are unique within a school, not across the trust."
pause

say "The schools are kept apart by the database itself. Oak's technician sees Oak's kit only, and Elm's asset does not exist for that login:"
ASSETCTL_ACTOR=oak_tech step --db "$OAK" asset list
ASSETCTL_ACTOR=elm_tech step --db "$ELM" asset list
ASSETCTL_ACTOR=oak_tech step_may_fail --db "$OAK" asset show ELM-000001
say "Not even psql gets round it: row-level security is the server's. Logged in as Oak's technician, psql sees Oak's rows, and an UPDATE of Elm's asset changes nothing:"
printf '\n$ psql service=oak_tech -c "SELECT tag, make, model, school_id FROM assets"\n'
psql -X service=oak_tech -c "SELECT tag, make, model, school_id FROM assets ORDER BY tag"
printf '$ psql service=oak_tech -c "UPDATE assets SET location = %s WHERE tag = %s"\n' "'Skip'" "'ELM-000001'"
psql -X service=oak_tech -c "UPDATE assets SET location = 'Skip' WHERE tag = 'ELM-000001'"
pause

if "$A" asset transfer --help >/dev/null 2>&1; then
  say "Oak's printer moves to Elm. Only the trust's administrators move kit between schools; the move is one transaction, written in both schools' audit logs and in the trust's own."
  step --db "$ADMIN" --school OAK asset transfer OAK-000003 --to-school ELM
  step --db "$ELM" asset list
  step --db "$OAK" asset show OAK-000003
else
  say "(This build has no 'asset transfer' yet: the step that moves kit between schools is skipped.)"
fi
pause

say "The auditor reads every school. The compliance report for the whole trust names the school of each finding (Elm has a laptop that may hold personal data and is not encrypted):"
if "$A" report compliance --help 2>/dev/null | grep -q -- --all-schools; then
  show --db "$AUDITOR" report compliance --all-schools
  "$A" --db "$AUDITOR" report compliance --all-schools || echo "(exit status $?: action needed)"
else
  for s in OAK ELM; do
    show --db "$AUDITOR" --school "$s" report compliance
    "$A" --db "$AUDITOR" --school "$s" report compliance || echo "(exit status $?: action needed)"
  done
fi
say "Each school has its own audit chain, and the trust has one for its own events (grants, transfers), which its owner reads without naming a school:"
ASSETCTL_ACTOR=oak_tech step --db "$OAK" audit verify
ASSETCTL_ACTOR=elm_tech step --db "$ELM" audit verify
ASSETCTL_ACTOR=trust_owner step --db "$OWNER" audit log
say "The demo's server is stopped and removed now."
