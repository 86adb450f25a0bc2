#!/usr/bin/env bash
# The firmware methods' command line (issue 11) without a drive: the
# options and their refusals, nothing written to a target that is not a
# drive, and `wipe show` of a wipe whose command is still with the drive.
# The runs themselves are in the unit tests (a scripted drive) and the QEMU
# tier (0601).
. "$(dirname "$0")/lib.sh"
new_db
img="$T/drive.img"
head -c $((4 << 20)) /dev/urandom >"$img"
before=$(sha256sum <"$img")
w() { "$A" wipe "$img" --yes --serial "$img" --progress none "$@"; }

check_err "an image file is not a drive: nothing to ask" 1 \
  "error: cannot wipe '$img': cannot ask '$img': not a device" w --method nvme-format-user
check_err "purge on it neither" 1 "error: cannot wipe '$img': cannot ask '$img': not a device" w --method purge
check_err "a firmware method is validated by markers or all" 2 \
  "error: --verify last: a firmware method is validated by its markers (default) or by reading all of it (--verify all)" \
  w --method purge --verify last
check_err "--remove-hpa goes with a firmware method" 2 \
  "error: --remove-hpa goes with a firmware method (--method purge, nvme-format-user, ...)" w --method zero --remove-hpa
check_err "--then-overwrite too" 2 "error: --then-overwrite goes with a firmware method" w --method zero --then-overwrite
check_err "--also-namespace too" 2 "error: --also-namespace goes with an nvme firmware method" w --method zero --also-namespace 2
check_err "not both --remove-hpa and --allow-hpa" 2 "error: give --remove-hpa or --allow-hpa, not both" \
  w --method purge --remove-hpa --allow-hpa
check_err "a bad overwrite pattern" 2 "error: --pattern '12': 8 hex digits (a 32-bit pattern)" \
  w --method ata-sanitize-overwrite --overwrite-pattern 12
check_err "a bad pass count" 2 "error: --overwrite-passes '17': 1 to 16" w --method ata-sanitize-overwrite --overwrite-passes 17
check_err "a bad timeout" 2 "error: --timeout '0': seconds, 1 to 2592000" w --method purge --timeout 0
check_err "an unknown method names the choices, firmware ones too" 2 \
  "error: method 'nvme-format-usr' is not known: use zero, one, random, nist-clear, is5-baseline, is5-enhanced, dod-short, dod-7, gutmann, or --passes; or the drive's own firmware: purge, nvme-sanitize-crypto," \
  w --method nvme-format-usr
check "nothing was written" [ "$(sha256sum <"$img")" = "$before" ]
check_out "no wipe was recorded" "0" db_sql "SELECT count(*) FROM wipes"
check "--help lists purge and the firmware options" sh -c "'$A' wipe --help | grep -q 'purge (the strongest it offers)' && '$A' wipe --help | grep -q -- '--also-namespace NS'"

# A wipe whose command was sent when the tool was killed (made here as the
# register would hold it): wipe show says so.
db_tamper "INSERT INTO wipes(target, target_kind, device, method, pass_list, verify, size_bytes, sector_size,
  started_at, operator, host, tool_version) VALUES ('/dev/nvme0n1', 'block', '{\"serial\":\"S1\"}', 'nvme-sanitize-block', '[]',
  'markers', 4194304, 512, '2026-12-06T10:00:00Z', 'op', '{}', 'test');
  INSERT INTO wipe_firmware(wipe_id, method, state, record) VALUES (1, 'nvme-sanitize-block', 'sent',
  '{\"method\":\"nvme-sanitize-block\",\"nist_category\":\"purge\",\"reported\":{\"sprog\":16384,\"sstat\":2},\"state\":\"sent\",\"technique\":\"block erase\"}')"
check_out "wipe show says the command is still with the drive" \
  "firmware: nvme-sanitize-block (block erase, NIST SP 800-88 purge)
drive reported: {\"sprog\":16384,\"sstat\":2}
state: sent
in progress: the drive was sent nvme-sanitize-block and assetctl stopped watching before it ended; run the same wipe again on this drive to resume watching it (it is not started anew)" \
  sh -c "'$A' wipe show 1 | sed -n '/^firmware:/,\$p'"
check_out "... and --json has the record" "sent" sh -c "'$A' wipe show 1 --json | jq -r .firmware.state"
done_testing
