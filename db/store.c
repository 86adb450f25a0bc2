/* The engine-neutral part of the store: db_open() picks the engine and runs
 * its migrations, the cache of prepared statements, the nesting of
 * transactions, the statement and row helpers, settings. The engine itself
 * (sqlite.c, pg.c) is reached through struct db_engine (engine.h); the seam
 * is described in db-internal.h. */
#include "config.h"
#include "db-internal.h"
#include "json.h"
#include "store-loans.h"

#include <pwd.h>

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

int64_t db_last_id(struct db *db) { return db->engine->last_id(db); }
const char *db_path(struct db *db) { return db->where; }
int64_t db_school(struct db *db) { return db->school; }

int db_use_school(struct db *db, int64_t school) {
        if (!db->engine->use_school) {
                if (school == db->school) return 0;
                return err_set(EINVAL, "'%s' is one school's register", db->where);
        }
        if (db->tx_read) return err_set(EBUSY, "cannot change school inside a read");
        int r = db->engine->use_school(db, school);
        if (r >= 0) db->school = school;
        return r;
}
int db_store_failed(struct db *db) { return db->store_failed; }
/* every engine's migrations have the same numbers (engine.h) */
int db_schema_latest(void) { return db_engine_sqlite.migrations[db_engine_sqlite.n_migrations - 1].version; }
int db_schema_version(struct db *db) { return db->engine->schema_version(db); }

static int migrate(struct db *db, unsigned flags) {
        const struct db_engine *e = db->engine;
        bool readonly = flags & DB_READONLY;
        int v = db_schema_version(db);
        /* an empty database made a register (PostgreSQL: trust init) */
        bool fresh = v < 0 && (flags & DB_CREATE) && e->create;
        if (fresh) v = 0;
        else if (v < 0) return err_set(EBADMSG, "'%s' is not an assetctl database", db->where);
        if (v > db_schema_latest())
                return err_set(EPROTO, "'%s' has schema version %d but this assetctl (%s) knows up to %d: use a newer assetctl",
                               db->where, v, ASSETCTL_VERSION, db_schema_latest());
        if (v == db_schema_latest()) return 0;
        if (readonly) return err_set(EROFS, "'%s' needs upgrading to schema version %d: run a command that writes", db->where, db_schema_latest());
        /* the migrations write no row of their own: nothing to check */
        db->migrating = true;
        int r = db_begin(db);
        if (r < 0) {
                db->migrating = false;
                return r;
        }
        if (fresh && (r = e->create(db)) < 0) goto fail;
        /* re-read under the write lock: another process may have migrated */
        v = fresh ? 0 : db_schema_version(db);
        for (size_t i = 0; i < e->n_migrations; i++) {
                const struct migration *m = &e->migrations[i];
                if (m->version <= v) continue;
                r = e->exec(db, m->sql, m->name);
                if (r < 0) goto fail;
                r = e->set_schema_version(db, m->version);
                if (r < 0) goto fail;
        }
        r = db_commit(db);
        db->migrating = false;
        return r;
fail:
        db_rollback(db);
        db->migrating = false;
        return err_prefix(r, "cannot upgrade '%s'", db->where);
}

/* $ASSETCTL_ACTOR; else the login the server authenticated (a trust's
 * register: who did it, whichever machine they used); else the sudo user,
 * else the login name. */
static char *find_actor(struct db *db) {
        const char *e = getenv("ASSETCTL_ACTOR");
        if (!isempty(e)) return xstrdup(e);
        if (db->engine->login && (e = db->engine->login(db)) && *e) return xstrdup(e);
        e = getenv("SUDO_USER");
        if (!isempty(e)) return xstrdup(e);
        struct passwd *pw = getpwuid(getuid());
        return xstrdup(pw ? pw->pw_name : "unknown");
}

bool db_where_is_server(const char *where) {
        return where && (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0);
}

int db_open(const char *where, unsigned flags, struct db **ret) {
        const struct db_engine *e = &db_engine_sqlite;
        if (db_where_is_server(where)) {
#ifdef HAVE_LIBPQ
                e = &db_engine_pg;
#else
                return err_set(EPROTONOSUPPORT, "cannot open '%s': this assetctl was built without PostgreSQL", where);
#endif
        }
        struct db *db = xcalloc(1, sizeof *db);
        db->engine = e;
        db->where = xstrdup(where);
        /* one school, unless the engine picks one (opened()) */
        db->school = e->opened ? 0 : DB_SCHOOL_ONLY;
        int r = e->open(db, flags);
        if (r < 0) goto fail;
        r = migrate(db, flags);
        if (r >= 0 && e->opened) r = e->opened(db, flags);
        if (r < 0) goto fail;
        *ret = db;
        return 0;
fail:
        db_close(db);
        return r;
}

void db_close(struct db *db) {
        if (!db) return;
        for (size_t i = 0; i < db->n_cache; i++) db->engine->finalize(db->cache[i].st);
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
        db->engine->close(db);
        free(db->where);
        free(db->actor);
        free(db);
}

/* Looked up on first use: a read-only command never needs it, and the
 * passwd look-up (NSS) is a good part of a short command's start-up. */
const char *db_actor(struct db *db) {
        if (!db->actor) db->actor = find_actor(db);
        return db->actor;
}

int db_tune_bulk(struct db *db) { return db->engine->tune_bulk ? db->engine->tune_bulk(db) : 0; }

void db_checkpoint_manual(struct db *db, int *ret_wal_pages) {
        if (db->engine->wal_manual) db->engine->wal_manual(db, ret_wal_pages);
}

void db_checkpoint_auto(struct db *db) {
        if (db->engine->wal_auto) db->engine->wal_auto(db);
}

int db_checkpoint(struct db *db) { return db->engine->checkpoint ? db->engine->checkpoint(db) : 0; }

int db_prepare(struct db *db, const char *sql, struct db_stmt **ret) {
        for (size_t i = 0; i < db->n_cache; i++)
                if (db->cache[i].sql == sql) {
                        db->engine->reset(db->cache[i].st);
                        *ret = db->cache[i].st;
                        return 0;
                }
        struct db_stmt *st;
        int r = db->engine->prepare(db, sql, &st);
        if (r < 0) return r;
        if (db->n_cache == db->cap_cache) {
                db->cap_cache = db->cap_cache ? db->cap_cache * 2 : 32;
                db->cache = xrealloc(db->cache, db->cap_cache * sizeof *db->cache);
        }
        db->cache[db->n_cache++] = (struct cached_stmt) {sql, st};
        *ret = st;
        return 0;
}

int db_prepare_once(struct db *db, const char *sql, struct db_stmt **ret) { return db->engine->prepare(db, sql, ret); }

int db_step_done(struct db *db, struct db_stmt *st, const char *what) {
        int r = db_step(db, st, what);
        db_reset(st);
        return r < 0 ? r : 0;
}

int db_step_later(struct db *db, struct db_stmt *st, const char *what) {
        if (db->engine->step_later) return db->engine->step_later(db, st, what);
        return db_step_done(db, st, what);
}

char *db_column_strdup(struct db_stmt *st, int i) {
        const char *s = db_column_text(st, i);
        return s ? xstrdup(s) : NULL;
}

static bool listed(const char *const *names, const char *name) {
        for (; names && *names; names++)
                if (streq(*names, name)) return true;
        return false;
}

/* A blob as lowercase hex, null when empty. */
static json_t *hex_json(const void *p, size_t n) {
        if (!n) return json_null();
        _cleanup_free_ char *h = xmalloc(2 * n + 1);
        hex_encode(p, n, h);
        return json_stringn(h, 2 * n);
}

static json_t *row_json(struct db_stmt *st, const char *const *hex) {
        json_t *o = json_object();
        int n = db_column_count(st);
        for (int i = 0; i < n; i++) {
                const char *name = db_column_name(st, i);
                switch (db_column_type(st, i)) {
                case DB_INTEGER: json_object_set_new(o, name, json_integer(db_column_int(st, i))); break;
                case DB_REAL: json_object_set_new(o, name, json_real(db_column_real(st, i))); break;
                case DB_NULL: json_object_set_new(o, name, json_null()); break;
                case DB_BLOB: {
                        size_t len = 0;
                        const void *p = db_column_blob(st, i, &len);
                        json_object_set_new(o, name, listed(hex, name) ? hex_json(p, len) : json_stringn(p ? p : "", len));
                        break;
                }
                default: json_object_set_new(o, name, json_string(db_column_text(st, i)));
                }
        }
        return o;
}

json_t *db_row_json(struct db_stmt *st) { return row_json(st, NULL); }

void db_bind_json(struct db_stmt *st, int i, json_t *obj, const char *key) {
        json_t *v = json_object_get(obj, key);
        if (json_is_string(v)) db_bind_text_ref(st, i, json_string_value(v), json_string_length(v));
        else if (json_is_integer(v)) {
                /* a reference (KEY_id) of 0 is none */
                size_t kl = strlen(key);
                bool is_ref = kl > 3 && streq(key + kl - 3, "_id");
                if (is_ref && json_integer_value(v) == 0) db_bind_null(st, i);
                else db_bind_int(st, i, json_integer_value(v));
        } else if (json_is_boolean(v)) db_bind_int(st, i, json_is_true(v));
        else db_bind_null(st, i);
}

static void fix_bools(json_t *o, const char *const *keys) {
        for (; keys && *keys; keys++) {
                json_t *v = json_object_get(o, *keys);
                if (json_is_integer(v)) json_object_set_new(o, *keys, json_boolean(json_integer_value(v)));
        }
}

int db_collect_hex(struct db *db, struct db_stmt *st, const char *const *bools, const char *const *hex, json_t **ret) {
        json_t *arr = json_array();
        int r;
        while ((r = db_step(db, st, "cannot read the register")) > 0) {
                json_t *o = row_json(st, hex);
                fix_bools(o, bools);
                json_array_append_new(arr, o);
        }
        db_reset(st);
        if (r < 0) {
                json_decref(arr);
                return r;
        }
        *ret = arr;
        return 0;
}

int db_collect(struct db *db, struct db_stmt *st, const char *const *bools, json_t **ret) {
        return db_collect_hex(db, st, bools, NULL, ret);
}

int db_one_hex(struct db *db, struct db_stmt *st, const char *const *bools, const char *const *hex, json_t **ret) {
        int r = db_step(db, st, "cannot read the register");
        if (r > 0) {
                json_t *o = row_json(st, hex);
                fix_bools(o, bools);
                db_reset(st);
                *ret = o;
                return 0;
        }
        db_reset(st);
        return r == 0 ? -ENOENT : r;
}

int db_one(struct db *db, struct db_stmt *st, const char *const *bools, json_t **ret) { return db_one_hex(db, st, bools, NULL, ret); }

int db_begin(struct db *db) {
        /* a read transaction that wrote would need its snapshot upgraded
         * to the write lock, which SQLite refuses at once (SQLITE_BUSY, no
         * wait) whenever another writer committed since: never do it */
        if (db->tx_depth > 0 && db->tx_read) return err_set(EINVAL, "write inside a read transaction");
        if (db->tx_depth++ > 0) return 0;
        int r = db->engine->begin(db, true);
        if (r < 0) db->tx_depth = 0;
        return r;
}

int db_begin_read(struct db *db) {
        if (db->tx_depth++ > 0) return 0;
        int r = db->engine->begin(db, false);
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
        db->engine->rollback(db);
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
        r = db->engine->commit(db);
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
        db->engine->rollback(db);
}

int db_setting_get(struct db *db, const char *key, char **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT value FROM settings WHERE key = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, key);
        r = db_step(db, st, "cannot read settings");
        if (r > 0) *ret = db_column_strdup(st, 0);
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? -ENOENT : r;
}

int db_setting_set(struct db *db, const char *key, const char *value) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO settings(key, value) VALUES (?1, ?2) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value RETURNING rowid", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, key);
        db_bind_text(st, 2, value);
        r = db_step(db, st, "cannot write settings");
        if (r <= 0) {
                db_reset(st);
                return r < 0 ? r : err_set(EIO, "cannot write settings: no row returned");
        }
        int64_t rowid = db_column_int(st, 0);
        db_reset(st);
        _cleanup_json_ json_t *d = json_pack("{ss}", "value", value);
        return db_audit(db, "setting.set", key, d, "settings", rowid);
}
