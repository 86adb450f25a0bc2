#!/usr/bin/env bash
# What goes wrong in a firmware wipe, on the scripted drive (test build,
# root; a loop device this test made): a frozen drive is refused with what
# to do; a lying drive (success reported, data left) ends failed and its
# medium goes to destruction; a sanitize that fails leaves the drive in
# failure mode and a rerun's new sanitize clears it; a reset during the
# sanitize is polled through; a security erase that fails leaves no
# password set (the drive's own state says so); an HPA is refused with the
# numbers, removed with --remove-hpa or accepted with --allow-hpa (then
# erased_with_exceptions); a DCO needs --restore-dco; other namespaces must
# be named; a wipe killed while the drive sanitizes is resumed by polling,
# not started again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scripted-lib.sh"
sd_need
new_db
size=$((16 << 20))
sd_loop 16M
last_id() { "$A" wipe list --json | jq -r '.[0].id'; }
fw() { "$A" wipe show "$(last_id)" --json | jq -r "$1"; }

# frozen: refused before anything is sent, and it says what to do
sd_drive frozen "bus = ata" "security = yes" "frozen = yes"
before=$(sha256sum <"$SD_IMG")
check_err "a frozen drive is refused with what to do" 1 \
  "cannot wipe '$SD_LOOP' with ata-secure-erase: the drive's security is frozen (the firmware or BIOS froze it at boot); suspend and resume the machine (systemctl suspend), or unplug and re-plug the drive, then try again; assetctl never unfreezes a drive itself" \
  sd_wipe ata-secure-erase --no-certificate
check_out "... nothing written, the drive still frozen, no password set" "$before|1|0" \
  sh -c "echo \"\$(sha256sum <'$SD_IMG')|\$(sed -n 's/^sec_frozen //p' '$SD_DRIVE.state')|\$(sed -n 's/^sec_enabled //p' '$SD_DRIVE.state')\""
check_out "purge says frozen in 'devices'" frozen sh -c "ASSETCTL_TEST_DRIVE='$SD_DRIVE' \"\$0\" devices '$SD_LOOP' --json | jq -r .purge" "$A"

# the lying drive: success reported, the data left; validation catches it
"$A" asset add --make Acme --model Laptop --serial PC1 --category laptop >/dev/null
# a loop device is known by its image file: the medium is matched by that
"$A" asset add-media TS-000001 --model "disk image" --serial "file:$SD_IMG" --size "$size" --kind nvme >/dev/null
sd_drive liar "bus = nvme" "sanitize = crypto" "lie = yes"
sd_fill random
run sd_wipe nvme-sanitize-crypto --asset TS-000001
check "a lying drive: the wipe fails because its markers survived" \
  last_is 1 "the drive reported nvme-sanitize-crypto done but validation failed: 16 of 16 markers survived the command: the data is still there"
check_out "... it says so" "wipe $(last_id): '$SD_LOOP' (TS-000001) failed" echo "${out##*$'\n'}"
check_out "... the drive said done, the record says failed and why" "done|failed|false" \
  fw '[.firmware.reported.state, .outcome, .firmware.validation.passed] | map(tostring) | join("|")'
check_out "... and the medium must be destroyed" "destroy_required" \
  sh -c "\"\$0\" asset show TS-000001 --json | jq -r '.media[0].status'" "$A"

# a sanitize that fails: the drive stays in failure mode; a new one clears it
sd_drive failing "bus = nvme" "sanitize = block" "fail = 1"
run sd_wipe nvme-sanitize-block --no-certificate
check "a failed sanitize: the wipe fails and says so" \
  last_is 1 "the drive reports that nvme-sanitize-block failed (failure mode: a new sanitize clears it)"
check_out "... the drive is in its failure mode (SSTAT 3)" "3 1" sh -c "echo \$(sed -n 's/^san_state //p; s/^failure_mode //p' '$SD_DRIVE.state')"
check_out "... the record has the status the drive reported" "failed" fw '.firmware.reported.state'
run sd_wipe nvme-sanitize-block --no-certificate
check_out "a rerun: a new sanitize, done, the failure mode left" "0 erased 1 0 2" \
  sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r .outcome) \$(sed -n 's/^san_state //p; s/^failure_mode //p; s/^san_starts //p' '$SD_DRIVE.state')" "$A"
sd_drive ata-failing "bus = ata" "sanitize = block" "fail = 1"
run sd_wipe ata-sanitize-block --no-certificate
check "ATA: a failed sanitize is seen as failed" last_is 1 "the drive reports that ata-sanitize-block failed"

# a reset while the drive sanitizes: one poll lost, the sanitize goes on
sd_drive reset "bus = nvme" "sanitize = block" "polls = 4" "reset_at_poll = 2"
sd_fill random
run sd_wipe nvme-sanitize-block --no-certificate
check_out "a reset mid-sanitize: polled through, erased, one sanitize sent" "0 erased 1 1" \
  sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r '\"\(.outcome) \(.firmware.polls.errors)\"') \$(sed -n 's/^san_starts //p' '$SD_DRIVE.state')" "$A"
check "... the image is erased" sd_image_is 00
sd_drive ata-reset "bus = ata" "sanitize = crypto" "polls = 3" "reset_at_poll = 1"
run sd_wipe ata-sanitize-crypto --no-certificate
check_out "ATA: a reset mid-sanitize, erased" "0 erased" sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r .outcome)" "$A"

# a security erase that fails: the temporary password is taken off again
sd_drive erase-fails "bus = ata" "security = yes" "security_erase_fail = yes"
sd_fill random
before=$(sha256sum <"$SD_IMG")
run sd_wipe ata-secure-erase --no-certificate
check "a failed security erase: the wipe fails and says the password was disabled" \
  last_is 1 "the temporary password was disabled again, the drive is as it was"
check_out "... the drive has no password set and is not locked (its own state)" "0 0 -" \
  sh -c "echo \$(sed -n 's/^sec_enabled //p; s/^sec_locked //p; s/^sec_password //p' '$SD_DRIVE.state')"
check "... nothing erased (the markers planted before it are there)" bash -c "! cmp -s '$SD_IMG' <(head -c $size /dev/zero) && grep -qa ASSETCTL-MARKER '$SD_IMG'"
check_out "... the record lists each step" "SECURITY SET PASSWORD:true SECURITY ERASE PREPARE:true SECURITY ERASE UNIT:false SECURITY UNLOCK:true SECURITY DISABLE PASSWORD:true" \
  fw '[.firmware.command.steps[] | "\(.command):\(.ok)"] | join(" ")'
check_out "'devices' shows security disabled" "false" \
  sh -c "ASSETCTL_TEST_DRIVE='$SD_DRIVE' \"\$0\" devices '$SD_LOOP' --json | jq -r .sanitize.ata.security.enabled" "$A"

# an HPA: refused with the numbers; --remove-hpa; --allow-hpa
sd_drive hpa "bus = ata" "sanitize = block" "visible_sectors = 30000"
sd_run devices "$SD_LOOP" --json >/dev/null   # the loop takes the drive's visible size
check_out "the loop shows the visible part" $((30000 * 512)) blockdev --getsize64 "$SD_LOOP"
check_err "an HPA is refused with the numbers" 1 \
  "cannot wipe '$SD_LOOP': a host protected area hides part of it (visible 30000 sectors, native 32768); use --remove-hpa to restore the native size first (recorded), or --allow-hpa to wipe the visible part only (outcome erased_with_exceptions)" \
  sd_wipe ata-sanitize-block --no-certificate
check_err "... the overwrite too" 1 "a host protected area hides part of it (visible 30000 sectors, native 32768)" \
  sd_wipe zero --no-certificate
run sd_wipe ata-sanitize-block --no-certificate --allow-hpa
check_out "--allow-hpa: the visible part, erased_with_exceptions (exit 1), the HPA recorded" "1 erased_with_exceptions 30000 32768" \
  sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r '\"\(.outcome) \(.firmware.hpa_allowed.visible_sectors) \(.firmware.hpa_allowed.native_sectors)\"')" "$A"
sd_fill random
run sd_wipe ata-sanitize-block --no-certificate --remove-hpa
check_out "--remove-hpa: the native size restored (recorded), erased" "0 erased 32768 30000" \
  sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r '\"\(.outcome) \(.firmware.hpa_removed.native_max_sectors) \(.firmware.hpa_removed.previous_max_sectors)\"')" "$A"
check_out "... the loop has its full size, the drive no HPA" "$size 32768" \
  sh -c "echo \$(blockdev --getsize64 '$SD_LOOP') \$(sed -n 's/^current_max //p' '$SD_DRIVE.state')"
check "... and all of it is erased" sd_image_is 00
check_out "... the markers reached the sectors the HPA hid (the last is 32767)" "32767 $size" \
  sh -c "\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r '\"\(.firmware.markers.positions | max) \(.firmware.size_bytes_after)\"'" "$A"

# a DCO: refused; --restore-dco
sd_drive dco "bus = ata" "sanitize = block" "dco = yes" "native_sectors = 30000"
sd_fill random
check_err "a DCO is refused with the numbers" 1 \
  "cannot wipe '$SD_LOOP': a device configuration overlay hides part of it (factory 32768 sectors, native 30000); use --restore-dco to restore it first (permanent)" \
  sd_wipe ata-sanitize-block --no-certificate
run sd_wipe ata-sanitize-block --no-certificate --restore-dco
check_out "--restore-dco: restored, erased" "0 erased 32768" \
  sh -c "echo $rc \$(\"\$0\" wipe show \$(\"\$0\" wipe list --json | jq -r '.[0].id') --json | jq -r .outcome) \$(sed -n 's/^native_max //p' '$SD_DRIVE.state')" "$A"

# several namespaces: a sanitize erases them all, so each must be named
sd_drive ns "bus = nvme" "sanitize = block" "format = user" "namespaces = 3"
sd_fill random
before=$(sha256sum <"$SD_IMG")
check_err "other namespaces are refused unless named" 1 \
  "cannot wipe '$SD_LOOP' with nvme-sanitize-block: it also erases namespaces 2, 3 of $SD_LOOP (3 active namespaces); name each with --also-namespace to go on" \
  sd_wipe nvme-sanitize-block --no-certificate
check_out "... nothing was sent" "$before 0" sh -c "echo \"\$(sha256sum <'$SD_IMG') \$(sed -n 's/^san_starts //p' '$SD_DRIVE.state')\""
check_err "... naming one is not enough" 1 "it also erases namespace 3 of $SD_LOOP" \
  sd_wipe nvme-sanitize-block --no-certificate --also-namespace 2
run sd_wipe nvme-sanitize-block --no-certificate --also-namespace 2 --also-namespace 3
check "... each named: erased" [ "$rc" -eq 0 ]
run sd_wipe nvme-format-user --no-certificate
check "a format of namespace 1 alone (FNA 0) needs no names" [ "$rc" -eq 0 ]

# killed while the drive sanitizes: the record stays open, a rerun polls
sd_drive killed "bus = nvme" "sanitize = block" "polls = 4" "kill_at_poll = 2"
sd_fill random
run sd_wipe nvme-sanitize-block --no-certificate
id=$(last_id)
check_out "the tool is killed mid-sanitize (SIGKILL)" 137 echo "$rc"
check_out "... the wipe stays started (in progress), its command sent" "started|sent" \
  sh -c "\"\$0\" wipe show $id --json | jq -r '\"\(.outcome)|\(.firmware.state)\"'" "$A"
run sd_wipe nvme-sanitize-block --no-certificate
check "a rerun says it resumes" last_is 0 "wipe $id sent nvme-sanitize-block to this drive and did not see it end: it is resumed (polled, not started again)"
check_out "... the same wipe ends erased, and the drive got one sanitize only" "0 $id erased 1" \
  sh -c "echo $rc \$(\"\$0\" wipe list --json | jq -r '.[0] | \"\(.id) \(.outcome)\"') \$(sed -n 's/^san_starts //p' '$SD_DRIVE.state')" "$A"
check "... and the image is erased" sd_image_is 00
check_rc "audit verify" 0 "$A" audit verify
done_testing
