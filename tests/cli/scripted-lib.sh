# Helpers for the firmware-wipe scenarios on the scripted drive (06xx);
# source after lib.sh. The scripted drive exists only in a test build
# (devices/scripted-drive.c); each scenario needs root for its loop device.
#
#   sd_need                    skip the script (and exit) without root or a test build
#   sd_loop SIZE               a non-rotational loop device over a new image of
#                              random bytes: sets SD_LOOP and SD_IMG
#   sd_drive NAME KEY=VALUE... a description $T/NAME.drive of a drive over
#                              SD_LOOP (fresh state): sets SD_DRIVE
#   sd_fill BYTE               fill the image with BYTE (hex, "random")
#   sd_run CMD...              run assetctl CMD with the drive (and fast polls)
#   sd_wipe METHOD ARGS...     sd_run wipe SD_LOOP --method METHOD, confirmed
#   sd_state KEY               a value of the drive's state file
#   sd_image_is BYTE           every byte of the image is BYTE (hex)
#   last_is RC TEXT            the last `run` exited RC and its stderr has TEXT

sd_need() {
  if ! need_root; then
    skip "firmware wipes on the scripted drive" "needs root to create loop devices"
    done_testing; exit
  fi
  if ! grep -qa ASSETCTL_TEST_DRIVE "$A"; then
    skip "firmware wipes on the scripted drive" "not a test build (-Dtests=false)"
    done_testing; exit
  fi
}

sd_loop() {
  SD_LOOP=$(make_loop "$1") || return 1
  SD_IMG=$(losetup -nO BACK-FILE "$SD_LOOP" | sed 's/ *$//')
  # the drives played are flash: the kernel says so of the loop as it
  # would of an SSD (the medium kind the wipe records comes from here)
  echo 0 >"/sys/block/${SD_LOOP#/dev/}/queue/rotational"
  sd_fill random
}

sd_drive() {
  SD_DRIVE="$T/$1.drive"; shift
  { echo "target = $SD_LOOP"; echo "image = $SD_IMG"; printf '%s\n' "$@"; } >"$SD_DRIVE"
  rm -f "$SD_DRIVE.state"
}

sd_fill() {
  local size
  size=$(stat -c %s "$SD_IMG")
  blockdev --flushbufs "$SD_LOOP" 2>/dev/null
  if [ "$1" = random ]; then
    head -c "$size" /dev/urandom >"$SD_IMG"
  else
    head -c "$size" /dev/zero | tr '\0' "\\$(printf '%03o' "0x$1")" >"$SD_IMG"
  fi
  blockdev --flushbufs "$SD_LOOP" 2>/dev/null
  return 0
}

sd_run() { ASSETCTL_TEST_DRIVE=$SD_DRIVE ASSETCTL_TEST_POLL_MS=5 "$A" "$@"; }

sd_wipe() {
  local m=$1; shift
  sd_run wipe "$SD_LOOP" --method "$m" --yes --serial "$SD_LOOP" --progress none "$@"
}

sd_state() { sed -n "s/^$1 //p" "$SD_DRIVE.state"; }

sd_image_is() {
  local size
  size=$(stat -c %s "$SD_IMG")
  head -c "$size" /dev/zero | tr '\0' "\\$(printf '%03o' "0x$1")" | cmp -s - "$SD_IMG"
}

last_is() { [ "$rc" -eq "$1" ] && [[ "$err" == *"$2"* ]]; }
