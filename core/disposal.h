/* The end of an asset's life (issue 7): signing keys on the register,
 * disposal requests and authorisations, destructions, wipe certificates,
 * consignments to the disposal firm, receipts, the disposal register and
 * signed audit checkpoints. Every change is one transaction with its audit
 * event; functions return 0 or -errno with the reason in err_msg(). */
#pragma once

#include <openssl/evp.h>

#include "core.h"

/* A private key unlocked for signing, with its registered name and
 * fingerprint. */
struct signer {
        EVP_PKEY *key;
        char *name;
        char fingerprint[65];
        int64_t person_id;  /* owner on the register, 0 for the school's key */
        char *rekeyed;      /* a note when unlocking re-encrypted an older key file
                             * (or failed to), else NULL: the caller says it */
};
void signer_free(struct signer *s);
static inline void signer_freep(struct signer **s) { signer_free(*s); }
#define _cleanup_signer_ _cleanup_(signer_freep)

/* The keys directory: key_dir when given, else <dirname of the db>/keys. */
char *keys_dir(struct db *db, const char *key_dir);
/* Generate an Ed25519 key NAME in dir (NAME.key mode 0600, encrypted with
 * passphrase; NAME.pub.pem), register it (owner_ref may be NULL) with an
 * audit event. Refuses to overwrite. Returns the fingerprint in ret_fp. */
int key_generate(struct db *db, const char *dir, const char *name, const char *owner_ref,
                 const char *passphrase, char ret_fp[65]);
/* Unlock registered key NAME from dir; checks the file's public half is the
 * registered one. A key file with an older key derivation (PBKDF2, or a
 * cheaper scrypt) is re-encrypted in place (atomic rename, mode 0600) and
 * (*ret)->rekeyed says so. */
int signer_open(struct db *db, const char *dir, const char *name, const char *passphrase, struct signer **ret);
/* A registered key's public PEM (malloc'd). */
int key_public(struct db *db, const char *name, char **ret_pem, char ret_fp[65]);

/* Disposal. tags: n upper-case tags. Each function checks every asset first
 * and changes nothing unless all pass. */
int disposal_request(struct db *db, char **tags, size_t n, const char *reason);
/* Withdraw requests not yet authorised: back to in stock. */
int disposal_cancel(struct db *db, char **tags, size_t n, const char *reason);
/* signer: NULL, or the authoriser's own key (must belong to by_ref). */
int disposal_authorise(struct db *db, char **tags, size_t n, const char *by_ref, struct signer *signer,
                       json_t **ret_results);
/* Record destruction of one medium (serial) or of every medium not yet
 * sanitised (serial NULL). method: shred, crush, degauss, other. Returns the
 * asset's new status in ret_status (static string). */
int disposal_destroy(struct db *db, const char *tag, const char *serial, const char *method, const char *by,
                     const char *firm_certificate, const char **ret_status);
/* Move the asset to sanitised (or destroyed) once every medium has a passed
 * certificate or a destruction record; a no-op otherwise. Inside the
 * caller's transaction. */
int disposal_settle(struct db *db, int64_t asset_id, const char *tag);

/* Certificates. A wipe record (JSON, see cert.h) of a medium has ended:
 * when its asset is authorised for disposal and the outcome is erased, build,
 * sign and store a certificate (returned id in ret_cert_id, else NULL);
 * when the outcome is anything else, mark the medium for destruction.
 * An unauthorised asset gets no certificate: -EPERM with the reason, and
 * nothing changes. signer may be NULL only for a failed wipe. */
int disposal_wipe_ended(struct db *db, json_t *wipe, struct signer *signer, char **ret_cert_id);
/* Issue the certificate of an earlier wipe that ended erased on an
 * authorised asset's medium but got none (no --key was given): the wipe must
 * be the medium's newest, have ended after the authorisation, and have no
 * certificate yet. -EPERM/-EEXIST/-ENOENT with the reason; nothing changes.
 * With signer NULL it only runs those checks (0: it could be issued). */
int disposal_cert_issue(struct db *db, int64_t wipe_id, struct signer *signer, char **ret_cert_id);

/* The wipe session's side: runs once per ended wipe (its record as
 * wipe_get() returns it), with the key that signs its certificate (may be
 * NULL), and leaves a note for the operator in *ret_note (malloc'd, or
 * NULL; *ret_warning says whether it is a warning): the certificate issued,
 * or why none was (returns 0 then: the wipe stands), or the medium sent to
 * destruction. */
int disposal_on_wipe_ended(struct db *db, json_t *wipe, struct signer *signer, char **ret_note, bool *ret_warning);

/* Consignments. paper may be NULL (defaults throughout). The waste notes
 * are made and stored with the consignment; ret_warnings (may be NULL)
 * gets an array of strings to show the operator (a blank address, a
 * default waste code), or NULL when there are none. */
struct consignment_paper {
        const char *place;       /* where the waste is handed over; NULL: the school's address */
        const char *containment; /* how it is contained; NULL: "loose, on pallets" */
        const char *const *ewc;  /* overrides "KEY=CODE", KEY a tag or a category */
        size_t n_ewc;
        bool hierarchy_applied;  /* the school confirms it applied the waste hierarchy */
};
int consignment_create(struct db *db, char **tags, size_t n, const char *firm, const char *carrier_reg,
                       const char *licence, const struct consignment_paper *paper, struct signer *signer, char **ret_id,
                       json_t **ret_warnings);
int consignment_receipt(struct db *db, const char *id, const char *number, const char *date, const char *received_by);

/* PDFs (cairo) for people: a certificate, a manifest, the disposal register.
 * Return a malloc'd PDF in memory. */
int cert_pdf(const char *doc, size_t doc_len, void **ret, size_t *ret_len);
int manifest_pdf(const char *doc, size_t doc_len, void **ret, size_t *ret_len);
int register_pdf(const char *school, json_t *rows, const char *from, const char *to, void **ret, size_t *ret_len);

/* Signed audit checkpoints: sign the head hash and event count. */
/* The signed statement (canonical JSON, malloc'd) and its signature are
 * handed out when ret_statement/ret_sig are not NULL, to keep elsewhere. */
int audit_checkpoint(struct db *db, struct signer *signer, int64_t *ret_events, char ret_head[65], char **ret_statement,
                     uint8_t ret_sig[64]);
/* Check every stored checkpoint: its signature (with pub, or else the
 * registered key it names) and that the log still reaches it with the same
 * hash. Returns the number checked; -EBADMSG naming the first failure. */
int audit_checkpoints_verify(struct db *db, EVP_PKEY *pub);
/* Check a checkpoint kept outside the register (its JSON and signature)
 * with pub, and that the log still reaches it. */
int audit_checkpoint_file_verify(struct db *db, const char *doc, size_t n, const uint8_t *sig, size_t sig_len, EVP_PKEY *pub,
                                 int64_t *ret_events);

/* --- the paperwork (issue 14): core/paperwork.c --- */

/* A List of Waste code as "NN NN NN" with "*" when hazardous, from "160213",
 * "16 02 13*", "16-02-13"; -EINVAL naming `what` otherwise. */
int waste_code_normalise(const char *what, const char *in, char ret[static 12]);
/* A waste carrier registration in England or Wales: CBDU (upper tier) or
 * CBDL (lower tier) then its number; upper-cased, spaces dropped. */
int carrier_registration_normalise(const char *in, char ret[static 24]);
/* The shipped code list (data/waste-codes.tsv, or $ASSETCTL_WASTE_CODES):
 * {"path", "codes": {code: {description, hazard_codes}}, "categories":
 * {lower-case name: code}, "default": code}. -ENOENT/-EINVAL naming the
 * file and line. */
int waste_codes_load(json_t **ret);
/* Give assets their own List of Waste code (overrides the category's). */
int disposal_classify(struct db *db, char **tags, size_t n, const char *code);
/* The accounts of a disposal: the funding source of the kit and the
 * proceeds (pounds, "45.50") when it is sold or recycled for value; either
 * may be NULL (kept as it was). */
int disposal_accounts(struct db *db, char **tags, size_t n, const char *funding_source, const char *proceeds);
/* The disposal firm as data processor: its contract reference and expiry
 * (YYYY-MM-DD); either may be NULL when the firm is already on file. */
int firm_set(struct db *db, const char *name, const char *contract_ref, const char *contract_expires);
int firm_list(struct db *db, json_t **ret);
/* The waste notes stored with a consignment (parsed JSON); -ENOENT if it
 * has none (made before notes existed). */
int consignment_notes(struct db *db, const char *consignment_id, json_t **ret);
/* Warnings about blank fields of stored notes (array of strings). */
json_t *waste_notes_warnings(json_t *notes);
/* Write one note of notes as a PDF at path: kind "waste_transfer_note" or
 * "hazardous_waste_consignment_note". */
int waste_note_pdf(json_t *notes, const char *kind, const char *path);
/* School settings for the paperwork: school_address, school_postcode,
 * school_sic_code (checked), school_phone, school_email. */
int school_setting_set(struct db *db, const char *key, const char *value);
/* Every setting the paperwork reads, with its value or null. */
int school_settings(struct db *db, json_t **ret);
/* The evidence pack (core/evidence.c): verify.sh for consignment id, and
 * README.txt naming the certificates (cert_ids) and the notes' files
 * (notes_files), both arrays of strings. Malloc'd text. */
char *evidence_verify_sh(const char *consignment_id);
char *evidence_readme(const char *consignment_id, json_t *cert_ids, json_t *notes_files);
