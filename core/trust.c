/* A multi-academy trust's schools and grants (trust.h). */
#include "core-internal.h"
#include "store-trust.h"
#include "reports.h"
#include "trust.h"

#include <ctype.h>

static const char *const roles[] = {"technician", "head", "auditor", "admin", NULL};

bool trust_role_valid(const char *role) {
        for (size_t i = 0; roles[i]; i++)
                if (streq(roles[i], role)) return true;
        return false;
}

static bool school_code_valid(const char *code) {
        size_t n = strlen(code);
        if (n < 2 || n > 10) return false;
        for (const char *p = code; *p; p++)
                if (!isupper((unsigned char) *p) && !isdigit((unsigned char) *p)) return false;
        return true;
}

/* A database role as PostgreSQL names one: 1 to 63 bytes of letters,
 * digits, '_' and '$', not starting with a digit or '$', nor with "pg_". */
static bool db_role_valid(const char *r) {
        size_t n = strlen(r);
        if (n == 0 || n > 63 || isdigit((unsigned char) r[0]) || r[0] == '$' || strncmp(r, "pg_", 3) == 0) return false;
        for (const char *p = r; *p; p++)
                if (!isalnum((unsigned char) *p) && *p != '_' && *p != '$') return false;
        return true;
}

/* Run fn inside a transaction of the trust's own chain, then go back to
 * the school the connection was working in. */
static int in_trust_chain(struct db *db, int (*fn)(struct db *db, void *arg), void *arg) {
        int64_t was = db_school(db);
        int r = db_use_school(db, DB_SCHOOL_TRUST);
        if (r < 0) return r;
        r = db_begin(db);
        if (r >= 0) {
                r = fn(db, arg);
                if (r >= 0) r = db_commit(db);
                else db_rollback(db);
        }
        int r2 = db_use_school(db, was);
        return r < 0 ? r : r2;
}

static int set_name(struct db *db, void *arg) { return db_setting_set(db, "trust", arg); }

int trust_init(struct db *db, const char *name) {
        int r = db_require_trust(db, "trust init");
        if (r < 0) return r;
        if (isempty(name) || !utf8_valid(name, strlen(name)) || !text_is_safe(name, strlen(name)))
                return err_set(EINVAL, "--name: give the trust's name");
        return in_trust_chain(db, set_name, (void *) name);
}

int trust_name(struct db *db, char **ret) {
        int r = db_require_trust(db, "trust");
        if (r < 0) return r;
        int64_t was = db_school(db);
        r = db_use_school(db, DB_SCHOOL_TRUST);
        if (r >= 0) r = db_setting_get(db, "trust", ret);
        int r2 = db_use_school(db, was);
        return r < 0 ? r : r2;
}

struct school_new {
        const char *code, *name, *prefix;
        int64_t id;
};

/* The school's row and event in the trust chain; then its own chain's
 * first events: its name and tag prefix, as `init` writes them. */
static int school_add(struct db *db, void *arg) {
        struct school_new *s = arg;
        int r = db_trust_school_add(db, s->code, s->name, s->prefix, &s->id);
        if (r >= 0)
                r = db_audit(db, "trust.school.add", s->code,
                             json_pack("{s:s, s:s, s:I}", "name", s->name, "tag_prefix", s->prefix, "school_id", (json_int_t) s->id), NULL, 0);
        if (r < 0) return r;
        r = db_use_school(db, s->id);
        if (r >= 0) r = db_setting_set(db, "school", s->name);
        if (r >= 0) r = db_setting_set(db, "tag_prefix", s->prefix);
        int r2 = db_use_school(db, DB_SCHOOL_TRUST);
        return r < 0 ? r : r2;
}

int trust_school_add(struct db *db, const char *code, const char *name, const char *tag_prefix, int64_t *ret_id) {
        int r = db_require_trust(db, "trust school add");
        if (r < 0) return r;
        if (!school_code_valid(code)) return err_set(EINVAL, "--code '%s': use 2 to 10 capital letters or digits", code);
        if (isempty(name) || !utf8_valid(name, strlen(name)) || !text_is_safe(name, strlen(name)))
                return err_set(EINVAL, "--name: give the school's name");
        _cleanup_free_ char *prefix = xstrdup(tag_prefix);
        strupper(prefix);
        if (!asset_tag_valid(prefix) || strlen(prefix) > 12)
                return err_set(EINVAL, "--tag-prefix '%s': use 1 to 12 letters, digits or '-'", tag_prefix);
        struct school_new s = {code, name, prefix, 0};
        r = in_trust_chain(db, school_add, &s);
        if (r < 0) return r;
        if (ret_id) *ret_id = s.id;
        return 0;
}

int trust_school_list(struct db *db, json_t **ret) {
        int r = db_require_trust(db, "trust school list");
        return r < 0 ? r : db_trust_school_list(db, ret);
}

struct grant {
        const char *db_role, *code, *role;
};

static int grant_one(struct db *db, void *arg) {
        struct grant *g = arg;
        return db_trust_grant(db, g->db_role, g->code, g->role);
}

static int revoke_one(struct db *db, void *arg) {
        struct grant *g = arg;
        return db_trust_revoke(db, g->db_role, g->code);
}

static int grant_check(const char *db_role, const char *code) {
        if (!db_role_valid(db_role))
                return err_set(EINVAL, "--db-role '%s': give a database login's name (letters, digits, '_')", db_role);
        if (code && !school_code_valid(code)) return err_set(EINVAL, "--school '%s': use 2 to 10 capital letters or digits", code);
        return 0;
}

int trust_grant(struct db *db, const char *db_role, const char *code, const char *role) {
        int r = db_require_trust(db, "trust grant");
        if (r < 0 || (r = grant_check(db_role, code)) < 0) return r;
        if (!trust_role_valid(role)) return err_set(EINVAL, "--role '%s': use technician, head, auditor or admin", role);
        if (!code && (streq(role, "technician") || streq(role, "head")))
                return err_set(EINVAL, "a %s belongs to a school: give --school CODE (only admin and auditor may be trust-wide)", role);
        if (code && streq(role, "admin")) return err_set(EINVAL, "an admin is trust-wide: give --trust-wide, not --school");
        struct grant g = {db_role, code, role};
        return in_trust_chain(db, grant_one, &g);
}

int trust_revoke(struct db *db, const char *db_role, const char *code) {
        int r = db_require_trust(db, "trust revoke");
        if (r < 0 || (r = grant_check(db_role, code)) < 0) return r;
        struct grant g = {db_role, code, NULL};
        return in_trust_chain(db, revoke_one, &g);
}

int trust_grant_list(struct db *db, json_t **ret) {
        int r = db_require_trust(db, "trust grant list");
        return r < 0 ? r : db_trust_grant_list(db, ret);
}

/* A register file to move a school from or to: a path, not a server. */
static int file_check(const char *file, const char *what) {
        if (isempty(file)) return err_set(EINVAL, "give the register file to %s", what);
        if (db_where_is_server(file)) return err_set(EINVAL, "'%s' is a server: give a SQLite register file to %s", file, what);
        return 0;
}

struct school_import {
        const char *code, *file, *name, *prefix;
        struct db *src;
        const struct audit_report *src_rep;
        struct trust_moved moved;
};

/* The school's row, its rows copied in its own school, its chain checked
 * against the file's, then the trust's event. */
static int school_import(struct db *db, void *arg) {
        struct school_import *im = arg;
        int64_t id = 0;
        int r = db_trust_school_add(db, im->code, im->name, im->prefix, &id);
        if (r < 0) return r;
        r = db_use_school(db, id);
        if (r >= 0) r = db_copy_school(im->src, db, &im->moved.rows);
        struct audit_report rep = {0};
        if (r >= 0) r = db_audit_verify(db, &rep);
        if (r >= 0 && (rep.problem || !streq(rep.head, im->src_rep->head) || rep.events != im->src_rep->events))
                r = err_set(EBADMSG, "cannot import '%s': the school's audit log in the trust does not verify to the file's head (%s)",
                            im->file, rep.problem ? rep.problem : "another head");
        audit_report_done(&rep);
        int r2 = db_use_school(db, DB_SCHOOL_TRUST);
        if (r < 0 || r2 < 0) return r < 0 ? r : r2;
        im->moved.events = im->src_rep->events;
        snprintf(im->moved.head, sizeof im->moved.head, "%s", im->src_rep->head);
        return db_audit(db, "trust.import", im->code,
                        json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "file", im->file, "name", im->name, "tag_prefix", im->prefix,
                                  "events", (json_int_t) im->moved.events, "rows", (json_int_t) im->moved.rows, "head", im->moved.head),
                        NULL, 0);
}

int trust_import(struct db *db, const char *code, const char *file, struct trust_moved *ret) {
        int r = db_require_trust(db, "trust import");
        if (r < 0 || (r = file_check(file, "import")) < 0) return r;
        if (!school_code_valid(code)) return err_set(EINVAL, "--code '%s': use 2 to 10 capital letters or digits", code);
        _cleanup_db_ struct db *src = NULL;
        r = db_open(file, DB_READONLY, &src);
        if (r < 0) return err_prefix(r, "cannot import '%s'", file);
        struct audit_report rep = {0};
        r = db_audit_verify(src, &rep);
        if (r >= 0 && rep.problem)
                r = err_set(EBADMSG, "cannot import '%s': its audit log is not intact (%s): a school joins the trust with a chain that verifies",
                            file, rep.problem);
        _cleanup_free_ char *name = NULL, *prefix = NULL;
        if (r >= 0 && (db_setting_get(src, "school", &name) < 0 || db_setting_get(src, "tag_prefix", &prefix) < 0))
                r = err_set(EINVAL, "cannot import '%s': it has no school name or tag prefix ('assetctl init' was never run on it)", file);
        if (r < 0) {
                audit_report_done(&rep);
                return r;
        }
        struct school_import im = {code, file, name, prefix, src, &rep, {0}};
        r = in_trust_chain(db, school_import, &im);
        audit_report_done(&rep);
        if (r >= 0 && ret) *ret = im.moved;
        return r;
}

static void remove_register(const char *file) {
        const char *const ext[] = {"", "-wal", "-shm", "-journal"};
        for (size_t i = 0; i < ELEMENTSOF(ext); i++) {
                _cleanup_free_ char *p = xasprintf("%s%s", file, ext[i]);
                (void) unlink(p);
        }
}

/* Copy the school (the connection's now) into the new file, in one
 * snapshot, and check both chains end at the same head. */
static int export_to(struct db *db, const char *file, struct trust_moved *moved) {
        _cleanup_db_ struct db *dst = NULL;
        int r = db_open(file, DB_CREATE, &dst);
        if (r < 0) return err_prefix(r, "cannot export to '%s'", file);
        struct audit_report a = {0}, b = {0};
        r = db_begin_read(db);
        if (r < 0) return r;
        r = db_begin(dst);
        if (r >= 0) {
                r = db_copy_school(db, dst, &moved->rows);
                if (r >= 0) r = db_commit(dst);
                else db_rollback(dst);
        }
        if (r >= 0) r = db_audit_verify(db, &a);
        db_end_read(db);
        if (r >= 0) r = db_audit_verify(dst, &b);
        if (r >= 0 && (a.problem || b.problem || !streq(a.head, b.head) || a.events != b.events))
                r = err_set(EBADMSG, "cannot export to '%s': the copy's audit log does not verify to the school's head (%s)", file,
                            b.problem ? b.problem : a.problem ? a.problem : "another head");
        if (r >= 0) {
                moved->events = a.events;
                snprintf(moved->head, sizeof moved->head, "%s", a.head);
        }
        audit_report_done(&a);
        audit_report_done(&b);
        return r;
}

struct school_export {
        const char *code, *file;
        const struct trust_moved *moved;
};

static int school_exported(struct db *db, void *arg) {
        struct school_export *ex = arg;
        return db_audit(db, "trust.export", ex->code,
                        json_pack("{s:s, s:I, s:I, s:s}", "file", ex->file, "events", (json_int_t) ex->moved->events, "rows",
                                  (json_int_t) ex->moved->rows, "head", ex->moved->head),
                        NULL, 0);
}

int trust_export(struct db *db, const char *code, const char *file, struct trust_moved *ret) {
        int r = db_require_trust(db, "trust export");
        if (r < 0 || (r = file_check(file, "export to")) < 0) return r;
        if (!school_code_valid(code)) return err_set(EINVAL, "--school '%s': use 2 to 10 capital letters or digits", code);
        if (access(file, F_OK) == 0) return err_set(EEXIST, "cannot export to '%s': it exists (give a new file)", file);
        int64_t id = 0, was = db_school(db);
        r = db_trust_school_id(db, code, &id);
        if (r < 0) return r;
        r = db_use_school(db, id);
        if (r < 0) return r;
        struct trust_moved moved = {0};
        r = export_to(db, file, &moved);
        int r2 = db_use_school(db, was);
        if (r < 0 || r2 < 0) {
                remove_register(file);
                return r < 0 ? r : r2;
        }
        struct school_export ex = {code, file, &moved};
        r = in_trust_chain(db, school_exported, &ex);
        if (r < 0) {
                remove_register(file); /* no export the trust has no record of */
                return r;
        }
        if (ret) *ret = moved;
        return 0;
}

/* Run fn(db, s, arg) in each school the login may see, then go back. */
static int each_school(struct db *db, int (*fn)(struct db *db, json_t *school, void *arg), void *arg) {
        int r = db_require_trust(db, "--all-schools");
        if (r < 0) return r;
        _cleanup_json_ json_t *schools = NULL;
        r = db_trust_school_list(db, &schools);
        if (r < 0) return r;
        int64_t was = db_school(db);
        size_t i;
        json_t *s;
        json_array_foreach(schools, i, s) {
                r = db_use_school(db, json_integer_value(json_object_get(s, "id")));
                if (r >= 0) r = fn(db, s, arg);
                if (r < 0) break;
        }
        int r2 = db_use_school(db, was);
        return r < 0 ? r : r2;
}

struct school_rows {
        school_report_fn fn;
        const void *arg;
        json_t *rows;
};

static int school_rows(struct db *db, json_t *school, void *arg) {
        struct school_rows *sr = arg;
        _cleanup_json_ json_t *rows = NULL;
        int r = sr->fn(db, sr->arg, &rows);
        if (r < 0) return r;
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
                json_object_set(row, "school", json_object_get(school, "code"));
                json_array_append(sr->rows, row);
        }
        return 0;
}

int report_all_schools(struct db *db, school_report_fn fn, const void *arg, json_t **ret) {
        struct school_rows sr = {fn, arg, json_array()};
        int r = each_school(db, school_rows, &sr);
        if (r < 0) {
                json_decref(sr.rows);
                return r;
        }
        *ret = sr.rows;
        return 0;
}

struct compliance_all {
        json_t *secs;   /* sections in the first school's order */
        int64_t problems;
};

static int school_compliance(struct db *db, json_t *school, void *arg) {
        struct compliance_all *ca = arg;
        _cleanup_json_ json_t *secs = NULL;
        int64_t problems = 0;
        int r = report_compliance(db, &secs, &problems);
        if (r < 0) return r;
        ca->problems += problems;
        const char *code = json_string_value(json_object_get(school, "code"));
        size_t i;
        json_t *sec;
        json_array_foreach(secs, i, sec) {
                json_t *into = json_array_get(ca->secs, i), *it;
                if (!into) json_array_append_new(ca->secs, into = json_pack("{s:O, s:O, s:[]}", "key", json_object_get(sec, "key"), "title",
                                                                           json_object_get(sec, "title"), "items"));
                size_t j;
                json_array_foreach(json_object_get(sec, "items"), j, it) {
                        json_object_set(it, "school", json_object_get(school, "code"));
                        json_object_set_new(it, "summary", json_sprintf("%s: %s", code, json_string_value(json_object_get(it, "summary"))));
                        json_array_append(json_object_get(into, "items"), it);
                }
        }
        return 0;
}

int report_compliance_all_schools(struct db *db, json_t **ret, int64_t *ret_problems) {
        struct compliance_all ca = {json_array(), 0};
        int r = each_school(db, school_compliance, &ca);
        if (r < 0) {
                json_decref(ca.secs);
                return r;
        }
        *ret = ca.secs;
        *ret_problems = ca.problems;
        return 0;
}
