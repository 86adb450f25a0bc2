#!/usr/bin/env bash
# A WWN is not always the 18-character NAA form: an NVMe namespace's WWID
# (sysfs "wwid", e.g. "eui." + 64 hex digits or "nvme.VVVV-SERIAL-MODEL-NSID")
# runs to 74 characters and more. add-media, the register import and the
# certificate schema take up to 256; longer is refused, not cut.
. "$(dirname "$0")/lib.sh"
export ASSETCTL_NOW=2026-01-05T09:00:00Z
cd "$T"
new_db
WWID=nvme.1b36-64656164626565662d31323334-51454d55204e564d65204374726c-00000001
check "the WWID is 74 characters" [ ${#WWID} -eq 74 ]
"$A" asset add --make Dell --model "Latitude 5420" --serial ABC123 >/dev/null
check_rc "add-media takes a 74-character WWID" 0 \
  "$A" asset add-media TS-000001 --model "QEMU NVMe Ctrl" --serial deadbeef-1234 --size 67108864 --kind nvme --wwn "$WWID"
check_out "the register keeps it whole" "$WWID" db_sql "SELECT wwn FROM media WHERE serial = 'deadbeef-1234'"
LONG=$(printf 'w%.0s' $(seq 257))
check_err "a 257-character WWN is refused" 1 "wwn" \
  "$A" asset add-media TS-000001 --model M --serial S2 --size 1 --kind ssd --wwn "$LONG"
"$A" asset export --format json -o assets.json
new_db 2
check_out "the register import takes it back" "assets.json: 1 asset added" "$A" asset import assets.json
check_out "whole after the round trip" "$WWID" db_sql "SELECT wwn FROM media WHERE serial = 'deadbeef-1234'"
done_testing
