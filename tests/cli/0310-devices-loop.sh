#!/usr/bin/env bash
# devices on real loop devices this test creates (root only): size and
# sector size (512 and 4096), a mounted device and a mounted partition,
# read-only, recording a loop device as an asset's drive and matching it.
. "$(dirname "$0")/lib.sh"
if ! need_root; then
  skip "devices on loop devices" "needs root to create loop devices"
  done_testing; exit
fi
trap 'umount "$T/mnt" 2>/dev/null; umount "$T/mnt2" 2>/dev/null; cleanup' EXIT
new_db
mkdir -p "$T/mnt" "$T/mnt2"

# name,devnode,size_bytes,size,logical,physical,bus,removable,read_only,partition,parent,mounts,swap,holders,system,backing_file,refusal
fields() { "$A" devices "$1" --csv | tail -1 | cut -d, -f1,2,9-13,16-25,26; }

l512=$(make_loop 64M 512)
img512=$(losetup -nO BACK-FILE "$l512" | sed 's/ *$//')
n=${l512#/dev/}
check_out "512-byte sectors: listed with size, sectors, bus and image" \
  "$n,$l512,67108864,67.1 MB,512,512,loop,no,no,no,,,no,,no,,$img512," fields "$l512"
l4k=$(make_loop 64M 4096)
img4k=$(losetup -nO BACK-FILE "$l4k" | sed 's/ *$//')
check_out "4096-byte sectors" "${l4k#/dev/},$l4k,67108864,67.1 MB,4096,4096,loop,no,no,no,,,no,,no,,$img4k," fields "$l4k"
# What its firmware offers (issue 11): a loop device answers no NVMe, ATA
# or SCSI command, so no firmware method, no HPA, no DCO.
check_out "--json: sanitize, hpa, dco and purge for a loop device" \
  '{"methods":[],"frozen":false,"bus":null}|false|false|none|null' \
  sh -c "\"\$0\" devices \"\$1\" --json | jq -rc '[(.sanitize | {methods, frozen, bus} | tojson), .hpa.present, .dco.present, .purge, .sanitize_error] | map(tostring) | join(\"|\")'" "$A" "$l512"
check "the table's PURGE column says none" sh -c "\"$A\" devices | grep '^$l512 ' | grep -q ' none\$'"
check "both in the listing" sh -c "\"$A\" devices --csv | grep -q '^$n,$l512,' && \"$A\" devices --csv | grep -q '^${l4k#/dev/},$l4k,'"

# A mounted loop device.
if command -v mkfs.ext4 >/dev/null 2>&1; then
  mkfs.ext4 -q -F "$l512" >/dev/null 2>&1 && mount "$l512" "$T/mnt"
  check_out "a mounted loop device is reported mounted" \
    "$n,$l512,67108864,67.1 MB,512,512,loop,no,no,no,,$l512 on $T/mnt,no,,no,,$img512,'$l512' is mounted at $T/mnt" fields "$l512"
  check "the table says mounted" sh -c "\"$A\" devices | grep '^$l512 ' | grep -q ' mounted '"
  umount "$T/mnt"
  check_out "unmounted again: free" "$n,$l512,67108864,67.1 MB,512,512,loop,no,no,no,,,no,,no,,$img512," fields "$l512"

  # A partition (added with BLKPG, as addpart does: any kernel) mounted.
  pimg="$T/parted.img"
  truncate -s 64M "$pimg"
  lp=$(losetup --find --show --partscan "$pimg") && _loops+=("$lp")
  if addpart "$lp" 1 2048 65536 2>/dev/null && for i in $(seq 300); do [ -b "${lp}p1" ] && break; sleep 0.1; done && [ -b "${lp}p1" ]; then
    mkfs.ext4 -q -F "${lp}p1" >/dev/null 2>&1 && mount "${lp}p1" "$T/mnt2"
    check_out "a partition mounted: the disk refuses, naming it" \
      "${lp#/dev/},$lp,67108864,67.1 MB,512,512,loop,no,no,no,,${lp}p1 on $T/mnt2,no,,no,,$pimg,'$lp' has a mounted partition: ${lp}p1 on $T/mnt2" fields "$lp"
    check_out "--all lists the partition after its disk" "$lp
${lp}p1" sh -c "\"$A\" devices --all --csv | cut -d, -f2 | grep -F '$lp'"
    check_out "the partition itself" \
      "${lp#/dev/}p1,${lp}p1,33554432,33.6 MB,512,512,loop,no,no,yes,${lp#/dev/},${lp}p1 on $T/mnt2,no,,no,,$pimg,'${lp}p1' is mounted at $T/mnt2" fields "${lp}p1"
    umount "$T/mnt2"
  else
    skip "a mounted partition" "cannot add a partition to a loop device here (addpart/BLKPG)"
  fi
else
  skip "a mounted loop device" "mkfs.ext4 (e2fsprogs) is not installed"
fi

# Read-only.
rimg="$T/ro.img"
truncate -s 8M "$rimg"
lro=$(losetup --find --show --read-only "$rimg") && _loops+=("$lro")
check_out "a read-only loop device" "${lro#/dev/},$lro,8388608,8.4 MB,512,512,loop,no,yes,no,,,no,,no,,$rimg,'$lro' is read-only" fields "$lro"

# Recorded as an asset's drive: the image stands for the drive.
"$A" asset add --make Toshiba --model "Satellite Pro" --serial TOSH1 --category laptop >/dev/null
check_out "add-media --from a loop device" "TS-000001: added hdd disk image (file:$img512)" \
  "$A" asset add-media TS-000001 --from "$l512" --kind hdd
check_out "and it matches" "$l512,TS-000001,serial,file:$img512" \
  sh -c "\"$A\" devices --csv | grep '^$n,' | cut -d, -f2,27-"
# Detach and wait until the kernel has let go of the image (detaching is
# deferred while anything still has the device open).
losetup -d "$l512"
bf=/sys/block/${l512#/dev/}/loop/backing_file
for _ in $(seq 300); do [ -e "$bf" ] || break; sleep 0.1; done
if [ -e "$bf" ]; then
  skip "a loop device without an image is not a drive" "$l512 still had a backing file ($(cat "$bf" 2>/dev/null)) after 30 s"
else
  check_err "a loop device without an image is not a drive" 1 "cannot add storage to 'TS-000001': '$l512' has no medium" \
    "$A" asset add-media TS-000001 --from "$l512"
fi
done_testing
