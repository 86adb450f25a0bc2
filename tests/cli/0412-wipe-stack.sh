#!/usr/bin/env bash
# Wipe safety through the storage stack, on image files and loop devices
# this test creates: a file behind a loop device (mounted or not), an active
# swap file and a file another process writes to are refused as image
# files; a loop device over the same bytes of a file as a mounted, swap or
# held loop device is refused, one over other bytes of it is not. Every
# refusal leaves the bytes untouched. Needs root; touches only its own files.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
if ! need_root; then
  skip "wipe safety through backing files" "needs root (loop devices)"
  done_testing; exit
fi
new_db
mnt="$T/mnt"
mkdir -p "$mnt"
swapfile="" holder=""
teardown() {
  umount "$mnt" 2>/dev/null
  [ -n "$swapfile" ] && swapoff "$swapfile" 2>/dev/null
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  cleanup
}
trap teardown EXIT
. "$(dirname "$0")/wipe-lib.sh"

# F: 32 MiB; L1 covers its first 16 MiB and is mounted (read-only, so that
# nothing but a wipe could change it)
F="$T/stack.img"
head -c 32M /dev/urandom >"$F"
L1=$(losetup --find --show --sizelimit 16M "$F") || { _not_ok "a loop device over the image" "losetup failed"; done_testing; exit; }
_loops+=("$L1"); echo "$L1" >>"$T/.loops"
mkfs.ext4 -q -F "$L1" >/dev/null 2>&1
mount -o ro,noload "$L1" "$mnt"
before=$(sha256sum <"$F")
check_err "a file behind a mounted loop device is not wiped as an image file" 1 \
  "cannot wipe '$F': '$F' backs loop device $L1 (detach it first: losetup -d $L1)" \
  "$A" wipe "$F" --method zero --yes --serial "$F"
# a second loop over the same bytes, and one overlapping them by 1 MiB
L2=$(losetup --find --show --sizelimit 16M "$F"); _loops+=("$L2"); echo "$L2" >>"$T/.loops"
check_err "a loop device over the same bytes as a mounted one is refused" 1 \
  "cannot wipe '$L2': '$L2' shares its storage with a device in use: $L2 covers bytes 0 to 16777215 of $F, as $L1 does, and '$L1' is mounted at $mnt" \
  "$A" wipe "$L2" --method zero --yes --serial "$L2"
L3=$(losetup --find --show --offset 15M --sizelimit 8M "$F"); _loops+=("$L3"); echo "$L3" >>"$T/.loops"
check_err "a loop device over an overlapping range is refused" 1 \
  "cannot wipe '$L3': '$L3' shares its storage with a device in use: $L3 covers bytes 15728640 to 24117247 of $F, as $L1 does, and '$L1' is mounted at $mnt" \
  "$A" wipe "$L3" --method zero --yes --serial "$L3"
check_out "... the file is untouched" "$before" sha256sum <"$F"
losetup -d "$L2" "$L3"
# a loop over the other half of the file touches nothing L1 uses: wiped
L4=$(losetup --find --show --offset 16M "$F"); _loops+=("$L4"); echo "$L4" >>"$T/.loops"
fs_before=$(head -c 16M "$F" | sha256sum)
run "$A" wipe "$L4" --method zero --yes --serial "$L4" --progress none
check_out "a loop device over bytes no mounted device uses is wiped" "0 wipe $(last_id): '$L4' erased" echo "$rc ${out##*$'\n'}"
check_out "... the mounted half is untouched" "$fs_before" sh -c "head -c 16M '$F' | sha256sum"
check "... the other half is zero" cmp -n 16777216 <(tail -c 16M "$F") /dev/zero
losetup -d "$L4"
umount "$mnt"
# not mounted, but still behind a loop device: refused all the same
check_err "a file behind an unused loop device is refused too" 1 "'$F' backs loop device $L1" \
  "$A" wipe "$F" --method zero --yes --serial "$F"
losetup -d "$L1"
run "$A" wipe "$F" --method zero --yes --serial "$F" --progress none
check_out "once detached, the file is wiped as an image" "0 wipe $(last_id): '$F' erased" echo "$rc ${out##*$'\n'}"

# held: a loop device whose range another loop device over the same file
# shares, while the first is active swap. "Untouched" is the swap's first
# page (mkswap's header, which the kernel never writes while it swaps, and
# where a wipe begins): the rest is the kernel's to page out into, and it
# did under memory pressure
swap_head() { head -c 4096 "$1" | sha256sum; }
S="$T/swap.img"
truncate -s 16M "$S"
SL=$(losetup --find --show "$S"); _loops+=("$SL"); echo "$SL" >>"$T/.loops"
mkswap -q "$SL" >/dev/null 2>&1
if swapon "$SL" 2>/dev/null; then
  swapfile=$SL
  S2=$(losetup --find --show "$S"); _loops+=("$S2"); echo "$S2" >>"$T/.loops"
  before=$(swap_head "$S")
  check_err "a loop device over the file of active swap on a loop device is refused" 1 \
    "'$S2' shares its storage with a device in use: $S2 covers bytes 0 to 16777215 of $S, as $SL does, and '$SL' is active swap" \
    "$A" wipe "$S2" --method zero --yes --serial "$S2"
  check_out "... untouched" "$before" swap_head "$S"
  swapoff "$SL"; swapfile=""
  losetup -d "$S2"
else
  skip "a loop device over the file of active swap" "swapon refused a loop device here"
fi
losetup -d "$SL"

# an active swap file (no loop device): refused as an image, and a loop
# device over it too
W="$T/swapfile"
dd if=/dev/zero of="$W" bs=1M count=16 status=none
chmod 600 "$W"
mkswap -q "$W" >/dev/null 2>&1
if swapon "$W" 2>/dev/null; then
  swapfile=$W
  before=$(swap_head "$W")
  check_err "an active swap file is not wiped as an image file" 1 "cannot wipe '$W': '$W' is an active swap file" \
    "$A" wipe "$W" --method zero --yes --serial "$W"
  # the kernel lets a read-only loop device over it be set up
  if WL=$(losetup --find --show -r "$W" 2>/dev/null); then
    _loops+=("$WL"); echo "$WL" >>"$T/.loops"
    check_err "a loop device over an active swap file is refused" 1 \
      "cannot wipe '$WL': '$WL' shares its storage with a device in use: $WL is backed by $W, an active swap file" \
      "$A" wipe "$WL" --method zero --yes --serial "$WL"
    losetup -d "$WL"
  else
    skip "a loop device over an active swap file" "losetup refused"
  fi
  check_out "... untouched" "$before" swap_head "$W"
  swapoff "$W"; swapfile=""
else
  skip "an active swap file" "swapon refused a swap file on this file system"
fi

# open for writing by another process: refused; open for reading: wiped
O="$T/open.img"
head -c 4M /dev/urandom >"$O"
sleep 300 >>"$O" & holder=$!
for _ in $(seq 100); do [ -e "/proc/$holder/fd/1" ] && break; sleep 0.1; done
before=$(sha256sum <"$O")
check_err "a file another process has open for writing is refused" 1 "cannot wipe '$O': '$O' is open for writing by process $holder (sleep)" \
  "$A" wipe "$O" --method zero --yes --serial "$O"
check_out "... untouched" "$before" sha256sum <"$O"
kill "$holder"; wait "$holder" 2>/dev/null; holder=""
sleep 300 <"$O" & holder=$!
for _ in $(seq 100); do [ -e "/proc/$holder/fd/0" ] && break; sleep 0.1; done
run "$A" wipe "$O" --method zero --yes --serial "$O" --progress none
check_out "a file open only for reading elsewhere is wiped" "0 wipe $(last_id): '$O' erased" echo "$rc ${out##*$'\n'}"
kill "$holder"; wait "$holder" 2>/dev/null; holder=""
check_rc "audit verify" 0 "$A" audit verify
done_testing
