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
else
  say "(Not running as root: skipping the part that attaches the demo image as a loop device and registers it as a laptop's drive. Run 'sudo assetctl demo' to see it.)"
fi

say "School policy forbids unapproved USB devices. 'usb' lists what is plugged in, with vendor and product, serial and class, and whether the serial is on the register; '--unregistered' lists only the unknown ones and exits 1 if there are any, for a stock-take script."
step usb
step_may_fail usb --unregistered
pause
