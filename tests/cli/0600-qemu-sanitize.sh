#!/usr/bin/env bash
# The QEMU tier (issue 11): devices/sanitize's detection against the real
# kernel drivers (nvme, libata/ahci, sd_mod, sg) of Debian's kernel, on
# QEMU's emulated NVMe controller (two namespaces) and AHCI SATA SSD, each
# backed by an image file made here. The guest prints JSON on the serial
# console; the checks below read it. Skipped only when QEMU or the kernel
# cannot be had.
. "$(dirname "$0")/lib.sh"
. "$ASSETCTL_SRCDIR/tests/qemu/lib-qemu.sh"

probe=$ASSETCTL_BUILDDIR/tests/sanitize-probe
start=$(date +%s)
if ! qemu_prepare; then
  skip "qemu tier" "qemu unavailable ($qemu_why)"
  done_testing; exit
fi
check "the initramfs is built" qemu_initramfs "$T/initramfs.gz" "$probe" "$ASSETCTL_SRCDIR/tests/qemu/init-sanitize.sh"

# Image files only: sizes chosen so the sector counts below are exact.
truncate -s 64M "$T/nvme-ns1.img"
truncate -s 32M "$T/nvme-ns2.img"
truncate -s 48M "$T/sata.img"
truncate -s 16M "$T/scsi.img"
qemu_boot "$T/console.log" \
  -drive "file=$T/nvme-ns1.img,if=none,id=ns1,format=raw" \
  -drive "file=$T/nvme-ns2.img,if=none,id=ns2,format=raw" \
  -device nvme,id=nvme0,serial=ASSETCTLNVME1 \
  -device nvme-ns,drive=ns1,bus=nvme0,nsid=1 \
  -device nvme-ns,drive=ns2,bus=nvme0,nsid=2 \
  -drive "file=$T/sata.img,if=none,id=sata,format=raw" \
  -device ahci,id=ahci0 \
  -device "ide-hd,drive=sata,bus=ahci0.0,serial=ASSETCTLSATA1,model=ASSETCTL SSD,rotation_rate=1" \
  -drive "file=$T/scsi.img,if=none,id=scsi,format=raw" \
  -device virtio-scsi-pci,id=vscsi0 \
  -device scsi-hd,drive=scsi,bus=vscsi0.0,vendor=ASSETCTL,product=SCSIDISK,serial=ASSETCTLSCSI1
qrc=$?
echo "# guest ran in $(( $(date +%s) - start )) s (qemu exit $qrc)"
sed -n 's/^GUEST //p' "$T/console.log" | sed 's/^/# /'
check "qemu exits cleanly" [ "$qrc" -eq 0 ]
check "the guest ran the probe to the end" grep -q '^GUEST probe rc=0' "$T/console.log"

# probe PATH: the JSON the guest printed for PATH
probe_json() { sed -n 's/^SANITIZE-PROBE //p' "$T/console.log" | tr -d '\r' | jq -c --arg p "$1" 'select(.path == $p)'; }
jqcheck() { # jqcheck TITLE PATH FILTER: FILTER is true on PATH's JSON
  local j; j=$(probe_json "$2")
  if [ -n "$j" ] && jq -e "$3" >/dev/null <<<"$j"; then _ok "$1"; else _not_ok "$1" "filter: $3
json: $j"; fi
}
# disk MODEL: "sdX sgN" of the guest's disk with that model
disk() { sed -n "s/^GUEST disk \(sd[a-z]*\) model=$1 sg=\(sg[0-9]*\).*/\1 \2/p" "$T/console.log" | tr -d '\r'; }
read -r sata sata_sg <<<"$(disk 'ASSETCTL SSD')"
read -r scsi scsi_sg <<<"$(disk SCSIDISK)"
check "the guest has the sata disk and its sg node" [ -n "${sata:-}" -a -n "${sata_sg:-}" ]
check "the guest has the scsi disk and its sg node" [ -n "${scsi:-}" -a -n "${scsi_sg:-}" ]
for p in /dev/nvme0n1 /dev/nvme0n2 /dev/nvme0 /dev/${sata:-} /dev/${scsi:-}; do
  probe_json "$p" | jq . | sed 's/^/# /'
done

# QEMU 7.2's NVMe controller: Format NVM (OACS bit 1) and nothing else;
# SANICAP 0 and FNA 0, so no sanitize and no crypto format.
for ns in 1 2; do
  jqcheck "nvme0n$ns: an nvme drive of controller /dev/nvme0, namespace $ns" /dev/nvme0n$ns \
    ".sanitize.bus == \"nvme\" and .sanitize.nvme.controller == \"/dev/nvme0\" and .sanitize.nvme.nsid == $ns"
  jqcheck "nvme0n$ns: methods exactly nvme-format-user (qemu: sanicap 0, fna 0)" /dev/nvme0n$ns \
    '.sanitize.methods == ["nvme-format-user"] and .sanitize.nvme.sanicap == 0 and .sanitize.nvme.fna == 0 and (.sanitize.nvme.oacs % 4 >= 2)'
  jqcheck "nvme0n$ns: the controller has 2 active namespaces" /dev/nvme0n$ns '.sanitize.namespaces == 2'
  jqcheck "nvme0n$ns: a format does not claim every namespace, nothing frozen, no hpa" /dev/nvme0n$ns \
    '.sanitize.nvme.format_all_namespaces == false and .sanitize.frozen == false and .hpa.supported == false and .dco.supported == false'
done
jqcheck "nvme0n1: no sanitize status log read (no sanitize to report on)" /dev/nvme0n1 '.sanitize.nvme.status == null and .sanitize.estimates == {}'
jqcheck "nvme0n1: purge column says nvme-format-user" /dev/nvme0n1 '.summary == "nvme-format-user"'
jqcheck "/dev/nvme0 (the controller itself): same facts, no namespace" /dev/nvme0 \
  '.sanitize.methods == ["nvme-format-user"] and .sanitize.nvme.nsid == null and .sanitize.namespaces == 2'

# QEMU's ide-hd on AHCI, through libata's SAT: IDENTIFY and READ NATIVE
# MAX ADDRESS EXT answered; no sanitize, no security feature set, no HPA.
for d in /dev/${sata:-sata} /dev/${sata_sg:-sata-sg}; do
  jqcheck "$d: an ata drive (identify through ata pass-through)" $d '.sanitize.bus == "ata"'
  jqcheck "$d: no firmware method: no sanitize, no security feature set" $d \
    '.sanitize.methods == [] and .sanitize.ata.sanitize_feature_set == false and .sanitize.ata.security.supported == false and .summary == "none"'
  jqcheck "$d: not frozen" $d '.sanitize.frozen == false and .sanitize.ata.security.frozen == false'
  jqcheck "$d: native max = current max = 98304 sectors (48 MiB): no hpa" $d \
    '.hpa.native_max_sectors == 98304 and .hpa.current_max_sectors == 98304 and .hpa.present == false'
  jqcheck "$d: no dco" $d '.dco.supported == false and .dco.present == false'
done
# QEMU's scsi-hd on virtio-scsi: refuses ATA PASS-THROUGH and REPORT
# SUPPORTED OPERATION CODES, so nothing answers: no bus, no methods.
for d in /dev/${scsi:-scsi} /dev/${scsi_sg:-scsi-sg}; do
  jqcheck "$d: no firmware method on qemu's scsi-hd (nothing answered)" $d '.sanitize.bus == null and .sanitize.methods == [] and .summary == "none" and .hpa.supported == false'
done
jqcheck "/dev/null: not a drive: no bus, no methods" /dev/null '.sanitize.bus == null and .sanitize.methods == []'
jqcheck "a missing path is an error naming it" /dev/nonexistent \
  '.errno == 2 and .error == "cannot open '"'"'/dev/nonexistent'"'"': No such file or directory"'

# The namespace identifier is longer than 64 characters (issue 11).
wwid=$(sed -n 's/^GUEST wwid nvme0n1 //p' "$T/console.log" | tr -d '\r')
echo "# nvme0n1 wwid: $wwid (${#wwid} characters)"
long_wwid() { [ "${wwid:0:10}" = "nvme.1b36-" ] && [ "${#wwid}" -gt 64 ]; }
check "the nvme wwid is the long nvme.1b36- form" long_wwid

# Detection wrote nothing: every image still reads as zeros.
for img in nvme-ns1 nvme-ns2 sata scsi; do
  check "$img.img is untouched (all zeros)" cmp -s -n "$(stat -c %s "$T/$img.img")" "$T/$img.img" /dev/zero
done
echo "# qemu tier took $(( $(date +%s) - start )) s"
done_testing
