#!/usr/bin/env bash
# The wipe on loop devices this test creates (512- and 4096-byte sectors):
# roots against the stock-tool recomputation and openssl, nwipe's
# verify_zero/verify_one and cmp agree; the safety refusals (mounted, a
# mounted partition, active swap, read-only, wrong serial) leave the device
# untouched; a wipe is linked to its registered medium, and a failed one
# sends the medium to destruction. Needs root; touches only its own loops.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
if ! need_root; then
  skip "wipes of loop devices" "needs root (loop devices)"
  done_testing; exit
fi
new_db

mnt="$T/mnt"
mkdir -p "$mnt"
swapdev=""
teardown() {
  umount "$mnt" 2>/dev/null
  [ -n "$swapdev" ] && swapoff "$swapdev" 2>/dev/null
  cleanup
}
trap teardown EXIT

. "$(dirname "$0")/wipe-lib.sh"
# nwipe's own check of a whole device (exit 0 when it holds the pattern).
nwipe_check() {
  [ -b "$2" ] || return 1   # never let nwipe --autonuke run without its device
  nwipe --autonuke --nogui --nowait --method="$1" "$2" >"$T/nwipe.log" 2>&1
}

size=$(( 20 << 20 ))
for sector in 512 4096; do
  L=$(make_loop "$size" "$sector") || { _not_ok "loop device with $sector-byte sectors" "losetup failed"; continue; }
  head -c "$size" /dev/urandom >"$L"
  run "$A" wipe "$L" --method zero --yes --serial "$L" --progress none
  id=$(last_id)
  check_out "$sector: zero wipe erased" "0 wipe $id: '$L' erased" echo "$rc ${out##*$'\n'}"
  check_out "$sector: recorded sector size, direct I/O, roots = stock tool on the device" \
    "$sector true $(root_of "$L") $(root_of "$L")" \
    field "$id" '"\(.sector_size) \(.direct_io) \(.passes[0].root_written) \(.passes[0].root_read)"'
  check "$sector: nwipe --method=verify_zero passes" nwipe_check verify_zero "$L"
  check "$sector: cmp against /dev/zero passes" cmp -n "$size" "$L" /dev/zero
  run "$A" wipe "$L" --method one --yes --serial "$L" --progress none
  check "$sector: one wipe erased" test "$rc" -eq 0
  check "$sector: nwipe --method=verify_one passes" nwipe_check verify_one "$L"
  if [ "$sector" = 512 ]; then
    check "nwipe is a real check: verify_zero fails on ones" sh -c "! nwipe --autonuke --nogui --nowait --method=verify_zero '$L' >/dev/null 2>&1"
  fi
  run "$A" wipe "$L" --method random --yes --serial "$L" --progress none
  id=$(last_id)
  seed=$(field "$id" '.passes[0].seed')
  want=$(openssl enc -aes-256-ctr -K "$seed" -iv 00000000000000000000000000000000 </dev/zero 2>/dev/null | head -c "$size" | root_of -)
  check_out "$sector: random: device root = recorded root = root of the openssl stream from the seed" "$want $want $want" \
    echo "$(root_of "$L") $(field "$id" '"\(.passes[0].root_written) \(.passes[0].root_read)"')"
  check_rc "$sector: wipe verify --record" 0 "$A" wipe verify "$L" --record "$id"
  check_rc "$sector: wipe verify --record --sample" 0 "$A" wipe verify "$L" --record "$id" --sample 30
done

# --- refusals: each names the reason and leaves the device untouched
L=$(make_loop 16M)
head -c 16M /dev/urandom >"$L"
before=$(sha256sum <"$L")
check_err "wrong --serial" 1 "cannot wipe '$L': --serial 'WD-123' does not match its path (it has no serial) '$L'" \
  "$A" wipe "$L" --method zero --yes --serial WD-123
mkswap -q "$L" >/dev/null 2>&1
before_swap=$(sha256sum <"$L")
if swapon "$L" 2>/dev/null; then
  swapdev=$L
  check_err "active swap" 1 "cannot wipe '$L': '$L' is active swap" "$A" wipe "$L" --method zero --yes --serial "$L"
  swapoff "$L"; swapdev=""
  check_out "... untouched" "$before_swap" sha256sum <"$L"
else
  skip "active swap" "swapon refused a loop device here"
fi
mkfs.ext4 -q -F "$L" >/dev/null 2>&1
mount -o ro,noload "$L" "$mnt"   # read-only: nothing but the wipe could change the device
before=$(sha256sum <"$L")
check_err "mounted" 1 "cannot wipe '$L': '$L' is mounted at $mnt" "$A" wipe "$L" --method zero --yes --serial "$L"
check_out "... untouched" "$before" sha256sum <"$L"
umount "$mnt"

img=$(mktemp "$T/part.XXXXXX"); truncate -s 16M "$img"
# an MBR with one Linux partition from sector 2048, 20000 sectors long
printf '\x00\x00\x00\x00\x83\x00\x00\x00\x00\x08\x00\x00\x20\x4e\x00\x00' | dd of="$img" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
P=$(losetup --find --show --partscan "$img"); _loops+=("$P")
[ -b "${P}p1" ] || partx -a "$P" 2>/dev/null   # the kernel's scan, else BLKPG
for _ in $(seq 100); do [ -b "${P}p1" ] && break; sleep 0.1; done
if [ -b "${P}p1" ]; then
  mkfs.ext4 -q -F "${P}p1" >/dev/null 2>&1
  mount -o ro,noload "${P}p1" "$mnt"
  before=$(sha256sum <"$P")
  check_err "a mounted partition" 1 "cannot wipe '$P': '$P' has a mounted partition: ${P}p1 on $mnt" \
    "$A" wipe "$P" --method zero --yes --serial "$P"
  check_out "... untouched" "$before" sha256sum <"$P"
  umount "$mnt"
else
  skip "a mounted partition" "the kernel did not create ${P}p1"
fi

img=$(mktemp "$T/ro.XXXXXX"); head -c 8M /dev/urandom >"$img"
R=$(losetup --find --show -r "$img"); _loops+=("$R")
before=$(sha256sum <"$R")
check_err "read-only" 1 "cannot wipe '$R': '$R' is read-only" "$A" wipe "$R" --method zero --yes --serial "$R"
check_out "... untouched" "$before" sha256sum <"$R"

# --- linked to the register: the medium is the loop's image file
"$A" asset add --make Dell --model "OptiPlex 7010" --serial DLL1 >/dev/null
"$A" asset add --make HP --model "ProDesk" --serial HPP1 >/dev/null
M=$(make_loop 12M)
back=$(losetup -nO BACK-FILE "$M" | sed 's/ *$//')
"$A" asset add-media TS-000001 --model "disk image" --serial "file:$back" --size 12582912 --kind hdd >/dev/null
run "$A" wipe "$M" --method zero --yes --serial "$M" --progress none
id=$(last_id)
check "the registered medium is matched without --asset" grep -q "asset TS-000001: Dell OptiPlex 7010 (serial DLL1), registered medium file:$back" <<<"$out"
check_out "... and recorded with the wipe" "TS-000001 1 erased" field "$id" '"\(.asset_tag) \(.medium_id) \(.outcome)"'
check_err "--asset naming another asset is refused" 1 "is registered in 'TS-000001', not 'TS-000002'" \
  "$A" wipe "$M" --method zero --asset TS-000002 --yes --serial "$M"
run env LD_PRELOAD="$(preload)" ASSETCTL_FAULT_PATH="$M" ASSETCTL_FAULT='w@1048576+4096' \
  "$A" wipe "$M" --method zero --yes --serial "$M" --progress none
ferr=$err
check_out "a write error on the medium: erased with exceptions, exit 1" "1 wipe $(last_id): '$M' (TS-000001) erased with exceptions" \
  echo "$rc ${out##*$'\n'}"
check "... the medium is marked for physical destruction" grep -q "the medium of '$M' is marked for physical destruction" <<<"$ferr"
check_out "... media.status destroy_required, the asset's status unchanged" "destroy_required in_stock" \
  sh -c "\"$A\" asset show TS-000001 --json | jq -r '\"\\(.media[0].status) \\(.status)\"'"
check_out "... with its audit events" "wipe.start wipe.pass-start wipe.pass wipe.end media.destroy-required" \
  sh -c "\"$A\" audit log TS-000001 --json | jq -r '[.[] | select(.action | test(\"wipe|media\")) | .action] | .[-5:] | join(\" \")'"

# --- two loop devices at once
X=$(make_loop 24M 4096); Y=$(make_loop 8M 512)
run "$A" wipe "$X" "$Y" --method is5-enhanced --yes --serial "$X" --serial "$Y" --progress none
check_out "two devices at once: both erased" "0 2" echo "$rc $(grep -c "' erased\$" <<<"$out")"
check "... their last pass verified against the records" \
  sh -c "\"$A\" wipe verify '$X' --record $(( $(last_id) - 1 )) >/dev/null && \"$A\" wipe verify '$Y' --record $(last_id) >/dev/null"
check_rc "audit verify" 0 "$A" audit verify
done_testing
