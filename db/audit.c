/* The hash-chained audit log.
 *
 * Every event stores the SHA-256 of a canonical JSON encoding of itself
 * (id, time, actor, action, subject, details, the digest of the rows it
 * covers, the previous event's hash). For each row of a covered table that a
 * change wrote, audit_rows keeps the row's content hash after the change.
 * `audit verify` recomputes the chain and then compares every covered row
 * with the hash its latest event recorded: an edit, insert or delete made
 * behind the tool's back (with the sqlite3 shell, say) shows up as a row
 * whose hash differs, a row with no event, or an event whose row is gone.
 * Every write checks the same before it is committed ("The write check"
 * below): a row whose hash differs is refused, so an honest write cannot
 * re-hash a tampered row into a chain that verifies again; `audit accept`
 * records a decision that the row stands as found.
 *
 * Rows that one event writes at consecutive rowids of a table share one
 * audit_rows entry (a run, see schema-audit-runs.c): db_audit_row() keeps
 * them in memory and db_audit_end() writes them. An entry of one row is
 * what it always was, so events written before runs existed verify as they
 * did.
 *
 * Encodings. audit_events.encoding says how an event's hashes were made;
 * verify checks each event, and the rows it recorded, under its own.
 *   1  (every event before migration 6) a row is its columns in SQL order:
 *      name NUL, SQLite's type code (1 byte), the value's length (8 bytes,
 *      native order), the value as text; the rows digest has lines
 *      "TABLE\tROWID\tHASH\n"; the event's hash is SHA-256 of canonical
 *      JSON {action, actor, details, id, prev, rows, subject, time}.
 *   2  (new events) canonical and backend-neutral. A byte string is an
 *      8-byte big-endian length and the bytes; a value is a tag of our own
 *      ('n' null; 'i' integer: 8 bytes big-endian two's complement; 'r'
 *      real: IEEE-754 bits, 8 bytes big-endian; 't' text in UTF-8 and 'b'
 *      blob: a byte string). A row is: its record name (covered_table's
 *      `record`, fixed for ever: a renamed SQL table keeps its chains), the
 *      value of its key column (its own key, not a rowid), the number of
 *      fields (8 bytes big-endian), then each field in byte order of its
 *      name, as its name and its value. The rows digest lines name the
 *      record ("RECORD\tID\tHASH\n"), and the event's JSON adds
 *      "encoding": 2. tests/unit/test-db.c pins a row's bytes.
 * A new encoding is a new number here, never an edit of one in use. */
#include "db-internal.h"
#include "json.h"

/* The tables whose rows the audit log covers: each schema part (the
 * migration that creates them) lists its own. */
const struct covered_table db_cover_foundation[] = {
        COVER("settings", "setting", "key"),
        COVER("assets", "asset", "id"),
        COVER("media", "medium", "id"),
        COVER("people", "person", "id"),
        {NULL},
};
/* A trust's own tables (PostgreSQL, db/pg/trust.sql), covered by the
 * trust's chain (school 0) only: a school's chain never writes them. A
 * grant's school_id is what the grant is for, not the row's school as in a
 * register table, so it is read (and hashed) as grant_school_id: the
 * encoding skips a column named school_id. */
#define COVER_COLS(t, rec, key, cols) {t, rec, key, "SELECT " cols " FROM " t " WHERE rowid = ?1", \
                  "SELECT rowid, " cols " FROM " t " ORDER BY rowid", \
                  "SELECT rowid, " cols " FROM " t " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid"}
static const struct covered_table db_cover_trust[] = {
        COVER("schools", "school", "id"),
        /* every column in the table's order, as a before-image has them */
        COVER_COLS("grants", "grant", "id", "db_role, school_id AS grant_school_id, role, granted_at, granted_by, id, rowid"),
        {NULL},
};
static const struct covered_table *const cover_lists[] = {
        db_cover_foundation, db_cover_loans, db_cover_wipe, db_cover_disposal, db_cover_paperwork, db_cover_wipe_firmware,
        db_cover_trust,
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

static bool trust_table(const struct covered_table *t) {
        for (const struct covered_table *p = db_cover_trust; p->name; p++)
                if (p == t) return true;
        return false;
}

/* Whether db works in a trust's own chain (school 0 of a PostgreSQL
 * trust), the one that covers the trust's tables. */
static bool trust_chain(struct db *db) { return db->school == 0 && db_where_is_server(db->where); }

/* Whether the chain db works in covers t's rows. */
static bool chain_covers(struct db *db, const struct covered_table *t) { return !trust_table(t) || trust_chain(db); }

/* A row to encode: its values either from a statement (columns from
 * `first` on) or from an array (the before-image a write is about to
 * replace, see audit_before_add()), its column names from `names` (the
 * statement itself, or the table's select_one, whose columns are the
 * table's in order). */
struct row_src {
        struct db_stmt *names;
        int first;
        struct db_stmt *st;           /* values from here, unless vals */
        const struct db_value *vals;  /* vals[i - first] */
};

/* Value i of the row: a view (p is the statement's or the image's). */
static void src_value(const struct row_src *s, int i, struct db_value *v) {
        if (s->vals) {
                *v = s->vals[i - s->first];
                return;
        }
        db_column_value(s->st, i, v);
}

/* A column an engine's tables have besides the SQLite ones (rowid,
 * school_id: engine.h's extra_columns), which no encoding includes. */
static bool extra_column(const struct db *db, const char *name) {
        return db->engine->extra_columns && (streq(name, "rowid") || streq(name, "school_id"));
}

/* Encoding 1 (events written before migration 6): the columns from `first`
 * on, in order: per column its name and NUL, the SQLite type as one byte,
 * the value's length (8 bytes, native order) and its text. */
static void row_encode_v1(struct db *db, struct strbuf *b, const struct row_src *s) {
        /* SQLite's type codes */
        static const uint8_t type_code[] = {[DB_INTEGER] = 1, [DB_REAL] = 2, [DB_TEXT] = 3, [DB_BLOB] = 4, [DB_NULL] = 5};
        int n = db_column_count(s->names);
        for (int i = s->first; i < n; i++) {
                const char *name = db_column_name(s->names, i);
                if (extra_column(db, name)) continue;
                struct db_value v;
                src_value(s, i, &v);
                sb_add(b, name, strlen(name) + 1);
                uint8_t t = type_code[v.type];
                sb_add(b, (const char *) &t, 1);
                const void *p = NULL;
                uint64_t len = 0;
                char num[32];
                if (v.type == DB_INTEGER) {
                        len = (uint64_t) snprintf(num, sizeof num, "%lld", (long long) v.i);
                        p = num;
                } else if (v.type == DB_REAL) {
                        len = (uint64_t) snprintf(num, sizeof num, "%.17g", v.r);
                        p = num;
                } else if (v.type == DB_TEXT || v.type == DB_BLOB) {
                        p = v.p;
                        len = (uint64_t) v.n;
                }
                sb_add(b, (const char *) &len, sizeof len);
                if (len) sb_add(b, p, (size_t) len);
        }
}

static void put_be64(struct strbuf *b, uint64_t v) {
        char o[8];
        for (int i = 7; i >= 0; i--, v >>= 8) o[i] = (char) (v & 0xff);
        sb_add(b, o, 8);
}

/* A length-prefixed byte string of encoding 2: 8-byte big-endian length,
 * then the bytes. */
static void put_bytes(struct strbuf *b, const void *p, size_t len) {
        put_be64(b, (uint64_t) len);
        if (len) sb_add(b, p, len);
}

/* One typed value of encoding 2: a tag byte of our own ('n' null, 'i'
 * integer, 'r' real, 't' text, 'b' blob), then for 'i' the 64-bit two's
 * complement and for 'r' the IEEE-754 bits, 8 bytes big-endian, for 't' and
 * 'b' a length-prefixed byte string (text in UTF-8), for 'n' nothing. */
static void put_value(struct strbuf *b, const struct db_value *v) {
        switch (v->type) {
        case DB_INTEGER:
                sb_add(b, "i", 1);
                put_be64(b, (uint64_t) v->i);
                break;
        case DB_REAL: {
                uint64_t bits;
                memcpy(&bits, &v->r, sizeof bits);
                sb_add(b, "r", 1);
                put_be64(b, bits);
                break;
        }
        case DB_TEXT:
                sb_add(b, "t", 1);
                put_bytes(b, v->p, v->n);
                break;
        case DB_BLOB:
                sb_add(b, "b", 1);
                put_bytes(b, v->p, v->n);
                break;
        default: sb_add(b, "n", 1);
        }
}

/* The columns of st from `first` on (but an engine's extra ones) sorted by
 * name (and which is t's key), kept in db for the next row of the same
 * statement. */
static void field_order(struct db *db, struct db_stmt *st, int first, const struct covered_table *t) {
        int cols = db_column_count(st);
        if (db->order_st == st && db->order_first == first && db->order_cols == cols) return;
        int n = cols - first;
        db->order = xrealloc(db->order, (size_t) (n > 0 ? n : 1) * sizeof *db->order);
        db->order_key = -1;
        int kept = 0;
        for (int c = first; c < cols; c++) {
                const char *name = db_column_name(st, c);
                if (extra_column(db, name)) continue;
                int j = kept++;
                for (; j > 0 && strcmp(db_column_name(st, db->order[j - 1]), name) > 0; j--) db->order[j] = db->order[j - 1];
                db->order[j] = c;
                if (streq(name, t->key)) db->order_key = c;
        }
        db->order_st = st;
        db->order_first = first;
        db->order_cols = cols;
        db->order_n = kept;
}

/* Encoding 2, canonical and backend-neutral: the record name (t->record,
 * not the SQL table's name) as a byte string, the record's own key (the
 * value of its key column, typed; not the rowid), the number of fields
 * (8 bytes big-endian), then each field in byte order of its name: its name
 * as a byte string and its typed value. */
static void row_encode_v2(struct db *db, struct strbuf *b, const struct row_src *s, const struct covered_table *t) {
        field_order(db, s->names, s->first, t);
        put_bytes(b, t->record, strlen(t->record));
        struct db_value v;
        if (db->order_key >= 0) {
                src_value(s, db->order_key, &v);
                put_value(b, &v);
        } else
                sb_add(b, "n", 1);
        put_be64(b, (uint64_t) db->order_n);
        for (int k = 0; k < db->order_n; k++) {
                const char *name = db_column_name(s->names, db->order[k]);
                put_bytes(b, name, strlen(name));
                src_value(s, db->order[k], &v);
                put_value(b, &v);
        }
}

/* Hash a row under encoding `version`. The encoding is built in one
 * buffer and hashed in one go with a context the db keeps (row by row EVP
 * calls cost more than the hashing). */
static void src_hash(struct db *db, const struct row_src *s, const struct covered_table *t, int version, char out[65]) {
        struct strbuf *b = &db->row_buf;
        b->len = 0;
        if (version == 1) row_encode_v1(db, b, s);
        else row_encode_v2(db, b, s, t);
        if (!db->sha256) db->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
        if (!db->row_ctx) db->row_ctx = EVP_MD_CTX_new();
        uint8_t d[32];
        if (!db->sha256 || !db->row_ctx || !EVP_DigestInit_ex2(db->row_ctx, db->sha256, NULL) ||
            !EVP_DigestUpdate(db->row_ctx, b->buf ? b->buf : "", b->len) || !EVP_DigestFinal_ex(db->row_ctx, d, NULL))
                abort();
        hex_encode(d, 32, out);
}

/* Hash the row of st (columns from `first` on). */
static void row_hash(struct db *db, struct db_stmt *st, int first, const struct covered_table *t, int version, char out[65]) {
        struct row_src s = {.names = st, .first = first, .st = st};
        src_hash(db, &s, t, version, out);
}

int audit_row_encoding(struct db *db, const char *table, int64_t rowid, int version, struct strbuf *ret) {
        const struct covered_table *t = covered(table);
        if (!t) return err_set(EINVAL, "table '%s' is not covered by the audit log", table);
        struct db_stmt *st;
        int r = db_prepare(db, t->select_one, &st);
        if (r < 0) return r;
        db_bind_int(st, 1, rowid);
        r = db_step(db, st, "cannot read the row");
        ret->len = 0;
        if (r > 0) {
                struct row_src s = {.names = st, .st = st};
                if (version == 1) row_encode_v1(db, ret, &s);
                else row_encode_v2(db, ret, &s, t);
        }
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? -ENOENT : r;
}

/* Append the rows-digest line of one row, "TABLE\tROWID\tHASH\n", to b
 * (by hand: an import formats 100,000 of them). */
static void digest_line(struct strbuf *b, const char *tbl, size_t tbl_len, int64_t rowid, const char *hash, size_t hash_len) {
        char num[24];
        size_t k = sizeof num;
        uint64_t v = rowid < 0 ? 0 - (uint64_t) rowid : (uint64_t) rowid;
        do num[--k] = (char) ('0' + v % 10); while ((v /= 10));
        if (rowid < 0) num[--k] = '-';
        sb_add(b, tbl, tbl_len);
        sb_add(b, "\t", 1);
        sb_add(b, num + k, sizeof num - k);
        sb_add(b, "\t", 1);
        sb_add(b, hash, hash_len);
        sb_add(b, "\n", 1);
}

/* Add the lines of one audit_rows entry (n rows from rowid, hashes
 * concatenated) to the digest ctx; b is scratch space. tbl is the SQL
 * table's name under encoding 1, the record name under encoding 2. */
static void digest_entry(EVP_MD_CTX *ctx, struct strbuf *b, const char *tbl, int64_t rowid, int64_t n, const char *hashes,
                         size_t len) {
        size_t tl = strlen(tbl);
        b->len = 0;
        if (n == 1)
                digest_line(b, tbl, tl, rowid, hashes, len);
        else
                for (int64_t k = 0; k < n; k++) digest_line(b, tbl, tl, rowid + k, hashes + 64 * k, 64);
        EVP_DigestUpdate(ctx, b->buf ? b->buf : "", b->len);
}

/* The name an audit_rows entry of table `tbl` goes by in an event's rows
 * digest under encoding `version`. */
static const char *digest_name(const char *tbl, int version) {
        const struct covered_table *t = version >= 2 ? covered(tbl) : NULL;
        return t ? t->record : tbl;
}

/* What an event's hash is the SHA-256 of: canonical JSON (sorted keys, no
 * spaces) of its fields; from encoding 2 on the encoding is one of them. */
static char *event_hash_input(int version, int64_t id, const char *ts, const char *actor, const char *action,
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
        if (version >= 2) json_object_set_new(o, "encoding", json_integer(version));
        return json_canonical(o);
}

int db_audit_begin(struct db *db, const char *action, const char *subject, json_t *details) {
        if (db->tx_depth <= 0) return err_set(EINVAL, "audit event '%s' outside a transaction", action);
        if (db->ev_open) return err_set(EINVAL, "audit event '%s' inside another", action);
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT coalesce(max(id), 0) + 1 FROM audit_events", &st);
        if (r < 0) return r;
        r = db_step(db, st, "cannot read the audit log");
        if (r <= 0) {
                db_reset(st);
                return r < 0 ? r : err_set(EIO, "cannot read the audit log: no row");
        }
        db->ev_id = db_column_int(st, 0);
        db_reset(st);
        free(db->ev_action);
        free(db->ev_subject);
        free(db->ev_details);
        db->ev_action = xstrdup(action);
        db->ev_subject = subject ? xstrdup(subject) : NULL;
        db->ev_details = details && json_object_size(details) ? json_canonical(details) : NULL;
        for (size_t i = 0; i < db->n_runs; i++) db->runs[i].n = 0;
        if (!db->ev_rows) db->ev_rows = EVP_MD_CTX_new();
        if (!db->ev_rows || !EVP_DigestInit_ex(db->ev_rows, EVP_sha256(), NULL)) abort();
        db->ev_open = true;
        return 0;
}

/* Write the pending run (one audit_rows entry, whatever its length) and add
 * its rows to the event's digest, in the order verify reads them back. */
static int run_flush(struct db *db, struct audit_run *run) {
        if (!run->n) return 0;
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO audit_rows(event_id, tbl, row_id, row_hash, n_rows) VALUES (?1, ?2, ?3, ?4, ?5)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, db->ev_id);
        db_bind_text(st, 2, run->t->name);
        db_bind_int(st, 3, run->first);
        db_bind_text_ref(st, 4, run->hex.buf ? run->hex.buf : "", run->hex.len);
        db_bind_int(st, 5, (int64_t) run->n);
        r = db_step_done(db, st, "cannot write the audit log");
        if (r < 0) return r;
        digest_entry(db->ev_rows, &db->row_buf, run->t->record, run->first, (int64_t) run->n, run->hex.buf, run->hex.len);
        run->n = 0;
        run->hex.len = 0;
        return 0;
}

/* Record that row `rowid` of t now hashes to `hash` (64 hex digits, or
 * "deleted"): it extends t's pending run when it is the next rowid, else the
 * run so far is written and a new one starts. A deletion is written at once
 * (runs hold hashes only). */
static int record_row(struct db *db, const struct covered_table *t, int64_t rowid, const char *hash) {
        struct audit_run *run = NULL;
        for (size_t i = 0; i < db->n_runs && !run; i++)
                if (db->runs[i].t == t) run = &db->runs[i];
        if (!run) {
                if (db->n_runs == db->cap_runs) {
                        db->cap_runs = db->cap_runs ? 2 * db->cap_runs : 8;
                        db->runs = xrealloc(db->runs, db->cap_runs * sizeof *db->runs);
                }
                run = &db->runs[db->n_runs++];
                *run = (struct audit_run) {.t = t};
        }
        bool is_hash = strlen(hash) == 64;
        if (is_hash && run->n && rowid == run->first + (int64_t) run->n) {
                sb_add(&run->hex, hash, 64);
                run->n++;
                return 0;
        }
        int r = run_flush(db, run);
        if (r < 0) return r;
        run->first = rowid;
        run->n = 1;
        sb_puts(&run->hex, hash);
        return is_hash ? 0 : run_flush(db, run);
}

/* The write check. A row that a covered table's write replaces (UPDATE)
 * or removes (DELETE) must be, just before the write, what its latest audit
 * event recorded: otherwise someone changed it behind the tool's back, and
 * the honest write's event would re-hash it and launder the change (the
 * chain would verify again). The engine reports every write with the row's
 * before-image through audit_before_add() (sqlite.c: from SQLite's
 * pre-update hook, so every writer in db/ is checked, including one that
 * forgets); the hook may not query the register, so the image is kept,
 * and audit_check_writes() compares it with the recorded hash before the
 * write's audit event is written and before COMMIT. A row is checked once
 * per transaction, at its first write: what the transaction itself wrote or
 * inserted is the tool's own. A mismatch refuses the whole transaction
 * (the caller rolls back: the register is unchanged); `audit accept`
 * records, as an event naming who decided, that the row as found stands. */

/* A human name for a row in messages: the column people know it by. */
static const struct {
        const char *table, *column;
} row_labels[] = {
        {"assets", "tag"}, {"people", "ref"}, {"settings", "key"}, {"schools", "code"},
};

static const char *label_column(const struct covered_table *t) {
        for (size_t i = 0; i < ELEMENTSOF(row_labels); i++)
                if (streq(row_labels[i].table, t->name)) return row_labels[i].column;
        return NULL;
}

/* The rows this transaction has written, as (table, rowid): open
 * addressing, cleared at the transaction's end. */
static size_t touched_slot(const struct covered_table *t, int64_t rowid, size_t cap) {
        uint64_t h = ((uint64_t) (uintptr_t) t >> 4) * 0x9e3779b97f4a7c15ull ^ (uint64_t) rowid * 0xff51afd7ed558ccdull;
        return (size_t) (h ^ (h >> 32)) & (cap - 1);
}

/* Add (t, rowid); true when it was not there yet. */
static bool touched_add(struct db *db, const struct covered_table *t, int64_t rowid) {
        if (2 * (db->n_touched + 1) > db->cap_touched) {
                size_t cap = db->cap_touched ? 2 * db->cap_touched : 1024;
                struct touched *big = xcalloc(cap, sizeof *big);
                for (size_t i = 0; i < db->cap_touched; i++)
                        if (db->touched[i].t) {
                                size_t j = touched_slot(db->touched[i].t, db->touched[i].rowid, cap);
                                while (big[j].t) j = (j + 1) & (cap - 1);
                                big[j] = db->touched[i];
                        }
                free(db->touched);
                db->touched = big;
                db->cap_touched = cap;
        }
        size_t j = touched_slot(t, rowid, db->cap_touched);
        for (; db->touched[j].t; j = (j + 1) & (db->cap_touched - 1))
                if (db->touched[j].t == t && db->touched[j].rowid == rowid) return false;
        db->touched[j] = (struct touched) {t, rowid};
        db->n_touched++;
        return true;
}

void db_values_free(struct db_value *v, int n) {
        for (int i = 0; v && i < n; i++)
                if (v[i].type == DB_TEXT || v[i].type == DB_BLOB) free(v[i].p);
        free(v);
}

static void before_free(struct audit_before *b) { db_values_free(b->v, b->n); }

void audit_writes_reset(struct db *db) {
        for (size_t i = 0; i < db->n_before; i++) before_free(&db->before[i]);
        db->n_before = 0;
        if (db->n_touched) memset(db->touched, 0, db->cap_touched * sizeof *db->touched);
        db->n_touched = 0;
}

/* The covered table an engine names, or NULL. The same table's writes come
 * in runs: the last one found is tried first (SQLite passes its own copy of
 * the name, stable, so the pointer usually matches). */
static const struct covered_table *write_table(struct db *db, const char *name) {
        const struct covered_table *t = db->hook_table;
        if (t && (t->name == name || streq(t->name, name))) return t;
        t = covered(name);
        if (t) db->hook_table = t;
        return t;
}

bool audit_row_written(struct db *db, const char *table, int64_t rowid) {
        const struct covered_table *t = write_table(db, table);
        if (!t || !db->cap_touched) return !t;
        size_t j = touched_slot(t, rowid, db->cap_touched);
        for (; db->touched[j].t; j = (j + 1) & (db->cap_touched - 1))
                if (db->touched[j].t == t && db->touched[j].rowid == rowid) return true;
        return false;
}

int audit_before_add(struct db *db, const char *table, int64_t rowid, struct db_value *v, int n) {
        const struct covered_table *t = write_table(db, table);
        /* a row the transaction wrote before is its own: one image, the first */
        if (!t || db->migrating || !touched_add(db, t, rowid) || !v) {
                db_values_free(v, n);
                return 0;
        }
        if (db->n_before == db->cap_before) {
                db->cap_before = db->cap_before ? 2 * db->cap_before : 16;
                db->before = xrealloc(db->before, db->cap_before * sizeof *db->before);
        }
        db->before[db->n_before++] = (struct audit_before) {.t = t, .rowid = rowid, .n = n, .v = v};
        return 0;
}

/* The latest audit_rows entry of row `rowid` of t, in verify's order
 * (event, then entry): a single entry or one inside a run. 1 found (its
 * event, hash or "deleted", the event's encoding), 0 none, or -errno. */
static int latest_entry(struct db *db, const struct covered_table *t, int64_t rowid, int64_t *ret_event, char ret_hash[65],
                        int *ret_version) {
        static const char *const sql[] = {
                "SELECT r.event_id, r.rowid, substr(r.row_hash, 1, 64), coalesce(e.encoding, 1) "
                "FROM audit_rows r LEFT JOIN audit_events e ON e.id = r.event_id WHERE r.tbl = ?1 AND r.row_id = ?2 "
                "ORDER BY r.event_id DESC, r.rowid DESC LIMIT 1",
                "SELECT r.event_id, r.rowid, substr(r.row_hash, CAST(64 * (?2 - r.row_id) + 1 AS INTEGER), 64), coalesce(e.encoding, 1) "
                "FROM audit_rows r LEFT JOIN audit_events e ON e.id = r.event_id "
                "WHERE r.tbl = ?1 AND r.n_rows > 1 AND r.row_id < ?2 AND r.row_id + r.n_rows > ?2 "
                "ORDER BY r.event_id DESC, r.rowid DESC LIMIT 1",
        };
        int64_t best_event = 0, best_entry = 0;
        for (size_t q = 0; q < ELEMENTSOF(sql); q++) {
                struct db_stmt *st;
                int r = db_prepare(db, sql[q], &st);
                if (r < 0) return r;
                db_bind_text(st, 1, t->name);
                db_bind_int(st, 2, rowid);
                r = db_step(db, st, "cannot read the audit log");
                if (r > 0) {
                        int64_t e = db_column_int(st, 0), entry = db_column_int(st, 1);
                        if (e > best_event || (e == best_event && entry > best_entry)) {
                                best_event = e;
                                best_entry = entry;
                                snprintf(ret_hash, 65, "%s", strempty(db_column_text(st, 2)));
                                *ret_version = (int) db_column_int(st, 3);
                        }
                }
                db_reset(st);
                if (r < 0) return r;
        }
        *ret_event = best_event;
        return best_event > 0;
}

/* How a row stands against its latest event, for the check and for
 * `audit accept`. */
enum row_state { ROW_MATCHES, ROW_CHANGED, ROW_UNRECORDED, ROW_RECORDED_DELETED };

/* Compare a row (src: what it is, or NULL when it is gone) with its latest
 * entry; *ret_event is that entry's event (0: none). */
static int row_state(struct db *db, const struct covered_table *t, int64_t rowid, const struct row_src *src, enum row_state *ret,
                     int64_t *ret_event) {
        char recorded[65];
        int version = AUDIT_ENCODING_LATEST;
        int r = latest_entry(db, t, rowid, ret_event, recorded, &version);
        if (r < 0) return r;
        if (r == 0) *ret = src ? ROW_UNRECORDED : ROW_MATCHES;
        else if (streq(recorded, "deleted")) *ret = src ? ROW_RECORDED_DELETED : ROW_MATCHES;
        else if (!src) *ret = ROW_CHANGED; /* recorded, and gone */
        else {
                char hash[65];
                src_hash(db, src, t, version >= 1 && version <= AUDIT_ENCODING_LATEST ? version : 1, hash);
                *ret = streq(hash, recorded) ? ROW_MATCHES : ROW_CHANGED;
        }
        return 0;
}

/* The row's label (its tag, reference, key) from its values, or NULL. */
static const char *row_label(const struct covered_table *t, const struct row_src *src) {
        const char *col = label_column(t);
        if (!col || !src) return NULL;
        int n = db_column_count(src->names);
        for (int i = src->first; i < n; i++)
                if (streq(db_column_name(src->names, i), col)) {
                        struct db_value v = {0};
                        src_value(src, i, &v);
                        return v.type == DB_TEXT ? v.p : NULL;
                }
        return NULL;
}

/* "asset 'TS-000001'" or "loan 12", from the row's values */
static char *row_name(const struct covered_table *t, int64_t rowid, const struct row_src *src) {
        const char *v = row_label(t, src);
        return v ? xasprintf("%s '%s'", t->record, v) : xasprintf("%s %lld", t->record, (long long) rowid);
}

/* The key `audit accept` takes for a row: its label, else its rowid. */
static char *row_key(const struct covered_table *t, int64_t rowid, const struct row_src *src) {
        const char *v = row_label(t, src);
        return v && !strpbrk(v, " '\"\\") ? xstrdup(v) : xasprintf("%lld", (long long) rowid);
}

int audit_check_writes(struct db *db) {
        int r = db->engine->take_before_images(db);
        for (size_t i = 0; i < db->n_before && r >= 0; i++) {
                struct audit_before *b = &db->before[i];
                struct db_stmt *names;
                r = db_prepare(db, b->t->select_one, &names);
                if (r < 0) break;
                if (db_column_count(names) != b->n) {
                        r = err_set(EIO, "cannot check %s row %lld: the table has %d columns, the write saw %d", b->t->name,
                                    (long long) b->rowid, db_column_count(names), b->n);
                        break;
                }
                struct row_src src = {.names = names, .vals = b->v};
                enum row_state state;
                int64_t event;
                r = row_state(db, b->t, b->rowid, &src, &state, &event);
                if (r < 0 || state == ROW_MATCHES) continue;
                _cleanup_free_ char *what = row_name(b->t, b->rowid, &src), *key = row_key(b->t, b->rowid, &src);
                if (state == ROW_UNRECORDED)
                        r = err_set(EPERM, "cannot change %s: the row has no audit event (inserted outside assetctl?); see 'assetctl audit accept %s %s'",
                                    what, b->t->name, key);
                else if (state == ROW_RECORDED_DELETED)
                        r = err_set(EPERM, "cannot change %s: audit event %lld recorded the row as deleted (re-inserted outside assetctl?); "
                                    "see 'assetctl audit accept %s %s'", what, (long long) event, b->t->name, key);
                else
                        r = err_set(EPERM, "cannot change %s: the row differs from what audit event %lld recorded (edited outside assetctl?); "
                                    "see 'assetctl audit accept %s %s'", what, (long long) event, b->t->name, key);
        }
        for (size_t i = 0; i < db->n_before; i++) before_free(&db->before[i]);
        db->n_before = 0;
        return r;
}

int db_audit_row(struct db *db, const char *table, int64_t rowid) {
        const struct covered_table *t = covered(table);
        if (!t) return err_set(EINVAL, "table '%s' is not covered by the audit log", table);
        if (!db->ev_open) return err_set(EINVAL, "audit row outside an event");
        int r = audit_check_writes(db);
        if (r < 0) return r;
        struct db_stmt *st;
        r = db_prepare(db, t->select_one, &st);
        if (r < 0) return r;
        db_bind_int(st, 1, rowid);
        r = db_step(db, st, "cannot read the changed row");
        char hash[65] = "";
        if (r > 0) row_hash(db, st, 0, t, AUDIT_ENCODING_LATEST, hash);
        db_reset(st);
        if (r < 0) return r;
        if (!hash[0]) snprintf(hash, sizeof hash, "%s", "deleted");
        return record_row(db, t, rowid, hash);
}

int db_audit_rows(struct db *db, const char *table, int64_t first, int64_t last) {
        const struct covered_table *t = covered(table);
        if (!t) return err_set(EINVAL, "table '%s' is not covered by the audit log", table);
        if (!db->ev_open) return err_set(EINVAL, "audit row outside an event");
        int r = audit_check_writes(db);
        if (r < 0) return r;
        struct db_stmt *st;
        r = db_prepare(db, t->select_range, &st);
        if (r < 0) return r;
        db_bind_int(st, 1, first);
        db_bind_int(st, 2, last);
        int64_t next = first;
        int rs = 0;
        while (r >= 0 && (rs = db_step(db, st, "cannot read the changed rows")) > 0) {
                int64_t rowid = db_column_int(st, 0);
                char hash[65];
                row_hash(db, st, 1, t, AUDIT_ENCODING_LATEST, hash);
                for (; next < rowid && r >= 0; next++) r = record_row(db, t, next, "deleted");
                if (r >= 0) r = record_row(db, t, rowid, hash);
                next = rowid + 1;
        }
        if (r >= 0 && rs < 0) r = rs;
        db_reset(st);
        for (; next <= last && r >= 0; next++) r = record_row(db, t, next, "deleted");
        return r;
}

int db_audit_end(struct db *db) {
        if (!db->ev_open) return err_set(EINVAL, "audit end outside an event");
        db->ev_open = false;
        int r = audit_check_writes(db);
        if (r < 0) return r;
        for (size_t i = 0; i < db->n_runs; i++) {
                r = run_flush(db, &db->runs[i]);
                if (r < 0) return r;
        }
        uint8_t d[32];
        char rows[65];
        EVP_DigestFinal_ex(db->ev_rows, d, NULL);
        hex_encode(d, 32, rows);

        struct db_stmt *st;
        char prev[65] = "";
        r = db_prepare(db, "SELECT hash FROM audit_events WHERE id = ?1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, db->ev_id - 1);
        if (db_step(db, st, "cannot read the audit log") > 0) snprintf(prev, sizeof prev, "%s", strempty(db_column_text(st, 0)));
        db_reset(st);

        char ts[21];
        now_utc(ts);
        _cleanup_free_ char *input = event_hash_input(AUDIT_ENCODING_LATEST, db->ev_id, ts, db_actor(db), db->ev_action, db->ev_subject,
                                                      db->ev_details, rows, prev);
        char hash[65];
        sha256_hex(input, strlen(input), hash);
        r = db_prepare(db, "INSERT INTO audit_events(id, time, actor, action, subject, details, rows_digest, prev_hash, hash, encoding) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st);
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
        db_bind_int(st, 10, AUDIT_ENCODING_LATEST);
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

/* The covered table named by its SQL name (as verify names it) or its
 * record name. */
static const struct covered_table *covered_by_name(const char *name) {
        FOREACH_COVERED(t)
                if (streq(t->name, name) || streq(t->record, name)) return t;
        return NULL;
}

/* The rowid of t's row that `key` names: its label (a tag, a reference, a
 * setting's key), else a row number. 1 found, 0 none. */
static int accept_rowid(struct db *db, const struct covered_table *t, const char *key, int64_t *ret) {
        const char *col = label_column(t);
        if (col) {
                _cleanup_free_ char *sql = xasprintf("SELECT rowid FROM %s WHERE %s = ?1 COLLATE NOCASE", t->name, col);
                struct db_stmt *st;
                int r = db_prepare_once(db, sql, &st);
                if (r < 0) return r;
                db_bind_text(st, 1, key);
                r = db_step(db, st, "cannot read the register");
                if (r > 0) *ret = db_column_int(st, 0);
                db_finalize(st);
                if (r != 0) return r;
        }
        return parse_int64(key, ret) >= 0 && *ret > 0;
}

static int accept_in(struct db *db, const struct covered_table *t, const char *key, const char *by, const char *reason,
                     struct audit_accepted *ret);

static int accept_locked(struct db *db, const struct covered_table *t, const char *key, const char *by, const char *reason,
                         struct audit_accepted *ret) {
        int64_t rowid;
        int r = accept_rowid(db, t, key, &rowid);
        if (r < 0) return r;
        if (r == 0) return err_set(ENOENT, "cannot accept %s '%s': there is no such row", t->record, key);
        struct db_stmt *st;
        r = db_prepare(db, t->select_one, &st);
        if (r < 0) return r;
        db_bind_int(st, 1, rowid);
        int rs = db_step(db, st, "cannot read the register");
        if (rs < 0) {
                db_reset(st);
                return rs;
        }
        struct row_src src = {.names = st, .st = st};
        enum row_state state;
        int64_t event;
        r = row_state(db, t, rowid, rs > 0 ? &src : NULL, &state, &event);
        _cleanup_free_ char *what = row_name(t, rowid, rs > 0 ? &src : NULL);
        _cleanup_free_ char *subject = rs > 0 && label_column(t) ? row_key(t, rowid, &src) : NULL;
        bool gone = rs == 0;
        db_reset(st);
        if (r < 0) return r;
        if (state == ROW_MATCHES && gone) return err_set(ENOENT, "cannot accept %s: there is no such row", what);
        if (state == ROW_MATCHES)
                return err_set(EALREADY, "cannot accept %s: it matches what audit event %lld recorded, nothing to accept", what,
                               (long long) event);
        const char *found = state == ROW_UNRECORDED ? "unrecorded" : state == ROW_RECORDED_DELETED ? "reinserted"
                          : gone                    ? "gone"
                                                    : "changed";
        _cleanup_json_ json_t *d = json_pack("{ss,sI,ss,ss,ss}", "table", t->name, "row", (json_int_t) rowid, "found", found, "by", by,
                                             "reason", reason);
        if (event) json_object_set_new(d, "previous_event", json_integer(event));
        if (!subject) subject = xasprintf("%s %lld", t->name, (long long) rowid);
        r = db_audit_begin(db, "audit.accept", subject, d);
        if (r < 0) return r;
        int64_t id = db->ev_id;
        r = db_audit_row(db, t->name, rowid);
        if (r < 0) {
                db->ev_open = false;
                return r;
        }
        r = db_audit_end(db);
        if (r < 0) return r;
        *ret = (struct audit_accepted) {.event = id, .previous = event, .row = TAKE_PTR(what), .found = found};
        return 0;
}

int db_audit_accept(struct db *db, const char *table, const char *key, const char *by, const char *reason, struct audit_accepted *ret) {
        const struct covered_table *t = covered_by_name(table);
        if (t && trust_table(t) && !db_where_is_server(db->where)) t = NULL; /* a trust's only */
        if (!t) return err_set(EINVAL, "cannot accept a row of '%s': not a table the audit log covers (give one audit verify names, such as assets)", table);
        if (isempty(by)) return err_set(EINVAL, "cannot accept %s '%s': say who decided (--by NAME)", t->record, key);
        if (isempty(reason)) return err_set(EINVAL, "cannot accept %s '%s': give the reason (--reason TEXT)", t->record, key);
        /* the trust's tables are its own chain's, whichever school the
         * connection works in (named: school 0 takes writes then) */
        int64_t was = db->school;
        if (trust_table(t)) {
                int r = db_use_school(db, 0);
                if (r < 0) return r;
                r = accept_in(db, t, key, by, reason, ret);
                if (r < 0) {
                        _cleanup_free_ char *m = xstrdup(err_msg());
                        (void) db_use_school(db, was);
                        return err_set(-r, "%s", m);
                }
                r = db_use_school(db, was);
                if (r < 0) free(TAKE_PTR(ret->row));
                return r;
        }
        return accept_in(db, t, key, by, reason, ret);
}

/* `audit accept` in the chain the connection works in. */
static int accept_in(struct db *db, const struct covered_table *t, const char *key, const char *by, const char *reason,
                     struct audit_accepted *ret) {
        int r = db_begin(db);
        if (r < 0) return r;
        r = accept_locked(db, t, key, by, reason, ret);
        if (r < 0) {
                db_rollback(db);
                return r;
        }
        r = db_commit(db);
        if (r < 0) free(TAKE_PTR(ret->row));
        return r;
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
        struct db_stmt *ev, *rows;
        int r = db_prepare(db, "SELECT id, time, actor, action, subject, details, rows_digest, prev_hash, hash, encoding "
                               "FROM audit_events ORDER BY id", &ev);
        if (r < 0) return r;
        r = db_prepare(db, "SELECT tbl, row_id, row_hash, n_rows FROM audit_rows WHERE event_id = ?1 ORDER BY rowid", &rows);
        if (r < 0) return r;
        struct strbuf lines = {0};
        char prev[65] = "";
        int64_t expect = 1;
        while (db_step(db, ev, "cannot read the audit log") > 0) {
                int64_t id = db_column_int(ev, 0);
                const char *c[9];
                for (int i = 1; i < 9; i++) c[i] = db_column_text(ev, i);
                rep->events++;
                if (id != expect) {
                        problem(rep, expect, xasprintf("event %lld is missing (deleted from the log)", (long long) expect));
                        break;
                }
                expect++;
                int64_t version = db_column_int(ev, 9);
                if (version < 1 || version > AUDIT_ENCODING_LATEST) {
                        problem(rep, id, xasprintf("event %lld: unknown audit encoding %lld (written by a newer assetctl, or edited)",
                                                   (long long) id, (long long) version));
                        break;
                }
                EVP_MD_CTX *ctx = EVP_MD_CTX_new();
                EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
                db_bind_int(rows, 1, id);
                bool runs_ok = true;
                while (db_step(db, rows, "cannot read the audit log") > 0) {
                        size_t hl = 0;
                        const char *h = db_column_text_n(rows, 2, &hl);
                        if (!h) h = "", hl = 0;
                        int64_t n = db_column_int(rows, 3);
                        /* a run's hashes must be all there: n is bounded by them */
                        if (n < 1 || (n > 1 && (uint64_t) hl != 64 * (uint64_t) n)) {
                                runs_ok = false;
                                continue;
                        }
                        digest_entry(ctx, &lines, digest_name(strempty(db_column_text(rows, 0)), (int) version),
                                     db_column_int(rows, 1),
                                     n, h, hl);
                }
                db_reset(rows);
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
                if (!runs_ok || !streq_ptr(c[6], digest)) {
                        problem(rep, id, xasprintf("event %lld: its row hashes were altered", (long long) id));
                        break;
                }
                _cleanup_free_ char *input = event_hash_input((int) version, id, c[1], c[2], c[3], c[4], c[5], digest, prev);
                char hash[65];
                sha256_hex(input, strlen(input), hash);
                if (!streq_ptr(c[8], hash)) {
                        problem(rep, id, xasprintf("event %lld (%s %s): hash mismatch, the event was edited",
                                                   (long long) id, strempty(c[3]), strempty(c[4])));
                        break;
                }
                snprintf(prev, sizeof prev, "%s", hash);
        }
        db_reset(ev);
        sb_free(&lines);
        snprintf(rep->head, sizeof rep->head, "%s", prev);
        return 0;
}

/* The latest audit_rows entry of one covered row, in verify_rows()'s
 * open-addressing map keyed by (table, rowid). */
struct latest {
        int64_t rowid;
        int64_t event;
        const struct covered_table *t; /* NULL: empty slot */
        bool deleted;                  /* the entry says "deleted" */
        bool hash_ok;                  /* hash holds 64 hex digits */
        bool exists;                   /* the row is in its table */
        uint8_t version;               /* the encoding of that entry's event */
        char hash[64];
};

struct latest_map {
        struct latest *slots;
        size_t cap, n;
};

static size_t latest_hash(const struct covered_table *t, int64_t rowid) {
        uint64_t h = ((uint64_t) (uintptr_t) t >> 4) * 0x9e3779b97f4a7c15ull ^ (uint64_t) rowid * 0xff51afd7ed558ccdull;
        return (size_t) (h ^ (h >> 32));
}

/* The slot of (t, rowid); with `add`, a new one when it has none, else NULL. */
static struct latest *latest_get(struct latest_map *m, const struct covered_table *t, int64_t rowid, bool add) {
        if (add && 2 * (m->n + 1) > m->cap) {
                struct latest_map big = {.cap = m->cap ? 2 * m->cap : 4096};
                big.slots = xcalloc(big.cap, sizeof *big.slots);
                for (size_t i = 0; i < m->cap; i++)
                        if (m->slots[i].t) {
                                size_t j = latest_hash(m->slots[i].t, m->slots[i].rowid) & (big.cap - 1);
                                while (big.slots[j].t) j = (j + 1) & (big.cap - 1);
                                big.slots[j] = m->slots[i];
                        }
                big.n = m->n;
                free(m->slots);
                *m = big;
        }
        if (!m->cap) return NULL;
        size_t j = latest_hash(t, rowid) & (m->cap - 1);
        for (; m->slots[j].t; j = (j + 1) & (m->cap - 1))
                if (m->slots[j].t == t && m->slots[j].rowid == rowid) return &m->slots[j];
        if (!add) return NULL;
        m->n++;
        m->slots[j] = (struct latest) {.t = t, .rowid = rowid};
        return &m->slots[j];
}

/* Every covered row must equal what its latest event recorded, and every
 * row an event recorded (and did not record as deleted) must still exist.
 * One pass over audit_rows in event order builds each row's latest entry in
 * memory (a run counts for each of its rows); then each covered table is
 * read once. */
static int verify_rows(struct db *db, struct audit_report *rep) {
        struct db_stmt *all;
        struct latest_map m = {0};
        int r = db_prepare(db, "SELECT r.event_id, r.tbl, r.row_id, r.row_hash, r.n_rows, coalesce(e.encoding, 1) "
                               "FROM audit_rows r LEFT JOIN audit_events e ON e.id = r.event_id ORDER BY r.event_id, r.rowid", &all);
        if (r < 0) return r;
        int rs;
        while ((rs = db_step(db, all, "cannot read the audit log")) > 0) {
                int64_t e = db_column_int(all, 0);
                const char *tbl = strempty(db_column_text(all, 1));
                int64_t first = db_column_int(all, 2);
                size_t hl = 0;
                const char *h = db_column_text_n(all, 3, &hl);
                if (!h) h = "", hl = 0;
                int64_t n = db_column_int(all, 4);
                int64_t version = db_column_int(all, 5);
                const struct covered_table *t = covered(tbl);
                if (!t) {
                        problem(rep, e, xasprintf("event %lld names unknown table '%s'", (long long) e, tbl));
                        continue;
                }
                if (n < 1 || (n > 1 && (uint64_t) hl != 64 * (uint64_t) n)) {
                        problem(rep, e, xasprintf("event %lld: its row hashes were altered", (long long) e));
                        continue;
                }
                for (int64_t k = 0; k < n; k++) {
                        struct latest *l = latest_get(&m, t, first + k, true);
                        l->event = e;
                        l->deleted = n == 1 && streq(h, "deleted");
                        l->hash_ok = n > 1 || hl == 64;
                        /* an unknown encoding is verify_chain's to name */
                        l->version = version >= 1 && version <= AUDIT_ENCODING_LATEST ? (uint8_t) version : 1;
                        if (l->hash_ok) memcpy(l->hash, h + 64 * k, 64);
                }
        }
        db_reset(all);
        if (rs < 0) {
                free(m.slots);
                return rs;
        }
        FOREACH_COVERED(t) {
                if (!chain_covers(db, t)) continue;
                r = db_prepare(db, t->select_all, &all);
                if (r < 0) break;
                while ((rs = db_step(db, all, "cannot read the register")) > 0) {
                        int64_t rowid = db_column_int(all, 0);
                        char hash[65];
                        struct latest *l = latest_get(&m, t, rowid, false);
                        row_hash(db, all, 1, t, l ? l->version : AUDIT_ENCODING_LATEST, hash);
                        if (!l)
                                problem(rep, 0, xasprintf("%s row %lld has no audit event (inserted behind the tool's back)",
                                                          t->name, (long long) rowid));
                        else {
                                l->exists = true;
                                if (l->deleted || !l->hash_ok || memcmp(l->hash, hash, 64) != 0)
                                        problem(rep, l->event, xasprintf("event %lld: %s row %lld was changed after it (edited behind the tool's back)",
                                                                         (long long) l->event, t->name, (long long) rowid));
                        }
                }
                db_reset(all);
                if (rs < 0) {
                        r = rs;
                        break;
                }
        }
        /* rows that an event recorded but that are gone: the earliest event
         * (then table name, then rowid) is the one named */
        const struct latest *gone = NULL;
        for (size_t i = 0; i < m.cap && r >= 0; i++) {
                const struct latest *l = &m.slots[i];
                if (!l->t || l->exists || l->deleted) continue;
                int c = gone ? (l->event > gone->event) - (l->event < gone->event) : -1;
                if (!c) c = strcmp(l->t->name, gone->t->name);
                if (!c) c = (l->rowid > gone->rowid) - (l->rowid < gone->rowid);
                if (c < 0) gone = l;
        }
        if (gone)
                problem(rep, gone->event, xasprintf("event %lld: %s row %lld is gone (deleted behind the tool's back)",
                                                    (long long) gone->event, gone->t->name, (long long) gone->rowid));
        free(m.slots);
        return r;
}

/* The log's append-only triggers (migration 1), as SQLite's catalogue holds
 * them. */
static const struct append_only_trigger {
        const char *name, *sql;
} append_only_triggers[] = {
        {"audit_events_no_update", APPEND_ONLY_TRIGGER("audit_events_no_update", "UPDATE", "audit_events")},
        {"audit_events_no_delete", APPEND_ONLY_TRIGGER("audit_events_no_delete", "DELETE", "audit_events")},
        {"audit_rows_no_update", APPEND_ONLY_TRIGGER("audit_rows_no_update", "UPDATE", "audit_rows")},
        {"audit_rows_no_delete", APPEND_ONLY_TRIGGER("audit_rows_no_delete", "DELETE", "audit_rows")},
};

const char *audit_append_only_trigger(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(append_only_triggers); i++)
                if (streq(append_only_triggers[i].name, name)) return append_only_triggers[i].sql;
        return NULL;
}

/* The log's append-only triggers must all be there as they were made:
 * without them the log can be edited in place, and an edit that is then
 * re-hashed consistently is not seen by the chain. The texts are SQLite's;
 * the engine reads them from its catalogue (trigger_sql), and an engine
 * without that op guards its log otherwise. */
static int verify_triggers(struct db *db, struct audit_report *rep) {
        if (!db->engine->trigger_sql) return 0;
        for (size_t i = 0; i < ELEMENTSOF(append_only_triggers); i++) {
                const struct append_only_trigger *t = &append_only_triggers[i];
                _cleanup_free_ char *sql = NULL;
                int rs = db->engine->trigger_sql(db, t->name, &sql);
                if (rs < 0) return rs;
                bool same = rs > 0 && streq_ptr(sql, t->sql);
                if (rs == 0)
                        problem(rep, 0, xasprintf("the append-only trigger '%s' is missing (dropped behind the tool's back): "
                                                  "the log could be edited in place", t->name));
                else if (!same)
                        problem(rep, 0, xasprintf("the append-only trigger '%s' was altered behind the tool's back: "
                                                  "the log could be edited in place", t->name));
        }
        return 0;
}

/* The trust's chain is seen by its administrators and auditors only (a
 * trust-wide grant): to another login it shows no event, and the grants
 * and schools it may see would look unrecorded. */
static int trust_chain_visible(struct db *db) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT CASE WHEN 0 = ANY (assetctl_granted_schools(current_user, ARRAY['auditor', 'admin'])) "
                               "THEN 1 ELSE 0 END", &st);
        if (r < 0) return r;
        r = db_step(db, st, "cannot read the grants");
        bool visible = r > 0 && db_column_int(st, 0) == 1;
        db_reset(st);
        if (r < 0) return r;
        if (!visible)
                return err_set(EACCES, "cannot verify the trust's own audit log: it is for the trust's administrators and auditors "
                                       "(a trust-wide grant); name a school with --school CODE");
        return 0;
}

int db_audit_verify(struct db *db, struct audit_report *ret) {
        struct audit_report rep = {0};
        int r = db_begin_read(db); /* one consistent snapshot, no write lock */
        if (r < 0) return r;
        if (trust_chain(db)) r = trust_chain_visible(db);
        if (r >= 0) r = verify_chain(db, &rep);
        if (r >= 0) r = verify_rows(db, &rep);
        if (r >= 0) r = verify_triggers(db, &rep);
        db_end_read(db);
        if (r < 0) {
                audit_report_done(&rep);
                return r;
        }
        *ret = rep;
        return 0;
}

int db_audit_list(struct db *db, const char *subject, json_t **ret) {
        struct db_stmt *st;
        /* an asset or person is also the subject of the events that wrote its
         * row under another subject: an import names the file */
        int r = db_prepare(db, "SELECT id, time, actor, action, subject, details, hash FROM audit_events "
                               "WHERE CAST(?1 AS TEXT) IS NULL OR subject = ?1 OR id IN ("
                               "SELECT r.event_id FROM audit_rows r JOIN assets a ON r.tbl = 'assets' AND r.row_id = a.id WHERE a.tag = ?1 "
                               "UNION SELECT r.event_id FROM audit_rows r JOIN people p ON r.tbl = 'people' AND r.row_id = p.id WHERE p.ref = ?1 "
                               /* runs of rows that cover the asset's or person's row */
                               "UNION SELECT r.event_id FROM audit_rows r JOIN assets a ON r.tbl = 'assets' AND r.n_rows > 1 "
                               "AND r.row_id <= a.id AND a.id < r.row_id + r.n_rows WHERE a.tag = ?1 "
                               "UNION SELECT r.event_id FROM audit_rows r JOIN people p ON r.tbl = 'people' AND r.n_rows > 1 "
                               "AND r.row_id <= p.id AND p.id < r.row_id + r.n_rows WHERE p.ref = ?1) "
                               "ORDER BY id", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, subject);
        json_t *arr = json_array();
        int rs;
        while ((rs = db_step(db, st, "cannot read the audit log")) > 0) {
                json_t *o = db_row_json(st);
                const char *d = json_str(o, "details");
                if (d) {
                        json_t *parsed = json_loads(d, 0, NULL);
                        if (parsed) json_object_set_new(o, "details", parsed);
                }
                json_array_append_new(arr, o);
        }
        db_reset(st);
        if (rs < 0) {
                json_decref(arr);
                return rs;
        }
        *ret = arr;
        return 0;
}
