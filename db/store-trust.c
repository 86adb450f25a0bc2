/* A trust's schools and grants: thin over the SQL functions of the trust's
 * schema (db/pg/), which check the caller's right and write the rows; the
 * audit events of the trust's own chain are written here, as every store
 * write is. */
#include "db-internal.h"
#include "json.h"
#include "store-trust.h"

/* db_audit() with details made for the call: they are released after. */
static int audit_new(struct db *db, const char *action, const char *subject, json_t *details, const char *table, int64_t rowid) {
        int r = db_audit(db, action, subject, details, table, rowid);
        json_decref(details);
        return r;
}

int db_require_trust(struct db *db, const char *what) {
        if (db_where_is_server(db_path(db))) return 0;
        return err_set(EOPNOTSUPP, "'%s' is one school's register (a SQLite file): '%s' needs a trust's PostgreSQL database (--db postgresql://...)",
                       db_path(db), what);
}

int db_trust_school_add(struct db *db, const char *code, const char *name, const char *tag_prefix, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT trust_school_add(?1, ?2, ?3)", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, code);
        db_bind_text(st, 2, name);
        db_bind_text(st, 3, tag_prefix);
        _cleanup_json_ json_t *row = NULL;
        r = db_one(db, st, NULL, &row);
        /* the server's function says which of the two is taken */
        if (r == -EEXIST && strstr(err_msg(), "tag prefix"))
                return err_set(EEXIST, "cannot add school '%s': the tag prefix '%s' is another school's", code, tag_prefix);
        if (r < 0) return r == -EEXIST ? err_set(EEXIST, "cannot add school '%s': the code is taken", code) : r;
        *ret_id = json_integer_value(json_object_get(row, "trust_school_add"));
        return 0;
}

int db_trust_school_list(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT id, code, name, tag_prefix, created_at FROM schools ORDER BY code", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_trust_school_id(struct db *db, const char *code, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT id FROM schools WHERE code = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, code);
        _cleanup_json_ json_t *row = NULL;
        r = db_one(db, st, NULL, &row);
        if (r == -ENOENT) return err_set(ENOENT, "no school '%s' in the trust (or not one this login may see): see 'assetctl trust school list'", code);
        if (r < 0) return r;
        *ret_id = json_integer_value(json_object_get(row, "id"));
        return 0;
}

int db_trust_is_admin(struct db *db, bool *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT CASE WHEN 0 = ANY (assetctl_granted_schools(current_user, ARRAY['admin'])) THEN 1 ELSE 0 END AS admin",
                           &st);
        if (r < 0) return r;
        _cleanup_json_ json_t *row = NULL;
        r = db_one(db, st, NULL, &row);
        if (r < 0) return r;
        *ret = json_integer_value(json_object_get(row, "admin")) == 1;
        return 0;
}

/* The id of db_role's grant at school (a code; NULL: its trust-wide one),
 * 0 when it holds none there: the row the trust's chain names. */
static int grant_id(struct db *db, const char *db_role, const char *school, int64_t *ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT id FROM grants WHERE db_role = ?1 AND CASE WHEN CAST(?2 AS TEXT) IS NULL THEN school_id IS NULL "
                               "ELSE school_id = (SELECT s.id FROM schools s WHERE s.code = ?2) END", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, db_role);
        db_bind_text(st, 2, school);
        r = db_step(db, st, "cannot read the grants");
        *ret = r > 0 ? db_column_int(st, 0) : 0;
        db_reset(st);
        return r < 0 ? r : 0;
}

int db_trust_grant(struct db *db, const char *db_role, const char *school, const char *role) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT trust_grant(?1, ?2, ?3)", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, db_role);
        db_bind_text(st, 2, school);
        db_bind_text(st, 3, role);
        r = db_step_done(db, st, "cannot grant");
        int64_t id = 0;
        if (r >= 0) r = grant_id(db, db_role, school, &id);
        if (r < 0) return r;
        if (!id) return err_set(EIO, "cannot grant: the grant of '%s' is not there after trust_grant()", db_role);
        return audit_new(db, "trust.grant", db_role, json_pack("{s:o, s:s}", "school", school ? json_string(school) : json_null(), "role", role),
                        "grants", id);
}

int db_trust_revoke(struct db *db, const char *db_role, const char *school) {
        /* the row before it goes: the event records it as deleted */
        int64_t id = 0;
        int r = grant_id(db, db_role, school, &id);
        if (r < 0) return r;
        struct db_stmt *st;
        r = db_prepare(db, "SELECT trust_revoke(?1, ?2)", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, db_role);
        db_bind_text(st, 2, school);
        r = db_step_done(db, st, "cannot revoke");
        if (r < 0) return r;
        return audit_new(db, "trust.revoke", db_role, json_pack("{s:o}", "school", school ? json_string(school) : json_null()),
                         id ? "grants" : NULL, id);
}

int db_trust_audit_init(struct db *db, const char *name) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT count(*) FROM audit_events", &st);
        if (r < 0) return r;
        r = db_step(db, st, "cannot read the audit log");
        int64_t events = r > 0 ? db_column_int(st, 0) : 0;
        db_reset(st);
        if (r < 0 || events > 0) return r < 0 ? r : 0;
        r = db_prepare(db, "SELECT id, db_role, role FROM grants ORDER BY id", &st);
        _cleanup_json_ json_t *grants = NULL;
        if (r >= 0) r = db_collect(db, st, NULL, &grants);
        if (r < 0) return r;
        _cleanup_json_ json_t *d = json_pack("{s:O}", "grants", grants);
        r = db_audit_begin(db, "trust.init", name, d);
        size_t i;
        json_t *g;
        json_array_foreach(grants, i, g) {
                if (r >= 0) r = db_audit_row(db, "grants", json_integer_value(json_object_get(g, "id")));
        }
        if (r < 0) {
                db->ev_open = false;
                return r;
        }
        return db_audit_end(db);
}

int db_trust_grant_list(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT g.db_role, s.code AS school, g.role, g.granted_at, g.granted_by FROM grants g "
                               "LEFT JOIN schools s ON s.id = g.school_id ORDER BY g.db_role, s.code, g.role", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}
