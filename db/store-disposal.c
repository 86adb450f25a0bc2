/* Keys, disposal, certificates, consignments, receipts, checkpoints: the SQL.
 * See disposal.h. */
#include "store-disposal.h"
#include "db-internal.h"
#include "json.h"

/* the signatures go out as lowercase hex */
static const char *const hex_signature[] = {"signature", NULL};

static int insert_done(struct db *db, struct db_stmt *st, const char *what, int64_t *ret_id) {
        int r = db_step_done(db, st, what);
        if (r < 0) return r;
        if (ret_id) *ret_id = db_last_id(db);
        return 0;
}

static int one_int(struct db *db, struct db_stmt *st, int64_t *ret) {
        int r = db_step(db, st, "cannot read the register");
        if (r > 0) *ret = db_column_int(st, 0);
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? err_set(EIO, "cannot read the register: no row") : r;
}

/* Read one blob column of the single row st yields (malloc'd copy). */
static int one_blob(struct db *db, struct db_stmt *st, void **ret, size_t *ret_len) {
        int r = db_step(db, st, "cannot read the register");
        if (r <= 0) {
                db_reset(st);
                return r == 0 ? -ENOENT : r;
        }
        if (db_column_type(st, 0) == DB_NULL) {
                db_reset(st);
                return -ENOENT;
        }
        size_t n = 0;
        const void *p = db_column_blob(st, 0, &n);
        void *b = xmalloc(n ? n : 1);
        if (n) memcpy(b, p, n);
        db_reset(st);
        *ret = b;
        *ret_len = n;
        return 0;
}

int db_key_insert(struct db *db, const char *name, const char *fingerprint, const char *public_pem,
                  int64_t person_id, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO keys(name, fingerprint, public_pem, person_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)", &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        db_bind_text(st, 1, name);
        db_bind_text(st, 2, fingerprint);
        db_bind_text(st, 3, public_pem);
        if (person_id > 0) db_bind_int(st, 4, person_id);
        db_bind_text(st, 5, now);
        return insert_done(db, st, "cannot add the key", ret_id);
}

#define KEY_COLS "k.id, k.name, k.fingerprint, k.algorithm, k.public_pem, k.person_id, p.ref AS owner_ref, p.name AS owner_name, k.created_at"

int db_key_get(struct db *db, const char *name_or_fingerprint, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " KEY_COLS " FROM keys k LEFT JOIN people p ON p.id = k.person_id "
                               "WHERE k.name = ?1 OR k.fingerprint = lower(?1)", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, name_or_fingerprint);
        return db_one(db, st, NULL, ret);
}

int db_key_list(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " KEY_COLS " FROM keys k LEFT JOIN people p ON p.id = k.person_id ORDER BY k.name", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_disposal_request_insert(struct db *db, int64_t asset_id, const char *reason, const char *by, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO disposal_requests(asset_id, reason, requested_by, requested_at) VALUES (?1, ?2, ?3, ?4)", &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        db_bind_int(st, 1, asset_id);
        db_bind_text(st, 2, reason);
        db_bind_text(st, 3, by);
        db_bind_text(st, 4, now);
        return insert_done(db, st, "cannot record the disposal request", ret_id);
}

int db_disposal_request_latest(struct db *db, int64_t asset_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT id, asset_id, reason, requested_by, requested_at FROM disposal_requests "
                               "WHERE asset_id = ?1 ORDER BY id DESC LIMIT 1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        return db_one(db, st, NULL, ret);
}

int db_authorisation_insert(struct db *db, json_t *a, const uint8_t *sig, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO authorisations(asset_id, request_id, person_id, name, role, authorised_at, "
                               "statement, signature, key_fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
        if (r < 0) return r;
        static const char *const keys[] = {"asset_id", "request_id", "person_id", "name", "role", "authorised_at", "statement"};
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, a, keys[i]);
        if (sig) db_bind_blob(st, 8, sig, 64);
        db_bind_json(st, 9, a, "key_fingerprint");
        return insert_done(db, st, "cannot record the authorisation", ret_id);
}

int db_authorisation_latest(struct db *db, int64_t asset_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT au.id, au.asset_id, au.request_id, au.person_id, p.ref AS person_ref, au.name, au.role, "
                               "au.authorised_at, au.statement, au.signature, au.key_fingerprint "
                               "FROM authorisations au JOIN people p ON p.id = au.person_id "
                               "WHERE au.asset_id = ?1 ORDER BY au.id DESC LIMIT 1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        return db_one_hex(db, st, NULL, hex_signature, ret);
}

int db_destruction_insert(struct db *db, json_t *d, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO destructions(asset_id, media_id, method, performed_by, firm_certificate, destroyed_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st);
        if (r < 0) return r;
        static const char *const keys[] = {"asset_id", "media_id", "method", "performed_by", "firm_certificate", "destroyed_at"};
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, d, keys[i]);
        return insert_done(db, st, "cannot record the destruction", ret_id);
}

int db_destructions_by_asset(struct db *db, int64_t asset_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT d.id, d.media_id, m.serial AS media_serial, d.method, d.performed_by, d.firm_certificate, "
                               "d.destroyed_at FROM destructions d LEFT JOIN media m ON m.id = d.media_id "
                               "WHERE d.asset_id = ?1 ORDER BY d.id", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        return db_collect(db, st, NULL, ret);
}

int db_disposal_list(struct db *db, const char *status, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT a.tag, a.make, a.model, a.serial, a.status, dr.reason, dr.requested_by, dr.requested_at, "
                               "au.name AS authorised_by, au.role AS authoriser_role, au.authorised_at, "
                               "au.signature IS NOT NULL AS signed "
                               "FROM disposal_requests dr JOIN assets a ON a.id = dr.asset_id "
                               "LEFT JOIN authorisations au ON au.id = (SELECT max(id) FROM authorisations WHERE request_id = dr.id) "
                               "WHERE dr.id = (SELECT max(id) FROM disposal_requests WHERE asset_id = a.id) "
                               "AND (CAST(?1 AS TEXT) IS NULL OR a.status = ?1) ORDER BY dr.requested_at, a.tag", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, status);
        return db_collect(db, st, NULL, ret);
}

int db_cert_insert(struct db *db, json_t *c, const char *doc, size_t doc_len, const uint8_t sig[64],
                   const void *pdf, size_t pdf_len, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO certificates(cert_id, asset_id, media_id, wipe_id, method, outcome, key_fingerprint, "
                               "issued_at, json, json_sha256, signature, pdf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", &st);
        if (r < 0) return r;
        static const char *const keys[] = {"cert_id", "asset_id", "media_id", "wipe_id", "method", "outcome", "key_fingerprint", "issued_at"};
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, c, keys[i]);
        char h[65];
        sha256_hex(doc, doc_len, h);
        db_bind_blob(st, 9, doc, doc_len);
        db_bind_text(st, 10, h);
        db_bind_blob(st, 11, sig, 64);
        if (pdf) db_bind_blob(st, 12, pdf, pdf_len);
        return insert_done(db, st, "cannot store the certificate", ret_id);
}

int db_cert_next_number(struct db *db, int64_t *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT coalesce(max(id), 0) + 1 FROM certificates", &st);
        return r < 0 ? r : one_int(db, st, ret);
}

int db_consignment_next_number(struct db *db, int64_t *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT coalesce(max(id), 0) + 1 FROM consignments", &st);
        return r < 0 ? r : one_int(db, st, ret);
}

#define CERT_COLS "c.cert_id, a.tag AS asset_tag, m.serial AS media_serial, m.model AS media_model, c.wipe_id, c.method, " \
                  "c.outcome, c.key_fingerprint, c.json_sha256, c.issued_at"

int db_cert_list(struct db *db, const char *asset_tag, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " CERT_COLS " FROM certificates c JOIN assets a ON a.id = c.asset_id "
                               "LEFT JOIN media m ON m.id = c.media_id WHERE CAST(?1 AS TEXT) IS NULL OR a.tag = ?1 ORDER BY c.id", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, asset_tag);
        return db_collect(db, st, NULL, ret);
}

int db_cert_get(struct db *db, const char *cert_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " CERT_COLS ", c.json, c.signature, "
                               "c.pdf IS NOT NULL AS has_pdf FROM certificates c JOIN assets a ON a.id = c.asset_id "
                               "LEFT JOIN media m ON m.id = c.media_id WHERE c.cert_id = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, cert_id);
        return db_one_hex(db, st, NULL, hex_signature, ret);
}

int db_cert_pdf(struct db *db, const char *cert_id, void **ret, size_t *ret_len) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT pdf FROM certificates WHERE cert_id = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, cert_id);
        return one_blob(db, st, ret, ret_len);
}

int db_consignment_pdf(struct db *db, const char *consignment_id, void **ret, size_t *ret_len) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT pdf FROM consignments WHERE consignment_id = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, consignment_id);
        return one_blob(db, st, ret, ret_len);
}

int db_cert_count_passed(struct db *db, int64_t media_id, int64_t *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT count(*) FROM certificates WHERE media_id = ?1 AND outcome = 'erased'", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, media_id);
        return one_int(db, st, ret);
}

int db_cert_for_wipe(struct db *db, int64_t wipe_id, char **ret_cert_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT cert_id FROM certificates WHERE wipe_id = ?1 ORDER BY id LIMIT 1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, wipe_id);
        r = db_step(db, st, "cannot read the certificates");
        if (r > 0) *ret_cert_id = xstrdup(db_column_text(st, 0));
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? -ENOENT : r;
}

int db_wipe_latest_of_medium(struct db *db, int64_t media_id, const char *asset_tag, int64_t *ret_wipe_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT coalesce(max(id), 0) FROM wipes WHERE medium_id = ?1 OR (medium_id IS NULL AND asset_tag = ?2)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, media_id);
        db_bind_text(st, 2, asset_tag);
        return one_int(db, st, ret_wipe_id);
}

int db_consignment_insert(struct db *db, json_t *c, const char *doc, size_t doc_len, const uint8_t sig[64],
                          const void *pdf, size_t pdf_len, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO consignments(consignment_id, firm, carrier_registration, licence, created_by, "
                               "created_at, key_fingerprint, manifest, manifest_sha256, signature, pdf) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &st);
        if (r < 0) return r;
        static const char *const keys[] = {"consignment_id", "firm", "carrier_registration", "licence", "created_by",
                                           "created_at", "key_fingerprint"};
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, c, keys[i]);
        char h[65];
        sha256_hex(doc, doc_len, h);
        db_bind_blob(st, 8, doc, doc_len);
        db_bind_text(st, 9, h);
        db_bind_blob(st, 10, sig, 64);
        if (pdf) db_bind_blob(st, 11, pdf, pdf_len);
        return insert_done(db, st, "cannot store the consignment", ret_id);
}

int db_consignment_item_insert(struct db *db, int64_t consignment_row, int64_t asset_id, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO consignment_items(consignment_id, asset_id) VALUES (?1, ?2)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, consignment_row);
        db_bind_int(st, 2, asset_id);
        return insert_done(db, st, "cannot add to the consignment", ret_id);
}

#define CONS_COLS "c.id, c.consignment_id, c.firm, c.carrier_registration, c.licence, c.created_by, c.created_at, " \
                  "c.key_fingerprint, c.manifest_sha256, r.number AS receipt_number, r.received_date, r.received_by, " \
                  "(SELECT count(*) FROM consignment_items i WHERE i.consignment_id = c.id) AS assets_count"

int db_consignment_get(struct db *db, const char *consignment_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " CONS_COLS ", c.manifest, c.signature "
                               "FROM consignments c LEFT JOIN receipts r ON r.consignment_id = c.id WHERE c.consignment_id = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, consignment_id);
        json_t *c;
        r = db_one_hex(db, st, NULL, hex_signature, &c);
        if (r < 0) return r;
        struct db_stmt *items;
        r = db_prepare(db, "SELECT a.id, a.tag, a.status FROM consignment_items i JOIN assets a ON a.id = i.asset_id "
                           "WHERE i.consignment_id = ?1 ORDER BY a.tag", &items);
        json_t *arr = NULL;
        if (r >= 0) {
                db_bind_int(items, 1, json_integer_value(json_object_get(c, "id")));
                r = db_collect(db, items, NULL, &arr);
        }
        if (r < 0) {
                json_decref(c);
                return r;
        }
        json_object_set_new(c, "assets", arr);
        *ret = c;
        return 0;
}

int db_consignment_list(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " CONS_COLS " FROM consignments c LEFT JOIN receipts r ON r.consignment_id = c.id ORDER BY c.id", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_receipt_insert(struct db *db, int64_t consignment_row, const char *number, const char *date,
                      const char *received_by, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO receipts(consignment_id, number, received_date, received_by, recorded_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)", &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        db_bind_int(st, 1, consignment_row);
        db_bind_text(st, 2, number);
        db_bind_text(st, 3, date);
        db_bind_text(st, 4, received_by);
        db_bind_text(st, 5, now);
        return insert_done(db, st, "cannot record the receipt", ret_id);
}

static int cmp_strp(const void *a, const void *b) { return strcmp(*(char *const *) a, *(char *const *) b); }

/* The strings of st's first column joined by sep (in the statement's
 * order, or sorted byte-wise), or NULL when it has no rows. */
static int joined(struct db *db, struct db_stmt *st, const char *sep, bool sort, char **ret) {
        char **v = NULL;
        size_t n = 0;
        int r;
        while ((r = db_step(db, st, "cannot read the register")) > 0) {
                const char *s = db_column_text(st, 0);
                if (!s) continue;
                v = xrealloc(v, (n + 1) * sizeof *v);
                v[n++] = xstrdup(s);
        }
        db_reset(st);
        if (sort && n > 1) qsort(v, n, sizeof *v, cmp_strp);
        struct strbuf b = {0};
        for (size_t i = 0; i < n; i++) {
                if (i) sb_puts(&b, sep);
                sb_puts(&b, v[i]);
                free(v[i]);
        }
        free(v);
        if (r < 0) {
                sb_free(&b);
                return r;
        }
        *ret = n ? sb_take(&b) : NULL;
        return 0;
}

int db_disposal_register(struct db *db, const char *from, const char *to, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db,
                "SELECT a.tag, a.serial, a.make, a.model, a.status, r.received_date AS disposal_date, "
                "au.name AS authorised_by, au.role AS authoriser_role, au.authorised_at, "
                "NULL AS method, NULL AS certificates, "
                "c.firm, c.consignment_id, r.number AS receipt_number, "
                "(SELECT funding_source FROM disposal_accounts WHERE asset_id = a.id ORDER BY id DESC LIMIT 1) AS funding_source, "
                "(SELECT proceeds_pence FROM disposal_accounts WHERE asset_id = a.id ORDER BY id DESC LIMIT 1) AS proceeds_pence, "
                "a.id AS asset_row "
                "FROM assets a JOIN authorisations au ON au.id = (SELECT max(id) FROM authorisations WHERE asset_id = a.id) "
                "LEFT JOIN consignment_items ci ON ci.asset_id = a.id LEFT JOIN consignments c ON c.id = ci.consignment_id "
                "LEFT JOIN receipts r ON r.consignment_id = c.id "
                "WHERE (CAST(?1 AS TEXT) IS NULL OR coalesce(r.received_date, substr(au.authorised_at, 1, 10)) >= ?1) "
                "AND (CAST(?2 AS TEXT) IS NULL OR coalesce(r.received_date, substr(au.authorised_at, 1, 10)) <= ?2) "
                "ORDER BY coalesce(r.received_date, '9999'), a.tag", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, from);
        db_bind_text(st, 2, to);
        json_t *arr;
        r = db_collect(db, st, NULL, &arr);
        if (r < 0) return r;
        /* each asset's methods (distinct, in byte order) and erasure
         * certificates (in order), joined here: no group_concat in SQL */
        size_t i;
        json_t *row;
        json_array_foreach(arr, i, row) {
                int64_t id = json_integer_value(json_object_get(row, "asset_row"));
                json_object_del(row, "asset_row");
                struct db_stmt *q;
                _cleanup_free_ char *method = NULL, *certs = NULL;
                r = db_prepare(db, "SELECT 'wipe ' || method FROM certificates WHERE asset_id = ?1 AND outcome = 'erased' "
                                   "UNION SELECT 'destroyed (' || method || ')' FROM destructions WHERE asset_id = ?1 "
                                   "UNION SELECT 'no storage' WHERE NOT EXISTS (SELECT 1 FROM media WHERE asset_id = ?1)", &q);
                if (r >= 0) {
                        db_bind_int(q, 1, id);
                        r = joined(db, q, ", ", true, &method);
                }
                if (r >= 0) r = db_prepare(db, "SELECT cert_id FROM certificates WHERE asset_id = ?1 AND outcome = 'erased' ORDER BY id", &q);
                if (r >= 0) {
                        db_bind_int(q, 1, id);
                        r = joined(db, q, " ", false, &certs);
                }
                if (r < 0) {
                        json_decref(arr);
                        return r;
                }
                json_object_set_new(row, "method", method ? json_string(method) : json_null());
                json_object_set_new(row, "certificates", certs ? json_string(certs) : json_null());
        }
        *ret = arr;
        return 0;
}

int db_checkpoint_insert(struct db *db, int64_t events, const char *head, const char *statement,
                         const uint8_t sig[64], const char *fingerprint, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO audit_checkpoints(events, head, statement, signature, key_fingerprint, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        db_bind_int(st, 1, events);
        db_bind_text(st, 2, head);
        db_bind_blob(st, 3, statement, strlen(statement));
        db_bind_blob(st, 4, sig, 64);
        db_bind_text(st, 5, fingerprint);
        db_bind_text(st, 6, now);
        return insert_done(db, st, "cannot store the checkpoint", ret_id);
}

int db_checkpoint_list(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT id, events, head, statement, signature, "
                               "key_fingerprint, created_at FROM audit_checkpoints ORDER BY id", &st);
        if (r < 0) return r;
        return db_collect_hex(db, st, NULL, hex_signature, ret);
}

int db_audit_unsigned_before(struct db *db, const char *date, json_t **ret) {
        struct db_stmt *st;
        /* the stretch starts at the first unsigned event in the chain's
         * order: its date is when the log began to go unprotected */
        int r = db_prepare(db, "SELECT e.id AS first, (SELECT max(id) FROM audit_events) AS last, substr(e.time, 1, 10) AS since, "
                               "(SELECT substr(max(created_at), 1, 10) FROM audit_checkpoints) AS last_checkpoint "
                               "FROM audit_events e WHERE e.id = (SELECT coalesce(max(events), 0) + 1 FROM audit_checkpoints) "
                               "AND substr(e.time, 1, 10) < ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, date);
        return db_collect(db, st, NULL, ret);
}

int db_audit_event_hash(struct db *db, int64_t id, char **ret_hash, int64_t *ret_count) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT (SELECT hash FROM audit_events WHERE id = ?1), (SELECT count(*) FROM audit_events)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, id);
        r = db_step(db, st, "cannot read the audit log");
        if (r <= 0) {
                db_reset(st);
                return r < 0 ? r : err_set(EIO, "cannot read the audit log: no row");
        }
        *ret_hash = db_column_strdup(st, 0);
        *ret_count = db_column_int(st, 1);
        db_reset(st);
        return 0;
}

int db_media_by_id(struct db *db, int64_t id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT m.id, a.tag AS asset_tag, m.model, m.serial, m.size_bytes, m.kind, m.wwn, m.status "
                               "FROM media m JOIN assets a ON a.id = m.asset_id WHERE m.id = ?1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, id);
        return db_one(db, st, NULL, ret);
}
