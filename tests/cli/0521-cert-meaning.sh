#!/usr/bin/env bash
# cert verify checks what a certificate means, not only its form and
# signature: documents the school edits and signs again with its own key
# (so every signature is good) whose method is unknown, whose passes do not
# fit their method (gutmann with 3, dod-short with its passes swapped),
# whose category or technique is not an overwrite's, whose sample covers a
# byte, whose authorisation comes after the wipe or whose passes overlap
# are refused; a forgery costs no recomputation before it is rejected.
# Image files only.
. "$(dirname "$0")/lib.sh"
PG_ROLE=head # on a trust (the PostgreSQL pass) only the head authorises disposals
new_db
printf 'correct horse battery\n' >"$T/pass"
chmod 600 "$T/pass" # one others can read is warned about (0500)
"$A" key generate --passphrase-file "$T/pass" >/dev/null
"$A" key export-public school -o "$T/school.pem" >/dev/null
"$A" person add --ref HT --name "Ann Head" --job-title Headteacher --authoriser >/dev/null
schoolkey="$KEYS_DIR/school.key"
size=$(( (12 << 20) + 4096 ))   # four 4 MiB chunks, the last short
head -c "$size" /dev/zero >"$T/d1.img"
"$A" asset add --make Dell --model OptiPlex --serial PC1 >/dev/null
"$A" asset add-media TS-000001 --model ST500 --serial Z1 --size "$size" --kind hdd >/dev/null
"$A" disposal request TS-000001 --reason old >/dev/null
"$A" disposal authorise TS-000001 --by HT >/dev/null
"$A" wipe "$T/d1.img" --method dod-short --asset TS-000001 --yes --serial "$T/d1.img" --progress none \
  --key school --passphrase-file "$T/pass" >/dev/null 2>&1
"$A" cert export TS-CERT-000001 -o "$T/out" >/dev/null
c="$T/out/TS-CERT-000001.json"
check_rc "the certificate as issued verifies" 0 "$A" cert verify "$c" --key "$T/school.pem"

forge() { # FILTER: a re-signed copy of the certificate in $T/f.json / $T/f.sig
  jq -cS "$1" "$c" | tr -d '\n' >"$T/f.json"
  openssl pkeyutl -sign -inkey "$schoolkey" -passin file:"$T/pass" -rawin -in "$T/f.json" -out "$T/f.sig"
}
# refused: TITLE FILTER PROBLEM-LINE...: the forgery fails with exactly these problems
refused() {
  local title=$1 filter=$2 n=$(( $# - 2 )) want
  shift 2
  forge "$filter"
  want="error: '$T/f.json' does not verify ($n problem$([ "$n" -gt 1 ] && echo s)):"
  for l in "$@"; do want+=$'\n'"  $l"; done
  run "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"
  if [ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$want" ]; then _ok "$title"
  else _not_ok "$title" "exit $rc
--- stderr
$err
--- wanted
$want"; fi
}
forge '.'
check_rc "re-signing alone changes nothing" 0 "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"

desc_gutmann="Gutmann (35 passes); last pass verified"
desc_dod="DoD 5220.22-M (3 passes): a byte, its complement, random; last pass verified"
refused "an unknown method" '.sanitisation.method = "secret-sauce"' \
  "meaning: method_description is not that of method 'secret-sauce' (overwrite with the passes listed)" \
  "meaning: method 'secret-sauce' is not one this tool knows (zero, one, random, nist-clear, is5-baseline, is5-enhanced, dod-short, dod-7, gutmann, or custom)"
refused "gutmann with 3 passes" ".sanitisation.method = \"gutmann\" | .sanitisation.method_description = \"$desc_gutmann\"" \
  "meaning: method 'gutmann' has 35 passes, the certificate lists 3"
refused "dod-short with its passes swapped" \
  '.passes[0] as $a | .passes[1] as $b | .passes[0] = ($b | .number = 1 | .started = $a.started | .ended = $a.ended)
   | .passes[1] = ($a | .number = 2 | .started = $b.started | .ended = $b.ended)' \
  "meaning: pass 1 of method 'dod-short' is 00, the certificate says ff" \
  "meaning: pass 2 of method 'dod-short' is ff, the certificate says 00"
refused "another method's description" '.sanitisation.method_description = "NIST SP 800-88 Purge"' \
  "meaning: method_description is not that of method 'dod-short' ($desc_dod)"
refused "nist_category purge for an overwrite" '.sanitisation.nist_category = "purge"' \
  "meaning: nist_category 'purge' for an overwrite (NIST SP 800-88 counts an overwrite as clear)"
refused "technique degauss" '.sanitisation.technique = "degauss"' \
  "meaning: technique 'degauss' is not what method 'dod-short' does (overwrite)"
sample='.sanitisation.verification = "sample" | .sanitisation.verification_detail = "10% of the 4 MiB chunks read back and compared with what was written"'
refused "a sample verification that covers one byte" "$sample | .passes[2].bytes_verified = 1 | .passes[2].verified_root = null" \
  "meaning: pass 3's sample read back 1 bytes, less than the 10% it states (at least 4198400 bytes)"
forge "$sample | .passes[2].bytes_verified = $(( (4 << 20) + 4096 )) | .passes[2].verified_root = null"
check_rc "... a sample of the first and last chunk (what the engine reads for 10% of 4) verifies" 0 \
  "$A" cert verify "$T/f.json" --sig "$T/f.sig" --key "$T/school.pem"
refused "a sample below the floor" "$sample | .sanitisation.verification_detail = \"0.01% of the 4 MiB chunks read back\" | .passes[2].bytes_verified = $(( (4 << 20) + 4096 )) | .passes[2].verified_root = null" \
  "meaning: a sample of 0.01% of the chunks is below the 1% a certificate needs"
refused "a sample that does not say its share" "$sample | .sanitisation.verification_detail = null | .passes[2].bytes_verified = 4096 | .passes[2].verified_root = null" \
  "meaning: sample verification does not say what share was read back (verification_detail)"
ended=$(jq -r .ended "$c")
refused "an authorisation dated after the wipe" '.authorisation.authorised_at = "2099-01-01T00:00:00Z"' \
  "meaning: the disposal was authorised (2099-01-01T00:00:00Z) after the wipe ended ($ended)"
refused "passes that overlap in time" '.started = "2026-01-01T00:00:00Z" | .passes[0].started = .started | .passes[0].ended = .ended
   | .passes[1].started = "2026-01-01T00:00:01Z"' \
  "meaning: pass 2 started before pass 1 ended"

# the work a document costs is bounded, and a forgery costs none: 64
# random passes over 256 MiB each (16 GiB of stream to regenerate before)
big=$(( 256 << 20 ))
passes=$(for i in $(seq 64); do
  seed=$(printf '%064x' "$i")
  sh=$(printf '%s' "$seed" | xxd -r -p | sha256sum | cut -c1-64)
  printf '{"bytes_verified":%d,"bytes_written":%d,"ended":"%s","errors":[],"number":%d,"pattern":"random","seed":"%s","seed_sha256":"%s","started":"%s","verified":true,"verified_root":"%s","written_root":"%s"}\n' \
    "$big" "$big" "$ended" "$i" "$seed" "$sh" "$ended" "$(printf '%064d' 0)" "$(printf '%064d' 0)"
done | jq -s -c .)
jq -cS --argjson p "$passes" --argjson big "$big" '.passes = $p | .sanitisation.method = "custom" | .sanitisation.passes_planned = 64
  | .sanitisation.method_description = "overwrite with the passes listed" | .medium.size_bytes = $big | .started = .ended' "$c" | tr -d '\n' >"$T/big.json"
sigfile=$(ls "$T/out/"*.sig | head -1)   # the certificate's own signature
check "a 64-pass forgery of $(wc -c <"$T/big.json") bytes with the old signature is rejected within 5 s of CPU" \
  sh -c "ulimit -t 5; \"$A\" cert verify '$T/big.json' --sig '$sigfile' --key '$T/school.pem' >/dev/null 2>'$T/big.err'; [ \$? -eq 1 ]"
check "... for its signature" grep -q "signature: " "$T/big.err"
openssl pkeyutl -sign -inkey "$schoolkey" -passin file:"$T/pass" -rawin -in "$T/big.json" -out "$T/big.sig"
check "re-signed, its recomputation is bounded: rejected within 5 s of CPU" \
  sh -c "ulimit -t 5; \"$A\" cert verify '$T/big.json' --sig '$T/big.sig' --key '$T/school.pem' >/dev/null 2>'$T/big.err'; [ \$? -eq 1 ]"
check "... one pass's root recomputed and found wrong" grep -q "pass 1's written_root is not the root of pattern 'random'" "$T/big.err"
check_out "... the others not recomputed" "1" grep -c "written_root is not the root" "$T/big.err"
done_testing
