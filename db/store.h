/* The store: the register behind every command, as one interface that
 * knows no database engine. This folder is the only code that speaks SQL;
 * callers see an opaque `struct db` and the functions of store.h and the
 * store-*.h headers (what each kind of record needs), never a statement.
 *
 * Each database engine is one file behind the seam of engine.h (sqlite.c,
 * everything SQLite-specific; a second backend, PostgreSQL, is another):
 * see db-internal.h. What every backend promises:
 *
 * Errors. Functions that can fail return 0 (or a count) on success and
 *   -errno on failure, with a message left in err_msg() (lowercase, the
 *   subject quoted, the reason last). The engine's own codes never leave
 *   db/: a constraint (a duplicate tag) is -EEXIST, a lock not had in time
 *   -EBUSY, a read-only register -EROFS, a full disk -ENOSPC, a damaged file
 *   -EBADMSG, anything else -EIO. "One row" look-ups return -ENOENT with no
 *   message when there is none.
 *
 * Transactions. db_begin() takes the write lock at once (SQLite: BEGIN
 *   IMMEDIATE), so two processes never interleave a read-check-write: a
 *   command reads what it checks inside the same transaction that writes.
 *   Begins nest by counting; only the outermost db_commit() commits, and
 *   db_rollback() at any depth undoes the whole transaction. Every write
 *   and its audit event are made in one transaction.
 *
 * Isolation. Inside a transaction a command sees one consistent snapshot
 *   plus its own writes (serializable: there is one writer at a time).
 *   Outside one, each read sees the latest committed state; readers never
 *   block the writer nor it them (SQLite: WAL).
 *
 * Concurrency. A writer that finds the lock held waits for it up to 10
 *   seconds (SQLite: the busy timeout), then fails with -EBUSY; nothing
 *   retries behind the caller's back. Readers take no write lock: a reader
 *   that needs one snapshot over several statements uses db_begin_read(),
 *   and a write never starts inside one (no read-to-write upgrade, which
 *   SQLite would refuse at once rather than wait for).
 *
 * The audit check. A write to a row the audit log covers is refused
 *   (-EPERM, naming the row and its latest event) when the row no longer
 *   matches what that event recorded: checked on the row as it was just
 *   before the write, in the same transaction (audit.c).
 *
 * The school. A register belongs to one school, fixed when it is opened
 *   (db_school()); every record a command reads or writes is that school's.
 *   A SQLite register is always the one school with id 1; a shared backend
 *   keeps many and opens a connection as one of them, behind the same
 *   interface. */
#pragma once

#include <jansson.h>
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

/* True if `where` names a server (a libpq URI: postgresql://, postgres://)
 * rather than a SQLite file. */
bool db_where_is_server(const char *where);

/* Open (and migrate) the database at path. */
int db_open(const char *path, unsigned flags, struct db **ret);
void db_close(struct db *db);
static inline void db_closep(struct db **db) { if (*db) db_close(*db); }
#define _cleanup_db_ __attribute__((cleanup(db_closep)))

const char *db_path(struct db *db);
/* Schema version of the open file, and the newest this binary knows. */
int db_schema_version(struct db *db);
int db_schema_latest(void);

/* The school this register (connection) works in, fixed at open: a
 * SQLite register has exactly one, DB_SCHOOL_ONLY. */
#define DB_SCHOOL_ONLY 1
int64_t db_school(struct db *db);
/* The errno (EIO, ENOSPC, EBADMSG) of the first failure of the store itself
 * since it was opened (an I/O error, a full disk, corruption), or 0: a
 * loop of transactions (a scan session) stops at it rather than fail each
 * later one the same way. */
int db_store_failed(struct db *db);
/* Work in school `school` (0: the trust's own records, store-trust.h) from now
 * on: every read and write, and the audit chain appended to. Inside a write
 * transaction it takes that school's write lock as well (take the schools'
 * in ascending order: the trust's, 0, first). */
int db_use_school(struct db *db, int64_t school);


/* Who is acting: $ASSETCTL_ACTOR, else the login a trust's server
 * authenticated, else the sudo user, else the login name. */
const char *db_actor(struct db *db);

/* Transactions. db_begin() takes the write lock at once (BEGIN IMMEDIATE) so
 * that two processes never interleave a read-check-write. Nested begins are
 * counted; only the outermost commit commits. db_rollback() undoes all. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* A read transaction: one consistent snapshot for a reader that reads
 * more than one statement (audit verify, export) and takes no write lock,
 * so writers go on meanwhile (SQLite: BEGIN DEFERRED in WAL). A db_begin()
 * inside one is refused. Ended by db_end_read(), which nests likewise. */
int db_begin_read(struct db *db);
void db_end_read(struct db *db);

/* Tune the connection for bulk writes (an import of thousands of rows):
 * a page cache large enough (64 MiB) that the transaction's pages are not
 * spilled to the WAL and read back, and temporary b-trees in memory. */
int db_tune_bulk(struct db *db);

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

/* Record, as a new audit event naming who decided (`by`) and why, that a
 * covered row as it is now stands: one that was changed, inserted or
 * deleted behind the tool's back, which every write to it refuses until
 * then. table is the SQL name verify prints ("assets") or the record name
 * ("asset"); key the row's tag, reference or setting key, or its row
 * number. -EALREADY when the row matches its latest event. */
struct audit_accepted {
        int64_t event;      /* the event written */
        int64_t previous;   /* the row's latest event before it (0: none) */
        char *row;          /* "asset 'TS-000001'", "loan 3" (malloc'd) */
        const char *found;  /* "changed", "unrecorded", "reinserted", "gone" */
};
int db_audit_accept(struct db *db, const char *table, const char *key, const char *by, const char *reason, struct audit_accepted *ret);

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
