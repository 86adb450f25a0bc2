/* The evidence pack's offline checker (verify.sh) and its README.txt, for
 * the disposal firm: written by consignment export beside the manifest.
 * verify.sh needs openssl, sha256sum and jq and nothing else but POSIX sh
 * tools (od, cut, tail, cmp). See disposal.h. */
#include "core-internal.h"
#include "disposal.h"

/* The script, with the consignment's id put in by evidence_verify_sh. It
 * checks: the manifest's signature with school.pub.pem and the key it
 * names; every certificate the manifest lists (present, its SHA-256 equal
 * to the manifest's, its signature, its key, its asset); every signed
 * authorisation (the authoriser's key file by fingerprint, its signature
 * over the exact statement, that it names the certificate's asset and the
 * manifest's authoriser and time). Exit 0 only if everything passes. */
static const char verify_sh[] =
        "#!/bin/sh\n"
        "# Checks this evidence pack offline with openssl, sha256sum and jq alone\n"
        "# (and POSIX sh tools). Exit status 0: every check passed; 1: something\n"
        "# failed (each failure is named); 2: a tool is missing. Written by assetctl.\n"
        "set -u\n"
        "ID='@ID@'\n"
        "cd \"$(dirname \"$0\")\" || exit 2\n"
        "for t in openssl sha256sum jq od cut tail cmp; do\n"
        "  command -v \"$t\" >/dev/null 2>&1 || { echo \"verify.sh: '$t' is needed\" >&2; exit 2; }\n"
        "done\n"
        "failed=0\n"
        "ok() { echo \"ok: $*\"; }\n"
        "bad() { echo \"FAIL: $*\"; failed=$((failed + 1)); }\n"
        "# the key id: SHA-256 of the raw 32-byte Ed25519 public key\n"
        "fingerprint() { openssl pkey -pubin -in \"$1\" -outform DER 2>/dev/null | tail -c 32 | sha256sum | cut -c1-64; }\n"
        "verifies() { openssl pkeyutl -verify -pubin -inkey \"$1\" -rawin -in \"$2\" -sigfile \"$3\" >/dev/null 2>&1; }\n"
        "# hex to bytes on stdout, with printf's octal escapes\n"
        "unhex() {\n"
        "  h=$1 out=''\n"
        "  while [ -n \"$h\" ]; do b=${h%\"${h#??}\"}; h=${h#??}; out=\"$out\\\\$(printf %o \"0x$b\")\"; done\n"
        "  printf \"$out\"\n"
        "}\n"
        "tmp=$(mktemp -d) || exit 2\n"
        "trap 'rm -rf \"$tmp\"' EXIT\n"
        "M=\"$ID.json\"\n"
        "[ -f \"$M\" ] && [ -f \"$ID.sig\" ] && [ -f school.pub.pem ] || { echo \"FAIL: $M, $ID.sig or school.pub.pem is missing\"; exit 1; }\n"
        "school=$(fingerprint school.pub.pem)\n"
        "echo \"school key fingerprint: $school (check it with the school, by phone or on paper)\"\n"
        "if verifies school.pub.pem \"$M\" \"$ID.sig\"; then ok \"manifest $M: signature\"; else bad \"manifest $M: the signature does not verify\"; fi\n"
        "[ \"$(jq -r .signing_key.fingerprint \"$M\" 2>/dev/null)\" = \"$school\" ] && ok \"manifest $M: signed with the school's key\" ||\n"
        "  bad \"manifest $M: names a signing key other than school.pub.pem\"\n"
        "list=$(jq -r '.assets[] | .tag as $t | .authorisation as $a | .media[] | select(.certificate_id != null) |\n"
        "  [$t, .certificate_id, .certificate_sha256, $a.name, $a.authorised_at] | @tsv' \"$M\" 2>/dev/null) || bad \"manifest $M: not the expected JSON\"\n"
        "tab=$(printf '\\t')\n"
        "while IFS=$tab read -r tag cert sha name when; do\n"
        "  [ -n \"$tag\" ] || continue\n"
        "  C=\"$cert.json\"\n"
        "  if [ ! -f \"$C\" ] || [ ! -f \"$cert.sig\" ]; then bad \"$cert: $C or $cert.sig is missing\"; continue; fi\n"
        "  [ \"$(sha256sum <\"$C\" | cut -c1-64)\" = \"$sha\" ] && ok \"$cert: SHA-256 as in the manifest\" ||\n"
        "    bad \"$cert: its SHA-256 differs from the manifest's\"\n"
        "  verifies school.pub.pem \"$C\" \"$cert.sig\" && ok \"$cert: signature\" || bad \"$cert: the signature does not verify\"\n"
        "  [ \"$(jq -r .signing_key.fingerprint \"$C\" 2>/dev/null)\" = \"$school\" ] || bad \"$cert: names a signing key other than school.pub.pem\"\n"
        "  [ \"$(jq -r .asset.tag \"$C\" 2>/dev/null)\" = \"$tag\" ] || bad \"$cert: is not for asset $tag\"\n"
        "  # the authorisation the certificate carries\n"
        "  [ \"$(jq -r .authorisation.name \"$C\" 2>/dev/null)\" = \"$name\" ] &&\n"
        "    [ \"$(jq -r .authorisation.authorised_at \"$C\" 2>/dev/null)\" = \"$when\" ] ||\n"
        "    bad \"$cert: its authorisation differs from the manifest's ($name, $when)\"\n"
        "  if [ \"$(jq -r .authorisation.signed \"$C\" 2>/dev/null)\" != true ]; then\n"
        "    echo \"note: $cert: the authorisation of $tag by $name was not signed by the authoriser (the school's signature covers it)\"\n"
        "    continue\n"
        "  fi\n"
        "  kf=$(jq -r .authorisation.key_fingerprint \"$C\")\n"
        "  K=\"key-$(printf %s \"$kf\" | cut -c1-16).pub.pem\"\n"
        "  if [ ! -f \"$K\" ]; then bad \"$cert: the authoriser's key $K is missing\"; continue; fi\n"
        "  [ \"$(fingerprint \"$K\")\" = \"$kf\" ] || { bad \"$cert: $K is not the key the authorisation names ($kf)\"; continue; }\n"
        "  jq -j .authorisation.statement \"$C\" >\"$tmp/statement.json\"\n"
        "  unhex \"$(jq -r .authorisation.signature \"$C\")\" >\"$tmp/statement.sig\"\n"
        "  verifies \"$K\" \"$tmp/statement.json\" \"$tmp/statement.sig\" && ok \"$cert: authorisation signed by $name\" ||\n"
        "    bad \"$cert: the authorisation's signature does not verify with $K\"\n"
        "  [ \"$(jq -r .asset.tag \"$tmp/statement.json\" 2>/dev/null)\" = \"$tag\" ] &&\n"
        "    [ \"$(jq -r .authorised_by.name \"$tmp/statement.json\" 2>/dev/null)\" = \"$name\" ] &&\n"
        "    [ \"$(jq -r .authorised_at \"$tmp/statement.json\" 2>/dev/null)\" = \"$when\" ] &&\n"
        "    [ \"$(jq -r .signing_key.fingerprint \"$tmp/statement.json\" 2>/dev/null)\" = \"$kf\" ] ||\n"
        "    bad \"$cert: the signed authorisation does not say what the certificate says (asset $tag, $name, $when)\"\n"
        "done <<EOF\n"
        "$list\n"
        "EOF\n"
        "if [ \"$failed\" -eq 0 ]; then echo \"all checks passed\"; exit 0; fi\n"
        "echo \"$failed check(s) FAILED: reject this pack and call the school\"\n"
        "exit 1\n";

char *evidence_verify_sh(const char *consignment_id) {
        const char *at = strstr(verify_sh, "@ID@");
        return xasprintf("%.*s%s%s", (int) (at - verify_sh), verify_sh, consignment_id, at + 4);
}

char *evidence_readme(const char *id, json_t *cert_ids, json_t *notes_files) {
        struct strbuf sb = {0};
        sb_printf(&sb,
                  "Consignment %s: the evidence pack\n"
                  "==================================\n\n"
                  "For the disposal firm. Everything here can be checked offline with OpenSSL 3,\n"
                  "sha256sum and jq alone; you do not need assetctl or the school's register.\n\n"
                  "What is here\n"
                  "  %s.json, %s.sig   the manifest (canonical JSON) and its Ed25519 signature\n"
                  "  %s.pdf              the manifest for people\n",
                  id, id, id, id);
        size_t i;
        json_t *v;
        json_array_foreach(cert_ids, i, v) {
                const char *c = json_string_value(v);
                sb_printf(&sb, "  %s.json, .sig, .pdf   a wipe certificate the manifest lists\n", c);
        }
        json_array_foreach(notes_files, i, v) sb_printf(&sb, "  %s\n", json_string_value(v));
        sb_printf(&sb,
                  "  school.pub.pem      the school's public key\n"
                  "  key-*.pub.pem       the public keys of the people who signed authorisations\n"
                  "  verify.sh           checks all of the below in one go\n\n"
                  "1. Check the school's key fingerprint with the school, by phone or on paper:\n\n"
                  "     openssl pkey -pubin -in school.pub.pem -outform DER | tail -c 32 | sha256sum\n\n"
                  "2. Run the checks (exit status 0 and 'all checks passed' at the end, else\n"
                  "   each failure is named and the pack must be rejected):\n\n"
                  "     sh verify.sh\n\n"
                  "3. Or check by hand. The manifest's signature:\n\n"
                  "     openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in %s.json -sigfile %s.sig\n\n"
                  "   Each certificate's hash is the one the manifest lists, and its signature:\n\n"
                  "     jq -r '.assets[].media[] | select(.certificate_id) | .certificate_sha256 + \"  \" + .certificate_id + \".json\"' %s.json | sha256sum -c\n"
                  "     openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in CERT.json -sigfile CERT.sig\n\n"
                  "   A signed authorisation inside a certificate (the statement's exact bytes,\n"
                  "   the signature in hex, the authoriser's key named by its fingerprint):\n\n"
                  "     jq -j .authorisation.statement CERT.json >auth.json\n"
                  "     jq -r .authorisation.signature CERT.json | xxd -r -p >auth.sig      # or verify.sh's unhex\n"
                  "     openssl pkeyutl -verify -pubin -inkey key-FINGERPRINT16.pub.pem -rawin -in auth.json -sigfile auth.sig\n\n"
                  "The waste notes (waste transfer note; hazardous waste consignment note when\n"
                  "anything is hazardous) are to be signed by the school and the carrier at the\n"
                  "collection: keep the transfer note 2 years, the consignment note 3 years.\n"
                  "Then send the school a written receipt for the consignment, accepting\n"
                  "responsibility for destroying the data.\n",
                  id, id, id);
        return sb_take(&sb);
}
