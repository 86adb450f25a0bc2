/* Certificates of sanitisation and consignment manifests as documents:
 * building them, and checking them with no register (the disposal firm's
 * side). A document is canonical JSON (sorted keys, no white space, UTF-8)
 * with a detached raw Ed25519 signature over its exact bytes.
 *
 * The wipe record a certificate is built from (issue 6's engine) is JSON:
 *   id, device, method, verify (last|all|sample), outcome (erased |
 *   erased with exceptions | failed), started, ended, size_bytes,
 *   passes: [{pattern, bytes_written, written_root, verified, bytes_verified,
 *             verified_root, seed, seed_sha256, started, ended, errors:
 *             [{offset, length, error}]}], errors: [text]
 * cert_from_wipe() maps it onto the certificate schema. */
#pragma once

#include <openssl/evp.h>

#include "json.h"
#include "util.h"

#define CERT_SCHEMA "assetctl.certificate.v1"
#define MANIFEST_SCHEMA "assetctl.manifest.v1"
#define CHECKPOINT_SCHEMA "assetctl.audit-checkpoint.v1"
#define AUTHORISATION_SCHEMA "assetctl.authorisation.v1"
#define DOC_MAX (1024 * 1024)

/* Context for a certificate beyond the wipe record: the school, operator,
 * asset, medium (register rows), authorisation, key fingerprint, id, time. */
struct cert_context {
        const char *cert_id;
        const char *issued;          /* UTC time */
        const char *school;
        const char *operator_name;
        json_t *asset;               /* tag, make, model, serial, category */
        json_t *medium;              /* model, serial, size_bytes, kind, wwn */
        json_t *authorisation;       /* name, role, authorised_at, person_ref, signed */
        const char *fingerprint;
};

/* Build the certificate document (a new JSON object) or fail naming what the
 * wipe record lacks. */
int cert_from_wipe(json_t *wipe, const struct cert_context *c, json_t **ret);

/* What a check found. */
struct doc_check {
        json_t *doc;      /* the parsed document (NULL if it did not parse) */
        char *kind;       /* "certificate", "manifest" or NULL */
        char *problems;   /* NULL when good; else one problem per line */
        int n_problems;
        char fingerprint[65]; /* of the key used */
};
void doc_check_done(struct doc_check *c);

/* Check a document and its signature with pub: signature over the exact
 * bytes, canonical form, strict schema (unknown or missing fields, types,
 * sizes), the key fingerprint it names, and the consistency of hashes and
 * outcome. Returns 0 when good, -EBADMSG when any check failed (all listed in
 * ret->problems), other -errno for errors. */
int doc_verify(const char *doc, size_t n, const uint8_t *sig, size_t sig_len, EVP_PKEY *pub, struct doc_check *ret);
/* After doc_verify() or doc_check_schema(): check the authoriser's signature
 * that a certificate's signed authorisation carries with pub, the
 * authoriser's public key (its fingerprint must be the one named). Adds a
 * problem and returns -EBADMSG when it does not verify or the document
 * carries no signed authorisation; 0 when it verifies. */
int doc_check_authorisation(struct doc_check *c, EVP_PKEY *pub);
/* Only the schema and consistency checks (no signature); the same result. */
int doc_check_schema(const char *doc, size_t n, struct doc_check *ret);
