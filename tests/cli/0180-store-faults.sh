#!/usr/bin/env bash
# backends: sqlite
# Faults in the store: SQLite I/O errors, a full disk (ENOSPC), short
# writes, a transient error and failed syncs, injected by the fault
# interposer (tests/fault/faultio.c, ASSETCTL_FAULT_DB) into the register's
# file and its -wal/-journal during an import, a loan, a scan session and a
# wipe. Each run either fails with a clear error and leaves the register as
# it was (the dump before), or succeeds and leaves it as a run without a
# fault does (a fault after the commit: checkpointing on close); always
# `pragma integrity_check` ok and `audit verify` ok.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/wipe-lib.sh"
new_db
export ASSETCTL_NOW=2026-11-23T10:00:00Z ASSETCTL_TODAY=2026-11-23
DB=$ASSETCTL_DB
for i in 1 2 3; do "$A" asset add --tag TS-00000$i --make Dell --model E$i --serial S$i >/dev/null; done
"$A" person add --ref JB --name "Jo Bloggs" >/dev/null
"$A" person sign-aup JB --date 2026-09-01 >/dev/null
printf 'Asset Tag,Serial,Manufacturer,Model\nTS-000011,S11,HP,P1\nTS-000012,S12,HP,P2\nTS-000013,S13,HP,P3\n' >"$T/import.csv"
printf 'JB\nTS-000002\nTS-000003\nJB\n' >"$T/scans"
truncate -s 1M "$T/disk.img"

dump() { sqlite3 "$DB" .dump; }
save() { sqlite3 "$DB" ".backup '$T/pristine.db'"; dump >"$T/before"; }
restore() { rm -f "$DB-wal" "$DB-shm" "$DB-journal"; cp "$T/pristine.db" "$DB"; }
# op NAME: the operation under test (stdin from /dev/null unless a scan)
op() {
  case $1 in
    import) "$A" asset import "$T/import.csv" ;;
    loan) "$A" issue TS-000001 JB ;;
    scan) "$A" scan <"$T/scans" ;;
    wipe) "$A" wipe "$T/disk.img" --method zero --yes --serial "$T/disk.img" --no-certificate ;;
  esac
}
faulty() { env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_DB="$DB" "$@"; }
# A wipe's record holds its measured durations, throughput and the real
# times of its passes: compared without them.
norm() {
  sed -E "s/[0-9]+\.[0-9]+(e[-+]?[0-9]+)?/N/g; s/'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z'/'T'/g" |
    if [ "$name" = wipe ]; then sed -E "s/'[0-9a-f]{64}'/'H'/g"; else cat; fi
}

cases=0 bad=0
for name in import loan scan wipe; do
  save
  : >"$T/count"
  run faulty ASSETCTL_FAULT_DB_COUNT="$T/count" bash -c "$(declare -f op); A='$A' T='$T'; op $name"
  check "$name: runs without a fault" [ "$rc" -eq 0 ]
  dump | norm >"$T/good"
  # a scan session is one transaction per scan: a fault may stop it after
  # any whole number of scans, so each prefix is a state it may leave
  rm -f "$T"/prefix.*
  if [ "$name" = scan ]; then
    for k in 1 2 3; do
      restore
      head -n "$k" "$T/scans" | "$A" scan >/dev/null
      dump | norm >"$T/prefix.$k"
    done
    restore
    dump | norm >"$T/good"
    "$A" scan <"$T/scans" >/dev/null
    dump | norm >"$T/good"
  fi
  read -r writes syncs <"$T/count"
  check "$name: the interposer sees its writes ($writes) and syncs ($syncs)" [ "${writes:-0}" -gt 2 ]
  # a spread of write numbers for each kind (the soak, tests/soak, kills
  # at every point); every sync
  points=()
  for kind in eio enospc short once; do
    for n in 1 $((writes / 2)) $((writes - 1)); do
      [ "$n" -ge 1 ] && points+=("$kind@$n")
    done
  done
  for ((n = 1; n <= syncs; n++)); do points+=("fsync@$n"); done
  failed_runs=0
  for at in "${points[@]}"; do
    restore
    cases=$((cases + 1))
    run faulty ASSETCTL_FAULT_DB_AT="$at" bash -c "$(declare -f op); A='$A' T='$T'; op $name"
    integrity=$(sqlite3 "$DB" 'pragma integrity_check')
    "$A" audit verify >/dev/null 2>&1; verify=$?
    why=
    if [ "$integrity" != ok ]; then why="integrity_check: $integrity"
    elif [ "$verify" -ne 0 ]; then why="audit verify failed"
    elif [ "$rc" -eq 0 ]; then
      dump | norm | cmp -s - "$T/good" || why="exit 0 but the register differs from a run without the fault"
    elif [ "$rc" -eq 1 ]; then
      failed_runs=$((failed_runs + 1))
      if [[ "$err" != *"disk I/O error"* && "$err" != *"database or disk is full"* && "$err" != *"Input/output error"* &&
            "$err" != *"No space left on device"* ]]; then why="unclear error: $err"
      elif [ "$name" = scan ]; then
        dump | norm >"$T/got"
        ok=
        for f in "$T/before" "$T"/prefix.*; do norm <"$f" | cmp -s - "$T/got" && ok=1; done
        [ -n "$ok" ] || why="a stopped scan session left a state no whole number of scans makes"
      elif [ "$name" = wipe ]; then
        # the wipe records its start, each pass and its end, each in its
        # own transaction, as they happen: a failed store may leave the
        # wipe started (or failed, after a transient error), never erased
        o=$(sqlite3 "$DB" "select group_concat(outcome) from wipes")
        [[ "$o" != *erased* ]] || why="a wipe that failed to record says '$o'"
      else
        dump | cmp -s - "$T/before" || why="failed, but the register changed"
      fi
    else why="exit $rc: $err"; fi
    if [ -n "$why" ]; then
      bad=$((bad + 1))
      _not_ok "$name with $at" "$why"
    fi
  done
  check "$name: ${#points[@]} faults, $failed_runs of them refused cleanly, none half-written" [ "$failed_runs" -gt 0 ]
  restore
done
check "$cases fault runs: register intact after every one" [ "$bad" -eq 0 ]

# what a technician reads
restore
run faulty ASSETCTL_FAULT_DB_AT=enospc@1 "$A" asset import "$T/import.csv"
check_out "a full disk, said plainly" "1
error: cannot import '$T/import.csv': cannot commit: database or disk is full" echo "$rc
$err"
run faulty ASSETCTL_FAULT_DB_AT=eio@1 "$A" issue TS-000001 JB
check_out "an I/O error, said plainly" "1
error: cannot issue 'TS-000001': cannot commit: disk I/O error" echo "$rc
$err"
done_testing
