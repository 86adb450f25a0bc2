/* Shared between the files of db/ only. */
#pragma once

#include "db.h"

#include <openssl/evp.h>

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

struct db {
        sqlite3 *h;
        char *path;
        char *actor;
        int tx_depth;                 /* nesting of db_begin() */
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
};

struct migration {
        int version;          /* PRAGMA user_version after this step */
        const char *name;     /* what the step is for */
        const char *sql;      /* the statements, run in one transaction */
};
extern const struct migration db_migrations[];
extern const size_t db_n_migrations;

/* A table whose rows the audit log covers; see audit.c. */
struct covered_table {
        const char *name;
        const char *select_one; /* SELECT * FROM t WHERE rowid = ?1 */
        const char *select_all; /* SELECT rowid, * FROM t ORDER BY rowid */
        const char *select_range; /* ... WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid */
};
/* Each schema part lists its covered tables, ended by {NULL}. */
#define COVER(t) {t, "SELECT * FROM " t " WHERE rowid = ?1", "SELECT rowid, * FROM " t " ORDER BY rowid", \
                  "SELECT rowid, * FROM " t " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid"}
extern const struct covered_table db_cover_foundation[];
extern const struct covered_table db_cover_loans[];
extern const struct covered_table db_cover_wipe[];
extern const struct covered_table db_cover_disposal[];
/* Schema text of the later migrations, one file each (schema-*.c). */
extern const char db_schema_loans[];
extern const char db_schema_wipe[];
extern const char db_schema_disposal[];
extern const char db_schema_audit_runs[];
