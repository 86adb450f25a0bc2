#!/usr/bin/env bash
# devices under umockdev: every field of each hand-written description
# (tests/data/umockdev/*.umockdev) as the CSV listing prints it, the table,
# one drive in full, and the refusals the wipe will give.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-umockdev.sh"
new_db
if ! have_umockdev; then
  skip "devices under umockdev" "umockdev-run does not work here (is umockdev installed?)"
  done_testing; exit
fi

H='name,devnode,by_id,vendor,model,serial,bridge_serial,wwn,size_bytes,size,logical_sector,physical_sector,bus,kind,rotational,removable,read_only,partition,parent,mounts,swap,holders,system,system_use,backing_file,refusal,asset_tag,matched_by,medium_serial'

check_out "sata-hdd: every field" "$H
sda,/dev/sda,/dev/disk/by-id/ata-WDC_WD10EZEX-08WN4A0_WD-WCC6Y3HJ2KX4,,WDC WD10EZEX-08WN4A0,WD-WCC6Y3HJ2KX4,,0x50014ee2b5e4a1c7,1000204886016,1.0 TB,512,4096,ata,hdd,yes,no,no,no,,,no,,no,,,,,," \
  umock sata-hdd "$A" devices --all --csv

check_out "sata-ssd: every field" "$H
sdb,/dev/sdb,/dev/disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A,,Samsung SSD 860 EVO 500GB,S3Z1NB0K123456A,,0x5002538e40a1b2c3,500107862016,500 GB,512,512,ata,ssd,no,no,no,no,,/dev/sdb1 on /boot/efi; /dev/sdb2 on /,no,,yes,/ is on /dev/sdb2,,'/dev/sdb' backs the running system (/ is on /dev/sdb2),,,
sdb1,/dev/sdb1,/dev/disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A-part1,,Samsung SSD 860 EVO 500GB,S3Z1NB0K123456A,,0x5002538e40a1b2c3,536870912,537 MB,512,512,ata,ssd,no,no,no,yes,sdb,/dev/sdb1 on /boot/efi,no,,yes,/boot/efi is on /dev/sdb1,,'/dev/sdb1' backs the running system (/boot/efi is on /dev/sdb1),,,
sdb2,/dev/sdb2,/dev/disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A-part2,,Samsung SSD 860 EVO 500GB,S3Z1NB0K123456A,,0x5002538e40a1b2c3,499569917952,500 GB,512,512,ata,ssd,no,no,no,yes,sdb,/dev/sdb2 on /,no,,yes,/ is on /dev/sdb2,,'/dev/sdb2' backs the running system (/ is on /dev/sdb2),,," \
  umock sata-ssd "$A" devices --all --csv

check_out "nvme: every field" "$H
nvme0n1,/dev/nvme0n1,,,Samsung SSD 970 EVO Plus 1TB,S4EWNX0R123456K,,eui.0025385b91b2c3d4,1000204886016,1.0 TB,512,512,nvme,nvme,no,no,no,no,,,no,,no,,,,,," \
  umock nvme "$A" devices --all --csv

check_out "usb-sata-bridge: every field" "$H
sdc,/dev/sdc,/dev/disk/by-id/usb-Samsung_SSD_860_EVO_500G_000000123ABC-0:0,Samsung,SSD 860 EVO 500G,S3Z9NB0K654321X,000000123ABC,,500107862016,500 GB,512,4096,usb,ssd,no,no,no,no,,,no,,no,,,,,," \
  umock usb-sata-bridge "$A" devices --all --csv

check_out "usb-stick: every field" "$H
sdd,/dev/sdd,/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001230518109164-0:0,SanDisk,Cruzer Blade,4C530001230518109164,,,16008609792,16.0 GB,512,512,usb,flash,yes,yes,no,no,,,no,,no,,,,,," \
  umock usb-stick "$A" devices --all --csv

check_out "partitioned-mounted: every field" "$H
sde,/dev/sde,/dev/disk/by-id/ata-ST1000LM035-1RK172_WL1AB2CD,,ST1000LM035-1RK172,WL1AB2CD,,0x5000c500b1c2d3e4,1000204886016,1.0 TB,512,4096,ata,hdd,yes,no,no,no,,/dev/sde1 on /media/staff/USB DISK,yes,,yes,active swap on /dev/sde2,,'/dev/sde' has a mounted partition: /dev/sde1 on /media/staff/USB DISK,,,
sde1,/dev/sde1,,,ST1000LM035-1RK172,WL1AB2CD,,0x5000c500b1c2d3e4,996147200000,996 GB,512,4096,ata,hdd,yes,no,no,yes,sde,/dev/sde1 on /media/staff/USB DISK,no,,no,,,'/dev/sde1' is mounted at /media/staff/USB DISK,,,
sde2,/dev/sde2,,,ST1000LM035-1RK172,WL1AB2CD,,0x5000c500b1c2d3e4,4056637440,4.1 GB,512,4096,ata,hdd,yes,no,no,yes,sde,,yes,,yes,active swap on /dev/sde2,,'/dev/sde2' is active swap,,," \
  umock partitioned-mounted "$A" devices --all --csv

check_out "md-member: every field" "$H
sdf,/dev/sdf,,,WDC WD20EFRX-68EUZN0,WD-WCC4M1KX7Y3Z,,0x50014ee20c1d2e3f,2000398934016,2.0 TB,512,4096,ata,hdd,yes,no,no,no,,,no,md0,no,,,'/dev/sdf' is held by md0 (device-mapper/LVM/RAID),,," \
  umock md-member "$A" devices --all --csv

check_out "lvm-member: every field" "$H
sdg,/dev/sdg,,,KINGSTON SA400S37240G,50026B7782A1B2C3,,,240057409536,240 GB,512,512,ata,ssd,no,no,no,no,,,no,dm-0,yes,/var is on /dev/dm-0,,'/dev/sdg' backs the running system (/var is on /dev/dm-0),,,
sdg1,/dev/sdg1,,,KINGSTON SA400S37240G,50026B7782A1B2C3,,,240056795136,240 GB,512,512,ata,ssd,no,no,no,yes,sdg,,no,dm-0,yes,/var is on /dev/dm-0,,'/dev/sdg1' backs the running system (/var is on /dev/dm-0),,," \
  umock lvm-member "$A" devices --all --csv

# The SATA disk as it looks without udevd (no ID_* properties, no by-id
# links): model from the SCSI device (the kernel's 16 characters), serial
# from VPD page 0x80, WWN from wwid.
sed -e '/^E: ID_/d' -e '/^S: /d' -e 's/^A: vendor=ATA     \\n$/&\nH: vpd_pg80=0080000F57442D574343365933484A324B5834/' \
  "$UMOCK_DATA/sata-hdd.umockdev" >"$T/sata-hdd-sysfs.umockdev"
check_out "SATA without udevd: from sysfs" "$H
sda,/dev/sda,,,WDC WD10EZEX-08W,WD-WCC6Y3HJ2KX4,,0x50014ee2b5e4a1c7,1000204886016,1.0 TB,512,4096,ata,hdd,yes,no,no,no,,,no,,no,,,,,," \
  umockdev-run -d "$T/sata-hdd-sysfs.umockdev" -- "$A" devices --csv

# The table: one line per drive, what a technician reads first.
check "table: all drives, whole disks only, in name order" \
  test "$(umock "$UMOCK_ALL" "$A" devices | sed 's/ *$//')" = "DEVICE        SIZE     SECTORS   BUS   KIND   MODEL                         SERIAL                                 STATE                  ASSET  PURGE
/dev/nvme0n1  1.0 TB   512/512   nvme  nvme   Samsung SSD 970 EVO Plus 1TB  S4EWNX0R123456K                        free
/dev/sda      1.0 TB   512/4096  ata   hdd    WDC WD10EZEX-08WN4A0          WD-WCC6Y3HJ2KX4                        free                          none
/dev/sdb      500 GB   512/512   ata   ssd    Samsung SSD 860 EVO 500GB     S3Z1NB0K123456A                        system, mounted               none
/dev/sdc      500 GB   512/4096  usb   ssd    Samsung SSD 860 EVO 500G      S3Z9NB0K654321X (bridge 000000123ABC)  free                          none
/dev/sdd      16.0 GB  512/512   usb   flash  SanDisk Cruzer Blade          4C530001230518109164                   free                          none
/dev/sde      1.0 TB   512/4096  ata   hdd    ST1000LM035-1RK172            WL1AB2CD                               system, mounted, swap         none
/dev/sdf      2.0 TB   512/4096  ata   hdd    WDC WD20EFRX-68EUZN0          WD-WCC4M1KX7Y3Z                        held by md0                   none
/dev/sdg      240 GB   512/512   ata   ssd    KINGSTON SA400S37240G         50026B7782A1B2C3                       system, held by dm-0          none"

check_out "one drive in full: the bridge's serial apart from the drive's" "name:            sdc
device:          /dev/sdc
by-id:           /dev/disk/by-id/usb-Samsung_SSD_860_EVO_500G_000000123ABC-0:0
vendor:          Samsung
model:           SSD 860 EVO 500G
serial:          S3Z9NB0K654321X
bridge serial:   000000123ABC
wwn:             
size bytes:      500107862016
size:            500 GB
logical sector:  512
physical sector: 4096
bus:             usb
kind:            ssd
rotational:      no
removable:       no
read-only:       no
partition:       no
parent:          
mounts:          
swap:            no
holders:         
system:          no
system use:      
backing file:    
wipe refused:    
asset:           
matched by:      
medium serial:   " umock usb-sata-bridge "$A" devices /dev/sdc

json=$(umock "partitioned-mounted lvm-member" "$A" devices --json | tr -d ' \n')
check "JSON: mounts and holders are arrays" \
  test "${json#*'"mounts":["/dev/sde1on/media/staff/USBDISK"],"swap":true,"holders":[]'}" != "$json" -a \
       "${json#*'"swap":false,"holders":["dm-0"],"system":true,"system_use":"/varison/dev/dm-0"'}" != "$json"
check "JSON: match is null when nothing is registered" \
  test "$(umock sata-hdd "$A" devices --json | grep -c '"match": null')" = 1
check_err "not a block device" 1 "error: '/etc/hostname' is not a block device" "$A" devices /etc/hostname
check_err "missing device" 1 "error: cannot open '/dev/sdzz': no such device" umock sata-hdd "$A" devices /dev/sdzz
check_err "--count without --watch is a usage error" 2 "--count, --timeout and --source go with --watch" "$A" devices --count 1
check_err "--watch with CSV is a usage error" 2 "--watch prints lines or JSON objects, not CSV" "$A" devices --watch --csv
check_err "bad --source" 2 "--source 'dbus' is not udev, kernel or auto" "$A" devices --watch --source dbus

# The mountinfo override is for test beds only: outside umockdev a variable
# that hides every mount must not hide the disk the system runs from.
root_major=$(awk '$5 == "/" { split($3, d, ":"); print d[1] }' /proc/self/mountinfo | tail -1)
if [ "${root_major:-0}" != 0 ]; then
  check "ASSETCTL_MOUNTINFO is ignored outside umockdev" \
    test "$(ASSETCTL_MOUNTINFO=/dev/null "$A" devices --csv | grep -c ',yes,/ is on /dev/')" = 1
else
  skip "ASSETCTL_MOUNTINFO is ignored outside umockdev" "/ is not on a block device here"
fi
done_testing
