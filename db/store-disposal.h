/* Store for the end of an asset's life: signing keys, disposal requests and
 * authorisations, destructions, certificates, consignments, receipts and
 * signed audit checkpoints (migration 4, schema-disposal.c).
 *
 * Records travel as JSON objects keyed by column name. Signatures are stored
 * as raw 64-byte blobs and read back as lower-case hex ("signature" keys);
 * signed documents (certificate JSON, manifests) are stored as the exact
 * bytes that were signed. Every insert is the caller's to audit, inside the
 * caller's transaction. */
#pragma once

#include "store.h"

/* Keys: name, fingerprint, public_pem, person_id (0 for none). */
int db_key_insert(struct db *db, const char *name, const char *fingerprint, const char *public_pem,
                  int64_t person_id, int64_t *ret_id);
/* One key by name or fingerprint, with the owner's "owner_ref"/"owner_name";
 * -ENOENT if none. */
int db_key_get(struct db *db, const char *name_or_fingerprint, json_t **ret);
int db_key_list(struct db *db, json_t **ret);

/* Disposal requests. */
int db_disposal_request_insert(struct db *db, int64_t asset_id, const char *reason, const char *by, int64_t *ret_id);
/* The latest request for an asset; -ENOENT if none. */
int db_disposal_request_latest(struct db *db, int64_t asset_id, json_t **ret);
/* Authorisations: a has asset_id, request_id, person_id, name, role,
 * authorised_at and optionally statement + key_fingerprint; sig is NULL or
 * 64 bytes. */
int db_authorisation_insert(struct db *db, json_t *a, const uint8_t *sig, int64_t *ret_id);
/* The latest authorisation of an asset (with "person_ref"); -ENOENT if none. */
int db_authorisation_latest(struct db *db, int64_t asset_id, json_t **ret);
/* Destructions: d has asset_id, media_id (or null), method, performed_by,
 * firm_certificate, destroyed_at. */
int db_destruction_insert(struct db *db, json_t *d, int64_t *ret_id);
/* Destruction records of an asset (with "media_serial"). */
int db_destructions_by_asset(struct db *db, int64_t asset_id, json_t **ret);
/* Disposal requests with their asset and latest authorisation, newest first;
 * status filters by asset status when not NULL. */
int db_disposal_list(struct db *db, const char *status, json_t **ret);

/* Certificates. c has cert_id, asset_id, media_id, wipe_id, method, outcome,
 * key_fingerprint, issued_at; doc/doc_len the signed bytes; pdf may be NULL. */
int db_cert_insert(struct db *db, json_t *c, const char *doc, size_t doc_len, const uint8_t sig[64],
                   const void *pdf, size_t pdf_len, int64_t *ret_id);
/* The next free number for a new certificate or consignment id. */
int db_cert_next_number(struct db *db, int64_t *ret);
int db_consignment_next_number(struct db *db, int64_t *ret);
/* Certificate metadata (no document) of all, or of one asset (tag); newest last. */
int db_cert_list(struct db *db, const char *asset_tag, json_t **ret);
/* One certificate with "json" (the signed text) and "signature" (hex);
 * -ENOENT if none. */
int db_cert_get(struct db *db, const char *cert_id, json_t **ret);
/* The stored PDF of a certificate or consignment (malloc'd); -ENOENT if none. */
int db_cert_pdf(struct db *db, const char *cert_id, void **ret, size_t *ret_len);
int db_consignment_pdf(struct db *db, const char *consignment_id, void **ret, size_t *ret_len);
/* Passed (outcome erased) certificates of one medium. */
int db_cert_count_passed(struct db *db, int64_t media_id, int64_t *ret);
/* The certificate issued for a wipe (its id, malloc'd); -ENOENT if none. */
int db_cert_for_wipe(struct db *db, int64_t wipe_id, char **ret_cert_id);
/* The newest wipe of a medium (0 if none): recorded against it, or against
 * its asset (asset_tag) with no medium matched, as image files are. */
int db_wipe_latest_of_medium(struct db *db, int64_t media_id, const char *asset_tag, int64_t *ret_wipe_id);

/* Consignments. c has consignment_id, firm, carrier_registration, licence,
 * created_by, created_at, key_fingerprint. */
int db_consignment_insert(struct db *db, json_t *c, const char *doc, size_t doc_len, const uint8_t sig[64],
                          const void *pdf, size_t pdf_len, int64_t *ret_id);
int db_consignment_item_insert(struct db *db, int64_t consignment_row, int64_t asset_id, int64_t *ret_id);
/* One consignment with "manifest", "signature" (hex), its receipt fields
 * (receipt_number, received_date, received_by; null when none) and "assets"
 * (tags); -ENOENT if none. */
int db_consignment_get(struct db *db, const char *consignment_id, json_t **ret);
int db_consignment_list(struct db *db, json_t **ret);
int db_receipt_insert(struct db *db, int64_t consignment_row, const char *number, const char *date,
                      const char *received_by, int64_t *ret_id);

/* The disposal register: every asset with an authorisation, filtered by
 * disposal date (else authorisation date) between from and to (inclusive,
 * YYYY-MM-DD, NULL for open). */
int db_disposal_register(struct db *db, const char *from, const char *to, json_t **ret);

/* One medium by id (with "asset_tag"); -ENOENT if none. */
int db_media_by_id(struct db *db, int64_t id, json_t **ret);

/* Audit checkpoints. */
int db_checkpoint_insert(struct db *db, int64_t events, const char *head, const char *statement,
                         const uint8_t sig[64], const char *fingerprint, int64_t *ret_id);
/* The events no signed checkpoint covers (after the latest checkpoint's
 * count), as one item {first, last, since, last_checkpoint}, when the
 * first of them is dated before `date` (YYYY-MM-DD); else no item. */
int db_audit_unsigned_before(struct db *db, const char *date, json_t **ret);
/* All checkpoints (statement as text, signature as hex), oldest first. */
int db_checkpoint_list(struct db *db, json_t **ret);
/* The hash of audit event `id` (malloc'd) and the number of events;
 * *ret_hash is NULL when there is no such event. */
int db_audit_event_hash(struct db *db, int64_t id, char **ret_hash, int64_t *ret_count);
