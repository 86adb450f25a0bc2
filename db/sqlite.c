/* The SQLite backend of the store: the connection, its pragmas and busy
 * wait, transactions, the statement cache and helpers, the mapping of SQLite
 * codes to -errno, settings. The seam is described in db-internal.h. */
#include "config.h"
#include "db-internal.h"
#include "json.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>

#include <openssl/evp.h>

char *db_default_path(const char *explicit_path) {
        if (!isempty(explicit_path)) return xstrdup(explicit_path);
        const char *e = getenv("ASSETCTL_DB");
        if (!isempty(e)) return xstrdup(e);
        e = getenv("XDG_DATA_HOME");
        if (!isempty(e)) return xasprintf("%s/assetctl/assets.db", e);
        const char *home = getenv("HOME");
        if (isempty(home)) {
                struct passwd *pw = getpwuid(getuid());
                home = pw ? pw->pw_dir : "/";
        }
        return xasprintf("%s/.local/share/assetctl/assets.db", home);
}

sqlite3 *db_handle(struct db *db) { return db->h; }
int64_t db_last_id(struct db *db) { return sqlite3_last_insert_rowid(db->h); }
const char *db_path(struct db *db) { return db->path; }
int64_t db_school(struct db *db) { return db->school; }
int db_store_failed(struct db *db) { return db->store_failed; }
int db_schema_latest(void) { return db_migrations[db_n_migrations - 1].version; }

/* The errno for an SQLite result code; notes a failure of the store itself
 * (db_store_failed()). */
static int db_errno_of(struct db *db, int rc) {
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

int db_error(struct db *db, int rc, const char *what) {
        int e = db_errno_of(db, rc);
        return err_set(e, "%s: %s", what, db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

static int exec(struct db *db, const char *sql, const char *what) {
        char *msg = NULL;
        int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
                int e = db_errno_of(db, rc);
                int r = err_set(e == EEXIST || e == EBUSY ? EIO : e, "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
                sqlite3_free(msg);
                return r;
        }
        return 0;
}

int db_schema_version(struct db *db) {
        sqlite3_stmt *st;
        if (db_prepare(db, "PRAGMA user_version", &st) < 0) return -EIO;
        int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        sqlite3_reset(st);
        return v;
}

static int migrate(struct db *db, bool readonly) {
        int v = db_schema_version(db);
        if (v < 0) return err_set(EBADMSG, "'%s' is not an assetctl database", db->path);
        if (v > db_schema_latest())
                return err_set(EPROTO, "'%s' has schema version %d but this assetctl (%s) knows up to %d: use a newer assetctl",
                               db->path, v, ASSETCTL_VERSION, db_schema_latest());
        if (v == db_schema_latest()) return 0;
        if (readonly) return err_set(EROFS, "'%s' needs upgrading to schema version %d: run a command that writes", db->path, db_schema_latest());
        int r = db_begin(db);
        if (r < 0) return r;
        /* re-read under the write lock: another process may have migrated */
        v = db_schema_version(db);
        for (size_t i = 0; i < db_n_migrations; i++) {
                const struct migration *m = &db_migrations[i];
                if (m->version <= v) continue;
                r = exec(db, m->sql, m->name);
                if (r < 0) goto fail;
                char pragma[64];
                snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
                r = exec(db, pragma, "set schema version");
                if (r < 0) goto fail;
        }
        return db_commit(db);
fail:
        db_rollback(db);
        return err_prefix(r, "cannot upgrade '%s'", db->path);
}

static char *find_actor(void) {
        const char *e = getenv("ASSETCTL_ACTOR");
        if (!isempty(e)) return xstrdup(e);
        e = getenv("SUDO_USER");
        if (!isempty(e)) return xstrdup(e);
        struct passwd *pw = getpwuid(getuid());
        return xstrdup(pw ? pw->pw_name : "unknown");
}

int db_open(const char *path, unsigned flags, struct db **ret) {
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

        struct db *db = xcalloc(1, sizeof *db);
        db->path = xstrdup(path);
        db->school = DB_SCHOOL_ONLY;

        int oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
        int rc = sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
        int r;
        if (rc != SQLITE_OK) {
                r = db_error(db, rc, path);
                goto fail;
        }
        sqlite3_extended_result_codes(db->h, 1);
        sqlite3_busy_timeout(db->h, 10000);
        /* foreign keys always: a command that writes by mistake without
         * CMD_WRITE must still be checked */
        r = exec(db, "PRAGMA foreign_keys = ON", path);
        if (r < 0) goto fail;
        if (!(flags & (DB_READONLY | DB_QUERY))) {
                r = exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", path);
                if (r < 0) goto fail;
        }
        r = migrate(db, flags & DB_READONLY);
        if (r < 0) goto fail;
        /* every write to a covered row is checked against the audit log
         * (audit.c); installed after the migrations, which are no write of
         * a row */
        sqlite3_preupdate_hook(db->h, db_audit_preupdate, db);
        *ret = db;
        return 0;
fail:
        db_close(db);
        return r;
}

void db_close(struct db *db) {
        if (!db) return;
        for (size_t i = 0; i < db->n_cache; i++) sqlite3_finalize(db->cache[i].st);
        free(db->cache);
        if (db->ev_rows) EVP_MD_CTX_free(db->ev_rows);
        if (db->row_ctx) EVP_MD_CTX_free(db->row_ctx);
        if (db->sha256) EVP_MD_free(db->sha256);
        sb_free(&db->row_buf);
        free(db->order);
        for (size_t i = 0; i < db->n_runs; i++) sb_free(&db->runs[i].hex);
        free(db->runs);
        free(db->ev_action);
        free(db->ev_subject);
        free(db->ev_details);
        audit_writes_reset(db);
        free(db->before);
        free(db->touched);
        sqlite3_close_v2(db->h);
        free(db->path);
        free(db->actor);
        free(db);
}

/* Looked up on first use: a read-only command never needs it, and the
 * passwd look-up (NSS) is a good part of a short command's start-up. */
const char *db_actor(struct db *db) {
        if (!db->actor) db->actor = find_actor();
        return db->actor;
}

int db_tune_bulk(struct db *db) {
        return exec(db, "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", "cannot tune the connection");
}

int db_prepare(struct db *db, const char *sql, sqlite3_stmt **ret) {
        for (size_t i = 0; i < db->n_cache; i++)
                if (db->cache[i].sql == sql) {
                        sqlite3_reset(db->cache[i].st);
                        sqlite3_clear_bindings(db->cache[i].st);
                        *ret = db->cache[i].st;
                        return 0;
                }
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK) return db_error(db, rc, "cannot prepare statement");
        if (db->n_cache == db->cap_cache) {
                db->cap_cache = db->cap_cache ? db->cap_cache * 2 : 32;
                db->cache = xrealloc(db->cache, db->cap_cache * sizeof *db->cache);
        }
        db->cache[db->n_cache++] = (struct cached_stmt) {sql, st};
        *ret = st;
        return 0;
}

int db_step_done(struct db *db, sqlite3_stmt *st, const char *what) {
        int rc = sqlite3_step(st);
        int r = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_error(db, rc, what);
        sqlite3_reset(st);
        return r;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s) {
        if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(st, i);
}
void db_bind_int(sqlite3_stmt *st, int i, int64_t v) { sqlite3_bind_int64(st, i, v); }

char *db_column_strdup(sqlite3_stmt *st, int i) {
        const unsigned char *s = sqlite3_column_text(st, i);
        return s ? xstrdup((const char *) s) : NULL;
}

json_t *db_row_json(sqlite3_stmt *st) {
        json_t *o = json_object();
        int n = sqlite3_column_count(st);
        for (int i = 0; i < n; i++) {
                const char *name = sqlite3_column_name(st, i);
                switch (sqlite3_column_type(st, i)) {
                case SQLITE_INTEGER: json_object_set_new(o, name, json_integer(sqlite3_column_int64(st, i))); break;
                case SQLITE_FLOAT: json_object_set_new(o, name, json_real(sqlite3_column_double(st, i))); break;
                case SQLITE_NULL: json_object_set_new(o, name, json_null()); break;
                default: json_object_set_new(o, name, json_string((const char *) sqlite3_column_text(st, i)));
                }
        }
        return o;
}

void db_bind_json(sqlite3_stmt *st, int i, json_t *obj, const char *key) {
        json_t *v = json_object_get(obj, key);
        if (json_is_string(v)) sqlite3_bind_text(st, i, json_string_value(v), (int) json_string_length(v), SQLITE_STATIC);
        else if (json_is_integer(v)) {
                /* a reference (KEY_id) of 0 is none */
                size_t kl = strlen(key);
                bool is_ref = kl > 3 && streq(key + kl - 3, "_id");
                if (is_ref && json_integer_value(v) == 0) sqlite3_bind_null(st, i);
                else sqlite3_bind_int64(st, i, json_integer_value(v));
        } else if (json_is_boolean(v)) sqlite3_bind_int(st, i, json_is_true(v));
        else sqlite3_bind_null(st, i);
}

static void fix_bools(json_t *o, const char *const *keys) {
        for (; keys && *keys; keys++) {
                json_t *v = json_object_get(o, *keys);
                if (json_is_integer(v)) json_object_set_new(o, *keys, json_boolean(json_integer_value(v)));
        }
}

int db_collect(struct db *db, sqlite3_stmt *st, const char *const *bools, json_t **ret) {
        json_t *arr = json_array();
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                json_t *o = db_row_json(st);
                fix_bools(o, bools);
                json_array_append_new(arr, o);
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
                json_decref(arr);
                return db_error(db, rc, "cannot read the register");
        }
        *ret = arr;
        return 0;
}

int db_one(struct db *db, sqlite3_stmt *st, const char *const *bools, json_t **ret) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                json_t *o = db_row_json(st);
                fix_bools(o, bools);
                sqlite3_reset(st);
                *ret = o;
                return 0;
        }
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? -ENOENT : db_error(db, rc, "cannot read the register");
}

int db_begin(struct db *db) {
        /* a read transaction that wrote would need its snapshot upgraded
         * to the write lock, which SQLite refuses at once (SQLITE_BUSY, no
         * wait) whenever another writer committed since: never do it */
        if (db->tx_depth > 0 && db->tx_read) return err_set(EINVAL, "write inside a read transaction");
        if (db->tx_depth++ > 0) return 0;
        int r = exec(db, "BEGIN IMMEDIATE", "cannot start a transaction");
        if (r < 0) db->tx_depth = 0;
        return r;
}

int db_begin_read(struct db *db) {
        if (db->tx_depth++ > 0) return 0;
        int r = exec(db, "BEGIN DEFERRED", "cannot start a read transaction");
        if (r < 0) {
                db->tx_depth = 0;
                return r;
        }
        db->tx_read = true;
        return 0;
}

void db_end_read(struct db *db) {
        if (db->tx_depth <= 0 || --db->tx_depth > 0) return;
        db->tx_read = false;
        char *msg = NULL;
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, &msg);
        sqlite3_free(msg);
}

int db_commit(struct db *db) {
        if (db->tx_depth <= 0) return err_set(EINVAL, "commit without a transaction");
        if (--db->tx_depth > 0) return 0;
        /* the rows written since the last audit event: checked before
         * anything is committed */
        int r = audit_check_writes(db);
        if (r < 0) {
                db->tx_depth = 1;
                db_rollback(db);
                return r;
        }
        r = exec(db, "COMMIT", "cannot commit");
        if (r < 0) {
                /* quietly: the commit's error is the one to report (after an
                 * I/O error SQLite has often rolled back already, and a
                 * second ROLLBACK's "no transaction is active" would hide it) */
                db->tx_depth = 1;
                db_rollback(db);
                return r;
        }
        db->tx_read = false;
        audit_writes_reset(db);
        return 0;
}

void db_rollback(struct db *db) {
        if (db->tx_depth <= 0) return;
        db->tx_depth = 0;
        db->tx_read = false;
        db->ev_open = false;
        audit_writes_reset(db);
        char *msg = NULL;
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, &msg);
        sqlite3_free(msg);
}

int db_setting_get(struct db *db, const char *key, char **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT value FROM settings WHERE key = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, key);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                *ret = db_column_strdup(st, 0);
                sqlite3_reset(st);
                return 0;
        }
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) return -ENOENT;
        return db_error(db, rc, "cannot read settings");
}

int db_setting_set(struct db *db, const char *key, const char *value) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "INSERT INTO settings(key, value) VALUES (?1, ?2) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value RETURNING rowid", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, key);
        db_bind_text(st, 2, value);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
                sqlite3_reset(st);
                return db_error(db, rc, "cannot write settings");
        }
        int64_t rowid = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        _cleanup_json_ json_t *d = json_pack("{ss}", "value", value);
        return db_audit(db, "setting.set", key, d, "settings", rowid);
}

