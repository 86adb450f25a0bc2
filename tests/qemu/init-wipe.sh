#!/bin/sh
# /init of the QEMU tier's wipe guest (tests/cli/0601-qemu-wipe.sh): the
# real assetctl against the kernel's own nvme and libata drivers. A real
# Format NVM (nvme-format-user) of namespace 1 with markers and a signed
# certificate; the SATA SSD refused for purge. Results go to the serial
# console (GUEST lines, base64 blocks between BEGIN/END lines).
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
  insmod "$m" || echo "GUEST insmod failed: $m"
done </modules.list
disks() { ls /sys/class/block | grep -E '^sd[a-z]+$'; }
for i in $(seq 1 150); do
  [ -e /dev/nvme0n2 ] && [ "$(disks | wc -l)" -ge 1 ] && break
  sleep 0.1
done
. /env.sh
export ASAN_OPTIONS UBSAN_OPTIONS ASSETCTL_DB=/reg/assets.db
A=$PROBE
sata=
for b in $(disks); do sata=/dev/$b; done
echo "GUEST sata=$sata"
# show FILE NAME: FILE in base64 between markers
show() { echo "BEGIN $2"; /bin/busybox base64 "$1"; echo "END $2"; }

"$A" devices /dev/nvme0n1 --json >/tmp/dev.json 2>&1; echo "GUEST devices nvme rc=$?"
show /tmp/dev.json devices-nvme
"$A" wipe /dev/nvme0n1 --method nvme-sanitize-crypto --yes --serial ASSETCTLNVME1 --progress none >/tmp/refused.out 2>&1
echo "GUEST sanitize nvme rc=$?"
show /tmp/refused.out refused-nvme
"$A" wipe /dev/nvme0n1 --method nvme-format-user --asset TS-000001 --yes --serial ASSETCTLNVME1 --progress none \
  --key school --passphrase-file /reg/pass >/tmp/wipe.out 2>&1
echo "GUEST wipe nvme rc=$?"
show /tmp/wipe.out wipe-nvme
"$A" wipe show 1 --json >/tmp/show.json 2>&1; echo "GUEST show rc=$?"
show /tmp/show.json wipe-show
mkdir -p /out
"$A" cert export TS-CERT-000001 -o /out >/tmp/export.out 2>&1; echo "GUEST export rc=$?"
cat /tmp/export.out | sed 's/^/GUEST export /'
[ -f /out/TS-CERT-000001.json ] && show /out/TS-CERT-000001.json cert-json
[ -f /out/TS-CERT-000001.sig ] && show /out/TS-CERT-000001.sig cert-sig
"$A" wipe "$sata" --method purge --yes --serial ASSETCTLSATA1 --progress none >/tmp/purge.out 2>&1
echo "GUEST purge sata rc=$?"
show /tmp/purge.out purge-sata
"$A" devices "$sata" --json >/tmp/sata.json 2>&1; echo "GUEST devices sata rc=$?"
show /tmp/sata.json devices-sata
echo "GUEST done"
poweroff -f
