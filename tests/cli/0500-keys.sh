#!/usr/bin/env bash
# Signing keys: generate (passphrase from a file or the terminal, never the
# command line), file modes under any umask, list, export, wrong passphrase.
. "$(dirname "$0")/lib.sh"
new_db
D=$(dirname "$KEYS_DIR")
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass" # one others can read is warned about (0500)
printf 'wrong horse battery\n' >"$T/bad"

umask 000
run "$A" key generate --passphrase-file "$T/pass"
check "generate prints the fingerprint" [ "$rc" -eq 0 ]
fp=$(printf '%s\n' "$out" | sed -n "s/^key 'school': Ed25519, fingerprint \([0-9a-f]\{64\}\)$/\1/p")
check "fingerprint is 64 hex digits" [ ${#fp} -eq 64 ]
check_out "private key mode 0600 even with umask 000" "600" stat -c %a "$D/keys/school.key"
check_out "keys directory is private" "700" stat -c %a "$D/keys"
check "private key is encrypted PKCS#8" grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$D/keys/school.key"
umask 022
check_out "fingerprint is SHA-256 of the raw 32-byte public key" "$fp" \
  sh -c "openssl pkey -pubin -in '$D/keys/school.pub.pem' -outform DER | tail -c 32 | sha256sum | cut -c1-64"
check_out "openssl opens it with the passphrase" "ED25519 Private-Key:" \
  sh -c "openssl pkey -in '$D/keys/school.key' -passin file:'$T/pass' -noout -text | head -1"
check_rc "openssl refuses it with a wrong passphrase" 1 openssl pkey -in "$D/keys/school.key" -passin file:"$T/bad" -noout
check_out "list" "school  $fp" sh -c "\"$A\" key list | sed -n 2p | cut -c1-72 | sed 's/ *\$//'"
check_rc "export-public" 0 "$A" key export-public school -o "$T/school.pub.pem"
check "exported key is the stored public key" cmp -s "$T/school.pub.pem" "$D/keys/school.pub.pem"
check_err "a second key of the same name is refused" 1 "key 'school' is already registered" \
  "$A" key generate --passphrase-file "$T/pass"
check_err "a passphrase on the command line is a usage error" 2 "a passphrase is never given on the command line" \
  "$A" key generate --name other "correct horse battery"
check_err "short passphrase refused" 1 "too short" sh -c "printf 'abc\n' >'$T/short'; \"$A\" key generate --name k2 --passphrase-file '$T/short'"
check_err "no terminal and no file: says how" 1 "give --passphrase-file FILE" setsid -w "$A" key generate --name k3
check_err "empty passphrase file" 1 "is empty" sh -c ": >'$T/empty'; \"$A\" key generate --name k4 --passphrase-file '$T/empty'"
check "refused keys left no files" [ ! -e "$D/keys/k2.key" ] && [ ! -e "$D/keys/k3.key" ]
check_err "owner must exist" 1 "no person 'NOPE'" "$A" key generate --name k5 --owner NOPE --passphrase-file "$T/pass"

# a wrong passphrase is refused, and nothing is written
"$A" person add --ref HT --name "Head Teacher" --authoriser >/dev/null
"$A" asset add --make HP --model Mouse --serial M1 >/dev/null
"$A" disposal request TS-000001 --reason broken >/dev/null
"$A" disposal authorise TS-000001 --by HT >/dev/null
dump >"$T/before"
check_err "wrong passphrase refused" 1 "wrong passphrase for key" \
  "$A" consignment create --firm F --carrier-registration CBDU123456 TS-000001 --key school --passphrase-file "$T/bad"
dump >"$T/after"
check "nothing changed" cmp -s "$T/before" "$T/after"
check_err "unknown key named before any prompt" 1 "no key 'nokey' on the register" \
  "$A" consignment create --firm F --carrier-registration CBDU123456 TS-000001 --key nokey
chmod 644 "$D/keys/school.key"
check_err "a key file readable by others is refused" 1 "is readable by others" \
  "$A" consignment create --firm F --carrier-registration CBDU123456 TS-000001 --key school --passphrase-file "$T/pass"
chmod 600 "$D/keys/school.key"
check_rc "--key-dir elsewhere" 0 "$A" key generate --name dept --key-dir "$T/elsewhere" --passphrase-file "$T/pass"
check_out "... mode 0600 there too" "600" stat -c %a "$T/elsewhere/dept.key"
check_out "audit log names the key events" "key.generate
key.generate" sh -c "\"$A\" audit log --csv | cut -d, -f4 | grep '^key\.'"
check_rc "audit verify" 0 "$A" audit verify
done_testing
