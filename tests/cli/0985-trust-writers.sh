#!/usr/bin/env bash
# Technicians on several machines at once, on a real server: 8 writers
# (separate assetctl processes; technicians of one school, two of them
# sharing a login, and a technician of two schools writing in both) add,
# edit, lend and take back assets for $ASSETCTL_TEST_WRITE_SECONDS (30 s by
# default) while a reader lists the register in a loop. Every command must
# succeed (no serialisation failure or lock wait reaches the user); then
# each school's chain verifies, linear, with one event per write done. The
# reader's worst latency is printed, not judged (the machine may be busy).
. "$(dirname "$0")/lib.sh"

if ! need_pg; then
  skip "concurrent writers on PostgreSQL" "no PostgreSQL server for this run"
  done_testing; exit
fi
new_trust || { check "a trust database" false; done_testing; exit; }
SECS=${ASSETCTL_TEST_WRITE_SECONDS:-30}
OWNER=$(trust_uri "$TRUST_OWNER")

"$A" --db "$OWNER" trust init --name "Oak Trust" >/dev/null &&
  "$A" --db "$OWNER" trust school add --code OAK --name "Oak Primary" --tag-prefix OAK >/dev/null &&
  "$A" --db "$OWNER" trust school add --code ELM --name "Elm Academy" --tag-prefix ELM >/dev/null
check "a trust of two schools" [ $? = 0 ]
OAK1=$(new_login oak1) OAK2=$(new_login oak2) ELM1=$(new_login elm1) ELM2=$(new_login elm2) BOTH=$(new_login both)
for g in "$OAK1 OAK" "$OAK2 OAK" "$ELM1 ELM" "$ELM2 ELM" "$BOTH OAK" "$BOTH ELM"; do
  set -- $g
  "$A" --db "$OWNER" trust grant --db-role "$1" --school "$2" --role technician >/dev/null 2>&1 || check "grant $1 in $2" false
done

# the writers: LOGIN SCHOOL; the login of two schools names the school
writers=("$OAK1 OAK" "$OAK2 OAK" "$OAK1 OAK" "$BOTH OAK" "$ELM1 ELM" "$ELM2 ELM" "$BOTH ELM" "$BOTH ELM")
# the writers lend to a person of their school, signed up before the clock starts
setup_ok=0
for g in "$OAK1 OAK" "$ELM1 ELM"; do
  set -- $g
  "$A" --db "$(trust_uri "$1")" person add --ref "P$2" --name "Staff of $2" >/dev/null &&
    "$A" --db "$(trust_uri "$1")" person sign-aup "P$2" >/dev/null || setup_ok=1
done
check "a person in each school" [ "$setup_ok" = 0 ]

now_ms() { local t=${EPOCHREALTIME/./}; echo "$(( 10#$t / 1000 ))"; }

# events SCHOOL: the number of events of SCHOOL's chain as audit verify counts them
events() {
  "$A" --db "$OWNER" --school "$1" audit verify 2>/dev/null | sed -n 's/^audit log intact: \([0-9]*\) events.*/\1/p'
}
before_oak=$(events OAK) before_elm=$(events ELM)
check "both chains intact before the writers" [ -n "$before_oak" ] && [ -n "$before_elm" ]

# writer N LOGIN SCHOOL END: add an asset, edit it, lend it, take it back,
# and again, until END (ms); one line "RC SCHOOL OP MS" per command in
# $T/w.N, the stderr of a failed one in $T/w.N.err
writer() {
  local n=$1 uri school=$3 end=$4 op=0 tag="" t0 rc
  uri=$(trust_uri "$2")
  : >"$T/w.$n"
  while [ "$(now_ms)" -lt "$end" ]; do
    t0=$(now_ms) rc=0
    case $op in
      0) tag=$("$A" --db "$uri" --school "$school" asset add --make Dell --model "Latitude $n" \
               --serial "W$n-$RANDOM$RANDOM" --location "Room $n" 2>>"$T/w.$n.err") || rc=$? ;;
      1) "$A" --db "$uri" --school "$school" asset edit "$tag" --location "Store $n" >/dev/null 2>>"$T/w.$n.err" || rc=$? ;;
      2) "$A" --db "$uri" --school "$school" issue "$tag" "P$school" >/dev/null 2>>"$T/w.$n.err" || rc=$? ;;
      3) "$A" --db "$uri" --school "$school" return "$tag" >/dev/null 2>>"$T/w.$n.err" || rc=$? ;;
    esac
    echo "$rc $school $op $(( $(now_ms) - t0 ))" >>"$T/w.$n"
    # a failed add leaves nothing to edit: start the round again
    if [ "$rc" = 0 ]; then op=$(( (op + 1) % 4 )); else op=0; fi
  done
}

# reader END: `asset list` as OAK's technician until END; "RC MS" per read
reader() {
  local end=$1 uri t0 rc
  uri=$(trust_uri "$OAK1")
  : >"$T/r"
  while [ "$(now_ms)" -lt "$end" ]; do
    t0=$(now_ms) rc=0
    "$A" --db "$uri" asset list >/dev/null 2>>"$T/r.err" || rc=$?
    echo "$rc $(( $(now_ms) - t0 ))" >>"$T/r"
  done
}

end=$(( $(now_ms) + SECS * 1000 ))
pids=()
for i in "${!writers[@]}"; do
  set -- ${writers[$i]}
  writer "$i" "$1" "$2" "$end" &
  pids+=($!)
done
reader "$end" &
pids+=($!)
trap 'kill "${pids[@]}" 2>/dev/null; _drop_trusts; cleanup' EXIT
wait "${pids[@]}"

cat "$T"/w.[0-9] >"$T/writes"
total=$(wc -l <"$T/writes")
failed=$(awk '$1 != 0' "$T/writes" | wc -l)
oak=$(awk '$1 == 0 && $2 == "OAK"' "$T/writes" | wc -l)
elm=$(awk '$1 == 0 && $2 == "ELM"' "$T/writes" | wc -l)
echo "# $total writes in ${SECS} s by ${#writers[@]} writers: OAK $oak, ELM $elm, $failed failed"
sort -n -k4 "$T/writes" | awk '{ a[NR] = $4 } END { if (NR) printf "# write latency: median %d ms, p99 %d ms, max %d ms\n", a[int((NR + 1) / 2)], a[(int(NR * 0.99) > 0 ? int(NR * 0.99) : 1)], a[NR] }'
check "every writer wrote" [ "$(for i in "${!writers[@]}"; do [ -s "$T/w.$i" ] && echo x; done | wc -l)" = "${#writers[@]}" ]
check "no write failed" [ "$failed" = 0 ]
[ "$failed" = 0 ] || cat "$T"/w.*.err | sort | uniq -c | head -20 | sed 's/^/    /'

check_out "OAK's chain is intact, one event per write" "$((before_oak + oak))" events OAK
check_out "ELM's chain is intact, one event per write" "$((before_elm + elm))" events ELM
# linear: in each school the ids run 1..n without a gap and no two events
# follow the same one (the owner reads every school: no row-level security)
check_out "each chain is linear" "ELM $((before_elm + elm)) OAK $((before_oak + oak))" \
  psql -qAtX -F ' ' -d "$TRUST_DB" -U "$TRUST_OWNER" -c "
    SELECT string_agg(code || ' ' || n, ' ' ORDER BY code) FROM (
      SELECT s.code, count(*) AS n FROM audit_events e JOIN schools s ON s.id = e.school_id
      GROUP BY s.id, s.code
      HAVING count(*) = max(e.id) AND min(e.id) = 1 AND count(DISTINCT e.prev_hash) = count(*)
        AND count(*) = 1 + (SELECT count(*) FROM audit_events p, audit_events c
                            WHERE p.school_id = s.id AND c.school_id = s.id
                              AND c.id = p.id + 1 AND c.prev_hash = p.hash)) x"

reads=$(wc -l <"$T/r")
check "the reader read all along" [ "$reads" -gt 0 ]
check "no read failed" [ "$(awk '$1 != 0' "$T/r" | wc -l)" = 0 ]
[ -s "$T/r.err" ] && sort "$T/r.err" | uniq -c | head -5 | sed 's/^/    /'
sort -n -k2 "$T/r" | awk '{ a[NR] = $2 } END { if (NR) printf "# %d reads during the writes: median %d ms, max %d ms (not judged)\n", NR, a[int((NR + 1) / 2)], a[NR] }'
done_testing
