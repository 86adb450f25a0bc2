#!/usr/bin/env bash
# The QEMU tier, the run path (issue 11): the real assetctl in the guest,
# against Debian's nvme and libata drivers on QEMU's emulated drives, each
# backed by an image file made here. A real nvme-format-user (Format NVM,
# SES 1) of namespace 1: markers planted and found gone, a certificate
# signed in the guest and checked here with stock openssl; namespace 2 is
# left alone; the SATA SSD (no sanitize, no security feature set) refused
# for purge with nothing written. Skipped only when QEMU cannot run.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
. "$ASSETCTL_SRCDIR/tests/qemu/lib-qemu.sh"

start=$(date +%s)
if ! qemu_prepare; then
  skip "qemu wipe tier" "qemu unavailable ($qemu_why)"
  done_testing; exit
fi

# The register the guest uses: a key, an authorised asset whose medium is
# the guest's NVMe namespace (serial ASSETCTLNVME1), 64 MiB.
mkdir -p "$T/extra/reg"
export ASSETCTL_DB="$T/extra/reg/assets.db"
"$A" init --school "Test School" --tag-prefix TS >/dev/null
printf 'qemu tier pass\n' >"$T/extra/reg/pass"
"$A" key generate --passphrase-file "$T/extra/reg/pass" >/dev/null
"$A" key export-public school -o "$T/school.pub.pem" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
"$A" asset add --make QEMU --model "Standard PC" --serial PC1 --category desktop >/dev/null
"$A" asset add-media TS-000001 --model "QEMU NVMe Ctrl" --serial ASSETCTLNVME1 --size 67108864 --kind nvme >/dev/null
"$A" disposal request TS-000001 --reason "end of life" >/dev/null
"$A" disposal authorise TS-000001 --by HT >/dev/null
check "the initramfs is built (assetctl, its libraries, the register)" \
  qemu_initramfs "$T/initramfs.gz" "$A" "$ASSETCTL_SRCDIR/tests/qemu/init-wipe.sh" "$T/extra"

# Namespace 1 full of data, namespace 2 and the SATA SSD too.
head -c 64M /dev/urandom >"$T/nvme-ns1.img"
head -c 32M /dev/urandom >"$T/nvme-ns2.img"
head -c 48M /dev/urandom >"$T/sata.img"
ns2_before=$(sha256sum <"$T/nvme-ns2.img")
sata_before=$(sha256sum <"$T/sata.img")
qemu_boot "$T/console.log" \
  -drive "file=$T/nvme-ns1.img,if=none,id=ns1,format=raw" \
  -drive "file=$T/nvme-ns2.img,if=none,id=ns2,format=raw" \
  -device nvme,id=nvme0,serial=ASSETCTLNVME1 \
  -device nvme-ns,drive=ns1,bus=nvme0,nsid=1 \
  -device nvme-ns,drive=ns2,bus=nvme0,nsid=2 \
  -drive "file=$T/sata.img,if=none,id=sata,format=raw" \
  -device ahci,id=ahci0 \
  -device "ide-hd,drive=sata,bus=ahci0.0,serial=ASSETCTLSATA1,model=ASSETCTL SSD,rotation_rate=1"
qrc=$?
echo "# guest ran in $(( $(date +%s) - start )) s (qemu exit $qrc)"
tr -d '\r' <"$T/console.log" >"$T/console.txt"
sed -n 's/^GUEST //p' "$T/console.txt" | sed 's/^/# /'
# block NAME: the file the guest printed between BEGIN NAME and END NAME
block() { sed -n "/^BEGIN $1\$/,/^END $1\$/p" "$T/console.txt" | sed '1d;$d' | base64 -d; }
for b in wipe-nvme purge-sata; do block $b | sed "s/^/# $b: /"; done
check "qemu exits cleanly" [ "$qrc" -eq 0 ]
check "the guest ran to the end" grep -q '^GUEST done' "$T/console.txt"

check "nvme-sanitize-crypto, which QEMU's controller does not offer, is refused (exit 1)" grep -qx 'GUEST sanitize nvme rc=1' "$T/console.txt"
check_out "... with what it does offer" \
  "error: cannot wipe '/dev/nvme0n1' with nvme-sanitize-crypto: the drive does not offer it (available: nvme-format-user)" \
  sh -c "sed -n '/^BEGIN refused-nvme\$/,/^END refused-nvme\$/p' '$T/console.txt' | sed '1d;\$d' | base64 -d"
check "the guest's wipe of nvme0n1 succeeded (exit 0)" grep -qx 'GUEST wipe nvme rc=0' "$T/console.txt"
block wipe-show >"$T/show.json"
jqcheck() { # TITLE FILE FILTER
  if jq -e "$3" "$2" >/dev/null 2>&1; then _ok "$1"; else _not_ok "$1" "filter: $3
json: $(head -c 3000 "$2")"; fi
}
jqcheck "wipe 1: nvme-format-user, erased, validated by markers" "$T/show.json" \
  '.method == "nvme-format-user" and .outcome == "erased" and .verify == "markers"'
jqcheck "the command as sent: Format NVM (80h), namespace 1, SES 1, LBA format 0 kept" "$T/show.json" \
  '.firmware.command.command == "Format NVM" and .firmware.command.opcode == 128 and .firmware.command.nsid == 1 and .firmware.command.ses == 1 and .firmware.command.lbaf == 0 and .firmware.command.cdw10 == 512'
jqcheck "64 markers (one per MiB) planted at the first and last sectors" "$T/show.json" \
  '.firmware.markers.count == 64 and .firmware.markers.positions[0] == 0 and .firmware.markers.positions[-1] == 131071'
jqcheck "validation passed: no marker survived, the namespace reads as zeros" "$T/show.json" \
  '.firmware.validation.passed == true and .firmware.validation.markers_survived == 0 and .firmware.validation.reads_as == "zeros"'
jqcheck "technique block erase, NIST category purge" "$T/show.json" \
  '.firmware.technique == "block erase" and .firmware.nist_category == "purge" and .firmware.state == "done"'
check "no marker is left in namespace 1's image" sh -c "! grep -qa 'ASSETCTL-MARKER1' '$T/nvme-ns1.img'"
check "namespace 1's image is all zeros (QEMU zero-fills on Format NVM)" cmp -s "$T/nvme-ns1.img" <(head -c 64M /dev/zero)
check "namespace 2 is untouched" [ "$(sha256sum <"$T/nvme-ns2.img")" = "$ns2_before" ]

block cert-json >"$T/cert.json"
block cert-sig >"$T/cert.sig"
check_out "the certificate signed in the guest verifies with stock openssl" "Signature Verified Successfully" \
  openssl pkeyutl -verify -pubin -inkey "$T/school.pub.pem" -rawin -in "$T/cert.json" -sigfile "$T/cert.sig"
check_out "... and with assetctl cert verify, no register" "good: certificate TS-CERT-000001" \
  sh -c "env -u ASSETCTL_DB HOME=/nonexistent '$A' cert verify '$T/cert.json' --sig '$T/cert.sig' --key '$T/school.pub.pem' | head -1 | cut -d: -f1-2"
jqcheck "the certificate: nvme-format-user, block erase, purge, its command and validation" "$T/cert.json" \
  '.sanitisation.method == "nvme-format-user" and .sanitisation.technique == "block erase" and .sanitisation.nist_category == "purge" and .sanitisation.verification == "markers" and .sanitisation.firmware.command == "Format NVM" and .sanitisation.validation.passed == true and .outcome == "erased"'

# cert verify checks the meaning: a certificate claiming another category,
# or a firmware method with no validation, is named as such
tamper_says() { # FILTER TEXT: cert verify of the certificate changed by FILTER names TEXT
  jq -cS "$1" "$T/cert.json" | tr -d '\n' >"$T/t.json"
  env -u ASSETCTL_DB HOME=/nonexistent "$A" cert verify "$T/t.json" --sig "$T/cert.sig" --key "$T/school.pub.pem" 2>&1 | grep -qF "$2"
}
check "a certificate saying 'clear' for nvme-format-user is named by cert verify" tamper_says '.sanitisation.nist_category = "clear"' \
  "meaning: nist_category 'clear' for nvme-format-user on a medium of kind 'nvme' (this tool's table says 'purge')"
check "... and one whose markers survived" tamper_says '.sanitisation.validation.markers_survived = 3' \
  "meaning: method 'nvme-format-user' needs a passed validation (markers planted, none surviving)"
check "... and one without its firmware command" tamper_says 'del(.sanitisation.firmware)' \
  "meaning: method 'nvme-format-user' needs its firmware command and the drive's status"
check "the SATA SSD is refused for purge (exit 1)" grep -qx 'GUEST purge sata rc=1' "$T/console.txt"
check_out "... saying why and that nothing is available" \
  "error: cannot purge '/dev/sda': the drive offers no firmware sanitize (no sanitize, format or security erase feature; available: none); overwrite it instead (--method nist-clear) and, if it is flash, send it to destruction" \
  block purge-sata
check "... and nothing was written to it" [ "$(sha256sum <"$T/sata.img")" = "$sata_before" ]
block devices-sata >"$T/sata.json"
jqcheck "its HPA is read as absent" "$T/sata.json" '(if type == "array" then .[0] else . end) | .hpa.present == false'
echo "# qemu wipe tier took $(( $(date +%s) - start )) s"
done_testing
