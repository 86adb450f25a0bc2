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
for i in $(seq 1 100); do
  [ -e /dev/nvme0n2 ] && [ -e /dev/sda ] && break
  sleep 0.1
done
echo "GUEST devices: $(ls /dev | grep -E '^(nvme|sd|sg)' | tr '\n' ' ')"
for b in nvme0n1 nvme0n2 sda; do echo "GUEST wwid $b $(cat /sys/class/block/$b/wwid 2>/dev/null || cat /sys/class/block/$b/device/wwid 2>/dev/null)"; done
echo "GUEST nvme-subsys: $(ls /sys/class/nvme-subsystem 2>/dev/null | tr '\n' ' ')"
# PROBE, ASAN_OPTIONS and UBSAN_OPTIONS, written by the host
. /env.sh
export ASAN_OPTIONS UBSAN_OPTIONS
echo "GUEST probe start"
"$PROBE" /dev/nvme0n1 /dev/nvme0n2 /dev/nvme0 /dev/sda /dev/sg0 /dev/null /dev/nonexistent
echo "GUEST probe rc=$?"
dmesg | grep -iE 'nvme|ata[0-9]|error' | sed 's/^/GUEST dmesg /' | head -40
echo "GUEST done"
poweroff -f
