/* The hash-chained audit log.
 *
 * Every event stores the SHA-256 of a canonical JSON encoding of itself
 * (id, time, actor, action, subject, details, the digest of the rows it
 * covers, the previous event's hash). For each row of a covered table that a
 * change wrote, audit_rows keeps the row's content hash after the change.
 * `audit verify` recomputes the chain and then compares every covered row
 * with the hash its latest event recorded: an edit, insert or delete made
 * behind the tool's back (with the sqlite3 shell, say) shows up as a row
 * whose hash differs, a row with no event, or an event whose row is gone. */
#include "db-internal.h"
#include "json.h"

/* The tables whose rows the audit log covers: each schema part (the
 * migration that creates them) lists its own. */
const struct covered_table db_cover_foundation[] = {
        COVER("settings"),
        COVER("assets"),
        COVER("media"),
        COVER("people"),
        {NULL},
};
static const struct covered_table *const cover_lists[] = {
        db_cover_foundation, db_cover_loans, db_cover_wipe, db_cover_disposal,
};

/* Call-order iteration over every covered table. */
#define FOREACH_COVERED(t) \
        for (size_t _l = 0; _l < ELEMENTSOF(cover_lists); _l++) \
                for (const struct covered_table *t = cover_lists[_l]; t->name; t++)

static const struct covered_table *covered(const char *name) {
        FOREACH_COVERED(t)
                if (streq(t->name, name)) return t;
        return NULL;
}

/* Hash the columns of st from column `first` on, in order: per column its
 * name and NUL, the SQLite type as one byte, the value's length (8 bytes,
 * native order) and its text. The encoding is built in one buffer and
 * hashed in one go with a context the db keeps (row by row EVP calls cost
 * more than the hashing). */
static void row_hash(struct db *db, sqlite3_stmt *st, int first, char out[65]) {
        struct strbuf *b = &db->row_buf;
        b->len = 0;
        int n = sqlite3_column_count(st);
        for (int i = first; i < n; i++) {
                const char *name = sqlite3_column_name(st, i);
                sb_add(b, name, strlen(name) + 1);
                int type = sqlite3_column_type(st, i);
                uint8_t t = (uint8_t) type;
                sb_add(b, (const char *) &t, 1);
                const void *p = NULL;
                uint64_t len = 0;
                char num[32];
                if (type == SQLITE_INTEGER) {
                        len = (uint64_t) snprintf(num, sizeof num, "%lld", (long long) sqlite3_column_int64(st, i));
                        p = num;
                } else if (type == SQLITE_FLOAT) {
                        len = (uint64_t) snprintf(num, sizeof num, "%.17g", sqlite3_column_double(st, i));
                        p = num;
                } else if (type == SQLITE_TEXT) {
                        p = sqlite3_column_text(st, i);
                        len = (uint64_t) sqlite3_column_bytes(st, i);
                } else if (type == SQLITE_BLOB) {
                        p = sqlite3_column_blob(st, i);
                        len = (uint64_t) sqlite3_column_bytes(st, i);
                }
                sb_add(b, (const char *) &len, sizeof len);
                if (len) sb_add(b, p, (size_t) len);
        }
        if (!db->sha256) db->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
        if (!db->row_ctx) db->row_ctx = EVP_MD_CTX_new();
        uint8_t d[32];
        if (!db->sha256 || !db->row_ctx || !EVP_DigestInit_ex2(db->row_ctx, db->sha256, NULL) ||
            !EVP_DigestUpdate(db->row_ctx, b->buf ? b->buf : "", b->len) || !EVP_DigestFinal_ex(db->row_ctx, d, NULL))
                abort();
        hex_encode(d, 32, out);
}

static void rows_digest_add(EVP_MD_CTX *ctx, const char *tbl, int64_t rowid, const char *hash) {
        char line[256];
        int n = snprintf(line, sizeof line, "%s\t%lld\t%s\n", tbl, (long long) rowid, hash);
        EVP_DigestUpdate(ctx, line, (size_t) n);
}

static char *event_hash_input(int64_t id, const char *ts, const char *actor, const char *action,
                              const char *subject, const char *details, const char *rows, const char *prev) {
        _cleanup_json_ json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(id));
        json_set_str(o, "time", ts);
        json_set_str(o, "actor", actor);
        json_set_str(o, "action", action);
        json_set_str(o, "subject", subject);
        json_set_str(o, "details", details);
        json_set_str(o, "rows", rows);
        json_set_str(o, "prev", prev);
        return json_canonical(o);
}

int db_audit_begin(struct db *db, const char *action, const char *subject, json_t *details) {
        if (db->tx_depth <= 0) return err_set(EINVAL, "audit event '%s' outside a transaction", action);
        if (db->ev_open) return err_set(EINVAL, "audit event '%s' inside another", action);
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT coalesce(max(id), 0) + 1 FROM audit_events", &st);
        if (r < 0) return r;
        if (sqlite3_step(st) != SQLITE_ROW) {
                sqlite3_reset(st);
                return db_error(db, sqlite3_errcode(db->h), "cannot read the audit log");
        }
        db->ev_id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        free(db->ev_action);
        free(db->ev_subject);
        free(db->ev_details);
        db->ev_action = xstrdup(action);
        db->ev_subject = subject ? xstrdup(subject) : NULL;
        db->ev_details = details && json_object_size(details) ? json_canonical(details) : NULL;
        if (!db->ev_rows) db->ev_rows = EVP_MD_CTX_new();
        if (!db->ev_rows || !EVP_DigestInit_ex(db->ev_rows, EVP_sha256(), NULL)) abort();
        db->ev_open = true;
        return 0;
}

/* Write the audit_rows entry of the open event and add it to the event's
 * digest. */
static int record_row(struct db *db, const struct covered_table *t, int64_t rowid, const char *hash) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "INSERT INTO audit_rows(event_id, tbl, row_id, row_hash) VALUES (?1, ?2, ?3, ?4)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, db->ev_id);
        sqlite3_bind_text(st, 2, t->name, -1, SQLITE_STATIC);
        db_bind_int(st, 3, rowid);
        sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
        r = db_step_done(db, st, "cannot write the audit log");
        if (r < 0) return r;
        rows_digest_add(db->ev_rows, t->name, rowid, hash);
        return 0;
}

int db_audit_row(struct db *db, const char *table, int64_t rowid) {
        const struct covered_table *t = covered(table);
        if (!t) return err_set(EINVAL, "table '%s' is not covered by the audit log", table);
        if (!db->ev_open) return err_set(EINVAL, "audit row outside an event");
        sqlite3_stmt *st;
        int r = db_prepare(db, t->select_one, &st);
        if (r < 0) return r;
        db_bind_int(st, 1, rowid);
        int rc = sqlite3_step(st);
        char hash[65] = "";
        if (rc == SQLITE_ROW) row_hash(db, st, 0, hash);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_error(db, rc, "cannot read the changed row");
        if (!hash[0]) snprintf(hash, sizeof hash, "%s", "deleted");
        return record_row(db, t, rowid, hash);
}

int db_audit_end(struct db *db) {
        if (!db->ev_open) return err_set(EINVAL, "audit end outside an event");
        db->ev_open = false;
        uint8_t d[32];
        char rows[65];
        EVP_DigestFinal_ex(db->ev_rows, d, NULL);
        hex_encode(d, 32, rows);

        sqlite3_stmt *st;
        char prev[65] = "";
        int r = db_prepare(db, "SELECT hash FROM audit_events WHERE id = ?1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, db->ev_id - 1);
        if (sqlite3_step(st) == SQLITE_ROW) snprintf(prev, sizeof prev, "%s", (const char *) sqlite3_column_text(st, 0));
        sqlite3_reset(st);

        char ts[21];
        now_utc(ts);
        _cleanup_free_ char *input = event_hash_input(db->ev_id, ts, db_actor(db), db->ev_action, db->ev_subject,
                                                      db->ev_details, rows, prev);
        char hash[65];
        sha256_hex(input, strlen(input), hash);
        r = db_prepare(db, "INSERT INTO audit_events(id, time, actor, action, subject, details, rows_digest, prev_hash, hash) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, db->ev_id);
        db_bind_text(st, 2, ts);
        db_bind_text(st, 3, db_actor(db));
        db_bind_text(st, 4, db->ev_action);
        db_bind_text(st, 5, db->ev_subject);
        db_bind_text(st, 6, db->ev_details);
        db_bind_text(st, 7, rows);
        db_bind_text(st, 8, prev);
        db_bind_text(st, 9, hash);
        return db_step_done(db, st, "cannot write the audit log");
}

int db_audit(struct db *db, const char *action, const char *subject, json_t *details, const char *table, int64_t rowid) {
        int r = db_audit_begin(db, action, subject, details);
        if (r < 0) return r;
        if (table) {
                r = db_audit_row(db, table, rowid);
                if (r < 0) {
                        db->ev_open = false;
                        return r;
                }
        }
        return db_audit_end(db);
}

void audit_report_done(struct audit_report *r) {
        free(r->problem);
        r->problem = NULL;
}

static void problem(struct audit_report *rep, int64_t event, char *msg) {
        /* keep the earliest event named; a problem with no event comes last */
        bool better = !rep->problem || (event && (!rep->bad_event || event < rep->bad_event));
        if (better) {
                free(rep->problem);
                rep->problem = msg;
                rep->bad_event = event;
        } else
                free(msg);
}

/* Walk the chain: ids consecutive from 1, each prev_hash the hash before,
 * each hash recomputed from the event and its rows. */
static int verify_chain(struct db *db, struct audit_report *rep) {
        sqlite3_stmt *ev, *rows;
        int r = db_prepare(db, "SELECT id, time, actor, action, subject, details, rows_digest, prev_hash, hash "
                               "FROM audit_events ORDER BY id", &ev);
        if (r < 0) return r;
        r = db_prepare(db, "SELECT tbl, row_id, row_hash FROM audit_rows WHERE event_id = ?1 ORDER BY rowid", &rows);
        if (r < 0) return r;
        char prev[65] = "";
        int64_t expect = 1;
        int rc;
        while ((rc = sqlite3_step(ev)) == SQLITE_ROW) {
                int64_t id = sqlite3_column_int64(ev, 0);
                const char *c[9];
                for (int i = 1; i < 9; i++) c[i] = (const char *) sqlite3_column_text(ev, i);
                rep->events++;
                if (id != expect) {
                        problem(rep, expect, xasprintf("event %lld is missing (deleted from the log)", (long long) expect));
                        break;
                }
                expect++;
                EVP_MD_CTX *ctx = EVP_MD_CTX_new();
                EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
                db_bind_int(rows, 1, id);
                while (sqlite3_step(rows) == SQLITE_ROW)
                        rows_digest_add(ctx, (const char *) sqlite3_column_text(rows, 0), sqlite3_column_int64(rows, 1),
                                        strempty((const char *) sqlite3_column_text(rows, 2)));
                sqlite3_reset(rows);
                uint8_t d[32];
                char digest[65];
                EVP_DigestFinal_ex(ctx, d, NULL);
                EVP_MD_CTX_free(ctx);
                hex_encode(d, 32, digest);
                if (!streq_ptr(c[7], prev)) {
                        problem(rep, id, xasprintf("event %lld: previous hash does not match event %lld (an event was removed, inserted or edited)",
                                                   (long long) id, (long long) id - 1));
                        break;
                }
                if (!streq_ptr(c[6], digest)) {
                        problem(rep, id, xasprintf("event %lld: its row hashes were altered", (long long) id));
                        break;
                }
                _cleanup_free_ char *input = event_hash_input(id, c[1], c[2], c[3], c[4], c[5], digest, prev);
                char hash[65];
                sha256_hex(input, strlen(input), hash);
                if (!streq_ptr(c[8], hash)) {
                        problem(rep, id, xasprintf("event %lld (%s %s): hash mismatch, the event was edited",
                                                   (long long) id, strempty(c[3]), strempty(c[4])));
                        break;
                }
                snprintf(prev, sizeof prev, "%s", hash);
        }
        sqlite3_reset(ev);
        snprintf(rep->head, sizeof rep->head, "%s", prev);
        return 0;
}

/* Every covered row must equal what its latest event recorded. */
static int verify_rows(struct db *db, struct audit_report *rep) {
        sqlite3_stmt *latest;
        int r = db_prepare(db, "SELECT event_id, row_hash FROM audit_rows WHERE tbl = ?1 AND row_id = ?2 "
                               "ORDER BY event_id DESC, rowid DESC LIMIT 1", &latest);
        if (r < 0) return r;
        FOREACH_COVERED(t) {
                sqlite3_stmt *all;
                r = db_prepare(db, t->select_all, &all);
                if (r < 0) return r;
                while (sqlite3_step(all) == SQLITE_ROW) {
                        int64_t rowid = sqlite3_column_int64(all, 0);
                        char hash[65];
                        row_hash(db, all, 1, hash);
                        sqlite3_bind_text(latest, 1, t->name, -1, SQLITE_STATIC);
                        db_bind_int(latest, 2, rowid);
                        if (sqlite3_step(latest) != SQLITE_ROW)
                                problem(rep, 0, xasprintf("%s row %lld has no audit event (inserted behind the tool's back)",
                                                          t->name, (long long) rowid));
                        else if (!streq((const char *) sqlite3_column_text(latest, 1), hash)) {
                                int64_t e = sqlite3_column_int64(latest, 0);
                                problem(rep, e, xasprintf("event %lld: %s row %lld was changed after it (edited behind the tool's back)",
                                                          (long long) e, t->name, (long long) rowid));
                        }
                        sqlite3_reset(latest);
                }
                sqlite3_reset(all);
        }
        /* rows that an event recorded but that are gone */
        sqlite3_stmt *gone;
        r = db_prepare(db, "SELECT tbl, row_id, max(event_id), row_hash FROM audit_rows GROUP BY tbl, row_id", &gone);
        if (r < 0) return r;
        while (sqlite3_step(gone) == SQLITE_ROW) {
                const char *tbl = (const char *) sqlite3_column_text(gone, 0);
                int64_t rowid = sqlite3_column_int64(gone, 1);
                int64_t e = sqlite3_column_int64(gone, 2);
                if (streq_ptr((const char *) sqlite3_column_text(gone, 3), "deleted")) continue;
                const struct covered_table *t = covered(strempty(tbl));
                if (!t) {
                        problem(rep, e, xasprintf("event %lld names unknown table '%s'", (long long) e, strempty(tbl)));
                        continue;
                }
                sqlite3_stmt *one;
                r = db_prepare(db, t->select_one, &one);
                if (r < 0) break;
                db_bind_int(one, 1, rowid);
                if (sqlite3_step(one) != SQLITE_ROW)
                        problem(rep, e, xasprintf("event %lld: %s row %lld is gone (deleted behind the tool's back)",
                                                  (long long) e, t->name, (long long) rowid));
                sqlite3_reset(one);
        }
        sqlite3_reset(gone);
        return r;
}

int db_audit_verify(struct db *db, struct audit_report *ret) {
        struct audit_report rep = {0};
        int r = db_begin(db); /* one consistent snapshot */
        if (r < 0) return r;
        r = verify_chain(db, &rep);
        if (r >= 0) r = verify_rows(db, &rep);
        db_rollback(db);
        if (r < 0) {
                audit_report_done(&rep);
                return r;
        }
        *ret = rep;
        return 0;
}

int db_audit_list(struct db *db, const char *subject, json_t **ret) {
        sqlite3_stmt *st;
        /* an asset or person is also the subject of the events that wrote its
         * row under another subject: an import names the file */
        int r = db_prepare(db, "SELECT id, time, actor, action, subject, details, hash FROM audit_events "
                               "WHERE ?1 IS NULL OR subject = ?1 OR id IN ("
                               "SELECT r.event_id FROM audit_rows r JOIN assets a ON r.tbl = 'assets' AND r.row_id = a.id WHERE a.tag = ?1 "
                               "UNION SELECT r.event_id FROM audit_rows r JOIN people p ON r.tbl = 'people' AND r.row_id = p.id WHERE p.ref = ?1) "
                               "ORDER BY id", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, subject);
        json_t *arr = json_array();
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                json_t *o = db_row_json(st);
                const char *d = json_str(o, "details");
                if (d) {
                        json_t *parsed = json_loads(d, 0, NULL);
                        if (parsed) json_object_set_new(o, "details", parsed);
                }
                json_array_append_new(arr, o);
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
                json_decref(arr);
                return db_error(db, rc, "cannot read the audit log");
        }
        *ret = arr;
        return 0;
}
