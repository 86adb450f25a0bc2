#!/usr/bin/env bash
# report compliance flags audit events that no signed checkpoint has
# covered for more than 30 days: a register never checkpointed, and one
# whose last checkpoint is old; a fresh checkpoint clears it.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_NOW=2026-01-05T09:00:00Z
new_db
printf 'correct horse battery\n' >"$T/pass"
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 --location Office >/dev/null
n=$(db_sql "SELECT max(id) FROM audit_events")
sect="audit log events older than 30 days that no signed checkpoint covers"
line() { ASSETCTL_TODAY=$1 "$A" report compliance | sed -n "/$sect/,/^[^ ]/p" | grep -v '^all clear\|items* need'; }

check_out "events 30 days old: not yet" "ok    $sect: none" line 2026-02-04
check_out "older than 30 days and never checkpointed: flagged" "FIX   $sect: 1
        events 1-$n since 2026-01-05 (last checkpoint -): run 'assetctl audit checkpoint --key NAME'" line 2026-02-05
check_rc "... and the report exits 1" 1 env ASSETCTL_TODAY=2026-02-05 "$A" report compliance

export ASSETCTL_NOW=2026-02-05T10:00:00Z
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" audit checkpoint --key school --passphrase-file "$T/pass" >/dev/null
check_out "a checkpoint clears it" "ok    $sect: none" line 2026-02-05
check_rc "... the report exits 0" 0 env ASSETCTL_TODAY=2026-02-05 "$A" report compliance
"$A" asset add --make HP --model ProBook --serial H2 --location Office >/dev/null
m=$(db_sql "SELECT max(id) FROM audit_events")
first=$(db_sql "SELECT max(events) + 1 FROM audit_checkpoints")
check_out "the last checkpoint old, events since unsigned for over 30 days: flagged" "FIX   $sect: 1
        events $first-$m since 2026-02-05 (last checkpoint 2026-02-05): run 'assetctl audit checkpoint --key NAME'" line 2026-03-08
check_out "as JSON" "checkpoint $first $m 2026-02-05" sh -c "ASSETCTL_TODAY=2026-03-08 \"$A\" report compliance --json | python3 -c '
import json, sys
for s in json.load(sys.stdin)[\"sections\"]:
    if s[\"key\"] == \"checkpoint\": print(s[\"key\"], s[\"items\"][0][\"first\"], s[\"items\"][0][\"last\"], s[\"items\"][0][\"since\"])'"
done_testing
