#!/usr/bin/env bash
# Secrets: an abbreviated --passphrase-file is refused and what followed it
# is never echoed, nor any --name=VALUE getopt cannot place; a passphrase
# file others can read is warned about; a key written with the old key
# derivation (PBKDF2, 2,048 iterations) still unlocks and is re-encrypted
# with scrypt as it is, atomically and mode 0600.
. "$(dirname "$0")/lib.sh"
new_db
D=$(dirname "$KEYS_DIR")
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass"
secret=Zq7-typed-secret
# no_echo TITLE RC STDERR CMD...: exit RC, exactly that stderr (which cannot
# hold the secret), nothing changed
no_echo() {
  local title=$1 want_rc=$2 want_err=$3; shift 3
  dump >"$T/before"
  exact "$title" "$want_rc" "" "$want_err" "$@"
  check "$title: the secret is not echoed" eval '[[ "$err$out" != *"$secret"* ]]'
  dump >"$T/after"
  check "$title: nothing changed" cmp -s "$T/before" "$T/after"
}
usage_gen="usage: assetctl key generate [--name NAME] [--owner REF] [--passphrase-file F] [--key-dir D]
Run 'assetctl key generate --help' for the options."

no_echo "--passphrase SECRET is not taken as --passphrase-file" 2 \
  "error: '--passphrase' is short for '--passphrase-file': an option that carries a secret must be given in full
$usage_gen" "$A" key generate --passphrase "$secret"
no_echo "... nor --passphrase=SECRET" 2 \
  "error: '--passphrase' is short for '--passphrase-file': an option that carries a secret must be given in full
$usage_gen" "$A" key generate --passphrase="$secret"
no_echo "... nor --pass SECRET after a positional-free command's other options" 2 \
  "error: '--pass' is short for '--passphrase-file': an option that carries a secret must be given in full
$usage_gen" "$A" key generate --name k1 --pass "$secret"
check "no key file was made" [ ! -e "$D/keys/k1.key" ] && [ ! -e "$D/keys/school.key" ]
no_echo "a --name=SECRET getopt does not know is named without its value" 2 \
  "assetctl asset list: unrecognized option '--passphrase'
usage: assetctl asset list [--status S] [--location L] [--category C] [--json|--csv]
Run 'assetctl asset list --help' for the options." "$A" asset list --passphrase="$secret"
no_echo "... and an ambiguous one" 2 \
  "assetctl asset list: option '--c' is ambiguous; possibilities: '--category' '--csv'
usage: assetctl asset list [--status S] [--location L] [--category C] [--json|--csv]
Run 'assetctl asset list --help' for the options." "$A" asset list --c="$secret"
no_echo "a passphrase file that cannot be opened is not named" 1 \
  "error: cannot generate key 'school': cannot open the passphrase file: No such file or directory" \
  "$A" key generate --passphrase-file "$secret"
check_rc "the full option works" 0 "$A" key generate --passphrase-file "$T/pass"
"$A" person add --ref HT --name "Head Teacher" --authoriser >/dev/null
"$A" asset add --make HP --model Mouse --serial M1 >/dev/null
"$A" disposal request TS-000001 --reason broken >/dev/null
"$A" disposal authorise TS-000001 --by HT >/dev/null
no_echo "signing commands refuse the abbreviation too" 2 \
  "error: '--passphrase-f' is short for '--passphrase-file': an option that carries a secret must be given in full
usage: assetctl audit checkpoint [--key NAME] [--passphrase-file F] [--key-dir D] [--output FILE.json]
Run 'assetctl audit checkpoint --help' for the options." "$A" audit checkpoint --key school --passphrase-f="$T/pass"
run "$A" consignment create --firm F --carrier-registration C TS-000001 --key school --passphrase "$secret"
check "... consignment create" [ "$rc" -eq 2 ] && [[ "$err" == *"'--passphrase' is short for '--passphrase-file'"* ]] && [[ "$err" != *"$secret"* ]]
run "$A" cert issue 1 --key school --passphrase "$secret"
check "... cert issue" [ "$rc" -eq 2 ] && [[ "$err" == *"'--passphrase' is short for '--passphrase-file'"* ]] && [[ "$err" != *"$secret"* ]]
run "$A" wipe --key school --passphrase "$secret" "$T/nothing"
check "... wipe" [ "$rc" -eq 2 ] && [[ "$err" == *"'--passphrase' is short for '--passphrase-file'"* ]] && [[ "$err" != *"$secret"* ]]

# passphrase files others can read
cp "$T/pass" "$T/open"
chmod 644 "$T/open"
exact "a passphrase file anyone can read is warned about" 0 "" \
  "warning: the passphrase file of key 'school' can be read by others (mode 0644): chmod 600 it" \
  sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/open' >/dev/null"
chmod 640 "$T/open"
exact "... and one its group can read" 0 "" \
  "warning: the passphrase file of key 'school' can be read by its group (mode 0640): chmod 600 it" \
  sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/open' >/dev/null"
exact "a private one is not" 0 "" "" sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/pass' >/dev/null"
printf 'correct horse battery\r\nsecond line\n' >"$T/crlf"
chmod 600 "$T/crlf"
check_rc "the first line is the passphrase (CRLF too)" 0 sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/crlf' >/dev/null"
printf 'correct\0horse\n' >"$T/nul"
check_err "a NUL byte is refused" 1 "the passphrase file holds a NUL byte" \
  "$A" audit checkpoint --key school --passphrase-file "$T/nul"

# the key derivation: new keys get scrypt, recorded in the PKCS#8 file
asn() { openssl asn1parse -in "$1" | sed -E 's/^ *[0-9]+:d=([0-9]+) *hl=[0-9]+ l= *[0-9]+ /\1 /; s/\[HEX DUMP\]:.*/HEX/; s/ +$//'; }
asn "$D/keys/school.key" >"$T/new.asn"
check "a new key is PBES2 with scrypt" grep -q ':scrypt$' "$T/new.asn"
check_out "... N = 2^14, r = 8, p = 5" "4000 08 05" sh -c "grep -A5 ':scrypt\$' '$T/new.asn' | sed -n 's/.*INTEGER *://p' | xargs"
fp=$(openssl pkey -in "$D/keys/school.key" -passin file:"$T/pass" -pubout | sha256sum)
# the old format, made with stock OpenSSL from this key: the same structure
# as the fixture the code of that time wrote (tests/data/keys)
openssl pkey -in "$D/keys/school.key" -passin file:"$T/pass" | openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 \
  -iter 2048 -passout file:"$T/pass" -out "$T/old.key"
check "the converted key has the old format's structure (PBKDF2, 2048, AES-256-CBC)" \
  cmp -s <(asn "$T/old.key") <(asn "$ASSETCTL_SRCDIR/tests/data/keys/pbkdf2-2048.key")
check "... and 2,048 iterations" grep -q 'INTEGER *:0800$' <(asn "$T/old.key")
cp "$T/old.key" "$D/keys/school.key"
chmod 600 "$D/keys/school.key"
umask 000
exact "an old key unlocks, and is re-encrypted as it is" 0 "" \
  "key 'school' re-encrypted with scrypt N=16384 r=8 p=5 (was PBKDF2 2048 iterations)" \
  sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/pass' >/dev/null"
umask 022
check "... now with scrypt" grep -q ':scrypt$' <(asn "$D/keys/school.key")
check_out "... mode 0600 (under umask 000)" "600" stat -c %a "$D/keys/school.key"
check "... the same key" [ "$(openssl pkey -in "$D/keys/school.key" -passin file:"$T/pass" -pubout | sha256sum)" = "$fp" ]
check "... nothing left beside it" [ "$(ls "$D/keys")" = "$(printf 'school.key\nschool.pub.pem')" ]
exact "the next unlock says nothing" 0 "" "" sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/pass' >/dev/null"
# a cheaper scrypt is brought up to the current cost too
openssl pkey -in "$D/keys/school.key" -passin file:"$T/pass" | openssl pkcs8 -topk8 -v2 aes-256-cbc -scrypt -scrypt_N 1024 \
  -scrypt_r 8 -scrypt_p 1 -passout file:"$T/pass" -out "$T/cheap.key"
cp "$T/cheap.key" "$D/keys/school.key"
chmod 600 "$D/keys/school.key"
exact "a cheaper scrypt key is re-encrypted" 0 "" \
  "key 'school' re-encrypted with scrypt N=16384 r=8 p=5 (was scrypt N=1024 r=8 p=1)" \
  sh -c "\"$A\" audit checkpoint --key school --passphrase-file '$T/pass' >/dev/null"
# a re-encryption that cannot be written: the key still signs, with a warning
cp "$T/old.key" "$D/keys/school.key"
chmod 600 "$D/keys/school.key"
mkdir "$D/keys/school.key.new"
run "$A" audit checkpoint --key school --passphrase-file "$T/pass"
check "a re-encryption that cannot be written: signs, and warns" [ "$rc" -eq 0 ] && \
  [ "$err" = "warning: key 'school' (PBKDF2 2048 iterations) could not be re-encrypted: cannot create '$D/keys/school.key.new': File exists" ]
check "... the old file kept" cmp -s "$T/old.key" "$D/keys/school.key"
rmdir "$D/keys/school.key.new"
printf 'wrong horse battery\n' >"$T/bad"
check_err "a wrong passphrase for an old key" 1 "wrong passphrase for key" \
  "$A" audit checkpoint --key school --passphrase-file "$T/bad"
check "... the old file kept" cmp -s "$T/old.key" "$D/keys/school.key"
check_rc "audit verify" 0 "$A" audit verify
done_testing
