#include "store-assets.h"
#include "db-internal.h"
#include "json.h"
#define ASSET_FIELD(...) RECORD_FIELD(asset, __VA_ARGS__)
#define MEDIUM_FIELD(...) RECORD_FIELD(medium, __VA_ARGS__)
#define PERSON_FIELD(...) RECORD_FIELD(person, __VA_ARGS__)

#include "record-sql.h"

#include <stddef.h>

const struct record_type asset_type = {"asset", (const struct record_field[]) {ASSET_FIELDS(ASSET_FIELD)}, ASSET_N_FIELDS,
                                       sizeof(struct asset)};
const struct record_type medium_type = {"medium", (const struct record_field[]) {MEDIUM_FIELDS(MEDIUM_FIELD)}, MEDIUM_N_FIELDS,
                                        sizeof(struct medium)};
const struct record_type person_type = {"person", (const struct record_field[]) {PERSON_FIELDS(PERSON_FIELD)}, PERSON_N_FIELDS,
                                        sizeof(struct person)};

static const char *const asset_bools[] = {ASSET_FIELDS(SQL_BOOLS) NULL};
static const char *const person_bools[] = {PERSON_FIELDS(SQL_BOOLS) NULL};

#define ASSET_COLS ASSET_FIELDS(SQL_SELECT)

void record_clear(const struct record_type *t, void *rec) {
        if (*(bool *) ((char *) rec + offsetof(struct asset, owned)))
                for (size_t i = 0; i < t->n_fields; i++) {
                        const struct record_field *f = &t->fields[i];
                        if (f->type != FT_ID && f->type != FT_INT && f->type != FT_PENCE && f->type != FT_BOOL)
                                free(*(char **) record_member(rec, f));
                }
        memset(rec, 0, t->size);
}

static bool is_text(const struct record_field *f) {
        return f->type != FT_ID && f->type != FT_INT && f->type != FT_PENCE && f->type != FT_BOOL;
}

/* db_bind_record() from parameter `first` on. */
static int bind_record_at(struct db_stmt *st, int first, const struct record_type *t, const void *rec, unsigned mask,
                          const char *now) {
        int i = first;
        const char *stamp = NULL;
        for (size_t k = 0; k < t->n_fields; k++) {
                const struct record_field *f = &t->fields[k];
                if (!(f->role & mask)) continue;
                const void *m = record_member_const(rec, f);
                if ((mask & FR_UPDATE) && (f->role & FR_TOUCH))
                        db_bind_text(st, i, now);
                else if (f->type == FT_BOOL)
                        db_bind_int(st, i, *(const bool *) m);
                else if (!is_text(f)) {
                        /* a reference (KEY_id) of 0 is none */
                        int64_t v = *(const int64_t *) m;
                        size_t nl = strlen(f->name);
                        bool is_ref = nl > 3 && streq(f->name + nl - 3, "_id");
                        if (record_has(rec, k) && !(is_ref && v == 0)) db_bind_int(st, i, v);
                        else db_bind_null(st, i);
                } else {
                        const char *v = *(char *const *) m;
                        if (!v && f->type == FT_TIME && (mask & FR_INSERT) && (f->role & (FR_TOUCH | FR_UPDATE)) != FR_UPDATE)
                                v = stamp ? stamp : now;
                        if (!v) v = f->dflt;
                        if (f->type == FT_TIME && !stamp) stamp = v;
                        if (v) db_bind_text_ref(st, i, v, strlen(v));
                        else db_bind_null(st, i);
                }
                i++;
        }
        return i;
}

int db_bind_record(struct db_stmt *st, const struct record_type *t, const void *rec, unsigned mask, const char *now) {
        return bind_record_at(st, 1, t, rec, mask, now);
}

void db_row_record(struct db_stmt *st, const struct record_type *t, void *rec) {
        memset(rec, 0, t->size);
        *(bool *) ((char *) rec + offsetof(struct asset, owned)) = true;
        for (size_t k = 0; k < t->n_fields; k++) {
                const struct record_field *f = &t->fields[k];
                void *m = record_member(rec, f);
                int i = (int) k;
                if (db_column_type(st, i) == DB_NULL) continue;
                record_mark(rec, k);
                if (f->type == FT_BOOL) *(bool *) m = db_column_int(st, i) != 0;
                else if (!is_text(f)) *(int64_t *) m = db_column_int(st, i);
                else *(char **) m = db_column_strdup(st, i);
        }
}

int db_one_record(struct db *db, struct db_stmt *st, const struct record_type *t, void *rec) {
        int r = db_step(db, st, "cannot read the register");
        if (r > 0) db_row_record(st, t, rec);
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? -ENOENT : r;
}

/* Run an insert whose parameters db_bind_record() bound; the new rowid. */
static int insert_record(struct db *db, const char *sql, const struct record_type *t, const void *rec,
                         int64_t extra, const char *what, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, sql, &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        int next = db_bind_record(st, t, rec, FR_INSERT, now);
        if (extra) db_bind_int(st, next, extra);
        r = db_step_done(db, st, what);
        if (r < 0) return r;
        *ret_id = db_last_id(db);
        return 0;
}

static int update_record(struct db *db, const char *sql, const struct record_type *t, const void *rec, int64_t id,
                         const char *what) {
        struct db_stmt *st;
        int r = db_prepare(db, sql, &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        int next = db_bind_record(st, t, rec, FR_UPDATE, now);
        db_bind_int(st, next, id);
        return db_step_done(db, st, what);
}

int db_asset_insert(struct db *db, const struct asset *a, int64_t *ret_id) {
        return insert_record(db, "INSERT INTO assets(" ASSET_FIELDS(SQL_INSERT) ") VALUES (" ASSET_FIELDS(SQL_VALUE) ")",
                             &asset_type, a, 0, "cannot add the asset", ret_id);
}

int db_asset_update(struct db *db, const struct asset *a) {
        return update_record(db, "UPDATE assets SET " ASSET_FIELDS(SQL_UPDATE) " WHERE id = ?", &asset_type, a, a->id,
                             "cannot update the asset");
}

int db_asset_record_by_tag(struct db *db, const char *tag, struct asset *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE tag = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, tag);
        return db_one_record(db, st, &asset_type, ret);
}

int db_asset_set_status(struct db *db, int64_t id, const char *status) {
        struct db_stmt *st;
        int r = db_prepare(db, "UPDATE assets SET status = ?1, updated_at = ?2 WHERE id = ?3", &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        db_bind_text(st, 1, status);
        db_bind_text(st, 2, now);
        db_bind_int(st, 3, id);
        return db_step_done(db, st, "cannot update the asset");
}

int db_asset_by_tag(struct db *db, const char *tag, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE tag = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, tag);
        return db_one(db, st, asset_bools, ret);
}

int db_asset_by_serial(struct db *db, const char *serial, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE serial = ?1 COLLATE NOCASE AND serial <> '' ORDER BY tag", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, serial);
        return db_collect(db, st, asset_bools, ret);
}

int db_asset_by_make_serial(struct db *db, const char *make, const char *serial, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE make = ?1 COLLATE NOCASE AND serial = ?2 COLLATE NOCASE AND serial <> ''", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, make);
        db_bind_text(st, 2, serial);
        return db_one(db, st, asset_bools, ret);
}

int db_asset_keys(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT tag, serial, make FROM assets", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_asset_list(struct db *db, const char *status, const char *location, const char *category, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1) "
                               "AND (CAST(?2 AS TEXT) IS NULL OR location = ?2 COLLATE NOCASE) AND (CAST(?3 AS TEXT) IS NULL OR category = ?3 COLLATE NOCASE) "
                               "ORDER BY tag", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, status);
        db_bind_text(st, 2, location);
        db_bind_text(st, 3, category);
        return db_collect(db, st, asset_bools, ret);
}

/* The number of a tag's digits (1 <= n), clamped at INT64_MAX as SQLite's
 * CAST was; -1 when they are not all digits. */
static int64_t tag_number(const char *s, size_t n) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9') return -1;
                unsigned d = (unsigned) (s[i] - '0');
                v = v > ((uint64_t) INT64_MAX - d) / 10 ? (uint64_t) INT64_MAX : v * 10 + d;
        }
        return (int64_t) v;
}

int db_asset_max_tag_number(struct db *db, const char *prefix, int64_t *ret) {
        /* the digits are checked and read here, not in SQL: PostgreSQL's
         * CAST refuses what is not a number */
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT substr(tag, length(?1) + 2) FROM assets WHERE substr(tag, 1, length(?1) + 1) = ?1 || '-'", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, prefix);
        int64_t max = 0;
        while ((r = db_step(db, st, "cannot read the register")) > 0) {
                size_t n;
                const char *s = db_column_text_n(st, 0, &n);
                int64_t v = s ? tag_number(s, n) : -1;
                if (v > max) max = v;
        }
        db_reset(st);
        if (r < 0) return r;
        *ret = max;
        return 0;
}

#define MEDIA_COLS MEDIUM_FIELDS(SQL_SELECT_M)

int db_media_insert(struct db *db, int64_t asset_id, const struct medium *m, int64_t *ret_id) {
        return insert_record(db, "INSERT INTO media(" MEDIUM_FIELDS(SQL_INSERT) ", asset_id) VALUES ("
                                 MEDIUM_FIELDS(SQL_VALUE) ", ?)", &medium_type, m, asset_id, "cannot add the medium", ret_id);
}

int db_media_by_asset(struct db *db, int64_t asset_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " MEDIA_COLS " FROM media m JOIN assets a ON a.id = m.asset_id "
                               "WHERE m.asset_id = ?1 ORDER BY m.id", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        return db_collect(db, st, NULL, ret);
}

int db_media_by_serial(struct db *db, const char *serial, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " MEDIA_COLS " FROM media m JOIN assets a ON a.id = m.asset_id "
                               "WHERE m.serial = ?1 COLLATE NOCASE ORDER BY m.id", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, serial);
        return db_one(db, st, NULL, ret);
}

int db_media_by_wwn(struct db *db, const char *wwn, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " MEDIA_COLS " FROM media m JOIN assets a ON a.id = m.asset_id "
                               "WHERE m.wwn = ?1 COLLATE NOCASE ORDER BY m.id", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, wwn);
        return db_one(db, st, NULL, ret);
}

int db_media_set_status(struct db *db, int64_t id, const char *status) {
        struct db_stmt *st;
        int r = db_prepare(db, "UPDATE media SET status = ?1 WHERE id = ?2", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, status);
        db_bind_int(st, 2, id);
        return db_step_done(db, st, "cannot update the medium");
}

#define PERSON_COLS PERSON_FIELDS(SQL_SELECT)

int db_person_insert(struct db *db, const struct person *p, int64_t *ret_id) {
        return insert_record(db, "INSERT INTO people(" PERSON_FIELDS(SQL_INSERT) ") VALUES (" PERSON_FIELDS(SQL_VALUE) ")",
                             &person_type, p, 0, "cannot add the person", ret_id);
}

int db_person_update(struct db *db, const struct person *p) {
        return update_record(db, "UPDATE people SET " PERSON_FIELDS(SQL_UPDATE) " WHERE id = ?", &person_type, p, p->id,
                             "cannot update the person");
}

int db_person_record_by_ref(struct db *db, const char *ref, struct person *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " PERSON_COLS " FROM people WHERE ref = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, ref);
        return db_one_record(db, st, &person_type, ret);
}

int db_person_by_ref(struct db *db, const char *ref, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " PERSON_COLS " FROM people WHERE ref = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, ref);
        return db_one(db, st, person_bools, ret);
}

int db_person_by_email(struct db *db, const char *email, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " PERSON_COLS " FROM people WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, email);
        return db_one(db, st, person_bools, ret);
}

int db_person_list(struct db *db, const char *role, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " PERSON_COLS " FROM people WHERE CAST(?1 AS TEXT) IS NULL OR role = ?1 ORDER BY ref", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, role);
        return db_collect(db, st, person_bools, ret);
}

static int count(struct db *db, const char *sql, int64_t *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, sql, &st);
        if (r < 0) return r;
        r = db_step(db, st, "cannot read the register");
        if (r > 0) *ret = db_column_int(st, 0);
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? err_set(EIO, "cannot read the register: no row") : r;
}

int db_asset_count(struct db *db, int64_t *ret) { return count(db, "SELECT count(*) FROM assets", ret); }
int db_person_count(struct db *db, int64_t *ret) { return count(db, "SELECT count(*) FROM people", ret); }

/* ---------------------------------------------------------------- batches */

/* Rows a batch statement writes at most: enough that a statement's fixed
 * cost (on a server: a round trip, the row-level security check, the
 * executor's start) is spread thin, few enough for SQLite's 32766
 * parameters and a modest statement. */
#define BATCH_ROWS 400

struct db_batch {
        struct db *db;
        const struct record_type *t;
        const char *table, *what;
        int per_row;           /* parameters a row: the id, then the inserted fields */
        int64_t next_id;       /* the id the next record added gets */
        size_t n;              /* records waiting in rec */
        void *rec;             /* BATCH_ROWS copies (batch_copy()) */
        char **text;           /* the texts of each, one block a record */
        int64_t first_id;      /* rec[0]'s id */
        struct db_stmt *full;  /* the statement for BATCH_ROWS rows, once made */
        int failed;            /* the error that failed the batch, or 0 */
};

/* "INSERT INTO table(id, <inserted fields>) VALUES (?, ?...), ..." for n rows. */
static char *batch_sql(const struct db_batch *b, size_t n) {
        struct strbuf sb = {0};
        sb_printf(&sb, "INSERT INTO %s(", b->table);
        for (size_t k = 0; k < b->t->n_fields; k++) {
                const struct record_field *f = &b->t->fields[k];
                if (f->role & (FR_KEY | FR_INSERT)) sb_printf(&sb, "%s%s", k ? ", " : "", f->name);
        }
        sb_puts(&sb, ") VALUES ");
        for (size_t i = 0; i < n; i++) {
                sb_puts(&sb, i ? ", (?" : "(?");
                for (int p = 1; p < b->per_row; p++) sb_puts(&sb, ", ?");
                sb_puts(&sb, ")");
        }
        return sb_take(&sb);
}

int db_batch_new(struct db *db, const char *table, const struct record_type *t, const char *what, struct db_batch **ret) {
        struct db_stmt *st;
        _cleanup_free_ char *sql = xasprintf("SELECT coalesce(max(%s), 0) + 1 FROM %s", t->fields[0].name, table);
        int r = db_prepare_once(db, sql, &st);
        if (r < 0) return r;
        int64_t next = 1;
        r = db_step(db, st, "cannot read the register");
        if (r > 0) next = db_column_int(st, 0);
        db_finalize(st);
        if (r < 0) return r;
        struct db_batch *b = xcalloc(1, sizeof(*b));
        *b = (struct db_batch) {.db = db, .t = t, .table = table, .what = what, .per_row = 1, .next_id = next};
        for (size_t k = 0; k < t->n_fields; k++)
                if (t->fields[k].role & FR_INSERT) b->per_row++;
        b->rec = xcalloc(BATCH_ROWS, t->size);
        b->text = xcalloc(BATCH_ROWS, sizeof(*b->text));
        *ret = b;
        return 0;
}

static void *batch_rec(const struct db_batch *b, size_t i) { return (char *) b->rec + i * b->t->size; }

/* Copy rec (a record of t) in as record i: its texts in one block of the
 * batch's (the copy borrows them), one allocation a row. */
static void batch_copy(struct db_batch *b, size_t i, const void *rec) {
        const struct record_type *t = b->t;
        void *dst = batch_rec(b, i);
        memcpy(dst, rec, t->size);
        *(bool *) ((char *) dst + offsetof(struct asset, owned)) = false;
        size_t total = 0;
        for (size_t k = 0; k < t->n_fields; k++) {
                char *const *m = record_member_const(rec, &t->fields[k]);
                if (is_text(&t->fields[k]) && *m) total += strlen(*m) + 1;
        }
        char *p = b->text[i] = xmalloc(total ? total : 1);
        for (size_t k = 0; k < t->n_fields; k++) {
                char **m = record_member(dst, &t->fields[k]);
                if (!is_text(&t->fields[k]) || !*m) continue;
                size_t n = strlen(*m) + 1;
                memcpy(p, *m, n);
                *m = p;
                p += n;
        }
}

/* Let the waiting records go. */
static void batch_clear(struct db_batch *b) {
        for (size_t i = 0; i < b->n; i++) {
                free(b->text[i]);
                b->text[i] = NULL;
        }
        b->n = 0;
}

/* Write the waiting records; `later`: leave the outcome to the engine's
 * next statement (more rows follow: db_step_later()). */
static int batch_write(struct db_batch *b, bool later) {
        if (b->failed) return b->failed;
        if (!b->n) return 0;
        struct db_stmt *st = b->n == BATCH_ROWS ? b->full : NULL;
        int r = 0;
        if (!st) {
                _cleanup_free_ char *sql = batch_sql(b, b->n);
                r = db_prepare_once(b->db, sql, &st);
                if (r >= 0 && b->n == BATCH_ROWS) b->full = st;
        }
        if (r >= 0) {
                char now[21];
                now_utc(now);
                for (size_t i = 0; i < b->n; i++) {
                        int p = (int) i * b->per_row + 1;
                        db_bind_int(st, p, b->first_id + (int64_t) i);
                        bind_record_at(st, p + 1, b->t, batch_rec(b, i), FR_INSERT, now);
                }
                r = later && st == b->full ? db_step_later(b->db, st, b->what) : db_step_done(b->db, st, b->what);
                if (st != b->full) db_finalize(st);
        }
        batch_clear(b);
        if (r < 0) b->failed = r;
        return r;
}

int db_batch_flush(struct db_batch *b) { return batch_write(b, false); }

int db_batch_add(struct db_batch *b, const void *rec, int64_t *ret_id) {
        if (b->failed) return b->failed;
        if (b->n == BATCH_ROWS) {
                int r = batch_write(b, true);
                if (r < 0) return r;
        }
        if (!b->n) b->first_id = b->next_id;
        batch_copy(b, b->n++, rec);
        *ret_id = b->next_id++;
        return 0;
}

void db_batch_free(struct db_batch *b) {
        if (!b) return;
        batch_clear(b);
        if (b->full) db_finalize(b->full);
        free(b->text);
        free(b->rec);
        free(b);
}
