/* The store: one SQLite file. This folder is the only code that speaks SQL.
 * Functions return 0 (or a count) on success and -errno on failure, with a
 * message left in err_msg(). */
#pragma once

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct db;

enum db_open_flags {
        DB_CREATE = 1 << 0,   /* create the file (and its directories) if missing */
        DB_READONLY = 1 << 1, /* open read-only; no migrations are run */
        DB_QUERY = 1 << 2,    /* the caller only reads: skip what only writers need
                               * (the WAL pragma, which persists in the file
                               * anyway, and synchronous = NORMAL) */
};

/* Where the database lives: explicit path, else $ASSETCTL_DB, else
 * $XDG_DATA_HOME/assetctl/assets.db (~/.local/share when unset). */
char *db_default_path(const char *explicit_path);

/* Open (and migrate) the database at path. */
int db_open(const char *path, unsigned flags, struct db **ret);
void db_close(struct db *db);
static inline void db_closep(struct db **db) { if (*db) db_close(*db); }
#define _cleanup_db_ __attribute__((cleanup(db_closep)))

sqlite3 *db_handle(struct db *db);
const char *db_path(struct db *db);
/* Schema version of the open file, and the newest this binary knows. */
int db_schema_version(struct db *db);
int db_schema_latest(void);

/* Who is acting: $ASSETCTL_ACTOR, else the sudo user, else the login name. */
const char *db_actor(struct db *db);

/* Transactions. db_begin() takes the write lock at once (BEGIN IMMEDIATE) so
 * that two processes never interleave a read-check-write. Nested begins are
 * counted; only the outermost commit commits. db_rollback() undoes all. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* Tune the connection for bulk writes (an import of thousands of rows):
 * a page cache large enough (64 MiB) that the transaction's pages are not
 * spilled to the WAL and read back, and temporary b-trees in memory. */
int db_tune_bulk(struct db *db);

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

/* Settings: small key/value facts about the school (name, tag prefix). */
int db_setting_get(struct db *db, const char *key, char **ret);
/* Set a setting and audit it (call inside a transaction). */
int db_setting_set(struct db *db, const char *key, const char *value);

/* Audit log. Each event names an action ("asset.add"), a subject (a tag, a
 * reference), details (a JSON object, may be NULL) and the rows of covered
 * tables the change wrote: their content hash after the change is chained
 * into the event, so `audit verify` sees edits made behind the tool's back.
 *
 * db_audit() writes one event for one row (table may be NULL for none).
 * For many rows: db_audit_begin(), db_audit_row() for each, db_audit_end().
 * Must be called inside the transaction that made the change. */
int db_audit(struct db *db, const char *action, const char *subject, json_t *details,
             const char *table, int64_t rowid);
int db_audit_begin(struct db *db, const char *action, const char *subject, json_t *details);
int db_audit_row(struct db *db, const char *table, int64_t rowid);
/* The same for every row first..last of table, as they are now (a rowid
 * with no row counts as deleted): one scan instead of a look-up per row, for
 * an import that wrote 100,000 consecutive rows. */
int db_audit_rows(struct db *db, const char *table, int64_t first, int64_t last);
int db_audit_end(struct db *db);

/* The result of `audit verify`. */
struct audit_report {
        int64_t events;     /* events in the log */
        char head[65];      /* hash of the last event ("" when empty) */
        int64_t bad_event;  /* first bad event id, 0 if none could be named */
        char *problem;      /* NULL when intact; else what is wrong (malloc'd) */
};
int db_audit_verify(struct db *db, struct audit_report *ret);
void audit_report_done(struct audit_report *r);

/* Events, oldest first, optionally only those about `subject` (named as
 * their subject, or, for an asset tag or person reference, that wrote its
 * row, as an import does);
 * an array of JSON objects (id, time, actor, action, subject, details, hash). */
int db_audit_list(struct db *db, const char *subject, json_t **ret);
