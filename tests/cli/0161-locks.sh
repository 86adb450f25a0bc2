#!/usr/bin/env bash
# backends: sqlite
# Readers take no write lock; writers wait for the lock, bounded, instead of
# failing. Another connection (Python's sqlite3, standing in for a second
# assetctl) holds a lock while assetctl runs:
#   - the write lock held: audit verify, export and listings still run
#     (they read in read transactions; verify used to take the write lock
#     and fail with "database is locked" after the busy timeout);
#   - a read transaction held (as a long verify holds one): a write succeeds;
#   - the write lock held for a moment: a write waits and then succeeds.
. "$(dirname "$0")/lib.sh"
new_db
for i in 1 2 3; do "$A" asset add --make Dell --model "Latitude 3190" --serial "L$i" >/dev/null; done

# hold MODE: hold a lock on the register until $T/release exists (MODE
# write: BEGIN IMMEDIATE; read: BEGIN and a read; a number N: BEGIN
# IMMEDIATE and let go after N seconds); $T/held appears once it is held
hold() {
  rm -f "$T/held" "$T/release"
  python3 - "$ASSETCTL_DB" "$1" "$T" <<'PY' &
import os, sqlite3, sys, time
db, mode, t = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None, timeout=0)
if mode == "read":
    c.execute("BEGIN")
    c.execute("SELECT count(*) FROM assets").fetchone()
else:
    c.execute("BEGIN IMMEDIATE")
open(os.path.join(t, "held"), "w").close()
deadline = time.time() + (float(mode) if mode not in ("read", "write") else 60)
while not os.path.exists(os.path.join(t, "release")) and time.time() < deadline:
    time.sleep(0.05)
c.execute("COMMIT")
PY
  holder=$!
  local i
  for i in $(seq 200); do [ -e "$T/held" ] && return 0; sleep 0.05; done
  echo "the lock holder did not start" >&2
  return 1
}
release() { touch "$T/release"; wait "$holder"; }

hold write
start=${EPOCHREALTIME/./}
check_out "verify runs while another process holds the write lock" "audit log intact: 5 events" \
  sh -c "\"$A\" audit verify | cut -d, -f1"
check "export runs too" sh -c "\"$A\" asset export --format json | grep -q TS-000003"
check "and a listing" sh -c "\"$A\" asset list | grep -q TS-000003"
end=${EPOCHREALTIME/./}
check "none of them waited for the lock (under 5 s; the busy timeout is 10)" test $(( (end - start) / 1000000 )) -lt 5
release

hold read
check_out "a write succeeds while another connection holds a read transaction" "TS-000001 updated" \
  "$A" asset edit TS-000001 --location "Room 1"
release

hold 1
start=${EPOCHREALTIME/./}
check_out "a write waits for a held write lock, then succeeds" "TS-000002 updated" "$A" asset edit TS-000002 --location "Room 2"
end=${EPOCHREALTIME/./}
check "... it did wait (the lock was held for 1 s)" test $(( (end - start) / 1000 )) -ge 500
wait "$holder"
check_out "the log verifies" "audit log intact: 7 events" sh -c "\"$A\" audit verify | cut -d, -f1"
done_testing
