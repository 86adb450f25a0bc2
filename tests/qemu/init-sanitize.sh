#!/bin/sh
# /init of the QEMU tier's guest (tests/cli/0600-qemu-sanitize.sh): loads
# the kernel's own drivers, waits for the emulated drives and runs the
# detection on each; everything goes to the serial console, then power off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
  insmod "$m" || echo "GUEST insmod failed: $m"
done </modules.list
# two namespaces and two SCSI disks (the AHCI one through libata, the
# virtio-scsi one); which is sda depends on probe order, so name them
disks() { ls /sys/class/block | grep -E '^sd[a-z]+$'; }
for i in $(seq 1 150); do
  [ -e /dev/nvme0n2 ] && [ "$(disks | wc -l)" -ge 2 ] && break
  sleep 0.1
done
echo "GUEST devices: $(ls /dev | grep -E '^(nvme|sd|sg)' | tr '\n' ' ')"
for b in nvme0n1 nvme0n2 $(disks); do echo "GUEST wwid $b $(cat /sys/class/block/$b/wwid 2>/dev/null || cat /sys/class/block/$b/device/wwid 2>/dev/null)"; done
for b in $(disks); do
  echo "GUEST disk $b model=$(cat /sys/class/block/$b/device/model | sed 's/ *$//') sg=$(ls /sys/class/block/$b/device/scsi_generic)"
done
echo "GUEST nvme-subsys: $(ls /sys/class/nvme-subsystem 2>/dev/null | tr '\n' ' ')"
# PROBE, ASAN_OPTIONS and UBSAN_OPTIONS, written by the host
. /env.sh
export ASAN_OPTIONS UBSAN_OPTIONS
echo "GUEST probe start"
"$PROBE" /dev/nvme0n1 /dev/nvme0n2 /dev/nvme0 $(for b in $(disks); do echo /dev/$b /dev/$(ls /sys/class/block/$b/device/scsi_generic); done) /dev/null /dev/nonexistent
echo "GUEST probe rc=$?"
dmesg | grep -iE 'nvme|ata[0-9]|scsi|error' | sed 's/^/GUEST dmesg /' | head -40
echo "GUEST done"
poweroff -f
