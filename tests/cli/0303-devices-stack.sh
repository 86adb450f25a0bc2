#!/usr/bin/env bash
# The wipe's refusal traced through device-mapper and md to the loop
# devices underneath, on a umockdev test bed (no dm or md in the kernel is
# needed): dm-7 over loop7 and md9 over loop9 and loop10; loop8 covers the
# same bytes of the image as loop7 and is mounted; loop10 covers other bytes
# of a second image than mounted loop11. Read-only: `devices DEVICE` only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-umockdev.sh"
if ! have_umockdev; then
  skip "storage stack on umockdev" "umockdev-run does not work here"
  done_testing; exit
fi
new_db
truncate -s 16M "$T/a.img"
truncate -s 32M "$T/b.img"
# loop NAME MINOR SECTORS FILE OFFSET [LINK]
loop() {
  printf 'P: /devices/virtual/block/%s\nN: %s\nE: DEVNAME=/dev/%s\nE: DEVTYPE=disk\nE: MAJOR=7\nE: MINOR=%s\nE: SUBSYSTEM=block\n' "$1" "$1" "$1" "$2"
  printf 'A: dev=7:%s\\n\nA: removable=0\\n\nA: ro=0\\n\nA: size=%s\\n\nA: loop/backing_file=%s\\n\nA: loop/offset=%s\\n\n' "$2" "$3" "$4" "$5"
  printf 'A: queue/logical_block_size=512\\n\nA: queue/physical_block_size=512\\n\nA: queue/rotational=0\\n\n'
  [ -n "${6:-}" ] && printf 'L: holders/%s=../../%s\n' "$6" "$6"
  echo
}
# virt NAME MAJOR MINOR SLAVE...
virt() {
  local n=$1 maj=$2 min=$3 s
  shift 3
  printf 'P: /devices/virtual/block/%s\nN: %s\nE: DEVNAME=/dev/%s\nE: DEVTYPE=disk\nE: MAJOR=%s\nE: MINOR=%s\nE: SUBSYSTEM=block\n' "$n" "$n" "$n" "$maj" "$min"
  printf 'A: dev=%s:%s\\n\nA: removable=0\\n\nA: ro=0\\n\nA: size=32768\\n\n' "$maj" "$min"
  printf 'A: queue/logical_block_size=512\\n\nA: queue/physical_block_size=512\\n\nA: queue/rotational=0\\n\n'
  for s; do printf 'L: slaves/%s=../../%s\n' "$s" "$s"; done
  echo
}
{
  loop loop7 7 32768 "$T/a.img" 0 dm-7
  loop loop8 8 32768 "$T/a.img" 0
  loop loop9 9 16384 "$T/b.img" 0 md9
  loop loop10 10 16384 "$T/b.img" 16777216 md9
  loop loop11 11 16384 "$T/b.img" 0
  virt dm-7 253 7 loop7
  virt md9 9 9 loop9 loop10
} >"$T/stack.umockdev"
printf 'Filename Type Size Used Priority\n' >"$T/swaps"
# stack: MOUNTED-MINORS CMD...: run CMD on the test bed with those loops mounted
stack() {
  local m=$1 i
  shift
  : >"$T/mountinfo"
  for i in $m; do echo "3$i 1 7:$i / /mnt/l$i rw,relatime shared:$i - ext4 /dev/loop$i rw" >>"$T/mountinfo"; done
  ASSETCTL_MOUNTINFO="$T/mountinfo" ASSETCTL_SWAPS="$T/swaps" umockdev-run -d "$T/stack.umockdev" -- "$@"
}
refusal() { stack "$1" "$A" devices "$2" --json | jq -r '.refusal // "none"'; }

check_out "dm over a loop whose bytes a mounted loop also covers is refused" \
  "'/dev/dm-7' shares its storage with a device in use: /dev/loop7 covers bytes 0 to 16777215 of $T/a.img, as /dev/loop8 does, and '/dev/loop8' is mounted at /mnt/l8" \
  refusal 8 /dev/dm-7
check_out "... and not when nothing is mounted" "none" refusal "" /dev/dm-7
check_out "loop8, over the bytes a held loop covers, is refused" \
  "'/dev/loop8' shares its storage with a device in use: /dev/loop8 covers bytes 0 to 16777215 of $T/a.img, as /dev/loop7 does, and '/dev/loop7' is held by dm-7 (device-mapper/LVM/RAID)" \
  refusal "" /dev/loop8
check_out "md over two loops: the one overlapping a mounted loop is found" \
  "'/dev/md9' shares its storage with a device in use: /dev/loop9 covers bytes 0 to 8388607 of $T/b.img, as /dev/loop11 does, and '/dev/loop11' is mounted at /mnt/l11" \
  refusal 11 /dev/md9
check_out "loop11 mounted: loop10's other half of the file is not in conflict with it" \
  "'/dev/loop10' is held by md9 (device-mapper/LVM/RAID)" refusal 11 /dev/loop10
done_testing
