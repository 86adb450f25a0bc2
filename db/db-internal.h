/* Shared between the files of db/ only: nothing outside db/ includes this
 * (the public interface is store.h and store-*.h, which know no engine).
 *
 * The seam (engine.h). Everything specific to one database engine lives in
 * its own file: sqlite.c (the connection, its pragmas and busy wait, the
 * transaction statements, prepare/step/bind/column, the mapping of SQLite
 * result codes to -errno, the pre-update hook, the WAL checkpoints) fills in
 * db_engine_sqlite; pg.c (a trust's PostgreSQL server) db_engine_pg.
 * store.c is engine-neutral: db_open() picks the engine, runs its
 * migrations, caches prepared statements and nests transactions. The record
 * files (store-*.c, audit.c, store-export.c) hold the queries, in the SQL
 * both engines read (engine.h), and run them through the statement
 * functions below, which go to the statement's own engine. Nothing outside
 * db/ sees any of it. The audit chain's hashes are engine-neutral from
 * encoding 2 on (audit.c). */
#pragma once

#include "store.h"
#include "engine.h"

#include <openssl/evp.h>
/* Only for the unit tests, which tamper with a SQLite register behind the
 * store (tests/unit/test-db.c): db_handle() and the sqlite3 API. No file of
 * db/ but sqlite.c uses it. */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
sqlite3 *db_handle(struct db *db);

/* Every engine's statement starts with this header: the statement
 * functions below reach its engine through it. */
struct db_stmt {
        const struct db_engine *engine;
};

/* The id the last INSERT on this connection gave its row. */
int64_t db_last_id(struct db *db);

/* A cached prepared statement for a constant SQL string (compared by
 * pointer). The statement is reset and its bindings cleared; the db owns
 * it. */
int db_prepare(struct db *db, const char *sql, struct db_stmt **ret);
/* An uncached statement for SQL built at run time: db_finalize() it. */
int db_prepare_once(struct db *db, const char *sql, struct db_stmt **ret);
static inline void db_finalize(struct db_stmt *st) {
        if (st) st->engine->finalize(st);
}
/* 1: a row is current; 0: done; -errno with a message "WHAT: reason". */
static inline int db_step(struct db *db, struct db_stmt *st, const char *what) { return st->engine->step(db, st, what); }
/* Run a statement with no result rows (bindings already made), then reset
 * it. */
int db_step_done(struct db *db, struct db_stmt *st, const char *what);
/* The same, where the engine may leave the outcome to its next statement
 * (engine.h, step_later): a write nothing reads until more is sent, as a
 * batch's statements, so that the server works while the caller prepares
 * the next. */
int db_step_later(struct db *db, struct db_stmt *st, const char *what);
/* End the current execution and clear the bindings. */
static inline void db_reset(struct db_stmt *st) { st->engine->reset(st); }

/* Bind helpers (parameters from 1; the bytes are copied): NULL strings
 * bind SQL NULL. */
static inline void db_bind_null(struct db_stmt *st, int i) { st->engine->bind_null(st, i); }
static inline void db_bind_int(struct db_stmt *st, int i, int64_t v) { st->engine->bind_int(st, i, v); }
static inline void db_bind_real(struct db_stmt *st, int i, double v) { st->engine->bind_real(st, i, v); }
static inline void db_bind_text_n(struct db_stmt *st, int i, const char *s, size_t n) {
        if (s) st->engine->bind_text(st, i, s, n);
        else st->engine->bind_null(st, i);
}
static inline void db_bind_text(struct db_stmt *st, int i, const char *s) {
        if (s) st->engine->bind_text(st, i, s, strlen(s));
        else st->engine->bind_null(st, i);
}
/* Text the caller keeps unchanged until the statement's next step or reset
 * (not copied where the engine can: the hot paths of an import); s[n] is a
 * NUL, as a C string's. */
static inline void db_bind_text_ref(struct db_stmt *st, int i, const char *s, size_t n) {
        if (!s) st->engine->bind_null(st, i);
        else if (st->engine->bind_text_ref) st->engine->bind_text_ref(st, i, s, n);
        else st->engine->bind_text(st, i, s, n);
}
static inline void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n) { st->engine->bind_blob(st, i, p, n); }

/* Column helpers (columns from 0) of the current row. Text and blobs are
 * valid until the next step or reset; NULL for SQL NULL. */
static inline int db_column_count(struct db_stmt *st) { return st->engine->column_count(st); }
static inline const char *db_column_name(struct db_stmt *st, int i) { return st->engine->column_name(st, i); }
static inline enum db_type db_column_type(struct db_stmt *st, int i) { return st->engine->column_type(st, i); }
static inline int64_t db_column_int(struct db_stmt *st, int i) { return st->engine->column_int(st, i); }
static inline double db_column_real(struct db_stmt *st, int i) { return st->engine->column_real(st, i); }
static inline const char *db_column_text(struct db_stmt *st, int i) { return st->engine->column_text(st, i, NULL); }
static inline const char *db_column_text_n(struct db_stmt *st, int i, size_t *ret_n) { return st->engine->column_text(st, i, ret_n); }
static inline const void *db_column_blob(struct db_stmt *st, int i, size_t *ret_n) { return st->engine->column_blob(st, i, ret_n); }
/* Column i as a typed value (a view: p valid as db_column_text's). */
static inline void db_column_value(struct db_stmt *st, int i, struct db_value *ret) {
        const struct db_engine *e = st->engine;
        if (e->column_value) {
                e->column_value(st, i, ret);
                return;
        }
        switch ((ret->type = e->column_type(st, i))) {
        case DB_INTEGER: ret->i = e->column_int(st, i); break;
        case DB_REAL: ret->r = e->column_real(st, i); break;
        case DB_TEXT: ret->p = (char *) e->column_text(st, i, &ret->n); break;
        case DB_BLOB: ret->p = (char *) e->column_blob(st, i, &ret->n); break;
        default: break;
        }
}
/* Column as a malloc'd string or NULL. */
char *db_column_strdup(struct db_stmt *st, int i);
/* The row of st as a JSON object keyed by column name (integers as numbers,
 * NULL as null, text and blobs as strings). */
json_t *db_row_json(struct db_stmt *st);
/* Bind obj[key] to parameter i: strings as text, integers, booleans as 0/1;
 * absent, null, or 0 for a "*_id" key bind NULL. The text is not copied:
 * obj must outlive the statement's next step (bind, step, reset at once). */
void db_bind_json(struct db_stmt *st, int i, json_t *obj, const char *key);
/* Every row of st as an array of objects (resets st); the integer columns
 * named in the NULL-ended `bools` (may be NULL) become JSON booleans. */
int db_collect(struct db *db, struct db_stmt *st, const char *const *bools, json_t **ret);
/* The first row of st as in db_collect, or -ENOENT (no message). */
int db_one(struct db *db, struct db_stmt *st, const char *const *bools, json_t **ret);
/* The same, with the blob columns named in the NULL-ended `hex` as
 * lowercase hex (an empty blob as null): hex in C, not in SQL. */
int db_collect_hex(struct db *db, struct db_stmt *st, const char *const *bools, const char *const *hex, json_t **ret);
int db_one_hex(struct db *db, struct db_stmt *st, const char *const *bools, const char *const *hex, json_t **ret);

struct cached_stmt {
        const char *sql;
        struct db_stmt *st;
};

/* Rows of one table that the open audit event wrote at consecutive rowids
 * and that are not yet in audit_rows (see schema-audit-runs.c). */
struct audit_run {
        const struct covered_table *t;
        int64_t first;                /* rowid of the first row */
        size_t n;                     /* rows: first .. first + n - 1 */
        struct strbuf hex;            /* their hashes, 64 hex digits each */
};

/* A row a write of this transaction replaced or removed, as it was just
 * before (the engine's copy, audit_before_add()), not yet checked against
 * its latest audit event (audit.c). */
struct audit_before {
        const struct covered_table *t;
        int64_t rowid;
        int n;                        /* columns, in the table's order */
        struct db_value *v;
};

/* A row this transaction has written. */
struct touched {
        const struct covered_table *t; /* NULL: empty slot */
        int64_t rowid;
};

struct db {
        const struct db_engine *engine;
        void *conn;                   /* the engine's connection */
        char *where;                  /* the SQLite file or the PostgreSQL URI */
        char *actor;
        int64_t school;               /* db_school(): fixed at open */
        int tx_depth;                 /* nesting of db_begin() */
        int store_failed;             /* db_store_failed(): errno of the first I/O
                                       * error, full disk or corruption, or 0 */
        bool tx_read;                 /* the transaction is db_begin_read()'s */
        bool migrating;               /* db_open() runs the migrations: no write check */
        struct cached_stmt *cache;    /* prepared statements, by SQL text */
        size_t n_cache, cap_cache;
        /* audit event being built by db_audit_begin() */
        bool ev_open;
        char *ev_action, *ev_subject, *ev_details;
        EVP_MD_CTX *ev_rows;          /* digest over the rows of the event */
        int64_t ev_id;
        struct audit_run *runs;       /* pending runs, at most one per table */
        size_t n_runs, cap_runs;
        /* row hashing, reused for every row: an import hashes 100,000 */
        EVP_MD *sha256;               /* fetched once */
        EVP_MD_CTX *row_ctx;
        struct strbuf row_buf;        /* a row's canonical encoding */
        /* encoding 2 hashes a row's fields in name order: the order of the
         * last statement hashed, kept since an import hashes 100,000 rows
         * of one statement */
        struct db_stmt *order_st;
        int order_first, order_cols, order_n, order_key;
        int *order;
        /* the write check (audit.c): before-images not yet checked, and
         * the rows the transaction has written */
        struct audit_before *before;
        size_t n_before, cap_before;
        struct touched *touched;
        size_t n_touched, cap_touched;
        const struct covered_table *hook_table; /* the last covered table written */
        int lock_wait_ms;             /* a writer's wait for the write lock in ms
                                       * (0: DB_BUSY_TIMEOUT_MS); PostgreSQL reads
                                       * it at each write begin, tests shorten it */
};

/* How long a writer waits for another's write lock before it fails
 * (-EBUSY, "database is locked"): SQLite's busy timeout, PostgreSQL's
 * lock_timeout on the school's advisory lock. */
#define DB_BUSY_TIMEOUT_MS 10000

struct migration {
        int version;          /* the schema version after this step */
        const char *name;     /* what the step is for */
        const char *sql;      /* the statements, run in one transaction */
};
/* SQLite's (migrations.c), reached through db_engine_sqlite.migrations;
 * their number (migrations.c checks it). */
extern const struct migration db_migrations[];
#define DB_SQLITE_MIGRATIONS 9
/* The same steps for a trust's PostgreSQL database (the .sql files of db/pg,
 * embedded by db/pg/embed.sh; tests/cli/0950 holds them in step), and the trust
 * part run once before them by `trust init`. */
extern const struct migration db_pg_migrations[];
extern const size_t db_pg_n_migrations;
extern const char db_pg_trust_init[];

/* A table whose rows the audit log covers; see audit.c. `record` is the
 * stable name its rows are hashed under from encoding 2 on and `key` the
 * column that is a row's own key: renaming the SQL table (a migration that
 * also renames audit_rows.tbl) keeps every v2 chain, and so does a backend
 * whose tables are spelt differently. A record name never changes. */
struct covered_table {
        const char *name;
        const char *record;       /* stable record name ("asset") */
        const char *key;          /* the record's key column ("id") */
        const char *select_one; /* SELECT * FROM t WHERE rowid = ?1 */
        const char *select_all; /* SELECT rowid, * FROM t ORDER BY rowid */
        const char *select_range; /* ... WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid */
};
/* Each schema part lists its covered tables, ended by {NULL}. */
#define COVER(t, rec, key) {t, rec, key, "SELECT * FROM " t " WHERE rowid = ?1", "SELECT rowid, * FROM " t " ORDER BY rowid", \
                  "SELECT rowid, * FROM " t " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid"}
extern const struct covered_table db_cover_foundation[];
extern const struct covered_table db_cover_loans[];
extern const struct covered_table db_cover_wipe[];
extern const struct covered_table db_cover_disposal[];
extern const struct covered_table db_cover_paperwork[];
extern const struct covered_table db_cover_wipe_firmware[];
/* Schema text of the later migrations, one file each (schema-*.c). */
extern const char db_schema_loans[];
extern const char db_schema_wipe[];
extern const char db_schema_disposal[];
extern const char db_schema_paperwork[];
extern const char db_schema_audit_runs[];
extern const char db_schema_audit_encoding[];
extern const char db_schema_wipe_firmware[];

/* The write check (audit.c). The engine reports each write to a row of a
 * covered table through audit_before_add() (SQLite: from its pre-update
 * hook, at once; PostgreSQL: from its take_before_images(), which
 * audit_check_writes() calls first): the row `rowid` of `table` as it was
 * just before the transaction first replaced or deleted it, n values in the
 * table's column order (v, malloc'd with its values' p, is taken over); v
 * NULL and n 0 for a row the transaction inserted (its own: never checked).
 * audit_row_written() tells whether the transaction has already written the
 * row (its before-image is not needed). audit_check_writes() compares the
 * images with what each row's latest audit event recorded and refuses
 * (-EPERM, naming the event and the row) when one differs; it runs before
 * an event records rows and before COMMIT. audit_writes_reset() forgets the
 * transaction's writes (at its end). */
int audit_before_add(struct db *db, const char *table, int64_t rowid, struct db_value *v, int n);
bool audit_row_written(struct db *db, const char *table, int64_t rowid);
void db_values_free(struct db_value *v, int n);
int audit_check_writes(struct db *db);
void audit_writes_reset(struct db *db);

/* The append-only triggers of the audit log (migration 1): `audit verify`
 * checks that each is still there as it was made. The message is the one
 * PostgreSQL's trigger function raises too (db/pg/trust.sql). */
#define APPEND_ONLY_MESSAGE "the audit log is append-only"
#define APPEND_ONLY_TRIGGER(name, op, table) \
        "CREATE TRIGGER " name " BEFORE " op " ON " table "\n  BEGIN SELECT RAISE(ABORT, '" APPEND_ONLY_MESSAGE "'); END"
/* The text of the append-only trigger `name` (audit_events_no_update...)
 * as SQLite's catalogue holds it, NULL when it is not one: an engine
 * reports an intact trigger of its own with it (trigger_sql). */
const char *audit_append_only_trigger(const char *name);

/* Audit encodings (audit.c): the version new events are written with. */
#define AUDIT_ENCODING_LATEST 2
/* The canonical encoding (version 1 or 2) of the covered row `rowid` of
 * `table` as it is now, into *ret (reset first): what the row's hash is the
 * SHA-256 of. -ENOENT when there is no such row. For tests and tools. */
int audit_row_encoding(struct db *db, const char *table, int64_t rowid, int version, struct strbuf *ret);
