#!/usr/bin/env bash
# The scripted drive (test builds only, devices/scripted-drive.c) through the
# command line: ASSETCTL_TEST_DRIVE names a description whose target is a
# loop device this test made, and `devices DEV --json` shows what the drive
# plays: an NVMe controller with several namespaces, an ATA drive with an
# HPA (the loop's size follows the drive's current max), a frozen one, and
# a description with a mistake, named by line. Without the variable the
# same loop device is a plain loop device again.
. "$(dirname "$0")/lib.sh"
if ! need_root; then
  skip "the scripted drive on loop devices" "needs root to create loop devices"
  done_testing; exit
fi
if ! strings "$A" | grep -q ASSETCTL_TEST_DRIVE; then
  skip "the scripted drive" "not a test build (-Dtests=false)"
  done_testing; exit
fi
new_db
jqs() { jq -rc "$1"; }

loop=$(make_loop 16M)
img=$(losetup -nO BACK-FILE "$loop" | sed 's/ *$//')
describe() { # FILE KEY=VALUE...: a description of a drive over $loop
  local f=$1; shift
  { echo "target = $loop"; echo "image = $img"; printf '%s\n' "$@"; } >"$f"
  rm -f "$f.state"
}

describe "$T/nvme" "bus = nvme" "model = SCRIPTED NVME" "sanitize = crypto,block,overwrite" "format = crypto" \
  "namespaces = 2" "nn = 4" "estimate_crypto = 5"
j=$(ASSETCTL_TEST_DRIVE="$T/nvme" "$A" devices "$loop" --json)
check_out "nvme: the methods, the namespaces and the purge column" \
  '["nvme-sanitize-crypto","nvme-sanitize-block","nvme-sanitize-overwrite","nvme-format-crypto","nvme-format-user"]|2|nvme-sanitize-block|{"nvme-sanitize-crypto":5}|null' \
  jqs '[(.sanitize.methods|tojson), .sanitize.namespaces, .purge, (.sanitize.estimates|tojson), .sanitize_error] | map(tostring) | join("|")' <<<"$j"
check_out "nvme: the controller's facts and the sanitize status" '4|4|0|false' \
  jqs '[.sanitize.nvme.max_namespaces, .sanitize.nvme.fna, .sanitize.nvme.status.state, .hpa.supported] | map(tostring) | join("|")' <<<"$j"
check "the table's PURGE column" sh -c "ASSETCTL_TEST_DRIVE='$T/nvme' '$A' devices | grep '^$loop ' | grep -q ' nvme-sanitize-block\$'"

# An ATA drive with an HPA: 30000 of 32768 sectors visible. Its first use
# sets the loop's size to the current max, as the kernel would read it.
describe "$T/ata" "bus = ata" "model = SCRIPTED SSD" "sanitize = block" "security = yes" "enhanced = yes" \
  "erase_minutes = 2" "visible_sectors = 30000" "dco = yes"
ASSETCTL_TEST_DRIVE="$T/ata" "$A" devices "$loop" --json >/dev/null
check_out "ata: the loop shows the visible part" 15360000 blockdev --getsize64 "$loop"
j=$(ASSETCTL_TEST_DRIVE="$T/ata" "$A" devices "$loop" --json)
check_out "ata: methods, hpa numbers and dco" \
  '["ata-sanitize-block","ata-secure-erase","ata-secure-erase-enhanced"]|true|32768|30000|15360000|false|32768|ata-sanitize-block' \
  jqs '[(.sanitize.methods|tojson), .hpa.present, .hpa.native_max_sectors, .hpa.current_max_sectors, .size_bytes, .dco.present, .dco.factory_max_sectors, .purge] | map(tostring) | join("|")' <<<"$j"
check_out "ata: the security feature set" '{"count_expired":false,"enabled":false,"enhanced":true,"frozen":false,"locked":false,"supported":true}' \
  jq -Sc '.sanitize.ata.security' <<<"$j"

describe "$T/frozen" "bus = ata" "security = yes" "frozen = yes"
j=$(ASSETCTL_TEST_DRIVE="$T/frozen" "$A" devices "$loop" --json)
check_out "a frozen drive: purge says frozen, the method stays listed" 'frozen|true|["ata-secure-erase"]' \
  jqs '[.purge, .sanitize.frozen, (.sanitize.methods|tojson)] | map(tostring) | join("|")' <<<"$j"
check_out "... and its loop has its full size again (no HPA)" 16777216 blockdev --getsize64 "$loop"

printf 'target = %s\nimage = %s\nbus = scsi\n' "$loop" "$img" >"$T/bad"
j=$(ASSETCTL_TEST_DRIVE="$T/bad" "$A" devices "$loop" --json)
check_out "a mistake in the description is named by line, not passed to the kernel" \
  "null|scripted drive '$T/bad' line 3: bad value 'scsi' for 'bus'" jqs '[.purge, .sanitize_error] | map(tostring) | join("|")' <<<"$j"

j=$("$A" devices "$loop" --json)
check_out "without ASSETCTL_TEST_DRIVE the loop device is a loop device" 'none|[]' \
  jqs '[.purge, (.sanitize.methods|tojson)] | map(tostring) | join("|")' <<<"$j"
other=$(make_loop 1M)
j=$(ASSETCTL_TEST_DRIVE="$T/nvme" "$A" devices "$other" --json)
check_out "another loop device is not the drive" 'none' jqs '.purge' <<<"$j"
done_testing
