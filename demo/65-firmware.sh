# Part 8: the drive's own purge (issue 11), on the scripted drive that part
# 4 set up in a test build: a firmware sanitize with markers planted and
# found gone, and its certificate.
if [ -n "${DEMO_SSD:-}" ] && [ -b "$DEMO_SSD" ] && [ -n "${DEMO_SSD_DRIVE:-}" ]; then
  say "A pupil laptop with an NVMe SSD is leaving too. Overwriting cannot reach an SSD's spare and remapped blocks, so its own firmware does the work: NIST SP 800-88 calls a sanitize command Purge. The drive is the SCRIPTED DRIVE from part 4 (this is a test build): the commands, the progress, the completion status and the change to its image are the stand-in's, played from the NVMe specification; everything assetctl does around them is real."
  export ASSETCTL_TEST_DRIVE=$DEMO_SSD_DRIVE
  printf '\n$ export ASSETCTL_TEST_DRIVE=%s   # the test build only\n' "$DEMO_SSD_DRIVE"
  show asset add --make Lenovo --model "ThinkPad L13" --serial PF3ABCDE --name "pupil laptop" --category laptop --personal-data
  demo_fw_tag=$("$A" asset add --make Lenovo --model "ThinkPad L13" --serial PF3ABCDE --name "pupil laptop" \
    --category laptop --personal-data)
  echo "$demo_fw_tag"
  step asset add-media "$demo_fw_tag" --from "$DEMO_SSD" --kind nvme
  step disposal request "$demo_fw_tag" --reason "screen and battery failed"
  step disposal authorise "$demo_fw_tag" --by HT
  pause
  say "'--method purge' takes the strongest method the drive offers (the order and why are in the README). Before the command assetctl plants unique markers across the drive; the drive sanitizes while assetctl polls its progress (Ctrl-C cannot stop a firmware sanitize, and assetctl says so and waits); afterwards no marker may survive and the drive must read as the command promises, or the wipe fails whatever the drive says."
  step wipe "$DEMO_SSD" --method purge --asset "$demo_fw_tag" --yes --serial "$DEMO_SSD" \
    --key school --passphrase-file "$DEMO_DIR/school-key.pass"
  demo_fw_wipe=$("$A" wipe list --json | jq -r '.[0].id' 2>/dev/null || "$A" wipe list --csv | sed -n 2p | cut -d, -f1)
  step wipe show "$demo_fw_wipe"
  pause
  say "Its certificate names the command and its settings, what the drive reported, the validation, and the NIST SP 800-88 category with its source; the firm checks it offline like any other."
  demo_fw_cert=$("$A" cert list --asset "$demo_fw_tag" --csv | tail -1 | cut -d, -f1)
  step cert export "$demo_fw_cert" -o "$DEMO_DIR/certificates"
  if command -v jq >/dev/null 2>&1; then
    printf '\n$ jq .sanitisation %s\n' "$DEMO_DIR/certificates/$demo_fw_cert.json"
    jq .sanitisation "$DEMO_DIR/certificates/$demo_fw_cert.json"
  fi
  printf '\n$ openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in %s.json -sigfile %s.sig\n' "$demo_fw_cert" "$demo_fw_cert"
  openssl pkeyutl -verify -pubin -inkey "$DEMO_DIR/school.pub.pem" -rawin -in "$DEMO_DIR/certificates/$demo_fw_cert.json" \
    -sigfile "$DEMO_DIR/certificates/$demo_fw_cert.sig"
  step cert verify "$DEMO_DIR/certificates/$demo_fw_cert.json" --key "$DEMO_DIR/school.pub.pem"
  unset ASSETCTL_TEST_DRIVE
  pause
elif grep -qa ASSETCTL_TEST_DRIVE "$A"; then
  say "(Not running as root: no loop device, so no scripted drive, and the firmware sanitize part is skipped. Run 'sudo assetctl demo' to see it.)"
else
  say "(This assetctl is a release build: it has no scripted drive, so the firmware sanitize of a stand-in NVMe drive is skipped. On a real NVMe or SATA SSD, 'assetctl wipe DEV --method purge' does the same.)"
fi
