/* A multi-academy trust's schools and grants (trust.h). */
#include "core-internal.h"
#include "records-internal.h"
#include "store-assets.h"
#include "store-loans.h"
#include "store-trust.h"
#include "reports.h"
#include "trust.h"

#include <ctype.h>

/* db_audit() with details made for the call: they are released after. */
static int audit_new(struct db *db, const char *action, const char *subject, json_t *details, const char *table, int64_t rowid) {
        int r = db_audit(db, action, subject, details, table, rowid);
        json_decref(details);
        return r;
}

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

/* Go back to school `was` after r: a failure's message is the first one
 * (the server gone mid-import), not that of going back on a lost
 * connection. */
static int back_to(struct db *db, int64_t was, int r) {
        if (r >= 0) return db_use_school(db, was);
        _cleanup_free_ char *m = xstrdup(err_msg());
        (void) db_use_school(db, was);
        return err_set(-r, "%s", m);
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
                else {
                        _cleanup_free_ char *m = xstrdup(err_msg());
                        db_rollback(db);
                        r = err_set(-r, "%s", m);
                }
        }
        return back_to(db, was, r);
}

/* The chain's first event when it has none, then the name. */
static int set_name(struct db *db, void *arg) {
        int r = db_trust_audit_init(db, arg);
        return r < 0 ? r : db_setting_set(db, "trust", arg);
}

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
        return back_to(db, was, r);
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
                r = audit_new(db, "trust.school.add", s->code,
                             json_pack("{s:s, s:s, s:I}", "name", s->name, "tag_prefix", s->prefix, "school_id", (json_int_t) s->id),
                             "schools", s->id);
        if (r < 0) return r;
        r = db_use_school(db, s->id);
        if (r >= 0) r = db_setting_set(db, "school", s->name);
        if (r >= 0) r = db_setting_set(db, "tag_prefix", s->prefix);
        return back_to(db, DB_SCHOOL_TRUST, r);
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
        r = back_to(db, DB_SCHOOL_TRUST, r);
        if (r < 0) return r;
        im->moved.events = im->src_rep->events;
        snprintf(im->moved.head, sizeof im->moved.head, "%s", im->src_rep->head);
        return audit_new(db, "trust.import", im->code,
                        json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "file", im->file, "name", im->name, "tag_prefix", im->prefix,
                                  "events", (json_int_t) im->moved.events, "rows", (json_int_t) im->moved.rows, "head", im->moved.head),
                        "schools", id);
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
        if (r < 0 && strncmp(err_msg(), "cannot import", 13) != 0) r = err_prefix(r, "cannot import '%s'", file);
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
        return audit_new(db, "trust.export", ex->code,
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
        r = back_to(db, was, export_to(db, file, &moved));
        if (r < 0) {
                remove_register(file);
                return r;
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

/* The code and tag prefix of school `id` among the schools the login sees. */
static int school_of(json_t *schools, int64_t id, const char **ret_code, const char **ret_prefix) {
        size_t i;
        json_t *s;
        json_array_foreach(schools, i, s) {
                if (json_integer_value(json_object_get(s, "id")) != id) continue;
                *ret_code = json_str(s, "code");
                if (ret_prefix) *ret_prefix = json_str(s, "tag_prefix");
                return 0;
        }
        return err_set(ENOENT, "no school with id %lld in the trust", (long long) id);
}

struct transfer {
        const char *tag, *from_code, *to_code;
        int64_t from, to;
        struct trust_transferred *out;
};

/* Refuse an asset the source school does not hold free to go, saying why. */
static int transfer_check(struct db *db, const struct asset *a, const char *tag) {
        _cleanup_json_ json_t *loan = NULL;
        if (streq(a->status, ST_ISSUED) || db_loan_open_by_asset(db, a->id, &loan) == 0)
                return err_set(EPERM, "cannot transfer '%s': it is on loan (return it first: 'assetctl return %s')", tag, tag);
        if (streq(a->status, ST_TRANSFERRED))
                return err_set(EPERM, "cannot transfer '%s': it was transferred already (see its notes)", tag);
        static const char *const disposal[] = {ST_DISPOSAL_REQUESTED, ST_AUTHORISED, ST_SANITISED, ST_DESTROY_REQUIRED,
                                               ST_DESTROYED, ST_CONSIGNED, ST_DISPOSED};
        for (size_t i = 0; i < ELEMENTSOF(disposal); i++)
                if (streq(a->status, disposal[i]))
                        return err_set(EPERM, "cannot transfer '%s': it is in a disposal (%s)", tag, asset_status_label(a->status));
        int r = asset_check_move(tag, a->status, ST_TRANSFERRED);
        return r < 0 ? err_prefix(r, "cannot transfer '%s'", tag) : 0;
}

/* The hash of the newest event of the school the connection works in. */
static int last_hash(struct db *db, const char *subject, char *ret) {
        _cleanup_json_ json_t *evs = NULL;
        int r = db_audit_list(db, subject, &evs);
        if (r < 0) return r;
        json_t *e = json_array_get(evs, json_array_size(evs) - 1);
        if (!e) return err_set(EIO, "cannot read the audit log: no event for '%s'", subject);
        snprintf(ret, 65, "%s", strempty(json_str(e, "hash")));
        return 0;
}

/* Refuse when the destination (the connection's school) holds the kit or
 * one of its media already. */
static int dest_holds(struct db *db, const struct transfer *t, const struct asset *rec, json_t *media) {
        _cleanup_json_ json_t *dup = NULL;
        if (!isempty(rec->serial) && db_asset_by_make_serial(db, rec->make, rec->serial, &dup) == 0)
                return err_set(EEXIST, "cannot transfer '%s': serial '%s' (%s) is already registered in %s as '%s'", t->tag, rec->serial,
                               rec->make, t->to_code, json_str(dup, "tag"));
        size_t i;
        json_t *e;
        json_array_foreach(media, i, e) {
                _cleanup_json_ json_t *m = NULL;
                if (db_media_by_serial(db, json_str(e, "serial"), &m) == 0)
                        return err_set(EEXIST, "cannot transfer '%s': a medium with serial '%s' is already registered in %s (in '%s')",
                                       t->tag, json_str(e, "serial"), t->to_code, json_str(m, "asset_tag"));
        }
        return 0;
}

/* The source (the connection's school): the final state, the link in its
 * notes, its event; *rec keeps the status it had. */
static int transfer_out(struct db *db, const struct transfer *t, struct asset *rec) {
        const char *old_notes = rec->notes;
        _cleanup_free_ char *notes = xasprintf("%s%stransferred to %s as %s", strempty(old_notes), isempty(old_notes) ? "" : "\n",
                                               t->to_code, t->out->new_tag);
        rec->notes = notes;
        int r = db_asset_update(db, rec);
        rec->notes = (char *) old_notes;
        if (r >= 0) r = db_asset_set_status(db, rec->id, ST_TRANSFERRED);
        if (r >= 0)
                r = audit_new(db, "asset.transfer.out", t->tag,
                             json_pack("{s:s, s:s, s:s, s:s}", "to_school", t->to_code, "to_tag", t->out->new_tag, "from", rec->status,
                                       "to", ST_TRANSFERRED),
                             "assets", rec->id);
        return r < 0 ? r : last_hash(db, t->tag, t->out->out_hash);
}

/* The destination (the connection's school): a new row under its own
 * tag, the media, its event naming the source and carrying its history. */
static int transfer_in(struct db *db, const struct transfer *t, struct asset *rec, json_t *media, json_t *history) {
        struct trust_transferred *o = t->out;
        const char *old_notes = rec->notes;
        _cleanup_free_ char *notes = xasprintf("%s%stransferred from %s (was %s)", strempty(old_notes), isempty(old_notes) ? "" : "\n",
                                               t->from_code, t->tag);
        rec->notes = notes;
        rec->tag = o->new_tag;
        int64_t id = 0;
        int r = db_asset_insert(db, rec, &id);
        if (r < 0) return r;
        _cleanup_json_ json_t *mids = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(media, i, e) {
                struct medium m;
                record_from_json(&medium_type, e, &m);
                int64_t mid = 0;
                r = db_media_insert(db, id, &m, &mid);
                if (r < 0) return r;
                json_array_append_new(mids, json_integer(mid));
        }
        _cleanup_json_ json_t *in = json_pack("{s:s, s:s, s:s, s:O}", "from_school", t->from_code, "from_tag", t->tag, "from_event_hash",
                                              o->out_hash, "history", history);
        r = db_audit_begin(db, "asset.transfer.in", o->new_tag, in);
        if (r >= 0) r = db_audit_row(db, "assets", id);
        json_array_foreach(mids, i, e) if (r >= 0) r = db_audit_row(db, "media", json_integer_value(e));
        if (r >= 0) r = db_audit_end(db);
        return r < 0 ? r : last_hash(db, o->new_tag, o->in_hash);
}

/* The asset's events in the connection's school, as the destination's
 * event carries them: time, actor, action, hash. */
static int history_of(struct db *db, const char *tag, json_t **ret) {
        _cleanup_json_ json_t *hist = NULL;
        int r = db_audit_list(db, tag, &hist);
        if (r < 0) return r;
        json_t *h = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(hist, i, e)
                json_array_append_new(h, json_pack("{s:O, s:O, s:O, s:O}", "time", json_object_get(e, "time"), "actor",
                                                   json_object_get(e, "actor"), "action", json_object_get(e, "action"), "hash",
                                                   json_object_get(e, "hash")));
        *ret = h;
        return 0;
}

/* Inside the trust's transaction (its lock held): both schools' locks in
 * ascending order, then the source's final state and event, the
 * destination's new row, media and event, and the trust's event. */
static int transfer_in_tx(struct db *db, void *arg) {
        struct transfer *t = arg;
        struct trust_transferred *o = t->out;
        int r = db_use_school(db, t->from < t->to ? t->from : t->to);
        if (r >= 0) r = db_use_school(db, t->from < t->to ? t->to : t->from);
        if (r < 0) return r;

        /* the destination's next tag */
        _cleanup_free_ char *prefix = NULL;
        int64_t n = 0;
        r = db_use_school(db, t->to);
        if (r >= 0) r = school_get(db, NULL, &prefix);
        if (r >= 0) r = db_asset_max_tag_number(db, prefix, &n);
        if (r < 0) return r;
        snprintf(o->new_tag, sizeof o->new_tag, "%s-%06lld", prefix, (long long) n + 1);

        /* the source: the asset as it is, its media and history */
        r = db_use_school(db, t->from);
        if (r < 0) return r;
        _cleanup_json_ json_t *a = NULL, *media = NULL, *history = NULL;
        r = db_asset_by_tag(db, t->tag, &a);
        if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in school %s", t->tag, t->from_code);
        if (r < 0) return r;
        struct asset rec;
        record_from_json(&asset_type, a, &rec);
        r = transfer_check(db, &rec, t->tag);
        if (r >= 0) r = db_media_by_asset(db, rec.id, &media);
        if (r >= 0) r = history_of(db, t->tag, &history);
        if (r >= 0) r = db_use_school(db, t->to);
        if (r >= 0) r = dest_holds(db, t, &rec, media);
        if (r >= 0) r = db_use_school(db, t->from);
        if (r >= 0) r = transfer_out(db, t, &rec);
        if (r >= 0) r = db_use_school(db, t->to);
        if (r >= 0) r = transfer_in(db, t, &rec, media, history);
        if (r >= 0) r = db_use_school(db, DB_SCHOOL_TRUST);
        if (r < 0) return r;
        return audit_new(db, "trust.transfer", t->tag,
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "from_school", t->from_code, "from_tag", t->tag, "to_school",
                                  t->to_code, "to_tag", o->new_tag, "out_event_hash", o->out_hash, "in_event_hash", o->in_hash),
                        NULL, 0);
}

int trust_transfer(struct db *db, const char *tag_in, const char *to_code, struct trust_transferred *ret) {
        int r = db_require_trust(db, "asset transfer");
        if (r < 0) return r;
        if (!school_code_valid(to_code)) return err_set(EINVAL, "--to-school '%s': use 2 to 10 capital letters or digits", to_code);
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        bool admin = false;
        r = db_trust_is_admin(db, &admin);
        if (r < 0) return r;
        if (!admin) return err_set(EPERM, "cannot transfer '%s': moving an asset between schools is for the trust's administrators (a trust-wide admin grant)", tag);
        int64_t from = db_school(db), to = 0;
        if (from == DB_SCHOOL_TRUST) return err_set(EINVAL, "cannot transfer '%s': name the school it is in with --school CODE", tag);
        r = db_trust_school_id(db, to_code, &to);
        if (r < 0) return r;
        _cleanup_json_ json_t *schools = NULL;
        const char *from_code = NULL, *to_c = NULL;
        r = db_trust_school_list(db, &schools);
        if (r >= 0) r = school_of(schools, from, &from_code, NULL);
        if (r >= 0) r = school_of(schools, to, &to_c, NULL);
        if (r < 0) return r;
        if (from == to) return err_set(EINVAL, "cannot transfer '%s': it is in %s already (give another school)", tag, to_code);
        struct trust_transferred out = {0};
        struct transfer t = {tag, from_code, to_c, from, to, &out};
        r = in_trust_chain(db, transfer_in_tx, &t);
        if (r >= 0 && ret) *ret = out;
        return r;
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
