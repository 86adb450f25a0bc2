/* The seam between the store and a database engine (db/ only).
 *
 * The record files (store-*.c, audit.c) hold the queries and run them
 * through the statement functions below; they never name an engine. Each
 * engine (sqlite.c, and pg.c for a trust's PostgreSQL server) fills in one
 * `struct db_engine`; db_open() picks it from what it is given: a libpq
 * URI (postgresql://, postgres://) is PostgreSQL, anything else a SQLite
 * file.
 *
 * The query text is written once, in the SQL both engines read: `?N`
 * parameters, standard functions only (coalesce, lower, length, substr,
 * max, count), `ON CONFLICT (...) DO ...`, `LIMIT`, `COLLATE NOCASE` on a
 * comparison (PostgreSQL: the collation `nocase` its schema creates), and
 * `rowid`, which every PostgreSQL table has as a column (tables with an
 * integer key: a generated column equal to it). Blob to hex or text is done
 * in C, not in SQL. An engine translates what it must (PostgreSQL: `?N` to
 * `$N`, the school's column in ON CONFLICT targets) when it prepares.
 *
 * Values are typed as SQLite types them (enum db_type); PostgreSQL maps
 * bigint/integer to DB_INTEGER, double precision to DB_REAL, text to
 * DB_TEXT and bytea to DB_BLOB, so a row's canonical encoding (audit.c)
 * is the same whichever engine read it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
/* A prepared statement with its bindings and its current row: the engine's
 * own type, which starts with this common header (db-internal.h: the engine
 * it belongs to, so that db_step(), db_column_int() and the like reach it).
 * Parameters are numbered from 1, columns from 0. */
struct db_stmt;

enum db_type { DB_NULL, DB_INTEGER, DB_REAL, DB_TEXT, DB_BLOB };

/* One typed value, as a before-image of a covered row keeps it (audit.c):
 * p (malloc'd) holds text (NUL-ended, n bytes without the NUL) or a blob. */
struct db_value {
        enum db_type type;
        int64_t i;
        double r;
        char *p;
        size_t n;
};

struct db_engine {
        const char *name;  /* "sqlite", "postgresql" */
        /* Connect db (db->where set) and set db->school; flags as db_open().
         * Migrations are run by db_open() through exec() afterwards. */
        int (*open)(struct db *db, unsigned flags);
        void (*close)(struct db *db);
        /* Statements without parameters or result rows, ';'-separated. */
        int (*exec)(struct db *db, const char *sql, const char *what);
        int (*prepare)(struct db *db, const char *sql, struct db_stmt **ret);
        void (*finalize)(struct db_stmt *st);
        /* End the current execution and clear the bindings. */
        void (*reset)(struct db_stmt *st);
        void (*bind_null)(struct db_stmt *st, int i);
        void (*bind_int)(struct db_stmt *st, int i, int64_t v);
        void (*bind_real)(struct db_stmt *st, int i, double v);
        /* The bytes are copied (the caller's may go at once). */
        void (*bind_text)(struct db_stmt *st, int i, const char *s, size_t n);
        void (*bind_blob)(struct db_stmt *st, int i, const void *p, size_t n);
        /* 1: a row is current; 0: done; -errno with a message naming what. */
        int (*step)(struct db *db, struct db_stmt *st, const char *what);
        /* Optional: start a statement with no result rows and reset it,
         * without waiting for its outcome; the engine's next statement or
         * transaction end on the connection takes it first and fails with
         * its error (naming what). A failed one fails the transaction.
         * The bindings are the engine's once it returns. Without the op:
         * step, then reset. */
        int (*step_later)(struct db *db, struct db_stmt *st, const char *what);
        int (*column_count)(struct db_stmt *st);
        const char *(*column_name)(struct db_stmt *st, int i);
        enum db_type (*column_type)(struct db_stmt *st, int i);
        int64_t (*column_int)(struct db_stmt *st, int i);
        double (*column_real)(struct db_stmt *st, int i);
        /* Valid until the next step or reset; NULL for SQL NULL. */
        const char *(*column_text)(struct db_stmt *st, int i, size_t *ret_n);
        const void *(*column_blob)(struct db_stmt *st, int i, size_t *ret_n);
        /* The key the last INSERT on this connection gave its row. */
        int64_t (*last_id)(struct db *db);
        /* The outermost begin: `write` takes the school's write lock at once
         * (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
         * advisory lock on the school), else one read snapshot. */
        int (*begin)(struct db *db, bool write);
        int (*commit)(struct db *db);
        void (*rollback)(struct db *db);
        /* The schema version (-1: not an assetctl register) and setting it
         * inside the migration's transaction. */
        int (*schema_version)(struct db *db);
        int (*set_schema_version)(struct db *db, int version);
        /* Hand every covered row this transaction replaced or deleted since
         * the last call, as it was before, to audit_before_add() (audit.c),
         * then forget them: the write check's input. */
        int (*take_before_images)(struct db *db);
        /* The migrations of this engine: the same numbers and names for
         * every engine (tests/cli/0950 holds them in step). */
        const struct migration *migrations;
        size_t n_migrations;
        /* Every table has the columns `rowid` and `school_id` besides the
         * SQLite ones (PostgreSQL): a row's encoding (audit.c) skips them
         * by name, so a row hashes the same on every engine. */
        bool extra_columns;
        /* Optional, NULL where the engine has nothing to do: tune the
         * connection for a bulk write (db_tune_bulk()); the write-ahead
         * log's checkpoints (store-loans.h: db_checkpoint_manual(),
         * db_checkpoint_auto(), db_checkpoint()). */
        int (*tune_bulk)(struct db *db);
        void (*wal_manual)(struct db *db, int *ret_wal_pages);
        void (*wal_auto)(struct db *db);
        int (*checkpoint)(struct db *db);
        /* Optional fast paths (NULL: the ops above serve): bind text that
         * the caller keeps unchanged until the statement's next step or
         * reset (not copied; s[n] is a NUL, as a C string's); column i as a typed value in one call, its p
         * valid as column_text's. An import binds and hashes 100,000 rows. */
        void (*bind_text_ref)(struct db_stmt *st, int i, const char *s, size_t n);
        void (*column_value)(struct db_stmt *st, int i, struct db_value *ret);
        /* Optional: make an empty store (schema_version -1) ready for the
         * migrations, inside their transaction, when it is opened with
         * DB_CREATE (PostgreSQL: the trust part, `trust init`). */
        int (*create)(struct db *db);
        /* Optional: called once the migrations are done (PostgreSQL: act as
         * the trust's admin role when the login owns the database, and
         * pick the school). */
        int (*opened)(struct db *db, unsigned flags);
        /* Work in another school from now on (db->school set by the
         * caller); NULL: the engine has one school. */
        int (*use_school)(struct db *db, int64_t school);
        /* Optional: the login the server authenticated (the audit's actor
         * when $ASSETCTL_ACTOR is not set), valid while connected. */
        const char *(*login)(struct db *db);
        /* Optional: the text of trigger `name` as the catalogue holds it
         * (1, *ret malloc'd), 0 when there is none, or -errno: audit verify
         * checks the log's append-only triggers (SQLite's) with it. */
        int (*trigger_sql)(struct db *db, const char *name, char **ret);
};

extern const struct db_engine db_engine_sqlite;
extern const struct db_engine db_engine_pg;
