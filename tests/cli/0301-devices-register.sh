#!/usr/bin/env bash
# Recording drives from udev (asset add-media --from, devices --register) and
# matching drives to the register (medium serial, WWN, asset serial), under
# umockdev.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-umockdev.sh"
new_db
if ! have_umockdev; then
  skip "registering drives under umockdev" "umockdev-run does not work here (is umockdev installed?)"
  done_testing; exit
fi
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 --category laptop >/dev/null
"$A" asset add --make HP --model "ProDesk 400" --serial P1 --category desktop >/dev/null

check_out "add-media --from reads model, serial, size, kind and WWN" \
  "TS-000001: added ssd Samsung SSD 860 EVO 500GB (S3Z1NB0K123456A)" \
  umock sata-ssd "$A" asset add-media TS-000001 --from /dev/sdb
check_out "the medium recorded as udev sees it" "ssd|Samsung SSD 860 EVO 500GB|S3Z1NB0K123456A|500107862016|0x5002538e40a1b2c3|fitted" \
  db_sql "SELECT kind, model, serial, size_bytes, wwn, status FROM media"
check_err "a partition is refused, naming the whole drive" 1 \
  "error: cannot add storage to 'TS-000001': '/dev/sdb1' is a partition: give the whole drive, /dev/sdb" \
  umock sata-ssd "$A" asset add-media TS-000001 --from /dev/sdb1
check_err "the same drive twice is refused" 1 \
  "error: cannot add storage to 'TS-000002': medium with serial 'S3Z1NB0K123456A' is already registered in 'TS-000001'" \
  umock sata-ssd "$A" asset add-media TS-000002 --from /dev/sdb
check_out "behind a USB bridge the drive's serial is recorded, not the bridge's" \
  "TS-000002: added ssd Samsung SSD 860 EVO 500G (S3Z9NB0K654321X)" \
  umock usb-sata-bridge "$A" asset add-media TS-000002 --from /dev/sdc
check_out "NVMe without udev properties: from sysfs; options override" \
  "TS-000002: added hdd Samsung SSD 970 EVO Plus 1TB (S4EWNX0R123456K)" \
  umock nvme "$A" asset add-media TS-000002 --from /dev/nvme0n1 --kind hdd
check_err "--from an unknown device" 1 "error: cannot add storage to 'TS-000002': cannot open '/dev/sdq': no such device" \
  umock sata-hdd "$A" asset add-media TS-000002 --from /dev/sdq

# A medium typed in by hand with the WWN of sda (in other case) matches by WWN.
"$A" asset add-media TS-000002 --model "WD Blue 1TB" --serial TYPO-123 --size 1000204886016 --kind hdd \
  --wwn 0x50014EE2B5E4A1C7 >/dev/null
check_err "a drive already registered by WWN is refused" 1 \
  "medium with WWN '0x50014ee2b5e4a1c7' is already registered in 'TS-000002'" \
  umock sata-hdd "$A" asset add-media TS-000001 --from /dev/sda
# A USB stick registered as an asset in its own right.
"$A" asset add --make SanDisk --model "Cruzer Blade" --serial 4c530001230518109164 --category usb-stick >/dev/null
check_out "matches: medium serial, WWN, asset serial, none" "name,asset_tag,matched_by,medium_serial
nvme0n1,TS-000002,serial,S4EWNX0R123456K
sda,TS-000002,wwn,TYPO-123
sdb,TS-000001,serial,S3Z1NB0K123456A
sdb1,TS-000001,serial,S3Z1NB0K123456A
sdb2,TS-000001,serial,S3Z1NB0K123456A
sdc,TS-000002,serial,S3Z9NB0K654321X
sdd,TS-000003,asset serial,
sde,,,
sde1,,,
sde2,,," sh -c "umockdev-run $(for n in nvme sata-hdd sata-ssd usb-sata-bridge usb-stick partitioned-mounted; do printf -- '-d %s ' "$UMOCK_DATA/$n.umockdev"; done) -- \"$A\" devices --all --csv | cut -d, -f1,27-"
check "the table names the asset" \
  test "$(umock usb-sata-bridge "$A" devices | sed -n 2p | sed 's/  */ /g')" = "/dev/sdc 500 GB 512/4096 usb ssd Samsung SSD 860 EVO 500G S3Z9NB0K654321X (bridge 000000123ABC) free TS-000002 none"

# devices --register: the drive just plugged in.
new_db 2
"$A" asset add --make Dell --model "Latitude 5420" --serial L1 >/dev/null
"$A" asset add --make Dell --model "Latitude 5420" --serial L2 >/dev/null
check_err "two new USB drives that arrived together: refused with the list" 1 \
  "error: cannot register a drive in 'TS-000001': cannot tell which drive was just plugged in: /dev/sdc (Samsung SSD 860 EVO 500G, 500 GB, serial S3Z9NB0K654321X), /dev/sdd (SanDisk Cruzer Blade, 16.0 GB, serial 4C530001230518109164); unplug the others or use 'asset add-media TAG --from DEVICE'" \
  umock "sata-hdd usb-sata-bridge usb-stick" "$A" devices --register TS-000001
# The stick plugged in a minute and a half after the bridge: udev's times tell.
sed 's/USEC_INITIALIZED=9500000/USEC_INITIALIZED=99500000/' "$UMOCK_DATA/usb-stick.umockdev" >"$T/late-stick.umockdev"
check_out "the newest when udev's times set it clearly apart" \
  "taking /dev/sdd: SanDisk Cruzer Blade, 16.0 GB, usb flash, serial 4C530001230518109164 -> not registered (the most recently plugged in of 2 unregistered removable or USB drives)
TS-000001: added flash SanDisk Cruzer Blade (4C530001230518109164)" \
  umockdev-run -d "$UMOCK_DATA/usb-sata-bridge.umockdev" -d "$T/late-stick.umockdev" -- "$A" devices --register ts-000001
check_out "the only unregistered one" \
  "taking /dev/sdc: Samsung SSD 860 EVO 500G, 500 GB, usb ssd, serial S3Z9NB0K654321X (bridge 000000123ABC) -> not registered (the only unregistered removable or USB drive)
TS-000002: added ssd Samsung SSD 860 EVO 500G (S3Z9NB0K654321X)" \
  umock "sata-hdd usb-sata-bridge usb-stick" "$A" devices --register TS-000002
check_err "nothing new plugged in" 1 \
  "error: cannot register a drive in 'TS-000002': no unregistered removable or USB drive is plugged in (the ones plugged in are registered already)" \
  umock "sata-hdd usb-sata-bridge usb-stick" "$A" devices --register TS-000002
check_err "internal drives are not candidates" 1 \
  "error: cannot register a drive in 'TS-000002': no unregistered removable or USB drive is plugged in" \
  umock "sata-hdd nvme" "$A" devices --register TS-000002
check_err "--register with other options is a usage error" 2 "--register takes only the asset tag" \
  "$A" devices --register TS-000002 --all
check_rc "audit verify after it all" 0 "$A" audit verify
done_testing
