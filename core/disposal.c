/* Disposal: requests, authorisations, destructions, certificates from wipes,
 * consignments and receipts, and signed audit checkpoints. See disposal.h. */
#include "core-internal.h"
#include "config.h"
#include "cert.h"
#include "disposal.h"
#include "sign.h"
#include "wipe-record-internal.h"

static int64_t id_of(json_t *o) { return json_integer_value(json_object_get(o, "id")); }

/* The asset by tag, or a message naming the tag. */
static int get_asset(struct db *db, const char *tag, json_t **ret) {
        int r = db_asset_by_tag(db, tag, ret);
        if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", tag);
        return r;
}

static int check_text(const char *what, const char *s, size_t max) {
        if (isempty(s)) return err_set(EINVAL, "%s: required", what);
        if (!utf8_valid(s, strlen(s))) return err_set(EINVAL, "%s: not valid UTF-8 text (or has control characters)", what);
        if (strlen(s) > max) return err_set(EINVAL, "%s: longer than %zu bytes", what, max);
        return 0;
}

int disposal_request(struct db *db, char **tags, size_t n, const char *reason) {
        int r = check_text("--reason", reason, 1024);
        if (r < 0) return r;
        r = db_begin(db);
        if (r < 0) return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_json_ json_t *a = NULL, *d = NULL;
                r = get_asset(db, tags[i], &a);
                if (r < 0) goto fail;
                r = asset_check_move(tags[i], json_str(a, "status"), ST_DISPOSAL_REQUESTED);
                if (r < 0) {
                        r = err_prefix(r, "cannot request disposal");
                        goto fail;
                }
                int64_t rid;
                r = db_disposal_request_insert(db, id_of(a), reason, db_actor(db), &rid);
                if (r >= 0) r = db_asset_set_status(db, id_of(a), ST_DISPOSAL_REQUESTED);
                if (r < 0) goto fail;
                d = json_pack("{sssssss}", "reason", reason, "from", json_str(a, "status"), "to", ST_DISPOSAL_REQUESTED);
                if ((r = db_audit_begin(db, "disposal.request", tags[i], d)) < 0 ||
                    (r = db_audit_row(db, "disposal_requests", rid)) < 0 || (r = db_audit_row(db, "assets", id_of(a))) < 0 ||
                    (r = db_audit_end(db)) < 0)
                        goto fail;
        }
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int disposal_cancel(struct db *db, char **tags, size_t n, const char *reason) {
        int r = check_text("--reason", reason, 1024);
        if (r < 0) return r;
        r = db_begin(db);
        if (r < 0) return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_json_ json_t *a = NULL, *d = json_pack("{ss}", "reason", reason);
                r = get_asset(db, tags[i], &a);
                if (r < 0) goto fail;
                if (!streq(json_str(a, "status"), ST_DISPOSAL_REQUESTED)) {
                        r = err_set(EPERM, "cannot cancel disposal of '%s': it is %s (only a request not yet authorised can be withdrawn)",
                                    tags[i], asset_status_label(json_str(a, "status")));
                        goto fail;
                }
                r = asset_move(db, tags[i], ST_IN_STOCK, "disposal.cancel", d);
                if (r < 0) goto fail;
        }
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int disposal_settle(struct db *db, int64_t asset_id, const char *tag) {
        _cleanup_json_ json_t *a = NULL, *media = NULL, *destr = NULL;
        int r = get_asset(db, tag, &a);
        if (r < 0) return r;
        const char *st = json_str(a, "status");
        if (!streq(st, ST_AUTHORISED) && !streq(st, ST_DESTROY_REQUIRED)) return 0;
        r = db_media_by_asset(db, asset_id, &media);
        if (r < 0) return r;
        r = db_destructions_by_asset(db, asset_id, &destr);
        if (r < 0) return r;
        size_t i, j;
        json_t *m, *d;
        json_array_foreach(media, i, m) {
                int64_t passed = 0;
                r = db_cert_count_passed(db, id_of(m), &passed);
                if (r < 0) return r;
                bool destroyed = false;
                json_array_foreach(destr, j, d) destroyed |= json_integer_value(json_object_get(d, "media_id")) == id_of(m);
                if (!passed && !destroyed) return 0;
        }
        const char *to = streq(st, ST_DESTROY_REQUIRED) ? ST_DESTROYED : ST_SANITISED;
        _cleanup_json_ json_t *details = json_pack("{sI}", "media", (json_int_t) json_array_size(media));
        return asset_move(db, tag, to, streq(to, ST_SANITISED) ? "disposal.sanitised" : "disposal.destroyed", details);
}

/* The statement an authoriser signs: what, who, when. */
static json_t *authorisation_statement(const char *school, json_t *a, json_t *req, json_t *person, const char *role,
                                       const char *when, const char *fp) {
        return json_pack("{ss ss s{ssssssss} s{ssss} s{ssssss} ss s{ssss}}", "schema", AUTHORISATION_SCHEMA,
                         "organisation", school, "asset", "tag", json_str(a, "tag"), "make", json_str(a, "make"), "model",
                         json_str(a, "model"), "serial", json_str(a, "serial"), "request", "reason",
                         strempty(json_str(req, "reason")), "requested_at", strempty(json_str(req, "requested_at")),
                         "authorised_by", "ref", json_str(person, "ref"), "name", json_str(person, "name"), "role", role,
                         "authorised_at", when, "signing_key", "algorithm", "ed25519", "fingerprint", fp);
}

int disposal_authorise(struct db *db, char **tags, size_t n, const char *by_ref, struct signer *signer, json_t **ret_results) {
        _cleanup_json_ json_t *person = NULL, *results = json_array();
        _cleanup_free_ char *school = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = person_get(db, by_ref, &person);
        if (r < 0) goto fail;
        r = school_get(db, &school, NULL);
        if (r < 0) goto fail;
        const char *pname = json_str(person, "name");
        if (!json_is_true(json_object_get(person, "authoriser"))) {
                r = err_set(EPERM, "cannot authorise disposal: %s (%s) is not an authoriser (see 'assetctl person edit %s --authoriser')",
                            pname, json_str(person, "ref"), json_str(person, "ref"));
                goto fail;
        }
        const char *left = json_str(person, "leaving_date");
        char today_s[11];
        today(today_s);
        if (left && strcmp(left, today_s) <= 0) {
                r = err_set(EPERM, "cannot authorise disposal: %s (%s) left on %s", pname, json_str(person, "ref"), left);
                goto fail;
        }
        if (signer && signer->person_id != id_of(person)) {
                r = err_set(EPERM, "cannot sign the authorisation with key '%s': it is not %s's own key", signer->name, pname);
                goto fail;
        }
        const char *role = json_str(person, "job_title") ? json_str(person, "job_title") : json_str(person, "role");
        char now[21];
        now_utc(now);
        for (size_t i = 0; i < n; i++) {
                _cleanup_json_ json_t *a = NULL, *req = NULL, *au = NULL, *d = NULL, *media = NULL;
                _cleanup_free_ char *statement = NULL;
                r = get_asset(db, tags[i], &a);
                if (r < 0) goto fail;
                const char *from = json_str(a, "status");
                if (!streq(from, ST_DISPOSAL_REQUESTED)) {
                        r = err_set(EPERM, "cannot authorise disposal of '%s': it is %s; request disposal first", tags[i],
                                    asset_status_label(from));
                        goto fail;
                }
                r = db_disposal_request_latest(db, id_of(a), &req);
                if (r < 0) goto fail;
                au = json_pack("{sIsIsIssssss}", "asset_id", (json_int_t) id_of(a), "request_id", (json_int_t) id_of(req),
                               "person_id", (json_int_t) id_of(person), "name", pname, "role", role, "authorised_at", now);
                uint8_t sig[SIG_LEN];
                if (signer) {
                        _cleanup_json_ json_t *s = authorisation_statement(school, a, req, person, role, now, signer->fingerprint);
                        statement = json_canonical(s);
                        r = key_sign(signer->key, statement, strlen(statement), sig);
                        if (r < 0) goto fail;
                        json_set_str(au, "statement", statement);
                        json_set_str(au, "key_fingerprint", signer->fingerprint);
                }
                int64_t aid;
                r = db_authorisation_insert(db, au, signer ? sig : NULL, &aid);
                if (r >= 0) r = db_asset_set_status(db, id_of(a), ST_AUTHORISED);
                if (r < 0) goto fail;
                d = json_pack("{sssssssssb}", "by", json_str(person, "ref"), "name", pname, "role", role, "from", from, "signed", signer != NULL);
                json_object_set_new(d, "to", json_string(ST_AUTHORISED));
                if ((r = db_audit_begin(db, "disposal.authorise", tags[i], d)) < 0 ||
                    (r = db_audit_row(db, "authorisations", aid)) < 0 || (r = db_audit_row(db, "assets", id_of(a))) < 0 ||
                    (r = db_audit_end(db)) < 0)
                        goto fail;
                r = db_media_by_asset(db, id_of(a), &media);
                if (r < 0) goto fail;
                if (json_array_size(media) == 0) {
                        r = disposal_settle(db, id_of(a), tags[i]);
                        if (r < 0) goto fail;
                }
                _cleanup_json_ json_t *now_a = NULL;
                r = get_asset(db, tags[i], &now_a);
                if (r < 0) goto fail;
                json_array_append_new(results, json_pack("{sssIss}", "tag", tags[i], "media", (json_int_t) json_array_size(media),
                                                         "status", json_str(now_a, "status")));
        }
        r = db_commit(db);
        if (r < 0) return r;
        if (ret_results) *ret_results = TAKE_PTR(results);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int disposal_destroy(struct db *db, const char *tag, const char *serial, const char *method, const char *by,
                     const char *firm_certificate, const char **ret_status) {
        static const char *const methods[] = {"shred", "crush", "degauss", "other"};
        bool ok = false;
        for (size_t i = 0; i < ELEMENTSOF(methods); i++) ok |= streq_ptr(methods[i], method);
        if (!ok) return err_set(EINVAL, "--method '%s': use shred, crush, degauss or other", strempty(method));
        int r = check_text("--by", by, 256);
        if (r < 0) return r;
        if (firm_certificate && (r = check_text("--firm-certificate", firm_certificate, 128)) < 0) return r;
        _cleanup_json_ json_t *a = NULL, *media = NULL, *rows = json_array(), *d = NULL, *after = NULL;
        r = db_begin(db);
        if (r < 0) return r;
        r = get_asset(db, tag, &a);
        if (r < 0) goto fail;
        const char *st = json_str(a, "status");
        if (!streq(st, ST_AUTHORISED) && !streq(st, ST_DESTROY_REQUIRED)) {
                r = err_set(EPERM, "cannot record destruction for '%s': it is %s, and only storage of an asset authorised for disposal is destroyed",
                            tag, asset_status_label(st));
                goto fail;
        }
        r = db_media_by_asset(db, id_of(a), &media);
        if (r < 0) goto fail;
        size_t i;
        json_t *m;
        json_array_foreach(media, i, m) {
                const char *ms = json_str(m, "status");
                if (serial ? strcasecmp(json_str(m, "serial"), serial) == 0 : !streq_ptr(ms, "erased") && !streq_ptr(ms, "destroyed")) {
                        if (serial && streq_ptr(ms, "destroyed")) {
                                r = err_set(EEXIST, "medium '%s' of '%s' is already recorded as destroyed", serial, tag);
                                goto fail;
                        }
                        json_array_append(rows, m);
                }
        }
        if (serial && json_array_size(rows) == 0) {
                r = err_set(ENOENT, "'%s' has no storage medium with serial '%s'", tag, serial);
                goto fail;
        }
        if (json_array_size(rows) == 0) {
                r = err_set(ENOENT, "'%s' has no storage left to destroy (every medium is erased or destroyed)", tag);
                goto fail;
        }
        char now[21];
        now_utc(now);
        d = json_pack("{ssss}", "method", method, "by", by);
        if (firm_certificate) json_object_set_new(d, "firm_certificate", json_string(firm_certificate));
        json_t *serials = json_array();
        json_object_set_new(d, "media", serials);
        json_array_foreach(rows, i, m) json_array_append_new(serials, json_string(json_str(m, "serial")));
        r = db_audit_begin(db, "disposal.destroy", tag, d);
        if (r < 0) goto fail;
        json_array_foreach(rows, i, m) {
                _cleanup_json_ json_t *rec = json_pack("{sIsIssssss}", "asset_id", (json_int_t) id_of(a), "media_id",
                                                       (json_int_t) id_of(m), "method", method, "performed_by", by, "destroyed_at", now);
                json_set_str(rec, "firm_certificate", firm_certificate);
                int64_t did;
                if ((r = db_destruction_insert(db, rec, &did)) < 0 || (r = db_media_set_status(db, id_of(m), "destroyed")) < 0 ||
                    (r = db_audit_row(db, "destructions", did)) < 0 || (r = db_audit_row(db, "media", id_of(m))) < 0)
                        goto fail;
        }
        r = db_audit_end(db);
        if (r >= 0) r = disposal_settle(db, id_of(a), tag);
        if (r >= 0) r = get_asset(db, tag, &after);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        if (ret_status) {
                const char *s = json_str(after, "status");
                static const char *const known[] = {ST_AUTHORISED, ST_SANITISED, ST_DESTROY_REQUIRED, ST_DESTROYED};
                *ret_status = ST_AUTHORISED;
                for (size_t k = 0; k < ELEMENTSOF(known); k++)
                        if (streq(known[k], s)) *ret_status = known[k];
        }
        return 0;
fail:
        db_rollback(db);
        return r;
}

/* The medium a wipe record (issue 6's wipe_get()) is about: its medium_id,
 * else the only medium of its asset. */
static int wipe_medium(struct db *db, json_t *wipe, json_t **ret) {
        int64_t wid = json_integer_value(json_object_get(wipe, "id"));
        json_t *mid = json_object_get(wipe, "medium_id");
        if (json_is_integer(mid)) return db_media_by_id(db, json_integer_value(mid), ret);
        const char *tag = json_str(wipe, "asset_tag");
        _cleanup_json_ json_t *a = NULL, *media = NULL;
        if (tag && db_asset_by_tag(db, tag, &a) == 0 && db_media_by_asset(db, id_of(a), &media) == 0 && json_array_size(media) == 1) {
                *ret = json_incref(json_array_get(media, 0));
                return 0;
        }
        return err_set(ENOENT, "no certificate for wipe %lld: it is not linked to a registered storage medium%s%s",
                       (long long) wid, tag ? " of " : "", tag ? tag : "");
}

/* A wipe that ended with exceptions or failed: its medium goes to physical
 * destruction, and an authorised asset with it. Inside the caller's
 * transaction. */
static int wipe_to_destruction(struct db *db, json_t *m, json_t *a, const char *outcome, int64_t wipe_id) {
        const char *tag = json_str(a, "tag"), *st = json_str(a, "status");
        _cleanup_json_ json_t *d = json_pack("{sssssI}", "medium", json_str(m, "serial"), "outcome", outcome, "wipe", (json_int_t) wipe_id);
        int r;
        if ((r = db_media_set_status(db, id_of(m), "destroy_required")) < 0 ||
            (r = db_audit_begin(db, "disposal.destroy-required", tag, d)) < 0 ||
            (r = db_audit_row(db, "media", id_of(m))) < 0 || (r = db_audit_end(db)) < 0)
                return r;
        if (streq(st, ST_AUTHORISED)) return asset_move(db, tag, ST_DESTROY_REQUIRED, "disposal.destroy-required", d);
        return 0;
}

/* Who authorised the disposal, as the certificate carries it: a signed
 * authorisation travels with its statement and signature, so the firm can
 * check it with the authoriser's public key. */
static json_t *cert_authorisation(json_t *au) {
        json_t *auth = json_pack("{sssssssssb}", "name", json_str(au, "name"), "role", json_str(au, "role"),
                                 "person_ref", json_str(au, "person_ref"), "authorised_at",
                                 json_str(au, "authorised_at"), "signed", json_str(au, "signature") != NULL);
        bool au_signed = json_str(au, "signature") != NULL;
        json_set_str(auth, "statement", au_signed ? json_str(au, "statement") : NULL);
        json_set_str(auth, "signature", au_signed ? json_str(au, "signature") : NULL);
        json_set_str(auth, "key_fingerprint", au_signed ? json_str(au, "key_fingerprint") : NULL);
        return auth;
}

/* Store a signed certificate document (and its PDF) for medium m of asset
 * a, the medium erased, with its audit event; then settle the asset.
 * Inside the caller's transaction. */
static int cert_store(struct db *db, json_t *doc, json_t *m, json_t *a, int64_t wipe_id, const char *outcome,
                      const struct signer *signer, const char *cert_id, const char *now) {
        _cleanup_free_ char *text = json_canonical(doc);
        _cleanup_free_ void *pdf = NULL;
        _cleanup_json_ json_t *row = NULL, *d = NULL;
        size_t pdf_len = 0, n = strlen(text);
        uint8_t sig[SIG_LEN];
        int r = key_sign(signer->key, text, n, sig);
        if (r >= 0) r = cert_pdf(text, n, &pdf, &pdf_len);
        if (r < 0) return r;
        row = json_pack("{sssIsIsIssssssss}", "cert_id", cert_id, "asset_id", (json_int_t) id_of(a), "media_id", (json_int_t) id_of(m),
                        "wipe_id", (json_int_t) wipe_id, "method", json_str(json_object_get(doc, "sanitisation"), "method"),
                        "outcome", outcome, "key_fingerprint", signer->fingerprint, "issued_at", now);
        int64_t cid;
        r = db_cert_insert(db, row, text, n, sig, pdf, pdf_len, &cid);
        if (r >= 0) r = db_media_set_status(db, id_of(m), "erased");
        if (r < 0) return r;
        char h[65];
        sha256_hex(text, n, h);
        const char *tag = json_str(a, "tag");
        d = json_pack("{sssssssI}", "certificate", cert_id, "medium", json_str(m, "serial"), "sha256", h, "wipe", (json_int_t) wipe_id);
        if ((r = db_audit_begin(db, "cert.issue", tag, d)) < 0 || (r = db_audit_row(db, "certificates", cid)) < 0 ||
            (r = db_audit_row(db, "media", id_of(m))) < 0 || (r = db_audit_end(db)) < 0)
                return r;
        return disposal_settle(db, id_of(a), tag);
}

/* Build, sign and store the certificate of an erased wipe of medium m of
 * authorised asset a. Inside the caller's transaction. */
static int cert_issue(struct db *db, json_t *wipe, json_t *m, json_t *a, struct signer *signer, char **ret_cert_id) {
        _cleanup_json_ json_t *au = NULL, *doc = NULL, *auth = NULL;
        _cleanup_free_ char *school = NULL, *prefix = NULL, *cert_id = NULL, *had = NULL;
        const char *tag = json_str(a, "tag");
        int64_t wipe_id = json_integer_value(json_object_get(wipe, "id"));
        int r = db_cert_for_wipe(db, wipe_id, &had);
        if (r == 0) return err_set(EEXIST, "wipe %lld already has certificate %s (see 'assetctl cert show %s')", (long long) wipe_id, had, had);
        if (r != -ENOENT) return r;
        r = db_authorisation_latest(db, id_of(a), &au);
        if (r == -ENOENT) return err_set(EPERM, "no certificate for '%s': its disposal has no authorisation on record", tag);
        if (r < 0) return r;
        r = school_get(db, &school, &prefix);
        if (r < 0) return r;
        int64_t num;
        r = db_cert_next_number(db, &num);
        if (r < 0) return r;
        cert_id = xasprintf("%s-CERT-%06lld", prefix, (long long) num);
        char now[21];
        now_utc(now);
        auth = cert_authorisation(au);
        struct cert_context c = {
                .cert_id = cert_id, .issued = now, .school = school, .operator_name = db_actor(db), .asset = a,
                .medium = m, .authorisation = auth, .fingerprint = signer->fingerprint,
        };
        r = cert_from_wipe(wipe, &c, &doc);
        if (r >= 0) r = cert_store(db, doc, m, a, wipe_id, json_str(wipe, "outcome"), signer, cert_id, now);
        if (r < 0) return r;
        *ret_cert_id = TAKE_PTR(cert_id);
        return 0;
}

int disposal_wipe_ended(struct db *db, json_t *wipe, struct signer *signer, char **ret_cert_id) {
        _cleanup_json_ json_t *m = NULL, *a = NULL;
        _cleanup_free_ char *cert_id = NULL;
        const char *outcome = json_str(wipe, "outcome");
        if (!outcome) return err_set(EINVAL, "the wipe record has no outcome");
        bool erased = streq(outcome, "erased");
        bool to_destroy = streq(outcome, "failed") || streq(outcome, "erased_with_exceptions") || streq(outcome, "erased with exceptions");
        if (!erased && !to_destroy) {
                /* interrupted (or never finished): nothing is decided */
                if (ret_cert_id) *ret_cert_id = NULL;
                return 0;
        }
        int r = db_begin(db);
        if (r < 0) return r;
        r = wipe_medium(db, wipe, &m);
        if (r >= 0) r = get_asset(db, json_str(m, "asset_tag"), &a);
        if (r < 0) goto fail;
        const char *tag = json_str(a, "tag"), *serial = json_str(m, "serial"), *st = json_str(a, "status");
        if (!erased && !streq(st, ST_AUTHORISED)) {
                /* the wipe engine has marked the medium; only an authorised asset changes state */
                db_rollback(db);
                if (ret_cert_id) *ret_cert_id = NULL;
                return 0;
        }
        if (!streq(st, ST_AUTHORISED) && !streq(st, ST_DESTROY_REQUIRED)) {
                r = err_set(EPERM, "no certificate for the wipe of '%s': asset '%s' is %s, not authorised for disposal "
                                   "(request and authorise its disposal, then wipe again)", serial, tag, asset_status_label(st));
                goto fail;
        }
        int64_t wipe_id = json_integer_value(json_object_get(wipe, "id"));
        if (!erased)
                /* erased with exceptions, failed: the medium goes to physical destruction */
                r = wipe_to_destruction(db, m, a, outcome, wipe_id);
        else if (!signer)
                r = err_set(EINVAL, "no certificate for the wipe of '%s': give --key NAME and --passphrase-file to sign it "
                                    "(or later: 'assetctl cert issue %lld --key NAME')", serial, (long long) wipe_id);
        else
                r = cert_issue(db, wipe, m, a, signer, &cert_id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        if (ret_cert_id) *ret_cert_id = TAKE_PTR(cert_id);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int disposal_cert_issue(struct db *db, int64_t wipe_id, struct signer *signer, char **ret_cert_id) {
        _cleanup_json_ json_t *w = NULL, *m = NULL, *a = NULL, *au = NULL;
        _cleanup_free_ char *had = NULL;
        long long id = (long long) wipe_id;
        int r = wipe_get(db, wipe_id, &w);
        if (r < 0) return r;
        if (json_is_false(json_object_get(w, "certify")))
                return err_set(EPERM, "no certificate for wipe %lld: it was recorded as not for certification (--no-certificate)", id);
        const char *outcome = json_str(w, "outcome");
        if (!outcome || streq(outcome, "interrupted"))
                return err_set(EPERM, "no certificate for wipe %lld: it did not finish; wipe the medium again", id);
        if (!streq(outcome, "erased"))
                return err_set(EPERM, "no certificate for wipe %lld: it ended %s, not erased; its medium goes to physical destruction "
                                      "('assetctl disposal destroy')", id, outcome);
        r = db_cert_for_wipe(db, wipe_id, &had);
        if (r == 0) return err_set(EEXIST, "wipe %lld already has certificate %s (see 'assetctl cert show %s')", id, had, had);
        if (r != -ENOENT) return r;
        if (!json_is_integer(json_object_get(w, "medium_id")) && !json_str(w, "asset_tag"))
                return err_set(ENOENT, "no certificate for wipe %lld: it is not linked to a registered storage medium", id);
        r = wipe_medium(db, w, &m);
        if (r < 0) return r;
        int64_t latest = 0;
        r = db_wipe_latest_of_medium(db, id_of(m), json_str(m, "asset_tag"), &latest);
        if (r < 0) return r;
        if (latest > wipe_id)
                return err_set(EPERM, "no certificate for wipe %lld: medium '%s' was wiped again since (wipe %lld); certify that one", id,
                               json_str(m, "serial"), (long long) latest);
        r = get_asset(db, json_str(m, "asset_tag"), &a);
        if (r < 0) return r;
        const char *tag = json_str(a, "tag"), *st = json_str(a, "status");
        if (!streq(st, ST_AUTHORISED) && !streq(st, ST_DESTROY_REQUIRED))
                return err_set(EPERM, "no certificate for wipe %lld: asset '%s' is %s, not authorised for disposal", id, tag,
                               asset_status_label(st));
        r = db_authorisation_latest(db, id_of(a), &au);
        if (r == -ENOENT) return err_set(EPERM, "no certificate for '%s': its disposal has no authorisation on record", tag);
        if (r < 0) return r;
        /* the same rule as at the end of a wipe: it must end under the authorisation */
        const char *ended = strempty(json_str(w, "ended_at")), *authorised = strempty(json_str(au, "authorised_at"));
        if (strncmp(ended, authorised, 19) < 0)
                return err_set(EPERM, "no certificate for wipe %lld: it ended %.19s, before the disposal of '%s' was authorised (%.19s); "
                                      "wipe the medium again", id, ended, tag, authorised);
        if (!signer) return 0; /* only checking, before the passphrase is asked */
        return disposal_wipe_ended(db, w, signer, ret_cert_id);
}

/* One asset's entry in a manifest: its authorisation and every medium with
 * the certificate or destruction that sanitised it. */
static int manifest_asset(struct db *db, json_t *a, json_t **ret) {
        _cleanup_json_ json_t *au = NULL, *media = NULL, *certs = NULL, *destr = NULL, *e = NULL;
        int r = db_authorisation_latest(db, id_of(a), &au);
        if (r == -ENOENT) return err_set(EPERM, "cannot consign '%s': its disposal has no authorisation on record", json_str(a, "tag"));
        if (r < 0) return r;
        if ((r = db_media_by_asset(db, id_of(a), &media)) < 0 || (r = db_cert_list(db, json_str(a, "tag"), &certs)) < 0 ||
            (r = db_destructions_by_asset(db, id_of(a), &destr)) < 0)
                return r;
        e = json_object();
        for (const char *const *k = (const char *const[]) {"tag", "make", "model", "serial", "category", NULL}; *k; k++)
                json_set_str(e, *k, json_str(a, *k));
        json_object_set_new(e, "authorisation", json_pack("{ssssss}", "name", json_str(au, "name"), "role", json_str(au, "role"),
                                                          "authorised_at", json_str(au, "authorised_at")));
        json_t *ms = json_array();
        json_object_set_new(e, "media", ms);
        size_t i, j;
        json_t *m, *c;
        json_array_foreach(media, i, m) {
                json_t *x = json_pack("{sssssssI}", "model", json_str(m, "model"), "serial", json_str(m, "serial"), "kind",
                                      json_str(m, "kind"), "size_bytes", (json_int_t) json_integer_value(json_object_get(m, "size_bytes")));
                json_array_append_new(ms, x);
                json_t *cert = NULL, *dd = NULL;
                json_array_foreach(certs, j, c)
                        if (streq_ptr(json_str(c, "outcome"), "erased") && streq_ptr(json_str(c, "media_serial"), json_str(m, "serial")))
                                cert = c; /* the latest passed one */
                json_array_foreach(destr, j, c)
                        if (json_integer_value(json_object_get(c, "media_id")) == id_of(m)) dd = c;
                if (dd) {
                        /* destruction is final: it wins over any earlier certificate */
                        json_t *dj = json_pack("{ssssss}", "method", json_str(dd, "method"), "performed_by", json_str(dd, "performed_by"),
                                               "destroyed_at", json_str(dd, "destroyed_at"));
                        json_set_str(dj, "firm_certificate", json_str(dd, "firm_certificate"));
                        json_object_set_new(x, "destruction", dj);
                        json_object_set_new(x, "certificate_id", json_null());
                        json_object_set_new(x, "certificate_sha256", json_null());
                } else if (cert) {
                        json_object_set_new(x, "destruction", json_null());
                        json_set_str(x, "certificate_id", json_str(cert, "cert_id"));
                        json_set_str(x, "certificate_sha256", json_str(cert, "json_sha256"));
                } else
                        return err_set(EPERM, "cannot consign '%s': medium '%s' has neither a passed certificate nor a destruction record",
                                       json_str(a, "tag"), json_str(m, "serial"));
        }
        *ret = TAKE_PTR(e);
        return 0;
}

int consignment_create(struct db *db, char **tags, size_t n, const char *firm, const char *carrier_in,
                       const char *licence, const struct consignment_paper *paper, struct signer *signer, char **ret_id,
                       json_t **ret_warnings) {
        int r;
        char carrier_reg[24];
        if ((r = check_text("--firm", firm, 256)) < 0 || (r = carrier_registration_normalise(carrier_in, carrier_reg)) < 0 ||
            (licence && (r = check_text("--licence", licence, 256)) < 0))
                return r;
        if (!signer) return err_set(EINVAL, "a manifest must be signed: give --key NAME");
        _cleanup_json_ json_t *warnings = json_array();
        _cleanup_json_ json_t *doc = NULL, *assets = json_array(), *rows = json_array(), *d = NULL, *row = NULL;
        _cleanup_free_ char *school = NULL, *prefix = NULL, *cid = NULL, *text = NULL;
        _cleanup_free_ void *pdf = NULL;
        size_t pdf_len = 0;
        r = db_begin(db);
        if (r < 0) return r;
        r = school_get(db, &school, &prefix);
        if (r < 0) goto fail;
        for (size_t i = 0; i < n; i++) {
                _cleanup_json_ json_t *a = NULL, *e = NULL;
                r = get_asset(db, tags[i], &a);
                if (r < 0) goto fail;
                for (size_t k = 0; k < i; k++)
                        if (streq(tags[k], tags[i])) {
                                r = err_set(EINVAL, "'%s' is listed twice", tags[i]);
                                goto fail;
                        }
                const char *st = json_str(a, "status");
                if (!streq(st, ST_SANITISED) && !streq(st, ST_DESTROYED)) {
                        r = err_set(EPERM, "cannot consign '%s': it is %s, not sanitised (every storage medium needs a passed "
                                           "certificate or a destruction record)", tags[i], asset_status_label(st));
                        goto fail;
                }
                r = manifest_asset(db, a, &e);
                if (r < 0) goto fail;
                json_array_append(assets, e);
                json_array_append(rows, a);
        }
        int64_t num;
        r = db_consignment_next_number(db, &num);
        if (r < 0) goto fail;
        cid = xasprintf("%s-CONS-%06lld", prefix, (long long) num);
        char now[21];
        now_utc(now);
        doc = json_pack("{ss ss ss ss s{ssss} s{ss} s{ssss} sO s{ssss}}", "schema", MANIFEST_SCHEMA, "consignment_id", cid,
                        "created", now, "created_by", db_actor(db), "tool", "name", "assetctl", "version", ASSETCTL_VERSION,
                        "organisation", "name", school, "firm", "name", firm, "carrier_registration", carrier_reg,
                        "assets", assets, "signing_key", "algorithm", "ed25519", "fingerprint", signer->fingerprint);
        json_set_str(json_object_get(doc, "firm"), "licence", licence);
        text = json_canonical(doc);
        size_t tn = strlen(text);
        struct doc_check chk;
        r = doc_check_schema(text, tn, &chk);
        if (r < 0) r = err_set(EINVAL, "internal error: the manifest fails its own checks: %s", chk.problems);
        doc_check_done(&chk);
        if (r < 0) goto fail;
        uint8_t sig[SIG_LEN];
        r = key_sign(signer->key, text, tn, sig);
        if (r >= 0) r = manifest_pdf(text, tn, &pdf, &pdf_len);
        if (r < 0) goto fail;
        row = json_pack("{ssssssssssss}", "consignment_id", cid, "firm", firm, "carrier_registration",
                                               carrier_reg, "created_by", db_actor(db), "created_at", now, "key_fingerprint",
                                               signer->fingerprint);
        json_set_str(row, "licence", licence);
        int64_t crow;
        r = db_consignment_insert(db, row, text, tn, sig, pdf, pdf_len, &crow);
        if (r < 0) goto fail;
        char h[65];
        sha256_hex(text, tn, h);
        d = json_pack("{sssssssI}", "firm", firm, "carrier_registration", carrier_reg, "sha256", h, "assets", (json_int_t) n);
        if ((r = db_audit_begin(db, "consignment.create", cid, d)) < 0 || (r = db_audit_row(db, "consignments", crow)) < 0) goto fail;
        size_t i;
        json_t *a;
        json_array_foreach(rows, i, a) {
                int64_t item;
                if ((r = db_consignment_item_insert(db, crow, id_of(a), &item)) < 0 ||
                    (r = db_audit_row(db, "consignment_items", item)) < 0)
                        goto fail;
        }
        r = consignment_notes_make(db, cid, num, crow, now, firm, carrier_reg, licence, paper, rows, warnings);
        if (r < 0) goto fail;
        r = db_audit_end(db);
        if (r < 0) goto fail;
        json_array_foreach(rows, i, a) {
                _cleanup_json_ json_t *det = json_pack("{ss}", "consignment", cid);
                r = asset_move(db, json_str(a, "tag"), ST_CONSIGNED, "disposal.consign", det);
                if (r < 0) goto fail;
        }
        r = db_commit(db);
        if (r < 0) return r;
        *ret_id = TAKE_PTR(cid);
        if (ret_warnings) *ret_warnings = json_array_size(warnings) ? TAKE_PTR(warnings) : NULL;
        return 0;
fail:
        db_rollback(db);
        return r;
}

int consignment_receipt(struct db *db, const char *id, const char *number, const char *date, const char *received_by) {
        int r;
        char d10[11];
        if ((r = check_text("--number", number, 128)) < 0 || (r = check_text("--received-by", received_by, 256)) < 0) return r;
        if (parse_date(date, d10) < 0) return err_set(EINVAL, "--date '%s' is not a date (use YYYY-MM-DD)", strempty(date));
        _cleanup_json_ json_t *c = NULL, *det = NULL;
        r = db_begin(db);
        if (r < 0) return r;
        r = db_consignment_get(db, id, &c);
        if (r == -ENOENT) r = err_set(ENOENT, "no consignment '%s' in the register", id);
        if (r < 0) goto fail;
        if (json_str(c, "receipt_number")) {
                r = err_set(EEXIST, "consignment '%s' already has the firm's receipt '%s' (%s)", id, json_str(c, "receipt_number"),
                            json_str(c, "received_date"));
                goto fail;
        }
        if (strncmp(d10, json_str(c, "created_at"), 10) < 0) {
                r = err_set(EINVAL, "--date %s is before consignment '%s' was made (%.10s)", d10, id, json_str(c, "created_at"));
                goto fail;
        }
        int64_t rid;
        r = db_receipt_insert(db, id_of(c), number, d10, received_by, &rid);
        if (r < 0) goto fail;
        det = json_pack("{ssssss}", "number", number, "date", d10, "received_by", received_by);
        r = db_audit(db, "consignment.receipt", id, det, "receipts", rid);
        if (r < 0) goto fail;
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(c, "assets"), i, a) {
                _cleanup_json_ json_t *dd = json_pack("{ssss}", "consignment", id, "receipt", number);
                r = asset_move(db, json_str(a, "tag"), ST_DISPOSED, "disposal.disposed", dd);
                if (r < 0) goto fail;
        }
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int audit_checkpoint(struct db *db, struct signer *signer, int64_t *ret_events, char ret_head[65], char **ret_statement,
                     uint8_t ret_sig[64]) {
        _cleanup_free_ char *school = NULL, *head = NULL, *text = NULL, *dummy = NULL;
        _cleanup_json_ json_t *doc = NULL, *d = NULL;
        int64_t count;
        int r = db_begin(db);
        if (r < 0) return r;
        if ((r = school_get(db, &school, NULL)) < 0 || (r = db_audit_event_hash(db, 0, &dummy, &count)) < 0) goto fail;
        if (count == 0) {
                r = err_set(EINVAL, "the audit log is empty: nothing to checkpoint");
                goto fail;
        }
        r = db_audit_event_hash(db, count, &head, &count);
        if (r < 0) goto fail;
        if (!head) {
                r = err_set(EBADMSG, "the audit log has no event %lld: run 'assetctl audit verify'", (long long) count);
                goto fail;
        }
        char now[21];
        now_utc(now);
        doc = json_pack("{sss{ss}sIsssss{ssss}}", "schema", CHECKPOINT_SCHEMA, "organisation", "name", school, "events",
                        (json_int_t) count, "head", head, "created", now, "signing_key", "algorithm", "ed25519", "fingerprint",
                        signer->fingerprint);
        text = json_canonical(doc);
        uint8_t sig[SIG_LEN];
        r = key_sign(signer->key, text, strlen(text), sig);
        if (r < 0) goto fail;
        int64_t id;
        r = db_checkpoint_insert(db, count, head, text, sig, signer->fingerprint, &id);
        if (r < 0) goto fail;
        d = json_pack("{sIsssss}", "events", (json_int_t) count, "head", head, "key", signer->name);
        r = db_audit(db, "audit.checkpoint", NULL, d, "audit_checkpoints", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        *ret_events = count;
        memcpy(ret_head, head, 65);
        if (ret_statement) *ret_statement = TAKE_PTR(text);
        if (ret_sig) memcpy(ret_sig, sig, SIG_LEN);
        return 0;
fail:
        db_rollback(db);
        return r;
}

/* The log must still have event `events` with the hash `head`. */
static int check_reach(struct db *db, const char *label, int64_t events, const char *head) {
        _cleanup_free_ char *have = NULL;
        int64_t count;
        int r = db_audit_event_hash(db, events, &have, &count);
        if (r < 0) return r;
        if (!have)
                return err_set(EBADMSG, "%s signed %lld events but the log has only %lld: events were deleted from the tail",
                               label, (long long) events, (long long) count);
        if (!streq(have, head))
                return err_set(EBADMSG, "%s: event %lld's hash is not the one signed: the log was rewritten", label, (long long) events);
        return 0;
}

int audit_checkpoints_verify(struct db *db, EVP_PKEY *pub) {
        _cleanup_json_ json_t *cps = NULL;
        int r = db_checkpoint_list(db, &cps);
        if (r < 0) return r;
        char pub_fp[65] = "";
        if (pub && (r = key_fingerprint(pub, pub_fp)) < 0) return r;
        size_t i;
        json_t *cp;
        json_array_foreach(cps, i, cp) {
                int64_t id = id_of(cp), events = json_integer_value(json_object_get(cp, "events"));
                const char *fp = json_str(cp, "key_fingerprint"), *statement = json_str(cp, "statement");
                const char *sighex = json_str(cp, "signature"), *when = json_str(cp, "created_at");
                _cleanup_pkey_ EVP_PKEY *reg = NULL;
                EVP_PKEY *k = NULL;
                if (pub) {
                        if (!streq_ptr(fp, pub_fp))
                                return err_set(EBADMSG, "checkpoint %lld (%s) was signed with key %s, not the key given (%s)",
                                               (long long) id, when, fp, pub_fp);
                        k = pub;
                } else {
                        _cleanup_json_ json_t *kr = NULL;
                        if (db_key_get(db, fp, &kr) < 0)
                                return err_set(EBADMSG, "checkpoint %lld (%s) was signed with key %s, which is not on the register",
                                               (long long) id, when, fp);
                        const char *pem = json_str(kr, "public_pem");
                        if ((r = key_from_public_pem(pem, strlen(pem), &reg)) < 0) return r;
                        k = reg;
                }
                uint8_t sig[SIG_LEN];
                if (!sighex || strlen(sighex) != 2 * SIG_LEN || hex_decode(sighex, sig, SIG_LEN) < 0 ||
                    key_verify(k, statement, strlen(statement), sig, SIG_LEN) < 0)
                        return err_set(EBADMSG, "checkpoint %lld (%s): the signature does not verify (the checkpoint was altered)",
                                       (long long) id, when);
                _cleanup_json_ json_t *s = json_loads(statement, JSON_REJECT_DUPLICATES, NULL);
                const char *head = json_str(s, "head");
                if (!s || json_integer_value(json_object_get(s, "events")) != events || !streq_ptr(head, json_str(cp, "head")))
                        return err_set(EBADMSG, "checkpoint %lld (%s): its columns do not match what was signed", (long long) id, when);
                _cleanup_free_ char *label = xasprintf("checkpoint %lld (%s)", (long long) id, when);
                r = check_reach(db, label, events, head);
                if (r < 0) return r;
        }
        return (int) json_array_size(cps);
}

int audit_checkpoint_file_verify(struct db *db, const char *doc, size_t n, const uint8_t *sig, size_t sig_len, EVP_PKEY *pub,
                                 int64_t *ret_events) {
        struct doc_check chk;
        int r = doc_verify(doc, n, sig, sig_len, pub, &chk);
        if (r >= 0 && !streq_ptr(chk.kind, "audit checkpoint")) r = err_set(EINVAL, "not an audit checkpoint but a %s", strempty(chk.kind));
        if (r < 0) {
                if (chk.problems) r = err_set(EBADMSG, "the checkpoint does not verify: %s", chk.problems);
                doc_check_done(&chk);
                return r;
        }
        int64_t events = json_integer_value(json_object_get(chk.doc, "events"));
        _cleanup_free_ char *head = xstrdup(json_str(chk.doc, "head"));
        _cleanup_free_ char *label = xasprintf("the checkpoint of %s", json_str(chk.doc, "created"));
        doc_check_done(&chk);
        r = check_reach(db, label, events, head);
        if (r < 0) return r;
        *ret_events = events;
        return 0;
}

/* --- the wipe session's hook (core/wipe-record.c calls it once per ended
 * wipe, under its record lock) --- */

int disposal_on_wipe_ended(struct db *db, json_t *wipe, struct signer *signer, char **ret_note, bool *ret_warning) {
        *ret_note = NULL;
        *ret_warning = false;
        json_t *certify = json_object_get(wipe, "certify");
        if (json_is_false(certify)) return 0;
        /* a wipe of something not on the register concerns no disposal */
        if (!json_is_integer(json_object_get(wipe, "medium_id")) && !json_str(wipe, "asset_tag")) return 0;
        _cleanup_free_ char *cid = NULL;
        _cleanup_json_ json_t *m = NULL, *a = NULL;
        int r = disposal_wipe_ended(db, wipe, signer, &cid);
        if (r == -EPERM || r == -ENOENT || r == -EINVAL) {
                /* the wipe stands; only the certificate is refused, and the operator is told why */
                *ret_note = xstrdup(err_msg());
                *ret_warning = true;
                return 0;
        }
        if (r < 0) return r;
        if (wipe_medium(db, wipe, &m) < 0 || get_asset(db, json_str(m, "asset_tag"), &a) < 0) {
                err_clear();
                return 0;
        }
        const char *tag = json_str(a, "tag"), *st = asset_status_label(json_str(a, "status"));
        _cleanup_free_ char *text = cid ? xasprintf("certificate %s issued for %s (medium %s); %s is %s", cid, tag, json_str(m, "serial"), tag, st)
                                        : xasprintf("%s: medium %s must be physically destroyed; %s is %s", tag, json_str(m, "serial"), tag, st);
        if (cid || streq(json_str(a, "status"), ST_DESTROY_REQUIRED)) {
                *ret_note = TAKE_PTR(text);
                *ret_warning = !cid;
        }
        return 0;
}
