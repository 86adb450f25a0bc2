#!/usr/bin/env bash
# Firmware wipes on the scripted drive (test build, root; a loop device this
# test made): every NVMe and ATA method name ends erased, with none of its
# markers left and the medium reading as the command promises (the drive
# changes its image as the command would), and an authorised asset gets a
# certificate that stock openssl verifies. --method purge picks the
# strongest method the drive offers; a drive with none is refused with what
# to do, and nothing is written. (The SCSI methods have no scripted drive.)
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
. "$(dirname "$0")/scripted-lib.sh"
sd_need
new_db
printf 'correct horse battery\n' >"$T/pass"
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" key export-public school -o "$T/school.pub.pem" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
size=$((8 << 20))

# The image reads as: 00, ff (every byte), or random (it does not compress).
reads_as() {
  case "$1" in
    random) [ "$(gzip -c "$SD_IMG" | wc -c)" -gt $((size * 99 / 100)) ] ;;
    *) sd_image_is "$1" ;;
  esac
}

n=0
# method_case METHOD READS_AS KIND DRIVE-LINES...: an authorised asset's
# medium, a drive offering the method, the wipe, what it left.
method_case() {
  local m=$1 want=$2 kind=$3 tag id cert; shift 3
  n=$((n + 1))
  tag=$(printf 'TS-%06d' "$n") cert=$(printf 'TS-CERT-%06d' "$n")
  "$A" asset add --make Acme --model "Laptop $n" --serial "PC$n" --category laptop >/dev/null
  # a drive of its own: a loop device is known by its image file
  sd_loop 8M
  # ROTATIONAL=1: the kernel calls it a spinning disk, as it does many SSDs
  # behind a USB bridge; the registered medium's kind is what counts
  if [ "${ROTATIONAL:-0}" = 1 ]; then echo 1 >"/sys/block/${SD_LOOP#/dev/}/queue/rotational"; fi
  "$A" asset add-media "$tag" --model "disk image" --serial "file:$SD_IMG" --size "$size" --kind "$kind" >/dev/null
  "$A" disposal request "$tag" --reason "end of life" >/dev/null
  "$A" disposal authorise "$tag" --by HT >/dev/null
  sd_drive "d$n" "$@"
  sd_fill random
  run sd_wipe "$m" --key school --passphrase-file "$T/pass"
  id=$("$A" wipe list --json | jq -r '.[0].id')
  check_out "$m: erased" "0 wipe $id: '$SD_LOOP' ($tag) erased" echo "$rc $(grep "^wipe $id:" <<<"$out")"
  check_out "$m: the command ran, the markers are gone, validation passed" \
    "$m|done|0|true" sh -c "\"\$0\" wipe show $id --json | jq -r '[.firmware.method, .firmware.state, .firmware.validation.markers_survived, .firmware.validation.passed] | map(tostring) | join(\"|\")'" "$A"
  check "$m: the medium reads as $want" reads_as "$want"
  run "$A" cert export "$cert" -o "$T/out"
  check_out "$m: a certificate that stock openssl verifies" "Signature Verified Successfully" \
    openssl pkeyutl -verify -pubin -inkey "$T/school.pub.pem" -rawin -in "$T/out/$cert.json" -sigfile "$T/out/$cert.sig"
  check_out "$m: the certificate names the method and the outcome" "$m erased" \
    jq -r '"\(.sanitisation.method) \(.outcome)"' "$T/out/$cert.json"
}

method_case nvme-sanitize-crypto random nvme "bus = nvme" "sanitize = crypto"
method_case nvme-sanitize-block ff nvme "bus = nvme" "sanitize = block" "erase_fill = ones"
method_case nvme-sanitize-overwrite 00 nvme "bus = nvme" "sanitize = overwrite"
method_case nvme-format-crypto random nvme "bus = nvme" "format = crypto"
method_case nvme-format-user 00 nvme "bus = nvme" "format = user"
method_case ata-sanitize-crypto random ssd "bus = ata" "sanitize = crypto"
method_case ata-sanitize-block 00 ssd "bus = ata" "sanitize = block"
method_case ata-sanitize-overwrite 00 ssd "bus = ata" "sanitize = overwrite"
method_case ata-secure-erase 00 ssd "bus = ata" "security = yes"
method_case ata-secure-erase-enhanced random ssd "bus = ata" "security = yes" "enhanced = yes" "enhanced_fill = random"
ROTATIONAL=1 method_case ata-sanitize-block 00 ssd "bus = ata" "sanitize = block"
check_out "... an SSD the kernel calls rotational is classified as the registered SSD it is" "ssd purge" \
  jq -r '"\(.medium.kind) \(.sanitisation.nist_category)"' "$T/out/TS-CERT-$(printf %06d "$n").json"
check_out "every certificate verifies with assetctl too" "$n" \
  sh -c "cd '$T/out' && for f in TS-CERT-*.json; do \"\$0\" cert verify \"\$f\" --key '$T/school.pub.pem' >/dev/null || exit 1; done; ls TS-CERT-*.json | wc -l" "$A"

# an overwrite with a pattern: the drive stores the 32-bit pattern as a
# little-endian dword (NVMe OVRPAT), validation takes either byte order
sd_loop 8M
sd_drive pattern "bus = nvme" "sanitize = overwrite"
run sd_wipe nvme-sanitize-overwrite --no-certificate --overwrite-pattern 11223344
check_out "an overwrite with --overwrite-pattern: erased, the pattern recorded and on the medium" \
  "0 erased 11223344 4433221144332211" \
  sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r '\"\(.outcome) \(.firmware.command.pattern)\"') \$(od -An -tx1 -N8 '$SD_IMG' | tr -d ' ')" "$A"
check_out "... the whole medium" "$(( size / 4 ))" sh -c "od -An -tx4 -v '$SD_IMG' | tr -s ' ' '\n' | grep -c '^11223344\$'"

# purge: the strongest the drive offers (not registered: no certificate asked)
sd_loop 8M
purge_case() {
  local want=$1; shift
  sd_drive purge "$@"
  sd_fill random
  run sd_wipe purge --no-certificate
  check_out "purge on a drive offering $want and weaker: $want" "0 $want erased" \
    sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r '\"\(.firmware.method) \(.outcome)\"')" "$A"
}
# the order is core's (wipe-firmware.c, fw_purge_order): a sanitize's block
# erase, then its crypto erase, then a format, then an overwrite, then a
# security erase
purge_case nvme-sanitize-block "bus = nvme" "sanitize = crypto,block,overwrite" "format = crypto"
purge_case nvme-sanitize-crypto "bus = nvme" "sanitize = crypto,overwrite" "format = crypto"
purge_case nvme-format-user "bus = nvme" "sanitize = overwrite" "format = crypto"
purge_case ata-sanitize-block "bus = ata" "sanitize = crypto,block,overwrite" "security = yes" "enhanced = yes"
purge_case ata-sanitize-overwrite "bus = ata" "sanitize = overwrite" "security = yes" "enhanced = yes"
purge_case ata-secure-erase-enhanced "bus = ata" "security = yes" "enhanced = yes"

sd_drive none "bus = ata" "security = no"
sd_fill random
before=$(sha256sum <"$SD_IMG")
check_err "purge on a drive with nothing: refused with what to do" 1 \
  "cannot purge '$SD_LOOP': the drive offers no firmware sanitize (no sanitize, format or security erase feature; available: none); overwrite it instead (--method nist-clear) and, if it is flash, send it to destruction" \
  sd_wipe purge --no-certificate
check_out "... and nothing was written" "$before" sh -c "sha256sum <'$SD_IMG'"
check_err "a method the drive does not offer: refused with what it offers" 1 \
  "cannot wipe '$SD_LOOP' with nvme-format-user: the drive does not offer it (available: none)" \
  sd_wipe nvme-format-user --no-certificate
check_rc "audit verify" 0 "$A" audit verify
done_testing
