# Part 4: drive and USB detection (issue 5).
say "Before anything is wiped, the tool must say exactly which drive it sees and which registered asset it belongs to. 'devices' lists every drive this machine can see, with its identity (model, serial, WWN), size, bus, how it is in use, and the asset it matches."
step devices
pause

if [ "$(id -u)" -eq 0 ] && command -v losetup >/dev/null 2>&1; then
  say "An old laptop is leaving the school. Its drive goes into a USB dock; here a loop device over the demo's image file stands in for it. The watch mode reports drives as they arrive (the udev monitor when udevd runs, kernel uevents when it does not):"
  show devices --watch --count 1 --timeout 10
  "$A" devices --watch --count 1 --timeout 10 &
  demo_watch=$!
  sleep 0.5
  DEMO_LOOP=$(losetup --find --show "$DEMO_IMG")
  # the size can show as 0 for a moment after attaching on a busy machine
  for _ in $(seq 50); do [ "$(cat "/sys/block/${DEMO_LOOP#/dev/}/size" 2>/dev/null || echo 0)" != 0 ] && break; sleep 0.1; done
  # Detach when the demo ends, after the later parts (the wipe part uses it),
  # and then do whatever the demo's own exit trap did.
  demo_prev_trap=$(trap -p EXIT | sed "s/^trap -- '//; s/' EXIT\$//")
  # shellcheck disable=SC2064
  trap "losetup -d '$DEMO_LOOP' 2>/dev/null; $demo_prev_trap" EXIT
  echo "$DEMO_LOOP" >"$DEMO_DIR/loopdev"
  export DEMO_LOOP
  wait "$demo_watch" || true
  pause

  say "Register the laptop, then record its drive straight from the device: model, serial, size, kind and WWN come from udev, nothing is typed. (A loop device has no serial of its own: it is recorded by its image file.)"
  show asset add --make Toshiba --model "Satellite Pro R50" --serial 6F123456Q --name "old laptop to dispose of" --category laptop --location "ICT Office" --personal-data
  demo_tag=$("$A" asset add --make Toshiba --model "Satellite Pro R50" --serial 6F123456Q --name "old laptop to dispose of" \
    --category laptop --location "ICT Office" --personal-data)
  echo "$demo_tag"
  step asset add-media "$demo_tag" --from "$DEMO_LOOP" --kind hdd
  say "Now the listing names the asset the drive belongs to, and shows whether it is safe to overwrite:"
  step devices
  step devices "$DEMO_LOOP"
  step asset show "$demo_tag"
  pause

  # The firmware's own purge (issue 11), on the scripted drive of a test
  # build: a loop device over a second image plays an NVMe SSD.
  if grep -qa ASSETCTL_TEST_DRIVE "$A"; then
    say "For an SSD or NVMe drive, overwriting cannot reach the spare and remapped blocks: the drive's own sanitize or secure erase is the Purge NIST SP 800-88 asks for. 'devices' asks each drive which of these its firmware offers (NVMe Identify and the Sanitize Status log, ATA IDENTIFY, SCSI REPORT SUPPORTED OPERATION CODES), and the PURGE column names the strongest, or 'frozen', or 'none'."
    say "No NVMe drive is plugged into this demo machine, so this build (a test build) lets a SCRIPTED DRIVE stand in: a loop device over a second image file answers the NVMe admin commands the way the specification lays them out, and changes the image as the real command would. It is a stand-in for the tests, not an emulator of any real drive, and a release build does not contain it."
    DEMO_SSD_IMG="$DEMO_DIR/nvme-ssd.img"
    truncate -s 32M "$DEMO_SSD_IMG"
    DEMO_SSD=$(losetup --find --show "$DEMO_SSD_IMG")
    # flash, as the kernel would say of an SSD
    echo 0 >"/sys/block/${DEMO_SSD#/dev/}/queue/rotational" 2>/dev/null || true
    # detached at the end with part 4's loop; part 7 restores the trap from
    # demo_prev_trap when it detaches that one early, so it goes there too
    demo_prev_trap="losetup -d '$DEMO_SSD' 2>/dev/null; $demo_prev_trap"
    # shellcheck disable=SC2064
    trap "losetup -d '$DEMO_LOOP' 2>/dev/null; $demo_prev_trap" EXIT
    cat >"$DEMO_DIR/nvme-ssd.drive" <<DRIVE
# the scripted drive: an NVMe SSD with sanitize (crypto erase, block erase) and format
target = $DEMO_SSD
image = $DEMO_SSD_IMG
bus = nvme
model = DEMO NVME SSD 32M
serial = DEMO-NVME-0001
sanitize = crypto,block
format = crypto
estimate_crypto = 2
estimate_block = 30
polls = 4
DRIVE
    echo "$DEMO_SSD" >"$DEMO_DIR/ssd-loopdev"
    export DEMO_SSD DEMO_SSD_DRIVE="$DEMO_DIR/nvme-ssd.drive"
    printf '\n$ export ASSETCTL_TEST_DRIVE=%s   # the test build only\n' "$DEMO_SSD_DRIVE"
    ASSETCTL_TEST_DRIVE=$DEMO_SSD_DRIVE step devices
    say "The facts behind the column, as '--json' gives them: the methods, the drive's own time estimates, the namespaces, and whether a format would erase them all:"
    show devices "$DEMO_SSD" --json
    ASSETCTL_TEST_DRIVE=$DEMO_SSD_DRIVE "$A" devices "$DEMO_SSD" --json |
      if command -v jq >/dev/null 2>&1; then jq '{purge, sanitize: (.sanitize | {methods, frozen, estimates, namespaces, bus, format_all_namespaces: .nvme.format_all_namespaces}), hpa}'; else cat; fi
    pause
  else
    say "(This assetctl is a release build: it has no scripted drive, so the part that shows the PURGE column and a firmware sanitize on a stand-in NVMe drive is skipped. A real NVMe or SATA SSD shows its methods in 'devices' the same way.)"
  fi
else
  say "(Not running as root: skipping the part that attaches the demo image as a loop device and registers it as a laptop's drive. Run 'sudo assetctl demo' to see it.)"
fi

say "School policy forbids unapproved USB devices. 'usb' lists what is plugged in, with vendor and product, serial and class, and whether the serial is on the register; '--unregistered' lists only the unknown ones and exits 1 if there are any, for a stock-take script."
step usb
step_may_fail usb --unregistered
pause
