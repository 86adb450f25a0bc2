#!/usr/bin/env bash
# devices --watch on real loop devices this test attaches and detaches
# (root only): the kernel uevent source, arrival and departure lines with the
# register match, JSON, --count/--timeout, and a clean stop on SIGINT/SIGTERM.
# Other loop devices may come and go meanwhile (other tests): the checks look
# for this test's own device.
. "$(dirname "$0")/lib.sh"
new_db
check_err "--timeout must be a number" 2 "--timeout 'soon' is not a number of seconds" "$A" devices --watch --timeout soon
if ! need_root; then
  skip "devices --watch on loop devices" "needs root to create loop devices"
  done_testing; exit
fi

# wait_for FILE PATTERN: up to 60 s for a line matching PATTERN (a loaded
# machine is slow; a passing run does not wait that long).
wait_for() {
  local i
  for i in $(seq 600); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

img="$T/laptop.img"
truncate -s 64M "$img"
"$A" asset add --make Toshiba --model "Satellite Pro" --serial TOSH1 --category laptop >/dev/null
"$A" asset add-media TS-000001 --model "disk image" --serial "file:$img" --size 67108864 --kind hdd >/dev/null

if [ -e /run/udev/control ]; then
  want_source="the udev monitor (udevd is running)"
else
  want_source="kernel uevents (udevd is not running)"
fi
"$A" devices --watch >"$T/w.out" 2>"$T/w.err" &
pid=$!
check "says which source it uses" wait_for "$T/w.out" "^watching for drives through $want_source; stop with Ctrl-C\$"
dev=$(losetup --find --show "$img") && _loops+=("$dev")
check "sees the loop device arrive, matched to its asset" \
  wait_for "$T/w.out" "^arrived $dev: image $img, 67.1 MB, loop [a-z]* -> asset TS-000001 (medium, by serial)\$"
losetup -d "$dev"
check "sees it leave" wait_for "$T/w.out" "^left $dev: image $img, 67.1 MB, loop [a-z]* -> asset TS-000001 (medium, by serial)\$"
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT stops it cleanly (exit 0, nothing on stderr)" test "$rc" = 0 -a ! -s "$T/w.err"

# The kernel source asked for by name, JSON lines, stopped by SIGTERM.
"$A" devices --watch --source kernel --json >"$T/j.out" 2>"$T/j.err" &
pid=$!
check "JSON: the first object names the source" wait_for "$T/j.out" '^{"event":"watching","source":"kernel"}$'
dev=$(losetup --find --show "$img") && _loops+=("$dev")
check "JSON: arrival" wait_for "$T/j.out" "^{\"event\":\"arrived\",\"time\":\"[0-9T:Z-]*\",\"device\":{\"name\":\"${dev#/dev/}\",\"devnode\":\"$dev\",.*\"backing_file\":\"$img\",.*\"asset_tag\":\"TS-000001\""
losetup -d "$dev"
check "JSON: departure" wait_for "$T/j.out" "^{\"event\":\"left\",.*\"devnode\":\"$dev\",.*\"matched_by\":\"serial\""
kill -TERM "$pid"
wait "$pid"
rc=$?
check "SIGTERM stops it cleanly" test "$rc" = 0 -a ! -s "$T/j.err"

# --count stops after that many events; --timeout bounds the wait.
"$A" devices --watch --count 1 --timeout 120 >"$T/c.out" 2>&1 &
pid=$!
check "--count 1: watching" wait_for "$T/c.out" "^watching"
dev=$(losetup --find --show "$img") && _loops+=("$dev")
wait "$pid"
rc=$?
check "--count 1: exits 0 after one event line" test "$rc" = 0 -a "$(grep -c -E '^(arrived|left) ' "$T/c.out")" = 1
losetup -d "$dev"
check_rc "--timeout alone: exits 0 when the time is up" 0 "$A" devices --watch --timeout 1
check_err "--timeout before --count was reached: exit 1" 1 "error: timed out after 1 s with " \
  "$A" devices --watch --count 100000 --timeout 1
done_testing
