/* The SQLite engine of the store (engine.h): the connection, its pragmas
 * and busy wait, transactions, statements, the mapping of SQLite codes to
 * -errno, the pre-update hook that feeds the write check, the WAL
 * checkpoints. The only file of db/ that speaks to SQLite; the seam is
 * described in db-internal.h. */
#include "db-internal.h"

#include <fcntl.h>
#include <sys/stat.h>

/* A statement: the common header, then SQLite's. */
struct sqlite_stmt {
        struct db_stmt base;
        sqlite3_stmt *s;
};

#define S(st) (((struct sqlite_stmt *) (st))->s)
#define H(db) ((sqlite3 *) (db)->conn)

sqlite3 *db_handle(struct db *db) { return H(db); }

/* The errno for an SQLite result code; notes a failure of the store itself
 * (db_store_failed()). */
static int errno_of(struct db *db, int rc) {
        int e;
        switch (rc & 0xff) {
        case SQLITE_CONSTRAINT: e = EEXIST; break;
        case SQLITE_BUSY: case SQLITE_LOCKED: e = EBUSY; break;
        case SQLITE_NOMEM: e = ENOMEM; break;
        case SQLITE_READONLY: e = EROFS; break;
        case SQLITE_CANTOPEN: e = ENOENT; break;
        case SQLITE_FULL: e = ENOSPC; break;
        case SQLITE_CORRUPT: case SQLITE_NOTADB: e = EBADMSG; break;
        default: e = EIO;
        }
        int code = rc & 0xff;
        if (db && !db->store_failed && (code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CORRUPT))
                db->store_failed = e;
        return e;
}

static int error(struct db *db, int rc, const char *what) {
        int e = errno_of(db, rc);
        return err_set(e, "%s: %s", what, db && db->conn ? sqlite3_errmsg(H(db)) : sqlite3_errstr(rc));
}

static int sq_exec(struct db *db, const char *sql, const char *what) {
        char *msg = NULL;
        int rc = sqlite3_exec(H(db), sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
                int e = errno_of(db, rc);
                int r = err_set(e == EEXIST || e == EBUSY ? EIO : e, "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
                sqlite3_free(msg);
                return r;
        }
        return 0;
}

/* Every write to a covered row is checked against the audit log (audit.c):
 * the hook may not query the register, so it hands the row's before-image
 * over at once. */
static void preupdate(void *arg, sqlite3 *h, int op, const char *zdb, const char *name, sqlite3_int64 key1, sqlite3_int64 key2) {
        struct db *db = arg;
        if (db->tx_depth <= 0 || db->migrating || !streq(zdb, "main")) return;
        if (op == SQLITE_INSERT) {
                audit_before_add(db, name, key2, NULL, 0);
                return;
        }
        if (!audit_row_written(db, name, key1)) {
                int n = sqlite3_preupdate_count(h);
                struct db_value *v = xcalloc((size_t) (n > 0 ? n : 1), sizeof *v);
                for (int i = 0; i < n; i++) {
                        sqlite3_value *x = NULL;
                        if (sqlite3_preupdate_old(h, i, &x) != SQLITE_OK) abort();
                        switch (sqlite3_value_type(x)) {
                        case SQLITE_INTEGER: v[i] = (struct db_value) {.type = DB_INTEGER, .i = sqlite3_value_int64(x)}; break;
                        case SQLITE_FLOAT: v[i] = (struct db_value) {.type = DB_REAL, .r = sqlite3_value_double(x)}; break;
                        case SQLITE_TEXT:
                        case SQLITE_BLOB: {
                                bool text = sqlite3_value_type(x) == SQLITE_TEXT;
                                const void *p = text ? (const void *) sqlite3_value_text(x) : sqlite3_value_blob(x);
                                size_t len = (size_t) sqlite3_value_bytes(x);
                                v[i] = (struct db_value) {.type = text ? DB_TEXT : DB_BLOB, .n = len, .p = xmalloc(len + 1)};
                                if (len) memcpy(v[i].p, p, len);
                                v[i].p[len] = 0;
                                break;
                        }
                        default: v[i] = (struct db_value) {.type = DB_NULL};
                        }
                }
                audit_before_add(db, name, key1, v, n);
        }
        if (op == SQLITE_UPDATE && key2 != key1) audit_before_add(db, name, key2, NULL, 0);
}

static int sq_open(struct db *db, unsigned flags) {
        const char *path = db->where;
        struct stat stbuf;
        bool exists = stat(path, &stbuf) == 0;
        if (!exists) {
                if (!(flags & DB_CREATE))
                        return err_set(ENOENT, "no register at '%s': run 'assetctl init' first (or pass --db)", path);
                _cleanup_free_ char *dir = xstrdup(path);
                char *slash = strrchr(dir, '/');
                if (slash && slash != dir) {
                        *slash = 0;
                        int r = mkdir_p(dir, 0700);
                        if (r < 0) return r;
                }
                int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
                if (fd < 0 && errno != EEXIST) return err_set(errno, "cannot create '%s': %s", path, strerror(errno));
                if (fd >= 0) close(fd);
        } else if (!S_ISREG(stbuf.st_mode))
                return err_set(EINVAL, "cannot open '%s': not a regular file", path);

        /* SQLite's memory statistics (on by default) put a mutex and
         * bookkeeping on every allocation; nothing here reads them. Only
         * possible before the library is initialised, so it may fail
         * harmlessly on a second open. */
        static bool configured;
        if (!configured) {
                configured = true;
                (void) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        }

        int oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
        sqlite3 *h = NULL;
        int rc = sqlite3_open_v2(path, &h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
        db->conn = h;
        if (rc != SQLITE_OK) return error(db, rc, path);
        sqlite3_extended_result_codes(h, 1);
        sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS);
        /* foreign keys always: a command that writes by mistake without
         * CMD_WRITE must still be checked */
        int r = sq_exec(db, "PRAGMA foreign_keys = ON", path);
        if (r < 0) return r;
        if (!(flags & (DB_READONLY | DB_QUERY))) {
                r = sq_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", path);
                if (r < 0) return r;
        }
        /* quiet while db_open() runs the migrations, which are no write of
         * a row (db->migrating) */
        sqlite3_preupdate_hook(h, preupdate, db);
        return 0;
}

static void sq_close(struct db *db) {
        sqlite3_close_v2(H(db));
        db->conn = NULL;
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt **ret) {
        sqlite3_stmt *s;
        int rc = sqlite3_prepare_v3(H(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
        if (rc != SQLITE_OK) return error(db, rc, "cannot prepare statement");
        struct sqlite_stmt *st = xmalloc(sizeof *st);
        *st = (struct sqlite_stmt) {{&db_engine_sqlite}, s};
        *ret = &st->base;
        return 0;
}

static void sq_finalize(struct db_stmt *st) {
        sqlite3_finalize(S(st));
        free(st);
}

static void sq_reset(struct db_stmt *st) {
        sqlite3_reset(S(st));
        sqlite3_clear_bindings(S(st));
}

static void sq_bind_null(struct db_stmt *st, int i) { sqlite3_bind_null(S(st), i); }
static void sq_bind_int(struct db_stmt *st, int i, int64_t v) { sqlite3_bind_int64(S(st), i, v); }
static void sq_bind_real(struct db_stmt *st, int i, double v) { sqlite3_bind_double(S(st), i, v); }
static void sq_bind_text(struct db_stmt *st, int i, const char *s, size_t n) {
        sqlite3_bind_text64(S(st), i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}
static void sq_bind_text_ref(struct db_stmt *st, int i, const char *s, size_t n) {
        sqlite3_bind_text64(S(st), i, s, n, SQLITE_STATIC, SQLITE_UTF8);
}
static void sq_bind_blob(struct db_stmt *st, int i, const void *p, size_t n) { sqlite3_bind_blob64(S(st), i, p, n, SQLITE_TRANSIENT); }

static int sq_step(struct db *db, struct db_stmt *st, const char *what) {
        int rc = sqlite3_step(S(st));
        if (rc == SQLITE_ROW) return 1;
        if (rc == SQLITE_DONE) return 0;
        return error(db, rc, what);
}

static int sq_column_count(struct db_stmt *st) { return sqlite3_column_count(S(st)); }
static const char *sq_column_name(struct db_stmt *st, int i) { return sqlite3_column_name(S(st), i); }

static enum db_type sq_column_type(struct db_stmt *st, int i) {
        switch (sqlite3_column_type(S(st), i)) {
        case SQLITE_INTEGER: return DB_INTEGER;
        case SQLITE_FLOAT: return DB_REAL;
        case SQLITE_TEXT: return DB_TEXT;
        case SQLITE_BLOB: return DB_BLOB;
        default: return DB_NULL;
        }
}

static int64_t sq_column_int(struct db_stmt *st, int i) { return sqlite3_column_int64(S(st), i); }
static double sq_column_real(struct db_stmt *st, int i) { return sqlite3_column_double(S(st), i); }

static const char *sq_column_text(struct db_stmt *st, int i, size_t *ret_n) {
        const char *s = (const char *) sqlite3_column_text(S(st), i);
        if (ret_n) *ret_n = (size_t) sqlite3_column_bytes(S(st), i);
        return s;
}

static const void *sq_column_blob(struct db_stmt *st, int i, size_t *ret_n) {
        const void *p = sqlite3_column_blob(S(st), i);
        if (ret_n) *ret_n = (size_t) sqlite3_column_bytes(S(st), i);
        return p;
}

static void sq_column_value(struct db_stmt *st, int i, struct db_value *ret) {
        sqlite3_value *v = sqlite3_column_value(S(st), i);
        switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER: *ret = (struct db_value) {.type = DB_INTEGER, .i = sqlite3_value_int64(v)}; break;
        case SQLITE_FLOAT: *ret = (struct db_value) {.type = DB_REAL, .r = sqlite3_value_double(v)}; break;
        case SQLITE_TEXT:
                ret->type = DB_TEXT;
                ret->p = (char *) sqlite3_value_text(v);
                ret->n = (size_t) sqlite3_value_bytes(v);
                break;
        case SQLITE_BLOB:
                ret->type = DB_BLOB;
                ret->p = (char *) sqlite3_value_blob(v);
                ret->n = (size_t) sqlite3_value_bytes(v);
                break;
        default: ret->type = DB_NULL;
        }
}

static int64_t sq_last_id(struct db *db) { return sqlite3_last_insert_rowid(H(db)); }

static int sq_begin(struct db *db, bool write) {
        return write ? sq_exec(db, "BEGIN IMMEDIATE", "cannot start a transaction")
                     : sq_exec(db, "BEGIN DEFERRED", "cannot start a read transaction");
}

static int sq_commit(struct db *db) { return sq_exec(db, "COMMIT", "cannot commit"); }

static void sq_rollback(struct db *db) {
        char *msg = NULL;
        sqlite3_exec(H(db), "ROLLBACK", NULL, NULL, &msg);
        sqlite3_free(msg);
}

static int sq_schema_version(struct db *db) {
        struct db_stmt *st;
        if (db_prepare(db, "PRAGMA user_version", &st) < 0) return -EIO;
        int v = sqlite3_step(S(st)) == SQLITE_ROW ? sqlite3_column_int(S(st), 0) : -1;
        sqlite3_reset(S(st));
        return v;
}

static int sq_set_schema_version(struct db *db, int version) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version);
        return sq_exec(db, pragma, "set schema version");
}

/* the pre-update hook hands every write over at once */
static int sq_take_before_images(struct db *db) { return 0; }

static int sq_trigger_sql(struct db *db, const char *name, char **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, name);
        r = sq_step(db, st, "cannot read the schema");
        if (r > 0) *ret = db_column_strdup(st, 0);
        db_reset(st);
        return r;
}

static int sq_tune_bulk(struct db *db) {
        return sq_exec(db, "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", "cannot tune the connection");
}

static int wal_hook(void *arg, sqlite3 *h, const char *name, int pages) {
        *(int *) arg = pages;
        return SQLITE_OK;
}

static void sq_wal_manual(struct db *db, int *ret_wal_pages) {
        /* replaces the default hook that sqlite3_wal_autocheckpoint installs */
        sqlite3_wal_hook(H(db), wal_hook, ret_wal_pages);
}

static void sq_wal_auto(struct db *db) { sqlite3_wal_autocheckpoint(H(db), 1000); }

static int sq_checkpoint(struct db *db) {
        int rc = sqlite3_wal_checkpoint_v2(H(db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        if (rc == SQLITE_OK || rc == SQLITE_BUSY) return 0;
        return error(db, rc, "cannot checkpoint the write-ahead log");
}

const struct db_engine db_engine_sqlite = {
        .name = "sqlite",
        .open = sq_open,
        .close = sq_close,
        .exec = sq_exec,
        .prepare = sq_prepare,
        .finalize = sq_finalize,
        .reset = sq_reset,
        .bind_null = sq_bind_null,
        .bind_int = sq_bind_int,
        .bind_real = sq_bind_real,
        .bind_text = sq_bind_text,
        .bind_blob = sq_bind_blob,
        .step = sq_step,
        .column_count = sq_column_count,
        .column_name = sq_column_name,
        .column_type = sq_column_type,
        .column_int = sq_column_int,
        .column_real = sq_column_real,
        .column_text = sq_column_text,
        .column_blob = sq_column_blob,
        .last_id = sq_last_id,
        .begin = sq_begin,
        .commit = sq_commit,
        .rollback = sq_rollback,
        .schema_version = sq_schema_version,
        .set_schema_version = sq_set_schema_version,
        .take_before_images = sq_take_before_images,
        .migrations = db_migrations,
        .n_migrations = DB_SQLITE_MIGRATIONS,
        .extra_columns = false,
        .tune_bulk = sq_tune_bulk,
        .wal_manual = sq_wal_manual,
        .wal_auto = sq_wal_auto,
        .checkpoint = sq_checkpoint,
        .bind_text_ref = sq_bind_text_ref,
        .column_value = sq_column_value,
        .trigger_sql = sq_trigger_sql,
};
