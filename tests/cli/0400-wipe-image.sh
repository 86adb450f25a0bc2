#!/usr/bin/env bash
# The wipe on image files (no root needed): every method writes exactly its
# passes (read back after each pass through the test hook and compared with
# the expected stream, built here with perl and openssl), roots equal the
# stock-tool recomputation, records, refusals, injected I/O faults, a crash
# (SIGKILL) and an interruption (SIGINT).
. "$(dirname "$0")/lib.sh"
new_db
export LC_ALL=C

. "$(dirname "$0")/wipe-lib.sh"

# The hook reads the target back after every pass.
cat >"$T/hook" <<EOF
#!/bin/sh
r=\$(split -b 4194304 --filter 'sha256sum | cut -c1-64' "\$1" | xxd -r -p | sha256sum | cut -c1-64)
echo "\$2 \$r" >>"$T/hook.log"
EOF
chmod +x "$T/hook"

size=$(( (8 << 20) + 4096 ))  # three chunks, the last short
for method in zero one random nist-clear is5-baseline is5-enhanced dod-short dod-7 gutmann; do
  img="$T/$method.img"
  head -c "$size" /dev/urandom >"$img"
  rm -f "$T/hook.log"
  run env ASSETCTL_TEST_PASS_HOOK="$T/hook" "$A" wipe "$img" --method "$method" --yes --serial "$img"
  id=$(last_id)
  if [ "$rc" -ne 0 ] || [ "$(field "$id" .outcome)" != erased ]; then
    _not_ok "$method: erased" "rc $rc: $out $err"; continue
  fi
  # every pass: device after the pass == recorded root == root of the expected stream
  n=$(field "$id" '.passes | length')
  bad=""
  while read -r i pat rec seed; do
    [ "$seed" = null ] && seed=""
    dev=$(awk -v i="$i" '$1 == i {print $2}' "$T/hook.log")
    want=$(stream "$pat" "$size" "$seed" | root_of -)
    [ "$dev" = "$rec" ] && [ "$rec" = "$want" ] || bad="$bad pass $i ($pat): device $dev record $rec expected $want;"
  done < <(field "$id" '.passes[] | "\(.index) \(.pattern) \(.root_written) \(.seed)"')
  expect_n=$(case $method in zero|one|random|nist-clear|is5-baseline) echo 1 ;; is5-enhanced|dod-short) echo 3 ;; dod-7) echo 7 ;; gutmann) echo 35 ;; esac)
  [ "$n" = "$expect_n" ] || bad="$bad $n passes, wanted $expect_n;"
  [ "$(wc -l <"$T/hook.log")" = "$n" ] || bad="$bad hook ran $(wc -l <"$T/hook.log") times;"
  # the last pass read back equals what was written, and the file now holds it
  [ "$(field "$id" '.passes[-1].root_read')" = "$(root_of "$img")" ] || bad="$bad root_read differs;"
  if [ -z "$bad" ]; then _ok "$method: $n passes, each read back equal to its expected stream and recorded root"
  else _not_ok "$method: passes" "$bad"; fi
done

check_out "pass lists as recorded" '924924 6db6db random
f6 09 random 00 ff 00 random' \
  sh -c "\"$A\" wipe list --json | jq -r '(.[] | select(.method == \"gutmann\") | .pass_list | [.[6], .[28], .[34]] | join(\" \")), (.[] | select(.method == \"dod-7\") | .pass_list | join(\" \"))'"
check_out "verification per method: which passes were read back" "nist-clear all 1
is5-enhanced last 3
dod-7 last 7
gutmann last 35" \
  sh -c "\"$A\" wipe list --json | jq -r '.[] | select(.method | test(\"nist-clear|is5-enhanced|dod-7|gutmann\")) | .id' | sort -n | while read -r i; do \"$A\" wipe show \$i --json | jq -r '\"\\(.method) \\(.verify) \\([.passes[] | select(.root_read != null) | .index] | join(\",\"))\"'; done"
id=$(last_id)
seed=$(field "$id" '.passes[0].seed')
check_out "show: the random pass's seed hash is SHA-256 of its seed" "$(field "$id" '.passes[0].seed_sha256')" \
  sh -c "printf '%s' '$seed' | xxd -r -p | sha256sum | cut -c1-64"

# --- a plain zero wipe, exact output, and the checks that agree with it
img="$T/disk.img"
head -c $(( (5 << 20) + 100 )) /dev/urandom >"$img"   # a tail that is not a whole sector
check_out "zero wipe of an image file" "method zero: 1 pass (00), verify last
$img: image file, 5.0 MiB (5242980 bytes)
  not in the register
wipe $(( $(last_id) + 1 )): '$img' erased" "$A" wipe "$img" --method zero --yes --serial "$img" --progress none
id=$(last_id)
check "cmp against /dev/zero passes" cmp -n 5242980 "$img" /dev/zero
check_out "root written = stock tool on the file = root read" "$(root_of "$img") $(root_of "$img")" \
  sh -c "\"$A\" wipe show $id --json | jq -r '.passes[0] | \"\\(.root_written) \\(.root_read)\"'"
check_out "wipe verify --pattern zero" "'$img' matches the pattern 00: 5.0 MiB read, root $(root_of "$img")" \
  "$A" wipe verify "$img" --pattern zero
check_err "wipe verify --pattern one fails" 1 "'$img' does not match the pattern ff: 5242980 bytes differ, 0 unreadable, first at byte 0" \
  "$A" wipe verify "$img" --pattern one
check_out "wipe verify --record" "'$img' matches wipe $id's last pass (00): 5.0 MiB read, root $(root_of "$img")" \
  "$A" wipe verify "$img" --record "$id"
printf 'x' | dd of="$img" bs=1 seek=4194400 conv=notrunc status=none
check_err "a changed byte is found, by sector" 1 "does not match the pattern 00: 512 bytes differ, 0 unreadable, first at byte 4194304" "$A" wipe verify "$img" --pattern zero
check_err "... at its sector" 1 "512 bytes differ, 0 unreadable, first at byte 4194304" "$A" wipe verify "$img" --record "$id"
head -c 40M /dev/zero >"$T/z.img"
check_out "wipe verify --sample reads the first and last chunk at least" "'$T/z.img' matches the pattern 00 in a 1% sample: 2 chunks, 8.0 MiB read" \
  "$A" wipe verify "$T/z.img" --pattern zero --sample 1

# random: regenerate from the seed and compare
img="$T/rnd.img"
truncate -s 12M "$img"
check_rc "random wipe" 0 "$A" wipe "$img" --method random --yes --serial "$img" --progress none
id=$(last_id)
seed=$(field "$id" '.passes[0].seed')
check "the file is the AES-256-CTR stream of the recorded seed (openssl enc)" \
  cmp "$img" <(stream random 12582912 "$seed")
check_rc "wipe verify --record regenerates the random stream" 0 "$A" wipe verify "$img" --record "$id"

# --- JSON progress
img="$T/p.img"
truncate -s 9M "$img"
run "$A" wipe "$img" --passes 00,random --yes --serial "$img" --progress=json
printf '%s\n' "$out" | grep '^{' >"$T/progress.json"
check_out "progress=json: pass and end events" "pass 1 00 true
pass 2 random true
end erased" jq -r 'if .event == "pass" then "pass \(.pass) \(.pattern) \(.bytes_written == 9437184)" elif .event == "end" then "end \(.outcome)" else empty end' "$T/progress.json"
check "progress=json: progress lines carry pass, percent, MB/s, time left" \
  grep -q '"event":"progress".*"pass":2.*"percent".*"mb_per_s".*"eta_s"' "$T/progress.json"

# --- refusals, each leaving the target untouched
img="$T/keep.img"
head -c 3M /dev/urandom >"$img"
before=$(sha256sum <"$img")
check_err "wrong --serial" 1 "cannot wipe '$img': --serial 'nope' does not match its path (it has no serial) '$img'" \
  "$A" wipe "$img" --method zero --yes --serial nope
check_err "no --yes and no terminal: the dispatcher refuses it, naming the option" 2 \
  "error: 'assetctl wipe' destroys data: confirm on a terminal, or give --yes with --serial S for each device" \
  "$A" wipe "$img" --method zero </dev/null
check_err "--verify off for a certified wipe" 1 "cannot wipe without verification: a certified wipe must be verified" \
  "$A" wipe "$img" --method zero --verify off --yes --serial "$img"
"$A" asset add --make Dell --model X --serial S1 >/dev/null
check_err "--verify off with --asset" 1 "a wipe recorded against an asset is certified" \
  "$A" wipe "$img" --method zero --verify off --asset TS-000001 --no-certificate --yes --serial "$img"
check_err "unknown asset" 1 "cannot wipe '$img': no asset 'TS-000099' in the register" \
  "$A" wipe "$img" --method zero --asset ts-000099 --yes --serial "$img"
check_err "nist-clear keeps full verification" 2 "--verify last: nist-clear verifies in full by definition" \
  "$A" wipe "$img" --method nist-clear --verify last --yes --serial "$img"
check_err "unknown method" 2 "method 'shred' is not known" "$A" wipe "$img" --method shred --yes --serial "$img"
check_err "bad pass" 2 "pass 'zz' is not 'random' or a pattern" "$A" wipe "$img" --passes 00,zz --yes --serial "$img"
check_err "--serial without --yes and no terminal" 2 "destroys data: confirm on a terminal, or give --yes with --serial S" \
  "$A" wipe "$img" --method zero --serial "$img" </dev/null
check_err "a character device" 1 "cannot wipe '/dev/null': not a block device or an image file" \
  "$A" wipe /dev/null --method zero --yes --serial /dev/null
mkdir "$T/dir"
check_err "a directory" 1 "cannot wipe '$T/dir': not a block device or an image file" \
  "$A" wipe "$T/dir" --method zero --yes --serial "$T/dir"
mkfifo "$T/fifo"
check_err "a fifo" 1 "cannot wipe '$T/fifo': not a block device or an image file" \
  "$A" wipe "$T/fifo" --method zero --yes --serial "$T/fifo"
check_err "missing file" 1 "cannot wipe '$T/none': No such file or directory" \
  "$A" wipe "$T/none" --method zero --yes --serial "$T/none"
check_out "refused targets untouched" "$before" sha256sum <"$img"
if command -v script >/dev/null; then
  run script -qec "\"$A\" wipe '$img' --method zero --serial '$img'" /dev/null <<<"$img"
  check "--serial without --yes on a terminal: refused" grep -q -- "--serial confirms with --yes" <<<"$out"
  run script -qec "\"$A\" wipe '$img' --method zero" /dev/null <<<"not-the-path"
  check "typed confirmation that does not match: refused" grep -q "the confirmation did not match; nothing was written" <<<"$out"
  check_out "... and untouched" "$before" sha256sum <"$img"
  run script -qec "\"$A\" wipe '$img' --method zero" /dev/null <<<"$img"
  check "typed confirmation of the path: wiped" grep -q "' erased" <<<"$out"
  check "... to zeros" cmp -n 3145728 "$img" /dev/zero
else
  skip "typed confirmation" "script(1) is not installed"
fi

# --- several targets at once, one thread each
a="$T/a.img" b="$T/b.img"
truncate -s 6M "$a"; truncate -s 10M "$b"
run "$A" wipe "$a" "$b" --method one --yes --serial "$a" --serial "$b" --progress none
check_out "two targets at once: both erased" "0 2" echo "$rc $(grep -c "' erased\$" <<<"$out")"
check "... both hold ones" cmp "$a" <(head -c 6291456 /dev/zero | tr '\0' '\377')
check "... both hold ones" cmp "$b" <(head -c 10485760 /dev/zero | tr '\0' '\377')

# --- injected I/O errors
img="$T/f.img"
truncate -s 12M "$img"
run env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$img" ASSETCTL_FAULT='w@8392704+4096' \
  "$A" wipe "$img" --method zero --yes --serial "$img" --progress none
id=$(last_id)
check_out "a sector that cannot be written: erased with exceptions, exit 1" "1 wipe $id: '$img' erased with exceptions" echo "$rc ${out##*$'\n'}"
check_out "... its range recorded after 3 retries" '3 [{"error":"Input/output error","length":4096,"offset":8392704}] 4096' \
  field "$id" '.passes[0] | "\(.errors.write_retries) \(.errors.write_errors | tojson) \(.write_error_bytes)"'
run env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$img" ASSETCTL_FAULT='w@4194304+512*2,r@0+4096*1' \
  "$A" wipe "$img" --method zero --yes --serial "$img" --progress none
id=$(last_id)
check_out "transient errors: retried, then erased" "0 erased 2 1 0 0" \
  echo "$rc $(field "$id" '"\(.outcome) \(.passes[0].errors.write_retries) \(.passes[0].errors.read_retries) \(.passes[0].write_error_bytes) \(.passes[0].read_error_bytes)"')"
run env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$img" ASSETCTL_FAULT='r@10485760+8192' \
  "$A" wipe "$img" --method one --yes --serial "$img" --progress none
urc=$rc id=$(last_id)
check_out "unreadable sectors at verification: recorded, erased with exceptions" \
  'erased_with_exceptions [{"error":"Input/output error","length":8192,"offset":10485760}] 0' \
  field "$id" '"\(.outcome) \(.passes[0].errors.read_errors | tojson) \(.passes[0].mismatch_bytes)"'
check "... exit 1" test "$urc" -eq 1
"$A" asset add --make HP --model Y --serial S2 >/dev/null
run env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$img" ASSETCTL_FAULT='w@0+4096' \
  "$A" wipe "$img" --method zero --asset TS-000002 --yes --serial "$img" --progress none
check_out "a wipe linked to an asset records the tag" "1 wipe $(last_id): '$img' (TS-000002) erased with exceptions" echo "$rc ${out##*$'\n'}"
check_out "wipe list --asset" "TS-000002 erased_with_exceptions" \
  sh -c "\"$A\" wipe list --asset ts-000002 --csv | tail -n +2 | cut -d, -f4,8 | tr , ' '"

# --- a crash mid-pass leaves 'started', never 'erased'
img="$T/k.img"
truncate -s 64M "$img"
# faultio holds the wipe at the second write of its first pass until a
# SIGINT/SIGTERM handler has run, and creates $T/held: the signal lands
# mid-pass whatever the machine's speed.
slow() {
  rm -f "$T/held"
  exec env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$img" ASSETCTL_FAULT_HOLD="2:$T/held" \
    "$A" wipe "$img" --method dod-short --yes --serial "$img" --progress none
}
wait_held() { for _ in $(seq 600); do [ -e "$T/held" ] && return 0; sleep 0.1; done; return 1; }
rm -f "$T/held"
(slow >/dev/null 2>&1) &
pid=$!
check "the wipe is held mid-pass" wait_held
kill -KILL "$pid"; wait "$pid" 2>/dev/null
id=$(last_id)
check_out "SIGKILL mid-pass: recorded as started, the pass as running" "started null running 0" \
  field "$id" '"\(.outcome) \(.ended_at) \(.passes[0].status) \([.passes[] | select(.status == "done")] | length)"'
check_rc "the audit log is intact after the crash" 0 "$A" audit verify

rm -f "$T/held"
(slow >"$T/int.out" 2>"$T/int.err") &
pid=$!
wait_held
kill -INT "$pid"; wait "$pid"; rc=$?
id=$(last_id)
check_out "SIGINT: exit 1, outcome interrupted" "1 wipe $id: '$img' interrupted" echo "$rc $(tail -1 "$T/int.out")"
check_out "... recorded: the first pass interrupted, no later pass" "interrupted 1 interrupted" \
  field "$id" '"\(.outcome) \(.passes | length) \(.passes[-1].status)"'

run db_tamper "UPDATE wipes SET outcome = 'erased' WHERE id = $id"
check "a final outcome cannot be changed behind the tool's back" grep -q "outcome is final once recorded" <<<"$err"
check_rc "audit verify covers the wipe tables" 0 "$A" audit verify
db_tamper "UPDATE wipe_passes SET root_written = 'x' WHERE id = 1"
check_err "... and sees an edited pass" 1 "wipe_passes row 1 was changed after it" "$A" audit verify
check_err "wipe show of an unknown id" 1 "no wipe 999 in the register" "$A" wipe show 999
check_rc "wipe --help" 0 "$A" wipe --help
done_testing
