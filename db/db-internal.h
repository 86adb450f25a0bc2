/* Shared between the files of db/ only: nothing outside db/ includes this
 * (the public interface is store.h and store-*.h, which know no SQLite).
 *
 * The seam. Everything specific to SQLite as an engine lives in sqlite.c:
 * the connection (open, the pragmas: foreign keys, WAL, synchronous), the
 * busy wait, the transaction statements, the cache of prepared statements,
 * the statement, bind, column and row helpers below, and the mapping of
 * SQLite result codes to -errno (db_error()). The record files (asset.c,
 * loans.c, wipe.c, disposal.c, export.c, audit.c) hold the queries: standard
 * SQL with numbered parameters, run through those helpers. A second backend
 * (PostgreSQL) is a second sqlite.c over its own client library behind the
 * same helper signatures, with the queries kept: its statements differ in
 * `?N` -> `$N` and the few SQLite-only spellings (rowid, PRAGMA,
 * RETURNING-less last_insert_rowid).
 *
 * Not there yet (for the backend issue): the helpers still take and return
 * sqlite3_stmt, and the record files still call a few sqlite3_* functions
 * themselves (step, reset, column_int64, bind_blob, last_insert_rowid, and
 * loans.c's WAL checkpoint hooks, which belong in sqlite.c); the next step
 * is an opaque statement type of our own. Nothing outside db/ sees any of
 * it. The audit chain's hashes are engine-neutral from encoding 2 on
 * (audit.c). */
#pragma once

#include "store.h"

#include <openssl/evp.h>
/* the pre-update hook's declarations (meson.build checks the library) */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

/* The engine's handle, for the few SQLite-only calls of the record files
 * (last_insert_rowid, the WAL checkpoint hooks). */
sqlite3 *db_handle(struct db *db);
/* The id the last INSERT on this connection gave its row. */
int64_t db_last_id(struct db *db);

/* A cached prepared statement for a constant SQL string (compared by pointer
 * first, then text). The statement is reset and its bindings cleared; the
 * db owns it. */
int db_prepare(struct db *db, const char *sql, sqlite3_stmt **ret);
/* Turn a SQLite result code into -errno with a message naming what. */
int db_error(struct db *db, int rc, const char *what);
/* Run a statement with no result rows (bindings already made). */
int db_step_done(struct db *db, sqlite3_stmt *st, const char *what);

/* Bind helpers: NULL strings bind SQL NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
void db_bind_int(sqlite3_stmt *st, int i, int64_t v);
/* Column as a malloc'd string or NULL. */
char *db_column_strdup(sqlite3_stmt *st, int i);
/* The row of st as a JSON object keyed by column name (integers as numbers,
 * NULL as null). */
json_t *db_row_json(sqlite3_stmt *st);
/* Bind obj[key] to parameter i: strings as text, integers, booleans as 0/1;
 * absent, null, or 0 for a "*_id" key bind NULL. The text is not copied:
 * obj must outlive the statement's next step (bind, step, reset at once). */
void db_bind_json(sqlite3_stmt *st, int i, json_t *obj, const char *key);
/* Every row of st as an array of objects (resets st); the integer columns
 * named in the NULL-ended `bools` (may be NULL) become JSON booleans. */
int db_collect(struct db *db, sqlite3_stmt *st, const char *const *bools, json_t **ret);
/* The first row of st as in db_collect, or -ENOENT (no message). */
int db_one(struct db *db, sqlite3_stmt *st, const char *const *bools, json_t **ret);


struct cached_stmt {
        const char *sql;
        sqlite3_stmt *st;
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
 * before (the pre-update hook's copy), not yet checked against its latest
 * audit event (audit.c). */
struct audit_before {
        const struct covered_table *t;
        int64_t rowid;
        int n;                        /* columns, in the table's order */
        sqlite3_value **v;
};

/* A row this transaction has written. */
struct touched {
        const struct covered_table *t; /* NULL: empty slot */
        int64_t rowid;
};

struct db {
        sqlite3 *h;
        char *path;
        char *actor;
        int64_t school;               /* db_school(): fixed at open */
        int tx_depth;                 /* nesting of db_begin() */
        int store_failed;             /* db_store_failed(): errno of the first I/O
                                       * error, full disk or corruption, or 0 */
        bool tx_read;                 /* the transaction is db_begin_read()'s */
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
        sqlite3_stmt *order_st;
        int order_first, order_n, order_key;
        int *order;
        /* the write check (audit.c): before-images not yet checked, and
         * the rows the transaction has written */
        struct audit_before *before;
        size_t n_before, cap_before;
        struct touched *touched;
        size_t n_touched, cap_touched;
        const char *hook_name;        /* the last table the hook saw */
        const struct covered_table *hook_table;
};

struct migration {
        int version;          /* PRAGMA user_version after this step */
        const char *name;     /* what the step is for */
        const char *sql;      /* the statements, run in one transaction */
};
extern const struct migration db_migrations[];
extern const size_t db_n_migrations;
/* The same steps for a trust's PostgreSQL database (db/pg/NNN-name.sql, embedded by
 * db/pg/embed.sh), and the trust part run once before them by `trust init`. */
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

/* The write check (audit.c). db_audit_preupdate() is the engine's
 * pre-update hook (sqlite.c installs it): it keeps the before-image of each
 * covered row a transaction first replaces or deletes. audit_check_writes()
 * compares them with what each row's latest audit event recorded and
 * refuses (-EPERM, naming the event and the row) when one differs; it runs
 * before an event records rows and before COMMIT. audit_writes_reset()
 * forgets the transaction's writes (at its end). */
void db_audit_preupdate(void *arg, sqlite3 *h, int op, const char *zdb, const char *name, sqlite3_int64 key1, sqlite3_int64 key2);
int audit_check_writes(struct db *db);
void audit_writes_reset(struct db *db);

/* The append-only triggers of the audit log (migration 1): `audit verify`
 * checks that each is still there as it was made. */
#define APPEND_ONLY_TRIGGER(name, op, table) \
        "CREATE TRIGGER " name " BEFORE " op " ON " table "\n  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"

/* Audit encodings (audit.c): the version new events are written with. */
#define AUDIT_ENCODING_LATEST 2
/* The canonical encoding (version 1 or 2) of the covered row `rowid` of
 * `table` as it is now, into *ret (reset first): what the row's hash is the
 * SHA-256 of. -ENOENT when there is no such row. For tests and tools. */
int audit_row_encoding(struct db *db, const char *table, int64_t rowid, int version, struct strbuf *ret);
