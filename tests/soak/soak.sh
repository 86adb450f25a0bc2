#!/usr/bin/env bash
# Soak: SIGKILL the tool at random points in N transactions of every kind
# (default 1000), and check the register after each kill: `pragma
# integrity_check` ok and `audit verify` ok. Not run by CI as such;
# tests/cli/0181 runs 100 of them.
#
#   tests/soak/soak.sh [N] [SEED]
#
# Uses $ASSETCTL (default build/assetctl) and the fault interposer in
# $ASSETCTL_BUILDDIR/tests (default build/). Half of the kills come from
# outside (kill -9 after a random delay of 0 to 60 ms, wherever the tool is);
# half from the interposer (ASSETCTL_FAULT_DB_AT=kill@W: SIGKILL just before
# the W-th write to the register or its -wal/-journal, W random, so every
# write of a transaction is a kill point). The kinds: asset add, person add
# and sign-aup, an import of three assets, issue, return, a scan session,
# an incident, a stock-take scan, a disposal request, a wipe of an image
# file. Prints one line per 100 kills and a summary; exits 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
n=${1:-1000}
RANDOM=${2:-$$}
build=${ASSETCTL_BUILDDIR:-$top/build}
A=${ASSETCTL:-$build/assetctl}
so=$build/tests/libfaultio.so
[ -x "$A" ] && [ -f "$so" ] || { echo "soak: build first (no $A or $so)" >&2; exit 2; }
rt=$(ldd "$A" | awk '/libasan|libubsan/ {print $3}' | tr '\n' ':')
T=$(mktemp -d /tmp/assetctl-soak.XXXXXX)
trap 'rm -rf "$T"' EXIT
export ASSETCTL_DB=$T/assets.db ASSETCTL_ACTOR=soak LC_ALL=C.UTF-8
DB=$ASSETCTL_DB

"$A" init --school "Soak School" --tag-prefix TS >/dev/null
for i in 1 2 3 4 5 6; do "$A" asset add --make Dell --model E$i --serial S$i --location Lab >/dev/null; done
for p in JB AO; do
  "$A" person add --ref $p --name "Person $p" >/dev/null
  "$A" person sign-aup $p --date 2026-09-01 >/dev/null
done
"$A" person add --ref HT --name "Head Teacher" --authoriser >/dev/null
"$A" stocktake start Lab >/dev/null
truncate -s 256K "$T/disk.img"

kinds=(asset person import issue return scan incident stocktake disposal wipe)
tag() { printf 'TS-%06d' $((RANDOM % 12 + 1)); }
# transaction KIND I: run one transaction of KIND (i makes names unique)
transaction() {
  local i=$2
  case $1 in
    asset) "$A" asset add --make HP --model "M$i" --serial "SK$i" --location Lab ;;
    person) "$A" person add --ref "P$i" --name "Person $i" && "$A" person sign-aup "P$i" --date 2026-09-02 ;;
    import)
      printf 'Serial,Manufacturer,Model\nI%sa,HP,A\nI%sb,HP,B\nI%sc,HP,C\n' "$i" "$i" "$i" >"$T/import.csv"
      "$A" asset import "$T/import.csv" ;;
    issue) "$A" issue "$(tag)" JB ;;
    return) "$A" return "$(tag)" ;;
    scan) printf 'AO\n%s\n%s\nAO\n%s\n' "$(tag)" "$(tag)" "$(tag)" | "$A" scan ;;
    incident) "$A" incident report "$(tag)" --kind damaged --details "soak $i" ;;
    stocktake) "$A" stocktake scan "$(tag)" "$(tag)" ;;
    disposal) "$A" disposal request "$(tag)" --reason "soak $i" ;;
    wipe) "$A" wipe "$T/disk.img" --method zero --yes --serial "$T/disk.img" --no-certificate ;;
  esac
}

killed=0 finished=0 bad_integrity=0 bad_audit=0 outside=0 inside=0
start=$(date +%s.%N)
for ((i = 1; i <= n; i++)); do
  kind=${kinds[RANDOM % ${#kinds[@]}]}
  if ((i % 2)); then
    outside=$((outside + 1))
    (transaction "$kind" "$i" </dev/null >/dev/null 2>&1) &
    pid=$!
    sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
    # the tool (a child of the job's subshell, by its id), then the subshell
    kill -KILL $(cat /proc/"$pid"/task/*/children 2>/dev/null) "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
  else
    inside=$((inside + 1))
    (export LD_PRELOAD="${rt}$so" ASSETCTL_FAULT_DB="$DB" ASSETCTL_FAULT_DB_AT="kill@$((RANDOM % 80 + 1))"
     transaction "$kind" "$i" </dev/null >/dev/null 2>&1)
    rc=$?
  fi
  if [ "$rc" -ge 128 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
  integrity=$(sqlite3 -cmd '.timeout 10000' "$DB" 'pragma integrity_check' 2>&1)
  if [ "$integrity" != ok ]; then
    bad_integrity=$((bad_integrity + 1))
    echo "soak: after $kind ($i): integrity_check: $integrity" >&2
  fi
  if ! verify=$("$A" audit verify 2>&1); then
    bad_audit=$((bad_audit + 1))
    echo "soak: after $kind ($i): $verify" >&2
  fi
  if ((i % 100 == 0)); then echo "soak: $i transactions, $killed killed, $bad_integrity integrity failures, $bad_audit audit failures"; fi
done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
events=$(sqlite3 "$DB" 'select count(*) from audit_events')
printf 'soak: %d transactions (%d killed from outside after 0-60 ms, %d at a random write), %d killed, %d finished; %d audit events; %d integrity failures, %d audit failures; %.1f s\n' \
  "$n" "$outside" "$inside" "$killed" "$finished" "$events" "$bad_integrity" "$bad_audit" "$elapsed"
[ "$bad_integrity" -eq 0 ] && [ "$bad_audit" -eq 0 ]
